#!/usr/bin/python3
"""Crafted corpus file: IPv4 total length 0, as a capture of TCP segmentation offload shows it (writes ../tcp/ipv4-tso.pcap).

A sender whose NIC (or BIG TCP on Linux) segments for it hands the capture one large segment whose IPv4 total
length is 0; Wireshark then takes the datagram to run to the end of the frame ("reported as 0, presumed to be
because of TCP segmentation offload"). Here a connection's data segments and the client's ACKs carry a total
length of 0, one ACK padded to Ethernet's 60 bytes (the padding then belongs to the datagram, as in tshark).
Deterministic: running it twice writes an identical file. usage: tso-craft.py
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tcpsim import Capture, Flow  # noqa: E402

here = os.path.dirname(os.path.abspath(__file__))
out = os.path.join(os.path.dirname(here), 'tcp')


def zero_total_length(frame: bytes, pad_to: int = 0) -> bytes:
    """The Ethernet frame with its IPv4 total length set to 0 (and zero-padded to `pad_to` bytes)."""
    b = bytearray(frame)
    b[16:18] = b'\x00\x00'
    if len(b) < pad_to:
        b += bytes(pad_to - len(b))
    return bytes(b)


def main():
    cap = Capture()
    f = Flow(cap, caddr='192.0.2.10', saddr='192.0.2.20', cport=43000, sport=8080, ts=False)
    f.handshake()
    f.send('c', 'PA', b'GET-LIKE but not HTTP: a request of forty bytes')
    f.send('s', 'A')
    f.send('s', 'PA', bytes(range(256)) * 12)
    f.send('c', 'A')
    f.send('s', 'PA', b'second block')
    f.send('c', 'A')
    f.close()
    frames = []
    for i, (t, data, orig) in enumerate(cap.frames):
        # Frames 4-9 (the data and the ACKs after the handshake): total length 0; frame 5 (an ACK) padded.
        if 3 <= i <= 8:
            data = zero_total_length(data, 60 if i == 4 else 0)
        frames.append((t, data, orig))
    cap.frames = frames
    cap.write(os.path.join(out, 'ipv4-tso.pcap'))


main()
