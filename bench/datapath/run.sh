#!/usr/bin/env bash
# Data-path benchmark: callgrind instructions per packet (1400 bytes, AES-256-GCM, encrypt + decrypt with header,
# packet id, replay check and peer lookup) of the transpiled driver on the hosted runtime vs the hand-written C in
# reference.c making the same OpenSSL calls. Also prints the managed/native ratio when the managed benchmark has run,
# and how the data path scales over threads (scaling.c: "scaling peers", "scaling p2p"; wall clock, so only meaningful
# on an otherwise idle machine). Prints numbers; never fails on a ratio.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd); root=$(cd "$here/../.." && pwd)
work=$root/out/bench/datapath; rm -rf "$work"; mkdir -p "$work"
command -v valgrind >/dev/null || { echo "bench: valgrind is missing (run scripts/install-deps.sh)"; exit 2; }
[ -f "$root/out/hosted/ovpndco.h" ] || "$root/scripts/transpile-hosted.sh" >/dev/null

# The driver is one .c per C# source file: -flto, as libovpndco.so is built, so that the small helpers one file
# calls in another inline as they would in one file (measure_* are noinline, so callgrind still finds them).
gcc -std=c11 -O2 -flto=auto -Wall -Wextra -I "$root/runtime-kernel/include" -I "$root/out/hosted" "$here/main.c" "$here/reference.c" \
    "$root"/out/hosted/*.c "$root"/runtime-kernel/hosted/*.c -lcrypto -lpthread -o "$work/bench"
packets=$(grep -oE '#define PACKETS [0-9]+' "$here/main.c" | grep -oE '[0-9]+$')

batch=$(grep -oE '#define BATCH [0-9]+' "$here/main.c" | grep -oE '[0-9]+$')

count() {
    valgrind --tool=callgrind --callgrind-out-file="$work/cg.$1" --toggle-collect="measure_${1//-/_}" "$work/bench" "$1" >"$work/$1.out" 2>"$work/cg.$1.log"
    grep -m1 -oE 'Collected : [0-9]+' "$work/cg.$1.log" | grep -oE '[0-9]+'
}
# Two ways of calling the driver: one packet per call (each call takes the shared lock, reads the clock and finds its
# CPU's counters) and batches of $batch packets, as the hosted device hands over a burst of TUN reads or one recvmmsg
# (those costs paid once per batch). The reference is the same hand-written loop either way.
driver=$(count driver); reference=$(count reference)
driver_batch=$(count driver-batch); reference_batch=$(count reference-batch)
awk -v d="$driver" -v r="$reference" -v db="$driver_batch" -v rb="$reference_batch" -v n="$packets" -v b="$batch" 'BEGIN {
    printf "datapath  one packet per call:  transpiled driver %6.0f instructions/packet, hand-written C %6.0f: %.3f\n", d / n, r / n, d / r
    printf "datapath  batches of %d packets: transpiled driver %6.0f instructions/packet, hand-written C %6.0f: %.3f\n", b, db / n, rb / n, db / rb
    printf "datapath ratio %.3f (goal <= 1.03; batches of %d, as the hosted device calls the driver; one packet per call %.3f)\n", db / rb, b, d / r }'

native_ns=$("$work/bench" timed)
echo "datapath  native driver (gcc -O2, OpenSSL): ${native_ns} ns/packet (1400 B, AES-256-GCM encrypt + decrypt, wall clock, best of 5)"
# The managed figure comes from the BenchmarkDotNet run of the driver core (bench/driver), when it has been run.
managed_csv=$(ls -t "$root"/BenchmarkDotNet.Artifacts/results/*Driver*report.csv "$root"/bench/driver/BenchmarkDotNet.Artifacts/results/*report.csv 2>/dev/null | head -1 || true)
if [ -n "$managed_csv" ]; then
  # The first "<number> ns" field of the driver's aes-256-gcm row is its Mean.
  managed_ns=$(grep -i "driver" "$managed_csv" | grep -i "aes-256-gcm" | grep -oE '"?[0-9][0-9,]*\.?[0-9]* ns"?' | head -1 | tr -d '", ns' || true)
  if [ -n "$managed_ns" ]; then
    awk -v m="$managed_ns" -v n="$native_ns" 'BEGIN { printf "datapath  managed (.NET, %s) %.1f ns/packet vs native %.1f ns/packet: managed/native %.2f\n", "BenchmarkDotNet", m, n, m / n }'
  else
    echo "datapath  managed/native ratio: no aes-256-gcm driver row in $managed_csv"
  fi
else
  echo "datapath  managed/native ratio: run the driver-core benchmark (bench/driver) first"
fi

gcc -std=c11 -O2 -flto=auto -Wall -Wextra -I "$root/runtime-kernel/include" -I "$root/out/hosted" "$here/scaling.c" \
    "$root"/out/hosted/*.c "$root"/runtime-kernel/hosted/*.c -lcrypto -lpthread -o "$work/scaling"
"$work/scaling"
