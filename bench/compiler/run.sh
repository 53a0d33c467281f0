#!/usr/bin/env bash
# Compiler benchmark: callgrind instruction counts of C# (transpiled by ovpn-il2c, gcc -O2) against the
# same algorithms hand-written in C (reference.c), and the time to transpile the whole corpus.
# Prints numbers and ratios; it is not a test and never fails on a ratio.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd); root=$(cd "$here/../.." && pwd)
work=${BENCH_OUT:-$root/out/bench/compiler}; rm -rf "$work"; mkdir -p "$work"
command -v valgrind >/dev/null || { echo "bench: valgrind is missing (run scripts/install-deps.sh)"; exit 2; }

dotnet build "$here/OvpnDco.Bench.Compiler.csproj" -c Release -nologo -v:quiet -o "$work/bin" >/dev/null
dotnet build "$root/compiler/OvpnDco.Il2c/OvpnDco.Il2c.csproj" -c Release -nologo -v:quiet >/dev/null
il2c="$root/compiler/OvpnDco.Il2c/bin/Release/net10.0/ovpn-il2c.dll"

start=$(date +%s%N)
dotnet "$il2c" compile "$work/bin/OvpnDco.Bench.Compiler.dll" --out "$work/c" --module bench
end=$(date +%s%N)
functions=$(cat "$work"/c/*.c | grep -c '^/\* .*\.cs:[0-9]*) \*/$' || true)
echo "transpile: whole corpus + benchmark assembly in $(( (end - start) / 1000000 )) ms (process start included)"

gcc -std=c11 -O2 -flto=auto -I "$root/runtime-kernel/include" -I "$work/c" "$work/c/"*.c "$root/runtime-kernel/hosted/"*.c \
    "$here/reference.c" "$here/main.c" -lcrypto -lpthread -o "$work/bench"

count() {
    valgrind --tool=callgrind --callgrind-out-file="$work/cg.$1" --toggle-collect="measure_$1" "$work/bench" "$1" >/dev/null 2>"$work/cg.$1.log"
    grep -m1 -oE 'Collected : [0-9]+' "$work/cg.$1.log" | grep -oE '[0-9]+'
}
for algo in chacha replay; do
    cs=$(count "cs_$algo"); ref=$(count "ref_$algo")
    ratio=$(awk -v a="$cs" -v b="$ref" 'BEGIN { printf "%.3f", a / b }')
    printf '%-8s transpiled C#: %12d instructions   hand-written C: %12d   ratio %s (target <= 1.10)\n' "$algo" "$cs" "$ref" "$ratio"
done
