#!/usr/bin/env bash
# Long fuzzing campaign: every harness for the given time (default 2 hours each). The corpora live in out/fuzz-long/
# and are KEPT across runs (each run starts from what the previous ones found plus the committed corpus); findings
# are saved as artifacts in out/fuzz-long/crashes/. Prints execs, execs/s and coverage per harness, then the
# coverage figures (tests/fuzz/coverage.sh) of the committed corpus and of the grown corpora.
# Usage: bench/fuzz-long.sh [seconds per fuzzer] [--merge]
#   --merge   afterwards, minimise what was found into tests/fuzz/corpus/<name> (tests/fuzz/update-corpus.sh);
#             review and commit the result.
#   OVPNDCO_FUZZ_ONLY="mp tx" limits the harnesses.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=7200; merge=0
for arg in "$@"; do
  case $arg in
    --merge) merge=1 ;;
    *) seconds=$arg ;;
  esac
done
"$root/scripts/transpile-hosted.sh" >/dev/null
rc=0
OVPNDCO_FUZZ_WORK="$root/out/fuzz-long" "$root/tests/fuzz/run-fuzzers.sh" "$seconds" "$root/out/fuzz-long/results" || rc=$?
echo "== coverage of the corpora grown in out/fuzz-long (informational)"
OVPNDCO_COV_MIN_FUNCTIONS=0 OVPNDCO_COV_MIN_BRANCHES=0 \
  "$root/tests/fuzz/coverage.sh" "$root/out/fuzz-long/results-grown" "$root/out/fuzz-long" || true
if [ $merge = 1 ]; then
  "$root/tests/fuzz/update-corpus.sh" "$root/out/fuzz-long"
fi
exit $rc
