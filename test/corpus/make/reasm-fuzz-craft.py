#!/usr/bin/python3
"""HTTP over TCP under messy delivery, cases a differential fuzz of reassembly against tshark 4.0 found (writes
../reasm/reasm-fuzz-*.pcap): retransmissions of a PDU's first segment and of segments inside a PDU already
reassembled, a segment taken whole ("one more segment") that ends one message and starts the next, TCP's
analysis in Info beside HTTP's own text, and chunk, data and form texts in the singular or cut. Every TCP
conversation is scripted with tcpsim.Flow (plausible seq/ack/TSval/TSecr). Deterministic.

usage: reasm-fuzz-craft.py [OUTDIR]
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tcpsim import Capture  # noqa: E402
from craft import at, flow, outputs  # noqa: E402

out, path = outputs('reasm')


def retransmissions():
    """(1) A response whose first segment (it starts a PDU) is sent again after the ACK of its last: a spurious
    retransmission, yet "Retransmitted TCP segment data" since a PDU started there. (2) A request reassembled
    from three segments, then its middle segment sent again after three duplicate ACKs (a fast retransmission,
    handed on): it falls inside a PDU already reassembled, Wireshark's reassembly refuses it ("New fragment
    overlaps old data"). (3) The same with other bytes. (4) A segment lost before the capture: the next one's
    Info keeps "[TCP Previous segment not captured]" before HTTP's "Continuation"."""
    cap = Capture()
    f = flow(cap, 44000)
    req = b'GET /first HTTP/1.1\r\nHost: lab.example\r\n\r\n'
    at(f, 'c', req, 0)
    f.send('s', 'A')
    body = b'hello, world\n' * 20
    resp = b'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n\r\n' % len(body) + body
    at(f, 's', resp, 0, upto=100)
    at(f, 's', resp, 100)
    f.send('c', 'A')
    at(f, 's', resp, 0, upto=100, dt=0.3)            # spurious: the client had it all
    f.send('c', 'A', sack=[(f.base['s'], f.base['s'] + 100)])
    base = len(req)
    req2 = b'POST /form HTTP/1.1\r\nHost: lab.example\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 9\r\n\r\na=1&b=two'
    full = req + req2
    at(f, 'c', full, base, upto=base + 30, dt=0.01)
    at(f, 'c', full, base + 30, upto=base + 80)
    at(f, 'c', full, base + 80)
    for _ in range(3):                               # the server lost the middle one (so it says), then got it
        f.send('s', 'A', ack=f.base['c'] + base + 30, sack=[(f.base['c'] + base + 80, f.base['c'] + len(full))])
    at(f, 'c', full, base + 30, upto=base + 80)      # fast retransmission inside the reassembled POST
    bad = bytes(b ^ 0x20 if 0x61 <= b <= 0x7a else b for b in full)
    at(f, 'c', bad, base + 40, upto=base + 60, dt=0.2)  # again, other bytes, after the RTO: a plain retransmission
    f.send('s', 'A', ack=f.base['c'] + len(full))
    f.send('s', 'PA', b'HTTP/1.1 204 No Content\r\n\r\n')
    f.send('c', 'A')
    # A request lost before the capture point, then the end of one: Continuation behind the analysis' note.
    n = len(full)
    req3 = b'GET /third HTTP/1.1\r\nHost: lab.example\r\nAccept: */*\r\n\r\n'
    full3 = full + req3
    f.nxt['c'] = f.base['c'] + n + 20
    at(f, 'c', full3, n + 20, dt=0.01)
    f.rcv['s'] = f.nxt['c'] = f.base['c'] + len(full3)
    f.send('s', 'A')
    f.close('c')
    cap.write(path('reasm-fuzz-retransmit.pcap'))


def one_more_segment():
    """A request line cut before its end: HTTP asks for one more segment, twice; the third segment holds the end
    of that request and the start of a pipelined one that is not whole either. tshark shows the third segment's
    data once, its piece of the first request cut where that request ends ("#6(40)" of 206 reassembled bytes),
    and puts the rest into the next request. Then a chunked response with 1-byte chunks ("1 octet"), a body of
    one byte without a type ("Data (1 byte)"), and a form whose long value is cut in the item's label."""
    cap = Capture()
    f = flow(cap, 44100)
    a = b'DELETE / HTTP/1.1\r\nHost: lab.example\r\nUser-Agent: fuzz/1.0\r\nAccept: */*\r\n\r\n'
    form = b'a=1&b=' + b'z' * 300
    b = (b'PUT / HTTP/1.1\r\nHost: lab.example\r\nContent-Type: application/x-www-form-urlencoded\r\n'
         b'Content-Length: %d\r\n\r\n' % len(form) + form)
    data = a + b
    at(f, 'c', data, 0, upto=13)
    at(f, 'c', data, 13, upto=35)
    at(f, 'c', data, 35, upto=206)
    f.send('s', 'A')
    at(f, 'c', data, 206)
    f.send('s', 'A')
    r1 = b'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n1\r\nb\r\n2\r\ncd\r\n0\r\n\r\n'
    r2 = b'HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx'
    f.send('s', 'PA', r1 + r2)
    f.send('c', 'A')
    f.close('c')
    cap.write(path('reasm-fuzz-one-more.pcap'))


def continuation_headers():
    """A response whose first segment the capture missed: the next one starts inside a header, and HTTP shows the
    rest as a message that is neither request nor response: unknown headers as "http.unknown_header" (not as
    response lines), a known header without its hidden line, an empty header name and one with a comma and a
    form feed ("Illegal characters found in header name", yet a header), then the body as file data."""
    cap = Capture()
    f = flow(cap, 44200)
    req = b'GET /a HTTP/1.1\r\nHost: lab.example\r\n\r\n'
    at(f, 'c', req, 0)
    f.send('s', 'PA', b'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok')
    f.send('c', 'A')
    req2 = req.replace(b'/a', b'/b')
    f.send('c', 'PA', req2, dt=0.01)
    f.send('s', 'A')
    resp = (b'HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-Custom: yes\r\n: */*\r\n*,\x0cbad:name\r\n'
            b'Content-Type: text/plain\r\n\r\nhello')
    start = f.nxt['s'] - f.base['s']
    full = b'\0' * start + resp
    f.nxt['s'] += 26                                  # "HTTP/1.1 200 OK\r\nContent-L": not captured
    at(f, 's', full, start + 26)
    f.rcv['c'] = f.nxt['s']
    f.send('c', 'A')
    f.close('c')
    cap.write(path('reasm-fuzz-continuation.pcap'))


retransmissions()
one_more_segment()
continuation_headers()
print('crafted reassembly fuzz files in', out)
