#!/usr/bin/env bash
# Long fuzzing campaign: every harness for the given time (default 2 hours each), keeping its corpus in
# out/fuzz-long/. Prints execs and coverage per harness; findings are saved as artifacts there.
# Usage: bench/fuzz-long.sh [seconds per fuzzer]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-7200}
"$root/scripts/transpile-hosted.sh" >/dev/null
"$root/tests/fuzz/run-fuzzers.sh" "$seconds" "$root/out/fuzz-long"
