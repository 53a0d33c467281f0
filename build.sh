#!/usr/bin/env bash
# The main job: restore and build the solution, then transpile the driver into out/
# (generated C for the hosted and kernel targets) and assemble the WDK package in out/wdk.
set -euo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
config=${CONFIGURATION:-Release}
# --kernel-only: what the Windows CI job runs (.github/workflows/windows.yml): only the projects behind out/kernel,
# out/wdk and out/samples/echo, and no hosted target (it needs gcc and OpenSSL, which Windows runners do not have).
kernel_only=0
if [ "${1:-}" = "--kernel-only" ]; then kernel_only=1; fi

if [ $kernel_only = 1 ]; then
  for project in compiler/OvpnDco.Il2c/OvpnDco.Il2c.csproj uapi/OvpnDco.Uapi.HeaderTool/OvpnDco.Uapi.HeaderTool.csproj \
                 driver/OvpnDco.Driver.Kernel/OvpnDco.Driver.Kernel.csproj \
                 samples/OvpnDco.EchoDriver/OvpnDco.EchoDriver.csproj; do
    echo "== build: dotnet build $project -c $config"
    dotnet build "$project" -c "$config" -nologo -clp:ErrorsOnly -v:quiet
  done
else
  echo "== build: dotnet build OvpnDco.sln -c $config"
  dotnet build OvpnDco.sln -c "$config" -nologo -clp:ErrorsOnly -v:quiet
fi

# uapi.h is generated from the C# definitions (uapi/OvpnDco.Uapi) by OvpnDco.Generators; write the checked-in copy.
echo "== build: uapi/include/ovpn-dco/uapi.h"
dotnet "uapi/OvpnDco.Uapi.HeaderTool/bin/$config/net10.0/ovpn-uapi-header.dll" "$PWD"

mkdir -p out
il2c="compiler/OvpnDco.Il2c/bin/$config/net10.0/ovpn-il2c.dll"
tree_sha() { (cd "$1" && find . -maxdepth 1 -type f -name '*.[ch]' | LC_ALL=C sort | xargs sha256sum | sha256sum | cut -d' ' -f1); }

# Hosted target: the driver core with the hosted platform binding, as C and as libovpndco.so (+ ASan build).
[ $kernel_only = 1 ] || ./scripts/transpile-hosted.sh

# Kernel target: the driver on the Windows platform binding (WDF/NetAdapterCx/WSK/BCrypt, driver/OvpnDco.Driver.Kernel).
if [ -d driver/OvpnDco.Driver.Kernel ]; then
  kernel="driver/OvpnDco.Driver.Kernel/bin/$config/net10.0/OvpnDco.Driver.Kernel.dll"
  echo "== build: ovpn-il2c compile driver (kernel binding) --target kernel → out/kernel"
  dotnet "$il2c" compile "$kernel" --out out/kernel --target kernel --module ovpndco
  echo "   sha256 of out/kernel: $(tree_sha out/kernel)"
  # The WDK package: the vcxproj, INF, version resource and trace profiles from wdk-props/ around the kernel C.
  echo "== build: out/wdk (WDK package: ovpn-dco-win.vcxproj, ovpn-dco.inf, ...)"
  ./scripts/assemble-wdk.sh --kernel out/kernel --out out/wdk
else
  echo "== build: out/kernel: no kernel platform binding yet (driver/OvpnDco.Driver.Kernel, kernel-target issue)"
fi

# A second driver on the same toolchain: the KMDF echo sample (samples/OvpnDco.EchoDriver) → out/samples/echo/kernel,
# and its own WDK package (samples/OvpnDco.EchoDriver/wdk) → out/samples/echo/wdk.
echo "== build: ovpn-il2c compile samples/OvpnDco.EchoDriver --target kernel → out/samples/echo/kernel"
dotnet "$il2c" compile "samples/OvpnDco.EchoDriver/bin/$config/net10.0/OvpnDco.EchoDriver.dll" --out out/samples/echo/kernel \
  --target kernel --module echo
echo "== build: out/samples/echo/wdk (ovpn-echo.vcxproj, ovpn-echo.inf)"
./scripts/assemble-echo-wdk.sh --kernel out/samples/echo/kernel --out out/samples/echo/wdk
