#!/usr/bin/env bash
# Prometheus: promtool check config / check rules / test rules on deploy/prometheus/, then the real storybot's
# /metrics: `promtool check metrics` passes and every metric the alert rules (and README "Logs and metrics") name is exported.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

need prometheus promtool prometheus || exit 0
P=$DEPLOY/prometheus
T=$(mktemp -d)
trap 'stop_storybot; rm -rf "$T"' EXIT

run() { # NAME DETAIL CMD...: pass when CMD exits 0
  local name=$1 detail=$2; shift 2
  if "$@" >"$T/$name.out" 2>&1; then pass "$name" "$detail"
  else fail "$name" "$(tr '\n' ' ' <"$T/$name.out" | tr -s ' ' | cut -c1-400)"; fi
}
run promtool-check-config "prometheus.yml + alerts.yml valid" promtool check config "$P/prometheus.yml"
run promtool-check-rules "$(grep -c '^ *- alert:' "$P/alerts.yml") alert rules valid" promtool check rules "$P/alerts.yml"
# promtool resolves rule_files relative to the test file's folder
run promtool-test-rules "$(grep -c 'alertname:' "$P/alerts_test.yml") alert evaluations as expected" \
  bash -c 'cd "$1" && promtool test rules alerts_test.yml' _ "$P"

# every alert has a unit test that expects it to fire
untested=''
for a in $(sed -n 's/^ *- alert: *//p' "$P/alerts.yml"); do
  if ! awk -v a="$a" '$0 ~ "alertname: "a"$" {f=1; next} f && /alertname:/ {f=0} f && /exp_labels/ {found=1} END {exit !found}' "$P/alerts_test.yml"; then
    untested="$untested $a"
  fi
done
if [ -z "$untested" ]; then pass promtool-alerts-covered "every alert has a test where it fires"
else fail promtool-alerts-covered "no firing test for:$untested"; fi

# --- the real storybot's /metrics -------------------------------------------------------------------------------
if ! start_storybot "$T/sb" 2>"$T/start.err"; then
  fail metrics-live "$(tail -n 3 "$T/start.err" | tr '\n' ' ')"; exit 0
fi
curl -sS --max-time 5 -o /dev/null "$STORYBOT_URL/healthz" || true          # one request counted
if ! curl -sS --max-time 5 -o "$T/metrics.txt" "$STORYBOT_URL/metrics"; then
  fail metrics-live "GET $STORYBOT_URL/metrics failed"; exit 0
fi
if promtool check metrics <"$T/metrics.txt" >"$T/cm.out" 2>&1; then pass metrics-promtool "promtool check metrics: clean"
else fail metrics-promtool "$(tr '\n' ' ' <"$T/cm.out" | cut -c1-400)"; fi

# names: README's, plus every storybot_* name the alert rules use
names=$( { printf '%s\n' storybot_http_requests_total storybot_http_request_duration_seconds \
             storybot_messages_received_total storybot_replies_sent_total storybot_story_duration_seconds \
             storybot_llm_requests_total storybot_llm_tokens_total storybot_jobs_pending storybot_build_info
           grep -o 'storybot_[a-z_]*' "$P/alerts.yml"; } | sort -u)
missing=''
for n in $names; do
  # a family is exported when it has a TYPE line (prometheus-cpp writes it even before the first sample)
  # or a sample; counters may be typed under their name without _total (OpenMetrics style)
  if ! grep -qE "^# TYPE ($n|${n%_total}) " "$T/metrics.txt" && ! grep -qE "^$n(\{| )" "$T/metrics.txt"; then
    missing="$missing $n"
  fi
done
if [ -z "$missing" ]; then pass metrics-names "all $(echo "$names" | wc -l) metric names of the README and alerts.yml exported"
else fail metrics-names "not in /metrics:$missing"; fi
exit 0
