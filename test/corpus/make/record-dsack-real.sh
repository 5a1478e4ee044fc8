#!/usr/bin/env bash
# Records tcp/dsack-zero-window-real.pcap (as root): a real Linux transfer between two network namespaces
# joined by a veth pair, with nftables dropping 3% of the data and 2% of the ACKs, to a receiver with a
# 2 KiB receive buffer that reads slowly. The kernel's own retransmissions, D-SACK blocks, zero windows and
# window updates result; the first 40 frames are kept.
set -euo pipefail
out="${1:-$(dirname "$0")/../tcp/dsack-zero-window-real.pcap}"
tmp=$(mktemp -d)
cleanup() { ip netns del hla 2>/dev/null || true; ip netns del hlb 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT
ip netns add hla; ip netns add hlb
ip link add vha type veth peer name vhb
ip link set vha netns hla; ip link set vhb netns hlb
ip -n hla addr add 10.9.0.1/24 dev vha; ip -n hlb addr add 10.9.0.2/24 dev vhb
for ns in hla hlb; do ip -n $ns link set lo up; done
ip -n hla link set vha up; ip -n hlb link set vhb up
ip netns exec hlb nft add table inet lossy
ip netns exec hlb nft add chain inet lossy inp '{ type filter hook input priority 0; }'
ip netns exec hlb nft add rule inet lossy inp tcp dport 5001 numgen random mod 100 '<' 3 drop
ip netns exec hla nft add table inet lossy
ip netns exec hla nft add chain inet lossy inp '{ type filter hook input priority 0; }'
ip netns exec hla nft add rule inet lossy inp tcp sport 5001 numgen random mod 100 '<' 2 drop
cat > "$tmp/srv.py" <<'PY'
import socket, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 2048)
s.bind(('10.9.0.2', 5001)); s.listen(1)
c, _ = s.accept()
while True:
    time.sleep(0.05)
    if not c.recv(1024): break
c.send(b'bye'); c.close()
PY
cat > "$tmp/cli.py" <<'PY'
import socket
c = socket.create_connection(('10.9.0.2', 5001))
for _ in range(200): c.sendall(b'x' * 1400)
c.shutdown(socket.SHUT_WR)
while c.recv(65536): pass
c.close()
PY
ip netns exec hla tcpdump -i vha -s 0 -U -w "$tmp/all.pcap" "tcp port 5001" 2>/dev/null & tp=$!
sleep 0.5
ip netns exec hlb python3 "$tmp/srv.py" & sp=$!
sleep 0.3
ip netns exec hla timeout 60 python3 "$tmp/cli.py"
wait $sp; sleep 0.5; kill -INT $tp; wait $tp || true
editcap -F pcap -r "$tmp/all.pcap" "$out" 1-40
echo "wrote $out"
