#!/usr/bin/env bash
# The main job: restore and build the solution, then transpile the driver into out/
# (generated C for the hosted and kernel targets, the WDK project and the INF).
set -euo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
config=${CONFIGURATION:-Release}

echo "== build: dotnet build OvpnDco.sln -c $config"
dotnet build OvpnDco.sln -c "$config" -nologo -clp:ErrorsOnly -v:quiet

# uapi.h is generated from the C# definitions (uapi/OvpnDco.Uapi) by OvpnDco.Generators; write the checked-in copy.
echo "== build: uapi/include/ovpn-dco/uapi.h"
dotnet "uapi/OvpnDco.Uapi.HeaderTool/bin/$config/net10.0/ovpn-uapi-header.dll" "$PWD"

mkdir -p out
# Transpile the driver for both targets. Until the driver core exists it has no [Export] entry points
# (IL2C0012): that is reported, not treated as a failure.
il2c="compiler/OvpnDco.Il2c/bin/$config/net10.0/ovpn-il2c.dll"
driver="driver/OvpnDco.Driver/bin/$config/net10.0/OvpnDco.Driver.dll"
for target in hosted kernel; do
  echo "== build: ovpn-il2c compile driver --target $target → out/$target"
  if dotnet "$il2c" compile "$driver" --out "out/$target" --target "$target" --module ovpndco 2>"out/il2c-$target.log"; then
    echo "   sha256 of out/$target: $(cd "out/$target" && find . -type f | LC_ALL=C sort | xargs sha256sum | sha256sum | cut -d' ' -f1)"
  elif grep -q "IL2C0012" "out/il2c-$target.log"; then
    echo "   driver/ has no [Export] entry points yet (driver-core issue): nothing to transpile"
  else
    cat "out/il2c-$target.log" >&2
    exit 1
  fi
done
