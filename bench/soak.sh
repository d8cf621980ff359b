#!/usr/bin/env bash
# make soak: storybot under SOAK_SECONDS (default 600) of steady mixed load (bench/soak.lua: admin
# reads and writes, story previews, Telegram webhook deliveries answered through a fake Bot API),
# sampling its RSS (VmRSS) and open file descriptors every SOAK_SAMPLE_S (10) seconds. Writes
# bench/results/soak-<date>.md: the samples, wrk's totals and a verdict — "flat" when, after the
# first quarter (warm-up: caches, SQLite page cache, thread stacks), RSS grows by less than 10 %
# + 8 MiB and open fds by at most 4. The run also fails on any non-2xx answer or a delivery left
# unanswered.
# Environment: STORYBOT_BIN (build/storybot), SOAK_SECONDS, SOAK_SAMPLE_S, SOAK_CONNS (8),
# SOAK_DELAY_MS (10: pause per request and connection).
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$BENCH_DIR/.." && pwd)
BIN=${STORYBOT_BIN:-$REPO/build/storybot}
SECONDS_TOTAL=${SOAK_SECONDS:-600}
SAMPLE_S=${SOAK_SAMPLE_S:-10}
CONNS=${SOAK_CONNS:-8}
export SOAK_DELAY_MS=${SOAK_DELAY_MS:-10}
OUT=$BENCH_DIR/results/soak-$(date -u +%Y-%m-%d).md

for tool in wrk node curl; do
  command -v $tool >/dev/null || { echo "soak: $tool is missing (make deps-bench)"; exit 2; }
done
[ -x "$BIN" ] || { echo "soak: $BIN is not built (make build)"; exit 2; }

WORK=$(mktemp -d /tmp/storybot-soak.XXXXXX)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# The fake Bot API: bench/fake_bot_api.js when a colleague's is there, else a minimal one here.
API_PORT=$(free_port)
FAKE=$BENCH_DIR/fake_bot_api.js
if [ ! -f "$FAKE" ]; then
  FAKE=$WORK/fake_bot_api.js
  cat >"$FAKE" <<'JS'
// Answers every Bot API method at /bot<token>/<method> with ok; GET /counts: calls per method.
const http = require('http');
const counts = {};
let id = 1;
http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    if (req.url === '/counts') return res.end(JSON.stringify(counts));
    const method = req.url.split('/').pop().split('?')[0];
    counts[method] = (counts[method] || 0) + 1;
    const result = method === 'getMe' ? { id: 1, is_bot: true, first_name: 'Soak', username: 'soak_bot' }
      : method === 'sendMessage' ? { message_id: id++, date: 0, chat: { id: 1, type: 'private' } } : true;
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ ok: true, result }));
  });
}).listen(Number(process.argv[2]), '127.0.0.1', () => console.log('fake bot api listening'));
JS
fi
node "$FAKE" "$API_PORT" >"$WORK/fake.log" 2>&1 &
PIDS+=($!)

export SOAK_TOKEN=soak-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
export SOAK_TG_SECRET=soak_secret_$RANDOM
# soak.lua sends 100 deliveries in a row to each chat: flood control (20 a minute by default) would
# answer most of them with silence, so it is off here to keep the load what it measures.
STORYBOT_HTTP_PORT=0 STORYBOT_DATA_DIR=$WORK/data STORYBOT_LOG_DIR=$WORK/logs \
  STORYBOT_LOG_LEVEL=warn STORYBOT_ADMIN_TOKEN=$SOAK_TOKEN STORYBOT_LIMIT_CHAT_PER_MINUTE=0 \
  STORYBOT_TELEGRAM_BOT_TOKEN=123456:soak-token STORYBOT_TELEGRAM_WEBHOOK_SECRET=$SOAK_TG_SECRET \
  STORYBOT_TELEGRAM_API_URL=http://127.0.0.1:$API_PORT \
  "$BIN" >"$WORK/storybot.out" 2>&1 &
SB_PID=$!
PIDS+=($SB_PID)
for _ in $(seq 300); do
  grep -q 'storybot listening on' "$WORK/storybot.out" 2>/dev/null && break
  kill -0 $SB_PID 2>/dev/null || { cat "$WORK/storybot.out"; exit 1; }
  sleep 0.1
done
BASE=$(grep -o 'http://[0-9.]*:[0-9]*' "$WORK/storybot.out" | head -1)
[ -n "$BASE" ] || { echo "soak: storybot did not start"; cat "$WORK/storybot.out"; exit 1; }

for i in 1 2 3; do
  curl -sf -o /dev/null -X POST "$BASE/api/prompts" -H "Authorization: Bearer $SOAK_TOKEN" \
    -H 'Content-Type: application/json' \
    -d "{\"title\":\"soak $i\",\"content\":\"Tell {{user_name}} a story about {{request}} ($i).\"}"
done

rss_kib() { awk '/^VmRSS:/ {print $2}' /proc/$SB_PID/status; }
fds() { ls /proc/$SB_PID/fd | wc -l; }
stat_json() { curl -sf --max-time 10 "$BASE/api/stats" -H "Authorization: Bearer $SOAK_TOKEN"; }

echo "soak: $SECONDS_TOTAL s against $BASE ($CONNS connections, ${SOAK_DELAY_MS} ms pause), pid $SB_PID"
START=$(date +%s)
wrk -t2 -c"$CONNS" -d"${SECONDS_TOTAL}s" --timeout 10s -s "$BENCH_DIR/soak.lua" --latency "$BASE" \
  >"$WORK/wrk.txt" 2>&1 &
WRK_PID=$!
PIDS+=($WRK_PID)
SAMPLES=$WORK/samples.tsv
while kill -0 $WRK_PID 2>/dev/null; do
  kill -0 $SB_PID 2>/dev/null || { echo "soak: storybot died"; cat "$WORK/storybot.out"; exit 1; }
  printf '%s\t%s\t%s\t%s\n' $(( $(date +%s) - START )) "$(rss_kib)" "$(fds)" \
    "$(stat_json | python3 -c 'import json,sys; j=json.load(sys.stdin)["jobs"]; print(j["pending"], j["done"], j["failed"])' | tr ' ' '/')" \
    | tee -a "$SAMPLES"
  sleep "$SAMPLE_S"
done
wait $WRK_PID || true
# Let the sender answer what is still queued (it is paced), then take the final sample.
for _ in $(seq 60); do
  pending=$(stat_json | python3 -c 'import json,sys; print(json.load(sys.stdin)["jobs"]["pending"])')
  [ "$pending" = 0 ] && break
  sleep 1
done
printf '%s\t%s\t%s\t%s\n' "end" "$(rss_kib)" "$(fds)" \
  "$(stat_json | python3 -c 'import json,sys; j=json.load(sys.stdin)["jobs"]; print(j["pending"], j["done"], j["failed"])' | tr ' ' '/')" \
  | tee -a "$SAMPLES"
COUNTS=$(curl -sf "http://127.0.0.1:$API_PORT/counts" || echo '{}')
kill -TERM $SB_PID; wait $SB_PID 2>/dev/null || true

python3 - "$SAMPLES" "$WORK/wrk.txt" "$OUT" "$SECONDS_TOTAL" "$CONNS" "$SOAK_DELAY_MS" "$COUNTS" <<'PY'
import json, re, subprocess, sys, datetime
samples_path, wrk_path, out, seconds, conns, delay, counts = sys.argv[1:]
rows = [l.rstrip('\n').split('\t') for l in open(samples_path) if l.strip()]
timed = [r for r in rows if r[0] != 'end']
wrk = open(wrk_path).read()
warm = timed[len(timed) // 4] if timed else rows[0]
after = [r for r in rows[rows.index(warm):]]
rss0, fd0 = int(warm[1]), int(warm[2])
rss_max = max(int(r[1]) for r in after)
fd_max = max(int(r[2]) for r in after)
final = rows[-1]
pending = int(final[3].split('/')[0])
rss_ok = rss_max <= rss0 * 1.10 + 8 * 1024
fd_ok = fd_max <= fd0 + 4
errors = re.search(r'Non-2xx or 3xx responses: (\d+)', wrk)
sock = re.search(r'Socket errors:.*', wrk)
by_status = re.search(r'non-2xx by status: (.*)', wrk)
# "flat" is about resources; failed requests and a backlog are reported (and fail the run) apart.
verdict = 'flat' if rss_ok and fd_ok else 'NOT flat'
clean = pending == 0 and not errors and not sock
reqs = re.search(r'Requests/sec:\s+([\d.]+)', wrk)
total = re.search(r'(\d+) requests in', wrk)
lat = {k: v for k, v in re.findall(r'^\s+(50|99)%\s+(\S+)', wrk, re.M)}
rev = subprocess.run(['git', 'rev-parse', '--short', 'HEAD'], capture_output=True, text=True).stdout.strip()
with open(out, 'w') as f:
    f.write(f'# Soak: {int(seconds) // 60} min {int(seconds) % 60} s of steady mixed load\n\n')
    f.write(f'{datetime.datetime.utcnow():%Y-%m-%d %H:%M} UTC, commit {rev}, `bench/soak.sh` '
            f'(wrk, {conns} connections, {delay} ms pause per request; bench/soak.lua: per 100 requests '
            '1 Telegram delivery, 2 PUTs, 4 story previews, 8 stats, 85 prompt reads).\n\n')
    f.write(f'**Verdict: {verdict}.** After the warm-up sample (t={warm[0]} s): RSS {rss0 / 1024:.1f} MiB → '
            f'max {rss_max / 1024:.1f} MiB ({"ok" if rss_ok else "grew"}: limit +10 % + 8 MiB), open fds {fd0} → '
            f'max {fd_max} ({"ok" if fd_ok else "grew"}: limit +4), jobs pending at the end: {pending}.\n\n')
    f.write(f'wrk: {total.group(1) if total else "?"} requests, {reqs.group(1) if reqs else "?"} req/s, '
            f'p50 {lat.get("50", "?")}, p99 {lat.get("99", "?")}, non-2xx: {errors.group(1) if errors else 0}, '
            f'({by_status.group(1) if by_status else "?"}), socket errors: {sock.group(0) if sock else "none"}. '
            f'Fake Bot API calls: `{counts}`.\n\n')
    f.write('| t (s) | VmRSS (MiB) | open fds | jobs pending/done/failed |\n| ---: | ---: | ---: | --- |\n')
    for r in rows:
        f.write(f'| {r[0]} | {int(r[1]) / 1024:.1f} | {r[2]} | {r[3]} |\n')
    if not clean:
        f.write('\n**Not clean:** non-2xx answers, socket errors or a backlog left (see above).\n')
print(f'soak: {verdict}{"" if clean else ", with errors"} -> {out}')
sys.exit(0 if verdict == 'flat' and clean else 1)
PY
