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


def late_after_park():
    """One late segment of each kind on a connection parked (closed or reset, more than 1,000 frames before):
    a lone ACK, a RST, a retransmission after a reset, then a new SYN on a closed connection's ports."""
    cap = Capture()
    acked = Flow(cap, cport=42101, sport=12345, isn_c=0x01010101, isn_s=0x02020202)
    acked.handshake()
    acked.send('c', 'PA', b'ping\n', dt=0.0002)
    acked.send('s', 'PA', b'pong\n', dt=0.0001)
    acked.close('c')
    reset_late = Flow(cap, cport=42102, sport=12345, isn_c=0x03030303, isn_s=0x04040404)
    reset_late.handshake()
    reset_late.send('c', 'PA', b'bye\n', dt=0.0002)
    reset_late.send('s', 'A', dt=0.00002)
    reset_late.close('s')
    retrans = Flow(cap, cport=42103, sport=12345, isn_c=0x05050505, isn_s=0x06060606)
    retrans.handshake()
    retrans.send('c', 'PA', b'request\n', dt=0.0002)
    answer = retrans.send('s', 'PA', b'answer ' + b'a' * 40 + b'\n', dt=0.0001)
    retrans.send('c', 'RA', dt=0.0001)
    reused = Flow(cap, cport=42104, sport=12345, isn_c=0x07070707, isn_s=0x08080808)
    reused.handshake()
    reused.send('c', 'PA', b'first\n', dt=0.0002)
    reused.send('s', 'A', dt=0.00002)
    reused.close('c')
    filler(cap, 45000, 100)
    acked.send('c', 'A', dt=0.5)                                   # a lone late ACK
    reset_late.send('c', 'R', seq=reset_late.nxt['c'], dt=0.0001)  # a RST after the close
    retrans.send('s', 'PA', b'answer ' + b'a' * 40 + b'\n', seq=answer, dt=0.0001)  # a retransmission after the reset
    filler(cap, 46000, 90)
    again = Flow(cap, cport=42104, sport=12345, isn_c=0x09090909, isn_s=0x0a0a0a0a)  # the ports again, new ISN
    again.handshake()
    again.send('c', 'PA', b'second\n', dt=0.0002)
    again.send('s', 'A', dt=0.00002)
    again.close('s')
    cap.write(os.path.join(out, 'late-after-park.pcap'))


late_after_close()
print('wrote', os.path.join(out, 'late-after-close.pcap'))
late_after_park()
print('wrote', os.path.join(out, 'late-after-park.pcap'))
