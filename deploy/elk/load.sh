#!/usr/bin/env bash
# Load storybot's Elasticsearch index template and Kibana saved objects (data view, saved search, dashboard).
#
#   ES_URL=http://127.0.0.1:9200 KIBANA_URL=http://127.0.0.1:5601 deploy/elk/load.sh
#
# Environment (all optional):
#   ES_URL           Elasticsearch base URL                        (default http://127.0.0.1:9200)
#   KIBANA_URL       Kibana base URL                               (default http://127.0.0.1:5601)
#   ES_USER, ES_PASSWORD        basic auth for Elasticsearch (needs manage_index_templates)
#   ES_API_KEY                  or an API key (base64 "id:key"), instead of user/password
#   KIBANA_USER, KIBANA_PASSWORD basic auth for Kibana (default: the ES_USER/ES_PASSWORD pair)
#   KIBANA_SPACE     import into this Kibana space                 (default: the default space)
#   CURL_CA_CERT     CA certificate file for https URLs
#   LOAD_WAIT_S      wait up to this many seconds for both to answer (default 0: try once)
# Credentials go to curl through a private config file, never on its command line. Idempotent: the template is
# replaced, saved objects are overwritten; an existing logs-storybot-default data stream is rolled over so the
# new mappings apply to the next backing index.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ES_URL=${ES_URL:-http://127.0.0.1:9200}
KIBANA_URL=${KIBANA_URL:-http://127.0.0.1:5601}
ES_URL=${ES_URL%/}
KIBANA_URL=${KIBANA_URL%/}
LOAD_WAIT_S=${LOAD_WAIT_S:-0}
TEMPLATE=$HERE/index-template.json
OBJECTS=$HERE/kibana/saved-objects.ndjson
KIBANA_BASE=$KIBANA_URL
if [ -n "${KIBANA_SPACE:-}" ]; then KIBANA_BASE=$KIBANA_URL/s/$KIBANA_SPACE; fi

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
umask 077

# curl config quoting: backslash and double quote escaped
q() { local s=${1//\\/\\\\}; printf '"%s"' "${s//\"/\\\"}"; }

{
  echo 'silent'; echo 'show-error'
  echo 'connect-timeout = 5'; echo 'max-time = 60'
  if [ -n "${CURL_CA_CERT:-}" ]; then echo "cacert = $(q "$CURL_CA_CERT")"; fi
} >"$WORK/common.cfg"
cp "$WORK/common.cfg" "$WORK/es.cfg"
cp "$WORK/common.cfg" "$WORK/kibana.cfg"
if [ -n "${ES_API_KEY:-}" ]; then
  echo "header = $(q "Authorization: ApiKey $ES_API_KEY")" >>"$WORK/es.cfg"
elif [ -n "${ES_USER:-}" ]; then
  echo "user = $(q "$ES_USER:${ES_PASSWORD:-}")" >>"$WORK/es.cfg"
fi
KIBANA_USER=${KIBANA_USER:-${ES_USER:-}}
KIBANA_PASSWORD=${KIBANA_PASSWORD:-${ES_PASSWORD:-}}
if [ -n "$KIBANA_USER" ]; then
  echo "user = $(q "$KIBANA_USER:$KIBANA_PASSWORD")" >>"$WORK/kibana.cfg"
elif [ -n "${ES_API_KEY:-}" ]; then
  echo "header = $(q "Authorization: ApiKey $ES_API_KEY")" >>"$WORK/kibana.cfg"
fi

# call CFG METHOD URL [curl args...]: prints the HTTP status; the body goes to $WORK/body
call() {
  local cfg=$1 method=$2 url=$3; shift 3
  curl --config "$cfg" -X "$method" -o "$WORK/body" -w '%{http_code}' "$@" "$url" || true
}

wait_for() { # NAME CFG URL: until URL answers 200, at most LOAD_WAIT_S seconds
  local name=$1 cfg=$2 url=$3 deadline=$((SECONDS + LOAD_WAIT_S)) code
  while :; do
    code=$(call "$cfg" GET "$url" 2>/dev/null)
    if [ "$code" = 200 ]; then return 0; fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      echo "load.sh: $name at $url answers $code" >&2; return 1
    fi
    sleep 3
  done
}

if [ "$LOAD_WAIT_S" -gt 0 ]; then
  wait_for Elasticsearch "$WORK/es.cfg" "$ES_URL/"
  wait_for Kibana "$WORK/kibana.cfg" "$KIBANA_URL/api/status"
fi

# 1. index template
code=$(call "$WORK/es.cfg" PUT "$ES_URL/_index_template/logs-storybot" \
  -H 'Content-Type: application/json' --data-binary "@$TEMPLATE")
if [ "$code" != 200 ] || ! grep -q '"acknowledged" *: *true' "$WORK/body"; then
  echo "load.sh: PUT _index_template/logs-storybot failed ($code): $(head -c 500 "$WORK/body")" >&2
  exit 1
fi
echo "index template logs-storybot loaded into $ES_URL"

# 2. new mappings for an existing data stream: roll it over
code=$(call "$WORK/es.cfg" GET "$ES_URL/_data_stream/logs-storybot-default")
if [ "$code" = 200 ]; then
  code=$(call "$WORK/es.cfg" POST "$ES_URL/logs-storybot-default/_rollover")
  if [ "$code" != 200 ]; then
    echo "load.sh: rollover of logs-storybot-default failed ($code): $(head -c 300 "$WORK/body")" >&2; exit 1
  fi
  echo "data stream logs-storybot-default rolled over"
fi

# 3. Kibana saved objects
code=$(call "$WORK/kibana.cfg" POST "$KIBANA_BASE/api/saved_objects/_import?overwrite=true" \
  -H 'kbn-xsrf: true' -F "file=@$OBJECTS;type=application/ndjson")
if [ "$code" != 200 ] || ! grep -q '"success" *: *true' "$WORK/body"; then
  echo "load.sh: Kibana saved objects import failed ($code): $(head -c 500 "$WORK/body")" >&2
  exit 1
fi
echo "Kibana saved objects imported into $KIBANA_BASE (data view logs-storybot-*, dashboard 'storybot overview')"
