#!/usr/bin/python3
"""HTTP (and DNS) over TCP under messy delivery, the second round of cases a differential fuzz of reassembly
against tshark 4.0 found shown differently (writes ../reasm/reasm2-*.pcap). Every TCP conversation is scripted
with tcpsim.Flow (plausible seq/ack/TSval/TSecr). Deterministic.

usage: reasm2-fuzz-craft.py [OUTDIR]
"""
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tcpsim import Capture  # noqa: E402
from craft import Q, at, flow, header, outputs, question  # noqa: E402

out, path = outputs('reasm')


def next_pdu():
    """A segment that completes a message reassembled from earlier segments and starts the next one, which is not
    whole yet: its Info is the completed message's only (no "[TCP segment of a reassembled PDU]" for the PDU
    that starts after it). HTTP: a POST whose form body (its length known) ends in a segment that also holds the
    start of a pipelined GET; a response whose body ends in a segment holding the next response's status line
    and part of its headers. DNS over TCP: a query whose length prefix came alone, completed by a segment that
    holds half of the next query."""
    cap = Capture()
    f = flow(cap, 44300)
    r1 = (b'POST /one HTTP/1.1\r\nHost: lab.example\r\nContent-Type: application/x-www-form-urlencoded\r\n'
          b'Content-Length: 15\r\n\r\na=1&b=two&c=333')
    r2 = b'GET /two HTTP/1.1\r\nHost: lab.example\r\n\r\n'
    reqs = r1 + r2
    at(f, 'c', reqs, 0, upto=len(r1) - 8)
    at(f, 'c', reqs, len(r1) - 8, upto=len(r1) + 10)
    at(f, 'c', reqs, len(r1) + 10)
    f.send('s', 'A')
    a = b'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 16\r\n\r\nfirst\nfirst\nfirst\n'
    b = b'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 7\r\n\r\nsecond\n'
    resp = a + b
    at(f, 's', resp, 0, upto=len(a) - 10)
    at(f, 's', resp, len(a) - 10, upto=len(a) + 25)
    at(f, 's', resp, len(a) + 25)
    f.send('c', 'A')
    f.close('c')
    d = flow(cap, 44301, sport=53)
    q1, q2 = (header(qid, Q, qd=1) + question(n) for qid, n in ((0x1111, 'one.lab.example'), (0x2222, 'two.lab.example')))
    msgs = struct.pack('!H', len(q1)) + q1 + struct.pack('!H', len(q2)) + q2
    at(d, 'c', msgs, 0, upto=2)
    at(d, 'c', msgs, 2, upto=2 + len(q1) + 12)
    at(d, 'c', msgs, 2 + len(q1) + 12)
    d.send('s', 'A')
    d.close('c')
    cap.write(path('reasm2-next-pdu.pcap'))


def leading_crlf():
    """Messages after an extra CRLF (a previous message's body one CRLF short of its length, or a client that
    ends a request with one CRLF too many): HTTP skips the CRLF and shows it as an item of its own, with an
    Error/Malformed expert under it ("Leading CRLF previous message in the stream may have extra CRLF"); the
    HTTP item starts after it. A request, a response and text that is neither (a Continuation)."""
    cap = Capture()
    f = flow(cap, 44400)
    f.send('c', 'PA', b'GET /a HTTP/1.1\r\nHost: lab.example\r\n\r\n')
    f.send('s', 'PA', b'HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nok\n')
    f.send('c', 'PA', b'\r\nGET /b HTTP/1.1\r\nHost: lab.example\r\n\r\n', dt=0.01)
    f.send('s', 'PA', b'\r\nHTTP/1.1 204 No Content\r\n\r\n')
    f.send('c', 'PA', b'\r\nsome text\nmore text\n', dt=0.01)
    f.send('s', 'A')
    f.close('c')
    cap.write(path('reasm2-leading-crlf.pcap'))


def keep_alive():
    """Keep-alives carrying one byte (the last byte already sent, as Linux sends them) on an HTTP connection
    known by its port and on one HTTP's heuristic claimed: TCP hands the byte to "data" alone, before any
    conversation, port or heuristic dissector ("Data (1 byte)" at the top level, TCP's Info and Protocol), where
    ours made it HTTP's "Continuation"."""
    cap = Capture()
    for cport, sport in ((44500, 80), (44501, 18080)):
        f = flow(cap, cport, sport=sport)
        f.send('c', 'PA', b'GET /k HTTP/1.1\r\nHost: lab.example\r\n\r\n')
        f.send('s', 'PA', b'HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nok\n')
        f.send('c', 'A')
        last = f.nxt['c'] - f.base['c'] - 1
        f.send('c', 'A', b'\n', seq=f.base['c'] + last, dt=1.0)
        f.send('s', 'A')
        f.send('s', 'A', b'\n', seq=f.nxt['s'] - 1, dt=1.0)
        f.send('c', 'A')
        f.close('c')
    cap.write(path('reasm2-keep-alive.pcap'))


def empty_chunked():
    """Chunked bodies with no data: the last chunk alone, with and without a trailer, under each media type a
    body goes to (text, a form, octet-stream, an unknown type, none); a chunk-size line that is not hex (read as
    0, the last chunk: strtol); a size with blanks and "0x" before it; a size past 2^31 (reassembly gives up, the
    chunk runs past the message: malformed); a body starting with a blank line (no chunk read: no body shown,
    the message takes every byte after its headers)."""
    cap = Capture()
    f = flow(cap, 44600, sport=8080)
    bodies = [
        (b'text/plain', b'0\r\n\r\n'),
        (b'text/html', b'0\r\nX-Trailer: yes\r\n\r\n'),
        (b'application/x-www-form-urlencoded', b'0\r\n\r\n'),
        (b'application/octet-stream', b'0\r\n\r\n'),
        (b'application/x-lab', b'0\r\n\r\n'),
        (None, b'0\r\n\r\n'),
        (b'text/plain', b'zz\r\nServer: odd\r\n\r\n'),
        (b'text/plain', b'4\r\nabcd\r\n0;ext=1\r\n\r\n'),
        (b'text/plain', b' 0x4\r\nabcd\r\n0\r\n\r\n'),
        (b'text/plain', b'80000001\r\nabcd\r\n0\r\n\r\n'),
        (b'text/plain', b'\r\n4\r\nabcd\r\n0\r\n\r\n'),
    ]
    for i, (ctype, body) in enumerate(bodies):
        f.send('c', 'PA', b'GET /c%d HTTP/1.1\r\nHost: lab.example\r\n\r\n' % i, dt=0.01)
        head = b'HTTP/1.1 200 OK\r\n' + (b'Content-Type: ' + ctype + b'\r\n' if ctype else b'')
        f.send('s', 'PA', head + b'Transfer-Encoding: chunked\r\n\r\n' + body)
    f.send('c', 'A')
    f.close('c')
    cap.write(path('reasm2-empty-chunked.pcap'))


def overlap_pieces():
    """Segments of a PDU that overlap: a zero window probe carrying the first byte
    of a response (HTTP asks for one more segment), then the response from that same byte once the window
    opens: desegment_tcp adds it to the PDU the probe started (where ours started another PDU and lost the
    probe from the list), "[Segment overlap: True]" under it, the reassembled length not counting the byte
    twice."""
    cap = Capture()
    f = flow(cap, 44700)
    f.send('c', 'PA', b'GET /zw HTTP/1.1\r\nHost: lab.example\r\n\r\n')
    resp = b'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 12\r\n\r\nhello world\n'
    f.send('s', 'A')
    f.send('c', 'A', win=0)
    at(f, 's', resp, 0, upto=1, dt=0.2)
    f.nxt['s'] = f.base['s']
    f.send('c', 'A', win=0)
    f.send('c', 'A', dt=0.1)
    at(f, 's', resp, 0, upto=40)
    at(f, 's', resp, 40)
    f.send('c', 'A')
    f.close('c')
    cap.write(path('reasm2-overlap.pcap'))


next_pdu()
leading_crlf()
keep_alive()
empty_chunked()
overlap_pieces()
print('crafted reassembly fuzz files (round 2) in', out)
