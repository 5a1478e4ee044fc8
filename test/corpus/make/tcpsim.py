"""A tiny scripted TCP conversation builder for crafted corpus files (scapy builds the bytes, checksums correct).

Each Flow tracks, per side ('c' client, 's' server), the next sequence number, what it acknowledges and the
last timestamp it has seen, so crafted segments carry plausible seq/ack/TSval/TSecr. Times advance by `dt`
per segment. Frames look like Linux loopback (Ethernet with zero MACs) unless `raw` frames are added directly.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pcapio import Rec, write_pcap  # noqa: E402
from scapy.all import IP, TCP, Ether, IPv6, Raw  # noqa: E402

BASE = 1764061200  # 2025-11-25 09:00:00 UTC, the epoch second every crafted file starts at
ZERO_MAC = '00:00:00:00:00:00'


class Capture:
    """Frames in capture order with their times (seconds since BASE, µs resolution when written)."""

    def __init__(self):
        self.frames = []  # (t, bytes, orig_len)
        self.t = 0.0

    def add(self, data: bytes, dt: float = 0.00002, orig: int = -1):
        self.t += dt
        self.frames.append((self.t, bytes(data), orig))

    def write(self, path: str, linktype: int = 1, snaplen: int = 262144):
        recs = []
        for t, d, orig in self.frames:
            us = round(t * 1_000_000)
            recs.append(Rec(d, BASE + us // 1_000_000, us % 1_000_000, orig))
        write_pcap(path, linktype, recs, snaplen=snaplen)


def eth(pkt):
    return Ether(src=ZERO_MAC, dst=ZERO_MAC) / pkt


class Flow:
    def __init__(self, cap: Capture, cport=41000, sport=12345, isn_c=0x1c2d3e4f, isn_s=0x7a6b5c4d, v6=False,
                 caddr=None, saddr=None, ws=10, ts=True, mss=65495):
        self.cap = cap
        self.v6 = v6
        self.addr = {'c': caddr or ('::1' if v6 else '127.0.0.1'), 's': saddr or ('::1' if v6 else '127.0.0.1')}
        self.port = {'c': cport, 's': sport}
        self.nxt = {'c': isn_c & 0xffffffff, 's': isn_s & 0xffffffff}
        self.rcv = {'c': 0, 's': 0}         # next byte each side expects from its peer (its ACK value)
        self.seen_ts = {'c': 0, 's': 0}     # the peer's latest TSval each side has seen (its TSecr)
        self.ts_base = {'c': (isn_c * 7) & 0x7fffffff, 's': (isn_s * 13) & 0x7fffffff}
        self.ws, self.ts, self.mss = ws, ts, mss
        self.win = {'c': 64, 's': 64}       # raw (unscaled) window after the handshake

    @staticmethod
    def other(who):
        return 's' if who == 'c' else 'c'

    def tsval(self, who):
        return (self.ts_base[who] + int(self.cap.t * 1000)) & 0xffffffff

    def syn_options(self, who, tsecr=0):
        opts = [('MSS', self.mss), ('SAckOK', b'')]
        if self.ts:
            opts.append(('Timestamp', (self.tsval(who), tsecr)))
        opts += [('NOP', None), ('WScale', self.ws)]
        return opts

    def send(self, who, flags, data=b'', seq=None, ack=None, win=None, options=None, dt=0.00002,
             deliver=True, sack=None, extra_ip=None):
        """Appends one segment from `who`. Explicit seq/ack override the tracked ones. deliver=False: the peer
        never gets it (lost after the capture point). Returns the segment's seq."""
        self.cap.t += dt
        o = self.other(who)
        s = self.nxt[who] if seq is None else seq & 0xffffffff
        a = self.rcv[who] if ack is None else ack & 0xffffffff
        if 'A' not in flags and ack is None:
            a = 0
        if options is None:
            if 'S' in flags:
                options = self.syn_options(who, self.seen_ts[who] if 'A' in flags else 0)
            elif self.ts:
                options = [('NOP', None), ('NOP', None), ('Timestamp', (self.tsval(who), self.seen_ts[who]))]
                if sack:
                    options = [('NOP', None), ('NOP', None), ('Timestamp', (self.tsval(who), self.seen_ts[who])),
                               ('NOP', None), ('NOP', None), ('SAck', tuple(x & 0xffffffff for b in sack for x in b))]
            else:
                options = []
        if win is None:
            win = (65483 if who == 's' else 65495) if 'S' in flags else self.win[who]
        ipl = (IPv6(src=self.addr[who], dst=self.addr[o]) if self.v6 else
               IP(src=self.addr[who], dst=self.addr[o], flags='DF', id=0 if 'S' in flags else None, **(extra_ip or {})))
        tcp = TCP(sport=self.port[who], dport=self.port[o], seq=s, ack=a, flags=flags, window=win, options=options)
        pkt = eth(ipl / tcp / (Raw(data) if data else b''))
        self.cap.frames.append((self.cap.t, bytes(pkt), -1))
        span = len(data) + (1 if 'S' in flags else 0) + (1 if 'F' in flags else 0)
        end = (s + span) & 0xffffffff
        if seq is None or ((end - self.nxt[who]) & 0xffffffff) < 0x80000000:
            self.nxt[who] = end           # a retransmission (explicit old seq) does not move snd_nxt back
        if deliver:
            tsopt = [x[1] for x in options if isinstance(x, tuple) and x[0] == 'Timestamp']
            if tsopt:
                self.seen_ts[o] = tsopt[0][0]
            if 'S' in flags or (s == self.rcv[o] and span):
                self.rcv[o] = end         # in order (or a SYN): the peer's ACK moves on
        return s

    # Common sequences -------------------------------------------------------------------------------
    def handshake(self, rtt=0.00003):
        self.send('c', 'S', dt=0.0)
        self.send('s', 'SA', dt=rtt / 2)
        self.send('c', 'A', dt=rtt / 2)

    def close(self, first='c', gap=0.00003):
        o = self.other(first)
        self.send(first, 'FA', dt=gap)
        self.send(o, 'FA', dt=gap)
        self.send(first, 'A', dt=gap)
