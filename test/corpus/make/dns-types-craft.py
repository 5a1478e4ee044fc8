#!/usr/bin/python3
"""DNS record types tshark 4.0 decodes that we once showed as undecoded "Data" (writes ../reasm/dns-types-*.pcap):
HTTPS and SVCB (the service parameters browsers ask for), CAA, the DNSSEC types (RRSIG, DNSKEY, DS, NSEC3,
NSEC3PARAM, CDS, CDNSKEY), NAPTR, TLSA, SSHFP and LOC; each well formed, then with its data cut short or too
long (a field runs on into the next record, or past the message: Malformed).

Messages are encoded by hand (struct), as in dns-craft.py, so names, pointers and lengths are exactly as listed.
Deterministic. usage: dns-types-craft.py [OUTDIR]
"""
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tcpsim import Capture, eth  # noqa: E402
from scapy.all import IP, UDP, Raw  # noqa: E402

here = os.path.dirname(os.path.abspath(__file__))
out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(here), 'reasm')
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


def udp(cap, payload, sport, dport=53):
    """A datagram to port 53 (from it when sport is 53)."""
    src, dst = ('10.1.0.53', '10.1.0.1') if sport == 53 else ('10.1.0.1', '10.1.0.53')
    cap.add(eth(IP(src=src, dst=dst) / UDP(sport=sport, dport=dport) / Raw(payload)), dt=0.0002)


R = 0x8180                      # response, RD, RA, no error
A_RR = rr(ptr(12), 1, bytes([192, 0, 2, 1]))   # what follows a record under test: data read past it lands here


def answers(cap, ident, qtype, cases):
    """One response per record data: the record, then an A record (a field running past the record reads into
    it), or the record alone when its case says so (running past it runs past the message)."""
    for i, case in enumerate(cases):
        rd, last = (case[0], True) if isinstance(case, tuple) else (case, False)
        rtype = qtype if isinstance(qtype, int) else qtype[i]
        body = rr(ptr(12), rtype, rd) + (b'' if last else A_RR)
        m = header(ident + i, R, qd=1, an=1 if last else 2) + question('www.example.org', rtype) + body
        udp(cap, m, 53, 40000 + (ident & 0xff) * 64 + i)


def param(key, value):
    return struct.pack('!HH', key, len(value)) + value


def alpn(*ids):
    return b''.join(bytes([len(i)]) + i for i in ids)


V4 = [bytes([192, 0, 2, 1]), bytes([198, 51, 100, 7])]
V6 = [bytes.fromhex('20010db8000000000000000000000001'), bytes.fromhex('2606470000000000000000006810f0a5')]


def svcb():
    """HTTPS (65) and SVCB (64): priority, target name, then SvcParams (key, length, value) until the record's data
    is used up; each known key's value decoded (and shown in the parameter's title), an unknown key's as text."""
    cap = Capture()
    https = [
        struct.pack('!H', 1) + b'\0' + param(1, alpn(b'h3', b'h2')) + param(4, V4[0] + V4[1]) + param(6, V6[0] + V6[1]),
        struct.pack('!H', 1) + b'\0' + param(0, struct.pack('!HH', 1, 3)) + param(1, alpn(b'h2')) + param(2, b'') +
        param(3, struct.pack('!H', 8443)) + param(5, bytes(range(1, 11))) + param(32769, b'\x01\x02\x03'),
        struct.pack('!H', 2) + name('cdn.example.net') + param(7, b'/dns-query{?dns}') + param(65000, b'\x00\x01\xff\n') +
        param(65535, b'') + param(0, struct.pack('!HH', 7, 65535)),
        struct.pack('!H', 1) + ptr(12) + param(1, alpn(b'', b'h\xffx', b'a\0b', b'http/1.1')),
        struct.pack('!H', 1) + b'\0' + param(6, b''.join([V6[0], V6[1]] * 6)),
        struct.pack('!H', 1) + b'\0' + param(5, b''),
        # Values of the wrong length: mandatory of 3 bytes, ipv4hint of 6, ipv6hint of 20, port of 0 and of 4.
        struct.pack('!H', 1) + b'\0' + param(0, b'\0\1\0'),
        struct.pack('!H', 1) + b'\0' + param(4, V4[0] + b'\1\2'),
        struct.pack('!H', 1) + b'\0' + param(6, V6[0] + b'\1\2\3\4'),
        struct.pack('!H', 1) + b'\0' + param(3, b'') + param(3, b'\1\2\3\4'),
        (struct.pack('!H', 1) + b'\0' + param(4, V4[0] + b'\1\2'),),
        # A value longer than the record, an ALPN string longer than its value, a key cut in two.
        struct.pack('!H', 1) + b'\0' + struct.pack('!HH', 1, 40) + b'\2h2',
        struct.pack('!H', 1) + b'\0' + param(1, b'\5h2'),
        (struct.pack('!H', 1) + b'\0' + param(1, b'\5h2'),),
        struct.pack('!H', 1) + b'\0' + b'\0',
        (struct.pack('!H', 1) + b'\0' + b'\0\1\0',),
        b'\0', (b'\0',), b'\0\1', (b'\0\1',), struct.pack('!H', 1) + b'\3abc',
    ]
    answers(cap, 0x6501, 65, https)
    answers(cap, 0x6401, 64, [
        struct.pack('!H', 0) + name('svc.example.org'),
        struct.pack('!H', 16) + name('doh.example.net') + param(1, alpn(b'h2')) + param(3, struct.pack('!H', 443)) + param(7, b'/q{?dns}'),
    ])
    cap.write(path('dns-types-svcb.pcap'))


svcb()
