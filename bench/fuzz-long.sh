#!/usr/bin/env bash
# Long fuzzing campaign: every harness for the given time (default 2 hours each). The corpora live in out/fuzz-long/
# and are KEPT across runs (each run starts from what the previous ones found plus the committed corpus); findings
# are saved as artifacts in out/fuzz-long/crashes/. Prints execs, execs/s and coverage per harness, then the
# coverage figures (tests/fuzz/coverage.sh) of the committed corpus and of the grown corpora.
# Usage: bench/fuzz-long.sh [seconds per fuzzer] [--merge] [--jobs N]
#   --merge   afterwards, minimise what was found into tests/fuzz/corpus/<name> (tests/fuzz/update-corpus.sh);
#             review and commit the result.
#   --jobs N  run N harnesses at a time (each on its own core; the harnesses are split round-robin into N queues).
#             Run it under `nice -n 19` on a shared box: the fuzzers then only take time nobody else wants.
#   OVPNDCO_FUZZ_ONLY="mp tx" limits the harnesses.
# Every run appends one line per harness to out/fuzz-long/campaign.log (date, harness, seconds, execs, findings), so
# the campaign total over many runs is `awk '{s+=$4} END {print s}' out/fuzz-long/campaign.log`.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=7200; merge=0; jobs=1
while [ $# -gt 0 ]; do
  case $1 in
    --merge) merge=1 ;;
    --jobs) jobs=$2; shift ;;
    *) seconds=$1 ;;
  esac
  shift
done
work="$root/out/fuzz-long"
"$root/scripts/transpile-hosted.sh" >/dev/null
# shellcheck source=../tests/fuzz/fuzz-lib.sh
. "$root/tests/fuzz/fuzz-lib.sh"
mkdir -p "$work/crashes"
fuzz_build "$work"
names=($FUZZ_NAMES)
rc=0; pids=()
for ((q = 0; q < jobs; q++)); do
  queue=""
  for ((i = q; i < ${#names[@]}; i += jobs)); do queue="$queue ${names[$i]}"; done
  [ -n "$queue" ] || continue
  OVPNDCO_FUZZ_WORK="$work" OVPNDCO_FUZZ_ONLY="$queue" OVPNDCO_FUZZ_NO_BUILD=1 OVPNDCO_FUZZ_NO_COVERAGE=1 \
    "$root/tests/fuzz/run-fuzzers.sh" "$seconds" "$work/results-$q" >"$work/queue-$q.log" 2>&1 &
  pids+=($!)
done
for pid in "${pids[@]}"; do wait "$pid" || rc=1; done
cat "$work"/queue-*.log
for name in "${names[@]}"; do
  log="$work/fuzz_$name.log"
  execs=$(grep -oE 'stat::number_of_executed_units: [0-9]+' "$log" | grep -oE '[0-9]+' || echo 0)
  findings=$(grep "Test unit written to" "$log" | grep -vc -- "-slow-unit-" || true)
  echo "$(date -u +%FT%TZ) $name $seconds ${execs:-0} ${findings:-0}" >> "$work/campaign.log"
done
echo "campaign so far: $(awk '{s+=$4} END {print s+0}' "$work/campaign.log") execs over $(wc -l < "$work/campaign.log") harness runs (out/fuzz-long/campaign.log)"
echo "== coverage of the committed corpus"
"$root/tests/fuzz/coverage.sh" "$work/results-committed" || rc=1
echo "== coverage of the corpora grown in out/fuzz-long (informational)"
OVPNDCO_COV_MIN_FUNCTIONS=0 OVPNDCO_COV_MIN_BRANCHES=0 \
  "$root/tests/fuzz/coverage.sh" "$work/results-grown" "$work" || true
if [ $merge = 1 ]; then
  "$root/tests/fuzz/update-corpus.sh" "$work"
fi
exit $rc
