#!/usr/bin/python3
"""Crafted TLS conversations for the edges tshark 4.0's TLS treats apart (writes ../tls/tls-edges.pcap and
../tls/tls-snaplen.pcap). One TCP connection per case, scripted with tcpsim.Flow; records encoded by hand:
- a Client Hello (GREASE, status_request, signed_certificate_timestamp, record_size_limit, …) split over 3
  segments, answered by a TLS 1.2 Server Hello, Change Cipher Spec and an encrypted Finished in one segment;
- 3 application data records in one segment, then a record that starts in one segment and ends in the next
  after a whole one;
- a record header alone in a segment (5 bytes), its body in the next;
- a plain warning alert (close_notify) and an encrypted alert;
- a record of unknown content type in a TLS 1.2 session ("Ignored Unknown Record") and before any version
  is known ("Continuation Data");
- non-TLS payloads on port 443: an HTTP request (text: TLS declines it) and binary bytes;
- TLS on port 8443 (not a TLS port): found by the heuristic, the conversation stays TLS;
- a TLS 1.3 Hello Retry Request.
tls-snaplen.pcap: the same kinds of records with their segments cut by the snap length.
Deterministic: running it twice writes identical files. usage: tls-craft.py
"""
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tcpsim import Capture, Flow  # noqa: E402

here = os.path.dirname(os.path.abspath(__file__))
out = os.path.join(os.path.dirname(here), 'tls')
os.makedirs(out, exist_ok=True)


def u8(v):
    return struct.pack('!B', v)


def u16(v):
    return struct.pack('!H', v)


def u24(v):
    return struct.pack('!I', v)[1:]


def vec8(b):
    return u8(len(b)) + b


def vec16(b):
    return u16(len(b)) + b


def record(ctype, body, version=0x0303):
    return u8(ctype) + u16(version) + u16(len(body)) + body


def handshake(htype, body):
    return u8(htype) + u24(len(body)) + body


def ext(etype, body=b''):
    return u16(etype) + vec16(body)


def pseudo(n, seed):
    """Deterministic bytes that look random (key shares, ciphertext)."""
    out, x = bytearray(), seed
    for _ in range(n):
        x = (x * 1103515245 + 12345) & 0x7fffffff
        out.append((x >> 16) & 0xff)
    return bytes(out)


def client_hello():
    exts = b''.join([
        ext(0x0a0a),                                                      # GREASE
        ext(0, vec16(u8(0) + vec16(b'lab.example'))),                     # server_name
        ext(23), ext(65281, b'\x00'),                                     # extended_master_secret, renegotiation_info
        ext(10, vec16(u16(0x2a2a) + u16(29) + u16(23) + u16(24))),        # supported_groups with GREASE
        ext(11, vec8(b'\x00')),                                           # ec_point_formats
        ext(35),                                                          # session_ticket
        ext(16, vec16(vec8(b'h2') + vec8(b'http/1.1'))),                  # ALPN
        ext(5, u8(1) + u16(0) + u16(0)),                                  # status_request (OCSP)
        ext(13, vec16(u16(0x0403) + u16(0x0804) + u16(0x0401) + u16(0x0503) + u16(0x0201))),
        ext(18),                                                          # signed_certificate_timestamp
        ext(51, vec16(u16(0x2a2a) + vec16(b'\x00') + u16(29) + vec16(pseudo(32, 1)))),
        ext(45, vec8(b'\x01')),                                           # psk_key_exchange_modes
        ext(43, vec8(u16(0x3a3a) + u16(0x0304) + u16(0x0303))),           # supported_versions
        ext(28, u16(0x4001)),                                             # record_size_limit
        ext(49),                                                          # post_handshake_auth
        ext(22),                                                          # encrypt_then_mac
        ext(21, bytes(40)),                                               # padding
    ])
    suites = b''.join(u16(s) for s in (0x1a1a, 0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xcca9, 0x009c, 0x002f, 0x00ff))
    body = u16(0x0303) + pseudo(32, 2) + vec8(pseudo(32, 3)) + vec16(suites) + vec8(b'\x00') + vec16(exts)
    return record(22, handshake(1, body), 0x0301)


def server_hello_12():
    exts = ext(65281, b'\x00') + ext(11, vec8(b'\x00\x01\x02')) + ext(23) + ext(16, vec16(vec8(b'h2')))
    body = u16(0x0303) + pseudo(32, 4) + vec8(b'') + u16(0xc02f) + u8(0) + vec16(exts)
    return record(22, handshake(2, body))


def server_hello_13():
    exts = ext(43, u16(0x0304)) + ext(51, u16(29) + vec16(pseudo(32, 22)))
    body = u16(0x0303) + pseudo(32, 23) + vec8(pseudo(32, 3)) + u16(0x1301) + u8(0) + vec16(exts)
    return record(22, handshake(2, body))


def hello_retry_request():
    hrr_random = bytes.fromhex('cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c')
    exts = ext(43, u16(0x0304)) + ext(51, u16(23))
    body = u16(0x0303) + hrr_random + vec8(pseudo(32, 3)) + u16(0x1301) + u8(0) + vec16(exts)
    return record(22, handshake(2, body))


CCS = record(20, b'\x01')


def app(n, seed):
    return record(23, pseudo(n, seed))


def pieces(f, who, data, cuts):
    bounds = [0] + list(cuts) + [len(data)]
    for a, b in zip(bounds, bounds[1:]):
        f.send(who, 'PA', data[a:b])
        f.send(f.other(who), 'A', dt=0.00001)


def edges():
    cap = Capture()
    # A Client Hello over 3 segments; a TLS 1.2 flight of 3 records in one segment.
    f = Flow(cap, cport=44001, sport=443, ts=False)
    f.handshake()
    ch = client_hello()
    pieces(f, 'c', ch, [3, 150])
    f.send('s', 'PA', server_hello_12() + CCS + record(22, pseudo(40, 5)))
    f.send('c', 'PA', CCS + record(22, pseudo(40, 6)))
    # 3 records in one segment; then a whole one and the start of another, its end in the next segment.
    f.send('c', 'PA', app(30, 7) + app(31, 8) + app(32, 9))
    a, b = app(50, 10), app(300, 11)
    f.send('s', 'PA', a + b[:100])
    f.send('s', 'PA', b[100:])
    # A record header alone, its body next.
    c = app(64, 12)
    f.send('c', 'PA', c[:5])
    f.send('c', 'PA', c[5:])
    # A record of unknown type in a TLS 1.2 session; a warning alert in the clear, an encrypted one.
    f.send('s', 'PA', record(0x30, b'abc') + app(20, 13))
    f.send('c', 'PA', record(21, b'\x01\x00'))
    f.send('s', 'PA', record(21, pseudo(26, 14)))
    f.close('c')

    # Unknown content type before any version is known.
    f = Flow(cap, cport=44002, sport=443, ts=False)
    f.handshake()
    f.send('c', 'PA', record(0x30, b'hello') + app(20, 15))
    f.close('c')

    # Text on port 443: TLS declines it, HTTP's heuristic takes it.
    f = Flow(cap, cport=44003, sport=443, ts=False)
    f.handshake()
    f.send('c', 'PA', b'GET / HTTP/1.1\r\nHost: lab.example\r\n\r\n')
    f.send('s', 'PA', b'HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n')
    f.close('c')

    # Binary bytes on port 443 that are no TLS record.
    f = Flow(cap, cport=44004, sport=443, ts=False)
    f.handshake()
    f.send('c', 'PA', bytes(range(1, 40)))
    f.send('s', 'PA', b'\x05\x00' + bytes(range(100, 130)))
    f.close('c')

    # Port 8443: TLS by its heuristic, then a later segment that does not look like TLS stays TLS's.
    f = Flow(cap, cport=44005, sport=8443, ts=False)
    f.handshake()
    f.send('c', 'PA', client_hello())
    f.send('s', 'PA', server_hello_12() + CCS + record(22, pseudo(40, 16)))
    f.send('c', 'PA', bytes(range(1, 30)))
    f.send('s', 'PA', app(40, 17))
    f.close('c')

    # A TLS 1.3 Hello Retry Request, then the second Client Hello.
    f = Flow(cap, cport=44006, sport=443, ts=False)
    f.handshake()
    f.send('c', 'PA', client_hello())
    f.send('s', 'PA', hello_retry_request() + CCS)
    f.send('c', 'PA', CCS + client_hello())
    f.close('c')
    # After a TLS 1.3 Server Hello, bytes that look like SSLv2 record headers (a byte ≥ 0x80, then a v2 message
    # type): a whole one, then one whose length runs into the next segment.
    f = Flow(cap, cport=44007, sport=443, ts=False)
    f.handshake()
    f.send('c', 'PA', client_hello())
    f.send('s', 'PA', server_hello_13() + CCS + app(30, 18))
    f.send('c', 'PA', b'\x80\x10\x02' + pseudo(15, 19))
    f.send('c', 'PA', b'\x80\x40\x04' + pseudo(20, 20))
    f.send('c', 'PA', pseudo(45, 21))
    f.close('c')

    # Broken lengths inside a Client Hello: a key share list with 3 bytes after its last entry, an ALPN list
    # longer than its extension, an extension longer than the extensions block (the block stops there).
    f = Flow(cap, cport=44008, sport=443, ts=False)
    f.handshake()
    exts = (ext(51, vec16(u16(29) + vec16(pseudo(32, 24)) + b'\x00\x17\x00')) + ext(16, u16(40) + vec8(b'h2'))
            + ext(0, vec16(u8(0) + vec16(b'x'))))
    body = u16(0x0303) + pseudo(32, 25) + vec8(b'') + vec16(u16(0x1301)) + vec8(b'\x00') + u16(len(exts) - 3) + exts
    f.send('c', 'PA', record(22, handshake(1, body), 0x0301))
    f.close('c')
    cap.write(os.path.join(out, 'tls-edges.pcap'))


HDR = 14 + 20 + 20  # Ethernet, IPv4, TCP without options (ts=False)


def cut(cap, keep):
    """Cuts the last frame to `keep` bytes of payload, keeping its reported length."""
    t, data, _ = cap.frames[-1]
    cap.frames[-1] = (t, data[:HDR + keep], len(data))


def snaplen():
    cap = Capture()
    port = 44100
    for payload, keeps in ((client_hello(), (3, 5, 9, 60, 200)), (app(100, 20) + app(30, 21), (4, 5, 50, 104, 110)),
                           (server_hello_12() + CCS, (20, 80)), (record(21, b'\x02\x28'), (5, 6))):
        for keep in keeps:
            port += 1
            f = Flow(cap, cport=port, sport=443, ts=False)
            f.handshake()
            f.send('c', 'PA', payload)
            cut(cap, keep)
    cap.write(os.path.join(out, 'tls-snaplen.pcap'))


edges()
snaplen()
