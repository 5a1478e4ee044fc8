#!/usr/bin/python3
"""The seed's lab (server recv(1024) then close; client connects, sends "I'm TCP client", closes).

usage: lab.py server|client FAMILY(4|6) PORT [CLOSE_DELAY_SECONDS]
The server handles one connection and exits; CLOSE_DELAY makes it wait before close(),
which turns Linux's usual 3-segment close into a 4-segment one.
"""
import socket
import sys
import time

role, fam, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
delay = float(sys.argv[4]) if len(sys.argv) > 4 else 0.0
family = socket.AF_INET6 if fam == '6' else socket.AF_INET
addr = '::1' if fam == '6' else '127.0.0.1'

if role == 'server':
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((addr, port))
    sock.listen(1)
    print('ready', flush=True)
    conn, peer = sock.accept()
    data = conn.recv(1024)
    if delay:
        time.sleep(delay)
    conn.close()
    sock.close()
else:
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.connect((addr, port))
    sock.sendall(b"I'm TCP client")
    sock.close()
