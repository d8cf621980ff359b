#!/usr/bin/env bash
# tests/deploy/run.sh: every check of the deployment files under deploy/, each by the real tool that reads them.
# One line per check: PASS / FAIL / SKIP with the reason; exit status 1 if any check FAILed.
#
#   tests/deploy/run.sh                       # uses build/storybot
#   STORYBOT_BIN=/path/to/storybot tests/deploy/run.sh
#   STORYBOT_LOG_SAMPLE=/var/log/storybot/storybot.ndjson tests/deploy/run.sh   # also check a real log
#   tests/deploy/run.sh nginx prometheus      # only the named check scripts (check_<name>.*)
# Needs (Debian): nginx-light openssl curl prometheus python3-yaml shellcheck systemd binutils rsync, all in the
# Makefile's APT_TEST: a missing tool FAILs its check (lib.sh need, report.py missing), it is never a SKIP.
# Everything runs on 127.0.0.1 with free ports and temp directories; processes started are stopped on exit.
set -uo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
export REPO
export STORYBOT_BIN=${STORYBOT_BIN:-$REPO/build/storybot}
case $STORYBOT_BIN in /*) ;; *) STORYBOT_BIN=$PWD/$STORYBOT_BIN ;; esac
export PYTHONDONTWRITEBYTECODE=1
if [ -x /usr/bin/python3 ]; then PY=/usr/bin/python3; else PY=python3; fi

LOGDIR=$(mktemp -d)
export RESULTS_FILE=$LOGDIR/results
: >"$RESULTS_FILE"
KEEP_LOGS=0

CHECKS=(check_nginx.sh check_systemd.sh check_docker.py check_elk_mapping.py check_live_log.sh
        check_elk_kibana.py check_elk_load.sh check_prometheus.sh check_deploy_sh.sh check_timeouts.py)
if [ $# -gt 0 ]; then
  sel=()
  for want in "$@"; do
    for c in "${CHECKS[@]}"; do case $c in "check_$want".*|"check_$want"_*) sel+=("$c") ;; esac; done
  done
  CHECKS=("${sel[@]}")
fi

echo "storybot deploy checks (STORYBOT_BIN=$STORYBOT_BIN)"
for c in "${CHECKS[@]}"; do
  log=$LOGDIR/${c%.*}.log
  before=$(wc -l <"$RESULTS_FILE")
  case $c in
    *.py) timeout 300 "$PY" "$HERE/$c" 3>&1 >"$log" 2>&1 ;;
    *.sh) timeout 300 bash "$HERE/$c" 3>&1 >"$log" 2>&1 ;;
  esac
  rc=$?
  after=$(wc -l <"$RESULTS_FILE")
  if [ "$rc" -ne 0 ]; then
    line=$(printf '%-4s %-34s %s' FAIL "${c%.*}" "exited $rc$([ "$rc" = 124 ] && echo ' (timeout 300 s)'): $(tail -n 3 "$log" | tr '\n' ' ' | cut -c1-300)")
    echo "$line"; echo "$line" >>"$RESULTS_FILE"
  elif [ "$after" -eq "$before" ]; then
    line=$(printf '%-4s %-34s %s' FAIL "${c%.*}" "reported nothing")
    echo "$line"; echo "$line" >>"$RESULTS_FILE"
  fi
  if [ "$(sed -n "$((before + 1)),\$p" "$RESULTS_FILE" | grep -c '^FAIL')" -gt 0 ]; then
    KEEP_LOGS=1
  fi
done

n_pass=$(grep -c '^PASS' "$RESULTS_FILE")
n_fail=$(grep -c '^FAIL' "$RESULTS_FILE")
n_skip=$(grep -c '^SKIP' "$RESULTS_FILE")
echo "deploy: $n_pass passed, $n_fail failed, $n_skip skipped"
if [ "$KEEP_LOGS" = 1 ]; then
  echo "logs of the failed checks: $LOGDIR"
else
  rm -rf "$LOGDIR"
fi
[ "$n_fail" -eq 0 ]
