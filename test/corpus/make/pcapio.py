"""Minimal pcap / pcapng reading and writing for the corpus makers (byte-exact control over every field).

Not a general library: just enough to re-encapsulate real recordings and to write the format variants
that tcpdump/editcap cannot (big-endian, odd resolutions, SPB, NRB/ISB/custom blocks, two sections…).
"""
import struct
from dataclasses import dataclass, field
from typing import List, Optional, Tuple


@dataclass
class Rec:
    data: bytes
    sec: int
    frac: int          # in the file's units (µs or ns for pcap)
    length: int = -1   # original length; -1 = len(data)

    @property
    def orig(self) -> int:
        return len(self.data) if self.length < 0 else self.length


def read_pcap(path: str) -> Tuple[int, int, List[Rec]]:
    """Returns (linktype, units per second, records) of a classic pcap file."""
    b = open(path, 'rb').read()
    magic = struct.unpack('<I', b[:4])[0]
    e = '<'
    if magic not in (0xa1b2c3d4, 0xa1b23c4d):
        e = '>'
        magic = struct.unpack('>I', b[:4])[0]
    units = 10**9 if magic == 0xa1b23c4d else 10**6
    linktype = struct.unpack(e + 'I', b[20:24])[0] & 0xffff
    recs, pos = [], 24
    while pos + 16 <= len(b):
        sec, frac, cap, ln = struct.unpack(e + 'IIII', b[pos:pos + 16])
        recs.append(Rec(b[pos + 16:pos + 16 + cap], sec, frac, ln))
        pos += 16 + cap
    return linktype, units, recs


def pcap_bytes(linktype: int, recs: List[Rec], big: bool = False, ns: bool = False, snaplen: int = 262144,
               raw_header: Optional[bytes] = None) -> bytes:
    e = '>' if big else '<'
    out = [raw_header if raw_header is not None else
           struct.pack(e + 'IHHiIII', 0xa1b23c4d if ns else 0xa1b2c3d4, 2, 4, 0, 0, snaplen, linktype)]
    for r in recs:
        out.append(struct.pack(e + 'IIII', r.sec, r.frac, len(r.data), r.orig) + r.data)
    return b''.join(out)


def write_pcap(path: str, linktype: int, recs: List[Rec], **kw) -> None:
    open(path, 'wb').write(pcap_bytes(linktype, recs, **kw))


# ---------------------------------------------------------------- pcapng

def pad4(b: bytes) -> bytes:
    return b + b'\0' * (-len(b) % 4)


class Ng:
    """Builds a pcapng file block by block, in one byte order (big=True for a big-endian section)."""

    def __init__(self, big: bool = False):
        self.e = '>' if big else '<'
        self.parts: List[bytes] = []

    def opt(self, code: int, value: bytes) -> bytes:
        return struct.pack(self.e + 'HH', code, len(value)) + pad4(value)

    def opts(self, options: List[Tuple[int, bytes]]) -> bytes:
        if not options:
            return b''
        return b''.join(self.opt(c, v) for c, v in options) + struct.pack(self.e + 'HH', 0, 0)

    def block(self, btype: int, body: bytes) -> 'Ng':
        body = pad4(body)
        total = 12 + len(body)
        self.parts.append(struct.pack(self.e + 'II', btype, total) + body + struct.pack(self.e + 'I', total))
        return self

    def shb(self, options: List[Tuple[int, bytes]] = (), section_len: int = -1) -> 'Ng':
        return self.block(0x0A0D0D0A, struct.pack(self.e + 'IHHq', 0x1A2B3C4D, 1, 0, section_len) + self.opts(list(options)))

    def idb(self, linktype: int, snaplen: int = 262144, options: List[Tuple[int, bytes]] = ()) -> 'Ng':
        return self.block(1, struct.pack(self.e + 'HHI', linktype, 0, snaplen) + self.opts(list(options)))

    def tsresol(self, r: int) -> Tuple[int, bytes]:
        return (9, bytes([r]))

    def tsoffset(self, seconds: int) -> Tuple[int, bytes]:
        return (14, struct.pack(self.e + 'q', seconds))

    def epb(self, iface: int, ticks: int, data: bytes, orig: int = -1, options: List[Tuple[int, bytes]] = (),
            caplen: Optional[int] = None) -> 'Ng':
        cap = len(data) if caplen is None else caplen
        body = struct.pack(self.e + 'IIIII', iface, ticks >> 32, ticks & 0xffffffff, cap,
                           len(data) if orig < 0 else orig) + pad4(data) + self.opts(list(options))
        return self.block(6, body)

    def opb(self, iface: int, ticks: int, data: bytes, orig: int = -1) -> 'Ng':
        body = struct.pack(self.e + 'HHIIII', iface, 0, ticks >> 32, ticks & 0xffffffff, len(data),
                           len(data) if orig < 0 else orig) + pad4(data)
        return self.block(2, body)

    def spb(self, orig: int, data: bytes) -> 'Ng':
        return self.block(3, struct.pack(self.e + 'I', orig) + pad4(data))

    def nrb(self, entries: List[Tuple[int, bytes, List[str]]]) -> 'Ng':
        body = b''
        for rtype, addr, names in entries:
            v = addr + b''.join(n.encode() + b'\0' for n in names)
            body += struct.pack(self.e + 'HH', rtype, len(v)) + pad4(v)
        body += struct.pack(self.e + 'HH', 0, 0)
        return self.block(4, body)

    def isb(self, iface: int, ticks: int, options: List[Tuple[int, bytes]] = ()) -> 'Ng':
        return self.block(5, struct.pack(self.e + 'III', iface, ticks >> 32, ticks & 0xffffffff) + self.opts(list(options)))

    def bytes(self) -> bytes:
        return b''.join(self.parts)

    def write(self, path: str) -> None:
        open(path, 'wb').write(self.bytes())


def u64(e: str, v: int) -> bytes:
    return struct.pack(e + 'Q', v)
