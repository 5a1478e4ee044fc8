#!/usr/bin/python3
"""Crafted corpus files for edges a fresh comparison with tshark 4.0 found (writes ../tcp/*).

Every TCP conversation is scripted with tcpsim.Flow (plausible seq/ack/TSval/TSecr, correct checksums).
Deterministic: running it twice writes identical files. usage: edge-craft.py
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tcpsim import Capture, Flow  # noqa: E402
from scapy.all import IP, TCP, Ether, Raw  # noqa: E402

here = os.path.dirname(os.path.abspath(__file__))
out = os.path.join(os.path.dirname(here), 'tcp')
os.makedirs(out, exist_ok=True)
path = lambda n: os.path.join(out, n)  # noqa: E731
NOP = ('NOP', None)


def rst_data():
    """RSTs carrying data (RFC 1122 4.2.2.12: text saying why): plain text, bytes above 0x7f and a NUL
    followed by more bytes, a RST without ACK with data, a retransmitted RST with data, and control bytes."""
    cap = Capture()
    f = Flow(cap, cport=41200)
    f.handshake()
    f.send('c', 'PA', b'request\n', dt=0.0002)
    f.send('s', 'A', dt=0.00002)
    f.send('s', 'RA', b'reset-reason', options=[], dt=0.001)
    g = Flow(cap, cport=41201, isn_c=0x11112222)
    g.handshake()
    g.send('s', 'RA', b'why\x00not\xff\x01x', options=[], dt=0.001, deliver=False)
    h = Flow(cap, cport=41202, isn_c=0x33334444)
    h.handshake()
    h.send('c', 'R', b'caf\xc3\xa9\x00\x00', options=[], dt=0.001, deliver=False)
    s = h.nxt['c']
    h.send('c', 'R', b'caf\xc3\xa9\x00\x00', seq=s, options=[], dt=0.2)
    # Control bytes in the text: tshark -T fields prints them raw, the tree escapes them (\001).
    k = Flow(cap, cport=41203, isn_c=0x55557777)
    k.handshake()
    k.send('s', 'RA', b'abc\x01\x16\x04def', options=[], dt=0.001, deliver=False)
    cap.write(path('rst-data.pcap'))


def option_edges():
    """Option notes: a SYN and a SYN+ACK with options but no MSS, a SYN with an MSS of a bad length,
    NOP runs (4 in a row, split by a boundary, after another option), an MSS of a bad length outside a SYN,
    40 NOPs (the options summary cut where Wireshark cuts a label), and SYNs whose options cannot be walked."""
    cap = Capture()
    f = Flow(cap, cport=41210)
    f.send('c', 'S', options=[('WScale', 7), ('EOL', None)], dt=0)
    f.send('s', 'SA', options=[('MSS', 1460), NOP, NOP, NOP, NOP, ('SAckOK', b'')])
    f.send('c', 'A', options=[NOP, NOP, ('SAckOK', b''), NOP, NOP, NOP, NOP, NOP])
    f.send('c', 'A', options=[(2, b'\x05'), NOP], dt=0.001)
    f.send('c', 'A', options=[NOP] * 40, dt=0.001)
    g = Flow(cap, cport=41211, isn_c=0x55556666)
    g.send('c', 'S', options=[(2, b'\x05'), NOP, ('WScale', 7)], dt=0.01)
    g.send('s', 'SA', options=[NOP, ('WScale', 7), NOP, NOP, NOP, NOP, NOP, NOP])
    g.send('c', 'A', options=[NOP, NOP, NOP, ('WScale', 7), NOP, NOP])
    g.send('c', 'S', options=[NOP, (3, b'')], dt=1)
    # SYNs whose options cannot be walked to their end (no note on the missing MSS then): an option of
    # length 0, one running past the header, non-zero padding after EOL (bytes patched after scapy).
    g.send('c', 'S', options=[NOP, (99, b'')], dt=1)
    patch(cap, bytes([99, 2]), bytes([99, 0]))
    g.send('c', 'S', options=[NOP, ('WScale', 7), (99, b'\0' * 6)], dt=1)
    patch(cap, bytes([99, 8]), bytes([99, 40]))
    g.send('c', 'S', options=[('WScale', 7), ('EOL', None), (5, b'')], dt=1)
    cap.write(path('option-edges.pcap'))


def patch(cap, old: bytes, new: bytes):
    """Replaces the first `old` in the last frame's bytes (its TCP checksum is left as it was)."""
    t, data, orig = cap.frames[-1]
    i = data.index(old, 54)
    cap.frames[-1] = (t, data[:i] + new + data[i + len(new):], orig)


def completeness_edges():
    """Conversation completeness as tshark counts it: captures starting mid-stream (data, a FIN+ACK, a RST+ACK,
    a SYN-ACK before its SYN), a bare FIN and data without ACK, a SYN with data, a SYN+FIN, and a new ISN on a
    reset 4-tuple (port reuse: a new stream)."""
    cap = Capture()
    f = Flow(cap, cport=41220, isn_c=0x01000000)
    f.send('c', 'PA', b'one', dt=0)
    f.send('s', 'PA', b'two')
    f.send('c', 'A')
    f.send('c', 'A')
    g = Flow(cap, cport=41221, isn_c=0x02000000)
    g.handshake()
    g.send('c', 'P', b'noack', options=[])
    g.send('s', 'A')
    g.send('c', 'F', options=[])
    g.send('s', 'A')
    g.send('s', 'A')
    h = Flow(cap, cport=41222, isn_c=0x03000000)
    h.send('c', 'S')
    cap.frames.pop()                                # the SYN was not captured
    h.send('s', 'SA')
    h.send('c', 'A')
    h.send('c', 'PA', b'late syn')
    h.send('s', 'A')
    k = Flow(cap, cport=41223, isn_c=0x04000000)
    k.send('s', 'RA', options=[])
    k.send('c', 'A')
    k.send('c', 'A')
    m = Flow(cap, cport=41224, isn_c=0x05000000)
    m.send('c', 'S', b'syndata')
    m.send('s', 'SA')
    m.send('c', 'A')
    m.send('c', 'A')
    n = Flow(cap, cport=41225, isn_c=0x06000000)
    n.send('c', 'SF')
    n.send('s', 'SA')
    n.send('c', 'A')
    n.send('c', 'FA')
    n.send('s', 'A')
    q = Flow(cap, cport=41226, isn_c=0x07000000, isn_s=0x70000000)
    q.send('s', 'FA')
    q.send('c', 'A')
    q.send('c', 'FA')
    q.send('s', 'A')
    r = Flow(cap, cport=41227, isn_c=0x08000000)
    r.handshake()
    r.send('c', 'PA', b'x')
    r.send('s', 'RA', options=[])
    r2 = Flow(cap, cport=41227, isn_c=0x09000000, isn_s=0x90000000)
    r2.handshake()
    r2.send('c', 'FA')
    r2.send('s', 'FA')
    r2.send('c', 'A')
    cap.write(path('completeness-edges.pcap'))


def ipv4_ttl_short_tcp():
    """IPv4 TTL notes (0 and 3 to a unicast address; 64 and 1 to 224.0.0.1, the Local Network Control Block;
    VRRP's 224.0.0.18 and mDNS's 224.0.0.251 want 255), then TCP headers cut before and after the ports."""
    cap = Capture()
    m1, m2 = '02:00:5e:10:00:01', '02:00:5e:10:00:02'
    syn = lambda: TCP(sport=41230, dport=41231, flags='S', seq=1, window=8192)  # noqa: E731
    for dst, ttl in (('192.0.2.2', 0), ('192.0.2.2', 3), ('224.0.0.1', 64), ('224.0.0.1', 1), ('224.0.0.18', 64),
                     ('224.0.0.18', 255), ('224.0.0.251', 7)):
        cap.add(bytes(Ether(src=m1, dst=m2) / IP(src='192.0.2.1', dst=dst, ttl=ttl, id=ttl) / syn()), dt=0.001)
    for n in (2, 3, 4, 6):
        cap.add(bytes(Ether(src=m1, dst=m2) / IP(src='192.0.2.1', dst='192.0.2.3', proto=6, id=n) / Raw(bytes(syn())[:n])), dt=0.001)
    cap.write(path('ipv4-ttl-short-tcp.pcap'))


rst_data()
option_edges()
completeness_edges()
ipv4_ttl_short_tcp()
print('crafted edge files in', out)
