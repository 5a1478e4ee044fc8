#!/usr/bin/python3
"""Crafted corpus files for IP and ICMP edges a comparison with tshark 4.0 found (writes ../ip/*).

icmp-errors.pcap: ICMP and ICMPv6 errors quoting what tshark shows in its own way: a redirect (its
gateway, a quote kept to the header and 64 bits), a source quench (no second word), quotes ending
before or inside the quoted transport's ports (no transport shown), 8 bytes of TCP under IPv6 (the
ports only), and RFC 4884 lengths with multi-part extensions (MPLS label stack, unknown objects, a
missing or bad checksum, an unsupported version, a structure shorter than its header).
cut-network.pcap: Ethernet frames ending inside or right at the start of an IPv4 or IPv6 header: no IPv4
item when not one byte of it is there, IPv6's "Invalid IPv6 header" Info.
ipv6-options.pcap: hop-by-hop options tshark names or checks: experimental types (RFC 4727), an unknown
type's payload, Jumbo Payload options (RFC 2675) with a payload length field that is not 0.
ipv4-opt-timestamp.pcap, ipv4-opt-routes.pcap, ipv4-opt-misc.pcap: SYNs whose IPv4 header carries options
as tshark 4.0 shows them: time stamps of each flag (address and time stamp pairs, "-" for an empty address),
pointers before, inside and past the entries, overflow counts, entries cut by the option's end, options too
short to read (malformed); record and source routes (two in one header, exhausted, pointers before the first
address or inside one, lengths that are not 3 + 4n); stream ID, RFC 791 and RFC 1108 security options, MTU probe and
reply, selective directed broadcast, an unknown type, fixed-length options of the wrong length, 4 NOPs.
Quoted transports are UDP or at most 8 bytes of TCP. Deterministic: running it twice writes identical
files. usage: ip-craft.py
"""
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tcpsim import ZERO_MAC, Capture, eth  # noqa: E402
from scapy.all import ICMP, IP, IPv6, TCP, UDP, Ether, Raw, ICMPv6TimeExceeded  # noqa: E402
from scapy.utils import checksum  # noqa: E402

here = os.path.dirname(os.path.abspath(__file__))
out = os.path.join(os.path.dirname(here), 'ip')
os.makedirs(out, exist_ok=True)

ROUTER, CLIENT, SERVER = '10.0.0.254', '10.0.0.1', '10.0.0.2'
ROUTER6, CLIENT6, SERVER6 = '2001:db8::fe', '2001:db8::1', '2001:db8::2'


def quoted_tcp():
    return bytes(IP(src=CLIENT, dst=SERVER, id=104, flags='DF') /
                 TCP(sport=40000, dport=80, seq=1001, ack=5001, flags='PA') / Raw(b'0123456789' * 3))


def quoted_udp():
    return bytes(IP(src=CLIENT, dst=SERVER, id=105) / UDP(sport=40001, dport=9999) / Raw(b'x' * 20))


def extension(objects, version=2, good=True):
    """An RFC 4884 extension structure: the common header (checksum over it all, or 0) and the objects."""
    body = bytes([version << 4, 0, 0, 0]) + b''.join(objects)
    if good:
        body = body[:2] + struct.pack('!H', checksum(body)) + body[4:]
    return body


def obj(cls, ctype, data):
    return struct.pack('!HBB', 4 + len(data), cls, ctype) + data


MPLS = obj(1, 1, struct.pack('!I', (16000 << 12) | (1 << 8) | 1) + struct.pack('!I', (17 << 12) | (5 << 9) | 64))
UNKNOWN = obj(99, 7, b'abcd')


def pad(b, n):
    return b + b'\x00' * (n - len(b))


def icmp_errors():
    cap = Capture()
    tcp, udp = quoted_tcp(), quoted_udp()

    def icmp(msg):
        cap.add(bytes(eth(IP(src=ROUTER, dst=CLIENT) / msg)), dt=0.001)

    # A redirect: "Gateway Address", and the quote kept to the header and 64 bits of data.
    icmp(ICMP(type=5, code=1, gw='10.0.0.9') / Raw(tcp))
    # A source quench: nothing shown of its second word.
    icmp(ICMP(type=4, code=0) / Raw(tcp[:28]))
    # Quotes ending before the quoted TCP's or UDP's ports: no transport at all.
    for n in (20, 21, 22):
        icmp(ICMP(type=3, code=3) / Raw(tcp[:n]))
    icmp(ICMP(type=3, code=3) / Raw(udp[:21]))
    # RFC 4884: time exceeded with a length (32 words) and an MPLS label stack and an unknown object.
    icmp(ICMP(type=11, code=0, length=32) / Raw(pad(udp, 128) + extension([MPLS, UNKNOWN])))
    # Fragmentation needed with a length: the MTU follows it.
    icmp(ICMP(type=3, code=4, length=32, nexthopmtu=1400) / Raw(pad(udp, 128) + extension([MPLS])))
    # Parameter problem with a length; an extension without a checksum, an MPLS object of an unknown C-Type.
    icmp(ICMP(type=12, code=0, ptr=9, length=32) / Raw(pad(udp, 128) + extension([obj(1, 9, b'zz'), UNKNOWN], good=False)))
    # A length (2 words) shorter than the quoted datagram: the quote ends there, the "extension" is read
    # right after it (a bad checksum, an unsupported version).
    icmp(ICMP(type=3, code=1, length=2) / Raw(tcp + b'\x00' * 80))
    # No length, 128 bytes of quote: the extension after them; a truncated object and one with a bad length.
    icmp(ICMP(type=3, code=3) / Raw(pad(udp, 128) + extension([obj(99, 1, b'12345678')])[:14]))
    icmp(ICMP(type=11, code=0, length=32) / Raw(pad(udp, 128) + extension([b'\x00\x02\x63\x01'])))
    # An unsupported version, then a structure shorter than its header.
    icmp(ICMP(type=11, code=0, length=32) / Raw(pad(udp, 128) + extension([], version=3)))
    icmp(ICMP(type=11, code=0, length=32) / Raw(pad(udp, 128) + b'\x20\x00'))
    # ICMPv6: the IPv6 header alone, then 8 bytes of TCP (the ports only, no sequence number).
    tcp6 = bytes(IPv6(src=CLIENT6, dst=SERVER6) / TCP(sport=40000, dport=80, seq=1001, ack=5001, flags='PA') / Raw(b'0123456789'))
    for n in (40, 48):
        cap.add(bytes(eth(IPv6(src=ROUTER6, dst=CLIENT6) / ICMPv6TimeExceeded(code=0) / Raw(tcp6[:n]))), dt=0.001)
    cap.write(os.path.join(out, 'icmp-errors.pcap'))


def cut_network():
    """Ethernet frames whose IPv4 or IPv6 header ends after 0, 1 or 2 bytes (and one cut by the snap length)."""
    cap = Capture()
    for pkt in (IP(src=CLIENT, dst=SERVER) / TCP(), IPv6(src=CLIENT6, dst=SERVER6) / TCP()):
        b = bytes(eth(pkt))
        for n in (14, 15, 16):
            cap.add(b[:n], dt=0.001)
        cap.add(b[:14], dt=0.001, orig=len(b))
    cap.write(os.path.join(out, 'cut-network.pcap'))


def hop_by_hop(cap, opts, plen=None):
    """A SYN over IPv6 with a hop-by-hop header holding `opts` (padded with PadN/Pad1 to 8 bytes)."""
    body = b''.join(opts)
    padding = -(2 + len(body)) % 8
    body += b'\x00' if padding == 1 else bytes([1, padding - 2]) + bytes(padding - 2) if padding else b''
    hbh = bytes([6, (2 + len(body)) // 8 - 1]) + body
    syn = bytes(TCP(sport=40000 + len(cap.frames), dport=80, flags='S'))
    ip = IPv6(src=CLIENT6, dst=SERVER6, nh=0, plen=len(hbh) + len(syn) if plen is None else plen)
    cap.add(bytes(eth(ip / Raw(hbh + syn))), dt=0.001)


def ipv6_options():
    cap = Capture()
    jumbo = lambda n: bytes([0xc2, 4]) + struct.pack('!I', n)  # noqa: E731
    hop_by_hop(cap, [bytes([0x3e, 4]) + bytes.fromhex('aabbccdd')])  # experimental (RFC 4727)
    hop_by_hop(cap, [bytes([0x1e, 0])])                                # experimental, empty
    hop_by_hop(cap, [bytes([0x0a, 2]) + b'\x01\x02'])                  # unknown: its payload, a note
    hop_by_hop(cap, [jumbo(80)])                                       # jumbo below 65536, payload length not 0
    hop_by_hop(cap, [jumbo(70000)])                                    # jumbo with a payload length
    cap.write(os.path.join(out, 'ipv6-options.pcap'))


def with_options(cap, opts):
    """A SYN over IPv4 whose header carries the raw option bytes `opts` (EOL-padded to whole words)."""
    opts += b'\x00' * (-len(opts) % 4)
    syn = bytes(IP(src=CLIENT, dst=SERVER, id=200 + len(cap.frames)) / TCP(sport=41000 + len(cap.frames), dport=80, flags='S'))
    hlen = 20 + len(opts)
    b = bytearray(syn[:20] + opts + syn[20:])
    b[0] = 0x40 | hlen // 4
    b[2:4] = struct.pack('!H', len(b))
    b[10:12] = b'\0\0'
    b[10:12] = struct.pack('!H', checksum(bytes(b[:hlen])))
    cap.add(bytes(Ether(src=ZERO_MAC, dst=ZERO_MAC, type=0x0800) / Raw(bytes(b))), dt=0.001)


A1, A2, A3 = bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2]), bytes([10, 0, 0, 3])


def u32(n):
    return struct.pack('!I', n)


def ipv4_timestamps():
    cap = Capture()

    def ts(length, ptr, overflow, flag, body):
        with_options(cap, bytes([68, length, ptr, overflow << 4 | flag]) + body)
    ts(12, 5, 0, 0, u32(7) + u32(8))                    # time stamps only
    ts(12, 13, 15, 0, u32(7) + u32(8))                  # full, overflow 15
    ts(12, 1, 0, 0, u32(7) + u32(8))                    # pointer 1: "header is full"
    ts(12, 3, 0, 0, u32(7) + u32(8))                    # before the first entry
    ts(12, 6, 0, 0, u32(7) + u32(8))                    # inside an entry
    ts(12, 40, 0, 0, u32(7) + u32(8))                   # past the end
    ts(10, 5, 0, 0, u32(7) + b'\1\2')                   # 2 bytes left: "Suboption would go past end of option"
    ts(12, 5, 0, 1, A1 + u32(9))                        # flag 1: address and time stamp
    ts(16, 13, 0, 1, A1 + u32(9) + u32(5))              # flag 1, 4 bytes left
    ts(20, 5, 0, 3, A1 + u32(0) + bytes(4) + u32(0))    # flag 3, an empty address ("-")
    ts(12, 5, 0, 2, A1 + u32(9))                        # unknown flags: time stamps
    ts(12, 5, 0, 15, A1 + u32(9))
    ts(4, 5, 0, 1, b'')                                 # no entries
    ts(8, 5, 0, 1, A1)                                  # half a pair
    ts(3, 5, 0, 1, b'')                                 # too short for the flags: malformed
    with_options(cap, bytes([68, 2]))                   # too short for the pointer: malformed
    ts(36, 5, 0, 1, A1 + u32(1) + A2 + u32(2) + A3 + u32(3) + A1 + u32(4))
    cap.write(os.path.join(out, 'ipv4-opt-timestamp.pcap'))


def ipv4_routes():
    cap = Capture()

    def rt(kind, length, ptr, body):
        return bytes([kind, length, ptr]) + body
    with_options(cap, rt(137, 11, 4, bytes(8)) + rt(131, 7, 4, A1))   # two source routes: each shows its destination
    with_options(cap, rt(131, 11, 8, A1 + A2))
    with_options(cap, rt(131, 11, 12, A1 + A2))                       # followed to its end: the header's destination
    with_options(cap, rt(131, 11, 3, A1 + A2))                        # pointer before the first address
    with_options(cap, rt(131, 11, 6, A1 + A2))                        # pointer inside an address
    with_options(cap, rt(131, 9, 4, A1 + b'\1\2') + b'\1')            # lengths that are not 3 + 4n
    with_options(cap, rt(131, 13, 4, A1 + A2 + b'\1\2'))
    with_options(cap, rt(131, 11, 40, A1 + A2) + rt(137, 7, 4, A3))   # the first route decides the destination
    with_options(cap, rt(7, 11, 8, A1 + bytes(4)) + rt(131, 7, 4, A3))
    with_options(cap, rt(7, 11, 3, A1 + bytes(4)))
    with_options(cap, rt(7, 11, 12, A1 + A2))                         # record route full
    with_options(cap, rt(131, 3, 4, b''))
    cap.write(os.path.join(out, 'ipv4-opt-routes.pcap'))


def ipv4_misc_options():
    cap = Capture()
    with_options(cap, bytes([0x9e, 4, 0, 0]))                          # unknown type: one line
    with_options(cap, bytes([0x9e, 2, 136, 4, 0x12, 0x34]))            # unknown, then a stream ID
    with_options(cap, bytes([136, 4, 0xff, 0xff]))
    with_options(cap, bytes([136, 6, 0, 1, 2, 3]))                     # fixed length, wrong: a warning
    with_options(cap, bytes([136, 3, 0]))                              # too short to read: malformed
    for level in (0x0000, 0xf135, 0x789a, 0xbc4d, 0x5e26, 0xaf13, 0xd788, 0x6bc5,
                  0x35e2, 0x9af1, 0x4d78, 0x24bd, 0x135e, 0x89af, 0xc4d6, 0xe26b):  # RFC 791 security levels
        with_options(cap, bytes([130, 11]) + struct.pack('!HH', level, 7) + b'AB' + b'XYZ')
    with_options(cap, bytes([130, 11]) + struct.pack('!HH', 0, 0) + b'A\0' + b'\x01YZ')  # NUL, control byte
    with_options(cap, bytes([11, 4, 5, 220]))                          # MTU probe, reply
    with_options(cap, bytes([12, 4, 5, 220]))
    with_options(cap, bytes([149, 6]) + A1)                            # selective directed broadcast
    with_options(cap, bytes([148, 6, 0, 0, 0, 0]))                     # router alert of the wrong length
    with_options(cap, bytes([1, 1, 1, 1, 1, 0x9e, 2]))                 # 4 NOPs in a row
    # RFC 1108 security: each classification level and an unknown one, the level alone, every authority
    # and a second flags byte, a termination bit on the last byte, extraneous bytes, an 11-byte option
    # whose level is not RFC 791's.
    for level in (0x01, 0x3d, 0x5a, 0x96, 0x66, 0xcc, 0xab, 0xf1, 0x12):
        with_options(cap, bytes([130, 4, level, 0x80]))
    with_options(cap, bytes([130, 3, 0xab]))
    with_options(cap, bytes([130, 5, 0xab, 0xf9, 0x02]))
    with_options(cap, bytes([130, 5, 0xab, 0x01, 0xff]))
    with_options(cap, bytes([130, 6, 0xab, 0x00, 1, 2]))
    with_options(cap, bytes([130, 11, 0x12, 0x34]) + bytes(7))
    with_options(cap, bytes([149, 8]) + A1 + b'\1\2')                  # broadcast addresses and padding
    cap.write(os.path.join(out, 'ipv4-opt-misc.pcap'))


icmp_errors()
cut_network()
ipv6_options()
ipv4_timestamps()
ipv4_routes()
ipv4_misc_options()
