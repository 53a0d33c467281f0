#!/usr/bin/env bash
# The main job: restore and build the solution, then transpile the driver into out/
# (generated C for the hosted and kernel targets, the WDK project and the INF).
set -euo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
config=${CONFIGURATION:-Release}

echo "== build: dotnet build OvpnDco.sln -c $config"
dotnet build OvpnDco.sln -c "$config" -nologo -clp:ErrorsOnly -v:quiet

mkdir -p out
echo "== build: the IL→C compiler does not exist yet; out/ holds no generated C (see README, 'Status')."
