#!/bin/bash
# Records TLS 1.3 (and a TLS 1.2 client certificate) as real clients use it into test/corpus/tls (run as root; needs openssl, curl, tcpdump):
# a Hello Retry Request (the client's first key share is a group the server lacks), resumption with a PSK
# (openssl s_client -sess_out, then -sess_in; curl fetching two URLs over two connections), 0-RTT early
# data, and a client certificate. Two network namespaces joined by a veth pair at MTU 1500 with offloads
# off (segments as sent); the capture is on the server's end. A throwaway key is made for the recording.
# usage: record-tls13.sh [SCENARIO...]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=$here/../tls
mkdir -p "$out"
c=hl-t13c-$$ s=hl-t13s-$$
tmp=$(mktemp -d)
cleanup() { ip netns del "$c" 2>/dev/null || true; ip netns del "$s" 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT
ip netns add "$c"; ip netns add "$s"
ip link add hlt13c type veth peer name hlt13s
ip link set hlt13c netns "$c"; ip link set hlt13s netns "$s"
ip -n "$c" addr add 10.89.0.1/24 dev hlt13c; ip -n "$s" addr add 10.89.0.2/24 dev hlt13s
for n in "$c:hlt13c" "$s:hlt13s"; do
  ns=${n%%:*} dev=${n#*:}
  ip -n "$ns" link set lo up; ip -n "$ns" link set "$dev" up
  ip netns exec "$ns" ethtool -K "$dev" tso off gso off gro off >/dev/null
done
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 3650 -subj /CN=lab.example \
  -keyout "$tmp/k.pem" -out "$tmp/c.pem" 2>/dev/null
# A two-certificate RSA chain (a CA and the server's certificate it signed), for a Certificate message of 2 KB.
( cd "$tmp"
  openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj /CN=ca.lab.example -keyout ca.key -out ca.pem
  openssl req -newkey rsa:2048 -nodes -subj /CN=lab.example -keyout rk.pem -out r.csr
  openssl x509 -req -in r.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 3650 -out rc.pem ) >/dev/null 2>&1

rec() { # name server-command client-command (run by bash in the namespaces, from $tmp)
  local name=$1 srv=$2 cli=$3
  ip netns exec "$s" tcpdump --immediate-mode -i hlt13s -U -Z root -w "$out/$name.pcap" "tcp port 443" 2>/dev/null & local pid=$!
  (cd "$tmp" && exec ip netns exec "$s" bash -c "exec $srv") >/dev/null 2>&1 & local spid=$!
  sleep 1.5
  (cd "$tmp" && timeout 20 ip netns exec "$c" bash -c "$cli") >/dev/null 2>&1 || true
  sleep 0.5
  kill "$spid" 2>/dev/null || true; wait "$spid" 2>/dev/null || true
  kill -INT "$pid"; wait "$pid" || true
  echo "$name: $(tshark -r "$out/$name.pcap" 2>/dev/null | wc -l) frames"
}

srv='openssl s_server -accept 443 -key k.pem -cert c.pem'
get="printf 'GET / HTTP/1.0\r\n\r\n'"
sc='openssl s_client -connect 10.89.0.2:443 -servername lab.example'
all="hrr psk curl-resume early client-cert client-cert12 fragments12"
for x in ${@:-$all}; do
  case $x in
    # The client offers X25519 first; the server takes only P-256: Hello Retry Request, Change Cipher Spec, a
    # second Client Hello, then a Server Hello in the clear.
    hrr) rec tls13-hello-retry "$srv -www -groups P-256" "$get | $sc -groups X25519:P-256 -quiet" ;;
    # A full handshake saves the session; the second connection resumes it (pre_shared_key in both hellos).
    psk) rec tls13-psk-resume "$srv -www" "$get | $sc -sess_out sess.pem -quiet; sleep 0.3; $get | $sc -sess_in sess.pem -quiet" ;;
    curl-resume) rec curl-tls13-resume "$srv -WWW" \
      "echo hello > index.html; curl -sk --resolve lab.example:443:10.89.0.2 https://lab.example/index.html https://lab.example/index.html -o /dev/null -o /dev/null" ;;
    # 0-RTT: the resumed connection's Client Hello announces early_data and the request follows it at once.
    # (s_server without -www stops at the end of its input: it reads from a pipe that stays open 7 s.)
    early) rec tls13-early-data "timeout 8 sh -c 'sleep 7 | $srv -early_data'" \
      "echo hi | $sc -sess_out sess.pem -ign_eof & sleep 1; kill %1; sleep 0.3; $get > ed.txt; (sleep 1; echo more) | $sc -sess_in sess.pem -early_data ed.txt & sleep 2; kill %1" ;;
    # The server asks for a certificate (-verify) and the client sends one: all of it encrypted in TLS 1.3.
    client-cert) rec tls13-client-cert "$srv -www -verify 1" "$get | $sc -cert c.pem -key k.pem -quiet" ;;
    # The same in TLS 1.2, where it is in the clear: Certificate Request, the client's Certificate and Certificate Verify.
    # TLS 1.2 records of at most 512 bytes (s_server -max_send_frag): the Certificate message (the chain) and the
    # Server Key Exchange go on over several records, each put together where its last piece comes.
    fragments12) rec tls12-handshake-fragments "openssl s_server -accept 443 -key rk.pem -cert rc.pem -cert_chain ca.pem -max_send_frag 512 -www" \
      "$get | $sc -tls1_2 -quiet" ;;
    client-cert12) rec tls12-client-cert "$srv -www -verify 1" "$get | $sc -tls1_2 -cert c.pem -key k.pem -quiet" ;;
  esac
done
