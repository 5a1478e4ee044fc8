#!/usr/bin/python3
"""Crafted TCP/IP corpus files for cases loopback cannot produce on demand (writes ../tcp/*).

Every TCP conversation is scripted with tcpsim.Flow, so seq/ack/TSval/TSecr stay plausible; checksums are correct.
Deterministic: running it twice writes identical files. usage: tcp-craft.py
"""
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tcpsim import Capture, Flow, eth  # noqa: E402
from scapy.all import (ARP, ICMP, IP, TCP, UDP, Ether, ICMPv6DestUnreach, ICMPv6PacketTooBig,  # noqa: E402
                       IPOption_NOP, IPOption_Router_Alert, IPOption_Timestamp, IPOption_EOL, IPv6,
                       IPv6ExtHdrDestOpt, IPv6ExtHdrFragment, IPv6ExtHdrHopByHop, PadN, Raw, RouterAlert)

here = os.path.dirname(os.path.abspath(__file__))
out = os.path.join(os.path.dirname(here), 'tcp')
os.makedirs(out, exist_ok=True)
path = lambda n: os.path.join(out, n)  # noqa: E731
K = b'k' * 1000


def simultaneous_open():
    """Crossing SYNs: each side sends SYN, receives the other's, answers SYN+ACK with its own ISN."""
    cap = Capture()
    f = Flow(cap, cport=40001, sport=40002)
    f.send('c', 'S', dt=0, deliver=False)            # both SYNs are in flight at once
    f.send('s', 'S', dt=0.000005, deliver=False)
    f.rcv['c'], f.rcv['s'] = (f.nxt['s']), (f.nxt['c'])
    f.seen_ts['c'], f.seen_ts['s'] = f.tsval('s'), f.tsval('c')
    f.send('c', 'SA', seq=f.nxt['c'] - 1, dt=0.00001)  # SYN+ACK repeats the SYN's sequence number
    f.send('s', 'SA', seq=f.nxt['s'] - 1, dt=0.000005)
    f.send('c', 'PA', b'hello from 40001\n', dt=0.0003)
    f.send('s', 'A', dt=0.00002)
    f.send('s', 'PA', b'hello from 40002\n', dt=0.0002)
    f.send('c', 'A', dt=0.00002)
    f.close('c')
    cap.write(path('simultaneous-open.pcap'))


def simultaneous_close():
    """Crossing FINs: each FIN's ACK does not cover the peer's FIN (both CLOSING), then both ACK."""
    cap = Capture()
    f = Flow(cap, cport=41002)
    f.handshake()
    f.send('c', 'PA', b'request\n', dt=0.0002)
    f.send('s', 'PA', b'response\n', dt=0.0001)
    f.send('c', 'A', dt=0.00002)
    f.send('c', 'FA', dt=0.05, deliver=False)       # in flight while the server sends its own FIN
    f.send('s', 'FA', dt=0.000004, deliver=False)
    f.rcv['s'] = f.nxt['c']
    f.rcv['c'] = f.nxt['s']
    f.send('s', 'A', dt=0.00001)
    f.send('c', 'A', dt=0.000004)
    cap.write(path('simultaneous-close.pcap'))


def rst_handshake():
    """RST during the handshake: (1) the client aborts in SYN_SENT/SYN_RECEIVED after the SYN+ACK (RST, no ACK);
    (2) a SYN+ACK acknowledging the wrong sequence number is answered with RST (seq = its ACK);
    (3) the server resets in SYN_RECEIVED after the client's ACK was lost; (4) RST+ACK in reply to a SYN (refused)."""
    cap = Capture()
    f = Flow(cap, cport=41010)
    f.send('c', 'S', dt=0)
    f.send('s', 'SA', dt=0.00002)
    f.send('c', 'R', ack=0, dt=0.00002)              # seq = ISN+1, no ACK flag
    f = Flow(cap, cport=41011, isn_c=0x11111111, isn_s=0x22222222)
    f.send('c', 'S', dt=0.1)
    f.send('s', 'SA', ack=0x0badf00d, dt=0.00002)    # stale: acknowledges something the client never sent
    f.send('c', 'R', seq=0x0badf00d, ack=0, dt=0.00002, options=[])
    f.send('c', 'S', seq=0x11111111, dt=1.0)        # the client's SYN retransmission, now answered correctly
    f.send('s', 'SA', dt=0.00002)
    f.send('c', 'A', dt=0.00002)
    f.close('c')
    f = Flow(cap, cport=41012, isn_c=0x33333333, isn_s=0x44444444)
    f.send('c', 'S', dt=0.1)
    f.send('s', 'SA', dt=0.00002)
    f.send('s', 'RA', ack=f.nxt['c'], dt=0.2, options=[], win=0)
    f = Flow(cap, cport=41013, isn_c=0x55555555, ts=False)
    f.send('c', 'S', dt=0.1)
    f.send('s', 'RA', seq=0, ack=f.nxt['c'], dt=0.00001, options=[], win=0)
    cap.write(path('rst-handshake.pcap'))


def rst_states():
    """One connection per state in which an RST arrives: FIN_WAIT_1, FIN_WAIT_2, CLOSING, LAST_ACK, TIME_WAIT
    (and CLOSE_WAIT with an RST from the closed side), each on its own client port."""
    cap = Capture()
    port = 41020

    def opened():
        nonlocal port
        port += 1
        f = Flow(cap, cport=port, isn_c=0x10000000 * (port - 41020), isn_s=0x0f000000 * (port - 41020) + 7)
        cap.t += 0.1
        f.handshake()
        f.send('c', 'PA', b'data\n', dt=0.0001)
        f.send('s', 'A', dt=0.00002)
        return f

    f = opened()                                     # FIN_WAIT_1: the server resets instead of ACKing the FIN
    f.send('c', 'FA', dt=0.01)
    f.send('s', 'RA', dt=0.00002, options=[])
    f = opened()                                     # FIN_WAIT_2
    f.send('c', 'FA', dt=0.01)
    f.send('s', 'A', dt=0.00002)
    f.send('s', 'R', ack=0, dt=0.05, options=[])
    f = opened()                                     # CLOSING (crossing FINs), then RST
    f.send('c', 'FA', dt=0.01, deliver=False)
    f.send('s', 'FA', dt=0.000004, deliver=False)
    f.rcv['s'], f.rcv['c'] = f.nxt['c'], f.nxt['s']
    f.send('s', 'RA', dt=0.00001, options=[])
    f = opened()                                     # LAST_ACK: the client resets instead of the last ACK
    f.send('c', 'FA', dt=0.01)
    f.send('s', 'A', dt=0.00002)
    f.send('s', 'FA', dt=0.02)
    f.send('c', 'R', ack=0, dt=0.00002, options=[])
    f = opened()                                     # TIME_WAIT: an RST after the close completed
    f.close('c')
    f.send('s', 'R', ack=0, dt=0.5, options=[])
    f = opened()                                     # CLOSE_WAIT: the client closed; server's data gets an RST
    f.send('c', 'FA', dt=0.01)
    f.send('s', 'A', dt=0.00002)
    f.send('s', 'PA', b'late\n', dt=0.05)
    f.send('c', 'R', ack=0, dt=0.00002, options=[], win=0)
    cap.write(path('rst-states.pcap'))


def retransmitted_fin():
    """The client's FIN is lost after the capture point and retransmitted (RTO); not a second close."""
    cap = Capture()
    f = Flow(cap, cport=41030)
    f.handshake()
    f.send('c', 'PA', b'one request\n', dt=0.0002)
    f.send('s', 'A', dt=0.00002)
    fin = f.send('c', 'FA', dt=0.01, deliver=False)
    f.send('c', 'FA', seq=fin, dt=0.21)
    f.send('s', 'A', dt=0.00002)
    f.send('s', 'FA', dt=0.01)
    f.send('s', 'FA', seq=f.nxt['s'] - 1, dt=0.22)   # and the server's FIN too (its ACK was lost)
    f.send('c', 'A', dt=0.00002)
    cap.write(path('retransmitted-fin.pcap'))


def lossy_sim():
    """A transfer with scripted losses, as the sender's capture sees it: fast retransmission after three
    duplicate ACKs (SACK), an RTO retransmission, a spurious retransmission (the ACK was seen but lost),
    out-of-order arrival, and a D-SACK duplicate ACK."""
    cap = Capture()
    f = Flow(cap, cport=41040, ws=7)
    f.win = {'c': 512, 's': 512}
    f.handshake(rtt=0.0004)
    seg = []
    for i in range(6):                               # seg 3 (i == 2) is lost
        seg.append(f.send('c', 'PA' if i == 5 else 'A', K, dt=0.0001, deliver=(i != 2)))
    hole = seg[2]
    f.send('s', 'A', ack=seg[1], dt=0.0002)          # ACK of seg 1
    f.send('s', 'A', ack=seg[2], dt=0.00005)         # ACK of seg 2
    for i in (3, 4, 5):                              # three duplicate ACKs with growing SACK blocks
        f.send('s', 'A', ack=hole, sack=[(seg[3], seg[i] + 1000)], dt=0.00005)
    f.send('c', 'A', K, seq=hole, dt=0.0001)         # fast retransmission
    f.rcv['s'] = f.nxt['c']
    f.send('s', 'A', dt=0.0002)
    lost = f.send('c', 'PA', K, dt=0.001, deliver=False)  # RTO retransmission
    f.send('c', 'PA', K, seq=lost, dt=0.21)
    f.rcv['s'] = f.nxt['c']
    f.send('s', 'A', dt=0.0002)
    sp = f.send('c', 'PA', K, dt=0.001)              # spurious: its ACK is captured, then lost
    f.send('s', 'A', dt=0.0002, deliver=False)
    f.send('c', 'PA', K, seq=sp, dt=0.21)
    f.send('s', 'A', sack=[(sp, sp + 1000)], dt=0.0002)   # D-SACK: the duplicate reported below the ACK
    a = f.nxt['c']                                   # out of order: seg B overtakes seg A before the capture
    f.send('c', 'A', K, seq=a + 1000, dt=0.001, deliver=False)
    f.send('c', 'A', K, seq=a, dt=0.00001)
    f.nxt['c'] = a + 2000
    f.rcv['s'] = a + 2000
    f.send('s', 'A', dt=0.0002)
    f.send('c', 'PA', b'end\n', dt=0.001)
    f.send('s', 'A', dt=0.0002)
    f.close('c', gap=0.0003)
    cap.write(path('lossy-sim.pcap'))


def zero_window_probe():
    """A receiver with a 4000-byte window that stops reading: window full, zero window, 1-byte zero-window
    probes (new data at the next sequence number, as BSD/Windows stacks send them), then window updates."""
    cap = Capture()
    f = Flow(cap, cport=41050, ws=0)
    f.send('c', 'S', dt=0)
    f.send('s', 'SA', win=4000, dt=0.00002)
    f.win = {'c': 65535, 's': 4000}
    f.send('c', 'A', dt=0.00002)
    f.send('c', 'A', b'z' * 2000, dt=0.0001)
    f.send('c', 'PA', b'z' * 2000, dt=0.00001)      # fills the window: window full
    f.send('s', 'A', win=0, dt=0.0002)               # zero window
    probe = f.send('c', 'A', b'z', dt=0.2, deliver=False)   # probe: one byte beyond the closed window
    f.send('s', 'A', win=0, dt=0.00002)
    f.send('c', 'A', b'z', seq=probe, dt=0.4, deliver=False)
    f.send('s', 'A', win=0, dt=0.00002)
    f.send('s', 'A', win=1000, dt=0.3)               # the application read 1000 bytes: window update
    f.send('c', 'PA', b'z' * 1000, seq=probe, dt=0.0001)
    f.nxt['c'] = probe + 1000
    f.send('s', 'A', win=0, dt=0.0002)
    f.send('s', 'A', win=4000, dt=0.1)               # drained: window update
    f.close('c')
    cap.write(path('zero-window-probe.pcap'))


def port_reuse_crafted():
    """A SYN retransmission (same ISN: same stream), then a new SYN with another ISN on a 4-tuple whose
    connection never closed (the client rebooted): Wireshark's "TCP Port numbers reused", a new stream."""
    cap = Capture()
    f = Flow(cap, cport=41060, isn_c=0x01020304, isn_s=0x0a0b0c0d)
    f.send('c', 'S', dt=0)
    f.send('c', 'S', seq=0x01020304, dt=1.0)
    f.send('s', 'SA', dt=0.00002)
    f.send('c', 'A', dt=0.00002)
    f.send('c', 'PA', b'then the client crashed\n', dt=0.001)
    f.send('s', 'A', dt=0.00002)
    g = Flow(cap, cport=41060, isn_c=0x51525354, isn_s=0x5a5b5c5d)
    g.send('c', 'S', dt=2.0)
    g.send('s', 'SA', dt=0.00002)
    g.send('c', 'A', dt=0.00002)
    g.close('s')
    cap.write(path('port-reuse-crafted.pcap'))


def syn_data_options():
    """SYN carrying data (TCP Fast Open cookie), ECN negotiation, and option variety: SACK blocks (1-4),
    unknown kinds, EOL padding, MD5 signature, user timeout, window scale > 14, MSS alone, URG data."""
    cap = Capture()
    f = Flow(cap, cport=41070, ws=14)
    tfo = [('MSS', 65495), ('SAckOK', b''), ('Timestamp', (100, 0)), ('NOP', None), ('WScale', 7),
           (34, b'\x11\x22\x33\x44\x55\x66\x77\x88')]
    f.send('c', 'SEC', b'hello, fast open', options=tfo, dt=0)
    f.send('s', 'SAE', options=[('MSS', 65495), ('SAckOK', b''), ('Timestamp', (200, 100)), ('NOP', None),
                                ('WScale', 7), (34, b'')], dt=0.00002)
    f.send('c', 'A', options=[('NOP', None), ('NOP', None), ('Timestamp', (101, 200))], dt=0.00002)
    d = f.nxt['s']
    f.send('s', 'A', b'a' * 100, dt=0.0001, deliver=False)
    f.send('s', 'A', b'b' * 100, dt=0.0001)
    f.send('s', 'A', b'c' * 100, dt=0.0001, deliver=False)
    f.send('s', 'A', b'd' * 100, dt=0.0001)
    f.send('s', 'A', b'e' * 100, dt=0.0001, deliver=False)
    f.send('s', 'A', b'f' * 100, dt=0.0001)
    f.send('s', 'A', b'g' * 100, dt=0.0001, deliver=False)
    f.send('s', 'A', b'h' * 100, dt=0.0001)
    blocks = [(d + 100 * i, d + 100 * i + 100) for i in (1, 3, 5, 7)]
    for n in (1, 2, 3, 4):                           # SACK with 1..4 blocks (4 only fit without timestamps)
        opts = [('NOP', None), ('NOP', None), ('SAck', tuple(x for b in blocks[:n] for x in b))]
        f.send('c', 'A', ack=d, options=opts, dt=0.00005)
    f.send('s', 'A', b'a' * 100, seq=d, dt=0.001, options=[('NOP', None), ('NOP', None), ('Timestamp', (300, 101))])
    f.rcv['c'] = d + 200
    f.send('c', 'A', options=[(253, b'\x12\x34\x56\x78'), (99, b''), ('EOL', None)], dt=0.0001)  # unknown kinds, EOL
    f.send('c', 'A', options=[('NOP', None), ('EOL', None), ('NOP', None), ('NOP', None)], dt=0.0001)  # after EOL: padding
    f.send('c', 'A', options=[(19, b'\x00' * 16), ('EOL', None)], dt=0.0001)         # MD5 signature (RFC 2385)
    f.send('c', 'A', options=[(28, b'\x80\x3c'), ('NOP', None), ('NOP', None)], dt=0.0001)  # user timeout 60 s
    f.send('c', 'A', options=[('MSS', 1460)], dt=0.0001)                              # MSS outside a SYN
    f.send('c', 'PAU', b'!urgent', dt=0.0001, options=[])                             # URG with urgent pointer
    cap.frames[-1] = (cap.frames[-1][0], bytes(TCP_urgptr(cap.frames[-1][1], 7)), -1)
    g = Flow(cap, cport=41071, ws=15, isn_c=0x600d0000)
    g.send('c', 'S', options=[('MSS', 1460), ('NOP', None), ('WScale', 15), ('NOP', None), ('NOP', None),
                              ('SAckOK', b''), ('EOL', None)], dt=0.1)           # WS 15 (over the limit of 14)
    g.send('s', 'SA', options=[('MSS', 1460)], dt=0.00002)                         # MSS only: no scaling
    g.send('c', 'A', options=[], dt=0.00002)
    g.send('c', 'RA', options=[], dt=0.001)
    cap.write(path('syn-data-options.pcap'))


def TCP_urgptr(frame: bytes, urg: int):
    p = Ether(frame)
    p[TCP].urgptr = urg
    del p[TCP].chksum
    return p


def seq_wrap():
    """ISNs next to 2^32: the client's data and the server's SYN cross the wrap-around."""
    cap = Capture()
    f = Flow(cap, cport=41080, isn_c=0xFFFFF000, isn_s=0xFFFFFFFF)
    f.handshake()
    for i in range(6):
        f.send('c', 'PA', K, dt=0.001)
        f.send('s', 'A', dt=0.00003)
    f.send('s', 'PA', b'wrapped\n', dt=0.001)
    f.send('c', 'A', dt=0.00003)
    f.close('s')
    cap.write(path('seq-wrap.pcap'))


def ipv6_ext():
    """IPv6 extension headers before TCP/UDP: hop-by-hop (router alert + PadN), destination options, an atomic
    fragment, a TCP segment in two fragments, and a chain HBH → DestOpt → UDP."""
    cap = Capture()
    a, b = '2001:db8::1', '2001:db8::2'
    syn = TCP(sport=41090, dport=80, seq=1000, flags='S', window=65535, options=[('MSS', 1440), ('SAckOK', b'')])
    cap.add(eth(IPv6(src=a, dst=b) / IPv6ExtHdrHopByHop(options=[RouterAlert(), PadN(optdata=b'')]) / syn), dt=0)
    cap.add(eth(IPv6(src=b, dst=a) / IPv6ExtHdrDestOpt(options=[PadN(optdata=b'\0\0\0\0')]) /
                TCP(sport=80, dport=41090, seq=5000, ack=1001, flags='SA', window=65535, options=[('MSS', 1440)])))
    cap.add(eth(IPv6(src=a, dst=b) / IPv6ExtHdrFragment(offset=0, m=0, id=0x1234) /
                TCP(sport=41090, dport=80, seq=1001, ack=5001, flags='A', window=512)))
    # A TCP segment carrying 1600 bytes, fragmented: first fragment (TCP header + 1184 bytes), then the rest.
    seg = bytes(IPv6(src=a, dst=b) / TCP(sport=41090, dport=80, seq=1001, ack=5001, flags='PA', window=512) /
                Raw(b'x' * 1600))[40:]
    first, rest = seg[:1208], seg[1208:]
    cap.add(eth(IPv6(src=a, dst=b, nh=44) / IPv6ExtHdrFragment(nh=6, offset=0, m=1, id=0x5678) / Raw(first)))
    cap.add(eth(IPv6(src=a, dst=b, nh=44) / IPv6ExtHdrFragment(nh=6, offset=1208 // 8, m=0, id=0x5678) / Raw(rest)))
    cap.add(eth(IPv6(src=b, dst=a) / TCP(sport=80, dport=41090, seq=5001, ack=2601, flags='A', window=512)))
    cap.add(eth(IPv6(src=a, dst=b, hlim=1) / IPv6ExtHdrHopByHop(options=[PadN(optdata=b'\0\0\0\0')]) /
                IPv6ExtHdrDestOpt(options=[PadN(optdata=b'\0\0\0\0')]) / UDP(sport=41091, dport=9) / Raw(b'discard me')))
    cap.add(eth(IPv6(src=a, dst=b) / TCP(sport=41090, dport=80, seq=2601, ack=5001, flags='RA', window=0)))
    cap.write(path('ipv6-ext.pcap'))


def ipv4_options_frag():
    """IPv4 options on TCP (router alert, NOP, timestamp, EOL padding) and a TCP segment in two IPv4 fragments."""
    cap = Capture()
    a, b = '192.0.2.1', '192.0.2.2'
    opts = [IPOption_Router_Alert(), IPOption_NOP(), IPOption_Timestamp(flg=0, length=8, pointer=5, timestamp=[0]),
            IPOption_EOL()]
    cap.add(eth(IP(src=a, dst=b, id=1, options=opts) /
                TCP(sport=41100, dport=80, seq=7000, flags='S', window=65535, options=[('MSS', 1460)])), dt=0)
    cap.add(eth(IP(src=b, dst=a, id=0) /
                TCP(sport=80, dport=41100, seq=9000, ack=7001, flags='SA', window=65535, options=[('MSS', 1460)])))
    cap.add(eth(IP(src=a, dst=b, id=2, options=[IPOption_NOP(), IPOption_NOP(), IPOption_NOP(), IPOption_EOL()]) /
                TCP(sport=41100, dport=80, seq=7001, ack=9001, flags='A', window=512)))
    whole = IP(src=a, dst=b, id=3) / TCP(sport=41100, dport=80, seq=7001, ack=9001, flags='PA', window=512) / Raw(b'y' * 1400)
    body = bytes(whole)[20:]
    cap.add(eth(IP(src=a, dst=b, id=3, flags='MF', frag=0, proto=6) / Raw(body[:800])))
    cap.add(eth(IP(src=a, dst=b, id=3, flags=0, frag=100, proto=6) / Raw(body[800:])))
    cap.add(eth(IP(src=b, dst=a, id=1) / TCP(sport=80, dport=41100, seq=9001, ack=8401, flags='A', window=512)))
    cap.add(eth(IP(src=a, dst=b, id=4, tos=0xb8, ttl=1) / TCP(sport=41100, dport=80, seq=8401, ack=9001, flags='FA', window=512)))
    cap.write(path('ipv4-options-frag.pcap'))


def icmp_errors():
    """ICMP and ICMPv6 errors quoting TCP and UDP: fragmentation needed (full and 8-byte quotes), time
    exceeded, port unreachable, ICMPv6 packet too big and destination unreachable."""
    cap = Capture()
    a, r, b = '192.0.2.1', '192.0.2.254', '198.51.100.7'
    tcp_seg = IP(src=a, dst=b, id=77, flags='DF') / TCP(sport=41110, dport=443, seq=123456, ack=654321, flags='PA',
                                                        window=502, options=[('NOP', None), ('NOP', None), ('Timestamp', (1, 2))]) / Raw(b'z' * 1400)
    q = bytes(tcp_seg)
    cap.add(eth(tcp_seg), dt=0)
    cap.add(eth(IP(src=r, dst=a) / ICMP(type=3, code=4, nexthopmtu=1280) / Raw(q[:548])))        # Linux-style long quote
    cap.add(eth(IP(src=r, dst=a) / ICMP(type=3, code=4, nexthopmtu=1280) / Raw(q[:28])))         # RFC 792 minimum quote
    udp = IP(src=a, dst=b, id=78, ttl=1) / UDP(sport=41111, dport=33434) / Raw(b'traceroute probe')
    cap.add(eth(udp))
    cap.add(eth(IP(src=r, dst=a) / ICMP(type=11, code=0) / Raw(bytes(udp))))
    cap.add(eth(IP(src=b, dst=a) / ICMP(type=3, code=3) / Raw(bytes(udp)[:28])))
    a6, r6, b6 = '2001:db8::1', '2001:db8::fe', '2001:db8:1::7'
    t6 = IPv6(src=a6, dst=b6) / TCP(sport=41112, dport=443, seq=99, ack=199, flags='A', window=502) / Raw(b'w' * 1400)
    cap.add(eth(t6))
    cap.add(eth(IPv6(src=r6, dst=a6) / ICMPv6PacketTooBig(mtu=1280) / Raw(bytes(t6)[:1232])))
    u6 = IPv6(src=a6, dst=b6) / UDP(sport=41113, dport=9) / Raw(b'discard me')
    cap.add(eth(u6))
    cap.add(eth(IPv6(src=b6, dst=a6) / ICMPv6DestUnreach(code=4) / Raw(bytes(u6))))
    cap.write(path('icmp-errors.pcap'))


def icmp_short_quotes():
    """ICMP and ICMPv6 errors quoting nothing, or only the first bytes of an IP header (tshark: an empty ICMPv4
    quote shows nothing, an empty ICMPv6 one is malformed, a quote running past its own end is no fault)."""
    cap = Capture()
    r, a = '192.0.2.254', '192.0.2.1'
    cap.add(eth(IP(src=r, dst=a) / ICMP(type=3, code=3)), dt=0)
    cap.add(eth(IP(src=r, dst=a) / ICMP(type=3, code=3) / Raw(b'\x45\x00')))
    r6, a6 = '2001:db8::fe', '2001:db8::1'
    cap.add(eth(IPv6(src=r6, dst=a6) / ICMPv6DestUnreach(code=0)))
    cap.add(eth(IPv6(src=r6, dst=a6) / ICMPv6DestUnreach(code=0) / Raw(b'\x60\x00\x00')))
    cap.write(path('icmp-short-quotes.pcap'))

def arp():
    """ARP on Ethernet: request (broadcast), reply, gratuitous announcement, probe; padded to 60 bytes as on a wire."""
    cap = Capture()
    m1, m2 = '02:00:5e:10:00:01', '02:00:5e:10:00:02'
    pad = lambda p: bytes(p) + b'\0' * max(0, 60 - len(bytes(p)))  # noqa: E731
    cap.add(pad(Ether(src=m1, dst='ff:ff:ff:ff:ff:ff') / ARP(op=1, hwsrc=m1, psrc='192.0.2.1', hwdst='00:00:00:00:00:00', pdst='192.0.2.2')), dt=0)
    cap.add(pad(Ether(src=m2, dst=m1) / ARP(op=2, hwsrc=m2, psrc='192.0.2.2', hwdst=m1, pdst='192.0.2.1')))
    cap.add(pad(Ether(src=m2, dst='ff:ff:ff:ff:ff:ff') / ARP(op=1, hwsrc=m2, psrc='192.0.2.2', hwdst='00:00:00:00:00:00', pdst='192.0.2.2')), dt=1)
    cap.add(pad(Ether(src=m1, dst='ff:ff:ff:ff:ff:ff') / ARP(op=1, hwsrc=m1, psrc='0.0.0.0', hwdst='00:00:00:00:00:00', pdst='192.0.2.9')), dt=1)
    cap.add(bytes(Ether(src=m1, dst=m2) / ARP(op=2, hwsrc=m1, psrc='192.0.2.1', hwdst=m2, pdst='192.0.2.2')), dt=0.5)  # unpadded
    cap.write(path('arp.pcap'))


def no_flags():
    """Segments with no flag at all (Info "[<None>]", as tshark writes it): in an established connection (one in
    sequence, one after a gap, one from the server), and one on a 4-tuple nobody opened."""
    cap = Capture()
    f = Flow(cap, cport=42300)
    f.handshake()
    f.send('c', '', ack=0)
    f.send('c', '', seq=f.nxt['c'] + 5)
    f.send('s', '', dt=0.01)
    f.send('c', 'PA', b'hi')
    f.send('s', 'A')
    f.close()
    g = Flow(cap, cport=42301, ts=False)
    g.send('c', '', dt=0.1)
    cap.write(path('no-flags.pcap'))


simultaneous_open()
simultaneous_close()
rst_handshake()
rst_states()
retransmitted_fin()
lossy_sim()
zero_window_probe()
port_reuse_crafted()
syn_data_options()
seq_wrap()
ipv6_ext()
ipv4_options_frag()
icmp_errors()
icmp_short_quotes()
arp()
no_flags()
print('crafted', len(os.listdir(out)), 'files in', out)
