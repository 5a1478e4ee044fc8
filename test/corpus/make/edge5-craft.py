#!/usr/bin/python3
"""Crafted corpus files for edges a fourth fresh comparison with tshark 4.0 found (writes ../tcp/*).

Accurate ECN (draft-ietf-tcpm-accurate-ecn): once a connection set it up, Wireshark 4.0 shows the AE, CWR and
ECE bits as one counter, ACE. What sets it up is tshark's to say: these files try each SYN and SYN-ACK
codepoint, the order and the repetition of handshake segments, and the AccECN options (kinds 172 and 174)
at every length from 2 to 14. The shared experimental options (kinds 253 and 254, RFC 6994): TCP Fast Open's
experiment identifier 0xF989 read as Fast Open, other identifiers in Info as tshark writes them.
Conversations are scripted with tcpsim.Flow (plausible seq/ack, correct checksums). scapy's flag letters:
N is AE (its old name NS), C CWR, E ECE.
Deterministic: running it twice writes identical files. usage: edge5-craft.py
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tcpsim import Capture, Flow  # noqa: E402

here = os.path.dirname(os.path.abspath(__file__))
out = os.path.join(os.path.dirname(here), 'tcp')
os.makedirs(out, exist_ok=True)
ISN_C, ISN_S = 0x1c2d3e4f, 0x7a6b5c4d


def reserved(cap: Capture, bits: int):
    """Sets the 3 reserved flag bits of the last frame's TCP header (IPv4 without options on Ethernet)."""
    t, b, orig = cap.frames[-1]
    b = bytearray(b)
    b[14 + 20 + 12] |= bits << 1
    cap.frames[-1] = (t, bytes(b), orig)


def accecn_flags():
    cap = Capture()
    port = [42000]

    def conv(steps):
        port[0] += 1
        f = Flow(cap, cport=port[0], ts=False)
        for who, flags, *kw in steps:
            kw = dict(kw[0]) if kw else {}
            res = kw.pop('res', 0)
            f.send(who, flags, **kw)
            if res:
                reserved(cap, res)
        return f

    # An AccECN SYN (AE, CWR, ECE) answered by each of the 8 SYN-ACK codepoints, then an ACK and the ACK's reply.
    for sa in ['SA', 'SAE', 'SAC', 'SACE', 'SAN', 'SANE', 'SANC', 'SANCE']:
        conv([('c', 'SECN', {'dt': 0.001}), ('s', sa), ('c', 'A'), ('s', 'AE')])
    # A whole AccECN connection: every ACE value, URG, PSH, reserved bits, no flags at all, FIN, RST.
    conv([('c', 'SECN', {'dt': 0.001}), ('s', 'SAN'), ('c', 'A'),
          ('c', 'PA', {'data': b'abc'}), ('s', 'AE'), ('s', 'PAC', {'data': b'def'}), ('c', 'ACE'),
          ('c', 'AN'), ('s', 'ANE'), ('c', 'ANC'), ('s', 'ANCE'),
          ('c', 'AUECN', {'data': b'x'}), ('s', 'A', {'res': 1}), ('s', 'AE', {'res': 7}), ('c', '', {'seq': ISN_C + 5}),
          ('c', 'FAC'), ('s', 'RAN')])
    # SYNs that do not ask for AccECN: AE alone, CWR and ECE (classic ECN) answered with an AccECN codepoint.
    conv([('c', 'SN', {'dt': 0.001}), ('s', 'SA'), ('c', 'A')])
    conv([('c', 'SEC', {'dt': 0.001}), ('s', 'SAN'), ('c', 'A')])
    # Other flags on the AccECN SYN do not matter.
    conv([('c', 'SECNU', {'dt': 0.001}), ('s', 'SAN'), ('c', 'A')])
    # Set up, then: the SYN-ACK retransmitted (shown with its flags), a plain SYN retransmitted (off again),
    # then a plain SYN-ACK.
    conv([('c', 'SECN', {'dt': 0.001}), ('s', 'SAN'), ('c', 'A'), ('s', 'SAN', {'seq': ISN_S}), ('c', 'A'),
          ('c', 'S', {'seq': ISN_C}), ('c', 'A'), ('s', 'SA', {'seq': ISN_S}), ('c', 'A')])
    # Set up, then a SYN-ACK retransmitted without an AccECN codepoint (off), then with one again (on).
    conv([('c', 'SECN', {'dt': 0.001}), ('s', 'SAN'), ('c', 'A'), ('s', 'SA', {'seq': ISN_S}), ('c', 'A'),
          ('s', 'SAC', {'seq': ISN_S}), ('c', 'A')])
    # A plain SYN answered plainly, then the SYN repeated asking for AccECN and the SYN-ACK agreeing.
    conv([('c', 'S', {'dt': 0.001}), ('s', 'SA'), ('c', 'A'), ('c', 'SECN', {'seq': ISN_C}),
          ('s', 'SAN', {'seq': ISN_S}), ('c', 'A')])
    # An AccECN SYN answered plainly, then the SYN-ACK repeated agreeing.
    conv([('c', 'SECN', {'dt': 0.001}), ('s', 'SA'), ('s', 'SAN', {'seq': ISN_S}), ('c', 'A')])
    cap.write(os.path.join(out, 'accecn-flags.pcap'))


def accecn_options():
    cap = Capture()
    # Each kind at every length from 2 to 14: counters at 5, 8 and 11, AccECN at 2, a length note otherwise.
    f = Flow(cap, cport=42100, ts=False)
    f.send('c', 'S', dt=0.0)
    f.send('s', 'SA')
    f.send('c', 'A')
    for kind in (172, 174):
        for n in range(0, 13):
            body = bytes((i * 37 + 1) & 0xff for i in range(n))
            f.send('c' if n % 2 else 's', 'A', options=[(kind, body)])
    f.close()
    # The option in a SYN, and in a SYN-ACK: ACE from the next segment on.
    g = Flow(cap, cport=42101, ts=False)
    g.send('c', 'S', options=[('MSS', 1460), (174, b'')], dt=0.001)
    g.send('s', 'SA')
    g.send('c', 'A')
    h = Flow(cap, cport=42102, ts=False)
    h.send('c', 'S', dt=0.001)
    h.send('s', 'SA', options=[('MSS', 1460), ('NOP', None), (172, b'\x00\x00\x01')])
    h.send('c', 'A')
    # An option of a bad length changes nothing; a good one after it does, for good (a plain SYN after it too).
    k = Flow(cap, cport=42103, ts=False)
    k.send('c', 'S', dt=0.001)
    k.send('s', 'SA')
    k.send('c', 'A')
    k.send('c', 'A', options=[(172, b'\x01\x02')])
    k.send('s', 'A')
    k.send('c', 'A', options=[(174, b'\x01\x02\x03\x04\x05\x06'), ('NOP', None), ('NOP', None)])
    k.send('s', 'AE')
    k.send('c', 'S', seq=ISN_C)
    k.send('c', 'AC')
    cap.write(os.path.join(out, 'accecn-options.pcap'))


def options_experimental():
    cap = Capture()
    # Fast Open over the experimental kinds: a cookie request in the SYN, the cookie in the SYN-ACK, then a
    # SYN with data and the cookie (the SYN-ACK accepting it).
    f = Flow(cap, cport=42200, ts=False)
    f.send('c', 'S', options=[('MSS', 1460), (254, b'\xf9\x89')], dt=0.0)
    f.send('s', 'SA', options=[('MSS', 1460), (254, b'\xf9\x89' + bytes(range(1, 9)))])
    f.send('c', 'A')
    f.close()
    g = Flow(cap, cport=42201, isn_c=0x33334444, ts=False)
    g.send('c', 'S', b'GET', options=[('MSS', 1460), (253, b'\xf9\x89' + bytes(range(1, 9)))], dt=0.001)
    g.send('s', 'SA', options=[('MSS', 1460)])
    # Outside a SYN: a one-byte cookie, other identifiers (small ones, with data), lengths 2 and 3.
    g.send('c', 'A', options=[(254, b'\x00\x12'), (253, b'\xf9\x89\x07')])
    g.send('c', 'A', options=[(254, b'\xab\xcd\x01'), (254, b'\xf9'), ('NOP', None)])
    g.send('s', 'A', options=[(253, b''), ('NOP', None), ('NOP', None), (254, b'\x7c\x60\x00\x01')])
    g.close()
    cap.write(os.path.join(out, 'options-experimental.pcap'))


accecn_flags()
accecn_options()
options_experimental()
