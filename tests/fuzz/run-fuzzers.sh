#!/usr/bin/env bash
# run-fuzzers.sh - builds the libFuzzer harnesses (clang-14, -fsanitize=fuzzer,address,undefined) on the generated C
# in out/hosted, then for each harness:
#   1. fuzzes for a bounded time starting from its corpus out/fuzz/corpus_<name>, which is seeded from the committed
#      minimised corpus tests/fuzz/corpus/<name> and kept across runs (new findings are merged into it; to bring them
#      into git: tests/fuzz/update-corpus.sh). Any crash, leak, sanitizer report, harness check or timeout is a finding.
#   2. replays every regression input tests/fuzz/regressions/<name>-*: each must run clean (must-not-crash), except
#      the inputs named in tests/fuzz/regressions/KNOWN-FAILING (bugs whose fix has not reached this branch): those
#      are counted as skipped, and reported when they start to pass.
# Then tests/fuzz/coverage.sh checks the coverage floors of the committed corpus.
# Usage: run-fuzzers.sh <seconds per fuzzer> [results dir]
#   env: OVPNDCO_FUZZ_WORK (default out/fuzz), OVPNDCO_FUZZ_ONLY ("rx tx mp tcp ioctl"), OVPNDCO_FUZZ_NO_COVERAGE=1,
#        OVPNDCO_FUZZ_NO_BUILD=1 (use the binaries already in the work dir: bench/fuzz-long.sh --jobs builds once)
# Results: fuzz.counts ("passed failed skipped name") for scripts/summarize-results.sh, plus coverage.counts.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=fuzz-lib.sh
. "$here/fuzz-lib.sh"
root=$fuzz_root
seconds=${1:-60}; results=${2:-$root/out/test-results}
work=${OVPNDCO_FUZZ_WORK:-$root/out/fuzz}; mkdir -p "$work/crashes" "$results"
[ -f "$root/out/hosted/ovpndco.h" ] || { echo "run-fuzzers: out/hosted is missing (run scripts/transpile-hosted.sh)"; exit 2; }

passed=0; failed=0; skipped=0; total_execs=0
if [ "${OVPNDCO_FUZZ_NO_BUILD:-0}" != 1 ] && ! fuzz_build "$work"; then
  echo "0 1 0 libfuzzer-build" > "$results/fuzz.counts"
  exit 1
fi
known=$(fuzz_known_failing)
for name in $FUZZ_NAMES; do
  bin="$work/fuzz_$name"; corpus="$work/corpus_$name"
  mkdir -p "$corpus"
  [ -d "$here/corpus/$name" ] && cp -n "$here/corpus/$name"/* "$corpus"/ 2>/dev/null
  "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
      -artifact_prefix="$work/crashes/${name}-" "$corpus" >"$work/fuzz_$name.log" 2>&1
  rc=$?
  execs=$(grep -oE 'stat::number_of_executed_units: [0-9]+' "$work/fuzz_$name.log" | grep -oE '[0-9]+' || echo 0)
  rate=$(grep -oE 'stat::average_exec_per_sec: +[0-9]+' "$work/fuzz_$name.log" | grep -oE '[0-9]+$' || echo 0)
  cov=$(grep -oE 'cov: [0-9]+' "$work/fuzz_$name.log" | tail -1 | grep -oE '[0-9]+' || echo 0)
  total_execs=$((total_execs + ${execs:-0}))
  if [ $rc -eq 0 ]; then
    echo "fuzz_$name: ${execs:-0} execs in ${seconds}s (${rate:-0}/s), coverage $cov edges, corpus $(ls "$corpus" | wc -l) files, 0 findings"
    passed=$((passed + 1))
  else
    echo "fuzz_$name: FINDING (exit $rc):"
    grep -E "ERROR|SUMMARY|runtime error|check failed|==[0-9]+==" "$work/fuzz_$name.log" | head -10
    grep -oE "Test unit written to .*" "$work/fuzz_$name.log" | sed 's/^/  /'
    failed=$((failed + 1))
  fi
  for input in "$here"/regressions/"$name"-*; do
    [ -f "$input" ] || continue
    base=$(basename "$input")
    "$bin" -runs=1 "$input" >"$work/regression_$base.log" 2>&1
    rc=$?
    if grep -qxF "$base" <<<"$known"; then
      if [ $rc -eq 0 ]; then
        echo "regression $base: listed in KNOWN-FAILING but runs clean now: remove it from the list"
      else
        echo "regression $base: skipped (KNOWN-FAILING: $(grep -m1 -oE 'SUMMARY: .*' "$work/regression_$base.log"))"
      fi
      skipped=$((skipped + 1))
    elif [ $rc -eq 0 ]; then
      passed=$((passed + 1))
    else
      echo "regression $base: FAILS (exit $rc): $(grep -m1 -oE 'SUMMARY: .*|check failed.*' "$work/regression_$base.log")"
      failed=$((failed + 1))
    fi
  done
done
echo "fuzz: $total_execs execs in total"
echo "$passed $failed $skipped libfuzzer-harnesses-and-regressions" > "$results/fuzz.counts"
cov_rc=0
if [ "${OVPNDCO_FUZZ_NO_COVERAGE:-0}" != 1 ]; then
  "$here/coverage.sh" "$results" || cov_rc=1
fi
[ $failed -eq 0 ] && [ $cov_rc -eq 0 ]
