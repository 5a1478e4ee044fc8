#!/usr/bin/python3
"""Crafted IPv4 / IPv6 fragment cases tshark reassembles (writes ../reasm/frag-*.pcap).

Each datagram is built whole with scapy, then cut into fragments by hand so offsets, order, overlaps and
gaps are exactly as listed; checksums are correct. Deterministic. usage: frag-craft.py
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tcpsim import Capture, Flow, eth  # noqa: E402
from scapy.all import IP, UDP, IPv6, IPv6ExtHdrFragment, ICMP, Ether, Raw, raw  # noqa: E402

here = os.path.dirname(os.path.abspath(__file__))
out = os.path.join(os.path.dirname(here), 'reasm')
os.makedirs(out, exist_ok=True)
path = lambda n: os.path.join(out, n)  # noqa: E731


def cut(payload, cuts):
    """(start, end, more fragments) of each piece of `payload` cut at byte offsets `cuts` (multiples of 8)."""
    bounds = list(cuts) + [len(payload)]
    return [(a, b, 1 if b < len(payload) else 0) for a, b in zip(bounds, bounds[1:])]


def v4_frags(dgram, cuts, ident, order=None, extra=()):
    """IPv4 fragments of `dgram` (a whole IP packet) at payload byte offsets `cuts`, then `extra` ones
    (duplicates, overlaps: start, end, more), in `order` if given."""
    ip = IP(raw(dgram))
    payload = raw(ip.payload)
    frags = [IP(src=ip.src, dst=ip.dst, id=ident, proto=ip.proto, ttl=64, flags=more, frag=a // 8) / Raw(payload[a:b])
             for (a, b, more) in cut(payload, cuts) + list(extra)]
    return [frags[i] for i in order] if order else frags


def v6_frags(dgram, cuts, ident, order=None):
    """IPv6 fragments (a Fragment header each) of `dgram` at payload byte offsets `cuts`, in `order` if given."""
    ip = IPv6(raw(dgram))
    payload = raw(ip.payload)
    frags = [IPv6(src=ip.src, dst=ip.dst, hlim=64) / IPv6ExtHdrFragment(nh=ip.nh, offset=a // 8, m=more, id=ident) / Raw(payload[a:b])
             for (a, b, more) in cut(payload, cuts)]
    return [frags[i] for i in order] if order else frags


def udp_v4():
    """UDP datagrams in IPv4 fragments: in order; reversed; a duplicate fragment; a missing one (never
    reassembled); the same ID reused for a new datagram after the first completed; two interleaved datagrams."""
    cap = Capture()
    body = bytes((i * 7) & 0xff for i in range(2000))
    d = IP(src='10.0.0.1', dst='10.0.0.2') / UDP(sport=40000, dport=9999) / Raw(body)
    for f in v4_frags(d, [0, 800, 1600], 0x1001):
        cap.add(eth(f))
    for f in v4_frags(d, [0, 800, 1600], 0x1002, order=[2, 1, 0]):
        cap.add(eth(f))
    for f in v4_frags(d, [0, 800, 1600], 0x1003, order=[0, 1, 3, 2], extra=[(800, 1600, 1)]):
        cap.add(eth(f))
    for f in v4_frags(d, [0, 800, 1600], 0x1004, order=[0, 2]):
        cap.add(eth(f))
    for f in v4_frags(d, [0, 1000], 0x1001):
        cap.add(eth(f))
    a = v4_frags(d, [0, 1000], 0x2001)
    b = v4_frags(IP(src='10.0.0.1', dst='10.0.0.2') / UDP(sport=40001, dport=9999) / Raw(body[:1500]), [0, 1000], 0x2002)
    for f in (a[0], b[0], a[1], b[1]):
        cap.add(eth(f))
    cap.write(path('frag-udp4.pcap'))


def overlaps_v4():
    """Overlapping IPv4 fragments: a duplicate with other data (conflict), a fragment straddling two others,
    two last fragments that end in different places (multiple tails)."""
    cap = Capture()
    body = bytes((i * 5) & 0xff for i in range(2000))
    d = IP(src='10.0.0.1', dst='10.0.0.2') / UDP(sport=40002, dport=9999) / Raw(body)
    payload = raw(IP(raw(d)).payload)

    def frag(ident, a, b, more, data=None):
        return eth(IP(src='10.0.0.1', dst='10.0.0.2', id=ident, proto=17, ttl=64, flags=more, frag=a // 8) /
                   Raw(payload[a:b] if data is None else data))
    for f in (frag(0x5001, 0, 800, 1), frag(0x5001, 800, 1600, 1, bytes(800)), frag(0x5001, 800, 1600, 1),
              frag(0x5001, 1600, 2008, 0)):
        cap.add(f)
    for f in (frag(0x5002, 0, 800, 1), frag(0x5002, 1600, 2008, 0), frag(0x5002, 400, 1200, 1), frag(0x5002, 800, 1600, 1)):
        cap.add(f)
    for f in (frag(0x5003, 1600, 2008, 0), frag(0x5003, 1600, 1800, 0), frag(0x5003, 0, 800, 1), frag(0x5003, 800, 1600, 1)):
        cap.add(f)
    cap.write(path('frag-overlap4.pcap'))


def udp_v6():
    """UDP datagrams in IPv6 fragments: in order, out of order, and a missing fragment."""
    cap = Capture()
    body = bytes((i * 11) & 0xff for i in range(2400))
    d = IPv6(src='2001:db8::1', dst='2001:db8::2') / UDP(sport=40000, dport=9999) / Raw(body)
    for f in v6_frags(d, [0, 1232], 0xabc0001):
        cap.add(eth(f))
    for f in v6_frags(d, [0, 800, 1600], 0xabc0002, order=[1, 2, 0]):
        cap.add(eth(f))
    for f in v6_frags(d, [0, 800, 1600], 0xabc0003, order=[0, 2]):
        cap.add(eth(f))
    cap.write(path('frag-udp6.pcap'))


def tcp_v4():
    """A TCP connection whose data segments travel in IPv4 fragments (the stream is analysed at the last one)."""
    cap = Capture()
    f = Flow(cap, cport=41500, sport=9000, caddr='10.0.0.1', saddr='10.0.0.2', ts=False)
    f.handshake()
    f.send('c', 'PA', bytes(range(256)) * 6, dt=0.0002)
    t, whole, _ = cap.frames.pop()
    for k, fr in enumerate(v4_frags(Ether(whole)[IP], [0, 512, 1024], 0x3001)):
        cap.frames.append((t + k * 0.000002, bytes(eth(fr)), -1))
    cap.t = cap.frames[-1][0]
    f.send('s', 'A', dt=0.0001)
    f.close('c')
    cap.write(path('frag-tcp4.pcap'))


def icmp_v4():
    """A large ping in IPv4 fragments, request and reply."""
    cap = Capture()
    data = bytes(range(256)) * 8
    req = IP(src='10.0.0.1', dst='10.0.0.2') / ICMP(type=8, id=0x77, seq=1) / Raw(data)
    rep = IP(src='10.0.0.2', dst='10.0.0.1') / ICMP(type=0, id=0x77, seq=1) / Raw(data)
    for f in v4_frags(req, [0, 1480], 0x4001):
        cap.add(eth(f))
    for f in v4_frags(rep, [0, 1480], 0x4002):
        cap.add(eth(f))
    cap.write(path('frag-icmp4.pcap'))


udp_v4()
overlaps_v4()
udp_v6()
tcp_v4()
icmp_v4()
