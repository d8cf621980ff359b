#!/usr/bin/env bash
# make bench: storybot side by side with its anchors (../shared/anchors), in one run on this machine.
#
#   1. storybot GET /api/prompts (10 Chinese prompts)       vs  2. Flask anchor GET /prompts (same 10)
#   3. nginx serving storybot's exact GET body as a static file (the ceiling for any HTTP answer here)
#   4. storybot POST /api/prompts (durable) vs Flask POST /prompts, same wrk Lua script
#   plus storybot's start-up time (median of 5 fresh starts) and its idle and peak RSS.
#
# Writes bench/results/latest.md and a dated copy, raw wrk outputs in bench/results/raw/ (gitignored).
# Only one server is under load at a time; every process started here is stopped on exit (trap).
# Environment: STORYBOT_BIN (default build/storybot), STORYBOT_ANCHORS (default ../shared/anchors),
# BENCH_DURATION (10s), BENCH_CONNS (50), BENCH_POST_CONNS (50), BENCH_STARTS (5).
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$BENCH_DIR/.." && pwd)
BIN=${STORYBOT_BIN:-$REPO/build/storybot}
ANCHORS=${STORYBOT_ANCHORS:-$REPO/../shared/anchors}
RESULTS=$BENCH_DIR/results
RAW=$RESULTS/raw
DURATION=${BENCH_DURATION:-10s}
WARMUP=2s
THREADS=2
CONNS=${BENCH_CONNS:-50}
POST_CONNS=${BENCH_POST_CONNS:-50}
STARTS=${BENCH_STARTS:-5}

# The helpers need only python3's standard library; prefer Debian's (the one the Flask anchor runs on).
PY=$(command -v /usr/bin/python3 || command -v python3)

WORK=""
SB_PID="" FLASK_PID="" NGINX_PID=""
SB_EXIT=""

log() { printf '[bench] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

# --- process lifecycle ----------------------------------------------------------------------------------

# Waits up to $2 seconds for pid $1 to disappear (it need not be our child, e.g. the nginx daemon).
wait_gone() {
  local pid=$1 secs=$2 i
  for ((i = 0; i < secs * 10; i++)); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  return 1
}

stop_storybot() {
  [[ -n $SB_PID ]] || return 0
  local pid=$SB_PID
  SB_PID=""
  kill -TERM "$pid" 2>/dev/null || true
  # storybot drains and exits 0 on SIGTERM; 20 s is generous, then SIGKILL so nothing is left behind.
  if ! wait_gone "$pid" 20; then
    log "storybot (pid $pid) still running 20 s after SIGTERM; killing it"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  SB_EXIT=0
  wait "$pid" 2>/dev/null || SB_EXIT=$?
}

stop_flask() {
  [[ -n $FLASK_PID ]] || return 0
  local pid=$FLASK_PID workers
  FLASK_PID=""
  workers=$(pgrep -P "$pid" || true)
  # gunicorn: TERM is a graceful stop of master and workers; QUIT then KILL if it takes too long.
  kill -TERM "$pid" 2>/dev/null || true
  if ! wait_gone "$pid" 15; then
    kill -QUIT "$pid" 2>/dev/null || true
    wait_gone "$pid" 5 || kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
  local w
  for w in $workers; do kill -KILL "$w" 2>/dev/null || true; done
}

stop_nginx() {
  [[ -n $NGINX_PID ]] || return 0
  local pid=$NGINX_PID
  NGINX_PID=""
  # nginx master: TERM is a fast shutdown that also ends its workers.
  kill -TERM "$pid" 2>/dev/null || true
  wait_gone "$pid" 10 || kill -KILL "$pid" 2>/dev/null || true
}

cleanup() {
  local rc=$?
  stop_storybot
  stop_flask
  stop_nginx
  [[ -n $WORK && -d $WORK ]] && rm -rf "$WORK"
  exit "$rc"
}

# --- helpers --------------------------------------------------------------------------------------------

free_port() {
  "$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Polls URL until it answers 2xx, up to $2 seconds; fails if pid $3 died meanwhile.
wait_http() {
  local url=$1 secs=$2 pid=$3 i
  for ((i = 0; i < secs * 10; i++)); do
    curl -fsS -o /dev/null --max-time 1 "$url" 2>/dev/null && return 0
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}

meta() { printf '%s=%s\n' "$1" "$2" >>"$WORK/meta.env"; }

# VmRSS / VmHWM of a pid, e.g. "9876 kB".
proc_mem() { awk -v k="$2:" '$1 == k { print $2 " " $3 }' "/proc/$1/status"; }

kib_to_mib() { awk '{ printf "%.1f MiB", $1 / 1024 }' <<<"$1"; }

# run_wrk NAME CONNS URL [extra wrk args...]: a warm-up run (discarded), then the measured one to raw/NAME.txt.
# The command line goes to the report with the token replaced by $TOKEN.
run_wrk() {
  local name=$1 conns=$2 url=$3
  shift 3
  local env_prefix=()
  [[ $name == *post ]] && env_prefix=(env "BENCH_TOKEN=$TOKEN")
  log "wrk $name: warm-up $WARMUP, then $DURATION with $conns connections"
  sync  # start each run with no dirty pages left over from the previous one (matters for the fsync-bound POSTs)
  "${env_prefix[@]}" wrk -t"$THREADS" -c"$conns" -d"$WARMUP" "$@" "$url" >"$RAW/$name.warmup.txt" 2>&1
  local cmd=(wrk -t"$THREADS" -c"$conns" -d"$DURATION" --latency "$@" "$url")
  "${env_prefix[@]}" "${cmd[@]}" >"$RAW/$name.txt" 2>&1 || die "wrk $name failed: $(cat "$RAW/$name.txt")"
  local shown="" arg
  [[ $name == *post ]] && shown='BENCH_TOKEN=$TOKEN '
  for arg in "${cmd[@]}"; do  # single-quote what has spaces, for a copy-pastable line
    [[ $arg == *" "* ]] && arg="\"$arg\""
    shown+="$arg "
  done
  shown=${shown//$TOKEN/\$TOKEN}
  meta "cmd_$name" "${shown% }"
  grep -E 'Requests/sec|Non-2xx|Socket errors' "$RAW/$name.txt" | sed "s/^/[bench]   /" >&2 || true
}

# --- the steps ------------------------------------------------------------------------------------------

check_prereqs() {
  local t
  for t in wrk nginx gunicorn curl; do command -v "$t" >/dev/null || die "$t not found (make bench installs it)"; done
  [[ -x $BIN ]] || die "$BIN not built (make bench builds it)"
  [[ -x $ANCHORS/flask-seed/run.sh && -x $ANCHORS/nginx-static.sh ]] || die "anchors not found in $ANCHORS"
}

machine_facts() {
  meta date "$(date -u '+%Y-%m-%d %H:%M UTC')"
  meta load_start "$(cut -d' ' -f1 /proc/loadavg)"
  meta nproc "$(nproc)"
  meta cpu "$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
  meta kernel "$(uname -r)"
  meta mem "$(awk '/^MemTotal/ { printf "%.0f GiB RAM", $2 / 1048576 }' /proc/meminfo)"
  meta commit "$(git -C "$REPO" describe --always --dirty 2>/dev/null || echo unknown)"
  meta storybot_version "$("$BIN" --version 2>/dev/null | head -1)"
  meta wrk_version "$(wrk --version 2>&1 | head -1 | awk '{ print $1, $2 }')"
  meta nginx_version "$(nginx -v 2>&1 | sed 's/^nginx version: //')"
  meta flask_desc "Flask $("$PY" -c 'import flask; print(flask.__version__)' 2>/dev/null || echo '?') + SQLAlchemy under $(gunicorn --version 2>&1 | sed 's/[()]//g; s/version //'), 2 sync workers"
}

measure_startup() {
  log "start-up time: $STARTS fresh starts"
  "$PY" "$BENCH_DIR/startup.py" "$BIN" "$STARTS" >"$WORK/startup.env" || die "start-up measurement failed"
  cat "$WORK/startup.env" >>"$WORK/meta.env"
}

start_storybot() {
  local dir=$WORK/storybot i
  mkdir -p "$dir/data" "$dir/logs"
  STORYBOT_HTTP_HOST=127.0.0.1 STORYBOT_HTTP_PORT=0 STORYBOT_DATA_DIR="$dir/data" STORYBOT_LOG_DIR="$dir/logs" \
    STORYBOT_ADMIN_TOKEN="$TOKEN" STORYBOT_LOG_LEVEL=warn \
    "$BIN" >"$dir/stdout" 2>"$RAW/storybot.stderr" &
  SB_PID=$!
  # Bounded wait (30 s) for the contract's line: storybot listening on http://HOST:PORT
  for ((i = 0; i < 300; i++)); do
    SB_URL=$(sed -n 's/^storybot listening on \(http:\/\/[^ ]*\)$/\1/p' "$dir/stdout" | head -1)
    [[ -n $SB_URL ]] && break
    kill -0 "$SB_PID" 2>/dev/null || die "storybot exited at start: $(cat "$RAW/storybot.stderr")"
    sleep 0.1
  done
  [[ -n $SB_URL ]] || die "storybot did not print its listening line within 30 s"
  log "storybot pid $SB_PID at $SB_URL"
}

# One attempt: true when gunicorn answers and is still up with its 2 workers a second later.
try_start_flask() {
  local port log=$1
  port=$(free_port)
  # TMPDIR: run.sh keeps its fresh SQLite in a mktemp dir; inside $WORK it is removed with everything else.
  TMPDIR=$WORK "$ANCHORS/flask-seed/run.sh" "$port" >"$log" 2>&1 &
  FLASK_PID=$!
  FLASK_URL=http://127.0.0.1:$port
  wait_http "$FLASK_URL/prompts" 30 "$FLASK_PID" || return 1
  sleep 1
  kill -0 "$FLASK_PID" 2>/dev/null && [[ $(pgrep -c -P "$FLASK_PID") -ge 2 ]]
}

# The anchor's two workers both run db.create_all() on a fresh SQLite file at import; now and then one loses
# the race ("table prompt already exists"), fails to boot, and gunicorn halts after the other already
# answered. That is the anchor's start-up race, not a load effect: retry a fresh start (bounded).
start_flask() {
  local attempt
  for attempt in 1 2 3 4 5; do
    if try_start_flask "$RAW/flask.attempt$attempt.log"; then
      ln -sf "flask.attempt$attempt.log" "$RAW/flask.log"
      meta flask_start_attempts "$attempt"
      log "Flask anchor pid $FLASK_PID at $FLASK_URL (start attempt $attempt)"
      return 0
    fi
    log "Flask anchor failed to start (attempt $attempt): $(grep -m1 -E 'Error|error' "$RAW/flask.attempt$attempt.log" || true)"
    stop_flask
  done
  die "Flask anchor did not start in 5 attempts; see $RAW/flask.attempt*.log"
}

start_nginx() {
  local file=$1 port
  port=$(free_port)
  NGINX_PID=$(TMPDIR=$WORK "$ANCHORS/nginx-static.sh" "$port" "$file")
  NGINX_URL=http://127.0.0.1:$port/$(basename "$file")
  wait_http "$NGINX_URL" 10 "$NGINX_PID" || die "nginx did not serve $NGINX_URL"
  log "nginx pid $NGINX_PID at $NGINX_URL"
}

# GETs, in the order storybot, nginx, Flask: the storybot/nginx ratio is the tightest target, so those two run
# back to back, closest in time on this shared machine.
bench_gets() {
  local www=$WORK/www
  mkdir -p "$www"
  "$PY" "$BENCH_DIR/seed.py" "$SB_URL" /api/prompts --token "$TOKEN" --list-path /api/prompts \
    --save "$www/prompts.json" >&2 || die "seeding storybot failed"
  meta body_bytes "$(stat -c %s "$www/prompts.json")"
  sleep 1
  meta rss_idle "$(kib_to_mib "$(proc_mem "$SB_PID" VmRSS)")"
  run_wrk sb_get "$CONNS" "$SB_URL/api/prompts" -H "Authorization: Bearer $TOKEN"

  # nginx workers run as an unprivileged user: they must be able to read the file mktemp made private.
  chmod 755 "$WORK" "$www"
  chmod 644 "$www/prompts.json"
  start_nginx "$www/prompts.json"
  run_wrk nginx_get "$CONNS" "$NGINX_URL" -H "Authorization: Bearer $TOKEN"
  stop_nginx

  start_flask
  "$PY" "$BENCH_DIR/seed.py" "$FLASK_URL" /prompts --list-path /prompts --save "$WORK/flask_prompts.json" >&2 ||
    die "seeding the Flask anchor failed"
  meta flask_body_bytes "$(stat -c %s "$WORK/flask_prompts.json")"
  run_wrk flask_get "$CONNS" "$FLASK_URL/prompts" -H "Authorization: Bearer $TOKEN"
}

# Flask first, storybot second: rows written by one run are still being flushed to disk during the next, so the
# second run pays for the first's writes; giving that handicap to storybot keeps the POST ratio conservative.
bench_posts() {
  # Relative script path (main runs from the repo root) so the reported commands read well.
  run_wrk flask_post "$POST_CONNS" "$FLASK_URL/prompts" -s bench/post.lua
  stop_flask
  run_wrk sb_post "$POST_CONNS" "$SB_URL/api/prompts" -s bench/post.lua
}

storybot_after_load() {
  # Memory first: counting the rows below makes storybot build one large answer, which would inflate VmHWM.
  meta rss_after "$(kib_to_mib "$(proc_mem "$SB_PID" VmRSS)")"
  meta rss_peak "$(kib_to_mib "$(proc_mem "$SB_PID" VmHWM)")"
  meta sb_rows_after_post "$(curl -fsS --max-time 30 -H "Authorization: Bearer $TOKEN" "$SB_URL/api/prompts" |
    "$PY" -c 'import json, sys; print(len(json.load(sys.stdin)))' || echo '?')"
  stop_storybot
  meta sb_exit "$SB_EXIT"
  [[ $SB_EXIT == 0 ]] || log "storybot exited $SB_EXIT on SIGTERM; stderr: $(tail -5 "$RAW/storybot.stderr")"
}

write_report() {
  local day
  day=$(date -u +%Y-%m-%d)
  "$PY" "$BENCH_DIR/report.py" "$WORK/meta.env" "$RAW" "$RESULTS/latest.md" >/dev/null
  cp "$RESULTS/latest.md" "$RESULTS/$day-foundation.md"
  [[ -s $RAW/storybot.stderr ]] && log "storybot wrote to stderr (see $RAW/storybot.stderr):" &&
    tail -20 "$RAW/storybot.stderr" >&2
  echo
  cat "$RESULTS/latest.md"
  log "written: $RESULTS/latest.md and $RESULTS/$day-foundation.md"
}

main() {
  cd "$REPO"
  check_prereqs
  trap cleanup EXIT
  trap 'exit 130' INT TERM
  WORK=$(mktemp -d "${TMPDIR:-/tmp}/storybot-bench.XXXXXX")
  mkdir -p "$RAW"
  rm -f "$RAW"/*.txt "$RAW"/*.stderr "$RAW"/*.log
  TOKEN=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
  : >"$WORK/meta.env"

  machine_facts
  measure_startup
  start_storybot
  bench_gets
  bench_posts
  storybot_after_load
  cp "$WORK/meta.env" "$RAW/meta.env"
  write_report
}

main "$@"
