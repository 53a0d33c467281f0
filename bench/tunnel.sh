#!/usr/bin/env bash
# Tunnel benchmark (prints numbers; never a timed test). Two network namespaces joined by a veth pair; iperf3 for
# $SECONDS_PER_RUN s (default 10) with 1 and 4 streams through
#   (a) our hosted tunnel: two ovpn-dco-cli (hosted device, AES-256-GCM data64.key)
#   (b) OpenVPN 2.6 from Debian, --disable-dco, AES-256-GCM, P2P TLS with a tiny ECDSA PKI made here with openssl
#   (c) "interop": that OpenVPN as a server (topology subnet, in A) and our ovpn-dco-client (in B, the hosted device)
# over UDP and TCP transport. Prints Mbit/s and the CPU seconds per GB moved (user+system time of both tunnel
# processes, all threads; kernel softirq work is not included), per run, then `tunnel ratio <ours/openvpn>` (the
# geometric mean of the throughput ratios). Needs root, iperf3, openvpn, openssl, python3, and ./build.sh run first.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${SECONDS_PER_RUN:-10}
impls=${IMPLS:-ours openvpn interop}   # IMPLS=ours: only our tunnel (optimisation steps), no ratio
config=${CONFIGURATION:-Release}
cli="$PWD/samples/OvpnDco.Cli/bin/$config/net10.0/ovpn-dco-cli"
client="$PWD/samples/OvpnDco.Client/bin/$config/net10.0/ovpn-dco-client"
export OVPNDCO_DEVICE_LIBRARY="$PWD/out/hosted/lib/libovpndco-device.so"
[ -x "$cli" ] && [ -x "$client" ] && [ -f "$OVPNDCO_DEVICE_LIBRARY" ] || { echo "bench/tunnel.sh: run ./build.sh first"; exit 1; }
for tool in iperf3 openvpn openssl python3; do
  command -v "$tool" >/dev/null || { echo "bench/tunnel.sh: $tool is missing (scripts/install-deps.sh)"; exit 1; }
done

A=ovbench-$$-a
B=ovbench-$$-b
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  sleep 0.5
  ip netns del "$A" 2>/dev/null || true
  ip netns del "$B" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

ip netns add "$A"; ip netns add "$B"
ip link add vA netns "$A" type veth peer name vB netns "$B"
ip -n "$A" addr add 192.168.88.1/24 dev vA; ip -n "$B" addr add 192.168.88.2/24 dev vB
for ns in "$A" "$B"; do ip -n "$ns" link set lo up; done
ip -n "$A" link set vA up; ip -n "$B" link set vB up

# keys: our data64.key; a CA, a server and a client certificate for OpenVPN (ECDSA P-256, valid one day)
"$cli" genkey "$work/data64.key" >/dev/null
(
  cd "$work"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj /CN=bench-ca -keyout ca.key -out ca.crt 2>/dev/null
  for who in server client; do
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=$who" -keyout $who.key -out $who.csr 2>/dev/null
    openssl x509 -req -in $who.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 1 -out $who.crt 2>/dev/null
  done
)

cpu_of() { # user+system seconds of the given pids (all threads)
  python3 - "$@" <<'EOF'
import os, sys
hz = os.sysconf("SC_CLK_TCK"); total = 0
for pid in sys.argv[1:]:
    try:
        f = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
        total += int(f[11]) + int(f[12])
    except OSError:
        pass
print(total / hz)
EOF
}

wait_for() { # file pattern seconds
  for _ in $(seq 1 $(( $3 * 10 ))); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done
  echo "bench/tunnel.sh: timed out waiting for '$2' in $1:"; cat "$1"; exit 1
}

tunnel_pids=()
start_ours() { # proto
  "$cli" --version >/dev/null
  ip netns exec "$A" "$cli" "$1" i4 192.168.88.1 1194 192.168.88.2 1194 10.8.0.1 255.255.255.0 10.8.0.2 "$work/data64.key" 0 >"$work/a.log" 2>&1 &
  local pa=$!
  wait_for "$work/a.log" "added\|connecting" 20
  ip netns exec "$B" "$cli" "$1" i4 192.168.88.2 1194 192.168.88.1 1194 10.8.0.2 255.255.255.0 10.8.0.1 "$work/data64.key" 1 >"$work/b.log" 2>&1 &
  local pb=$!
  tunnel_pids=("$pa" "$pb"); pids+=("$pa" "$pb")
  wait_for "$work/a.log" "tunnel up" 20; wait_for "$work/b.log" "tunnel up" 20
}

start_openvpn() { # proto
  local common=(--dev tun --cipher AES-256-GCM --data-ciphers AES-256-GCM --disable-dco --ca "$work/ca.crt" --dh none
                --verb 3 --ping 5 --ping-restart 60 --mute-replay-warnings --tun-mtu 1500)
  local pa_args pb_args
  if [ "$1" = udp ]; then
    pb_args=(--proto udp --local 192.168.88.2 --lport 1194 --remote 192.168.88.1 --rport 1194)
    pa_args=(--proto udp --local 192.168.88.1 --lport 1194 --remote 192.168.88.2 --rport 1194)
  else
    pb_args=(--proto tcp-server --local 192.168.88.2 --lport 1194)
    pa_args=(--proto tcp-client --remote 192.168.88.2 1194 --nobind)
  fi
  ip netns exec "$B" openvpn "${common[@]}" "${pb_args[@]}" --tls-server --cert "$work/server.crt" --key "$work/server.key" \
     --ifconfig 10.8.0.2 10.8.0.1 >"$work/b.log" 2>&1 &
  local pb=$!
  sleep 0.5
  ip netns exec "$A" openvpn "${common[@]}" "${pa_args[@]}" --tls-client --cert "$work/client.crt" --key "$work/client.key" \
     --ifconfig 10.8.0.1 10.8.0.2 >"$work/a.log" 2>&1 &
  local pa=$!
  tunnel_pids=("$pa" "$pb"); pids+=("$pa" "$pb")
  wait_for "$work/a.log" "Initialization Sequence Completed" 30; wait_for "$work/b.log" "Initialization Sequence Completed" 30
}

start_interop() { # proto: OpenVPN server in A (10.8.0.1), ovpn-dco-client in B (pushed 10.8.0.2)
  local sproto=udp; [ "$1" = tcp ] && sproto=tcp-server
  ip netns exec "$A" openvpn --dev tun --proto "$sproto" --local 192.168.88.1 --port 1194 --topology subnet \
     --server 10.8.0.0 255.255.255.0 --data-ciphers AES-256-GCM --disable-dco --ca "$work/ca.crt" --dh none \
     --cert "$work/server.crt" --key "$work/server.key" --keepalive 5 60 --verb 3 --tun-mtu 1500 >"$work/a.log" 2>&1 &
  local pa=$!
  wait_for "$work/a.log" "Initialization Sequence Completed" 30
  printf 'client\ndev tun\nproto %s\nremote 192.168.88.1 1194\nca %s\ncert %s\nkey %s\ndata-ciphers AES-256-GCM\n' \
    "$1" "$work/ca.crt" "$work/client.crt" "$work/client.key" >"$work/client.ovpn"
  ip netns exec "$B" "$client" --config "$work/client.ovpn" >"$work/b.log" 2>&1 &
  local pb=$!
  tunnel_pids=("$pa" "$pb"); pids+=("$pa" "$pb")
  wait_for "$work/b.log" "Initialization Sequence Completed" 30
}

stop_tunnel() {
  kill "${tunnel_pids[@]}" 2>/dev/null || true
  for p in "${tunnel_pids[@]}"; do wait "$p" 2>/dev/null || true; done
  tunnel_pids=()
}

declare -A mbps
printf '%-8s %-5s %-8s %10s %14s\n' impl proto streams Mbit/s "CPU s/GB"
for proto in udp tcp; do
  for impl in $impls; do
    "start_$impl" "$proto"
    ip netns exec "$A" ping -c 3 -i 0.2 -W 2 10.8.0.2 >/dev/null || { echo "no tunnel ($impl $proto)"; cat "$work/a.log"; exit 1; }
    ip netns exec "$B" iperf3 -s -B 10.8.0.2 >/dev/null 2>&1 &
    srv=$!; pids+=("$srv"); sleep 0.5
    for streams in 1 4; do
      c0=$(cpu_of "${tunnel_pids[@]}")
      ip netns exec "$A" iperf3 -c 10.8.0.2 -t "$secs" -P "$streams" -J >"$work/iperf.json"
      c1=$(cpu_of "${tunnel_pids[@]}")
      read -r rate cpu_per_gb < <(python3 - "$work/iperf.json" "$c0" "$c1" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))["end"]["sum_received"]
gb = d["bytes"] / 1e9
print(f'{d["bits_per_second"] / 1e6:.0f} {(float(sys.argv[3]) - float(sys.argv[2])) / gb:.2f}')
EOF
)
      mbps[$impl,$proto,$streams]=$rate
      printf '%-8s %-5s %-8s %10s %14s\n' "$impl" "$proto" "$streams" "$rate" "$cpu_per_gb"
    done
    kill "$srv" 2>/dev/null || true; wait "$srv" 2>/dev/null || true
    stop_tunnel
  done
done

[ -n "${mbps[ours,udp,1]:-}" ] && [ -n "${mbps[openvpn,udp,1]:-}" ] || exit 0
python3 - "${mbps[ours,udp,1]}" "${mbps[openvpn,udp,1]}" "${mbps[ours,udp,4]}" "${mbps[openvpn,udp,4]}" \
          "${mbps[ours,tcp,1]}" "${mbps[openvpn,tcp,1]}" "${mbps[ours,tcp,4]}" "${mbps[openvpn,tcp,4]}" <<'EOF'
import math, sys
v = [float(x) for x in sys.argv[1:]]
ratios = [v[i] / v[i + 1] for i in range(0, 8, 2)]
for name, r in zip(["udp/1", "udp/4", "tcp/1", "tcp/4"], ratios):
    print(f"ratio {name}: {r:.2f}")
print(f"tunnel ratio {math.exp(sum(map(math.log, ratios)) / len(ratios)):.2f}")
EOF
