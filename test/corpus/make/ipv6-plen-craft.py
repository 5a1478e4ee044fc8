#!/usr/bin/python3
"""Crafted corpus files for IPv6 payload lengths of 0 and extension headers cut short (writes ../ip/*).

ipv6-plen-zero.pcap: a connection whose data segment has an IPv6 payload length of 0, as a TCP
segmentation offload (or Linux's BIG TCP on loopback) leaves it: tshark 4.0 reads its payload as empty
(the TCP segment is malformed, the rest is the Ethernet trailer, and the peer's ACK acknowledges an unseen
segment); the same over UDP, with a destination options header, and with no next header; hop-by-hop headers
with a payload length of 0 and no Jumbo Payload option, one of 65,535 (not a jumbogram: malformed) and real
jumbograms of 65,536 bytes and more (one whole, one whose Jumbo length exceeds the frame).
ipv6-ext-cut.pcap: hop-by-hop, destination options and routing headers cut by the snap length after their
first byte (the routing header shows its Next Header; the others only the exception, named after them,
and their words in Info).
ipv6-ext-order.pcap: a TCP segment in IPv6 fragments whose fragmentable part starts with a destination
options header (read in the reassembled data), destination options before a fragment header, Hop-by-Hop
headers that are not first (an error), a type 2 (Mobile IPv6) routing header with its home address, and a
header of version 7 on the IPv6 Ethertype (rejected: data). Deterministic. usage: ipv6-plen-craft.py
"""
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tcpsim import Capture, eth  # noqa: E402
from scapy.all import IPv6, IPv6ExtHdrDestOpt, IPv6ExtHdrFragment, IPv6ExtHdrHopByHop, IPv6ExtHdrRouting, TCP, UDP, Raw  # noqa: E402
from scapy.all import fragment6  # noqa: E402

here = os.path.dirname(os.path.abspath(__file__))
out = os.path.join(os.path.dirname(here), 'ip')
os.makedirs(out, exist_ok=True)

C6, S6 = '2001:db8::1', '2001:db8::2'


def seg(sport, dport, flags, seq, ack, data=b''):
    return bytes(TCP(sport=sport, dport=dport, flags=flags, seq=seq, ack=ack, window=512) / Raw(data))


def hbh(nxt, opts):
    """A hop-by-hop header holding `opts`, padded with PadN to whole 8-byte units."""
    body = b''.join(opts)
    pad = -(2 + len(body)) % 8
    body += b'\x00' if pad == 1 else (bytes([1, pad - 2]) + bytes(pad - 2) if pad else b'')
    return bytes([nxt, (2 + len(body)) // 8 - 1]) + body


def jumbo(n):
    return bytes([0xc2, 4]) + struct.pack('!I', n)


def plen_zero():
    cap = Capture()
    ip = lambda plen=None, nh=6: IPv6(src=C6, dst=S6, nh=nh) if plen is None else IPv6(src=C6, dst=S6, nh=nh, plen=plen)  # noqa: E731
    back = lambda plen=None, nh=6: IPv6(src=S6, dst=C6, nh=nh) if plen is None else IPv6(src=S6, dst=C6, nh=nh, plen=plen)  # noqa: E731
    cap.add(bytes(eth(ip() / Raw(seg(41000, 80, 'S', 1000, 0)))), dt=0.001)
    cap.add(bytes(eth(back() / Raw(seg(80, 41000, 'SA', 5000, 1001)))))
    cap.add(bytes(eth(ip() / Raw(seg(41000, 80, 'A', 1001, 5001)))))
    # TSO: 3000 bytes sent as one segment whose payload length the capturing host left 0.
    cap.add(bytes(eth(ip(plen=0) / Raw(seg(41000, 80, 'PA', 1001, 5001, b'x' * 3000)))), dt=0.001)
    cap.add(bytes(eth(back() / Raw(seg(80, 41000, 'A', 5001, 4001)))))
    cap.add(bytes(eth(ip(plen=0, nh=17) / UDP(sport=5353, dport=5353) / Raw(b'u' * 40))), dt=0.001)
    cap.add(bytes(eth(ip(plen=0, nh=60) / IPv6ExtHdrDestOpt(nh=6) / Raw(seg(41001, 80, 'S', 1, 0)))), dt=0.001)
    cap.add(bytes(eth(ip(plen=0, nh=59) / Raw(b'n' * 30))), dt=0.001)
    # Hop-by-hop with a payload length of 0: no Jumbo option, or one of 65,535 (no jumbogram), then real ones.
    body = seg(41002, 80, 'S', 1, 0, b'j' * 100)
    cap.add(bytes(eth(ip(plen=0, nh=0) / Raw(hbh(6, [bytes([1, 2, 0, 0])]) + body))), dt=0.001)
    cap.add(bytes(eth(ip(plen=0, nh=0) / Raw(hbh(6, [jumbo(65535)]) + body))), dt=0.001)
    big = seg(41003, 80, 'S', 1, 0, b'J' * (65536 - 8 - 20))
    cap.add(bytes(eth(ip(plen=0, nh=0) / Raw(hbh(6, [jumbo(65536)]) + big))), dt=0.001)
    cap.add(bytes(eth(ip(plen=0, nh=0) / Raw(hbh(6, [jumbo(70000)]) + big))), dt=0.001)
    cap.write(os.path.join(out, 'ipv6-plen-zero.pcap'))


def ext_cut():
    cap = Capture()
    syn = seg(42000, 80, 'S', 1, 0)
    frames = [
        IPv6(src=C6, dst=S6, nh=0) / Raw(hbh(6, [bytes([1, 2, 0, 0])]) + syn),
        IPv6(src=C6, dst=S6, nh=60) / IPv6ExtHdrDestOpt(nh=6) / Raw(syn),
        IPv6(src=C6, dst=S6, nh=0) / Raw(hbh(60, [bytes([1, 2, 0, 0])]) + bytes(IPv6ExtHdrDestOpt(nh=6)) + syn),
        IPv6(src=C6, dst=S6, nh=43) / IPv6ExtHdrRouting(nh=6, addresses=['2001:db8::3'], segleft=0) / Raw(syn),
    ]
    for pkt in frames:
        b = bytes(eth(pkt))
        # The first extension header starts at 54 (after 40 more with a hop-by-hop header first).
        start = 54 if pkt.nh != 0 or pkt.payload.load[0] != 60 else 62
        cap.add(b[:start + 1], dt=0.001, orig=len(b))
    cap.write(os.path.join(out, 'ipv6-ext-cut.pcap'))


def ext_order():
    cap = Capture()
    data = seg(43000, 80, 'PA', 1, 1, b'A' * 300)
    for nh, headers in ((44, IPv6ExtHdrFragment(id=7, nh=60) / IPv6ExtHdrDestOpt(nh=6)),
                        (60, IPv6ExtHdrDestOpt(nh=44) / IPv6ExtHdrFragment(id=8, nh=6))):
        for frag in fragment6(IPv6(src=C6, dst=S6, nh=nh) / headers / Raw(data), 120):
            cap.add(bytes(eth(frag)), dt=0.0001)
    syn = lambda port: Raw(seg(port, 80, 'S', 1, 0))  # noqa: E731
    cap.add(bytes(eth(IPv6(src=C6, dst=S6) / IPv6ExtHdrDestOpt(nh=0) / IPv6ExtHdrHopByHop(nh=6) / syn(43001))), dt=0.001)
    cap.add(bytes(eth(IPv6(src=C6, dst=S6) / IPv6ExtHdrHopByHop(nh=0) / IPv6ExtHdrHopByHop(nh=6) / syn(43002))), dt=0.001)
    for left in (1, 0):
        cap.add(bytes(eth(IPv6(src=C6, dst=S6) / IPv6ExtHdrRouting(nh=6, type=2, addresses=['2001:db8::99'], segleft=left) / syn(43003 + left))), dt=0.001)
    bogus = bytearray(bytes(IPv6(src=C6, dst=S6, nh=6) / syn(43005)))
    bogus[0] = 0x70 | (bogus[0] & 0x0f)
    cap.add(bytes(eth(IPv6(src=C6, dst=S6)))[:14] + bytes(bogus), dt=0.001)
    cap.write(os.path.join(out, 'ipv6-ext-order.pcap'))


if __name__ == '__main__':
    plen_zero()
    ext_cut()
    ext_order()
