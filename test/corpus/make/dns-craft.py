#!/usr/bin/python3
"""Crafted DNS messages tshark dissects (writes ../reasm/dns-*.pcap): every common record type, EDNS,
compression pointers (and loops, and pointers out of the message), malformed names and counts, mDNS,
request/response matching (retransmissions, unsolicited answers), and DNS over TCP split and joined.

Messages are encoded by hand (struct), so names, pointers and lengths are exactly as listed.
Deterministic. usage: dns-craft.py [OUTDIR]
"""
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tcpsim import Capture, Flow, eth  # noqa: E402
from scapy.all import IP, UDP, IPv6, Raw  # noqa: E402
from craft import Q, R, header, name, outputs, ptr, question, rr  # noqa: E402

out, path = outputs('reasm')


def udp(cap, payload, sport, dport, src='10.1.0.1', dst='10.1.0.53', v6=False, dt=0.0002):
    ipl = IPv6(src='2001:db8::1', dst='2001:db8::53') if v6 else IP(src=src, dst=dst)
    cap.add(eth(ipl / UDP(sport=sport, dport=dport) / Raw(payload)), dt=dt)


def records():
    """One query and answer per common type, on port 53 (the answers use compression pointers)."""
    cap = Capture()
    qn = name('www.example.org')   # at offset 12 in every message below
    cases = [
        (1, [rr(ptr(12), 1, bytes([93, 184, 216, 34]), ttl=300)]),
        (28, [rr(ptr(12), 28, bytes.fromhex('20010db8000000000000000000000001'), ttl=86400)]),
        (5, [rr(ptr(12), 5, name('edge') [:-1] + ptr(16), ttl=60),
             rr(b'\x04edge' + ptr(16), 1, bytes([10, 0, 0, 1]), ttl=59)]),
        (2, [rr(ptr(16), 2, b'\x03ns1' + ptr(16), ttl=172800), rr(ptr(16), 2, b'\x03ns2' + ptr(16), ttl=172800)]),
        (15, [rr(ptr(16), 15, struct.pack('!H', 10) + b'\x04mail' + ptr(16), ttl=3600),
              rr(ptr(16), 15, struct.pack('!H', 20) + b'\x05mail2' + ptr(16), ttl=90)]),
        (16, [rr(ptr(12), 16, b'\x0bhello world\x00\x05v=spf', ttl=120)]),
        (33, [rr(name('_sip._tcp.example.org'), 33, struct.pack('!HHH', 10, 60, 5060) + b'\x03sip' + ptr(16), ttl=7200)]),
        (12, [rr(name('34.216.184.93.in-addr.arpa'), 12, name('www.example.org'), ttl=3661)]),
        (255, [rr(ptr(12), 1, bytes([1, 2, 3, 4]), ttl=0), rr(ptr(12), 99, b'\x03abc'), rr(ptr(12), 41, b''),
               rr(ptr(12), 1234, b'\x01\x02\x03', ttl=2**31 + 5)]),
    ]
    ident = 0x1000
    for qtype, answers in cases:
        ident += 1
        q = header(ident, Q, qd=1) + qn + struct.pack('!HH', qtype, 1)
        udp(cap, q, 50000 + qtype, 53)
        a = header(ident, R, qd=1, an=len(answers)) + qn + struct.pack('!HH', qtype, 1) + b''.join(answers)
        udp(cap, a, 53, 50000 + qtype, src='10.1.0.53', dst='10.1.0.1')
    # NXDOMAIN with the zone's SOA in the authority section, over IPv6.
    q = header(0x2001, Q, qd=1) + question('nosuch.example.org', 28)
    udp(cap, q, 50100, 53, v6=True)
    soa = b'\x03ns1' + ptr(19) + b'\x0ahostmaster' + ptr(19) + struct.pack('!IIIII', 2026120301, 7200, 3600, 1209600, 300)
    a = header(0x2001, 0x8183, qd=1, ns=1) + question('nosuch.example.org', 28) + rr(ptr(19), 6, soa, ttl=300)
    cap.add(eth(IPv6(src='2001:db8::53', dst='2001:db8::1') / UDP(sport=53, dport=50100) / Raw(a)), dt=0.0003)
    # EDNS: OPT with a cookie, a client subnet and padding; an additional A record; the DO bit.
    opt_q = (struct.pack('!HH', 10, 8) + bytes(range(8)) + struct.pack('!HHHBB', 8, 7, 1, 24, 0) + bytes([192, 0, 2]) +
             struct.pack('!HH', 12, 4) + bytes(4))
    q = header(0x3001, 0x0120, qd=1, ar=1) + question('example.org', 1) + b'\x00' + struct.pack('!HHBBHH', 41, 1232, 0, 0, 0x8000, len(opt_q)) + opt_q
    udp(cap, q, 50200, 53)
    a = (header(0x3001, 0x81a0, qd=1, an=1, ar=2) + question('example.org', 1) + rr(ptr(12), 1, bytes([93, 184, 215, 14])) +
         rr(ptr(12), 1, bytes([93, 184, 215, 15]), ttl=5) + b'\x00' + struct.pack('!HHBBHH', 41, 4096, 0, 0, 0, 0))
    udp(cap, a, 53, 50200, src='10.1.0.53', dst='10.1.0.1')
    cap.write(path('dns-records.pcap'))


def matching():
    """Request/response matching: a retransmitted query, a retransmitted response, an unsolicited response,
    two queries with the same ID far apart, a query answered on another port pair (not matched)."""
    cap = Capture()
    q = header(0x4001, Q, qd=1) + question('a.example', 1)
    a = header(0x4001, R, qd=1, an=1) + question('a.example', 1) + rr(ptr(12), 1, bytes([10, 9, 8, 7]))
    udp(cap, q, 51000, 53)
    udp(cap, q, 51000, 53, dt=1.0)                      # retransmitted within 5 s
    udp(cap, a, 53, 51000, src='10.1.0.53', dst='10.1.0.1')
    udp(cap, a, 53, 51000, src='10.1.0.53', dst='10.1.0.1')   # the answer again
    udp(cap, header(0x4999, R, qd=1, an=1) + question('b.example', 1) + rr(ptr(12), 1, bytes([1, 1, 1, 1])), 53, 51001,
        src='10.1.0.53', dst='10.1.0.1')                # nobody asked
    udp(cap, q, 51000, 53, dt=7.0)                      # the same ID, more than 5 s later: a new query
    udp(cap, a, 53, 51000, src='10.1.0.53', dst='10.1.0.1')
    cap.write(path('dns-matching.pcap'))


def malformed():
    """Bad messages on port 53: pointer loops (to itself, two pointers to each other), a pointer past the end,
    a label running past the end, counts larger than the records, extended label types, a name longer than
    255 bytes, unprintable bytes in a label, extraneous bytes after the records, a header cut short."""
    cap = Capture()
    p = 60000
    msgs = [
        header(0x5001, Q, qd=1) + ptr(12) + struct.pack('!HH', 1, 1),
        header(0x5002, Q, qd=1) + b'\x01a' + ptr(18) + ptr(14) + struct.pack('!HH', 1, 1),
        header(0x5003, Q, qd=1) + b'\x01a' + ptr(400) + struct.pack('!HH', 1, 1),
        header(0x5004, Q, qd=1) + b'\x3fabc',
        header(0x5005, R, qd=1, an=3) + question('x.example', 1) + rr(ptr(12), 1, bytes(4)),
        header(0x5006, Q, qd=1) + b'\x41\x02ab' + b'\x00' + struct.pack('!HH', 1, 1),
        header(0x5007, Q, qd=1) + b'\x81ab\x00' + struct.pack('!HH', 1, 1),
        header(0x5008, Q, qd=1) + name('.'.join(['abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz0'] * 5)) + struct.pack('!HH', 1, 1),
        header(0x5009, Q, qd=1) + name([b'we\x01ird', b'tab\tand space', b'caf\xc3\xa9', b'dot.inside']) + struct.pack('!HH', 16, 1),
        header(0x500a, Q, qd=1) + question('extra.example', 1) + b'\xde\xad\xbe\xef',
        header(0x500b, Q, qd=1)[:7],
        header(0x500c, Q, qd=1) + question('', 2),
        header(0x500d, R, qd=1, an=1) + question('t.example', 1) + rr(ptr(12), 1, bytes(2)),
        header(0x500e, R, qd=1, an=1) + question('t.example', 15) + rr(ptr(12), 15, b'\x00\x05\xc0\x0c' + bytes(6)),
    ]
    for m in msgs:
        p += 1
        udp(cap, m, p, 53)
    cap.write(path('dns-malformed.pcap'))


def mdns_llmnr():
    """mDNS on 5353 (a QU question, an answer with cache flush, a PTR/SRV/TXT service answer) and LLMNR on 5355."""
    cap = Capture()
    q = header(0, 0, qd=1) + question('_http._tcp.local', 12, 0x8001)
    cap.add(eth(IP(src='10.1.0.7', dst='224.0.0.251', ttl=255) / UDP(sport=5353, dport=5353) / Raw(q)))
    a = (header(0, 0x8400, an=3) + rr(name('_http._tcp.local'), 12, b'\x03web' + ptr(12), ttl=4500) +
         rr(b'\x03web' + ptr(12), 33, struct.pack('!HHH', 0, 0, 8080) + b'\x04host\xc0\x17', ttl=120, rclass=0x8001) +
         rr(b'\x03web' + ptr(12), 16, b'\x07path=/x', ttl=4500, rclass=0x8001))
    cap.add(eth(IP(src='10.1.0.8', dst='224.0.0.251', ttl=255) / UDP(sport=5353, dport=5353) / Raw(a)))
    q = header(0x6001, 0, qd=1) + question('printer', 1)
    cap.add(eth(IP(src='10.1.0.7', dst='224.0.0.252', ttl=1) / UDP(sport=51515, dport=5355) / Raw(q)))
    a = header(0x6001, 0x8000, qd=1, an=1) + question('printer', 1) + rr(ptr(12), 1, bytes([10, 1, 0, 9]), ttl=30)
    cap.add(eth(IP(src='10.1.0.9', dst='10.1.0.7') / UDP(sport=5355, dport=51515) / Raw(a)))
    cap.write(path('dns-mdns.pcap'))


def over_tcp():
    """DNS over TCP on port 53: a query and answer each in one segment; two queries in one segment; an answer
    split over three segments (its length prefix alone in the first); a zone transfer answer of two messages."""
    cap = Capture()
    f = Flow(cap, cport=45000, sport=53, caddr='10.1.0.1', saddr='10.1.0.53', ts=False)
    f.handshake()

    def tcpmsg(m):
        return struct.pack('!H', len(m)) + m
    q1 = header(0x7001, Q, qd=1) + question('tcp.example', 1)
    a1 = header(0x7001, R, qd=1, an=1) + question('tcp.example', 1) + rr(ptr(12), 1, bytes([10, 7, 0, 1]))
    f.send('c', 'PA', tcpmsg(q1))
    f.send('s', 'PA', tcpmsg(a1))
    q2 = header(0x7002, Q, qd=1) + question('two.example', 28)
    q3 = header(0x7003, Q, qd=1) + question('three.example', 16)
    f.send('c', 'PA', tcpmsg(q2) + tcpmsg(q3))
    a2 = header(0x7002, R, qd=1, an=1) + question('two.example', 28) + rr(ptr(12), 28, bytes(15) + b'\x01')
    f.send('s', 'PA', tcpmsg(a2))
    txt = b''.join(bytes([200]) + bytes([65 + i]) * 200 for i in range(8))
    a3 = header(0x7003, R, qd=1, an=1) + question('three.example', 16) + rr(ptr(12), 16, txt)
    m = tcpmsg(a3)
    f.send('s', 'PA', m[:2])
    f.send('s', 'PA', m[2:900])
    f.send('c', 'A')
    f.send('s', 'PA', m[900:])
    f.send('c', 'A')
    f.close('c')
    cap.write(path('dns-tcp.pcap'))


records()
matching()
malformed()
mdns_llmnr()
over_tcp()
