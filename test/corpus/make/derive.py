#!/usr/bin/python3
"""Derives link-type and file-format variants from the real lab recordings in ../lab (timestamps kept).

Writes ../link/* (NULL, raw IP, VLAN, QinQ) and ../format/* (byte orders, resolutions, pcapng variants).
Deterministic: same recordings in, same files out.
"""
import os
import struct
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pcapio import Ng, Rec, pcap_bytes, read_pcap, write_pcap  # noqa: E402

here = os.path.dirname(os.path.abspath(__file__))
corpus = os.path.dirname(here)
lab = lambda n: os.path.join(corpus, 'lab', n)  # noqa: E731
link = lambda n: os.path.join(corpus, 'link', n)  # noqa: E731
fmt = lambda n: os.path.join(corpus, 'format', n)  # noqa: E731
os.makedirs(os.path.join(corpus, 'link'), exist_ok=True)
os.makedirs(os.path.join(corpus, 'format'), exist_ok=True)


def relink(recs, fn):
    """New records with the link header rewritten by fn(ethernet_frame) -> new frame; lengths follow."""
    out = []
    for r in recs:
        d = fn(r.data)
        out.append(Rec(d, r.sec, r.frac, r.orig - len(r.data) + len(d)))
    return out


# ---- BSD loopback (NULL, linktype 0): a 4-byte address family, in the writer's byte order, as macOS lo0 writes it.
def null_of(family, big=False):
    return lambda eth: struct.pack('>I' if big else '<I', family) + eth[14:]


_, _, v4 = read_pcap(lab('ipv4-4seg.pcap'))
_, _, v6 = read_pcap(lab('ipv6-4seg.pcap'))
_, _, v4_3 = read_pcap(lab('ipv4-3seg.pcap'))
write_pcap(link('null-ipv4.pcap'), 0, relink(v4, null_of(2)))                  # the seed's own situation
write_pcap(link('null-ipv4-be.pcap'), 0, relink(v4, null_of(2, True)), big=True)  # a big-endian host's file
write_pcap(link('null-ipv6-30.pcap'), 0, relink(v6, null_of(30)))              # macOS AF_INET6
write_pcap(link('null-ipv6-24.pcap'), 0, relink(v6, null_of(24)))              # NetBSD/OpenBSD AF_INET6
write_pcap(link('null-ipv6-28.pcap'), 0, relink(v6, null_of(28)))              # FreeBSD AF_INET6
# OpenBSD's LOOP (linktype 108): the family is always big-endian.
write_pcap(link('loop-ipv4.pcap'), 108, relink(v4, null_of(2, True)))

# ---- raw IP: no link header at all.
strip = lambda eth: eth[14:]  # noqa: E731
write_pcap(link('raw-101.pcap'), 101, relink(v4_3, strip))   # LINKTYPE_RAW
write_pcap(link('raw-12.pcap'), 12, relink(v4_3, strip))     # DLT_RAW as most BSDs/Linux number it
write_pcap(link('raw-14.pcap'), 14, relink(v6, strip))       # DLT_RAW as OpenBSD/BSD/OS number it
write_pcap(link('raw-ipv4-228.pcap'), 228, relink(v4_3, strip))
write_pcap(link('raw-ipv6-229.pcap'), 229, relink(v6, strip))

# ---- Ethernet with one 802.1Q tag (PCP 5, VID 10) and with QinQ (802.1ad S-tag VID 100, then C-tag VID 10).
write_pcap(link('vlan.pcap'), 1, relink(v4_3, lambda e: e[:12] + struct.pack('>HH', 0x8100, (5 << 13) | 10) + e[12:]))
write_pcap(link('qinq.pcap'), 1, relink(v6, lambda e: e[:12] + struct.pack('>HHHH', 0x88a8, 100, 0x8100, (1 << 12) | 10) + e[12:]))

# ---- multi-interface pcapng: Ethernet, SLL2 and NULL interfaces, merged in time order by mergecap.
subprocess.run(['mergecap', '-F', 'pcapng', '-w', link('multi-if.pcapng'),
                lab('ipv4-3seg.pcap'), lab('ipv4-3seg-sll2.pcap'), link('null-ipv4.pcap')], check=True)

# ---- classic pcap: byte orders and resolutions.
_, _, ns = read_pcap(lab('ipv4-3seg-ns.pcap'))
write_pcap(fmt('pcap-be-us.pcap'), 1, v4_3, big=True)
write_pcap(fmt('pcap-be-ns.pcap'), 1, ns, big=True, ns=True)
subprocess.run(['editcap', '-F', 'nsecpcap', lab('ipv4-4seg.pcap'), fmt('pcap-editcap-nsec.pcap')], check=True)
# Snap length 68 (tcpdump -s 68 style): frames cut short, frame.len > frame.cap_len.
write_pcap(fmt('pcap-snaplen68.pcap'), 1, [Rec(r.data[:68], r.sec, r.frac, r.orig) for r in v4_3], snaplen=68)
# Data segments cut inside their payload by the snap length, a different cut each (payload bytes kept: 0, 1, 2,
# 3, 4, 5, 9, 10, 24, 200): tshark shows what was captured as data, without "Packet size limited" unless one of
# its heuristic dissectors needed bytes that are missing.
_, _, transfer = read_pcap(os.path.join(corpus, 'tcp', 'transfer-base.pcap'))
kept = iter([0, 1, 2, 3, 4, 5, 9, 10, 24, 200])
cut = [Rec(r.data[:66 + next(kept)] if r.orig > 1000 else r.data, r.sec, r.frac, r.orig) for r in transfer[:23]]
write_pcap(fmt('pcap-snaplen-payload.pcap'), 1, cut)
# ICMP messages cut by the snap length: echo messages inside the identifier and sequence, errors inside the
# quoted IPv4/IPv6 header and the UDP header after it (tshark: a "[fragmented datagram]" checksum, the quoted
# protocol named in "Packet size limited during capture"); and the UDP datagrams they answer, cut after the
# UDP length (shown, with Len= in Info).
_, _, ping6 = read_pcap(os.path.join(corpus, 'noise', 'ping6.pcap'))
_, _, unreach = read_pcap(os.path.join(corpus, 'noise', 'udp-unreach.pcap'))
icmp_cuts = [(ping6[0], 60), (ping6[1], 70), (unreach[0], 40), (unreach[1], 40), (unreach[1], 50), (unreach[1], 60), (unreach[1], 66), (unreach[1], 70),
             (unreach[2], 60), (unreach[3], 70), (unreach[3], 100), (unreach[3], 106), (unreach[3], 110)]
write_pcap(fmt('pcap-snaplen-icmp.pcap'), 1, [Rec(r.data[:n], r.sec, r.frac, r.orig) for r, n in icmp_cuts])
# HTTP cut by a snap length, every frame of a connection at the same length (a capture's snap length): a
# request line without its line end and response bodies cut (70 bytes), and payloads cut to 2 bytes, where
# tshark 4.0's HTTP throws before showing anything (68 bytes, the first 40 frames of tcp/late-after-park.pcap:
# port 8080). Our HTTP once read past the captured bytes ("Dissector bug") and took 2-byte payloads for RTPS's.
for src, n, name in [(('reasm', 'http-live.pcap'), 70, 'pcap-snaplen-http-70.pcap'), (('tcp', 'late-after-park.pcap'), 68, 'pcap-snaplen-http-2.pcap')]:
    _, _, recs = read_pcap(os.path.join(corpus, *src))
    recs = recs[:40] if src[1] == 'late-after-park.pcap' else recs
    write_pcap(fmt(name), 1, [Rec(r.data[:n], r.sec, r.frac, r.orig) for r in recs], snaplen=n)
# Invalid fractions (≥ 1 s): µs field 1 000 000 and 1 500 000, and a ns file with 1 000 000 001.
odd = [Rec(v4_3[0].data, v4_3[0].sec, 1_000_000), Rec(v4_3[1].data, v4_3[1].sec, 1_500_000),
       Rec(v4_3[2].data, v4_3[2].sec, 999_999), Rec(v4_3[3].data, 0xffffffff, 2_000_000)]
write_pcap(fmt('pcap-frac-overflow-us.pcap'), 1, odd)
write_pcap(fmt('pcap-frac-overflow-ns.pcap'), 1, [Rec(ns[0].data, ns[0].sec, 1_000_000_001),
                                                  Rec(ns[1].data, ns[1].sec, 4_294_967_295)], ns=True)
# caplen > len (a broken writer): tshark keeps both numbers.
write_pcap(fmt('pcap-caplen-gt-len.pcap'), 1, [Rec(r.data, r.sec, r.frac, len(r.data) - 10) for r in v4_3[:2]])
# caplen > the header's snap length, and a snap length of 0.
write_pcap(fmt('pcap-caplen-gt-snaplen.pcap'), 1, v4_3[:3], snaplen=60)
write_pcap(fmt('pcap-snaplen0.pcap'), 1, v4_3[:3], snaplen=0)
# The link-type word's upper bits carry the FCS length (here "4 bytes of FCS present", bit 0x10000000 + 0x04000000).
hdr = struct.pack('<IHHiII', 0xa1b2c3d4, 2, 4, 0, 0, 262144) + struct.pack('<I', 1 | 0x14000000)
open(fmt('pcap-fcs-bits.pcap'), 'wb').write(pcap_bytes(1, [Rec(r.data + b'\xde\xad\xbe\xef', r.sec, r.frac) for r in v4_3[:3]], raw_header=hdr))


# ---- pcapng.
def ticks(r, units_src, units_dst):
    """Record time (in units_src) as an integer tick count in units_dst, truncated."""
    total = r.sec * units_src + r.frac
    return total * units_dst // units_src


SHB_APP = [(4, b'Handshake Lab corpus maker')]

# Real ns recording written by editcap as pcapng (if_tsresol 9).
subprocess.run(['editcap', '-F', 'pcapng', lab('ipv4-3seg-ns.pcap'), fmt('pcapng-editcap-ns.pcapng')], check=True)
subprocess.run(['editcap', '-F', 'pcapng', lab('ipv6-3seg.pcap'), fmt('pcapng-editcap-us.pcapng')], check=True)

# if_tsresol 2^-20 (binary fractions), and one file with an interface per resolution.
ng = Ng().shb(SHB_APP).idb(1, options=[(2, b'lo'), Ng().tsresol(0x80 | 20)])
for r in ns:
    ng.epb(0, ticks(r, 10**9, 2**20), r.data, r.orig)
ng.write(fmt('pcapng-tsresol-2p20.pcapng'))

resols = [(9, 10**9), (6, 10**6), (3, 10**3), (0, 1), (0x80 | 20, 2**20), (0x80 | 10, 2**10), (0x80 | 30, 2**30), (4, 10**4)]
ng = Ng().shb(SHB_APP)
for code, _ in resols:
    ng.idb(1, options=[Ng().tsresol(code)])
for i, r in enumerate(ns):
    for j, (_, units) in enumerate(resols):
        if i % len(resols) == j or i == 0:
            ng.epb(j, ticks(r, 10**9, units), r.data, r.orig)
ng.write(fmt('pcapng-tsresol-mix.pcapng'))

# Simple Packet Blocks (no timestamp, no interface id: interface 0), one cut by the IDB's snap length of 60.
ng = Ng().shb(SHB_APP).idb(1, snaplen=0)
for r in v4_3[:4]:
    ng.spb(r.orig, r.data)
ng.write(fmt('pcapng-spb.pcapng'))
ng = Ng().shb(SHB_APP).idb(1, snaplen=60)
for r in v4_3[:4]:
    ng.spb(r.orig, r.data[:60])
ng.epb(0, ticks(v4_3[4], 10**6, 10**6), v4_3[4].data[:60], v4_3[4].orig)
ng.write(fmt('pcapng-spb-snaplen.pcapng'))

# Blocks that carry no frames, between packets: NRB, ISB, custom (copy / no-copy), DSB, a local-use block,
# a reserved unknown block type; EPBs with comments and other options.
ng = Ng().shb(SHB_APP + [(2, b'x86_64'), (3, b'Linux')])
ng.idb(1, options=[(2, b'lo'), (3, b'loopback'), (9, bytes([6])), (12, b'Linux 6')])
ng.nrb([(1, bytes([127, 0, 0, 1]), ['localhost', 'lab.local']), (2, bytes(15) + b'\x01', ['ip6-localhost'])])
for i, r in enumerate(v4_3):
    opts = []
    if i == 0:
        opts = [(1, b'first SYN'), (1, 'zweiter Kommentar \u00e4'.encode())]
    if i == 3:
        opts = [(2, struct.pack('<I', 1)), (1, b'data: I\'m TCP client'), (4, struct.pack('<Q', 0))]
    ng.epb(0, ticks(r, 10**6, 10**6), r.data, r.orig, options=opts)
    if i == 1:
        ng.block(0x00000BAD, struct.pack('<I', 32473) + b'custom copy data')   # custom block, copyable
        ng.block(0x40000BAD, struct.pack('<I', 32473) + b'no-copy data')       # custom block, not copyable
    if i == 2:
        ng.block(0x0000000A, struct.pack('<II', 0x544c534b, 8) + b'CLIENT_R')  # decryption secrets (TLS key log)
        ng.block(0x80001234, b'local use block')                               # local-use block type
        ng.block(0x00000123, b'\x00' * 8)                                        # reserved, unknown type
    if i == 5:
        ng.isb(0, ticks(r, 10**6, 10**6), options=[(4, struct.pack('<Q', 8)), (5, struct.pack('<Q', 0))])
ng.write(fmt('pcapng-blocks.pcapng'))

# Big-endian pcapng (as a big-endian host writes it).
ng = Ng(big=True).shb(SHB_APP).idb(1, options=[(2, b'lo0'), Ng(big=True).tsresol(9)])
for r in ns:
    ng.epb(0, ticks(r, 10**9, 10**9), r.data, r.orig, options=[(1, b'big-endian')])
ng.write(fmt('pcapng-be.pcapng'))

# Two sections: little-endian with Ethernet (µs), then big-endian with NULL (ns); each has its own interface 0.
a = Ng().shb(SHB_APP).idb(1, options=[(2, b'eth-section')])
for r in v4_3[:4]:
    a.epb(0, ticks(r, 10**6, 10**6), r.data, r.orig)
b = Ng(big=True).shb(SHB_APP).idb(0, options=[(2, b'null-section'), Ng(big=True).tsresol(9)]).idb(1)
for r in relink(v4, null_of(2, True))[:4]:
    b.epb(0, ticks(r, 10**6, 10**9), r.data, r.orig)
b.epb(1, ticks(v4_3[5], 10**6, 10**9), v4_3[5].data, v4_3[5].orig)
open(fmt('pcapng-2sections.pcapng'), 'wb').write(a.bytes() + b.bytes())

# if_tsoffset (seconds added to every timestamp) on one interface of two.
ng = Ng().shb(SHB_APP).idb(1, options=[(2, b'offset'), Ng().tsoffset(1000)]).idb(1, options=[(2, b'no offset')])
for i, r in enumerate(v4_3):
    ng.epb(i % 2, ticks(r, 10**6, 10**6), r.data, r.orig)
ng.write(fmt('pcapng-tsoffset.pcapng'))

# EPB whose captured length exceeds the IDB's snap length (64), and one with caplen > packet length.
ng = Ng().shb(SHB_APP).idb(1, snaplen=64)
for r in v4_3[:3]:
    ng.epb(0, ticks(r, 10**6, 10**6), r.data, r.orig)
ng.epb(0, ticks(v4_3[3], 10**6, 10**6), v4_3[3].data, 40)
ng.write(fmt('pcapng-caplen-gt-snaplen.pcapng'))

# Obsolete Packet Block (type 2) between EPBs.
ng = Ng().shb(SHB_APP).idb(1)
for i, r in enumerate(v4_3):
    (ng.opb if i % 2 else ng.epb)(0, ticks(r, 10**6, 10**6), r.data, r.orig)
ng.write(fmt('pcapng-opb.pcapng'))

# An SHB with section length given, an IDB with many options and option padding, zero-length EPB data.
ng = Ng().shb(SHB_APP + [(1, b'a section comment')])
ng.idb(1, options=[(2, b'lo'), (4, bytes([127, 0, 0, 1, 255, 0, 0, 0])), (6, bytes(6)), (8, struct.pack('<Q', 10**9)),
                   (11, b'\x00tcp port 12345'), (13, struct.pack('<I', 4)), (0x8123, b'local option')])
ng.epb(0, ticks(v4_3[0], 10**6, 10**6), b'', 0)
for r in v4_3[:3]:
    ng.epb(0, ticks(r, 10**6, 10**6), r.data, r.orig)
ng.write(fmt('pcapng-options.pcapng'))

# Linux cooked v1 with odd link-layer address types and lengths: 65535 (ARPHRD_VOID, "Void type, nothing is
# known"), 0, 24, 512, 776; a 4-byte address (shown as IPv4 whatever the type) and a 6-byte one (a MAC).
_, _, sll = read_pcap(lab('ipv4-3seg-sll.pcap'))
odd = [(0xffff, 6), (0xffff, 4), (0, 6), (24, 6), (512, 4), (776, 6), (1, 4), (0xffff, 2)]
write_pcap(link('sll-void.pcap'), 113, [Rec(r.data[:2] + struct.pack('>HH', *odd[i % len(odd)]) + r.data[6:], r.sec, r.frac, r.orig)
                                         for i, r in enumerate(sll)])

print('derived', len(os.listdir(os.path.join(corpus, 'link'))), 'link and', len(os.listdir(os.path.join(corpus, 'format'))), 'format files')
