#!/usr/bin/python3
"""DNS record types tshark 4.0 decodes that we once showed as undecoded "Data" (writes ../reasm/dns-types-*.pcap):
HTTPS and SVCB (the service parameters browsers ask for), CAA, the DNSSEC types (RRSIG, DNSKEY, DS, NSEC3,
NSEC3PARAM, CDS, CDNSKEY), NAPTR, TLSA, SSHFP and LOC; each well formed, then with its data cut short or too
long (a field runs on into the next record, or past the message: Malformed).

Messages are encoded by hand (struct), as in dns-craft.py, so names, pointers and lengths are exactly as listed.
Deterministic. usage: dns-types-craft.py [OUTDIR]
"""
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tcpsim import Capture  # noqa: E402
from craft import answers, name, outputs, ptr, strings  # noqa: E402

out, path = outputs('reasm')
def param(key, value):
    return struct.pack('!HH', key, len(value)) + value



V4 = [bytes([192, 0, 2, 1]), bytes([198, 51, 100, 7])]
V6 = [bytes.fromhex('20010db8000000000000000000000001'), bytes.fromhex('2606470000000000000000006810f0a5')]


def svcb():
    """HTTPS (65) and SVCB (64): priority, target name, then SvcParams (key, length, value) until the record's data
    is used up; each known key's value decoded (and shown in the parameter's title), an unknown key's as text."""
    cap = Capture()
    https = [
        struct.pack('!H', 1) + b'\0' + param(1, strings(b'h3', b'h2')) + param(4, V4[0] + V4[1]) + param(6, V6[0] + V6[1]),
        struct.pack('!H', 1) + b'\0' + param(0, struct.pack('!HH', 1, 3)) + param(1, strings(b'h2')) + param(2, b'') +
        param(3, struct.pack('!H', 8443)) + param(5, bytes(range(1, 11))) + param(32769, b'\x01\x02\x03'),
        struct.pack('!H', 2) + name('cdn.example.net') + param(7, b'/dns-query{?dns}') + param(65000, b'\x00\x01\xff\n') +
        param(65535, b'') + param(0, struct.pack('!HH', 7, 65535)),
        struct.pack('!H', 1) + ptr(12) + param(1, strings(b'', b'h\xffx', b'a\0b', b'http/1.1')),
        struct.pack('!H', 1) + b'\0' + param(6, b''.join([V6[0], V6[1]] * 6)),
        struct.pack('!H', 1) + b'\0' + param(5, b''),
        # Values of the wrong length: mandatory of 3 bytes, ipv4hint of 6, ipv6hint of 20, port of 0 and of 4.
        struct.pack('!H', 1) + b'\0' + param(0, b'\0\1\0'),
        struct.pack('!H', 1) + b'\0' + param(4, V4[0] + b'\1\2'),
        struct.pack('!H', 1) + b'\0' + param(6, V6[0] + b'\1\2\3\4'),
        struct.pack('!H', 1) + b'\0' + param(3, b'') + param(3, b'\1\2\3\4'),
        (struct.pack('!H', 1) + b'\0' + param(4, V4[0] + b'\1\2'),),
        # A value longer than the record, an ALPN string longer than its value, a key cut in two.
        struct.pack('!H', 1) + b'\0' + struct.pack('!HH', 1, 40) + b'\2h2',
        struct.pack('!H', 1) + b'\0' + param(1, b'\5h2'),
        (struct.pack('!H', 1) + b'\0' + param(1, b'\5h2'),),
        struct.pack('!H', 1) + b'\0' + b'\0',
        (struct.pack('!H', 1) + b'\0' + b'\0\1\0',),
        b'\0', (b'\0',), b'\0\1', (b'\0\1',), struct.pack('!H', 1) + b'\3abc',
    ]
    answers(cap, 0x6501, 65, https)
    answers(cap, 0x6401, 64, [
        struct.pack('!H', 0) + name('svc.example.org'),
        struct.pack('!H', 16) + name('doh.example.net') + param(1, strings(b'h2')) + param(3, struct.pack('!H', 443)) + param(7, b'/q{?dns}'),
    ])
    cap.write(path('dns-types-svcb.pcap'))



def cuts(rd, lengths):
    """The record data cut to each length (the fields beyond it are read from what follows), and the whole."""
    return [rd[:n] for n in lengths if n < len(rd)]


def caa():
    """CAA (257): flags, a tag and its value (the rest of the record). The tag picks the item as strncmp over the
    tag's length does: a prefix of "issue" (or an empty tag) is Issue; a tag running past the record wraps the
    value's length (Malformed)."""
    cap = Capture()

    def rd(flags, tag, value):
        return bytes([flags, len(tag)]) + tag + value
    cases = [
        rd(0, b'issue', b'letsencrypt.org'), rd(0x80, b'iodef', b'mailto:security@example.org'),
        rd(0, b'issuewild', b'ca.example.net; account=42'), rd(0x81, b'contactemail', b'a@b.c'),
        rd(0, b'iss', b'x'), rd(0, b'', b'empty tag'), rd(0, b'ISSUE', b'upper'), rd(0, b'issuex', b'longer'),
        rd(0, b'is\0x', b'nul in tag'), rd(0, b'io\xffef', b'x'), rd(0, b'issue', b'a\0b\x01c\td\xff\xfee\\f'),
        rd(0, b'issue', b''), rd(0, b'issue', b';'), bytes([0, 9]) + b'issue', bytes([0]), (bytes([0]),),
        (bytes([0, 9]) + b'issue',),
    ]
    answers(cap, 0x5701, 257, cases)
    cap.write(path('dns-types-caa.pcap'))


def dnssec():
    """RRSIG (46), SIG (24), DNSKEY (48), CDNSKEY (60), DS (43), CDS (59), DLV (32769), NSEC3 (50), NSEC3PARAM (51):
    well formed (unknown algorithms and types too), then cut at several lengths: the fields read on into the next
    record, a byte string whose length comes out -1 runs to the end of the message and one below -1 is an error."""
    cap = Capture()
    rrsig = struct.pack('!HBBIIIH', 1, 8, 2, 3600, 1700000000, 1690000000, 12345) + name('example.org') + bytes(range(40))
    rrsig_ptr = struct.pack('!HBBIIIH', 999, 99, 0, 0x80000000, 0, 0xffffffff, 0) + ptr(12)
    answers(cap, 0x4601, 46, [rrsig, rrsig_ptr, rrsig[:31]] + cuts(rrsig, [1, 3, 8, 17, 18, 19, 29, 30]) + [(rrsig[:20],)])
    answers(cap, 0x1801, 24, [struct.pack('!HBBIIIH', 6, 5, 3, 86400, 1000000000, 900000000, 1) + name('sig.example') + bytes(8)])
    key = struct.pack('!HBB', 257, 3, 8) + bytes(range(64))
    answers(cap, 0x4801, [48, 48, 60, 48, 48, 48, 48, 48, 48, 48], [
        key, struct.pack('!HBB', 0xffff, 2, 1) + bytes(range(10, 26)), struct.pack('!HBB', 256, 3, 13) + bytes(range(7)),
        struct.pack('!HBB', 257, 3, 1) + b'\x01\x02',
        key[:4], key[:5], key[:3], key[:2], key[:1], (key[:3],)])
    ds = struct.pack('!HBB', 12345, 8, 2) + bytes(range(32))
    answers(cap, 0x4301, [43, 59, 32769, 43, 43, 43, 43, 43, 43, 43], [
        ds, struct.pack('!HBB', 2371, 13, 4) + bytes(48), struct.pack('!HBB', 1, 200, 9) + bytes(4),
        ds[:4], ds[:3], ds[:2], ds[:1], (ds[:3],), (ds[:2],), (ds[:4],)])
    maps = bytes([0, 6, 0x62, 0x01, 0x80, 0x08, 0x00, 0x03])
    nsec3 = b'\x01\x01\x00\x0a\x04\xaa\xbb\xcc\xdd\x14' + bytes(range(0x60, 0x74)) + maps
    answers(cap, 0x5001, 50, [
        nsec3, b'\x01\x00\x00\x00\x00\x14' + bytes(range(20)), b'\x02\xfe\xff\xff\x00\x01\xff' + maps,
        b'\x01\x00\x00\x00\x00\x00', b'\x01\x00\x00\x01\x01\x07\x03\x99\x88\x77'] + cuts(nsec3, [1, 4, 5, 7, 9, 10, 12, 29, 30, 31]) +
        [(nsec3[:12],), (b'\x01\x00\x00\x00\x00\x01\xf8',)])
    p3 = b'\x01\x00\x00\x0a\x04\xaa\xbb\xcc\xdd'
    answers(cap, 0x5101, 51, [p3, b'\x01\x01\x00\x00\x00', b'\x07\x00\xff\xff\x02\x00'] + cuts(p3, [1, 4, 5, 6]) + [(p3[:6],)])
    cap.write(path('dns-types-dnssec.pcap'))


def misc():
    """NAPTR (35), TLSA (52), SSHFP (44) and LOC (29), well formed, with unknown values, and cut short."""
    cap = Capture()
    naptr = struct.pack('!HH', 100, 10) + b'\x01U\x07E2U+sip\x19!^.*$!sip:info@example.com!' + b'\x00'
    naptr2 = struct.pack('!HH', 1, 2) + b'\x01S\x07SIP+D2U\x00' + name('_sip._udp.example.org')
    answers(cap, 0x3501, 35, [naptr, naptr2, struct.pack('!HH', 3, 4) + b'\x02a\xff\x00\x00' + ptr(12),
                              struct.pack('!HH', 5, 6) + b'\x03a\0b\x00\x00\x00'] + cuts(naptr2, [1, 3, 4, 5, 6, 13, 14, 15]) +
            [(naptr2[:14],), (naptr[:-1],)])
    tlsa = b'\x03\x01\x01' + bytes(range(32))
    answers(cap, 0x5201, 52, [tlsa, b'\x00\x00\x00' + bytes(range(40)), b'\x09\x07\x05\x01', tlsa[:3], tlsa[:2], tlsa[:1], (tlsa[:2],), (tlsa[:1],)])
    fp = b'\x04\x02' + bytes(range(32))
    answers(cap, 0x4401, 44, [fp, b'\x01\x01' + bytes(20), b'\x09\x07\x01', fp[:2], fp[:1], (fp[:1],), (fp[:2],)])
    loc = bytes([0, 0x12, 0x16, 0x13]) + struct.pack('!III', 0x89e7c8c0, 0x7fa3a2c0, 10000000)
    answers(cap, 0x2901, 29, [
        loc, bytes([0, 0x99, 0x00, 0x10]) + struct.pack('!III', 0x80000000, 0x80000000, 0),
        bytes([0, 0x35, 0x9f, 0x01]) + struct.pack('!III', 0x80000000 + 324000001, 0x80000000 - 648000001, 0xffffffff),
        bytes([0, 0x25, 0x46, 0x5a]) + struct.pack('!III', 0x80000000 - 324000000, 0x80000000 + 648000000, 10000123),
        bytes([1, 2, 3, 4, 5]), bytes([0xff])] + cuts(loc, [1, 2, 4, 8, 12, 15]) + [(loc[:15],), (loc[:4],)])
    cap.write(path('dns-types-misc.pcap'))



def rare():
    """Rarer types tshark decodes: RP, AFSDB, X25, ISDN (with and without a subaddress), RT, MINFO, NSAP, NSAP-PTR,
    PX, GPOS, KX, CERT, DHCID, OPENPGPKEY, NID, L32, L64, LP, EUI48, EUI64; each also cut short (read on into
    the next record) and cut last in the message (Malformed)."""
    cap = Capture()
    cases = [
        (17, name('mbox.example.org') + name('txt.example.org')), (18, struct.pack('!H', 1) + name('afs.example.org')),
        (19, b'\x0c311061700956'), (20, b'\x0f150862028003217\x03004'), (20, b'\x0f150862028003217'),
        (21, struct.pack('!H', 10) + name('rt.example.org')), (14, name('r.example.org') + ptr(12)),
        (22, bytes(range(20))), (23, name('nsap.example.org')), (26, struct.pack('!H', 10) + name('a.org') + name('b.org')),
        (27, b'\x04-1.5\x033.0\x010'), (36, struct.pack('!H', 10) + name('kx.example.org')),
        (37, struct.pack('!HHB', 1, 0xabcd, 8) + bytes(10)), (37, struct.pack('!HHB', 99, 2, 99)),
        (49, bytes(range(30))), (61, b'mQENBFxyz\x00+/'), (104, struct.pack('!H', 10) + bytes(range(8))),
        (105, struct.pack('!H', 10) + bytes([10, 1, 2, 3])), (106, struct.pack('!H', 10) + bytes(range(8))),
        (107, struct.pack('!H', 10) + name('lp.example.org')), (108, bytes(range(0xa0, 0xa6))), (109, bytes(range(0xf0, 0xf8))),
    ]
    types, rds = [t for t, _ in cases], [rd for _, rd in cases]
    short = [(t, rd[:n]) for t, rd in cases for n in (1, 3) if n < len(rd)]
    last = [(t, (rd[:len(rd) - 1],)) for t, rd in cases]
    answers(cap, 0x7001, types + [t for t, _ in short] + [t for t, _ in last], rds + [rd for _, rd in short] + [rd for _, rd in last])
    cap.write(path('dns-types-rare.pcap'))


svcb()
caa()
dnssec()
misc()
rare()
