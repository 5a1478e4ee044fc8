#!/bin/bash
# Records real Linux TCP between two network namespaces joined by a veth pair into test/corpus/tcp/real-*.pcap
# (run as root): loss, duplication and ECN marks by nftables, pacing by tbf, sysctls per namespace (SACK,
# timestamps, window scaling, ECN, Fast Open, SYN retries), small MTUs. tcp5-live.py drives each scenario and
# lists them. Each scenario gets fresh namespaces, so no sysctl or rule of one leaks into the next; some also
# write NAME.ss.json (ss -tan at pauses). usage: record-tcp5.sh [SCENARIO...]  (OUT=DIR records elsewhere)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${OUT:-$here/../tcp}
a=hl5a-$$ b=hl5b-$$ da=v5a-$$ db=v5b-$$
cleanup() { ip netns del "$a" 2>/dev/null || true; ip netns del "$b" 2>/dev/null || true; }
trap cleanup EXIT
port=25000
all="real-loss-sack real-loss-nosack real-synack-lost real-fin-lost real-acks-lost real-dup real-zero-window
 real-keepalive-dead real-linger-halfclose real-closed-filtered real-tfo real-ecn-ce real-ipv6-mtu real-small-mtu
 real-urgent real-any-sll real-backlog-full real-tfo-nocookie real-plain-ipv6 real-fin-wait-2-timeout" # (and real-mptcp, real-mptcp-join by name: see tcp5-live.py)
for s in ${@:-$all}; do
  cleanup
  ip netns add "$a"; ip netns add "$b"
  ip link add "$da" type veth peer name "$db"
  ip link set "$da" netns "$a"; ip link set "$db" netns "$b"
  mtu=1500
  case $s in real-ipv6-mtu) mtu=1280 ;; real-small-mtu) mtu=576 ;; esac
  for x in "$a $da 1" "$b $db 2"; do
    set -- $x
    ip -n "$1" link set lo up
    ip -n "$1" link set "$2" mtu "$mtu"
    ip -n "$1" addr add 10.55.0.$3/24 dev "$2"
    [ "$mtu" -lt 1280 ] || ip -n "$1" addr add fd55::$3/64 dev "$2" nodad # IPv6 needs 1280
    ip -n "$1" link set "$2" up
  done
  port=$((port + 10))
  /usr/bin/python3 "$here/tcp5-live.py" "$s" "$a" "$b" "$da" "$db" "$out" "$port"
  echo "$s: $(tshark -r "$out/$s.pcap" 2>/dev/null | wc -l) frames"
done
