#!/usr/bin/env bash
# Installs the Debian packages the build and the tests need, only when one is missing.
# Idempotent: a second run checks dpkg and returns at once without touching apt.
set -euo pipefail

packages=(
  clang-14 lld-14 llvm-14 libclang-rt-14-dev   # MSVC-dialect syntax checks, libFuzzer, sanitizers
  gcc libc6-dev libssl-dev pkg-config          # hosted native build (OpenSSL 3 EVP)
  valgrind                                      # callgrind benchmarks
  mingw-w64-x86-64-dev mingw-w64-i686-dev      # Windows SDK headers for the uapi.h checks
  openvpn iperf3 tshark iproute2 iputils-ping  # end-to-end tests in network namespaces
  openssl python3                               # bench/tunnel.sh (OpenVPN PKI, numbers)
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
# tshark asks whether non-root users may capture; answer once, before apt asks.
echo "wireshark-common wireshark-common/install-setuid boolean false" | $SUDO debconf-set-selections 2>/dev/null || true
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-deps: done"
