#!/usr/bin/env bash
# Builds the libFuzzer harnesses (clang-14, -fsanitize=fuzzer,address,undefined) on the generated C in out/hosted and
# runs each for a bounded time on a copy of its seed corpus. Any crash, leak, sanitizer report or timeout is a finding.
# Usage: run-fuzzers.sh <seconds per fuzzer> [results dir]   (results: fuzz.counts for scripts/summarize-results.sh)
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd); root=$(cd "$here/../.." && pwd)
seconds=${1:-60}; results=${2:-$root/out/test-results}
work=$root/out/fuzz; mkdir -p "$work" "$results"
clang=$(command -v clang-14 || command -v clang)
[ -f "$root/out/hosted/ovpndco.c" ] || { echo "run-fuzzers: out/hosted is missing (run scripts/transpile-hosted.sh)"; exit 2; }

passed=0; failed=0; total_execs=0
for name in rx ioctl tcp; do
  bin="$work/fuzz_$name"
  if ! "$clang" -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
      -I "$root/runtime-kernel/include" -I "$root/out/hosted" "$here/fuzz_$name.c" "$root"/out/hosted/*.c \
      "$root"/runtime-kernel/hosted/*.c -lcrypto -lpthread -o "$bin" 2>"$work/build_$name.log"; then
    echo "fuzz_$name: does not build"; tail -20 "$work/build_$name.log"; failed=$((failed + 1)); continue
  fi
  corpus="$work/corpus_$name"; rm -rf "$corpus"; mkdir -p "$corpus" "$work/crashes"
  "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
      -artifact_prefix="$work/crashes/${name}-" "$corpus" "$here/seeds/$name" >"$work/fuzz_$name.log" 2>&1
  rc=$?
  execs=$(grep -oE 'stat::number_of_executed_units: [0-9]+' "$work/fuzz_$name.log" | grep -oE '[0-9]+' || echo 0)
  cov=$(grep -oE 'cov: [0-9]+' "$work/fuzz_$name.log" | tail -1 | grep -oE '[0-9]+' || echo 0)
  total_execs=$((total_execs + ${execs:-0}))
  if [ $rc -eq 0 ]; then
    echo "fuzz_$name: ${execs:-0} execs in ${seconds}s, coverage $cov edges, corpus $(ls "$corpus" | wc -l) files, 0 findings"
    passed=$((passed + 1))
  else
    echo "fuzz_$name: FINDING (exit $rc):"; grep -E "ERROR|SUMMARY|runtime error|==[0-9]+==" "$work/fuzz_$name.log" | head -10
    ls "$work/crashes" | sed 's/^/  artifact: /'
    failed=$((failed + 1))
  fi
done
echo "fuzz: $total_execs execs in total"
echo "$passed $failed 0 libfuzzer-harnesses" > "$results/fuzz.counts"
[ $failed -eq 0 ]
