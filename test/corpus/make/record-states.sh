#!/bin/bash
# Records the kernel state scenarios of states-live.py into test/corpus/tcp/kernel-*.pcap (run as root), each
# with NAME.ss.json: what `ss -tan` showed during deliberate pauses between the socket calls, with the wall-clock
# time of each look (tcpdump's clock), so tests compare the engine's states with the kernel's on these files
# without root. Loopback scenarios run in a private namespace (its own lo); the simultaneous open in two
# namespaces joined by a veth pair. A scenario that needs a race (crossing FINs, crossing SYNs) is repeated
# until the kernel shows it happened, at most TRIES times. usage: record-states.sh [SCENARIO...]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${STATES_OUT:-$here/../tcp} # STATES_OUT: another folder (the kernel test records into a temporary one)
tmp=$(mktemp -d)
a=hl-st-a-$$ b=hl-st-b-$$
cleanup() { ip netns del "$a" 2>/dev/null || true; ip netns del "$b" 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT
ip netns add "$a"; ip netns add "$b"
for ns in "$a" "$b"; do ip -n "$ns" link set lo up; done
ip link add vsa-$$ type veth peer name vsb-$$
ip link set vsa-$$ netns "$a"; ip link set vsb-$$ netns "$b"
ip -n "$a" addr add 10.77.0.1/24 dev vsa-$$; ip -n "$b" addr add 10.77.0.2/24 dev vsb-$$
ip -n "$a" link set vsa-$$ up; ip -n "$b" link set vsb-$$ up
TRIES=${TRIES:-60}

rec() { # name scenario iface ns_b addr_a addr_b base_port
  local name=$1 scenario=$2 iface=$3 nsb=$4 aa=$5 ab=$6 base=$7 pa pb try status
  for ((try = 1; try <= TRIES; try++)); do
    pa=$((base + 2 * try)) pb=$((base + 1 + 2 * try)) # new ports each try: a lost race leaves TIME-WAIT sockets
    ip netns exec "$a" tcpdump --immediate-mode -i "$iface" -U -Z root -w "$tmp/$name.pcap" "tcp port $pa or tcp port $pb" 2>/dev/null & local pid=$!
    sleep 1.5
    status=0
    /usr/bin/python3 "$here/states-live.py" driver "$scenario" "$a" "$nsb" "$pa" "$pb" "$aa" "$ab" > "$tmp/$name.ss.json" || status=$?
    sleep 0.5
    kill -INT "$pid"; wait "$pid" || true
    if [ "$status" = 0 ]; then
      mv "$tmp/$name.pcap" "$out/$name.pcap"; mv "$tmp/$name.ss.json" "$out/$name.ss.json"
      echo "$name: $(tshark -r "$out/$name.pcap" 2>/dev/null | wc -l) frames, try $try"
      return
    fi
    [ "$status" = 3 ] || { echo "$name: the scenario failed (exit $status)" >&2; exit 1; }
  done
  echo "$name: not recorded in $TRIES tries" >&2; exit 1
}

# Each scenario its own ports (A's, then B's): no socket left by one shows in another's observations.
for s in ${@:-refused abort simultaneous-close simultaneous-open write-after-close fin-hole abort-hole}; do
  case $s in
    refused) rec kernel-refused refused lo "$a" 127.0.0.1 127.0.0.1 23600 ;;
    abort) rec kernel-abort abort lo "$a" 127.0.0.1 127.0.0.1 23700 ;;
    simultaneous-close) rec kernel-simultaneous-close simultaneous-close lo "$a" 127.0.0.1 127.0.0.1 23800 ;;
    write-after-close) rec kernel-write-after-close write-after-close lo "$a" 127.0.0.1 127.0.0.1 24000 ;;
    simultaneous-open) rec kernel-simultaneous-open simultaneous-open vsa-$$ "$b" 10.77.0.1 10.77.0.2 23900 ;;
    fin-hole) rec kernel-fin-hole fin-hole vsa-$$ "$b" 10.77.0.1 10.77.0.2 24300 ;;
    abort-hole) rec kernel-abort-hole abort-hole vsa-$$ "$b" 10.77.0.1 10.77.0.2 24400 ;;
    *) echo "unknown scenario $s" >&2; exit 2 ;;
  esac
done
