# shellcheck shell=bash
# Helpers shared by the tests/deploy/check_*.sh scripts. Sourced, not run.
#
# A check script reports each of its results with pass/fail/skip NAME DETAIL (a missing tool is a fail: need).
# run.sh gives the scripts fd 3 for result lines and a log file for everything else; run alone, results go to
# stdout.

REPO=${REPO:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
DEPLOY=$REPO/deploy
RESULTS_FILE=${RESULTS_FILE:-/dev/null}
# Debian's python3 (with python3-yaml), not whatever python3 comes first on PATH.
if [ -x /usr/bin/python3 ]; then PY=/usr/bin/python3; else PY=python3; fi
export PY REPO DEPLOY

_report() { # STATUS NAME DETAIL...
  local status=$1 name=$2; shift 2
  local line
  line=$(printf '%-4s %-34s %s' "$status" "$name" "$*")
  echo "$line" >>"$RESULTS_FILE"
  if { true >&3; } 2>/dev/null; then
    echo "$line" >&3
    echo "== $line"   # into the script's own log too
  else
    echo "$line"
  fi
}
pass() { _report PASS "$@"; }
fail() { _report FAIL "$@"; }
skip() { _report SKIP "$@"; }

have() { command -v "$1" >/dev/null 2>&1; }

# need NAME TOOL PACKAGE: true when TOOL is on PATH, else FAILs check NAME naming the tool and its Debian
# package. `make test` installs every package these checks use (Makefile APT_TEST), so a missing tool means a
# broken setup and must not pass as a SKIP.
need() {
  have "$2" && return 0
  fail "$1" "$2 not installed: apt-get install $3 (Makefile APT_TEST lists it; make test installs it)"
  return 1
}

# free_port: a TCP port on 127.0.0.1 that nobody listens on right now.
free_port() {
  "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# wait_port PORT [TENTHS]: until something accepts on 127.0.0.1:PORT (default 10 s). Bounded.
wait_port() {
  local port=$1 tries=${2:-100}
  while [ "$tries" -gt 0 ]; do
    if (exec 9<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then return 0; fi
    sleep 0.1; tries=$((tries - 1))
  done
  return 1
}

# storybot binary: $STORYBOT_BIN, else build/storybot in the repo.
STORYBOT_BIN=${STORYBOT_BIN:-$REPO/build/storybot}

# start_storybot DIR: starts the real storybot on 127.0.0.1 with a free port, data and logs under DIR, a random
# admin token; waits (bounded, 15 s) for its "storybot listening on http://HOST:PORT" line. Sets STORYBOT_PID,
# STORYBOT_URL, STORYBOT_PORT, STORYBOT_TOKEN. Returns 1 (with the reason on stderr) on failure.
# The caller kills it: stop_storybot (put it in an EXIT trap).
start_storybot() {
  local dir=$1
  STORYBOT_PID='' STORYBOT_URL='' STORYBOT_PORT=''
  if [ ! -x "$STORYBOT_BIN" ]; then
    echo "storybot binary not found at $STORYBOT_BIN (build it, or set STORYBOT_BIN)" >&2; return 1
  fi
  mkdir -p "$dir/data" "$dir/logs"
  STORYBOT_TOKEN=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
  STORYBOT_HTTP_HOST=127.0.0.1 STORYBOT_HTTP_PORT=0 STORYBOT_DATA_DIR="$dir/data" STORYBOT_LOG_DIR="$dir/logs" \
    STORYBOT_ADMIN_TOKEN="$STORYBOT_TOKEN" STORYBOT_HTTP_THREADS=1 \
    "$STORYBOT_BIN" >"$dir/storybot.out" 2>"$dir/storybot.err" </dev/null &
  STORYBOT_PID=$!
  local tries=150 line
  while [ "$tries" -gt 0 ]; do
    line=$(grep -m1 -o 'storybot listening on http://[^[:space:]]*' "$dir/storybot.out" 2>/dev/null || true)
    if [ -n "$line" ]; then
      STORYBOT_URL=${line#storybot listening on }
      STORYBOT_PORT=${STORYBOT_URL##*:}
      STORYBOT_PORT=${STORYBOT_PORT%%/*}
      return 0
    fi
    if ! kill -0 "$STORYBOT_PID" 2>/dev/null; then
      echo "storybot exited before listening; stderr:" >&2; tail -n 20 "$dir/storybot.err" >&2; STORYBOT_PID=''; return 1
    fi
    sleep 0.1; tries=$((tries - 1))
  done
  echo "storybot printed no 'storybot listening on' line within 15 s" >&2
  return 1
}

stop_storybot() {
  if [ -n "${STORYBOT_PID:-}" ] && kill -0 "$STORYBOT_PID" 2>/dev/null; then
    kill -TERM "$STORYBOT_PID" 2>/dev/null || true
    local tries=100
    while [ "$tries" -gt 0 ] && kill -0 "$STORYBOT_PID" 2>/dev/null; do sleep 0.1; tries=$((tries - 1)); done
    kill -KILL "$STORYBOT_PID" 2>/dev/null || true
    wait "$STORYBOT_PID" 2>/dev/null || true
  fi
  STORYBOT_PID=''
}
