#!/usr/bin/env bash
# deploy/elk/load.sh against a fake Elasticsearch and a fake Kibana on loopback (tests/deploy/fake_elastic.py),
# which record what it sends: PUT /_index_template/logs-storybot with the template as JSON, POST
# /api/saved_objects/_import?overwrite=true as multipart with kbn-xsrf, credentials as basic auth (never printed);
# and a refusal from either makes load.sh exit non-zero.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

need elk-load curl curl || exit 0
T=$(mktemp -d)
PIDS=()
cleanup() {
  local p
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  rm -rf "$T"
}
trap cleanup EXIT

start_fake() { # ROLE MODE NAME -> sets FAKE_PORT
  local role=$1 mode=$2 name=$3 tries=50
  "$PY" "$REPO/tests/deploy/fake_elastic.py" "$role" "$mode" "$T/$name.port" "$T/$name.log" 2>"$T/$name.err" &
  PIDS+=($!)
  while [ ! -s "$T/$name.port" ] && [ "$tries" -gt 0 ]; do sleep 0.1; tries=$((tries - 1)); done
  FAKE_PORT=$(cat "$T/$name.port" 2>/dev/null || true)
  [ -n "$FAKE_PORT" ] && wait_port "$FAKE_PORT"
}

start_fake es ok es1; ES_PORT=$FAKE_PORT
start_fake kibana ok kb1; KB_PORT=$FAKE_PORT
PASSWORD="pw-$RANDOM\"x\\y"
if ES_URL="http://127.0.0.1:$ES_PORT/" KIBANA_URL="http://127.0.0.1:$KB_PORT" ES_USER=deployer ES_PASSWORD="$PASSWORD" \
   LOAD_WAIT_S=5 bash "$DEPLOY/elk/load.sh" >"$T/load1.out" 2>&1; then
  if out=$("$PY" - "$T/es1.log" "$T/kb1.log" "$DEPLOY" "$PASSWORD" <<'PYEOF'
import base64, json, sys
es_log, kb_log, deploy, password = sys.argv[1:5]
es = [json.loads(l) for l in open(es_log)]
kb = [json.loads(l) for l in open(kb_log)]
auth = "Basic " + base64.b64encode(f"deployer:{password}".encode()).decode()
put = [r for r in es if r["method"] == "PUT"]
assert [r["path"] for r in put] == ["/_index_template/logs-storybot"], f"ES PUTs: {[r['path'] for r in put]}"
body = json.loads(base64.b64decode(put[0]["body_b64"]))
assert body == json.load(open(f"{deploy}/elk/index-template.json")), "template body differs from index-template.json"
assert put[0]["headers"].get("content-type") == "application/json", put[0]["headers"].get("content-type")
assert all(r["headers"].get("authorization") == auth for r in es), "ES requests without the basic auth"
imp = [r for r in kb if r["method"] == "POST"]
assert [r["path"] for r in imp] == ["/api/saved_objects/_import?overwrite=true"], f"Kibana POSTs: {[r['path'] for r in imp]}"
h = imp[0]["headers"]
assert h.get("kbn-xsrf"), "no kbn-xsrf header"
assert h.get("content-type", "").startswith("multipart/form-data"), h.get("content-type")
assert h.get("authorization") == auth, "Kibana import without the basic auth"
parts = imp[0]["parts"]
assert [p["name"] for p in parts] == ["file"], parts
assert parts[0]["filename"] == "saved-objects.ndjson", parts[0]["filename"]
assert parts[0]["content"] == open(f"{deploy}/elk/kibana/saved-objects.ndjson", encoding="utf-8").read(), "ndjson differs"
print(f"{len(es)} ES + {len(kb)} Kibana requests as expected")
PYEOF
  ); then
    if grep -qF "$PASSWORD" "$T/load1.out"; then fail elk-load "load.sh printed the password"
    else pass elk-load "PUT _index_template/logs-storybot + POST _import?overwrite=true multipart, kbn-xsrf, basic auth; $out"; fi
  else
    fail elk-load "$(echo "$out" | tail -n 2 | tr '\n' ' ')"
  fi
else
  fail elk-load "load.sh exited non-zero against fakes that accept: $(tr '\n' ' ' <"$T/load1.out" | cut -c1-300)"
fi

# refusals must fail the script
start_fake es fail es2; ES_BAD=$FAKE_PORT
start_fake kibana fail kb2; KB_BAD=$FAKE_PORT
bad=''
if ES_URL="http://127.0.0.1:$ES_BAD" KIBANA_URL="http://127.0.0.1:$KB_PORT" bash "$DEPLOY/elk/load.sh" >"$T/l2" 2>&1; then
  bad="$bad template-refused-but-exit-0"
fi
if ES_URL="http://127.0.0.1:$ES_PORT" KIBANA_URL="http://127.0.0.1:$KB_BAD" bash "$DEPLOY/elk/load.sh" >"$T/l3" 2>&1; then
  bad="$bad import-unsuccessful-but-exit-0"
fi
closed=$(free_port)
if ES_URL="http://127.0.0.1:$closed" KIBANA_URL="http://127.0.0.1:$KB_PORT" LOAD_WAIT_S=1 bash "$DEPLOY/elk/load.sh" >"$T/l4" 2>&1; then
  bad="$bad nothing-listening-but-exit-0"
fi
if [ -z "$bad" ]; then pass elk-load-failures "refused template, unsuccessful import, unreachable ES: each exits non-zero"
else fail elk-load-failures "$bad"; fi

if need elk-load-shellcheck shellcheck shellcheck; then
  if shellcheck "$DEPLOY/elk/load.sh" >"$T/sc" 2>&1; then pass elk-load-shellcheck "shellcheck clean"
  else fail elk-load-shellcheck "$(head -c 300 "$T/sc" | tr '\n' ' ')"; fi
fi
exit 0
