#!/usr/bin/python3
"""Crafted corpus files for TCP header edges a differential fuzz against tshark 4.0 found (writes ../tcp/*).

- tcp-eol-then-wscale.pcap: an ACK whose options are NOP, EOL, then the bytes of a window scale option
  (shift 14). After EOL only zero padding may follow: a non-zero byte ends the options, so the hidden
  window scale is no option at all (the connection keeps the handshake's scale).
- tcp-reuse-syn-rst.pcap: SYNs with a new ISN on a 4-tuple already used (ports reused), one carrying data,
  one with RST, one with RST and FIN: the new stream counts the SYN, and the segment's other bits as any
  later segment's (a RST counts, data on a SYN and a FIN without ACK do not).
- tcp-short-header.pcap: ACKs right after the handshake whose TCP header is cut after 17 and 19 bytes, by the
  IP total length (malformed) and by the snap length: Wireshark has read the flags, so the first such ACK
  still times the handshake (iRTT), Info shows flags, numbers and window, and 18-19 bytes show the checksum;
  and a short segment whose captured options hold an AccECN option (later segments show the ACE counter).
- tcp-short-doff.pcap: an ACK whose data offset says 24 bytes of header where 20 are there (a short
  segment, not analysed): Wireshark still shows the sender's window scaling factor.
Conversations are scripted with tcpsim.Flow (plausible seq/ack, correct checksums).
Deterministic: running it twice writes identical files. usage: edge4-craft.py
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tcpsim import Capture, Flow, eth  # noqa: E402
from scapy.all import IP, TCP  # noqa: E402

here = os.path.dirname(os.path.abspath(__file__))
out = os.path.join(os.path.dirname(here), 'tcp')
os.makedirs(out, exist_ok=True)
NOP = ('NOP', None)


def eol_then_wscale():
    cap = Capture()
    f = Flow(cap, cport=41400, ws=7, ts=False)
    f.handshake()
    f.send('c', 'PA', b'hello', dt=0.0001)
    # NOP, EOL, then 03 03 0e (a window scale of 14) and zero padding.
    f.send('s', 'A', options=[NOP, ('EOL', None), (3, b'\x0e')], dt=0.00003)
    f.send('c', 'PA', b'again', dt=0.0001)
    f.send('s', 'A', dt=0.00003)
    f.close()
    cap.write(os.path.join(out, 'tcp-eol-then-wscale.pcap'))


def reuse_syn_rst():
    cap = Capture()
    f = Flow(cap, cport=41401, ts=False)
    f.handshake()
    f.send('c', 'PA', b'one', dt=0.0001)
    f.send('s', 'A', dt=0.00003)
    # New ISNs on the same 4-tuple: a SYN with data, a SYN+RST, a SYN+RST+FIN, each followed by an ACK.
    for i, (flags, data) in enumerate((('S', b'abc'), ('SR', b''), ('SRF', b''))):
        g = Flow(cap, cport=41401, isn_c=0x30000000 + i * 0x01000000, ts=False)
        g.send('c', flags, data, dt=0.001)
        g.send('c', 'A', ack=0, dt=0.0001)
    cap.write(os.path.join(out, 'tcp-reuse-syn-rst.pcap'))


def short_doff():
    cap = Capture()
    f = Flow(cap, cport=41402, ws=7, ts=False)
    f.handshake()
    f.send('c', 'PA', b'0123456789', dt=0.0001)
    f.send('s', 'A', dt=0.00003)
    # Data offset 6 (24 bytes of header) on a segment of 20: not tracked by the Flow.
    cap.t += 0.0001
    tcp = TCP(sport=f.port['c'], dport=f.port['s'], seq=f.nxt['c'], ack=f.rcv['c'], flags='A', window=64, dataofs=6)
    cap.frames.append((cap.t, bytes(eth(IP(src=f.addr['c'], dst=f.addr['s'], flags='DF') / tcp)), -1))
    f.send('c', 'PA', b'xyz', dt=0.0001)
    f.send('s', 'A', dt=0.00003)
    f.close()
    cap.write(os.path.join(out, 'tcp-short-doff.pcap'))


def short_header():
    cap = Capture()
    for n, port, by_ip in ((19, 41403, True), (17, 41404, True), (19, 41405, False), (17, 41406, False)):
        f = Flow(cap, cport=port, ws=7, ts=False)
        f.send('c', 'S', dt=0.01)
        f.send('s', 'SA', dt=0.01)
        f.send('c', 'A', dt=0.01)
        t, data, _ = cap.frames[-1]
        if by_ip:
            # The IP total length says the TCP header has n bytes (the frame is as long): malformed.
            pkt = IP(data[14:34 + n])
            pkt.len = 20 + n
            del pkt.chksum
            cap.frames[-1] = (t, data[:14] + bytes(pkt), -1)
        else:
            # The snap length cut the frame after n bytes of TCP header.
            cap.frames[-1] = (t, data[:34 + n], len(data))
        f.send('c', 'PA', b'data', dt=0.01)
        f.send('s', 'A', dt=0.01)
        f.close()
    # A short segment (12 bytes of options announced, 4 there) whose captured options hold an AccECN option
    # (kind 172, length 2): the segments after it show their ECN bits as the ACE counter.
    f = Flow(cap, cport=41407, ws=7, ts=False)
    f.handshake()
    cap.t += 0.01
    tcp = TCP(sport=f.port['c'], dport=f.port['s'], seq=f.nxt['c'], ack=f.rcv['c'], flags='A', window=64,
              dataofs=8, options=[(172, b''), ('NOP', None), ('NOP', None)])
    cap.frames.append((cap.t, bytes(eth(IP(src=f.addr['c'], dst=f.addr['s'], flags='DF') / tcp)), -1))
    f.send('c', 'AEC', dt=0.01)
    f.send('s', 'AE', dt=0.01)
    f.close()
    cap.write(os.path.join(out, 'tcp-short-header.pcap'))


eol_then_wscale()
reuse_syn_rst()
short_doff()
short_header()
