#!/usr/bin/python3
"""Real loopback traffic for the reassembly corpus (run as root inside a private network namespace while
tcpdump records its lo; see record-reasm.sh). A tiny DNS server answers for lab.example on 127.0.0.1:53
and [::1]:53 (UDP and TCP, compressed names); the clients are real: glibc's resolver (getent, curl) and
curl, plus a few Python sockets where the way bytes are cut into segments must be forced.

usage: reasm-live.py dns|dns-tcp|dns-frag|http|http-split
  dns        getent ahosts lab.example (glibc: A and AAAA over UDP), an MX and a missing name (NXDOMAIN)
  dns-tcp    getent with "options use-vc" (glibc asks over TCP), and a large answer sent in three writes
  dns-frag   a 3000-byte UDP answer (lo MTU 1280): IPv4 and IPv6 fragments
  http       curl resolves www.lab.example and fetches two files over one HTTP/1.1 connection (port 80)
  http-split a request and a chunked response written in pieces (TCP_NODELAY), on port 8080
"""
import os
import socket
import struct
import subprocess
import sys
import threading
import time

ZONE = 'lab.example'
A = {'lab.example': '127.0.0.1', 'www.lab.example': '127.0.0.1'}
AAAA = {'lab.example': '::1', 'www.lab.example': '::1'}


def encode_name(name, table, base):
    """A name with RFC 1035 compression: a pointer to the longest suffix already written (table: suffix -> offset)."""
    out = b''
    labels = name.rstrip('.').split('.') if name else []
    for i in range(len(labels)):
        suffix = '.'.join(labels[i:]).lower()
        if suffix in table:
            return out + struct.pack('!H', 0xc000 | table[suffix])
        if base + len(out) < 0x3fff:
            table[suffix] = base + len(out)
        out += bytes([len(labels[i])]) + labels[i].encode()
    return out + b'\0'


class Msg:
    def __init__(self, ident, flags):
        self.ident, self.flags = ident, flags
        self.sections = [[], [], [], []]
        self.body = b''
        self.table = {}

    def name(self, n):
        b = encode_name(n, self.table, 12 + len(self.body))
        self.body += b

    def question(self, n, qtype, qclass=1):
        self.name(n)
        self.body += struct.pack('!HH', qtype, qclass)
        self.sections[0].append(1)

    def rr(self, section, n, rtype, rdata_fn, ttl=300):
        self.name(n)
        self.body += struct.pack('!HHI', rtype, 1, ttl)
        at = len(self.body)
        self.body += b'\0\0'
        rdata_fn(self)
        rdlen = len(self.body) - at - 2
        self.body = self.body[:at] + struct.pack('!H', rdlen) + self.body[at + 2:]
        self.sections[section].append(1)

    def bytes(self):
        return struct.pack('!HHHHHH', self.ident, self.flags, *[len(s) for s in self.sections]) + self.body


def parse_question(q):
    p, labels = 12, []
    while q[p]:
        labels.append(q[p + 1:p + 1 + q[p]].decode())
        p += 1 + q[p]
    qtype, qclass = struct.unpack('!HH', q[p + 1:p + 5])
    return '.'.join(labels), qtype, qclass


def answer(q, big=False):
    ident, flags = struct.unpack('!HH', q[:4])
    name, qtype, qclass = parse_question(q)
    lname = name.lower()
    known = lname in A or lname.endswith('.' + ZONE) or lname == ZONE
    m = Msg(ident, 0x8400 | (flags & 0x0100) | 0x0080 | (0 if known else 3))
    m.question(name, qtype, qclass)

    def raw(b):
        return lambda msg: setattr(msg, 'body', msg.body + b)

    def name_rdata(n, pref=None):
        def f(msg):
            if pref is not None:
                msg.body += struct.pack('!H', pref)
            msg.name(n)
        return f
    if not known:
        def soa(msg):
            msg.name('ns1.' + ZONE)
            msg.name('hostmaster.' + ZONE)
            msg.body += struct.pack('!IIIII', 2026120301, 7200, 3600, 1209600, 300)
        m.rr(2, ZONE, 6, soa, ttl=300)
    elif big:
        for i in range(12):
            text = (b'%02d-' % i) * 60
            m.rr(1, name, 16, raw(bytes([len(text)]) + text), ttl=60)
    elif qtype == 1 and lname in A:
        if lname.startswith('www.'):
            m.rr(1, name, 5, name_rdata(ZONE), ttl=3600)
        m.rr(1, ZONE if lname.startswith('www.') else name, 1, raw(socket.inet_pton(socket.AF_INET, A[lname])), ttl=60)
    elif qtype == 28 and lname in AAAA:
        if lname.startswith('www.'):
            m.rr(1, name, 5, name_rdata(ZONE), ttl=3600)
        m.rr(1, ZONE if lname.startswith('www.') else name, 28, raw(socket.inet_pton(socket.AF_INET6, AAAA[lname])), ttl=60)
    elif qtype == 15:
        m.rr(1, name, 15, name_rdata('mail.' + ZONE, 10), ttl=3600)
        m.rr(3, 'mail.' + ZONE, 1, raw(socket.inet_pton(socket.AF_INET, '127.0.0.1')), ttl=60)
    elif qtype == 16:
        m.rr(1, name, 16, raw(b'\x0fhandshake-lab=1'), ttl=60)
    else:
        def soa(msg):
            msg.name('ns1.' + ZONE)
            msg.name('hostmaster.' + ZONE)
            msg.body += struct.pack('!IIIII', 2026120301, 7200, 3600, 1209600, 300)
        m.rr(2, ZONE, 6, soa, ttl=300)
    return m.bytes()


def serve_udp(family, addr, stop, big=False):
    s = socket.socket(family, socket.SOCK_DGRAM)
    s.bind((addr, 53))
    s.settimeout(0.2)
    while not stop.is_set():
        try:
            q, peer = s.recvfrom(4096)
        except socket.timeout:
            continue
        s.sendto(answer(q, big), peer)
    s.close()


def serve_tcp(stop, pieces=False):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(('127.0.0.1', 53))
    s.listen(4)
    s.settimeout(0.2)
    while not stop.is_set():
        try:
            c, _ = s.accept()
        except socket.timeout:
            continue
        c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        c.settimeout(1)
        buf = b''
        try:
            while True:
                data = c.recv(4096)
                if not data:
                    break
                buf += data
                while len(buf) >= 2 and len(buf) >= 2 + struct.unpack('!H', buf[:2])[0]:
                    n = struct.unpack('!H', buf[:2])[0]
                    q, buf = buf[2:2 + n], buf[2 + n:]
                    name, qtype, _ = parse_question(q)
                    r = answer(q, big=pieces and qtype == 16)
                    out = struct.pack('!H', len(r)) + r
                    if pieces and qtype == 16:
                        for a, b in ((0, 2), (2, 700), (700, len(out))):
                            c.sendall(out[a:b])
                            time.sleep(0.05)
                    else:
                        c.sendall(out)
        except socket.timeout:
            pass
        c.close()
    s.close()


def with_servers(fn, tcp=False, pieces=False, big=False):
    stop = threading.Event()
    threads = [threading.Thread(target=serve_udp, args=(socket.AF_INET, '127.0.0.1', stop, big)),
               threading.Thread(target=serve_udp, args=(socket.AF_INET6, '::1', stop, big))]
    if tcp:
        threads.append(threading.Thread(target=serve_tcp, args=(stop, pieces)))
    for t in threads:
        t.start()
    time.sleep(0.3)
    try:
        fn()
    finally:
        time.sleep(0.3)
        stop.set()
        for t in threads:
            t.join()


def query(qname, qtype, family=socket.AF_INET, addr='127.0.0.1', ident=0x2a2a, edns=False):
    m = Msg(ident, 0x0100)
    m.question(qname, qtype)
    q = m.bytes()
    if edns:
        q = q[:11] + b'\x01' + q[12:] + b'\x00' + struct.pack('!HHBBHH', 41, 4096, 0, 0, 0, 0)
    s = socket.socket(family, socket.SOCK_DGRAM)
    s.settimeout(2)
    s.sendto(q, (addr, 53))
    s.recv(65535)
    s.close()


def main():
    what = sys.argv[1]
    if what == 'dns':
        def run():
            subprocess.run(['getent', 'ahosts', 'lab.example'], check=True, stdout=subprocess.DEVNULL)
            query('lab.example', 15, ident=0x1501)
            query('nosuch.lab.example', 1, ident=0x1502)
        with_servers(run)
    elif what == 'dns-tcp':
        def run():
            subprocess.run(['getent', 'hosts', 'www.lab.example'], check=True, stdout=subprocess.DEVNULL)
            c = socket.create_connection(('127.0.0.1', 53))
            c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            for ident, (n, t) in enumerate((('lab.example', 15), ('lab.example', 16)), 0x3301):
                m = Msg(ident, 0x0100)
                m.question(n, t)
                q = m.bytes()
                c.sendall(struct.pack('!H', len(q)) + q)
                got = b''
                while len(got) < 2 or len(got) < 2 + struct.unpack('!H', got[:2])[0]:
                    got += c.recv(4096)
            c.close()
        with_servers(run, tcp=True, pieces=True)
    elif what == 'dns-frag':
        def run():
            query('big.lab.example', 16, edns=True, ident=0x4401)
            query('big.lab.example', 16, socket.AF_INET6, '::1', edns=True, ident=0x4402)
        with_servers(run, big=True)
    elif what == 'http':
        root = '/tmp/hl-reasm-www'
        os.makedirs(root, exist_ok=True)
        with open(os.path.join(root, 'index.html'), 'w') as f:
            f.write('<!DOCTYPE html>\n<html><head><title>Handshake Lab</title></head>\n<body>\n')
            for i in range(400):
                f.write(f'<p>Line {i}: the segments of this page are put back together before HTTP reads it.</p>\n')
            f.write('</body></html>\n')
        with open(os.path.join(root, 'note.txt'), 'w') as f:
            f.write('A second request on the same connection.\n')
        srv = subprocess.Popen(['/usr/bin/python3', '-m', 'http.server', '80', '--bind', '127.0.0.1', '--protocol', 'HTTP/1.1',
                                '--directory', root], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

        def run():
            time.sleep(1.0)
            subprocess.run(['curl', '-s', '-4', '-o', '/dev/null', '-o', '/dev/null',
                            'http://www.lab.example/index.html', 'http://www.lab.example/note.txt'], check=True)
        try:
            with_servers(run)
        finally:
            srv.terminate()
            srv.wait()
    elif what == 'http-split':
        ready = threading.Event()

        def server():
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind(('127.0.0.1', 8080))
            s.listen(1)
            ready.set()
            c, _ = s.accept()
            c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            got = b''
            while b'name=lab' not in got:
                got += c.recv(4096)
            head = b'HTTP/1.1 200 OK\r\nServer: handshake-lab\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n'
            chunks = [b'%x\r\n%s\r\n' % (len(t), t) for t in (b'The first chunk of text\n', b'The second chunk of text\n')]
            for piece in (head[:30], head[30:], chunks[0], chunks[1], b'0\r\n\r\n'):
                c.sendall(piece)
                time.sleep(0.05)
            c.recv(10)
            c.close()
            s.close()
        t = threading.Thread(target=server)
        t.start()
        ready.wait()
        c = socket.create_connection(('127.0.0.1', 8080))
        c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        body = b'name=lab&step=3'
        req = (b'POST /submit HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nUser-Agent: handshake-lab\r\n'
               b'Content-Type: application/x-www-form-urlencoded\r\nContent-Length: %d\r\n\r\n' % len(body))
        for piece in (req[:12], req[12:60], req[60:], body):
            c.sendall(piece)
            time.sleep(0.05)
        got = b''
        while not got.endswith(b'0\r\n\r\n'):
            got += c.recv(4096)
        c.close()
        t.join()
    else:
        sys.exit(__doc__)


main()
