#!/usr/bin/python3
"""Crafted corpus files for the edges a second fresh comparison with tshark 4.0 found (writes ../tcp/*).

Options and headers a student's capture may hold that no earlier file has: TCP options Wireshark 4.0 names
(TFO cookie request, TCP-AO, Quick-Start), IPv4 options (LSRR, a length of 0, Quick-Start), IPv6
extension headers (segment routing header, home address option, type 0 routing header), ICMP and ICMPv6 checksums
that are wrong, and Ethernet padding cut by the snap length. Expected values come from tshark (test/engine/tshark-fields.test.ts, tshark-tree.test.ts).
Deterministic: running it twice writes identical files. usage: edge2-craft.py
"""
import ipaddress
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tcpsim import Capture, Flow, eth  # noqa: E402
from scapy.all import ICMP, IP, TCP, IPv6, Raw, UDP  # noqa: E402
from scapy.layers.inet6 import ICMPv6EchoRequest, IPv6ExtHdrHopByHop, PadN  # noqa: E402

here = os.path.dirname(os.path.abspath(__file__))
out = os.path.join(os.path.dirname(here), 'tcp')
os.makedirs(out, exist_ok=True)
path = lambda n: os.path.join(out, n)  # noqa: E731
NOP = ('NOP', None)


def tcp_options_more():
    """A TFO cookie request on a SYN (kind 34, length 2) and the cookie the SYN+ACK returns; TCP-AO (kind 29);
    Quick-Start Response (kind 27). (MPTCP, kind 30, is its own protocol in Wireshark: not crafted yet.)"""
    cap = Capture()
    f = Flow(cap, cport=41300)
    mss = [('MSS', 65495), ('SAckOK', b''), NOP, ('WScale', 7)]
    f.send('c', 'S', options=mss + [NOP, NOP, (34, b'')], dt=0)
    f.send('s', 'SA', options=mss + [NOP, NOP, (34, bytes(range(0x10, 0x18)))])
    f.send('c', 'A', options=[])
    h = Flow(cap, cport=41302, isn_c=0x31313131)
    h.send('c', 'S', options=mss, dt=0.01)
    # TCP-AO (RFC 5925, kind 29): KeyID, RNextKeyID, a 12-byte MAC.
    h.send('s', 'SA', options=mss + [(29, bytes([7, 8]) + bytes(range(12)))])
    h.send('c', 'A', options=[(29, bytes([7, 8]) + bytes(range(12, 24)))])
    # Quick-Start Response (RFC 4782, kind 27): rate request 5, TTL diff 3, the QS nonce.
    h.send('c', 'A', options=[NOP, NOP, (27, bytes([0x05, 3]) + struct.pack('>I', 0x12345678))])
    cap.write(path('options-more.pcap'))


def with_ip_options(pkt, opts: bytes) -> bytes:
    """The IPv4 packet `pkt` with `opts` (padded to 4 bytes with EOL) spliced in after its fixed header: header
    length, total length and checksum redone (the TCP checksum does not cover IP options)."""
    opts += bytes(-len(opts) % 4)
    raw = bytes(pkt)
    hdr = bytearray(raw[:20] + opts)
    hdr[0] = 0x40 | (len(hdr) // 4)
    struct.pack_into('>H', hdr, 2, len(raw) + len(opts))
    struct.pack_into('>H', hdr, 10, 0)
    s = sum(struct.unpack('>%dH' % (len(hdr) // 2), bytes(hdr)))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    struct.pack_into('>H', hdr, 10, ~s & 0xffff)
    return bytes(hdr) + raw[20:]


def ipv4_options_more():
    """IPv4 options: loose source route (LSRR, two hops, pointer at the second), strict source route, an
    option of length 0 (the walk cannot go on), an option of length 1, Quick-Start, and a record route
    whose pointer is past its end."""
    cap = Capture()
    a, b = '192.0.2.1', '192.0.2.2'
    for i, opts in enumerate((
        bytes([0x83, 11, 8, 198, 51, 100, 1, 198, 51, 100, 2]),                 # LSRR, pointer at the 2nd hop
        bytes([0x89, 7, 4, 198, 51, 100, 9]),                                     # SSRR
        bytes([0x01, 0x83, 0x00, 0x00]),                                          # NOP, then LSRR of length 0
        bytes([0x01, 0x44, 0x01, 0x00]),                                          # NOP, then timestamp of length 1
        bytes([0x19, 8, 0x06, 64]) + struct.pack('>I', 0x00abcdef),               # Quick-Start request
        bytes([0x07, 7, 12, 203, 0, 113, 5]),                                     # record route, pointer past its end
    )):
        syn = IP(src=a, dst=b, id=i + 1) / TCP(sport=41310 + i, dport=80, seq=7000, flags='S', window=65535,
                                                options=[('MSS', 1460)])
        cap.add(eth(IP(with_ip_options(syn, opts))), dt=0 if i == 0 else 0.001)
    cap.write(path('ipv4-options-more.pcap'))


def ipv6_ext_more():
    """IPv6 extension headers: a segment routing header (routing type 4) with two segments, a destination
    options header with the home address option, and a type 0 routing header (deprecated). (A jumbo payload
    needs a datagram over 65,535 bytes: not crafted.)"""
    cap = Capture()
    a, b = '2001:db8::1', '2001:db8::2'
    s1, s2 = '2001:db8:0:1::1', '2001:db8:0:2::2'
    tcp = lambda p: TCP(sport=41320 + p, dport=80, seq=1000, flags='S', window=65535, options=[('MSS', 1440)])  # noqa: E731
    segs = ipaddress.IPv6Address(b).packed + ipaddress.IPv6Address(s2).packed
    # SRH: next header TCP, hdr ext len 4 (two addresses), type 4, segments left 1, last entry 1, flags 0, tag 0.
    srh = bytes([6, 4, 4, 1, 1, 0, 0, 0]) + segs
    cap.add(eth(IPv6(src=a, dst=s1, nh=43) / Raw(srh + bytes(tcp(0)))), dt=0)
    # Home address option (type 0xc9, length 16) in a destination options header.
    hao = bytes([6, 2, 0x01, 0x02, 0, 0, 0xc9, 16]) + ipaddress.IPv6Address('2001:db8:ffff::9').packed
    cap.add(eth(IPv6(src=a, dst=b, nh=60) / Raw(hao + bytes(tcp(1)))))
    # Routing type 0 (RFC 5095 deprecated it): one address, segments left 1.
    rt0 = bytes([6, 2, 0, 1, 0, 0, 0, 0]) + ipaddress.IPv6Address(b).packed
    cap.add(eth(IPv6(src=a, dst=s1, nh=43) / Raw(rt0 + bytes(tcp(2)))))
    # Hop-by-hop with a PadN only, then TCP (the plain case next to the others).
    cap.add(eth(IPv6(src=a, dst=b) / IPv6ExtHdrHopByHop(options=[PadN(optdata=b'\0\0\0\0')]) / tcp(3)))
    cap.write(path('ipv6-ext-more.pcap'))


def icmpv6_bad_checksum():
    """ICMPv6 echo requests, the first with a wrong checksum (Wireshark always checks ICMPv6's: the
    icmpv6.checksum_bad.expert note), the second right; and an ICMPv4 one with a wrong checksum (icmp.checksum_bad)."""
    cap = Capture()
    a, b = '2001:db8::1', '2001:db8::2'
    good = bytes(IPv6(src=a, dst=b) / ICMPv6EchoRequest(id=7, seq=1, data=b'Handshake'))
    bad = bytearray(good)
    bad[42] ^= 0xff  # the checksum's first byte (40-byte header, then type, code, checksum)
    cap.add(eth(IPv6(bytes(bad))), dt=0)
    cap.add(eth(IPv6(good)))
    cap.add(eth(IP(src='192.0.2.1', dst='192.0.2.2') / ICMP(id=7, seq=1, chksum=0x1234) / Raw(b'Handshake')))
    cap.write(path('icmp-bad-checksum.pcap'))


def eth_padding_snaplen():
    """Short frames padded to 60 bytes, written with a snap length that cuts them: inside the padding, at its
    start, and inside the IP header; a padded frame kept whole; and non-zero padding cut short."""
    cap = Capture()
    a, b = '192.0.2.1', '192.0.2.2'
    ack = lambda p: IP(src=a, dst=b, id=p) / TCP(sport=41340, dport=80, seq=5, ack=9, flags='A', window=512)  # noqa: E731
    for i, keep in enumerate((60, 57, 54, 30)):
        frame = bytes(eth(ack(i))) + bytes(6)
        cap.add(frame[:keep], orig=len(frame), dt=0.001)
    frame = bytes(eth(ack(9))) + b'\x01\x02\x03\x04\x05\x06'
    cap.add(frame[:57], orig=len(frame), dt=0.001)
    cap.add(bytes(eth(IP(src=a, dst=b, id=10) / UDP(sport=41341, dport=9) / Raw(b'x'))) + bytes(13), dt=0.001)
    cap.write(path('eth-padding-snaplen.pcap'))


def reasm_out_of_order():
    """HTTP messages split over TCP segments that arrive out of order: a request whose middle segment comes
    last, a response whose last segment comes before the one in front of it (the gap filled by a
    retransmission), and a request whose first segment is retransmitted after the rest arrived."""
    cap = Capture()
    f = Flow(cap, cport=41350, sport=80, caddr='192.0.2.10', saddr='192.0.2.80')
    f.handshake()
    req = b'GET /out-of-order HTTP/1.1\r\nHost: example.test\r\nUser-Agent: edge2\r\nAccept: */*\r\n\r\n'
    s0 = f.nxt['c']
    a, b = 20, 45
    f.send('c', 'PA', req[:a], seq=s0, dt=0.001)
    f.send('c', 'PA', req[b:], seq=s0 + b, dt=0.0001)
    f.send('c', 'PA', req[a:b], seq=s0 + a, dt=0.0001)
    f.rcv['s'] = (s0 + len(req)) & 0xffffffff
    f.nxt['c'] = (s0 + len(req)) & 0xffffffff
    f.send('s', 'A')
    body = b'x' * 300
    resp = b'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 300\r\n\r\n' + body
    r0 = f.nxt['s']
    cuts = [0, 120, 240, len(resp)]
    f.send('s', 'PA', resp[0:120], seq=r0, dt=0.001)
    f.send('s', 'PA', resp[240:], seq=r0 + 240, dt=0.0001)
    f.send('c', 'A', ack=r0 + 120)
    f.send('s', 'PA', resp[120:240], seq=r0 + 120, dt=0.0002)
    f.rcv['c'] = (r0 + cuts[-1]) & 0xffffffff
    f.nxt['s'] = (r0 + cuts[-1]) & 0xffffffff
    f.send('c', 'A')
    req2 = b'GET /second HTTP/1.1\r\nHost: example.test\r\n\r\n'
    q0 = f.nxt['c']
    f.send('c', 'PA', req2[:15], seq=q0, dt=0.01, deliver=False)
    f.send('c', 'PA', req2[15:], seq=q0 + 15, dt=0.0001)
    f.send('s', 'A', ack=q0)
    f.send('c', 'PA', req2[:15], seq=q0, dt=0.2)
    f.rcv['s'] = (q0 + len(req2)) & 0xffffffff
    f.nxt['c'] = (q0 + len(req2)) & 0xffffffff
    f.send('s', 'PA', b'HTTP/1.1 204 No Content\r\n\r\n')
    f.send('c', 'A')
    cap.write(path('reasm-out-of-order.pcap'))


tcp_options_more()
ipv4_options_more()
ipv6_ext_more()
icmpv6_bad_checksum()
eth_padding_snaplen()
reasm_out_of_order()
print('crafted edge files in', out)
