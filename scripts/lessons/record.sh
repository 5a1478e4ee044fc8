#!/bin/bash
# Records the captures the shipped lessons are bound to (assets/lessons/*.pcap), so anyone can make them
# again. Run as root (network namespaces, tcpdump, nftables), under the shared lock:
#   flock /tmp/handshake-lab-live.lock scripts/lessons/record.sh [CAPTURE...]
# Every recording runs in private network namespaces, so no other loopback traffic gets in:
#   - loopback lessons: client and server on 127.0.0.1 inside one namespace, captured on its lo;
#   - "wire" lessons: two namespaces joined by tap_relay.py (TAP devices, a one-way delay per frame, as
#     there is no netem here), captured on the client's TAP device (Ethernet framing, real MAC addresses);
#     loss comes from nftables dropping chosen data segments in the server's namespace;
#   - live lessons' samples: `handshake-lab experiment` itself, recording what the app records.
# After recording, run `handshake-lab lesson validate`: a lesson whose frames moved must be updated.
# Needs: iproute2, tcpdump, nftables, /usr/bin/python3, curl, and a built CLI (npm run build).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
out=${OUT:-$repo/assets/lessons}
py=/usr/bin/python3
tag=hlr$$
namespaces=()
pids=()

tmp=$(mktemp -d)

cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  rm -rf "$tmp"
  for n in "${namespaces[@]}"; do ip netns del "$n" 2>/dev/null || true; done
}
trap cleanup EXIT

# until_ready FILE: waits (10 s at most) for a helper to print "ready" into FILE
until_ready() {
  for _ in $(seq 100); do grep -q ready "$1" 2>/dev/null && return 0; sleep 0.1; done
  echo "record.sh: $1 never got ready" >&2; exit 2
}

newns() { ip netns add "$1"; namespaces+=("$1"); ip -n "$1" link set lo up; }

# start_capture NS IFACE FILE FILTER: tcpdump in the background (its pid in $cap)
start_capture() {
  ip netns exec "$1" tcpdump --immediate-mode -i "$2" -s 0 -U -Z root -w "$3" "$4" 2>/dev/null &
  cap=$!
  pids+=("$cap")
  sleep 1.5
}

stop_capture() {
  sleep 0.5
  kill -INT "$cap"
  wait "$cap" || true
  echo "$(basename "$1"): $(tcpdump -r "$1" 2>/dev/null | wc -l) frames"
}

# loopback NAME SCENARIO [FILTER]: client and server on 127.0.0.1:12345 in a private namespace
loopback() {
  local ns=${tag}l
  newns "$ns"
  start_capture "$ns" lo "$out/$1.pcap" "${3:-tcp port 12345}"
  ip netns exec "$ns" "$py" "$here/scenarios.py" both "$2" 127.0.0.1 12345
  stop_capture "$out/$1.pcap"
  ip netns del "$ns"
}

# wire NAME SCENARIO PORT DELAY_MS [NFT_DROPS] [JITTER_MS]: client 10.77.0.1 in one namespace, server 10.77.0.2:PORT in
# another, joined by the delaying relay. NFT_DROPS: data segments to the server to drop, counted from 0 in
# arrival order (an nftables numgen map), e.g. "4, 13, 14".
wire() {
  local a=${tag}a b=${tag}b ta=${tag}ta tb=${tag}tb
  newns "$a"; newns "$b"
  ip tuntap add dev "$ta" mode tap; ip tuntap add dev "$tb" mode tap
  "$py" "$here/tap_relay.py" "$ta" "$tb" "$4" "${6:-0}" > "$tmp/relay" & local relay=$!
  pids+=("$relay")
  until_ready "$tmp/relay"
  ip link set "$ta" netns "$a"; ip link set "$tb" netns "$b"
  ip -n "$a" addr add 10.77.0.1/24 dev "$ta"; ip -n "$b" addr add 10.77.0.2/24 dev "$tb"
  ip -n "$a" link set "$ta" up; ip -n "$b" link set "$tb" up
  if [ -n "${5:-}" ]; then
    ip netns exec "$b" nft add table inet lesson
    ip netns exec "$b" nft add chain inet lesson inp '{ type filter hook input priority 0; }'
    ip netns exec "$b" nft add rule inet lesson inp tcp dport "$3" meta length gt 100 numgen inc mod 1000 "{ $5 }" drop
  fi
  start_capture "$a" "$ta" "$out/$1.pcap" "tcp port $3 or tcp port $(($3 + 1))"
  if [ "$2" = simultaneous ]; then
    local start; start=$("$py" -c 'import time; print(time.time() + 1)')
    ip netns exec "$b" "$py" "$here/scenarios.py" peer simultaneous 10.77.0.2 "$(($3 + 1))" 10.77.0.1 "$3" "$start" & local peer=$!
    ip netns exec "$a" "$py" "$here/scenarios.py" peer simultaneous 10.77.0.1 "$3" 10.77.0.2 "$(($3 + 1))" "$start"
    wait "$peer"
  else
    ip netns exec "$b" "$py" "$here/scenarios.py" server "$2" 10.77.0.2 "$3" > "$tmp/server" & local srv=$!
    until_ready "$tmp/server"
    ip netns exec "$a" "$py" "$here/scenarios.py" client "$2" 10.77.0.2 "$3"
    wait "$srv" || true
  fi
  stop_capture "$out/$1.pcap"
  kill "$relay"; wait "$relay" 2>/dev/null || true
  ip netns del "$a"; ip netns del "$b"
}

# experiment NAME VARIANT: the app's own experiment (what a live lesson runs), in a private namespace
experiment() {
  local ns=${tag}e
  newns "$ns"
  ip netns exec "$ns" node "$repo/bin/handshake-lab.js" experiment --variant "$2" --write "$out/$1.pcapng" >/dev/null
  echo "$1.pcapng: $(tcpdump -r "$out/$1.pcapng" 2>/dev/null | wc -l) frames"
  ip netns del "$ns"
}

# watch NAME PORT: a connection the student opens: curl to Python's http.server
watch() {
  local ns=${tag}w
  newns "$ns"
  start_capture "$ns" lo "$out/$1.pcap" "tcp port $2"
  ip netns exec "$ns" "$py" -m http.server "$2" --bind 127.0.0.1 --directory "$here" >/dev/null 2>&1 & local srv=$!
  pids+=("$srv")
  sleep 1
  ip netns exec "$ns" curl -s -o /dev/null "http://127.0.0.1:$2/"
  stop_capture "$out/$1.pcap"
  kill "$srv"; wait "$srv" 2>/dev/null || true
  ip netns del "$ns"
}

record() {
  case $1 in
    classic-linux) loopback classic-linux classic ;;
    seq-ack) loopback seq-ack seq-ack ;;
    four-segment-close) loopback four-segment-close four-segment ;;
    half-close) loopback half-close half-close ;;
    server-first) loopback server-first server-first ;;
    refused-abort) loopback refused-abort refused-abort 'tcp port 12345 or tcp port 12346' ;;
    http-wire) wire http-wire http 80 5 ;;
    loss-recovery) wire loss-recovery loss 5001 10 '4, 13, 14' ;;
    zero-window) wire zero-window zero-window 5001 5 ;;
    rtt-transfer) wire rtt-transfer transfer 5001 25 '' 20 ;;
    simultaneous) wire simultaneous simultaneous 40001 30 ;;
    live-classic|live-server-first|live-half-close|live-rst|live-refused|live-ipv6) experiment "$1" "${1#live-}" ;;
    watch-curl) watch watch-curl 18080 ;;
    *) echo "record.sh: unknown capture $1" >&2; exit 2 ;;
  esac
}

all="classic-linux seq-ack four-segment-close half-close server-first refused-abort http-wire loss-recovery zero-window rtt-transfer simultaneous live-classic live-server-first live-half-close live-rst live-refused live-ipv6 watch-curl"
for c in ${@:-$all}; do record "$c"; done
