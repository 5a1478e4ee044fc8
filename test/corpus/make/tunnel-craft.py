#!/usr/bin/python3
"""Crafted corpus file: TCP carried in IP tunnels the dissectors follow (writes ../link/tunnel-ip.pcap).

IPv4 in IPv4 (protocol 4, IPIP) and IPv6 in IPv4 (protocol 41, a 6in4 tunnel): a whole connection each,
handshake, data both ways and close. Wireshark analyses the inner TCP as any other (tcp.stream,
conv,tcp); `stats` once skipped IPv4 payloads other than TCP and ICMP and lost these connections.
Deterministic: running it twice writes an identical file. usage: tunnel-craft.py
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tcpsim import Capture, Flow, eth  # noqa: E402
from scapy.all import IP, Ether  # noqa: E402

here = os.path.dirname(os.path.abspath(__file__))
out = os.path.join(os.path.dirname(here), 'link')


def conversation(cap, **kw):
    f = Flow(cap, **kw)
    f.handshake()
    f.send('c', 'PA', b"I'm TCP client")
    f.send('s', 'A')
    f.send('s', 'PA', b'hello back')
    f.send('c', 'A')
    f.close()


def tunnelled(frames, outer_src, outer_dst, proto):
    """The frames' IP packets, each inside an outer IPv4 header (protocol `proto`), on Ethernet."""
    for t, data, orig in frames:
        inner = bytes(Ether(data).payload)
        yield t, bytes(eth(IP(src=outer_src, dst=outer_dst, proto=proto, id=1, flags='DF') / inner)), orig


def main():
    cap = Capture()
    v4 = Capture()
    conversation(v4, caddr='10.1.0.1', saddr='10.2.0.1', cport=41000, sport=12345)
    v6 = Capture()
    conversation(v6, v6=True, caddr='2001:db8::1', saddr='2001:db8::2', cport=42000, sport=80)
    cap.frames = list(tunnelled(v4.frames, '192.0.2.1', '192.0.2.2', 4))
    last = cap.frames[-1][0]
    cap.frames += [(last + t, d, o) for t, d, o in tunnelled(v6.frames, '198.51.100.1', '198.51.100.2', 41)]
    cap.write(os.path.join(out, 'tunnel-ip.pcap'))


main()
