#!/bin/bash
# Records real TLS conversations into test/corpus/tls (run as root): openssl s_server on port 443 (a TLS port
# for tshark) with openssl s_client in TLS 1.3 and 1.2, curl, Python's ssl, and a version the server refuses
# (a plain Alert). Each runs in a private network namespace, so nothing else on loopback is captured; a
# throwaway self-signed key is made for the recording. usage: record-tls.sh [SCENARIO...]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=$here/../tls
mkdir -p "$out"
ns=hl-tls-$$
tmp=$(mktemp -d)
ip netns add "$ns"
trap 'ip netns del "$ns"; rm -rf "$tmp"' EXIT
ip netns exec "$ns" ip link set lo up
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 3650 -subj /CN=lab.example \
  -keyout "$tmp/k.pem" -out "$tmp/c.pem" 2>/dev/null
# An RSA key too, for the suites that need one (RSA key exchange, DHE-RSA).
openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj /CN=lab.example \
  -keyout "$tmp/rk.pem" -out "$tmp/rc.pem" 2>/dev/null

rec() { # name lo-mtu server-args client-command...
  local name=$1 mtu=$2 sargs=$3; shift 3
  ip netns exec "$ns" ip link set lo mtu "$mtu"
  ip netns exec "$ns" tcpdump --immediate-mode -i lo -U -Z root -w "$out/$name.pcap" "tcp port 443" 2>/dev/null & local pid=$!
  # shellcheck disable=SC2086
  local key=$tmp/k.pem cert=$tmp/c.pem
  case $sargs in *RSA*) key=$tmp/rk.pem cert=$tmp/rc.pem ;; esac
  ip netns exec "$ns" openssl s_server -accept 443 -key "$key" -cert "$cert" -www $sargs >/dev/null 2>&1 & local spid=$!
  sleep 1.5
  ip netns exec "$ns" "$@" >/dev/null 2>&1 || true
  sleep 0.5
  kill "$spid" 2>/dev/null || true; wait "$spid" 2>/dev/null || true
  kill -INT "$pid"; wait "$pid" || true
  echo "$name: $(tshark -r "$out/$name.pcap" 2>/dev/null | wc -l) frames"
}

# A download of 300 KB with curl over lo at MTU 1500, TLS records of 16 KB over a dozen segments each (what the
# frame store's fast path through a PDU takes), with every 30th server segment dropped by nftables: at input
# (on its way in) or at output (on its way out): retransmissions, out-of-order segments, a PDU's segment sent again.
recdl() { # name tls-option hook
  local name=$1 tls=$2 hook=$3
  ip netns exec "$ns" ip link set lo mtu 1500
  ip netns exec "$ns" ethtool -K lo tso off gso off gro off >/dev/null # segments as sent (no offload), needs ethtool
  head -c 300000 /dev/urandom > "$tmp/file.bin"
  ip netns exec "$ns" nft add table inet hl-loss
  ip netns exec "$ns" nft "add chain inet hl-loss c { type filter hook $hook priority 0; }"
  ip netns exec "$ns" nft add rule inet hl-loss c tcp sport 443 tcp flags == ack meta length gt 1000 numgen inc mod 30 == 7 drop
  ip netns exec "$ns" tcpdump --immediate-mode -i lo -U -Z root -w "$out/$name.pcap" "tcp port 443" 2>/dev/null & local pid=$!
  (cd "$tmp" && exec ip netns exec "$ns" openssl s_server -accept 443 -key k.pem -cert c.pem -WWW) >/dev/null 2>&1 & local spid=$!
  sleep 1.5
  ip netns exec "$ns" curl -sk $tls --resolve lab.example:443:127.0.0.1 -o /dev/null https://lab.example/file.bin || true
  sleep 0.5
  kill "$spid" 2>/dev/null || true; wait "$spid" 2>/dev/null || true
  kill -INT "$pid"; wait "$pid" || true
  ip netns exec "$ns" nft delete table inet hl-loss
  echo "$name: $(tshark -r "$out/$name.pcap" 2>/dev/null | wc -l) frames"
}

get='GET / HTTP/1.0\r\n\r\n'
client() { printf "$get" | openssl s_client -connect 127.0.0.1:443 -servername lab.example -quiet "$@"; }
py='import socket,ssl
c=ssl.create_default_context(); c.check_hostname=False; c.verify_mode=ssl.CERT_NONE
s=c.wrap_socket(socket.create_connection(("127.0.0.1",443)),server_hostname="lab.example")
s.sendall(b"GET / HTTP/1.0\r\n\r\n"); s.recv(65536); s.close()'

all="tls13 tls12 curl python refused dhe rsa resume download13 download12"
for s in ${@:-$all}; do
  case $s in
    tls13) rec openssl-tls13 65536 "" bash -c "$(declare -f client); get='$get'; client -tls1_3" ;;
    tls12) rec openssl-tls12 65536 "" bash -c "$(declare -f client); get='$get'; client -tls1_2" ;;
    curl) rec curl-tls13 65536 "" curl -sk --resolve lab.example:443:127.0.0.1 https://lab.example/ ;;
    python) rec python-tls13 65536 "" /usr/bin/python3 -c "$py" ;;
    refused) rec tls12-server-refuses-tls13 65536 "-tls1_2" bash -c "$(declare -f client); get='$get'; client -tls1_3" ;;
    # Key exchanges other than ECDHE: finite-field Diffie-Hellman, and RSA (the client encrypts the premaster secret).
    dhe) rec openssl-tls12-dhe-rsa 65536 "-cipher DHE-RSA-AES128-GCM-SHA256" bash -c "$(declare -f client); get='$get'; client -tls1_2 -cipher DHE-RSA-AES128-GCM-SHA256" ;;
    rsa) rec openssl-tls12-rsa-kx 65536 "-cipher AES128-GCM-SHA256:@SECLEVEL=0 -cipher RSA" bash -c "$(declare -f client); get='$get'; client -tls1_2 -cipher AES128-GCM-SHA256" ;;
    # s_client -reconnect: a full handshake, then five resumed with the session ID.
    download13) recdl curl-download-tls13-loss --tlsv1.3 input ;;
    download12) recdl curl-download-tls12-loss "--tlsv1.2 --tls-max 1.2" output ;;
    resume) rec openssl-tls12-resumed 65536 "" bash -c "$(declare -f client); get='$get'; client -tls1_2 -reconnect -no_ticket" ;;
  esac
done
