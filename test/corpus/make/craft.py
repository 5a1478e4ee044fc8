"""What the crafted corpus scripts share: the folder they write to, DNS messages encoded by hand (struct, so
names, pointers and lengths are exactly as listed) and HTTP conversations scripted with tcpsim.Flow.
"""
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tcpsim import Flow, eth  # noqa: E402
from scapy.all import IP, UDP, Raw  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))


def outputs(subdir):
    """The folder a script writes to (its first argument, else test/corpus/<subdir>; made if missing) and a
    function naming a file in it."""
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(HERE), subdir)
    os.makedirs(out, exist_ok=True)
    return out, lambda n: os.path.join(out, n)


# DNS messages.

Q = 0x0100                      # standard query, recursion desired
R = 0x8180                      # response, RD, RA, no error


def name(n):
    """A domain name in labels ('' is the root); a label may be bytes (for unprintable ones), given as a list."""
    if n in ('', '.'):
        return b'\0'
    b = b''
    for label in n.split('.') if isinstance(n, str) else n:
        lb = label.encode() if isinstance(label, str) else label
        b += bytes([len(lb)]) + lb
    return b + b'\0'


def ptr(off):
    return struct.pack('!H', 0xc000 | off)


def header(ident, flags, qd=0, an=0, ns=0, ar=0):
    return struct.pack('!HHHHHH', ident, flags, qd, an, ns, ar)


def question(qname, qtype=1, qclass=1):
    return (qname if isinstance(qname, bytes) else name(qname)) + struct.pack('!HH', qtype, qclass)


def rr(rname, rtype, rdata, ttl=3600, rclass=1):
    return (rname if isinstance(rname, bytes) else name(rname)) + struct.pack('!HHIH', rtype, rclass, ttl, len(rdata)) + rdata


A_RR = rr(ptr(12), 1, bytes([192, 0, 2, 1]))   # what follows a record under test: data read past it lands here


def answers(cap, ident, qtype, cases):
    """One response per record data: the record, then an A record (a field running past the record reads into
    it), or the record alone when its case says so (running past it runs past the message)."""
    for i, case in enumerate(cases):
        rd, last = (case[0], True) if isinstance(case, tuple) else (case, False)
        rtype = qtype if isinstance(qtype, int) else qtype[i]
        body = rr(ptr(12), rtype, rd) + (b'' if last else A_RR)
        m = header(ident + i, R, qd=1, an=1 if last else 2) + question('www.example.org', rtype) + body
        udp(cap, m, 53, 40000 + (ident & 0xff) * 64 + i)



def strings(*ss):
    """Character strings as TXT, SPF, HINFO and SVCB's ALPN ids hold them: a length byte before each."""
    return b''.join(bytes([len(s)]) + s for s in ss)


def udp(cap, payload, sport, dport=53, snap=None):
    """A datagram to port 53 between 10.1.0.1 and 10.1.0.53 (from the server when sport is 53); snap: bytes of
    the frame captured."""
    src, dst = ('10.1.0.53', '10.1.0.1') if sport == 53 else ('10.1.0.1', '10.1.0.53')
    frame = bytes(eth(IP(src=src, dst=dst) / UDP(sport=sport, dport=dport) / Raw(payload)))
    if snap is None:
        cap.add(frame, dt=0.0002)
    else:
        cap.add(frame[:snap], dt=0.0002, orig=len(frame))


# HTTP conversations: a client at 192.0.2.10, a server at 192.0.2.80.

def flow(cap, cport, sport=80, **kw):
    """A Flow after its handshake; f.base: each side's ISN + 1, where its stream's byte 0 goes."""
    f = Flow(cap, cport=cport, sport=sport, caddr='192.0.2.10', saddr='192.0.2.80', **kw)
    f.handshake()
    f.base = {'c': f.nxt['c'], 's': f.nxt['s']}
    return f


def at(f, who, data, off, **kw):
    """Sends data[off:] (or kw 'upto') of who's stream, starting `off` bytes after its ISN + 1."""
    upto = kw.pop('upto', len(data))
    return f.send(who, 'PA', data[off:upto], seq=f.base[who] + off, **kw)
