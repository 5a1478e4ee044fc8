#!/usr/bin/python3
"""DNS messages a differential fuzz against tshark 4.0 found us showing differently (writes ../reasm/dns-fuzz-*.pcap):
counted strings with NULs and control bytes, sections and records that run past the message or the capture,
DNS over TCP with an empty message and with a segment cut by the snap length, EDNS options, NSEC records.

Messages are encoded by hand (struct), as in dns-craft.py, so names, pointers and lengths are exactly as listed.
Deterministic. usage: dns-fuzz-craft.py [OUTDIR]
"""
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tcpsim import Capture, Flow, eth  # noqa: E402
from scapy.all import IP, UDP, Raw  # noqa: E402
from craft import Q, R, header, name, outputs, ptr, question, rr, strings, udp  # noqa: E402

out, path = outputs('reasm')
UDP_HDRS = 14 + 20 + 8          # Ethernet, IPv4, UDP: where the DNS message starts in a frame


def text_strings():
    """Counted strings tshark adds as FT_STRING: a NUL ends them ("Trailing stray characters" when something
    other than NULs follows, looked for in the converted string), names starting with a NUL byte, -T fields prints control bytes raw but \\b \\t \\n \\f \\r escaped, and HINFO's
    title and Info print "%.*s" of the converted string (a byte above 0x7f, 3 bytes as U+FFFD, cuts it short)."""
    cap = Capture()
    qn = question('www.example.org', 16)
    txt = strings(b'\x01a\tb\n', b'ab\x00\x00', b'ab\x00cd', b'\x00', b'\x00x', b'caf\xc3\xa9 \x7f', b'a"b\\c', b'',
                  bytes(range(1, 31)) + b'\x7f')
    msgs = [
        header(0x1001, R, qd=1, an=1) + qn + rr(ptr(12), 16, txt),
        header(0x1002, R, qd=1, an=2) + question('www.example.org', 13) + rr(ptr(12), 13, strings(b'ab\x00cd', b'\x01\x02\xff\x00')) +
        rr(ptr(12), 13, strings(b'\xff\xfe', b'x\xffy')),
        header(0x1003, R, qd=1, an=1) + question('www.example.org', 99) + rr(ptr(12), 99, strings(b'v=spf1\x00-all')),
        # EDNS option 13 (chain): the closest trust point, a NUL inside.
        header(0x1004, 0x0100, qd=1, ar=1) + question('www.example.org', 1) + b'\x00' +
        struct.pack('!HHBBHH', 41, 1232, 0, 0, 0, 10) + struct.pack('!HH', 13, 6) + b'ab\x00c\x01\x02',
        # A TXT string longer than the record: it runs on into the next record (up to a NUL there).
        header(0x1005, R, qd=1, an=2) + qn + rr(ptr(12), 16, b'\x0aabc') + rr(ptr(12), 1, bytes(4)),
    ]
    # "Trailing stray characters" is looked for in the converted string, where a byte above 0x7f takes 3 bytes:
    # such bytes before the NUL move the window looked at (no warning for the first three).
    for s in (b'\xacb\x00cd', b'\xac\x00cd', b'\xac\xac\x00cdef', b'a\x00\xffz', b'\x00\xac'):
        msgs.append(header(0x1006, R, qd=1, an=2) + question('s.example', 16) + rr(ptr(12), 16, strings(s)) + rr(ptr(12), 13, strings(s, s)))
    # A name whose first label byte is a NUL: "<Root>" when read through a pointer (2 bytes), as tshark tests
    # the name's first byte, else escaped.
    for labels in ([b'\x00abc'], [b'a\x00b', b'c'], [b'\x00'], [b'\x00', b'x']):
        msgs.append(header(0x1007, Q, qd=2) + question(labels) + ptr(12) + struct.pack('!HH', 1, 1))
    for i, m in enumerate(msgs):
        udp(cap, m, 53 if m[2] & 0x80 else 50100 + i, 50000 + i if m[2] & 0x80 else 53)
    # mDNS TXT strings are UTF-8.
    a = header(0, 0x8400, an=1) + rr(name('x._http._tcp.local'), 16, txt, rclass=0x8001)
    cap.add(eth(IP(src='10.1.0.8', dst='224.0.0.251', ttl=255) / UDP(sport=5353, dport=5353) / Raw(a)))
    cap.write(path('dns-fuzz-strings.pcap'))


def bounds():
    """Where the message ends: a section's subtree runs to the message's end (nothing left there: no "Answers"
    at all), a record's item spans its data (data past the end: the record is not shown, Info has its type),
    a name in record data that runs past the record, UDP payloads of 1-3 bytes; then the same cut by the snap length."""
    cap = Capture()
    qn = question('end.example', 1)
    msgs = [
        header(0x2001, Q, qd=1),
        header(0x2002, R, qd=1, an=1) + qn,
        header(0x2003, R, qd=1, ns=1) + qn,
        header(0x2004, R, qd=1, ar=2) + qn,
        header(0x2005, R, qd=1, an=1) + qn + ptr(12) + struct.pack('!HHIH', 1, 1, 60, 50) + bytes(4),
        header(0x2006, R, qd=1, an=2) + question('end.example', 5) + rr(ptr(12), 5, b'\x05abcde') + b'\x00' + rr(ptr(12), 1, bytes(4)),
        header(0x2007, R, qd=1, an=2) + qn + rr(ptr(12), 1, bytes(4)) + rr(ptr(12), 16, b'\x05hello')[:-2],
        b'\x12', b'\x12\x34', b'\x12\x34\x01',
    ]
    for i, m in enumerate(msgs):
        udp(cap, m, 53 if m[2:3] == b'\x81' else 51000 + i, 53 if m[2:3] != b'\x81' else 51000 + i)
    m = header(0x2008, R, qd=1, an=2) + question('snap.example', 1) + rr(ptr(12), 1, bytes(4)) + rr(ptr(12), 16, b'\x05hello')
    for cut in (12, 17, 30, 40, 47, len(m) - 3):
        udp(cap, m, 53, 52000 + cut, snap=UDP_HDRS + cut)
    cap.write(path('dns-fuzz-bounds.pcap'))


def over_tcp():
    """DNS over TCP: a message of length 0 (DNS is called and fails before its tree), one of length 0 after a
    good one, messages shorter than a header; a segment of two answers cut by the snap length inside the first
    (the rest of the segment is not dissected: one "DNS truncated")."""
    def tcpmsg(m):
        return struct.pack('!H', len(m)) + m
    query = lambda i: header(i, Q, qd=1) + question('tcp.example', 1)  # noqa: E731
    answer = lambda i: header(i, R, qd=1, an=1) + question('tcp.example', 1) + rr(ptr(12), 1, bytes([10, 0, 0, i & 255]))  # noqa: E731
    cap = Capture()
    f = Flow(cap, cport=45001, sport=53, caddr='10.1.0.1', saddr='10.1.0.53', ts=False)
    f.handshake()
    f.send('c', 'PA', b'\x00\x00' + tcpmsg(query(1)))
    f.send('s', 'PA', tcpmsg(answer(1)) + b'\x00\x00')
    f.send('c', 'PA', tcpmsg(b'\x12') + tcpmsg(b'\x00\x06\x01\x00\x00') + tcpmsg(query(2)[:11]))
    f.send('c', 'PA', tcpmsg(query(3)))
    cut = len(cap.frames)
    f.send('s', 'PA', tcpmsg(answer(3)) + tcpmsg(answer(3)))
    f.close('c')
    t, d, _ = cap.frames[cut]
    cap.frames[cut] = (t, d[:14 + 20 + 20 + 20], len(d))
    cap.write(path('dns-fuzz-tcp.pcap'))


def edns():
    """EDNS options as tshark 4.0 reads them: DAU/DHU/N3U values by name, Extended DNS Error (info codes by
    range, UTF-8 extra text), client subnet options too long (a Malformed-group error), too short (each field read
    in turn, past the option), with an unknown family, and under the deprecated code (its warning under the code),
    empty options ("<MISSING>" data), cookies shorter than 8 bytes, and an mDNS OPT record (its payload size field is hexadecimal)."""
    cap = Capture()
    qn = question('edns.example', 1)

    def opt(*opts, tail=b''):
        data = b''.join(struct.pack('!HH', code, len(d)) + d for code, d in opts)
        return b'\x00' + struct.pack('!HHBBHH', 41, 1232, 0, 0, 0, len(data)) + data + tail
    cases = [
        opt((5, bytes([8, 13, 14, 99, 0])), (6, bytes([1, 2, 9])), (7, bytes([1, 2]))),
        opt((15, struct.pack('!H', 18) + b'bad sig')), opt((15, struct.pack('!H', 29) + b'a\x00b\tc')),
        opt((15, struct.pack('!H', 30) + b'caf\xc3\xa9\xff')), opt((15, struct.pack('!H', 50000))), opt((15, b'\x00')),
        opt((8, struct.pack('!HBB', 2, 24, 0) + bytes(17))), opt((8, struct.pack('!HBB', 1, 32, 0) + bytes(20))),
        opt((8, b'\x00\x01')), opt((8, struct.pack('!HB', 1, 24))), opt((8, b'\x00\x01'), tail=b'\x18\x00\x0a\x0b'),
        opt((8, struct.pack('!HBB', 9, 24, 0) + b'\x01\x02')), opt((0x50fa, struct.pack('!HBB', 1, 24, 0) + bytes([10, 0, 0]))),
        opt((12, b''), (3, b''), (13, b''), (10, bytes(8))),
    ]
    # Cookies shorter than a client cookie, more bytes after the record: tshark reads 8 bytes all the same,
    # then fails on the server cookie's negative length (7 bytes too); 8 bytes: an empty server cookie.
    cases += [opt((10, bytes(range(1, n + 1))), tail=bytes(range(0x41, 0x4d))) for n in (0, 4, 7, 8)]
    for i, o in enumerate(cases):
        udp(cap, header(0x3001 + i, R, qd=1, ar=1) + qn + o, 53, 53000 + i)
    a = (header(0, 0x8400, an=1, ar=1) + rr(name('h.local'), 1, bytes([10, 0, 0, 1]), rclass=0x8001) + b'\x00' +
         struct.pack('!HHBBHH', 41, 0x85a0, 0, 0, 0, 12) + struct.pack('!HH', 4, 8) + bytes(8))
    cap.add(eth(IP(src='10.1.0.7', dst='224.0.0.251', ttl=255) / UDP(sport=5353, dport=5353) / Raw(a)))
    cap.write(path('dns-fuzz-edns.pcap'))


def nsec():
    """NSEC records (RFC 4034; mDNS answers carry them too): the next name (in Info and the title), type bit maps
    in several windows, a map longer than 32 bytes, an empty one, none, and maps longer than the record (the
    bytes left are only compared with 0, so tshark reads on into the next record until the message ends)."""
    cap = Capture()

    def maps(*ws):
        return b''.join(bytes([w, len(b)]) + b for w, b in ws)
    cases = [
        name('n.example') + maps((0, b'\x62\x01\x80\x08\x00\x03\x80')),
        name('n.example') + maps((0, b'\x40'), (1, b'\x40'), (255, b'\x00\x01')),
        name('n.example'), name('n.example') + maps((0, b'')), name('n.example') + maps((0, bytes(33) + b'\x01')),
        name('n.example') + b'\x00\x05\x40', name('n.example') + b'\x00',
    ]
    for i, rd in enumerate(cases):
        m = header(0x4001 + i, R, qd=1, an=2) + question('x.example', 47) + rr(ptr(12), 47, rd) + rr(ptr(12), 1, bytes(4))
        udp(cap, m, 53, 54000 + i)
    a = header(0, 0x8400, an=1) + rr(name('h.local'), 47, b'\xc0\x0c\x00\x04\x40\x00\x00\x08', rclass=0x8001)
    cap.add(eth(IP(src='10.1.0.7', dst='224.0.0.251', ttl=255) / UDP(sport=5353, dport=5353) / Raw(a)))
    cap.write(path('dns-fuzz-nsec.pcap'))


text_strings()
bounds()
over_tcp()
edns()
nsec()
