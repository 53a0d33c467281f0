#!/usr/bin/env bash
# Sums test results from every suite into the one closing line CI reads:
#   N passed, N failed[, N skipped]
# Inputs: a directory of results. *.trx files are VSTest/NUnit results; *.counts files are written by
# native suites (one line "passed failed skipped name"). Exit status: 0 only when nothing failed and at
# least one test ran.
set -euo pipefail
dir=${1:?usage: summarize-results.sh <results-dir>}

passed=0 failed=0 skipped=0
# grep -m1 stops at the first match itself: no 'head' that would SIGPIPE a producer under pipefail.
attr() { grep -m1 -o "<Counters [^>]*" "$2" | grep -o "\b$1=\"[0-9]*\"" | grep -o "[0-9]*" || true; }

shopt -s nullglob globstar
for trx in "$dir"/**/*.trx; do
  p=$(attr passed "$trx"); f=$(attr failed "$trx"); e=$(attr error "$trx"); t=$(attr total "$trx"); x=$(attr executed "$trx")
  p=${p:-0} f=${f:-0} e=${e:-0} t=${t:-0} x=${x:-0}
  s=$(( t - x ))
  # Name the row after the test assembly rather than the trx file's machine/time stamp.
  name=$(grep -m1 -o '<UnitTest [^>]*storage="[^"]*"' "$trx" | grep -o 'storage="[^"]*"' | cut -d'"' -f2 || true)
  name=$(basename "${name:-$trx}"); name=${name%.dll}; name=${name%.trx}
  printf '  %-48s %5d passed %4d failed %4d skipped\n' "${name:0:48}" "$p" "$((f + e))" "$s"
  passed=$((passed + p)) failed=$((failed + f + e)) skipped=$((skipped + s))
done
for counts in "$dir"/**/*.counts; do
  while read -r p f s name; do
    [ -n "${p:-}" ] || continue
    printf '  %-48s %5d passed %4d failed %4d skipped\n' "${name:0:48}" "$p" "$f" "$s"
    passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
  done < "$counts"
done

line="$passed passed, $failed failed"
[ "$skipped" -gt 0 ] && line="$line, $skipped skipped"
echo "$line"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
