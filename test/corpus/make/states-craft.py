#!/usr/bin/python3
"""RFC 9293's recovery scenarios and other state edges, crafted (writes ../tcp/states-edges.pcap).

One connection (port pair) per case, scripted with tcpsim.Flow; deterministic. The expected states are RFC
9293's (figure and section named per case) and Linux's where it decides differently; tshark numbers the
streams. usage: states-craft.py
  41301  Figure 9: an old duplicate SYN reaches the listener first; its SYN-ACK is answered by a RST (the ACK
         is unacceptable in SYN-SENT); the listener returns to LISTEN; the real SYN then opens the connection
  41302  Figure 10: half-open discovery: established, the client crashes and reconnects from the same port with
         a new ISN; the server (still ESTABLISHED) answers with an ACK of the old connection, the client's
         kernel (no such connection) resets it <SEQ=SEG.ACK>; the retried SYN then opens a new connection
  41303  Figure 11: the client crashed; the server's data is answered by a RST <SEQ=SEG.ACK> (no ACK)
  41304  a new SYN with a higher ISN while the server is in TIME_WAIT (it closed first): Linux accepts it
  41305  the same, a SYN with the same ISN as the closed connection's: an old duplicate (TIME_WAIT answers with
         an ACK, the client's kernel resets)
  41306  SYN+FIN answered by a SYN-ACK acknowledging both (SND.NXT = ISN + 2 makes that ACK acceptable)
  41307  keep-alives in FIN_WAIT_2 / CLOSE_WAIT (half-close): the server's keep-alive (SEQ = SND.NXT - 1) and its ACK
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tcpsim import Capture, Flow  # noqa: E402

here = os.path.dirname(os.path.abspath(__file__))
out = os.path.join(os.path.dirname(here), 'tcp')
cap = Capture()

# Figure 9 (RFC 9293 §3.5): old duplicate SYN (ISN 90 of an earlier incarnation), then the real one (ISN 100 here 0x100).
f = Flow(cap, cport=41301, isn_c=0x1000, isn_s=0x5000)
f.send('c', 'S', seq=0x0900, deliver=True)                  # the old duplicate
f.send('s', 'SA', ack=0x0901)                               # answered: SYN_RECEIVED
f.send('c', 'R', seq=0x0901, ack=0)                          # unacceptable ACK in SYN-SENT: <SEQ=SEG.ACK><CTL=RST>
f.nxt['c'] = 0x1000
f.send('c', 'S', seq=0x1000, dt=0.001)                       # the real SYN (LISTEN again)
f.send('s', 'SA', seq=0x6000, ack=0x1001)
f.send('c', 'A', seq=0x1001, ack=0x6001)

# Figure 10: half-open connection discovery.
f = Flow(cap, cport=41302, isn_c=0x2000, isn_s=0x7000)
f.handshake()
f.send('c', 'PA', b'hello\n')
f.send('s', 'A')
# The client crashes and comes back with a new ISN on the same port.
f.send('c', 'S', seq=0x9000, dt=0.5)
f.send('s', 'A', ack=0x2007)                                 # the server's ESTABLISHED socket: an ACK of the old connection
f.send('c', 'R', seq=0x2007, ack=0)                          # the client's kernel: <SEQ=SEG.ACK><CTL=RST>
f.send('c', 'S', seq=0x9000, dt=1.0)                         # SYN retried
f.send('s', 'SA', seq=0xa000, ack=0x9001)
f.send('c', 'A', seq=0x9001, ack=0xa001)

# Figure 11: active side crashed; the server's data meets no connection.
f = Flow(cap, cport=41303, isn_c=0x3000, isn_s=0xb000)
f.handshake()
f.send('c', 'PA', b'hi\n')
f.send('s', 'A')
f.send('s', 'PA', b'data after your crash\n', dt=0.5)
f.send('c', 'R', seq=0x3000 + 4, ack=0)                       # <SEQ=SEG.ACK>

# A new SYN (higher ISN) while the server is in TIME_WAIT (it closed first), accepted by Linux.
f = Flow(cap, cport=41304, isn_c=0x4000, isn_s=0xc000)
f.handshake()
f.send('s', 'PA', b'bye\n')
f.send('c', 'A')
f.close('s')
f.send('c', 'S', seq=0x4000 + 0x10000, dt=0.2)
f.send('s', 'SA', seq=0xd000, ack=0x4000 + 0x10001)
f.send('c', 'A', seq=0x4000 + 0x10001, ack=0xd001)

# A SYN with the closed connection's own ISN reaching TIME_WAIT: an old duplicate.
f = Flow(cap, cport=41305, isn_c=0x5000, isn_s=0xe000)
f.handshake()
f.close('s')
f.send('c', 'S', seq=0x5000, dt=0.2)
f.send('s', 'A', seq=0xe002, ack=0x5002)                       # TIME_WAIT's ACK
f.send('c', 'R', seq=0x5002, ack=0)

# SYN+FIN, answered by a SYN-ACK acknowledging both.
f = Flow(cap, cport=41306, isn_c=0x6000, isn_s=0xf000)
f.send('c', 'FS', seq=0x6000)
f.send('s', 'SA', seq=0xf000, ack=0x6002)
f.send('c', 'A', seq=0x6002, ack=0xf001)
f.send('s', 'FA', seq=0xf001, ack=0x6002)
f.send('c', 'A', seq=0x6002, ack=0xf002)

# Keep-alives in half-close: the client in FIN_WAIT_2, the server in CLOSE_WAIT keeps the connection alive.
f = Flow(cap, cport=41307, isn_c=0x7000, isn_s=0x1f000)
f.handshake()
f.send('c', 'FA')
f.send('s', 'A')
f.send('s', 'A', seq=f.nxt['s'] - 1, dt=1.0)                  # keep-alive
f.send('c', 'A')
f.send('s', 'A', seq=f.nxt['s'] - 1, dt=1.0)
f.send('c', 'A')
f.send('s', 'FA', dt=0.5)
f.send('c', 'A')

cap.write(os.path.join(out, 'states-edges.pcap'))
print('wrote states-edges.pcap: %d frames' % len(cap.frames))
