#!/usr/bin/python3
"""Out-of-order and resent segments inside a PDU being reassembled, as tshark 4.0 shows them (writes
../reasm/ooo-tls.pcap, ooo-tls-resent.pcap and ooo-http.pcap). One TCP connection per case, scripted with
tcpsim.Flow; TLS 1.2 Application Data records (5-byte header, then the length) on port 443, HTTP messages with
a Content-Length body on port 80. Segments a few microseconds apart (under the handshake's RTT) arrive out of
order; those 0.2 s later are retransmissions. Deterministic. usage: ooo-craft.py [OUTDIR]
"""
import os
import random
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tcpsim import Capture  # noqa: E402
from craft import flow, outputs  # noqa: E402

out, path = outputs('reasm')
rng = random.Random(20261205)

LATE = 0.2  # a segment this long after the data around it is a retransmission, not out of order


def noise(n):
    return bytes(rng.getrandbits(8) for _ in range(n))


def record(n):
    """A TLS 1.2 Application Data record of n bytes in all (header included)."""
    return b'\x17\x03\x03' + struct.pack('!H', n - 5) + noise(n - 5)


def seg(f, who, data, lo, hi, dt=0.00002, flags='A', **kw):
    """Sends data[lo:hi] of who's stream (offsets from its ISN + 1)."""
    return f.send(who, flags, data[lo:hi], seq=f.base[who] + lo, dt=dt, **kw)


def ack(f, who, upto, **kw):
    """An ACK from who for its peer's stream up to offset `upto`."""
    o = 's' if who == 'c' else 'c'
    return f.send(who, 'A', ack=f.base[o] + upto, **kw)


def request(f):
    """The client's request (a record of its own) before the server's data."""
    q = record(60)
    seg(f, 'c', q, 0, len(q), flags='PA', dt=0.0001)
    ack(f, 's', len(q), dt=0.0001)
    return len(q)


def tls_file():
    """Out-of-order segments on TLS:
    - 443/45001: a record over four segments, the third before the second (out of order inside the PDU),
      the fourth completes it in order; then a record in one segment;
    - 45002: a record whose last segment comes before the one in front of it: the out-of-order segment
      completes the PDU (reassembled, not handed to TLS); then a record in one segment;
    - 45003: a record's end and the next record's start in one out-of-order segment that completes the first
      (the rest of it goes to no one); the segment after the hole starts inside the second record;
    - 45004: a record of two segments whose first comes second (out of order where a PDU starts), then one in
      order;
    - 45005: a record with two holes, each filled out of order, the second fill completes it;
    - 45006: a segment past a hole holds a record's end and the next record's start (that record begins there),
      the hole filled out of order completes the first record, the second goes on in order."""
    cap = Capture()
    f = flow(cap, 45001, sport=443)
    request(f)
    r = record(5000) + record(300)
    seg(f, 's', r, 0, 1400)
    seg(f, 's', r, 2800, 4200)
    seg(f, 's', r, 1400, 2800)
    seg(f, 's', r, 4200, 5000, flags='PA')
    ack(f, 'c', 5000)
    seg(f, 's', r, 5000, 5300, flags='PA', dt=0.001)
    ack(f, 'c', 5300)
    f.close('c')

    f = flow(cap, 45002, sport=443)
    request(f)
    r = record(4000) + record(200)
    seg(f, 's', r, 0, 1400)
    seg(f, 's', r, 1400, 2800)
    seg(f, 's', r, 3500, 4000, flags='PA')
    seg(f, 's', r, 2800, 3500)
    ack(f, 'c', 4000)
    seg(f, 's', r, 4000, 4200, flags='PA', dt=0.001)
    ack(f, 'c', 4200)
    f.close('c')

    f = flow(cap, 45003, sport=443)
    request(f)
    r = record(2000) + record(1800)
    seg(f, 's', r, 0, 1000)
    seg(f, 's', r, 2500, 3000)
    seg(f, 's', r, 1000, 2500)
    seg(f, 's', r, 3000, 3800, flags='PA')
    ack(f, 'c', 3800)
    f.close('c')

    f = flow(cap, 45004, sport=443)
    request(f)
    r = record(1500) + record(2500) + record(100)
    seg(f, 's', r, 0, 1500, flags='PA')
    ack(f, 'c', 1500)
    seg(f, 's', r, 2700, 4000, flags='PA', dt=0.001)
    seg(f, 's', r, 1500, 2700)
    ack(f, 'c', 4000)
    seg(f, 's', r, 4000, 4100, flags='PA', dt=0.001)
    ack(f, 'c', 4100)
    f.close('c')

    f = flow(cap, 45005, sport=443)
    request(f)
    r = record(5000)
    seg(f, 's', r, 0, 1000)
    seg(f, 's', r, 2000, 3000)
    seg(f, 's', r, 4000, 5000, flags='PA')
    seg(f, 's', r, 1000, 2000, dt=0.000005)
    seg(f, 's', r, 3000, 4000, dt=0.000005)
    ack(f, 'c', 5000)
    f.close('c')

    f = flow(cap, 45006, sport=443)
    request(f)
    r = record(3000) + record(2500)
    seg(f, 's', r, 0, 1200)
    seg(f, 's', r, 2400, 3600)
    seg(f, 's', r, 1200, 2400)
    seg(f, 's', r, 3600, 4800)
    seg(f, 's', r, 4800, 5500, flags='PA')
    ack(f, 'c', 5500)
    f.close('c')
    cap.write(path('ooo-tls.pcap'))


def tls_resent_file():
    """Resent segments on TLS:
    - 443/45011: a record's second segment sent again 0.2 s later while the record is still pending (a plain
      retransmission), then its last segment;
    - 45012: a record's second segment lost on its way, three duplicate ACKs, its fast retransmission completes
      the record;
    - 45013: a record's first two segments acknowledged, the second sent again (a spurious retransmission,
      inside the pending PDU), then the last;
    - 45014: a whole record over three segments, then its middle segment again right away (out of order,
      overlapping the PDU reassembled already), again 0.2 s later after the ACK (spurious), and its first
      segment again (spurious, where the PDU started); then a record in order."""
    cap = Capture()
    f = flow(cap, 45011, sport=443)
    request(f)
    r = record(4000)
    seg(f, 's', r, 0, 1400)
    seg(f, 's', r, 1400, 2800)
    ack(f, 'c', 1400)
    seg(f, 's', r, 1400, 2800, dt=LATE)
    seg(f, 's', r, 2800, 4000, flags='PA')
    ack(f, 'c', 4000)
    f.close('c')

    f = flow(cap, 45012, sport=443)
    request(f)
    r = record(5600)
    seg(f, 's', r, 0, 1400)
    f.nxt['s'] = f.base['s'] + 2800  # the second segment is lost before the capture
    ack(f, 'c', 1400)
    seg(f, 's', r, 2800, 4200)
    ack(f, 'c', 1400, sack=[(f.base['s'] + 2800, f.base['s'] + 4200)])
    seg(f, 's', r, 4200, 5600, flags='PA')
    ack(f, 'c', 1400, sack=[(f.base['s'] + 2800, f.base['s'] + 5600)])
    ack(f, 'c', 1400, sack=[(f.base['s'] + 2800, f.base['s'] + 5600)])
    seg(f, 's', r, 1400, 2800, dt=0.0001)
    ack(f, 'c', 5600)
    f.close('c')

    f = flow(cap, 45013, sport=443)
    request(f)
    r = record(4000)
    seg(f, 's', r, 0, 1400)
    seg(f, 's', r, 1400, 2800)
    ack(f, 'c', 2800)
    seg(f, 's', r, 1400, 2800, dt=LATE)
    seg(f, 's', r, 2800, 4000, flags='PA')
    ack(f, 'c', 4000)
    f.close('c')

    f = flow(cap, 45014, sport=443)
    request(f)
    r = record(3000) + record(100)
    seg(f, 's', r, 0, 1000)
    seg(f, 's', r, 1000, 2000)
    seg(f, 's', r, 2000, 3000, flags='PA')
    seg(f, 's', r, 1000, 2000)
    ack(f, 'c', 3000)
    seg(f, 's', r, 1000, 2000, dt=LATE)
    seg(f, 's', r, 0, 1000, dt=0.001)
    seg(f, 's', r, 3000, 3100, flags='PA', dt=0.001)
    ack(f, 'c', 3100)
    f.close('c')
    cap.write(path('ooo-tls-resent.pcap'))


def http_file():
    """The same on HTTP (port 80, a response body of known length):
    - 46001: a response over four segments, the third before the second, the fourth completes it;
    - 46002: a response whose last segment comes before the one in front of it (out of order, completes it);
    - 46003: a request in two segments whose first comes second (out of order where a PDU starts), answered;
    - 46004: a response's body segment acknowledged and sent again (spurious) while the response is pending;
    - 46005: a response's second segment lost, three duplicate ACKs, its fast retransmission completes it."""
    cap = Capture()
    body = noise(1200).hex().encode()[:2400]
    resp = b'HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: 2400\r\n\r\n' + body
    n = len(resp)
    get = b'GET /file HTTP/1.1\r\nHost: lab.example\r\n\r\n'

    def asked(f):
        seg(f, 'c', get, 0, len(get), flags='PA', dt=0.0001)
        ack(f, 's', len(get), dt=0.0001)

    f = flow(cap, 46001)
    asked(f)
    seg(f, 's', resp, 0, 700)
    seg(f, 's', resp, 1400, 2100)
    seg(f, 's', resp, 700, 1400)
    seg(f, 's', resp, 2100, n, flags='PA')
    ack(f, 'c', n)
    f.close('c')

    f = flow(cap, 46002)
    asked(f)
    seg(f, 's', resp, 0, 700)
    seg(f, 's', resp, 1400, n, flags='PA')
    seg(f, 's', resp, 700, 1400)
    ack(f, 'c', n)
    f.close('c')

    f = flow(cap, 46003)
    seg(f, 'c', get, 20, len(get), flags='PA', dt=0.0001)
    seg(f, 'c', get, 0, 20)
    ack(f, 's', len(get), dt=0.0001)
    seg(f, 's', resp, 0, n, flags='PA')
    ack(f, 'c', n)
    f.close('c')

    f = flow(cap, 46004)
    asked(f)
    seg(f, 's', resp, 0, 700)
    seg(f, 's', resp, 700, 1400)
    ack(f, 'c', 1400)
    seg(f, 's', resp, 700, 1400, dt=LATE)
    seg(f, 's', resp, 1400, n, flags='PA')
    ack(f, 'c', n)
    f.close('c')

    f = flow(cap, 46005)
    asked(f)
    seg(f, 's', resp, 0, 700)
    f.nxt['s'] = f.base['s'] + 1400  # lost before the capture
    ack(f, 'c', 700)
    seg(f, 's', resp, 1400, 2100)
    ack(f, 'c', 700, sack=[(f.base['s'] + 1400, f.base['s'] + 2100)])
    seg(f, 's', resp, 2100, n, flags='PA')
    ack(f, 'c', 700, sack=[(f.base['s'] + 1400, f.base['s'] + n)])
    ack(f, 'c', 700, sack=[(f.base['s'] + 1400, f.base['s'] + n)])
    seg(f, 's', resp, 700, 1400, dt=0.0001)
    ack(f, 'c', n)
    f.close('c')
    cap.write(path('ooo-http.pcap'))


tls_file()
tls_resent_file()
http_file()
print('crafted out-of-order files in', out)
