#!/usr/bin/python3
"""HTTP segments cut by the snap length at the edges tshark 4.0 treats apart (writes ../format/pcap-snaplen-http-edges.pcap).

One connection per case, on port 80, its last segment cut to a few bytes of payload (the frame keeps its
reported length, as `tcpdump -s N` writes it):
- before any request was seen: text, a lower-case request line, binary data and a request, cut to 1-30 bytes
  (HTTP still names itself and "data" in frame.protocols for a cut text, throws "HTTP truncated" at the cut,
  and leaves binary data alone);
- after a request and its response: the same, now a "Continuation" (binary data shown whole as Data, with no
  exception; a request line cut after its method: an empty URI and version);
- a response whose headers end exactly where the capture does (no body at all), one cut between the CR and
  the LF of its blank line, a chunked response cut inside its first chunk (no chunk shown), and two pipelined
  requests cut just after the second one's method.
Deterministic: running it twice writes identical files. usage: http-cut-craft.py
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tcpsim import Capture, Flow  # noqa: E402

here = os.path.dirname(os.path.abspath(__file__))
out = os.path.join(os.path.dirname(here), 'format')
os.makedirs(out, exist_ok=True)

HDR = 14 + 20 + 20  # Ethernet, IPv4 and TCP without options: where the payload starts
PAYLOADS = {
    'text': b'hello world, this is not http at all\r\nsecond line\r\n',
    'lower': b'get / http/1.1\r\n\r\n',
    'bin': bytes(range(1, 60)),
    'req': b'GET /index.html HTTP/1.1\r\nHost: example\r\n\r\n',
}


def cut(cap, keep):
    """Cuts the last frame to `keep` bytes of payload, keeping its reported length."""
    t, data, _ = cap.frames[-1]
    cap.frames[-1] = (t, data[:HDR + keep], len(data))


def main():
    cap = Capture()
    port = 42000
    for seen in (False, True):
        for kind, keeps in (('text', (1, 2, 3, 14, 30)), ('lower', (3, 17)), ('bin', (1, 2, 3, 20)), ('req', (1, 2, 3))):
            for keep in keeps:
                port += 1
                f = Flow(cap, cport=port, sport=80, ts=False)
                f.handshake()
                if seen:
                    f.send('c', 'PA', b'GET /a HTTP/1.1\r\nHost: x\r\n\r\n', dt=0.0001)
                    f.send('s', 'PA', b'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi', dt=0.0001)
                f.send('c', 'PA', PAYLOADS[kind], dt=0.0001)
                cut(cap, keep)
    # Responses cut at their headers' end.
    head = b'HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n'
    for body_headers, body, keep_from_end in (
            (b'Content-Length: 12\r\n\r\n', b'<p>hello</p>', 0),   # headers whole, no body byte
            (b'\r\n', b'<p>until the end</p>', -1),               # cut between CR and LF of the blank line
            (b'Transfer-Encoding: chunked\r\n\r\n', b'c\r\n<p>hello</p>\r\n0\r\n\r\n', 6)):  # inside the first chunk
        port += 1
        f = Flow(cap, cport=port, sport=80, ts=False)
        f.handshake()
        f.send('c', 'PA', b'GET / HTTP/1.1\r\nHost: x\r\n\r\n', dt=0.0001)
        msg = head + body_headers
        f.send('s', 'PA', msg + body, dt=0.0001)
        cut(cap, len(msg) + keep_from_end)
    # Two pipelined requests, cut just after the second one's method.
    port += 1
    f = Flow(cap, cport=port, sport=80, ts=False)
    f.handshake()
    first = b'GET /a HTTP/1.1\r\nHost: x\r\n\r\n'
    f.send('c', 'PA', first + b'GET /b HTTP/1.1\r\nHost: x\r\n\r\n', dt=0.0001)
    cut(cap, len(first) + 3)
    cap.write(os.path.join(out, 'pcap-snaplen-http-edges.pcap'))


main()
