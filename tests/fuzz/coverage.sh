#!/usr/bin/env bash
# coverage.sh - coverage floors of the fuzz corpora over the generated driver C (out/hosted/ovpndco.c only, not the
# runtime). Builds every harness with clang source-based coverage (-fprofile-instr-generate -fcoverage-mapping on
# ovpndco.c) linked with replay_main.c, replays the committed corpus tests/fuzz/corpus/<name> and the regression
# inputs tests/fuzz/regressions/<name>-*.bin (except those listed in regressions/KNOWN-FAILING), merges the profiles
# with llvm-profdata-14 and reports with llvm-cov-14: functions entered, regions and branches (each condition's
# true and false outcome: our "edges" measure) per harness and combined. Fails when the combined figures fall below
# the floors (OVPNDCO_COV_MIN_FUNCTIONS / OVPNDCO_COV_MIN_BRANCHES, percent) and lists the functions never entered.
# Usage: coverage.sh [results dir] [corpus root: <root>/<name> or <root>/corpus_<name>; default tests/fuzz/corpus]
#   (results: coverage.counts for scripts/summarize-results.sh)
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=fuzz-lib.sh
. "$here/fuzz-lib.sh"
FUZZ_NAMES="rx tx mp tcp ioctl" # the floors are for all harnesses together, whatever OVPNDCO_FUZZ_ONLY says
root=$fuzz_root
results=${1:-$root/out/test-results}; corpus_root=${2:-$here/corpus}
min_functions=${OVPNDCO_COV_MIN_FUNCTIONS:-97}
# 89 since epoch data keys: their send-side branches (AES-GCM usage limit 2^36, 48-bit counter maximum, last epoch
# 0xFFFF, key derivation failures) cannot be reached by fuzzing; the managed/native epoch tests cover them.
# 88.5 since the key-slot lock waits on a word another CPU holds (SlotLock's inner loop): the harnesses run one
# thread, so only the concurrency stress tests (tests/native/stress_concurrency.c) reach it.
min_branches=${OVPNDCO_COV_MIN_BRANCHES:-88.5}
work=$root/out/fuzz/cov; mkdir -p "$work" "$results"; rm -f "$work"/*.profraw "$work"/*.profdata
profdata=$(command -v llvm-profdata-14 || command -v llvm-profdata); cov=$(command -v llvm-cov-14 || command -v llvm-cov)
src=$root/out/hosted/ovpndco.c
fail() { echo "coverage: $*"; echo "0 1 0 fuzz-coverage-floors" > "$results/coverage.counts"; exit 1; }
[ -n "$profdata" ] && [ -n "$cov" ] || fail "llvm-profdata-14/llvm-cov-14 missing (scripts/install-deps.sh installs llvm-14)"
[ -f "$src" ] || fail "out/hosted is missing (run scripts/transpile-hosted.sh)"
cov_build "$work" || fail "coverage build failed"

known=$(fuzz_known_failing)
# totals <profdata> <binary>: "functions% regions% branches% fn_covered/fn_total br_covered/br_total"
totals() {
  "$cov" report "$2" -instr-profile="$1" "$src" 2>/dev/null | awk '$1 == "TOTAL" {
    printf "%s %s %s %d/%d %d/%d\n", $7, $4, $13, $5 - $6, $5, $11 - $12, $11 }'
}
printf '  %-8s %-10s %-10s %-10s %s\n' harness functions regions branches inputs
start=$(date +%s)
for name in $FUZZ_NAMES; do
  corpus=$corpus_root/$name; [ -d "$corpus" ] || corpus=$corpus_root/corpus_$name # a run's work dir works too
  inputs=(); [ -d "$corpus" ] && inputs=("$corpus")
  for r in "$here"/regressions/"$name"-*; do
    [ -f "$r" ] || continue
    grep -qxF "$(basename "$r")" <<<"$known" && continue
    inputs+=("$r")
  done
  LLVM_PROFILE_FILE="$work/$name.profraw" "$work/cov_$name" "${inputs[@]}" >"$work/replay_$name.log" 2>&1 \
    || fail "cov_$name: replay failed: $(tail -3 "$work/replay_$name.log")"
  "$profdata" merge -sparse "$work/$name.profraw" -o "$work/$name.profdata" || fail "llvm-profdata merge $name"
  read -r f r b fn br < <(totals "$work/$name.profdata" "$work/cov_$name")
  printf '  %-8s %-10s %-10s %-10s %s\n' "$name" "$f" "$r" "$b" "$(grep -o 'replayed [0-9]* inputs' "$work/replay_$name.log")"
done
set -- $FUZZ_NAMES
"$profdata" merge -sparse "$work"/*.profraw -o "$work/all.profdata" || fail "llvm-profdata merge"
read -r f r b fn br < <(totals "$work/all.profdata" "$work/cov_$1")
printf '  %-8s %-10s %-10s %-10s (functions %s, branches %s; %ss)\n' combined "$f" "$r" "$b" "$fn" "$br" $(( $(date +%s) - start ))
echo "  functions never entered:"
"$cov" report -show-functions "$work/cov_$1" -instr-profile="$work/all.profdata" "$src" 2>/dev/null \
  | awk 'NF >= 10 && $4 == "0.00%" { print "    " $1 }'
ok=$(awk -v f="${f%\%}" -v b="${b%\%}" -v mf="$min_functions" -v mb="$min_branches" 'BEGIN { print (f >= mf && b >= mb) ? 1 : 0 }')
if [ "$ok" = 1 ]; then
  echo "coverage: combined functions $f >= $min_functions%, branches $b >= $min_branches%"
  echo "1 0 0 fuzz-coverage-floors" > "$results/coverage.counts"
else
  fail "BELOW THE FLOOR: combined functions $f (floor $min_functions%), branches $b (floor $min_branches%)"
fi
