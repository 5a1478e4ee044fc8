#!/usr/bin/python3
"""Real loopback TCP scenarios for test/corpus/tcp (run as root inside record-tcp.sh, which records lo).

usage: tcp-live.py SCENARIO PORT
  half-close     client sends a request and shuts down writing; the server answers with data after that FIN
  server-first   the server sends a greeting and closes first; the client closes after reading EOF
  rst-linger     established, the client closes with SO_LINGER 0: abortive close (RST+ACK)
  rst-close-wait the client shuts down writing (FIN); the server, in CLOSE_WAIT, aborts with SO_LINGER 0
  rst-after-close the client closes (FIN); the server still writes: the closed client answers with RST
  rst-unread     the server closes with unread data in its receive buffer: the kernel sends RST
  refused        connect() to a closed port on 127.0.0.1 and on ::1 (SYN, RST+ACK)
  zero-window    small receive buffer, the receiver stops reading, then drains: zero window, probes, update
  keepalive      an idle connection with SO_KEEPALIVE, TCP_KEEPIDLE=1, TCP_KEEPINTVL=1 for ~3.5 s
  port-reuse     two connections on the same 4-tuple (server closes first, so its side holds TIME_WAIT)
  transfer       a bulk transfer in 1000-byte writes with TCP_NODELAY (the base for the derived lossy files)
  ipv6-transfer  a short request/response over ::1
  frag           IPv4 and IPv6 UDP datagrams larger than lo's MTU (set to 1280 by the caller): real fragments
"""
import socket
import struct
import sys
import threading
import time

what, port = sys.argv[1], int(sys.argv[2])
A4 = '127.0.0.1'


def listener(addr=A4, family=socket.AF_INET, rcvbuf=0):
    s = socket.socket(family, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if rcvbuf:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)  # inherited by accepted sockets
    s.bind((addr, port))
    s.listen(4)
    return s


def serve(fn, **kw):
    """Runs fn(conn) for one accepted connection in a thread; returns the thread."""
    lst = listener(**kw)

    def run():
        conn, _ = lst.accept()
        fn(conn)
        lst.close()
    t = threading.Thread(target=run)
    t.start()
    return t


def client(addr=A4, family=socket.AF_INET, bind_port=0):
    c = socket.socket(family, socket.SOCK_STREAM)
    if bind_port:
        c.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        c.bind((addr, bind_port))
    c.connect((addr, port))
    return c


def read_all(s):
    buf = b''
    while True:
        d = s.recv(65536)
        if not d:
            return buf
        buf += d


LINGER0 = struct.pack('ii', 1, 0)

if what == 'half-close':
    def srv(c):
        req = read_all(c)                   # up to the client's FIN
        for i in range(3):                  # data after the peer's FIN: legal in CLOSE_WAIT
            c.sendall(b'reply %d to %s\n' % (i, req.strip()))
            time.sleep(0.05)
        c.close()
    t = serve(srv)
    c = client()
    c.sendall(b'GET three lines\n')
    time.sleep(0.05)
    c.shutdown(socket.SHUT_WR)
    read_all(c)
    c.close()
    t.join()
elif what == 'server-first':
    def srv(c):
        c.sendall(b'220 hello, closing now\n')
        time.sleep(0.05)
        c.close()
    t = serve(srv)
    c = client()
    read_all(c)
    time.sleep(0.05)
    c.close()
    t.join()
elif what == 'rst-linger':
    def srv_safe(c):
        try:
            c.recv(100)
            c.recv(100)                     # ends with ECONNRESET when the RST arrives
        except OSError:
            pass
        c.close()
    t = serve(srv_safe)
    c = client()
    c.sendall(b'abort after this\n')
    time.sleep(0.05)
    c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, LINGER0)
    c.close()
    t.join()
elif what == 'rst-close-wait':
    def srv(c):
        read_all(c)                         # the client's FIN: now CLOSE_WAIT
        time.sleep(0.05)
        c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, LINGER0)
        c.close()
    t = serve(srv)
    c = client()
    c.sendall(b'bye\n')
    c.shutdown(socket.SHUT_WR)
    try:
        read_all(c)
    except OSError:
        pass
    c.close()
    t.join()
elif what == 'rst-after-close':
    def srv(c):
        c.recv(100)
        time.sleep(0.1)                     # the client has closed by now
        try:
            c.sendall(b'late data\n')
            time.sleep(0.05)
            c.sendall(b'more late data\n')
        except OSError:
            pass
        c.close()
    t = serve(srv)
    c = client()
    c.sendall(b'hello\n')
    time.sleep(0.02)
    c.close()
    t.join()
elif what == 'rst-unread':
    def srv(c):
        c.recv(5)                           # reads 5 of 30 bytes, then closes: RST instead of FIN
        time.sleep(0.05)
        c.close()
    t = serve(srv)
    c = client()
    c.sendall(b'0123456789abcdefghijklmnopqrst')
    time.sleep(0.2)
    try:
        c.recv(100)
    except OSError:
        pass
    c.close()
    t.join()
elif what == 'refused':
    for fam, addr in ((socket.AF_INET, A4), (socket.AF_INET6, '::1')):
        c = socket.socket(fam, socket.SOCK_STREAM)
        try:
            c.connect((addr, port))
        except ConnectionRefusedError:
            pass
        c.close()
        time.sleep(0.1)
elif what == 'zero-window':
    # The receiver's buffer is tiny and it stops reading; the sender keeps writing (non-blocking)
    # until the window closes, waits through a few zero-window probes, then the receiver drains.
    ready = threading.Event()

    def srv(c):
        c.recv(1000)
        ready.set()
        time.sleep(2.5)                     # not reading: the window fills and closes
        n = 0
        while n < 40000:
            d = c.recv(1000)                # small reads: several window updates
            if not d:
                break
            n += len(d)
            time.sleep(0.01)
        read_all(c)
        c.close()
    t = serve(srv, rcvbuf=2048)
    c = client()
    c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    c.sendall(b'x' * 1000)
    ready.wait()
    c.settimeout(10)
    sent = 0
    while sent < 40000:
        sent += c.send(b'y' * 1000)
    c.shutdown(socket.SHUT_WR)
    read_all(c)
    c.close()
    t.join()
elif what == 'keepalive':
    def srv(c):
        read_all(c)
        c.close()
    t = serve(srv)
    c = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    c.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
    c.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE, 1)
    c.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPINTVL, 1)
    c.connect((A4, port))
    c.sendall(b'idle from now\n')
    time.sleep(3.5)
    c.close()
    t.join()
elif what == 'port-reuse':
    cport = port + 1
    for i in range(2):
        def srv(c, i=i):
            c.sendall(b'connection %d\n' % i)
            c.close()                       # server closes first: TIME_WAIT on the server's side
        t = serve(srv)
        c = client(bind_port=cport)
        read_all(c)
        time.sleep(0.05)
        c.close()
        t.join()
        time.sleep(0.2)
elif what in ('transfer', 'ipv6-transfer'):
    fam, addr = (socket.AF_INET6, '::1') if what == 'ipv6-transfer' else (socket.AF_INET, A4)
    count = 2 if what == 'ipv6-transfer' else 24

    def srv(c):
        n = len(read_all(c))
        c.sendall(b'got %d bytes\n' % n)
        c.close()
    t = serve(srv, addr=addr, family=fam)
    c = client(addr, fam)
    c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    for i in range(count):
        c.sendall(bytes([65 + i % 26]) * 1000)
        time.sleep(0.01)
    c.shutdown(socket.SHUT_WR)
    read_all(c)
    c.close()
    t.join()
elif what == 'frag':
    for fam, addr in ((socket.AF_INET, A4), (socket.AF_INET6, '::1')):
        r = socket.socket(fam, socket.SOCK_DGRAM)
        r.bind((addr, port))
        u = socket.socket(fam, socket.SOCK_DGRAM)
        u.sendto(b'F' * 3000, (addr, port))
        r.settimeout(1)
        r.recv(4000)
        u.close()
        r.close()
        time.sleep(0.1)
else:
    sys.exit(__doc__)
