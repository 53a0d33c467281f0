#!/usr/bin/env bash
# fuzz-lib.sh - sourced by run-fuzzers.sh, coverage.sh, update-corpus.sh and bench/fuzz-long.sh: the harness list and
# the builds. The driver C (out/hosted/*.c) and the hosted runtime are compiled once per flavour into objects, then
# linked with each harness:
#   fuzz_build <work>      libFuzzer + ASan + UBSan binaries   <work>/fuzz_<name>
#   cov_build <work>       coverage binaries (clang source-based coverage of the driver's out/hosted/*.c only; the harness
#                          and the runtime are not instrumented) with replay_main.c   <work>/cov_<name>
# Every harness links with -Wl,--wrap=ovpn_hosted_alloc,... and the packet buffers (fault injection, see fuzz_common.h).
FUZZ_NAMES=${OVPNDCO_FUZZ_ONLY:-"rx tx mp tcp ioctl"}
fuzz_here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
fuzz_root=$(cd "$fuzz_here/../.." && pwd)
FUZZ_CLANG=$(command -v clang-14 || command -v clang)
FUZZ_CFLAGS=(-std=c11 -g -O1 -Wall -Wextra -I "$fuzz_root/runtime-kernel/include" -I "$fuzz_root/out/hosted")
FUZZ_LIBS=(-Wl,--wrap=ovpn_hosted_alloc,--wrap=ovpn_hosted_aead_create,--wrap=ovpn_hosted_aead_seal,--wrap=ovpn_host_transport_buffer,--wrap=ovpn_host_adapter_buffer -lcrypto -lpthread)

# Regression inputs that are expected to crash until a fix reaches this branch (one file name per line, # comments).
fuzz_known_failing() { grep -v '^\s*#' "$fuzz_here/regressions/KNOWN-FAILING" 2>/dev/null | grep -v '^\s*$' || true; }

_fuzz_objects() { # <dir> <flags...>: compiles the driver and the runtime into <dir>/*.o
  local dir=$1; shift
  mkdir -p "$dir"; rm -f "$dir"/*.o
  local src
  for src in "$fuzz_root"/out/hosted/*.c "$fuzz_root"/runtime-kernel/hosted/*.c; do
    "$FUZZ_CLANG" "${FUZZ_CFLAGS[@]}" "$@" -c "$src" -o "$dir/$(basename "${src%.c}").o" || return 1
  done
}

fuzz_build() { # <work>; prints one line per harness that does not build, returns non-zero if any
  local work=$1 failed=0 name san=(-fsanitize=address,undefined -fno-sanitize-recover=all)
  _fuzz_objects "$work/obj-fuzz" -fsanitize=fuzzer-no-link "${san[@]}" 2>"$work/build_objects.log" \
    || { echo "fuzz: the driver does not build"; tail -20 "$work/build_objects.log"; return 1; }
  for name in $FUZZ_NAMES; do
    if ! "$FUZZ_CLANG" "${FUZZ_CFLAGS[@]}" -fsanitize=fuzzer "${san[@]}" "$fuzz_here/fuzz_$name.c" "$work"/obj-fuzz/*.o \
        "${FUZZ_LIBS[@]}" -o "$work/fuzz_$name" 2>"$work/build_$name.log" || [ -s "$work/build_$name.log" ]; then
      echo "fuzz_$name: does not build warning-free"; head -20 "$work/build_$name.log"; failed=1
    fi
  done
  return $failed
}

cov_build() { # <work>
  local work=$1 failed=0 name
  mkdir -p "$work/obj-cov"; rm -f "$work"/obj-cov/*.o
  local src
  : >"$work/cov_objects.log"
  for src in "$fuzz_root"/out/hosted/*.c; do # one .c per C# source file
    # The trace events (ovpn_trace.c, generated from [TraceEvent] declarations) are formatting, not driver logic:
    # compiled without coverage, like the runtime below.
    [ "$(basename "$src")" = ovpn_trace.c ] && continue
    "$FUZZ_CLANG" "${FUZZ_CFLAGS[@]}" -fprofile-instr-generate -fcoverage-mapping -c "$src" \
        -o "$work/obj-cov/$(basename "${src%.c}").o" 2>>"$work/cov_objects.log" || { tail -20 "$work/cov_objects.log"; return 1; }
  done
  for src in "$fuzz_root"/out/hosted/ovpn_trace.c "$fuzz_root"/runtime-kernel/hosted/*.c; do
    [ -f "$src" ] || continue
    "$FUZZ_CLANG" "${FUZZ_CFLAGS[@]}" -c "$src" -o "$work/obj-cov/$(basename "${src%.c}").o" 2>>"$work/cov_objects.log" || return 1
  done
  for name in $FUZZ_NAMES; do
    if ! "$FUZZ_CLANG" "${FUZZ_CFLAGS[@]}" -fprofile-instr-generate "$fuzz_here/fuzz_$name.c" "$fuzz_here/replay_main.c" \
        "$work"/obj-cov/*.o "${FUZZ_LIBS[@]}" -o "$work/cov_$name" 2>"$work/cov_build_$name.log"; then
      echo "cov_$name: does not build"; head -20 "$work/cov_build_$name.log"; failed=1
    fi
  done
  return $failed
}
