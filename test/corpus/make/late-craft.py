#!/usr/bin/python3
"""Late segments on finished connections (writes ../tcp/late-after-close.pcap).

`stats` parks a finished connection (closed with both FINs acknowledged, or reset) as a few numbers; a
segment that comes after more than 1,000 other frames (the state inference's evidence horizon) must still
be numbered in its stream and flagged as tshark flags it: a retransmitted response and FIN after a close,
data and an ACK after a reset, a keep-alive-like re-ACK, then a new SYN on the closed connection's ports
(a new stream). Scripted with tcpsim.Flow; deterministic. usage: late-craft.py
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tcpsim import Capture, Flow  # noqa: E402

here = os.path.dirname(os.path.abspath(__file__))
out = os.path.join(os.path.dirname(here), 'tcp')


def filler(cap, first_port, n):
    """n short connections of 12 frames each, one after another: frames between the close and the late segments."""
    for i in range(n):
        f = Flow(cap, cport=first_port + i, sport=8080, isn_c=0x10000 * (i + 1), isn_s=0x20000 * (i + 3))
        f.handshake()
        f.send('c', 'PA', b'GET / HTTP/1.0\r\n\r\n', dt=0.0001)
        f.send('s', 'A', dt=0.00002)
        f.send('s', 'PA', b'x' * 30, dt=0.0001)
        f.send('c', 'A', dt=0.00002)
        f.send('s', 'PA', b'y' * 20, dt=0.0001)
        f.send('c', 'A', dt=0.00002)
        f.close('s')


def late_after_close():
    cap = Capture()
    closed = Flow(cap, cport=42001, sport=12345, isn_c=0x11111111, isn_s=0x22222222)
    closed.handshake()
    closed.send('c', 'PA', b'request\n', dt=0.0002)
    response = closed.send('s', 'PA', b'response: ' + b'r' * 90 + b'\n', dt=0.0001)
    closed.send('c', 'A', dt=0.00002)
    closed.close('c')
    reset = Flow(cap, cport=42002, sport=12345, isn_c=0x33333333, isn_s=0x44444444)
    reset.handshake()
    reset.send('c', 'PA', b'hello\n', dt=0.0002)
    reset.send('s', 'A', dt=0.00002)
    reset.send('c', 'RA', dt=0.001)
    filler(cap, 43000, 100)
    # Late, on the closed connection: its response again (spurious: acknowledged long ago), its FIN again,
    # the client's last ACK again.
    closed.send('s', 'PA', b'response: ' + b'r' * 90 + b'\n', seq=response, dt=0.5)
    closed.send('s', 'FA', seq=closed.nxt['s'] - 1, dt=0.0001)
    closed.send('c', 'A', dt=0.00002)
    # Late, on the reset connection: the server's data in flight, and the client's new RST.
    reset.send('s', 'PA', b'too late\n', dt=0.0001)
    reset.send('c', 'R', seq=reset.nxt['c'], dt=0.00002)
    filler(cap, 44000, 90)
    # The closed connection's ports again, new ISN: a new stream (ports reused).
    again = Flow(cap, cport=42001, sport=12345, isn_c=0x55555555, isn_s=0x66666666)
    again.handshake()
    again.send('c', 'PA', b'again\n', dt=0.0002)
    again.send('s', 'A', dt=0.00002)
    again.close('s')
    cap.write(os.path.join(out, 'late-after-close.pcap'))


late_after_close()
print('wrote', os.path.join(out, 'late-after-close.pcap'))
