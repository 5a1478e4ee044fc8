#!/bin/bash
# Records the real DNS and HTTP scenarios of reasm-live.py into test/corpus/reasm (run as root).
# Each runs in a private network namespace (its own lo, so nothing else on the machine is captured, and
# its own /etc/resolv.conf pointing glibc's resolver at the scenario's DNS server on 127.0.0.1).
# usage: record-reasm.sh [SCENARIO...]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=$here/../reasm
mkdir -p "$out"
ns=hl-reasm-$$
mkdir -p "/etc/netns/$ns"
printf 'nameserver 127.0.0.1\noptions timeout:2 attempts:1\n' > "/etc/netns/$ns/resolv.conf"
ip netns add "$ns"
trap 'ip netns del "$ns"; rm -rf "/etc/netns/$ns" /tmp/hl-reasm-www' EXIT
ip netns exec "$ns" ip link set lo up

rec() { # name scenario [mtu] [resolv options]
  ip netns exec "$ns" ip link set lo mtu "${3:-65536}"
  printf 'nameserver 127.0.0.1\noptions timeout:2 attempts:1 %s\n' "${4:-}" > "/etc/netns/$ns/resolv.conf"
  ip netns exec "$ns" tcpdump --immediate-mode -i lo -U -Z root -w "$out/$1.pcap" 2>/dev/null & local pid=$!
  sleep 1.5
  ip netns exec "$ns" /usr/bin/python3 "$here/reasm-live.py" "$2"
  sleep 0.5
  kill -INT "$pid"; wait "$pid" || true
  echo "$1: $(tshark -r "$out/$1.pcap" 2>/dev/null | wc -l) frames"
}

all="dns dns-tcp dns-frag http http-split"
for s in ${@:-$all}; do
  case $s in
    dns) rec dns-live dns ;;
    dns-tcp) rec dns-tcp-live dns-tcp 65536 use-vc ;;
    dns-frag) rec dns-frag-live dns-frag 1280 ;;
    http) rec http-live http 1500 ;;
    http-split) rec http-split-live http-split ;;
  esac
done
