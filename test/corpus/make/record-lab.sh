#!/bin/bash
# Records the seed's lab on loopback with tcpdump (run as root).
# usage: record-lab.sh OUTDIR FAMILY(4|6) CLOSE_DELAY PORT NAME
# Writes OUTDIR/NAME.pcap (lo, Ethernet, µs); with EXTRA=1 also NAME-ns.pcap (lo, ns precision),
# NAME-sll.pcap (any, LINUX_SLL) and NAME-sll2.pcap (any, LINUX_SLL2), all from the same run.
set -euo pipefail
out=$1 fam=$2 delay=$3 port=$4 name=$5
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out"
pids=()
tcpdump --immediate-mode -i lo -U -Z root -w "$out/$name.pcap" "tcp port $port" 2>/dev/null & pids+=($!)
if [ "${EXTRA:-0}" = 1 ]; then
  tcpdump --immediate-mode -i lo -U -Z root --time-stamp-precision=nano -w "$out/$name-ns.pcap" "tcp port $port" 2>/dev/null & pids+=($!)
  tcpdump --immediate-mode -i any -y LINUX_SLL -U -Z root -w "$out/$name-sll.pcap" "tcp port $port" 2>/dev/null & pids+=($!)
  tcpdump --immediate-mode -i any -y LINUX_SLL2 -U -Z root -w "$out/$name-sll2.pcap" "tcp port $port" 2>/dev/null & pids+=($!)
fi
sleep 1.5
coproc SRV { /usr/bin/python3 "$here/lab.py" server "$fam" "$port" "$delay"; }
srv=$SRV_PID
read -r ready <&"${SRV[0]}"
/usr/bin/python3 "$here/lab.py" client "$fam" "$port"
wait "$srv"
sleep 0.5
for p in "${pids[@]}"; do kill -INT "$p"; done
for p in "${pids[@]}"; do wait "$p" || true; done
