#!/usr/bin/python3
"""Crafted corpus files for edges a third fresh comparison with tshark 4.0 found (writes ../tcp/*).

SACK options too short for one block (lengths 2, 3, 6 and 7) on a SYN, on an ACK and on data: Wireshark
4.0 tests them for a D-SACK with edges at 0, reads the missing block past the option's end, and marks the
frame malformed, which also keeps it out of conv,tcp; a block and a half (length 14) is read as one block;
two SACK options in one header are tested together.
Conversations are scripted with tcpsim.Flow (plausible seq/ack, correct checksums).
Deterministic: running it twice writes identical files. usage: edge3-craft.py
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tcpsim import Capture, Flow  # noqa: E402

here = os.path.dirname(os.path.abspath(__file__))
out = os.path.join(os.path.dirname(here), 'tcp')
os.makedirs(out, exist_ok=True)
NOP = ('NOP', None)


def sack(body_len: int, first: int = 0x01020304):
    """A SACK option (kind 5) whose body is `body_len` bytes: the edges' bytes from `first` on."""
    body = b''.join((first + i).to_bytes(4, 'big') for i in range(0, 4))[:body_len]
    return (5, body)


def sack_short():
    cap = Capture()
    # A SYN whose SACK option holds 5 bytes (length 7): the D-SACK left edge is read, its right edge is not.
    f = Flow(cap, cport=41300, ts=False)
    f.send('c', 'S', options=[('MSS', 1460), sack(5), NOP], dt=0.0)
    f.send('s', 'SA', options=[('MSS', 1460)], dt=0.00003)
    f.send('c', 'A', dt=0.00003)
    f.send('c', 'PA', b'hello', dt=0.0001)
    # An ACK with a SACK option of length 3 (one byte of body), then data with one of length 6.
    f.send('s', 'A', options=[sack(1), NOP], dt=0.00003)
    f.send('s', 'PA', b'world', options=[sack(4), NOP, NOP], dt=0.0001)
    f.send('c', 'A', dt=0.00003)
    # A block and a half (length 14): one block, the rest "suboption would go past end of option".
    f.send('c', 'A', options=[NOP, NOP, sack(12, f.nxt['s'])], dt=0.0001)
    # Two SACK options in one header. Wireshark keeps the packet's blocks over both and tests them for a
    # D-SACK: a whole one then a short one is not malformed (its first block is above the ACK); the same
    # block twice is a D-SACK (the packet's second block holds its first).
    f.send('c', 'A', options=[sack(8, f.nxt['s']), sack(4, f.nxt['s'])], dt=0.0001)
    f.send('c', 'A', options=[sack(8, f.nxt['s']), sack(8, f.nxt['s'])], dt=0.0001)
    f.close()
    # A SYN whose SACK option is bare (length 2).
    g = Flow(cap, cport=41301, isn_c=0x22223333, ts=False)
    g.send('c', 'S', options=[sack(0), NOP, NOP], dt=0.001)
    g.send('s', 'SA', options=[('MSS', 1460)], dt=0.00003)
    g.send('c', 'A', dt=0.00003)
    g.close()
    cap.write(os.path.join(out, 'sack-short.pcap'))


sack_short()
