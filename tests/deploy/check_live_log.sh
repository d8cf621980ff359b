#!/usr/bin/env bash
# The real storybot's own log lines against the index template: start storybot (loopback, free port, temp
# dirs), make requests that write access and app lines (health, errors, admin API, a story preview), stop it
# with SIGTERM (logs flushed), then check every field of its storybot.ndjson with check_elk_mapping.py.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
T=$(mktemp -d)
trap 'stop_storybot; rm -rf "$T"' EXIT

if ! start_storybot "$T/sb" 2>"$T/start.err"; then
  fail elk-mapping-live-log "$(tail -n 3 "$T/start.err" | tr '\n' ' ')"; exit 0
fi
C=(curl -sS --max-time 10 -o /dev/null -H "X-Trace-Id: live-log-$RANDOM")
A=(-H "Authorization: Bearer $STORYBOT_TOKEN")
"${C[@]}" "$STORYBOT_URL/healthz" || true
"${C[@]}" "$STORYBOT_URL/readyz" || true
"${C[@]}" "$STORYBOT_URL/no-such-path" || true
"${C[@]}" "$STORYBOT_URL/api/prompts" || true                                  # 401
"${C[@]}" "${A[@]}" "$STORYBOT_URL/api/prompts" || true
"${C[@]}" "${A[@]}" -H 'Content-Type: application/json' -d '{"content": "Tell a story about {{request}}"}' \
  "$STORYBOT_URL/api/prompts" || true
"${C[@]}" "${A[@]}" -H 'Content-Type: application/json' -d '{"content": ' "$STORYBOT_URL/api/prompts" || true  # 400
"${C[@]}" "${A[@]}" -H 'Content-Type: application/json' -d '{"request": "一只会说话的狐狸"}' \
  "$STORYBOT_URL/api/stories/preview" || true
"${C[@]}" -A 'weird "agent" \ x' "$STORYBOT_URL/healthz" || true
stop_storybot
LOG=$T/sb/logs/storybot.ndjson
if [ ! -s "$LOG" ]; then
  fail elk-mapping-live-log "storybot wrote no $LOG"; exit 0
fi
cp "$LOG" "${LIVE_LOG_KEEP:-/dev/null}" 2>/dev/null || true
"$PY" "$REPO/tests/deploy/check_elk_mapping.py" --log "$LOG" elk-mapping-live-log
