#!/usr/bin/python3
"""Malformed frames and damaged files (writes ../bad/*), built from the real lab recording ../lab/ipv4-3seg.pcap.

  malformed.pcap               one broken frame per case (see CASES): bad header lengths, options overrunning,
                               lengths beyond the captured bytes, frames cut by the snap length, runt frames
  truncated-record.pcap        the last record cut in the middle of its packet bytes
  truncated-header.pcap        cut in the middle of a record header
  truncated-block.pcapng       a pcapng file cut in the middle of an Enhanced Packet Block
  damaged-trailing-garbage.pcap    valid records followed by bytes that are no record (an impossible length)
  damaged-trailing-garbage.pcapng  the same for pcapng (a block whose length field is not a multiple of 4)
  empty.pcap                   zero bytes
  bad-magic.pcap               a file that is not a capture (text)
Deterministic.
"""
import os
import struct
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pcapio import Ng, Rec, pcap_bytes, read_pcap, write_pcap  # noqa: E402

here = os.path.dirname(os.path.abspath(__file__))
corpus = os.path.dirname(here)
bad = os.path.join(corpus, 'bad')
os.makedirs(bad, exist_ok=True)
path = lambda n: os.path.join(bad, n)  # noqa: E731
_, _, lab = read_pcap(os.path.join(corpus, 'lab', 'ipv4-3seg.pcap'))
SYN = bytearray(lab[0].data)       # Ethernet + IPv4 (20) + TCP (40, with options): 74 bytes
DATA = bytearray(lab[3].data)      # the client's data segment (TCP header 32 bytes + 14 bytes payload)
E, I, T = 14, 14, 34               # offsets: IPv4 header, TCP header (for the 20-byte IPv4 header)


def ip_sum(b: bytearray) -> bytearray:
    """Recomputes the IPv4 header checksum over the header length the frame claims (capped to what exists)."""
    ihl = max(5, b[I] & 0xf) * 4
    hdr = bytes(b[I:I + ihl])
    hdr = hdr[:10] + b'\0\0' + hdr[12:]
    if len(hdr) % 2:
        hdr += b'\0'
    s = sum(struct.unpack('>%dH' % (len(hdr) // 2), hdr))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    b[I + 10:I + 12] = struct.pack('>H', ~s & 0xffff)
    return b


def with_(base, edits, fix_sum=True):
    b = bytearray(base)
    for off, val in edits:
        b[off:off + len(val)] = val
    return ip_sum(b) if fix_sum else b


def set_iplen(b, n):
    b[I + 2:I + 4] = struct.pack('>H', n)
    return ip_sum(b)


CASES = []  # (frame bytes, original length or -1, what it shows)


def case(data, what, orig=-1):
    CASES.append((bytes(data), orig, what))


case(with_(SYN, [(I, b'\x44')]), 'IPv4 header length 16 (< 20)')
case(with_(SYN, [(I, b'\x4f')]), 'IPv4 header length 60: options run into the TCP header (bad options)')
case(with_(SYN[:40], [(I, b'\x4f')]), 'IPv4 header length 60 beyond the 26 captured IP bytes')
case(with_(SYN, [(I, b'\x65')]), 'IP version 6 in an IPv4 ethertype frame')
case(set_iplen(bytearray(SYN), 1000), 'IPv4 total length 1000 > the 60 bytes present')
case(set_iplen(bytearray(SYN), 12), 'IPv4 total length 12 < header length 20')
case(with_(SYN, [(T + 12, b'\x40')]), 'TCP header length 16 (< 20)')
case(with_(SYN, [(T + 12, b'\xf0')]), 'TCP header length 60 beyond the 40 bytes present')
case(with_(SYN, [(T + 20, b'\x02\x0a')]), 'TCP MSS option length 10 overrunning the options')
case(with_(SYN, [(T + 20, b'\x02\x00')]), 'TCP option length 0')
case(with_(SYN, [(T + 20, b'\x02\x01')]), 'TCP option length 1')
case(with_(SYN, [(T + 24, b'\x08\x08')]), 'TCP timestamp option with length 8 (should be 10)')
case(with_(SYN, [(T + 24, b'\x05\x0c')]), 'TCP SACK option of length 12 (not 2 + 8n)')
case(with_(SYN, [(T + 37, b'\x02')]), 'TCP window scale option of length 2')
case(SYN[:54], 'the SYN cut at 54 bytes by the snap length (options not captured)', orig=len(SYN))
case(SYN[:44], 'the SYN cut inside the TCP header by the snap length', orig=len(SYN))
case(SYN[:20], 'the SYN cut inside the IPv4 header by the snap length', orig=len(SYN))
case(DATA[:70], 'a data segment cut inside its payload by the snap length', orig=len(DATA))
case(SYN[:10], 'a runt Ethernet frame of 10 bytes (no type field)')
case(b'', 'a zero-length frame')
case(SYN[:12] + b'\x81\x00\x00', 'an 802.1Q tag cut after 1 byte')
case(SYN[:12] + b'\x86\xdd' + bytes([0x60, 0, 0, 0, 0, 20, 6, 64]) + bytes(12), 'an IPv6 header cut at 20 bytes')
ip6 = bytes([0x60, 0, 0, 0]) + struct.pack('>HBB', 500, 6, 64) + bytes(15) + b'\x01' + bytes(15) + b'\x01'
case(SYN[:12] + b'\x86\xdd' + ip6 + bytes(SYN[T:]), 'IPv6 payload length 500 > the 40 bytes present')
hbh = bytes([6, 10]) + bytes(6)  # hop-by-hop header claiming 88 bytes
ip6h = bytes([0x60, 0, 0, 0]) + struct.pack('>HBB', len(hbh) + 20, 0, 64) + bytes(15) + b'\x01' + bytes(15) + b'\x01'
case(SYN[:12] + b'\x86\xdd' + ip6h + hbh + bytes(SYN[T:T + 20]), 'IPv6 hop-by-hop header length 88 beyond the packet')
udp = bytearray(with_(SYN[:T], [(I + 9, b'\x11')]))
udp += struct.pack('>HHHH', 41000, 9, 4, 0)          # UDP length 4 (< 8)
case(set_iplen(udp, 28), 'UDP length 4 (< 8)')
udp2 = bytearray(with_(SYN[:T], [(I + 9, b'\x11')]))
udp2 += struct.pack('>HHHH', 41000, 9, 300, 0) + b'short'
case(set_iplen(udp2, 33), 'UDP length 300 > the IP payload')
icmp = bytearray(with_(SYN[:T], [(I + 9, b'\x01')])) + b'\x03\x03'
case(set_iplen(icmp, 22), 'ICMP header cut at 2 bytes')
icmp_err = bytearray(with_(SYN[:T], [(I + 9, b'\x01')])) + b'\x03\x03\x00\x00\x00\x00\x00\x00' + bytes(SYN[I:I + 10])
case(set_iplen(icmp_err, 38), 'ICMP port unreachable quoting an IPv4 header cut at 10 bytes')
arp = SYN[:12] + b'\x08\x06' + bytes([0, 1, 8, 0, 6, 4, 0, 1]) + bytes(6)
case(arp, 'ARP cut inside the sender addresses')
case(with_(SYN, [(I + 6, b'\x3f\xff')]), 'IPv4 fragment offset 65528 (offset + length past 65535)')

recs = [Rec(d, lab[0].sec + i, 0, orig) for i, (d, orig, _) in enumerate(CASES)]
write_pcap(path('malformed.pcap'), 1, recs)
with open(path('malformed.txt'), 'w') as f:
    f.write('# frame number: what is wrong (tcp-derive: bad-files.py)\n')
    for i, (_, _, what) in enumerate(CASES):
        f.write(f'{i + 1}: {what}\n')

# Damaged files.
_, _, lab4 = read_pcap(os.path.join(corpus, 'lab', 'ipv4-4seg.pcap'))
whole = pcap_bytes(1, lab4)
last = 16 + len(lab4[-1].data)
open(path('truncated-record.pcap'), 'wb').write(whole[:len(whole) - last + 16 + 30])   # 30 of the last 66 bytes
open(path('truncated-header.pcap'), 'wb').write(whole[:len(whole) - last + 9])         # 9 bytes of its header
ng = Ng().shb([(4, b'Handshake Lab corpus maker')]).idb(1)
for r in lab4:
    ng.epb(0, r.sec * 10**6 + r.frac, r.data, r.orig)
nb = ng.bytes()
open(path('truncated-block.pcapng'), 'wb').write(nb[:len(nb) - 40])
garbage = b'\xde\xad\xbe\xef' * 8 + b'not a record, just trailing bytes'
open(path('damaged-trailing-garbage.pcap'), 'wb').write(whole + garbage)
open(path('damaged-trailing-garbage.pcapng'), 'wb').write(nb + struct.pack('<II', 6, 0x2b) + garbage)
open(path('empty.pcap'), 'wb').write(b'')
open(path('bad-magic.pcap'), 'wb').write(b'this is a text file, not a capture\n')
for n in sorted(os.listdir(bad)):
    r = subprocess.run(['tshark', '-r', path(n)], capture_output=True, text=True)
    print(f'{n}: {len(r.stdout.splitlines())} frames; tshark says: {r.stderr.strip().splitlines()[-1] if r.stderr.strip() else "-"}')
