#!/usr/bin/env bash
# nginx: deploy/nginx/storybot.conf checked with nginx itself.
# A temp copy gets a self-signed certificate, loopback ports and the real storybot as upstream (sed), then
# `nginx -t`, then nginx runs (non-daemon, in the background) and curl checks the redirect, TLS + HSTS,
# proxying to storybot with X-Trace-Id, the 1 MiB body limit and that /metrics is refused.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

for tool in nginx:nginx-light openssl:openssl curl:curl; do
  need nginx "${tool%%:*}" "${tool#*:}" || exit 0
done

T=$(mktemp -d)
NGINX_PID=''
cleanup() {
  if [ -n "$NGINX_PID" ]; then kill -QUIT "$NGINX_PID" 2>/dev/null || true; wait "$NGINX_PID" 2>/dev/null || true; fi
  stop_storybot
  rm -rf "$T"
}
trap cleanup EXIT

# --- upstream: the real storybot ---------------------------------------------------------------------------
UP_PORT=''
if start_storybot "$T/storybot" 2>"$T/storybot-start.err"; then
  UP_PORT=$STORYBOT_PORT
else
  UP_REASON=$(tail -n 3 "$T/storybot-start.err" | tr '\n' ' ')
  UP_PORT=$(free_port)   # nothing listens there: nginx answers 502, the other checks still run
fi

# --- certificate + config copy ----------------------------------------------------------------------------
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=storybot.example.com" \
  -addext "subjectAltName=DNS:storybot.example.com" \
  -keyout "$T/privkey.pem" -out "$T/fullchain.pem" 2>"$T/openssl.err"

P80=$(free_port); P443=$(free_port)
while [ "$P443" = "$P80" ]; do P443=$(free_port); done
sed -e "s|listen 80;|listen 127.0.0.1:$P80;|" \
    -e "s|listen 443 ssl http2;|listen 127.0.0.1:$P443 ssl http2;|" \
    -e '/listen \[::\]:/d' \
    -e "s|/etc/letsencrypt/live/storybot.example.com/|$T/|" \
    -e "s|server 127.0.0.1:8080;|server 127.0.0.1:$UP_PORT;|" \
    -e "s|/var/log/nginx/|$T/|" \
    "$DEPLOY/nginx/storybot.conf" >"$T/storybot.conf"
# every rewrite must have hit, or the test would check something else than the shipped file
for want in "listen 127.0.0.1:$P80;" "listen 127.0.0.1:$P443 ssl http2;" "ssl_certificate     $T/fullchain.pem;" \
            "ssl_certificate_key $T/privkey.pem;" "server 127.0.0.1:$UP_PORT;"; do
  if ! grep -qF "$want" "$T/storybot.conf"; then fail nginx-config "sed rewrite did not apply: '$want'"; exit 0; fi
done
if grep -qE 'listen (80|443)|/etc/letsencrypt|/var/log/nginx' "$T/storybot.conf"; then
  fail nginx-config "the temp copy still names a system path or port"; exit 0
fi

user_line=''
if [ "$(id -u)" = 0 ]; then user_line="user root;"; fi
mkdir -p "$T/tmp"
cat >"$T/nginx.conf" <<CONF
$user_line
daemon off;
master_process on;
worker_processes 1;
pid $T/nginx.pid;
error_log $T/error.log info;
events { worker_connections 128; }
http {
  access_log $T/access.log;
  client_body_temp_path $T/tmp/body;
  proxy_temp_path $T/tmp/proxy;
  fastcgi_temp_path $T/tmp/fastcgi;
  uwsgi_temp_path $T/tmp/uwsgi;
  scgi_temp_path $T/tmp/scgi;
  include $T/storybot.conf;
}
CONF

if nginx -t -p "$T" -e "$T/error.log" -c "$T/nginx.conf" >"$T/nginx-t.out" 2>&1; then
  pass nginx-config "nginx -t: $(grep -o 'syntax is ok' "$T/nginx-t.out" | head -1), test is successful"
else
  fail nginx-config "nginx -t failed: $(tr '\n' ' ' <"$T/nginx-t.out" | cut -c1-300)"; exit 0
fi

nginx -p "$T" -e "$T/error.log" -c "$T/nginx.conf" >"$T/nginx.out" 2>&1 &
NGINX_PID=$!
if ! wait_port "$P80" || ! wait_port "$P443"; then
  fail nginx-start "nginx did not listen within 10 s: $(tail -n 5 "$T/error.log" | tr '\n' ' ')"; exit 0
fi

HOST=storybot.example.com
CURL=(curl -sS --max-time 10 --resolve "$HOST:$P80:127.0.0.1" --resolve "$HOST:$P443:127.0.0.1" --cacert "$T/fullchain.pem")

# --- redirect --------------------------------------------------------------------------------------------
out=$("${CURL[@]}" -o /dev/null -w '%{http_code} %{redirect_url}' "http://$HOST:$P80/admin/x?a=1" || true)
code=${out%% *}; loc=${out#* }
if { [ "$code" = 301 ] || [ "$code" = 308 ]; } && [ "$loc" = "https://$HOST/admin/x?a=1" ]; then
  pass nginx-redirect "http -> $code $loc"
else
  fail nginx-redirect "expected 301/308 to https://$HOST/admin/x?a=1, got '$out'"
fi

# --- /metrics refused (never reaches storybot) ------------------------------------------------------------
bad=''
for path in /metrics /metrics/ /metrics?x=1 /%6Detrics //metrics; do
  code=$("${CURL[@]}" -o /dev/null -w '%{http_code}' --path-as-is "https://$HOST:$P443$path" || true)
  case $code in 403|404) ;; *) bad="$bad $path=$code" ;; esac
done
if [ -z "$bad" ]; then pass nginx-metrics-refused "/metrics and variants answer 403 over TLS"
else fail nginx-metrics-refused "not refused:$bad"; fi

# --- TLS: protocol versions, HSTS --------------------------------------------------------------------------
tls_bad=''
for v in 1.2 1.3; do
  if ! "${CURL[@]}" -o /dev/null --tlsv"$v" --tls-max "$v" "https://$HOST:$P443/metrics" 2>>"$T/curl.err"; then
    tls_bad="$tls_bad TLSv$v-refused"
  fi
done
if "${CURL[@]}" -o /dev/null --tlsv1.1 --tls-max 1.1 "https://$HOST:$P443/metrics" 2>/dev/null; then
  tls_bad="$tls_bad TLSv1.1-accepted"
fi
hsts=$("${CURL[@]}" -o /dev/null -D - "https://$HOST:$P443/metrics" | tr -d '\r' | grep -i '^strict-transport-security:' || true)
if [ -z "$tls_bad" ] && [ -n "$hsts" ]; then pass nginx-tls "TLS 1.2 + 1.3 accepted, 1.1 refused, $hsts"
else fail nginx-tls "${tls_bad:-} ${hsts:-no HSTS header}"; fi

# --- body limit (nginx answers 413 before storybot sees the body) -------------------------------------------
head -c $((1024 * 1024 + 10)) /dev/zero >"$T/big.bin"
code=$("${CURL[@]}" -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' --data-binary @"$T/big.bin" \
  "https://$HOST:$P443/webhooks/test" || true)
if [ "$code" = 413 ]; then pass nginx-body-limit "1 MiB + 10 bytes -> 413"
else fail nginx-body-limit "expected 413, got $code"; fi

# --- proxy to the real storybot ----------------------------------------------------------------------------
if [ -z "${STORYBOT_PID:-}" ]; then
  fail nginx-proxy-storybot "${UP_REASON:-storybot did not start}"
  exit 0
fi
TRACE=deploy-test-$RANDOM$RANDOM
"${CURL[@]}" -D "$T/h1" -o "$T/b1" -H "X-Trace-Id: $TRACE" "https://$HOST:$P443/healthz" || true
code=$(head -n1 "$T/h1" | awk '{print $2}')
got_trace=$(tr -d '\r' <"$T/h1" | awk -F': ' 'tolower($1)=="x-trace-id"{print $2}')
n_trace=$(tr -d '\r' <"$T/h1" | grep -ci '^x-trace-id:' || true)
body_ok=$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1])) == {"status": "ok"})' "$T/b1" 2>/dev/null || echo False)
# proof that storybot itself received the id: its JSON error bodies carry "trace_id"
"${CURL[@]}" -o "$T/b3" -H "X-Trace-Id: $TRACE-2" "https://$HOST:$P443/api/deploy-test-no-such-route" || true
body_trace=$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1])).get("trace_id"))' "$T/b3" 2>/dev/null || echo none)
# a request without an id: nginx makes one (32 hex) and storybot keeps it
"${CURL[@]}" -D "$T/h2" -o /dev/null "https://$HOST:$P443/healthz" || true
gen_trace=$(tr -d '\r' <"$T/h2" | awk -F': ' 'tolower($1)=="x-trace-id"{print $2}')
if [ "$code" = 200 ] && [ "$body_ok" = True ] && [ "$got_trace" = "$TRACE" ] && [ "$n_trace" = 1 ] \
   && [[ $gen_trace =~ ^[0-9a-f]{32}$ ]] && [ "$body_trace" = "$TRACE-2" ]; then
  pass nginx-proxy-storybot "https /healthz -> storybot $code $(cat "$T/b1"), X-Trace-Id echoed and seen by storybot (error body trace_id), generated $gen_trace"
else
  fail nginx-proxy-storybot "code=$code body=$(head -c 200 "$T/b1" 2>/dev/null) trace sent=$TRACE got='$got_trace' (x$n_trace) storybot saw='$body_trace' generated='$gen_trace'"
fi
exit 0
