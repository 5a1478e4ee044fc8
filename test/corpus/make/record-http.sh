#!/bin/bash
# Records real HTTP/1.1 traffic into test/corpus/http (run as root; needs curl, tcpdump): curl and Python
# against make/http-real-server.py. Two network namespaces joined by a veth pair at MTU 1500 with offloads off
# (segments as sent); the capture is on the server's end. usage: record-http.sh [SCENARIO...]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=$here/../http
mkdir -p "$out"
c=hl-httpc-$$ s=hl-https-$$
tmp=$(mktemp -d)
cleanup() { ip netns del "$c" 2>/dev/null || true; ip netns del "$s" 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT
ip netns add "$c"; ip netns add "$s"
ip link add hlhttpc type veth peer name hlhttps
ip link set hlhttpc netns "$c"; ip link set hlhttps netns "$s"
ip -n "$c" addr add 10.90.0.1/24 dev hlhttpc; ip -n "$s" addr add 10.90.0.2/24 dev hlhttps
for n in "$c:hlhttpc" "$s:hlhttps"; do
  ns=${n%%:*} dev=${n#*:}
  ip -n "$ns" link set lo up; ip -n "$ns" link set "$dev" up
  ip netns exec "$ns" ethtool -K "$dev" tso off gso off gro off >/dev/null
done

rec() { # name client-command (bash, in the client namespace, from $tmp)
  local name=$1 cli=$2
  ip netns exec "$s" tcpdump --immediate-mode -i hlhttps -U -Z root -w "$out/$name.pcap" "tcp port 80" 2>/dev/null & local pid=$!
  ip netns exec "$s" /usr/bin/python3 "$here/http-real-server.py" 80 & local spid=$!
  sleep 1.5
  (cd "$tmp" && timeout 20 ip netns exec "$c" bash -c "$cli") >/dev/null 2>&1 || true
  sleep 0.5
  kill "$spid"; wait "$spid" 2>/dev/null || true
  kill -INT "$pid"; wait "$pid" || true
  echo "$name: $(tshark -r "$out/$name.pcap" 2>/dev/null | wc -l) frames"
}

u=http://10.90.0.2
all="keepalive json json-edges encodings chunked conditional uploads pipelined"
for x in ${@:-$all}; do
  case $x in
    # One connection, five requests: text, UTF-8 text (tshark's File Data is ASCII), HTML, a redirect, a 404 page.
    keepalive) rec curl-keepalive "curl -s $u/ $u/utf8 $u/html $u/redirect $u/missing -o /dev/null -o /dev/null -o /dev/null -o /dev/null -o /dev/null" ;;
    # JSON: every kind of value and escape, a top-level array, problem+json, ndjson, JSON that does not parse.
    json) rec curl-json "for p in api api/list api/problem api/stream api/broken; do curl -s $u/\$p -o /dev/null; done" ;;
    # JSON at the edges of tshark's parser (make/http-real-server.py's EDGES), one connection each.
    json-edges) rec curl-json-edges "for i in \$(seq 0 13); do curl -s $u/edge/\$i -o /dev/null; done" ;;
    # Content codings, one connection each (make/http-real-server.py's ENCODED), two of them chunked too.
    encodings) rec curl-encodings "for p in gzip x-gzip-json deflate raw-deflate stored gzip-name upper compress identity empty bad-adler not-deflate corrupt cut 'gzip?chunked' 'x-gzip-json?chunked'; do curl -s \"$u/enc/\$p\" -o /dev/null; done" ;;
    # Chunked text and chunked JSON; a 40 KB binary body over many segments.
    chunked) rec curl-chunked "curl -s $u/chunked $u/chunked-json $u/big -o /dev/null -o /dev/null -o /dev/null" ;;
    # HEAD, a conditional GET answered 304, a redirect followed.
    conditional) rec curl-conditional "curl -s -I $u/etag; curl -s -H 'If-None-Match: \"v1\"' $u/etag; curl -s -L $u/redirect" ;;
    # Uploads: binary data as a form body with Expect: 100-continue (tshark's form stops at a NUL or bad %-escape),
    # a form with odd keys (an '&' before '=', a %-escape, '+'), a PUT, a JSON body.
    uploads) rec curl-uploads "head -c 3000 /dev/urandom > up.bin; curl -s -H 'Expect: 100-continue' --data-binary @up.bin $u/up;
      curl -s -d 'a&b=1&c=2%41+x&d' $u/form; curl -s -d 'k=v&q=%zz&e=3' $u/form; curl -s -X PUT -T up.bin $u/put;
      curl -s -H 'Content-Type: application/json' -d '{\"name\": \"x\", \"ids\": [1, 2]}' $u/json" ;;
    # Three requests written at once on one connection (HEAD last, Connection: close).
    pipelined) rec python-pipelined "/usr/bin/python3 -c \"
import socket
s = socket.create_connection(('10.90.0.2', 80))
s.sendall(b'GET / HTTP/1.1\\r\\nHost: a\\r\\n\\r\\nGET /api/list HTTP/1.1\\r\\nHost: a\\r\\n\\r\\nHEAD /html HTTP/1.1\\r\\nHost: a\\r\\nConnection: close\\r\\n\\r\\n')
while s.recv(65536): pass
\"" ;;
  esac
done
