#!/bin/bash
# Records the real TCP scenarios of tcp-live.py into test/corpus/tcp (run as root).
# Each runs in a private network namespace (its own lo), so nothing else on the machine's loopback is captured
# and lo's MTU can be changed for the fragment recording. usage: record-tcp.sh [SCENARIO...]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=$here/../tcp
mkdir -p "$out"
ns=hl-corpus-$$
ip netns add "$ns"
trap 'ip netns del "$ns"' EXIT
ip netns exec "$ns" ip link set lo up
port=23500

rec() { # name scenario filter [mtu]
  ip netns exec "$ns" ip link set lo mtu "${4:-65536}"
  ip netns exec "$ns" tcpdump --immediate-mode -i lo -U -Z root -w "$out/$1.pcap" "$3" 2>/dev/null & local pid=$!
  sleep 1.5
  ip netns exec "$ns" /usr/bin/python3 "$here/tcp-live.py" "$2" "$port"
  sleep 0.5
  kill -INT "$pid"; wait "$pid" || true
  echo "$1: $(tshark -r "$out/$1.pcap" 2>/dev/null | wc -l) frames"
}

all="half-close server-first rst-linger rst-close-wait rst-after-close rst-unread refused zero-window keepalive port-reuse transfer ipv6-transfer frag"
for s in ${@:-$all}; do
  case $s in
    frag) rec frag-udp frag "udp port $port or (ip[6:2] & 0x1fff != 0) or (ip6 and ip6[6] = 44)" 1280 ;;
    refused) rec refused refused "tcp port $port" ;;
    port-reuse) rec port-reuse port-reuse "tcp port $port" ;;
    transfer) rec transfer-base transfer "tcp port $port" ;;
    *) rec "$s" "$s" "tcp port $port" ;;
  esac
done
