#!/usr/bin/env bash
# Runs every fuzzer of tests/fuzz for SECONDS (default 20) from a copy of its seed corpus, so the
# repository's corpus is never modified. Fails on the first crash, leak, timeout or OOM, leaving
# the reproducer in build-fuzz/crashes/<target>/ (add it to corpus/<target>/ once fixed).
#   tests/fuzz/run.sh [SECONDS] [TARGET...]      (build first: cmake --preset fuzz && cmake --build --preset fuzz)
set -euo pipefail
seconds=${1:-20}
shift || true
root=$(cd "$(dirname "$0")/../.." && pwd)
bin_dir=${FUZZ_BUILD_DIR:-$root/build-fuzz}/tests/fuzz
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(http_request_fuzzer telegram_update_fuzzer slack_fuzzer \
  webhook_fuzzer template_fuzzer)

work=$(mktemp -d /tmp/storybot-fuzz.XXXXXX)
trap 'rm -rf "$work"' EXIT
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

failed=0
for target in "${targets[@]}"; do
  [ -x "$bin_dir/$target" ] || { echo "fuzz: $bin_dir/$target is not built"; exit 2; }
  corpus="$work/$target"
  crashes="$root/build-fuzz/crashes/$target"
  mkdir -p "$corpus" "$crashes"
  cp "$root/tests/fuzz/corpus/$target/"* "$corpus/"
  log="$work/$target.log"
  if "$bin_dir/$target" "$corpus" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 \
      -max_len=65536 -print_final_stats=1 -artifact_prefix="$crashes/" >"$log" 2>&1; then
    # The last status line ("#N DONE cov: … ft: … corp: …") and the exec rate.
    summary=$(grep -E '^#[0-9]+' "$log" | tail -1 || true)
    rate=$(grep -E '^stat::average_exec_per_sec' "$log" | awk '{print $2}' || true)
    echo "fuzz: $target ok  ${summary}  exec/s: ${rate:-?}"
  else
    failed=1
    echo "fuzz: $target FAILED (reproducer in $crashes/):"
    grep -E 'ERROR|SUMMARY|oracle failed|runtime error|Test unit written' "$log" | head -20 || true
    tail -40 "$log"
  fi
done
exit $failed
