#!/usr/bin/python3
"""The socket programs behind the lesson captures (record.sh runs them, as root, in network namespaces).

usage: scenarios.py ROLE SCENARIO [HOST PORT]
ROLE is "both" (client and server in this process, on loopback), "server" or "client" (two namespaces).
Each scenario waits between socket calls so the segments come in the order the lesson tells.
"""
import socket
import struct
import sys
import threading
import time

MESSAGE = b"I'm TCP client"
REPLY = b"I'm TCP server"


def listener(host, port, rcvbuf=None):
    s = socket.socket(socket.AF_INET6 if ':' in host else socket.AF_INET)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if rcvbuf:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    s.bind((host, port))
    s.listen(1)
    return s


def connect(host, port, nodelay=False):
    c = socket.create_connection((host, port))
    if nodelay:
        c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return c


def read_to_eof(s):
    data = b''
    while True:
        d = s.recv(65536)
        if not d:
            return data
        data += d


# ---- the seed's lab and its closes (loopback) ----

def classic_server(host, port, ready, close_delay=0.0):
    """recv the client's message, wait for its FIN, then close (after close_delay seconds)."""
    s = listener(host, port)
    ready.set()
    c, _ = s.accept()
    c.recv(1024)
    read_to_eof(c)
    time.sleep(close_delay)
    c.close()
    s.close()


def classic_client(host, port):
    c = connect(host, port)
    time.sleep(0.05)
    c.sendall(MESSAGE)
    time.sleep(0.05)
    c.close()
    time.sleep(0.3)


def seq_ack_server(host, port, ready):
    """Answers the client's message, then reads its second message and closes once the client has."""
    s = listener(host, port)
    ready.set()
    c, _ = s.accept()
    c.recv(1024)
    time.sleep(0.01)
    c.sendall(b"Hello from the server")
    c.recv(1024)
    read_to_eof(c)
    c.close()
    s.close()


def seq_ack_client(host, port):
    c = connect(host, port)
    time.sleep(0.05)
    c.sendall(MESSAGE)
    c.recv(1024)
    time.sleep(0.1)
    c.sendall(b"bye\r\n")
    time.sleep(0.1)
    c.close()
    time.sleep(0.3)


def half_close_server(host, port, ready):
    s = listener(host, port)
    ready.set()
    c, _ = s.accept()
    read_to_eof(c)
    for line in (b"line 1 of the answer\n", b"line 2 of the answer\n", b"done\n"):
        time.sleep(0.05)
        c.sendall(line)
    time.sleep(0.05)
    c.close()
    s.close()


def half_close_client(host, port):
    c = connect(host, port)
    time.sleep(0.05)
    c.sendall(b"GET answer\n")
    time.sleep(0.05)
    c.shutdown(socket.SHUT_WR)
    read_to_eof(c)
    c.close()
    time.sleep(0.3)


def server_first_server(host, port, ready):
    s = listener(host, port)
    ready.set()
    c, _ = s.accept()
    time.sleep(0.05)
    c.sendall(b"220 welcome\r\n")
    time.sleep(0.05)
    c.close()
    s.close()


def server_first_client(host, port):
    c = connect(host, port)
    read_to_eof(c)
    time.sleep(0.2)
    c.close()
    time.sleep(0.3)


def refused_abort_server(host, port, ready):
    s = listener(host, port)
    ready.set()
    c, _ = s.accept()
    c.recv(1024)
    try:
        c.recv(1024)
    except ConnectionResetError:
        pass
    c.close()
    s.close()


def refused_abort_client(host, port):
    try:
        connect(host, port + 1)  # nobody listens there
    except ConnectionRefusedError:
        pass
    time.sleep(0.2)
    c = connect(host, port)
    time.sleep(0.05)
    c.sendall(MESSAGE)
    time.sleep(0.05)
    # SO_LINGER on with a zero timeout: close() aborts with RST instead of the FIN handshake.
    c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
    c.close()
    time.sleep(0.3)


# ---- two namespaces ----

def http_server(host, port, ready):
    """A one-request HTTP server (the encapsulation and options lessons)."""
    s = listener(host, port)
    ready.set()
    c, _ = s.accept()
    req = b''
    while b'\r\n\r\n' not in req:
        d = c.recv(4096)
        if not d:
            break
        req += d
    body = b'<p>Hello from Handshake Lab</p>\n'
    c.sendall(b'HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s' % (len(body), body))
    c.shutdown(socket.SHUT_WR)
    read_to_eof(c)
    c.close()
    s.close()


def http_client(host, port):
    c = connect(host, port)
    c.sendall(b'GET / HTTP/1.1\r\nHost: %s\r\nUser-Agent: handshake-lab-lesson\r\n\r\n' % host.encode())
    read_to_eof(c)
    time.sleep(0.02)
    c.close()
    time.sleep(0.3)


def bulk_server(host, port, ready):
    s = listener(host, port)
    ready.set()
    c, _ = s.accept()
    read_to_eof(c)
    c.sendall(b'ok\n')
    c.close()
    s.close()


def bulk_client(host, port, total=24 * 1448, chunk=1448):
    c = connect(host, port)
    sent = 0
    while sent < total:
        c.sendall(b'x' * min(chunk, total - sent))
        sent += chunk
    c.shutdown(socket.SHUT_WR)
    read_to_eof(c)
    c.close()
    time.sleep(0.3)


def loss_client(host, port):
    """A burst of 12 segments (one is lost: duplicate ACKs, fast retransmission), then a lone segment (lost
    with its tail-loss probe: only the retransmission timer recovers it)."""
    c = connect(host, port)
    c.sendall(b'a' * 12 * 1448)
    time.sleep(0.5)
    c.sendall(b'b' * 1448)
    time.sleep(1.0)
    c.shutdown(socket.SHUT_WR)
    read_to_eof(c)
    c.close()
    time.sleep(0.3)


def transfer_client(host, port):
    """About 300 KB in one go: slow start on the Stevens graph, RTT samples for the estimate."""
    bulk_client(host, port, total=300 * 1024, chunk=16384)


def zero_window_server(host, port, ready):
    """A small receive buffer and a reader that stops for a while: the window closes, then opens."""
    s = listener(host, port, rcvbuf=4096)
    ready.set()
    c, _ = s.accept()
    time.sleep(1.5)
    read_to_eof(c)
    c.close()
    s.close()


def zero_window_client(host, port):
    c = connect(host, port)
    c.sendall(b'z' * 20000)
    c.shutdown(socket.SHUT_WR)
    read_to_eof(c)
    c.close()
    time.sleep(0.3)


def at(t):
    """Sleeps until the wall-clock time t (both namespaces share the clock)."""
    time.sleep(max(0.0, t - time.time()))


def simultaneous_peer(host, port, peer, peer_port, start):
    """Both peers connect to each other at the same moment (SYNs cross), then shut down together (FINs cross)."""
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((host, port))
    at(start)
    s.connect((peer, peer_port))
    s.sendall(b'hello from %d' % port)
    s.recv(100)
    at(start + 1.0)
    s.shutdown(socket.SHUT_WR)
    read_to_eof(s)
    s.close()
    time.sleep(0.3)


SCENARIOS = {
    'classic': (classic_server, classic_client),
    'four-segment': (lambda h, p, r: classic_server(h, p, r, close_delay=0.2), classic_client),
    'seq-ack': (seq_ack_server, seq_ack_client),
    'half-close': (half_close_server, half_close_client),
    'server-first': (server_first_server, server_first_client),
    'refused-abort': (refused_abort_server, refused_abort_client),
    'http': (http_server, http_client),
    'loss': (bulk_server, loss_client),
    'transfer': (bulk_server, transfer_client),
    'zero-window': (zero_window_server, zero_window_client),
}


def main():
    role, name = sys.argv[1], sys.argv[2]
    if name == 'simultaneous':
        host, port, peer, peer_port, start = sys.argv[3], int(sys.argv[4]), sys.argv[5], int(sys.argv[6]), float(sys.argv[7])
        simultaneous_peer(host, port, peer, peer_port, start)
        return
    host = sys.argv[3] if len(sys.argv) > 3 else '127.0.0.1'
    port = int(sys.argv[4]) if len(sys.argv) > 4 else 12345
    server, client = SCENARIOS[name]
    ready = threading.Event()
    if role == 'server':
        t = threading.Thread(target=server, args=(host, port, ready))
        t.start()
        ready.wait()
        print('ready', flush=True)
        t.join()
    elif role == 'client':
        client(host, port)
    else:
        t = threading.Thread(target=server, args=(host, port, ready))
        t.start()
        ready.wait()
        client(host, port)
        t.join()


if __name__ == '__main__':
    main()
