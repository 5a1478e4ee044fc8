#!/usr/bin/python3
"""Files derived from the real recording ../tcp/transfer-base.pcap by editing the capture (frames kept byte-exact):

  midstream.pcap      the capture starts after the handshake and the first segments (mid-stream)
  lossy-drop.pcap     one data frame removed (a capture drop): previous segment not captured, ACKed unseen segment
  lossy-reorder.pcap  a data frame moved after the next one, a few µs apart: out-of-order
  lossy-dup.pcap      data frames duplicated: right after themselves (retransmission) and after their ACK (spurious)

Frame positions are found by sequence number, so a re-recorded base works too. Deterministic.
"""
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pcapio import Rec, read_pcap, write_pcap  # noqa: E402

here = os.path.dirname(os.path.abspath(__file__))
tcp = os.path.join(os.path.dirname(here), 'tcp')
lt, units, recs = read_pcap(os.path.join(tcp, 'transfer-base.pcap'))
assert lt == 1 and units == 10**6


def parse(r):
    """(relative data seq of a client data frame or None, is_data) from an Ethernet/IPv4/TCP frame."""
    d = r.data
    ihl = (d[14] & 0xf) * 4
    t = 14 + ihl
    seq = struct.unpack('>I', d[t + 4:t + 8])[0]
    doff = (d[t + 12] >> 4) * 4
    plen = struct.unpack('>H', d[16:18])[0] - ihl - doff
    return seq, plen


isn = parse(recs[0])[0]
data_idx = [i for i, r in enumerate(recs) if parse(r)[1] == 1000]   # the client's 1000-byte segments


def rel(i):
    return (parse(recs[i])[0] - isn) & 0xffffffff


def at(r, us):
    """r with its timestamp set to `us` microseconds since the epoch."""
    return Rec(r.data, us // 1_000_000, us % 1_000_000, r.length)


def t_us(r):
    return r.sec * 1_000_000 + r.frac


def out(name, rs):
    write_pcap(os.path.join(tcp, name), 1, rs)
    print(name, len(rs), 'frames')


# Mid-stream: from the 5th data segment on (no SYN seen: both sides already ESTABLISHED).
out('midstream.pcap', recs[data_idx[4]:])

# Drop: the 6th data segment is not in the capture; the receiver's ACK covers it.
drop = data_idx[5]
out('lossy-drop.pcap', recs[:drop] + recs[drop + 1:])

# Reorder: data segment k arrives 5 µs after segment k+1 (and before k's ACK), as if overtaken on the way.
k, k1 = data_idx[8], data_idx[9]
rs = list(recs)
first = rs[k1]
rs_new = rs[:k] + [at(first, t_us(rs[k])), at(rs[k], t_us(rs[k]) + 5)]
rest = [r for j, r in enumerate(rs) if j > k and j != k1]
# keep times non-decreasing after the moved frames
last = t_us(rs_new[-1])
for r in rest:
    last = max(last + 1, t_us(r))
    rs_new.append(at(r, last))
out('lossy-reorder.pcap', rs_new)

# Duplicates: segment a again 3 µs after itself (before its ACK: a retransmission), and segment b again after
# its ACK was captured (already acknowledged: a spurious retransmission).
a, b = data_idx[12], data_idx[16]
rs = list(recs)
res = []
for j, r in enumerate(rs):
    res.append(r)
    if j == a:
        res.append(at(r, t_us(r) + 3))
    if j == b + 1:
        res.append(at(rs[b], t_us(r) + 200))
prev = 0
fixed = []
for r in res:
    prev = max(prev + 1, t_us(r)) if fixed else t_us(r)
    fixed.append(at(r, prev))
out('lossy-dup.pcap', fixed)
