#!/usr/bin/env bash
# make bench: storybot side by side with its anchors (../shared/anchors), in one run on this machine.
#
#   1. storybot GET /api/prompts (10 Chinese prompts)       vs  2. Flask anchor GET /prompts (same 10)
#   3. nginx serving storybot's exact GET body as a static file (the ceiling for any HTTP answer here)
#   4. storybot POST /api/prompts (durable) vs Flask POST /prompts, same wrk Lua script
#   5. Telegram webhook ingest: storybot's durable POST /telegram/webhook vs the grammY anchor (in memory only),
#      same wrk Lua script (bench/telegram.lua: a new update_id per request, ~1000 chats, "/help"), then a check
#      that storybot's /api/stats holds one job per 200 that wrk saw
#   6. stories/s: 1,000 updates from 1,000 chats against storybot with STORYBOT_WORKERS=1000 and a fake LLM that
#      answers after 1 s (bench/fake_llm.js), timed until the 1,000th story (bench/stories.js)
#   plus storybot's start-up time (median of 5 fresh starts) and its idle and peak RSS (per storybot instance).
#
# Writes bench/results/latest.md and a dated copy, raw wrk outputs in bench/results/raw/ (gitignored).
# Only one server is under load at a time; every process started here is stopped on exit (trap).
# Environment: STORYBOT_BIN (default build/storybot), STORYBOT_ANCHORS (default ../shared/anchors),
# BENCH_DURATION (10s), BENCH_CONNS (50), BENCH_POST_CONNS (50), BENCH_STARTS (5), BENCH_TG_CONNS (50),
# BENCH_STORIES (1000), BENCH_STORY_CONNS (50), BENCH_LABEL (channels: the dated copy's suffix),
# BENCH_CACHE (/tmp/storybot-bench-cache: the grammY anchor's npm install, kept between runs).
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
TG_CONNS=${BENCH_TG_CONNS:-50}
STORIES=${BENCH_STORIES:-1000}
STORY_CONNS=${BENCH_STORY_CONNS:-50}
STORY_TIMEOUT_S=120
LABEL=${BENCH_LABEL:-channels}
CACHE=${BENCH_CACHE:-/tmp/storybot-bench-cache}

# The helpers need only python3's standard library; prefer Debian's (the one the Flask anchor runs on).
PY=$(command -v /usr/bin/python3 || command -v python3)

WORK=""
SB_PID="" FLASK_PID="" NGINX_PID="" GRAMMY_PID="" BOTAPI_PID="" LLM_PID=""
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

# stop_node VAR: stops the Node.js server whose pid is in the variable named VAR (the fakes, the grammY anchor).
stop_node() {
  local -n pid_ref=$1
  [[ -n $pid_ref ]] || return 0
  local pid=$pid_ref
  pid_ref=""
  kill -TERM "$pid" 2>/dev/null || true
  wait_gone "$pid" 5 || kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

cleanup() {
  local rc=$?
  stop_storybot
  stop_flask
  stop_nginx
  # The fakes last: storybot talks to them until it is gone.
  stop_node GRAMMY_PID
  stop_node LLM_PID
  stop_node BOTAPI_PID
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

# Waits up to $3 seconds for file $1 to hold a line matching sed regex $2 (its first group is printed);
# fails if pid $4 died meanwhile.
wait_line() {
  local file=$1 re=$2 secs=$3 pid=$4 i found
  for ((i = 0; i < secs * 10; i++)); do
    found=$(sed -n "s/$re/\1/p" "$file" 2>/dev/null | head -1)
    [[ -n $found ]] && echo "$found" && return 0
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
  # Secrets reach the Lua scripts through the environment, never the command line. BENCH_PHASE tells
  # telegram.lua warm-up (0) from measured run (1) so their update_ids differ.
  local env_prefix=(env)
  [[ $name == *post ]] && env_prefix+=("BENCH_TOKEN=$TOKEN")
  [[ $name == *_tg ]] && env_prefix+=("BENCH_TG_SECRET=$TG_SECRET")
  log "wrk $name: warm-up $WARMUP, then $DURATION with $conns connections"
  sync  # start each run with no dirty pages left over from the previous one (matters for the fsync-bound POSTs)
  "${env_prefix[@]}" BENCH_PHASE=0 wrk -t"$THREADS" -c"$conns" -d"$WARMUP" "$@" "$url" >"$RAW/$name.warmup.txt" 2>&1
  local cmd=(wrk -t"$THREADS" -c"$conns" -d"$DURATION" --latency "$@" "$url")
  "${env_prefix[@]}" BENCH_PHASE=1 "${cmd[@]}" >"$RAW/$name.txt" 2>&1 || die "wrk $name failed: $(cat "$RAW/$name.txt")"
  local shown="" arg
  # shellcheck disable=SC2016  # the literal placeholders are what the report shows
  [[ $name == *post ]] && shown='BENCH_TOKEN=$TOKEN '
  # shellcheck disable=SC2016
  [[ $name == *_tg ]] && shown='BENCH_TG_SECRET=$SECRET '
  for arg in "${cmd[@]}"; do  # single-quote what has spaces, for a copy-pastable line
    [[ $arg == *" "* ]] && arg="\"$arg\""
    shown+="$arg "
  done
  shown=${shown//$TOKEN/\$TOKEN}
  shown=${shown//$TG_SECRET/\$SECRET}
  meta "cmd_$name" "${shown% }"
  grep -E 'Requests/sec|Non-2xx|Socket errors' "$RAW/$name.txt" | sed "s/^/[bench]   /" >&2 || true
}

# --- the steps ------------------------------------------------------------------------------------------

check_prereqs() {
  local t
  for t in wrk nginx gunicorn curl; do command -v "$t" >/dev/null || die "$t not found (make bench installs it)"; done
  # Node.js runs the grammY anchor and the fakes; the Makefile's bench packages do not include it.
  for t in node npm; do command -v "$t" >/dev/null || die "$t not found (install Debian's nodejs and npm)"; done
  [[ -x $BIN ]] || die "$BIN not built (make bench builds it)"
  [[ -x $ANCHORS/flask-seed/run.sh && -x $ANCHORS/nginx-static.sh && -f $ANCHORS/grammy-webhook/server.js ]] ||
    die "anchors not found in $ANCHORS"
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
  meta node_version "$(node --version)"
  meta flask_desc "Flask $("$PY" -c 'import flask; print(flask.__version__)' 2>/dev/null || echo '?') + SQLAlchemy under $(gunicorn --version 2>&1 | sed 's/[()]//g; s/version //'), 2 sync workers"
}

measure_startup() {
  log "start-up time: $STARTS fresh starts"
  "$PY" "$BENCH_DIR/startup.py" "$BIN" "$STARTS" >"$WORK/startup.env" || die "start-up measurement failed"
  cat "$WORK/startup.env" >>"$WORK/meta.env"
}

# start_storybot [NAME [VAR=VALUE...]]: a fresh storybot (own data and log dirs) with extra environment;
# its stderr goes to raw/NAME.stderr. One instance at a time: SB_PID and SB_URL are its.
start_storybot() {
  local name=${1:-storybot}
  shift || true
  local dir=$WORK/$name
  SB_NAME=$name
  mkdir -p "$dir/data" "$dir/logs"
  SB_URL=""
  : >"$dir/stdout"
  # -u: the bench's own STORYBOT_BIN would make storybot warn about an unknown STORYBOT_* variable.
  env -u STORYBOT_BIN STORYBOT_HTTP_HOST=127.0.0.1 STORYBOT_HTTP_PORT=0 STORYBOT_DATA_DIR="$dir/data" STORYBOT_LOG_DIR="$dir/logs" \
    STORYBOT_ADMIN_TOKEN="$TOKEN" STORYBOT_LOG_LEVEL=warn "$@" \
    "$BIN" >"$dir/stdout" 2>"$RAW/$name.stderr" &
  SB_PID=$!
  # Bounded wait (30 s) for the documented line: storybot listening on http://HOST:PORT
  SB_URL=$(wait_line "$dir/stdout" '^storybot listening on \(http:\/\/[^ ]*\)$' 30 "$SB_PID") ||
    die "$name did not print its listening line within 30 s: $(cat "$RAW/$name.stderr")"
  log "$name pid $SB_PID at $SB_URL"
}

# Keeps the warn-level log of the instance that just stopped as evidence (raw/NAME.ndjson).
keep_storybot_log() {
  local f=$WORK/$SB_NAME/logs/storybot.ndjson
  [[ -f $f ]] && cp "$f" "$RAW/$SB_NAME.ndjson"
  return 0
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
  keep_storybot_log
  meta sb_exit "$SB_EXIT"
  [[ $SB_EXIT == 0 ]] || log "storybot exited $SB_EXIT on SIGTERM; stderr: $(tail -5 "$RAW/storybot.stderr")"
}

# --- Telegram ingest and stories/s ----------------------------------------------------------------------

# start_node VAR NAME SCRIPT ARGS...: a Node.js server in the background, its pid in the variable named VAR,
# its URL in NODE_URL, output in raw/NAME.log. Each prints "... listening on http://127.0.0.1:PORT" when ready.
# (Not called in $(...): the pid must land in this shell for the EXIT trap.)
start_node() {
  local -n pid_ref=$1
  local name=$2 script=$3
  shift 3
  : >"$RAW/$name.log"
  node "$script" "$@" >"$RAW/$name.log" 2>&1 &
  pid_ref=$!
  NODE_URL=$(wait_line "$RAW/$name.log" '^.* listening on \(http:\/\/127\.0\.0\.1:[0-9]*\)$' 30 "$pid_ref") ||
    die "$name did not start: $(cat "$RAW/$name.log")"
}

# The grammY anchor needs its npm packages. Never install inside the shared anchors: copy it to a cache dir
# under /tmp named by its lock file's hash (so a changed lock gets a fresh install) and `npm ci` there once;
# later runs reuse it. The install goes to a staging dir first so a failed one is never taken for done.
prepare_grammy() {
  local src=$ANCHORS/grammy-webhook hash stage
  hash=$(cat "$src/package.json" "$src/package-lock.json" | sha256sum | cut -c1-12)
  GRAMMY_DIR=$CACHE/grammy-webhook-$hash
  if [[ ! -d $GRAMMY_DIR/node_modules/grammy ]]; then
    log "installing the grammY anchor's npm packages in $GRAMMY_DIR"
    mkdir -p "$CACHE"
    stage=$(mktemp -d "$CACHE/grammy-stage.XXXXXX")
    cp "$src/package.json" "$src/package-lock.json" "$stage/"
    (cd "$stage" && npm ci --no-audit --no-fund --loglevel=error >&2) || { rm -rf "$stage"; die "npm ci for grammY failed"; }
    rm -rf "$GRAMMY_DIR"
    mv "$stage" "$GRAMMY_DIR"
  fi
  cp "$src/server.js" "$GRAMMY_DIR/server.js"  # always the anchor's current server
  meta grammy_version "$(node -p "require('$GRAMMY_DIR/node_modules/grammy/package.json').version")"
}

# The fake Bot API stays up for both Telegram-enabled storybot instances (they send replies to it).
start_fake_bot_api() {
  start_node BOTAPI_PID fake_bot_api "$BENCH_DIR/fake_bot_api.js" "$(free_port)"
  BOTAPI_URL=$NODE_URL
  log "fake Bot API pid $BOTAPI_PID at $BOTAPI_URL"
}

# Environment for a storybot with the Telegram adapter on, in webhook mode, talking to the fake Bot API.
telegram_env() {
  printf '%s\n' STORYBOT_TELEGRAM_BOT_TOKEN=123:bench "STORYBOT_TELEGRAM_WEBHOOK_SECRET=$TG_SECRET" \
    "STORYBOT_TELEGRAM_API_URL=$BOTAPI_URL"
}

# /api/stats of the running storybot, as "total pending failed done" jobs.
storybot_jobs() {
  curl -fsS --max-time 30 -H "Authorization: Bearer $TOKEN" "$SB_URL/api/stats" |
    "$PY" -c 'import json, sys; j = json.load(sys.stdin)["jobs"]
print(j["pending"] + j["failed"] + j["done"], j["pending"], j["failed"], j["done"])'
}

# grammY first, storybot second, as for the POSTs; grammY writes nothing to disk, so here the order matters
# only for the machine's noise.
bench_telegram_ingest() {
  local mem jobs total pending failed done_ env_tg
  prepare_grammy
  start_fake_bot_api
  # The anchor's own listening line is "grammy anchor listening on http://127.0.0.1:PORT".
  start_node GRAMMY_PID grammy "$GRAMMY_DIR/server.js" "$(free_port)" "$TG_SECRET"
  GRAMMY_URL=$NODE_URL
  log "grammY anchor pid $GRAMMY_PID at $GRAMMY_URL"
  run_wrk grammy_tg "$TG_CONNS" "$GRAMMY_URL/telegram/webhook" -s bench/telegram.lua
  meta rss_peak_grammy "$(kib_to_mib "$(proc_mem "$GRAMMY_PID" VmHWM)")"
  stop_node GRAMMY_PID

  meta tg_conns "$TG_CONNS"
  mapfile -t env_tg < <(telegram_env)
  start_storybot storybot_tg "${env_tg[@]}"
  meta rss_idle_tg "$(kib_to_mib "$(proc_mem "$SB_PID" VmRSS)")"
  run_wrk sb_tg "$TG_CONNS" "$SB_URL/telegram/webhook" -s bench/telegram.lua
  mem=$(proc_mem "$SB_PID" VmHWM)
  # Requests in flight when wrk stopped are committed within a group-commit batch; 1 s is ample for that.
  sleep 1
  jobs=$(storybot_jobs) || jobs="? ? ? ?"
  read -r total pending failed done_ <<<"$jobs"
  meta sb_tg_jobs "$total"
  meta sb_tg_jobs_pending "$pending"
  meta sb_tg_jobs_failed "$failed"
  meta sb_tg_jobs_done "$done_"
  meta rss_peak_tg "$(kib_to_mib "$mem")"
  meta sb_tg_sends "$(curl -fsS --max-time 5 "$BOTAPI_URL/counts" | "$PY" -c 'import json, sys; print(json.load(sys.stdin).get("sendMessage", 0))' || echo '?')"
  stop_storybot
  keep_storybot_log
  meta sb_tg_exit "$SB_EXIT"
  [[ $SB_EXIT == 0 ]] || log "storybot_tg exited $SB_EXIT on SIGTERM; stderr: $(tail -5 "$RAW/storybot_tg.stderr")"
}

# 1,000 updates from 1,000 chats to a storybot with 1,000 workers and a 1-s fake LLM; stories.js times
# the first delivery to the 1,000th story seen in /metrics (bounded by STORY_TIMEOUT_S).
bench_stories() {
  local env_tg
  start_node LLM_PID fake_llm "$BENCH_DIR/fake_llm.js" "$(free_port)" 1000
  LLM_URL=$NODE_URL
  log "fake LLM pid $LLM_PID at $LLM_URL"
  mapfile -t env_tg < <(telegram_env)
  start_storybot storybot_story "${env_tg[@]}" "STORYBOT_LLM_BASE_URL=$LLM_URL/v1" STORYBOT_LLM_MODEL=bench \
    STORYBOT_WORKERS=1000
  meta rss_idle_story "$(kib_to_mib "$(proc_mem "$SB_PID" VmRSS)")"
  log "stories: $STORIES updates from $STORIES chats, $STORY_CONNS connections, fake LLM answering after 1 s"
  meta stories_n "$STORIES"
  meta story_conns "$STORY_CONNS"
  meta stories_timeout_s "$STORY_TIMEOUT_S"
  meta cmd_stories "node bench/stories.js $SB_URL \$SECRET $STORIES $STORY_CONNS $STORY_TIMEOUT_S"
  sync
  node "$BENCH_DIR/stories.js" "$SB_URL" "$TG_SECRET" "$STORIES" "$STORY_CONNS" "$STORY_TIMEOUT_S" \
    >"$RAW/stories.env" 2>"$RAW/stories.stderr" || die "stories.js failed: $(cat "$RAW/stories.stderr")"
  cat "$RAW/stories.env" >>"$WORK/meta.env"
  sed 's/^/[bench]   /' "$RAW/stories.env" >&2
  local hwm
  hwm=$(proc_mem "$SB_PID" VmHWM)
  meta rss_peak_story "$(kib_to_mib "$hwm")"
  meta rss_peak_story_kb "${hwm% kB}"
  meta rss_after_story "$(kib_to_mib "$(proc_mem "$SB_PID" VmRSS)")"
  meta llm_stats "$(curl -fsS --max-time 5 "$LLM_URL/stats" || echo '{}')"
  stop_storybot
  keep_storybot_log
  meta sb_story_exit "$SB_EXIT"
  [[ $SB_EXIT == 0 ]] || log "storybot_story exited $SB_EXIT on SIGTERM; stderr: $(tail -5 "$RAW/storybot_story.stderr")"
  stop_node LLM_PID
  stop_node BOTAPI_PID
}

write_report() {
  local day
  day=$(date -u +%Y-%m-%d)
  "$PY" "$BENCH_DIR/report.py" "$WORK/meta.env" "$RAW" "$RESULTS/latest.md" >/dev/null
  cp "$RESULTS/latest.md" "$RESULTS/$day-$LABEL.md"
  local f
  for f in "$RAW"/storybot*.stderr; do
    [[ -s $f ]] && log "storybot wrote to stderr (see $f):" && tail -20 "$f" >&2
  done
  echo
  cat "$RESULTS/latest.md"
  log "written: $RESULTS/latest.md and $RESULTS/$day-$LABEL.md"
}

main() {
  cd "$REPO"
  check_prereqs
  trap cleanup EXIT
  trap 'exit 130' INT TERM
  WORK=$(mktemp -d "${TMPDIR:-/tmp}/storybot-bench.XXXXXX")
  mkdir -p "$RAW"
  rm -f "$RAW"/*.txt "$RAW"/*.stderr "$RAW"/*.log "$RAW"/*.ndjson "$RAW"/*.env
  TOKEN=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
  TG_SECRET=bench_$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
  : >"$WORK/meta.env"

  machine_facts
  measure_startup
  start_storybot
  bench_gets
  bench_posts
  storybot_after_load
  bench_telegram_ingest
  bench_stories
  cp "$WORK/meta.env" "$RAW/meta.env"
  write_report
}

main "$@"
