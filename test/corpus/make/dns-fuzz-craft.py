#!/usr/bin/python3
"""DNS messages a differential fuzz against tshark 4.0 found us showing differently (writes ../reasm/dns-fuzz-*.pcap):
counted strings with NULs and control bytes.

Messages are encoded by hand (struct), as in dns-craft.py, so names, pointers and lengths are exactly as listed.
Deterministic. usage: dns-fuzz-craft.py
"""
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tcpsim import Capture, eth  # noqa: E402
from scapy.all import IP, UDP, Raw  # noqa: E402

here = os.path.dirname(os.path.abspath(__file__))
out = os.path.join(os.path.dirname(here), 'reasm')
os.makedirs(out, exist_ok=True)
path = lambda n: os.path.join(out, n)  # noqa: E731


def name(n):
    """A domain name in labels ('' is the root)."""
    if n in ('', '.'):
        return b'\0'
    return b''.join(bytes([len(label)]) + label.encode() for label in n.split('.')) + b'\0'


def ptr(off):
    return struct.pack('!H', 0xc000 | off)


def header(ident, flags, qd=0, an=0, ns=0, ar=0):
    return struct.pack('!HHHHHH', ident, flags, qd, an, ns, ar)


def question(qname, qtype=1, qclass=1):
    return name(qname) + struct.pack('!HH', qtype, qclass)


def rr(rname, rtype, rdata, ttl=3600, rclass=1):
    return (rname if isinstance(rname, bytes) else name(rname)) + struct.pack('!HHIH', rtype, rclass, ttl, len(rdata)) + rdata


def strings(*ss):
    """Character strings as TXT, SPF and HINFO hold them: a length byte before each."""
    return b''.join(bytes([len(s)]) + s for s in ss)


def udp(cap, payload, sport, dport=53, snap=None):
    """A datagram to port 53 (from it when sport is 53); snap: bytes of the frame captured."""
    src, dst = ('10.1.0.53', '10.1.0.1') if sport == 53 else ('10.1.0.1', '10.1.0.53')
    frame = bytes(eth(IP(src=src, dst=dst) / UDP(sport=sport, dport=dport) / Raw(payload)))
    if snap is None:
        cap.add(frame, dt=0.0002)
    else:
        cap.add(frame[:snap], dt=0.0002, orig=len(frame))


Q = 0x0100                      # standard query, recursion desired
R = 0x8180                      # response, RD, RA, no error
UDP_HDRS = 14 + 20 + 8          # Ethernet, IPv4, UDP: where the DNS message starts in a frame


def text_strings():
    """Counted strings tshark adds as FT_STRING: a NUL ends them ("Trailing stray characters" when something
    other than NULs follows), -T fields prints control bytes raw but \\b \\t \\n \\f \\r escaped, and HINFO's
    title and Info print "%.*s" of the converted string (a byte above 0x7f, 3 bytes as U+FFFD, cuts it short)."""
    cap = Capture()
    qn = question('www.example.org', 16)
    txt = strings(b'\x01a\tb\n', b'ab\x00\x00', b'ab\x00cd', b'\x00', b'\x00x', b'caf\xc3\xa9 \x7f', b'a"b\\c', b'',
                  bytes(range(1, 31)) + b'\x7f')
    msgs = [
        header(0x1001, R, qd=1, an=1) + qn + rr(ptr(12), 16, txt),
        header(0x1002, R, qd=1, an=2) + question('www.example.org', 13) + rr(ptr(12), 13, strings(b'ab\x00cd', b'\x01\x02\xff\x00')) +
        rr(ptr(12), 13, strings(b'\xff\xfe', b'x\xffy')),
        header(0x1003, R, qd=1, an=1) + question('www.example.org', 99) + rr(ptr(12), 99, strings(b'v=spf1\x00-all')),
        # EDNS option 13 (chain): the closest trust point, a NUL inside.
        header(0x1004, 0x0100, qd=1, ar=1) + question('www.example.org', 1) + b'\x00' +
        struct.pack('!HHBBHH', 41, 1232, 0, 0, 0, 10) + struct.pack('!HH', 13, 6) + b'ab\x00c\x01\x02',
        # A TXT string longer than the record: it runs on into the next record (up to a NUL there).
        header(0x1005, R, qd=1, an=2) + qn + rr(ptr(12), 16, b'\x0aabc') + rr(ptr(12), 1, bytes(4)),
    ]
    for i, m in enumerate(msgs):
        udp(cap, m, 53, 50000 + i)
    # mDNS TXT strings are UTF-8.
    a = header(0, 0x8400, an=1) + rr(name('x._http._tcp.local'), 16, txt, rclass=0x8001)
    cap.add(eth(IP(src='10.1.0.8', dst='224.0.0.251', ttl=255) / UDP(sport=5353, dport=5353) / Raw(a)))
    cap.write(path('dns-fuzz-strings.pcap'))


text_strings()
