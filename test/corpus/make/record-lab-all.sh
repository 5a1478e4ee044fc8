#!/bin/bash
# Records the four lab captures into test/corpus/lab (run as root), retrying until each shows the
# intended close: 3 segments (FIN, FIN+ACK, ACK) or 4 segments (FIN, ACK, FIN, ACK), one connection only.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
lab=$here/../lab
port=${PORT:-12345}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Flags of each frame, e.g. "0x0002 0x0012 0x0010 0x0018 0x0010 0x0011 0x0011 0x0010".
flags() { tshark -r "$1" -T fields -e tcp.flags 2>/dev/null | tr '\n' ' ' | sed 's/ $//'; }
want3="0x0002 0x0012 0x0010 0x0018 0x0010 0x0011 0x0011 0x0010"
want4="0x0002 0x0012 0x0010 0x0018 0x0010 0x0011 0x0010 0x0011 0x0010"

record() { # fam delay name want extra
  for try in 1 2 3 4 5 6; do
    EXTRA=$5 "$here/record-lab.sh" "$tmp" "$1" "$2" "$port" "$3"
    got=$(flags "$tmp/$3.pcap")
    if [ "$got" = "$4" ]; then
      mv "$tmp/$3"*.pcap "$lab/"
      echo "$3: ok (try $try)"
      return 0
    fi
    echo "$3: got '$got', retrying" >&2
    rm -f "$tmp/$3"*.pcap
  done
  echo "$3: could not record the intended sequence" >&2
  return 1
}
mkdir -p "$lab"
record 4 0 ipv4-3seg "$want3" 1
record 4 0.05 ipv4-4seg "$want4" 0
record 6 0 ipv6-3seg "$want3" 0
record 6 0.05 ipv6-4seg "$want4" 0
