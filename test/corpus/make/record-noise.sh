#!/bin/bash
# Records real loopback noise traffic into test/corpus/noise (run as root).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=$here/../noise
mkdir -p "$out"
rec() { # name filter what port
  tcpdump --immediate-mode -i lo -U -Z root -w "$out/$1.pcap" "$2" 2>/dev/null & local pid=$!
  sleep 1.5
  /usr/bin/python3 "$here/noise-live.py" "$3" "$4"
  sleep 0.5
  kill -INT "$pid"; wait "$pid" || true
  echo "$1: $(tshark -r "$out/$1.pcap" 2>/dev/null | wc -l) frames"
}
rec ping4 'icmp and icmp[4:2] = 0x4c41' ping4 0
rec ping4-rr 'icmp and ip[0] & 0xf > 5' ping4-rr 0
rec ping6 'icmp6 and (ip6[40] = 128 or ip6[40] = 129)' ping6 0
rec udp-unreach 'udp port 33533 or icmp or icmp6' unreach 33533
rec dns 'udp port 53535' dns 53535
rec http 'tcp port 18080' http 18080
