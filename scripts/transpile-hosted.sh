#!/usr/bin/env bash
# Transpiles the driver with its hosted binding (driver/OvpnDco.Driver.Hosted) into out/hosted (ovpndco.h, the
# shared ovpndco_internal.h and one .c per C# source file) and builds
# out/hosted/lib/libovpndco.so (gcc -O2) and libovpndco-asan.so (ASan+UBSan). Expects the solution built.
# Used by build.sh and test.sh. Prints the sha256 of the generated C.
set -euo pipefail
cd "$(dirname "$0")/.."
config=${CONFIGURATION:-Release}
il2c="compiler/OvpnDco.Il2c/bin/$config/net10.0/ovpn-il2c.dll"
hosted="driver/OvpnDco.Driver.Hosted/bin/$config/net10.0/OvpnDco.Driver.Hosted.dll"

echo "== ovpn-il2c compile driver (hosted binding) --target hosted → out/hosted"
dotnet "$il2c" compile "$hosted" --out out/hosted --target hosted --module ovpndco
echo "   sha256 of out/hosted: $(cd out/hosted && find . -maxdepth 1 -type f -name '*.[ch]' | LC_ALL=C sort | xargs sha256sum | sha256sum | cut -d' ' -f1)"

mkdir -p out/hosted/lib
flags=(-std=c11 -Wall -Wextra -Werror -shared -fPIC -I runtime-kernel/include -I out/hosted)
# The generated C is one .c per C# source file: -flto lets gcc inline the small helpers one file calls in another,
# as it did when the driver was one file (internal functions stay out of the symbol table: OVPN_INTERNAL).
echo "== out/hosted/lib/libovpndco.so (gcc -O2 -flto) and libovpndco-asan.so (ASan+UBSan)"
gcc "${flags[@]}" -O2 -flto=auto out/hosted/*.c runtime-kernel/hosted/*.c -lcrypto -lpthread -o out/hosted/lib/libovpndco.so
gcc "${flags[@]}" -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer \
    out/hosted/*.c runtime-kernel/hosted/*.c -lcrypto -lpthread -o out/hosted/lib/libovpndco-asan.so

# The hosted device (runtime-kernel/hosted/device): TUN + sockets + timer around libovpndco, loaded in-process by
# the .NET HostedDcoTransport (ovpn-dco-cli on Linux). Found next to libovpndco.so through $ORIGIN.
echo "== out/hosted/lib/libovpndco-device.so (hosted device)"
gcc -std=c11 -Wall -Wextra -Werror -O2 -shared -fPIC -I runtime-kernel/include runtime-kernel/hosted/device/ovpn_hdev.c runtime-kernel/hosted/device/ovpn_hdev_offload.c \
    -L out/hosted/lib -lovpndco -Wl,-rpath,'$ORIGIN' -lpthread -o out/hosted/lib/libovpndco-device.so
