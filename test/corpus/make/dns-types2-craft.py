#!/usr/bin/python3
"""More DNS record types tshark 4.0 decodes that we once showed as undecoded "Data" (writes ../reasm/dns-types-*.pcap):
WKS, KEY, NXT, A6, APL, IPSECKEY, HIP, CSYNC, ZONEMD, WINS, WINS-R, XPF, TSIG and TKEY; each well formed, with odd values, empty,
cut short (a field reads on into the next record) and cut last in the message (Malformed). Then invalid UTF-8
(overlong forms, surrogates, cut sequences, code points past U+10FFFF) in names and strings, and LLMNR over TCP.

Messages are encoded by hand (struct), as in dns-types-craft.py, so names, pointers and lengths are exactly as
listed. Deterministic. usage: dns-types2-craft.py [OUTDIR]
"""
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tcpsim import Capture, Flow, eth  # noqa: E402
from scapy.all import IP, UDP, Raw  # noqa: E402
from craft import R, answers, header, name, outputs, ptr, question, rr, udp  # noqa: E402

out, path = outputs('reasm')
def shapes(rd, cuts):
    """A record's data whole, cut to each length (read on into the next record), and cut by one byte as the
    message's last record (Malformed)."""
    return [rd] + [rd[:n] for n in cuts if n < len(rd)] + [(rd[:-1],)]


V4 = [bytes([192, 0, 2, 1]), bytes([198, 51, 100, 7])]
V6 = [bytes.fromhex('20010db8000000000000000000000001'), bytes.fromhex('2606470000000000000000006810f0a5')]


def legacy():
    """WKS (11), KEY (25), A6 (38), APL (42), IPSECKEY (45), HIP (55) and NXT (30)."""
    cap = Capture()
    # WKS: address, protocol, a bit per port (TCP and UDP ports named as numbers under -n; other protocols too).
    wks = V4[0] + b'\x06' + bytes([0x00, 0x00, 0x3a, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x80])
    answers(cap, 0x0b01, 11, shapes(wks, [1, 4, 5, 6]) + [
        V4[1] + b'\x11' + bytes([0xff, 0x00, 0x01]), V4[0] + b'\x63' + bytes([0x80, 0x01]),
        V4[0] + b'\x06' + bytes(40), V4[0] + b'\x06' + b'\xff' * 40, V4[0] + b'\x06' + b'\xff' * 3, (V4[0] + b'\x11',)])
    # KEY: flags (no-key form 0xC000 shows two flag bits only), protocol, algorithm, key id, public key.
    key = struct.pack('!HBB', 0x0100, 3, 5) + bytes(range(1, 33))
    answers(cap, 0x1901, 25, shapes(key, [1, 2, 3, 4, 5]) + [
        struct.pack('!HBB', 0xc000, 1, 1), struct.pack('!HBB', 0xffff, 255, 253) + b'\x01\x02\x03',
        struct.pack('!HBB', 0x2687, 2, 1) + b'\xaa\xbb', struct.pack('!HBB', 0x4000, 4, 14) + bytes(range(64))])
    # A6: prefix length, then the suffix's bytes (128 - prefix bits), then the prefix name when the prefix is not 0.
    a6 = b'\x40' + V6[0][8:] + name('net.example.org')
    answers(cap, 0x2601, 38, shapes(a6, [1, 5, 9, 10]) + [
        b'\x00' + V6[1], (b'\x00' + V6[1][:15],), b'\x80' + ptr(12), b'\x03' + V6[0][:16] + name('p.example'),
        b'\x7f' + b'\x01' + name('q.example'), b'\x81' + V6[0] + name('r.example'), (b'\xc8' + V6[0] + b'\0',),
        b'\x40' + V6[0][8:] + b'\0'])
    # APL: items of family, prefix, negation and address length, address; IPv4 up to 4 bytes and IPv6 up to 16 are
    # addresses, longer ones and other families data; a last byte alone is left unread.
    apl = (struct.pack('!HBB', 1, 24, 3) + b'\xc0\x00\x02' + struct.pack('!HBB', 2, 32, 0x84) + b'\x20\x01\x0d\xb8' +
           struct.pack('!HBB', 1, 0, 0) + struct.pack('!HBB', 1, 32, 4) + V4[1])
    answers(cap, 0x2a01, 42, shapes(apl, [1, 2, 3, 4, 5, 6]) + [
        struct.pack('!HBB', 2, 128, 16) + V6[0], struct.pack('!HBB', 1, 33, 5) + b'\x01\x02\x03\x04\x05',
        struct.pack('!HBB', 2, 129, 17) + V6[0] + b'\x09', struct.pack('!HBB', 3, 8, 0x82) + b'\xab\xcd',
        struct.pack('!HBB', 1, 8, 1) + b'\x0a' + b'\x00', struct.pack('!HBB', 1, 8, 0x7f) + b'\x0a',
        (struct.pack('!HBB', 1, 8, 0x7f) + b'\x0a',)])
    # IPSECKEY: precedence, gateway type, algorithm, the gateway as its type says, then the public key if any.
    answers(cap, 0x2d01, 45, [
        b'\x0a\x01\x02' + V4[0] + bytes(range(20)), b'\x0a\x00\x01' + bytes(range(8)), b'\x0a\x00\x01',
        b'\x0a\x02\x02' + V6[0] + b'\x01', b'\x0a\x03\x02' + name('gw.example.org') + b'\x01\x02\x03', b'\x0a\x03\x02' + ptr(12),
        b'\x0a\x04\x09' + b'\x01\x02', b'\x0a\xff\x00', b'\x0a\x01\x02' + V4[0][:3], b'\x0a\x02\x02' + V6[0][:8],
        b'\x0a', b'\x0a\x01', (b'\x0a\x01\x02' + V4[0][:3],), (b'\x0a\x03\x02' + b'\x02gw',)])
    # HIP: HIT length, PK algorithm, PK length, HIT, PK, then rendezvous servers while more than one byte is left.
    hit = bytes(range(0x20, 0x30))
    hip = struct.pack('!BBH', 16, 2, 8) + hit + bytes(range(8)) + name('rvs1.example.org') + ptr(12)
    answers(cap, 0x3701, 55, shapes(hip, [1, 2, 3, 4, 20, 28, 29, 30]) + [
        struct.pack('!BBH', 16, 1, 0) + hit, struct.pack('!BBH', 0, 0, 0), struct.pack('!BBH', 4, 9, 2) + b'\x01\x02\x03\x04\x05\x06' + b'\0',
        struct.pack('!BBH', 2, 2, 40) + b'\x01\x02\x03', struct.pack('!BBH', 1, 2, 1) + b'\x01\x02' + b'\0\0\0'])
    # NXT: the next name, then a bit per type from type 0 until the record's length is used up.
    nxt = name('next.example') + bytes([0x62, 0x01, 0x00, 0x08, 0x00, 0x00, 0x80])
    answers(cap, 0x1e01, 30, shapes(nxt, [1, 5, 14, 15]) + [ptr(12), ptr(12) + b'\xff', b'\0' + bytes(32) + b'\x01'])
    cap.write(path('dns-types-legacy.pcap'))


def modern():
    """CSYNC (62), ZONEMD (63), WINS (65281), WINS-R (65282), XPF (65422), TSIG (250) and TKEY (249)."""
    cap = Capture()
    maps = bytes([0, 6, 0x62, 0x01, 0x80, 0x08, 0x00, 0x03])
    csync = struct.pack('!IH', 2021071001, 3) + maps
    answers(cap, 0x3e01, 62, shapes(csync, [1, 4, 5, 6, 7, 9]) + [
        struct.pack('!IH', 0, 0), struct.pack('!IH', 0xffffffff, 0xfffc) + bytes([1, 1, 0x40]), (struct.pack('!IH', 1, 1) + b'\x00\x05\x01',)])
    zonemd = struct.pack('!IBB', 2018031900, 1, 1) + bytes(range(48))
    answers(cap, 0x3f01, 63, shapes(zonemd, [1, 4, 5, 6, 7]) + [
        struct.pack('!IBB', 1, 0, 2) + bytes(range(64)), struct.pack('!IBB', 1, 200, 240) + b'\x01', struct.pack('!IBB', 1, 245, 255),
        struct.pack('!IBB', 1, 255, 100) + b'\x02', (struct.pack('!IBB', 1, 1, 1)[:5],), (struct.pack('!IBB', 1, 1, 1)[:4],)])
    wins = struct.pack('!IIII', 0, 2, 900, 2) + V4[0] + V4[1]
    answers(cap, 0xff01, 65281, shapes(wins, [1, 4, 12, 16, 18, 20]) + [
        struct.pack('!IIII', 1, 0, 0, 0), struct.pack('!IIII', 0x10001, 0xffffffff, 1, 5) + V4[0],
        struct.pack('!IIII', 0xfffffffe, 1, 1, 1) + V4[0] + V4[1], struct.pack('!IIII', 0, 1, 1, 3) + V4[0] + b'\x01\x02',
        (struct.pack('!IIII', 0, 1, 1, 3) + V4[0] + b'\x01\x02',)])
    winsr = struct.pack('!III', 1, 2, 900) + name('wins.example.org')
    answers(cap, 0xfe01, 65282, shapes(winsr, [1, 4, 12, 13]) + [struct.pack('!III', 0, 0, 0) + ptr(12), struct.pack('!III', 3, 0, 0) + b'\0'])
    xpf4 = b'\x04\x11' + V4[0] + V4[1] + struct.pack('!HH', 5353, 53)
    xpf6 = b'\x06\x06' + V6[0] + V6[1] + struct.pack('!HH', 40000, 853)
    answers(cap, 0xa601, 65422, shapes(xpf4, [1, 2, 6, 10, 12]) + shapes(xpf6, [2, 18, 34, 36]) + [
        b'\x05\x11', b'\x00', b'\x09' + bytes(20), b'\x04\xfe' + bytes(12) + b'extra', b'\x46' + bytes(10)])
    # TSIG: algorithm, 48-bit time signed ("(high bits set)" past 32 bits, years past 9999), fudge, MAC (no
    # dissector for any algorithm), original ID, error, other data. TKEY: algorithm, times, mode, error, key,
    # other data (a GSS-API key, mode 3, would go to GSS-API: left out, we have no such dissector).
    tsig = name('hmac-sha256') + struct.pack('!HIHH', 0, 1700000000, 300, 4) + b'\1\2\3\4' + struct.pack('!HHH', 7, 0, 0)
    answers(cap, 0xfa01, 250, shapes(tsig, [1, 12, 14, 18, 20, 22, 24, 26]) + [
        name('hmac-md5.sig-alg.reg.int') + struct.pack('!HIHH', 1, 0, 300, 0) + struct.pack('!HHH', 7, 16, 6) + b'\0\0\1\2\3\4',
        ptr(12) + struct.pack('!HIHH', 0xffff, 0xffffffff, 0, 2) + b'\1\2' + struct.pack('!HHH', 0xffff, 99, 1) + b'\x09',
        (name('x') + struct.pack('!HIHH', 0, 0, 0, 9) + b'\1\2',)])
    tkey = name('tk.example') + struct.pack('!IIHHH', 1700000000, 1700003600, 2, 18, 3) + b'\1\2\3' + struct.pack('!H', 2) + b'\4\5'
    answers(cap, 0xf901, 249, shapes(tkey, [1, 12, 16, 20, 24, 26, 28, 30, 32]) + [
        name('gss.example') + struct.pack('!IIHHH', 0xffffffff, 0x80000000, 3, 0, 0) + struct.pack('!H', 0),
        ptr(12) + struct.pack('!IIHHH', 0, 0, 9, 99, 0) + struct.pack('!H', 0), (ptr(12) + struct.pack('!IIHHH', 0, 0, 1, 0, 0) + b'\0\7\1',)])
    cap.write(path('dns-types-modern.pcap'))


# Byte sequences that are not (or not quite) UTF-8, each between "a" and "z": overlong forms (C0 AF is "/", C0 8A
# is "\u000A", E0 80 80 is "\u0000"), surrogates, values past U+10FFFF, the old 5- and 6-byte forms, cut
# sequences, stray continuation bytes, FE and FF; then valid but unprintable characters and printable ones, and
# characters assigned after the Unicode version of tshark's GLib.
BAD_UTF8 = [b'\xc0\x80', b'\xc1\xbf', b'\xe0\x80\xaf', b'\xe0\x9f\xbf', b'\xf0\x80\x80\xaf', b'\xf0\x8f\xbf\xbf', b'\xc0\x8a',
            b'\xc0\xa2', b'\xc0\xdc', b'\xe0\x81\x81', b'\xed\xa0\x80', b'\xed\xbf\xbf', b'\xf0\x8d\xa0\x80', b'\xf4\x90\x80\x80',
            b'\xf5\x80\x80\x80', b'\xf8\x88\x80\x80\x80', b'\xf8\x80\x80\x80\xaf', b'\xfc\x84\x80\x80\x80\x80', b'\xfc\x80\x80\x80\x80\xaf',
            b'\x80', b'\xbf\xbf', b'\xe2\x82x', b'\xf0\x9f\x98', b'\xc3', b'\xf8\x80\x80\x80', b'\xed\xa0', b'\xfe', b'\xff',
            b'\xc2\x80', b'\xc2\x9f', b'\xe2\x80\x8b', b'\xef\xbf\xbe', b'\xf4\x8f\xbf\xbf', b'\xf3\xa0\x80\x81',
            b'\xc3\xa9', b'\xc2\xa0', b'\xef\xbf\xbd', b'\xf0\x9f\x98\x80', b'\xee\x80\x80',
            # Assigned since Unicode 15 (tshark's GLib): unprintable to tshark, whatever the runtime knows.
            '\u2fff'.encode(), '\u31ef'.encode(), '\U0002ebf0'.encode(), '\U0001fa89'.encode(), '\u1c89'.encode()]


def utf8():
    """Each sequence of BAD_UTF8 in a question name, an answer's owner and CNAME, a TXT string (ASCII: each byte above
    0x7f a U+FFFD), an mDNS TXT string and an Extended DNS Error text (UTF-8: tshark converts, then formats), a CAA
    value and an SVCB parameter of unknown key (formatted as they are); then a sequence cut by a label's end, and
    owners with control bytes, NULs and bad UTF-8 of the types whose Info prints the owner raw."""
    cap = Capture()

    def lbl(b):
        return bytes([len(b)]) + b
    for i, seq in enumerate(BAD_UTF8):
        s = b'a' + seq + b'z'
        q = lbl(s) + lbl(b'example') + b'\0'
        body = (rr(ptr(12), 5, lbl(b'c' + seq) + ptr(12)) + rr(ptr(12), 16, lbl(s)) +
                rr(ptr(12), 257, b'\0\x05issue' + s) + rr(ptr(12), 64, struct.pack('!H', 1) + b'\0' + struct.pack('!HH', 9, len(s)) + s))
        opt = struct.pack('!HHH', 15, 2 + len(s), 3) + s
        m = header(0x7500 + i, R, qd=1, an=4, ar=1) + question(q, 5) + body + b'\0' + struct.pack('!HHIH', 41, 1232, 0, len(opt)) + opt
        udp(cap, m, 53, 41000 + i)
        mdns = header(0, 0x8400, an=1) + rr(lbl(s) + b'\5local\0', 16, lbl(s) + lbl(b'k=' + seq))
        cap.add(eth(IP(src='10.1.0.7', dst='224.0.0.251', ttl=255) / UDP(sport=5353, dport=5353) / Raw(mdns)), dt=0.0002)
    # A sequence cut by the label's end (the dot is no continuation byte) and by the name's end.
    for i, q in enumerate([lbl(b'a\xe2\x82') + lbl(b'\xacz') + b'\0', lbl(b'z\xf0\x9f\x98') + b'\0', lbl(b'\xc3') + lbl(b'\xa9') + b'\0']):
        udp(cap, header(0x7580 + i, 0x0100, qd=1) + question(q, 1), 42000 + i)
    # Types whose Info gets the record's owner raw ("%s" of its bytes, not formatted; found by a mutation fuzz):
    # control bytes as they are (\t \n \r \f \b escaped by -T fields), the name cut at a NUL, bytes that are
    # not UTF-8 as they are. The tree and the title show the formatted name, as for every type.
    owners = [b'\x01\x7fa\x1b', b't\tn\nr\rf\fb\x08', b'ab\0cd', b'\0x', b'\xe1\xc0\x80z', b'\xc3\xa9\xc0\xaf']
    rdatas = {3: name('md.example'), 7: ptr(12), 10: b'\x01\x02', 14: ptr(12) + ptr(12), 17: ptr(12) + b'\0', 18: b'\0\x01' + ptr(12),
              19: b'\x03123', 20: b'\x03123', 21: b'\0\x01' + ptr(12), 22: b'\x47\x00', 23: ptr(12), 26: b'\0\x01' + ptr(12) + ptr(12),
              27: b'\x011\x012\x013', 42: struct.pack('!HBB', 1, 8, 1) + b'\x0a', 49: b'\x00\x01', 51: b'\x01\x00\x00\x01\x00',
              52: b'\x03\x01\x01\xaa', 55: struct.pack('!BBH', 1, 2, 1) + b'\x01\x02'}
    for i, (t, rd) in enumerate(rdatas.items()):
        owner = lbl(owners[i % len(owners)]) + lbl(b'example') + b'\0'
        m = header(0x7590 + i, R, qd=1, an=1) + question('o.example', t) + rr(owner, t, rd)
        udp(cap, m, 53, 42100 + i)
    cap.write(path('dns-utf8.pcap'))


def transports():
    """Where tshark 4.0 hands DNS-format messages over: LLMNR on UDP 5355 (its own flags: conflict, tentative), but
    not on TCP 5355, which no dissector takes (plain data); TCP 5353 is DNS (not mDNS: no cache-flush bit, class
    read whole); UDP 5353 mDNS. NBNS (UDP 137) is a dissector of its own, not this one, and is left out."""
    cap = Capture()

    def tcpmsg(m):
        return struct.pack('!H', len(m)) + m
    q = header(0x5501, 0x0000, qd=1) + question('host', 1)
    a = header(0x5501, 0x8500, qd=1, an=1) + question('host', 1) + rr(ptr(12), 1, V4[1], ttl=30)
    for port in (5355, 5353):
        f = Flow(cap, cport=45100 + port % 10, sport=port, caddr='10.1.0.7', saddr='10.1.0.9', ts=False)
        f.handshake()
        f.send('c', 'PA', tcpmsg(q))
        f.send('s', 'PA', tcpmsg(a))
        f.send('s', 'PA', tcpmsg(header(0x5502, 0x8400, an=1) + rr('host.local', 1, V4[0], rclass=0x8001)))
        f.close()
    # LLMNR over UDP: a query with the conflict and truncated bits, a tentative answer, an answer with the conflict
    # bit, and an mDNS answer with the same flags for comparison.
    for flags, dst, sport, dport in ((0x0600, '224.0.0.252', 51516, 5355), (0x8100, '10.1.0.7', 5355, 51516),
                                     (0x8400, '10.1.0.7', 5355, 51516), (0x8700, '224.0.0.251', 5353, 5353)):
        m = header(0x5503, flags, qd=1, an=1 if flags & 0x8000 else 0) + question('host', 28)
        if flags & 0x8000:
            m += rr(ptr(12), 28, V6[0], ttl=30)
        cap.add(eth(IP(src='10.1.0.9', dst=dst, ttl=1 if dport == 5355 else 255) / UDP(sport=sport, dport=dport) / Raw(m)), dt=0.0002)
    cap.write(path('dns-transports.pcap'))


def fuzz_findings():
    """What a mutation fuzz of record data found shown differently: an mDNS record cut short ("[Malformed Packet:
    mDNS]", the protocol's short name, not its column's "MDNS"); SRV and NAPTR records cut inside their leading
    numbers (each number shown as it is read, up to the cut); HINFO strings with a tab, a carriage return and
    a form feed (Info prints them raw, -T fields escapes them); titles and items near the 239-byte label limit;
    owners with bit-string labels printed raw into Info."""
    cap = Capture()
    mdns = header(0, 0x8400, an=1) + rr(name('host.local'), 1, V4[0][:3], rclass=0x8001)
    cap.add(eth(IP(src='10.1.0.7', dst='224.0.0.251', ttl=255) / UDP(sport=5353, dport=5353) / Raw(mdns)), dt=0.0002)
    mdns = header(0, 0x8400, an=1) + rr(name('_ipp._tcp.local'), 33, b'\0\0\0', rclass=0x8001)
    cap.add(eth(IP(src='10.1.0.7', dst='224.0.0.251', ttl=255) / UDP(sport=5353, dport=5353) / Raw(mdns)), dt=0.0002)
    srv = struct.pack('!HHH', 10, 20, 5060) + name('sip.example.org')
    answers(cap, 0x2101, 33, [(srv[:n],) for n in (1, 2, 3, 4, 5)])
    naptr = struct.pack('!HH', 100, 10) + b'\x01U'
    answers(cap, 0x2301, 35, [(naptr[:n],) for n in (1, 2, 3)])
    answers(cap, 0x0d01, 13, [b'\x03a\tb\x03c\rd', b'\x02\x0c\x09\x01\x0d', b'\x04x\x08\x0by\x00'])
    # Titles near tshark's 239-byte label limit: an mDNS question's '"QM" question' and a record's data are
    # appended to a title already cut ("[truncated]"), and an appended name with 2- and 3-byte characters is
    # cut inside one (its first bytes stay: one U+FFFD); long names in the SOA, MX and WINS-R items and SRV's
    # service label (escapes make it long) are cut with "[truncated]" as any item.
    long = b''.join(bytes([63]) + bytes([0x61 + k]) * 63 for k in range(3))
    mdns = header(0, 0x0000, qd=1) + long + b'\5local\0' + struct.pack('!HH', 1, 1)
    cap.add(eth(IP(src='10.1.0.7', dst='224.0.0.251', ttl=255) / UDP(sport=5353, dport=5353) / Raw(mdns)), dt=0.0002)
    for k in range(3):
        owner = bytes([63]) + b'o' * 63 + bytes([63]) + b'p' * 63 + bytes([10 + k]) + b'r' * (10 + k) + b'\0'
        target = bytes([42]) + '\u00e9\u20ac'.encode() * 8 + b'xx' + bytes([30]) + '\u20ac'.encode() * 10 + b'\0'
        m = header(0x5c01 + k, R, qd=1, an=1) + question('c.example', 5) + rr(owner, 5, target)
        udp(cap, m, 53, 42200 + k)
    big = bytes([63]) + b'\x01' * 63 + bytes([63]) + b'q' * 63 + b'\0'
    soa = big + big + struct.pack('!IIIII', 1, 2, 3, 4, 5)
    answers(cap, 0x0601, [6, 15, 65282, 33], [soa, b'\0\x0a' + big, bytes(12) + big, b'\0\1\0\2\0\3\0'])
    srv_owner = bytes([63]) + b'_' + b'\x01' * 62 + b'\4_tcp' + bytes([63]) + b'\x02' * 63 + b'\0'
    m = header(0x2111, R, qd=1, an=1) + question('s.example', 33) + rr(srv_owner, 33, b'\0\1\0\2\0\3\0')
    udp(cap, m, 53, 42210)
    # Owners with bit-string labels for types that print the owner raw into Info: the label's text is in the
    # name tshark prints, though not in its length.
    for k, t in enumerate((17, 18, 26)):
        owner = b'\x41\x0c\xab\xc0' + b'\x41\x05\x28' + b'\2bs\0'
        rd = {17: ptr(12) + b'\0', 18: b'\0\1' + ptr(12), 26: b'\0\1' + ptr(12) + b'\0'}[t]
        m = header(0x4101 + k, R, qd=1, an=1) + question('b.example', t) + rr(owner, t, rd)
        udp(cap, m, 53, 42220 + k)
    cap.write(path('dns-fuzz-more.pcap'))


legacy()
modern()
utf8()
transports()
fuzz_findings()
