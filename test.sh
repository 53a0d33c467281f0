#!/usr/bin/env bash
# Installs what the tests need (only when missing), builds, runs every test suite and ends with one line:
#   N passed, N failed[, N skipped]
# Exit status is non-zero when anything failed or did not build.
set -uo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
config=${CONFIGURATION:-Release}
results=out/test-results

./scripts/install-deps.sh || { echo "test.sh: installing dependencies failed"; echo "0 passed, 1 failed"; exit 1; }

rm -rf "$results"; mkdir -p "$results"

echo "== test: dotnet build OvpnDco.sln -c $config"
if ! dotnet build OvpnDco.sln -c "$config" -nologo -clp:ErrorsOnly -v:quiet; then
  echo "test.sh: the solution does not build"
  echo "0 passed, 1 failed"
  exit 1
fi

echo "== test: NUnit suites"
dotnet test OvpnDco.sln -c "$config" --no-build -nologo -v:quiet \
  --logger "trx" --results-directory "$results/nunit" -- NUnit.DisplayName=FullName >"$results/dotnet-test.log" 2>&1
nunit_rc=$?
grep -E "^(Failed|  Failed|Passed!|Failed!|  Error Message|   )" "$results/dotnet-test.log" | head -200 || true

echo "== test: native driver (transpile + libovpndco.so), short fuzz runs, regression inputs, coverage floors"
if ./scripts/transpile-hosted.sh >"$results/transpile.log" 2>&1; then
  tests/fuzz/run-fuzzers.sh "${OVPNDCO_FUZZ_SECONDS:-40}" "$results" || true
else
  tail -30 "$results/transpile.log"
  echo "0 1 0 transpile-hosted" > "$results/transpile.counts"
fi

echo "== test: summary"
./scripts/summarize-results.sh "$results"
summary_rc=$?
if [ $nunit_rc -ne 0 ] && [ $summary_rc -eq 0 ]; then
  # dotnet test failed without a failed test in the results (crash, abort, no results): count it.
  tail -30 "$results/dotnet-test.log"
  echo "test.sh: dotnet test exited $nunit_rc"
  echo "0 passed, 1 failed"
  exit 1
fi
exit $summary_rc
