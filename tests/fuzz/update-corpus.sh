#!/usr/bin/env bash
# update-corpus.sh - merges what fuzzing found back into the committed corpus: for each harness, libFuzzer
# -merge=1 -use_counters=0 (edges, not hit counts) of tests/fuzz/corpus/<name> and <work>/corpus_<name> into a
# fresh directory holding only the 40 largest inputs (keeps them plus every input that adds an edge), which then
# replaces tests/fuzz/corpus/<name>. Warns when a corpus exceeds the budget
# (200 files, 1 MB per harness). Commit the result yourself.
# Usage: update-corpus.sh [work dir with corpus_<name> and fuzz_<name>]   (default out/fuzz; bench/fuzz-long.sh
# uses out/fuzz-long). Builds the harnesses when the binaries are missing.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=fuzz-lib.sh
. "$here/fuzz-lib.sh"
work=${1:-$fuzz_root/out/fuzz}; mkdir -p "$work"
for name in $FUZZ_NAMES; do
  [ -x "$work/fuzz_$name" ] || { fuzz_build "$work"; break; }
done
for name in $FUZZ_NAMES; do
  committed=$here/corpus/$name; found=$work/corpus_$name; fresh=$work/merge_$name
  rm -rf "$fresh"; mkdir -p "$fresh" "$committed" "$found"
  # Start from the 40 largest inputs (they cover the most): libFuzzer keeps what is in the first directory and adds
  # only inputs with new edges, smallest first, so the result is far smaller than merging into an empty directory.
  find "$committed" "$found" -type f -printf '%s %p\n' | sort -rn | awk 'NR <= 40' | cut -d' ' -f2- \
    | while read -r f; do cp "$f" "$fresh/"; done
  "$work/fuzz_$name" -merge=1 -use_counters=0 -timeout=10 -rss_limit_mb=2048 "$fresh" "$committed" "$found" >"$work/merge_$name.log" 2>&1 \
    || { echo "update-corpus: merge of $name failed"; tail -5 "$work/merge_$name.log"; exit 1; }
  rm -rf "$committed"; mkdir -p "$committed"; cp "$fresh"/* "$committed"/ 2>/dev/null || true
  files=$(ls "$committed" | wc -l); bytes=$(du -sb "$committed" | cut -f1)
  echo "corpus/$name: $files files, $bytes bytes"
  [ "$files" -le 200 ] && [ "$bytes" -le 1048576 ] || echo "update-corpus: WARNING corpus/$name is over the budget (200 files, 1 MB)"
done
