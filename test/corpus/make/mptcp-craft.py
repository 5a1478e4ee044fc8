#!/usr/bin/python3
"""Crafted Multipath TCP (RFC 8684, option kind 30) for what a real Linux run does not send (writes
../tcp/mptcp-options.pcap and ../tcp/mptcp-dupack.pcap). mptcp-options.pcap: a v1 connection (keys, DSS with 4- and 8-byte numbers and a checksum), a second
subflow joined by MP_JOIN (SYN token and random, SYN-ACK truncated HMAC, ACK HMAC), ADD_ADDR for IPv4 and
IPv6 with and without a port and echo, REMOVE_ADDR, MP_PRIO, MP_FAIL, MP_FASTCLOSE, MP_TCPRST, an unknown
subtype, option lengths that do not fit the subtype, and a version 0 connection (RFC 6824: SHA-1). Segments carrying only an option send one byte of data, so
no duplicate-ACK runs mix TCP's analysis into what is tested (mptcp-dupack.pcap tests those). Conversations are scripted with tcpsim.Flow.
mptcp-dupack.pcap: runs of pure ACKs (duplicate-ACK candidates) around MPTCP operations, one connection per run:
tshark 4.0 excuses a flow's next duplicate ACK once for each new kind of operation (ADD_ADDR, REMOVE_ADDR,
MP_PRIO, MP_FAIL, MP_FASTCLOSE) its connection has seen; a handshake MP_CAPABLE repeated with other keys
(the first keys stay, the echoed key is noted as a mismatch).
Deterministic: running it twice writes identical files. usage: mptcp-craft.py
"""
import hashlib
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tcpsim import Capture, Flow  # noqa: E402

here = os.path.dirname(os.path.abspath(__file__))
out = os.path.join(os.path.dirname(here), 'tcp')
KEY_C, KEY_S = 0x1122334455667788, 0x99aabbccddeeff00


def token(key: int) -> int:
    """RFC 8684 §3.2: a v1 key's token is the most significant 32 bits of its SHA-256."""
    return struct.unpack('!I', hashlib.sha256(struct.pack('!Q', key)).digest()[:4])[0]


def mp(sub_and_bits: int, body: bytes) -> tuple:
    """One MPTCP option (kind 30) as scapy takes a raw option: the byte with subtype and bits, then the body."""
    return (30, bytes([sub_and_bits]) + body)


def opts(f: Flow, who: str, *mptcp):
    """Timestamps (as tcpsim sends them) then the given MPTCP options."""
    return [('NOP', None), ('NOP', None), ('Timestamp', (f.tsval(who), f.seen_ts[who]))] + list(mptcp)


def dss(flags: int, ack: bytes = b'', dsn: bytes = b'', ssn: int = 0, dlen: int = 0, csum: bytes = b'') -> tuple:
    body = bytes([flags]) + ack
    if dsn:
        body += dsn + struct.pack('!IH', ssn, dlen) + csum
    return mp(0x20, body)


def main():
    cap = Capture()
    q = struct.pack
    f = Flow(cap, cport=43001, sport=47000, caddr='10.9.0.1', saddr='10.9.0.2')
    f.send('c', 'S', options=f.syn_options('c') + [mp(0x01, bytes([0x81]))])  # v1, checksum required + SHA-256
    f.send('s', 'SA', options=f.syn_options('s', f.seen_ts['s']) + [mp(0x01, bytes([0x81]) + q('!Q', KEY_S))])
    f.send('c', 'PA', b'x', options=opts(f, 'c', mp(0x01, bytes([0x81]) + q('!QQ', KEY_C, KEY_S))))
    # MP_CAPABLE with data (length 24: data-level length and checksum).
    f.send('c', 'PA', b'hello', options=opts(f, 'c', mp(0x01, bytes([0x81]) + q('!QQHH', KEY_C, KEY_S, 5, 0xbeef))))
    # DSS: 8-byte ack, 4-byte DSN with checksum; 4-byte ack and 8-byte DSN; DATA_FIN; flags only.
    f.send('s', 'PA', b'world!', options=opts(f, 's', dss(0x07, ack=q('!Q', 0), dsn=q('!I', 0x12345678), ssn=1, dlen=6, csum=q('!H', 0xabcd))))
    f.send('c', 'PA', b'more', options=opts(f, 'c', dss(0x0d, ack=q('!I', 7), dsn=q('!Q', 0x0102030405060708), ssn=6, dlen=4, csum=q('!H', 1))))
    f.send('s', 'PA', b'x', options=opts(f, 's', dss(0x00)))
    f.send('s', 'PA', b'x', options=opts(f, 's', dss(0x01, ack=q('!I', 11))))
    # ADD_ADDR (v1, with HMAC; echo without), IPv4 and IPv6, with and without a port.
    f.send('s', 'PA', b'x', options=opts(f, 's', mp(0x30, bytes([5]) + bytes([10, 9, 0, 3]) + q('!Q', 0x0102030405060708))))
    f.send('c', 'PA', b'x', options=opts(f, 'c', mp(0x31, bytes([5]) + bytes([10, 9, 0, 3]))))
    f.send('s', 'PA', b'x', options=[mp(0x30, bytes([6]) + bytes([10, 9, 0, 4]) + q("!HQ", 47001, 7))])
    f.send('s', 'PA', b'x', options=[mp(0x30, bytes([7]) + bytes(range(16)) + q('!Q', 9))])
    f.send('s', 'PA', b'x', options=[mp(0x30, bytes([8]) + bytes(range(16)) + q('!HQ', 443, 9))])
    f.send('c', 'PA', b'x', options=[mp(0x31, bytes([8]) + bytes(range(16)) + q('!H', 443))])
    # REMOVE_ADDR (one and three ids), MP_PRIO (backup, with and without an address id).
    f.send('s', 'PA', b'x', options=opts(f, 's', mp(0x40, bytes([5]))))
    f.send('s', 'PA', b'x', options=opts(f, 's', mp(0x40, bytes([6, 7, 8]))))
    f.send('c', 'PA', b'x', options=opts(f, 'c', mp(0x51, b'')))
    f.send('c', 'PA', b'x', options=opts(f, 'c', mp(0x51, bytes([3]))))
    # MP_FAIL, an unknown subtype, lengths that do not fit.
    f.send('c', 'PA', b'x', options=opts(f, 'c', mp(0x60, bytes([0]) + q('!Q', 0x0a0b0c0d0e0f1011))))
    f.send('c', 'PA', b'x', options=opts(f, 'c', mp(0x90, bytes([1, 2]))))
    f.send('c', 'PA', b'x', options=opts(f, 'c', mp(0x20, b'')))
    f.send('c', 'PA', b'x', options=opts(f, 'c', mp(0x00, bytes([0x81, 1, 2]))))
    # A second subflow joined to the connection: SYN (token of the server's key), SYN-ACK, ACK, data on it.
    g = Flow(cap, cport=43002, sport=47000, caddr='10.9.0.3', saddr='10.9.0.2', isn_c=0x11111111, isn_s=0x22222222)
    g.send('c', 'S', options=g.syn_options('c') + [mp(0x11, bytes([2]) + q('!II', token(KEY_S), 0xcafe0001))])
    g.send('s', 'SA', options=g.syn_options('s', g.seen_ts['s']) + [mp(0x10, bytes([0]) + q('!QI', 0x0102030405060708, 0xcafe0002))])
    g.send('c', 'A', options=opts(g, 'c', mp(0x10, bytes([0]) + bytes(range(20)))))
    g.send('c', 'PA', b'sub2', options=opts(g, 'c', dss(0x04, dsn=q('!I', 99), ssn=1, dlen=4)))
    # MP_FASTCLOSE then MP_TCPRST (flags, reason) on the first subflow.
    f.send('c', 'PA', b'x', options=opts(f, 'c', mp(0x70, bytes([0, 0]) + q('!Q', KEY_S))))
    f.send('s', 'RA', options=[mp(0x8f, bytes([0x03]))])
    g.send('c', 'RA', options=[mp(0x80, bytes([0x55]))])
    # Mid-stream: a capture that begins after the handshake (DSS without keys), and a join with an unknown token.
    h = Flow(cap, cport=43003, sport=47000, caddr='10.9.0.5', saddr='10.9.0.2', isn_c=0x33333333, isn_s=0x44444444)
    h.send('c', 'PA', b'mid', options=opts(h, 'c', dss(0x05, ack=q('!I', 5), dsn=q('!I', 77), ssn=1, dlen=3)))
    h.send('s', 'A', options=opts(h, 's', dss(0x03, ack=q('!Q', 80))))
    j = Flow(cap, cport=43004, sport=47000, caddr='10.9.0.6', saddr='10.9.0.2', isn_c=0x55555555, isn_s=0x66666666)
    j.send('c', 'S', options=j.syn_options('c') + [mp(0x10, bytes([4]) + q('!II', 0xdeadbeef, 1))])
    j.send('s', 'RA', options=[])
    # Version 0 (RFC 6824): keys in the SYN too, tokens and IDSNs from SHA-1.
    k = Flow(cap, cport=43005, sport=47000, caddr='10.9.0.7', saddr='10.9.0.2', isn_c=0x77777777, isn_s=0x88888888)
    k.send('c', 'S', options=k.syn_options('c') + [mp(0x00, bytes([0x01]) + q('!Q', KEY_C))])
    k.send('s', 'SA', options=k.syn_options('s', k.seen_ts['s']) + [mp(0x00, bytes([0x01]) + q('!Q', KEY_S))])
    k.send('c', 'A', options=opts(k, 'c', mp(0x00, bytes([0x01]) + q('!QQ', KEY_C, KEY_S))))
    k.send('c', 'PA', b'v0', options=opts(k, 'c', dss(0x05, ack=q('!I', 1), dsn=q('!I', 5), ssn=1, dlen=2)))
    k.send('s', 'PA', b'ok', options=opts(k, 's', dss(0x0f, ack=q('!Q', 9), dsn=q('!Q', 12), ssn=1, dlen=2)))
    cap.write(os.path.join(out, 'mptcp-options.pcap'))


# Options for the pure ACKs of dupack(): an operation, or a plain DSS (Data ACK only), or none.
RUN_OPS = {
    'add': mp(0x30, bytes([5, 10, 9, 0, 3]) + struct.pack('!Q', 1)), 'add6': mp(0x30, bytes([6, 10, 9, 0, 4]) + struct.pack('!HQ', 1, 7)),
    'echo': mp(0x31, bytes([5, 10, 9, 0, 3])), 'rm': mp(0x40, bytes([5])), 'prio': mp(0x51, b''),
    'fail': mp(0x60, bytes([0]) + bytes(8)), 'fclose': mp(0x70, bytes([0]) + bytes(8)), 'unk': mp(0x90, bytes([1, 2])),
    'cap': mp(0x01, bytes([0x01]) + bytes(16)), 'rst': mp(0x80, bytes([1])), 'dss': mp(0x20, bytes([0x01]) + struct.pack('!I', 1)), 'none': None,
}
RUNS = ['s:dss s:dss c:dss c:dss', 's:add s:dss s:dss c:dss c:dss', 's:dss c:dss s:add c:dss c:dss s:dss',
        's:rm s:dss s:rm s:dss c:dss', 'c:dss s:prio c:dss c:dss s:dss s:dss', 's:add s:dss s:dss s:add6 s:dss s:dss',
        's:prio s:dss s:add s:dss c:dss c:dss c:dss', 's:echo s:dss s:dss c:dss c:dss', 's:fail s:none c:none s:none',
        's:fclose s:dss c:dss', 's:unk s:dss c:dss', 's:rst s:dss c:dss', 's:cap s:dss c:dss']


def dupack():
    cap = Capture()
    q = struct.pack
    for i, run in enumerate(RUNS):
        # Keys of their own: tshark joins a connection whose key it has seen to the earlier one.
        f = Flow(cap, cport=44001 + i, sport=47000, caddr='10.9.1.1', saddr='10.9.1.2')
        kc, ks = KEY_C + i + 1, KEY_S + i + 1
        f.send('c', 'S', options=f.syn_options('c') + [mp(0x01, bytes([0x01]))])
        f.send('s', 'SA', options=f.syn_options('s', f.seen_ts['s']) + [mp(0x01, bytes([0x01]) + q('!Q', ks))])
        f.send('c', 'A', options=opts(f, 'c', mp(0x01, bytes([0x01]) + q('!QQ', kc, ks))))
        f.send('c', 'PA', b'hello', options=opts(f, 'c', dss(0x01, ack=q('!I', 1))))
        f.send('s', 'PA', b'world', options=opts(f, 's', dss(0x01, ack=q('!I', 1))))
        f.send('c', 'A', options=opts(f, 'c', dss(0x01, ack=q('!I', 1))))
        f.send('s', 'A', options=opts(f, 's', dss(0x01, ack=q('!I', 1))))
        for step in run.split():
            who, op = step.split(':')
            f.send(who, 'A', options=opts(f, who, *([RUN_OPS[op]] if RUN_OPS[op] else [])))
    cap.write(os.path.join(out, 'mptcp-dupack.pcap'))


main()
dupack()
