#!/usr/bin/python3
"""Crafted HTTP/1.x conversations that tshark reassembles across TCP segments (writes ../reasm/http-*.pcap):
requests and responses cut at every kind of place (inside the first line, inside a header, between headers
and body, inside the body), Content-Length and chunked bodies, keep-alive and pipelined requests, a body
that ends with the connection, messages without a body, non-HTTP data on port 80, and a heuristic match
on another port. Every TCP conversation is scripted with tcpsim.Flow (plausible seq/ack). Deterministic.

usage: http-craft.py
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tcpsim import Capture, Flow  # noqa: E402

here = os.path.dirname(os.path.abspath(__file__))
out = os.path.join(os.path.dirname(here), 'reasm')
os.makedirs(out, exist_ok=True)
path = lambda n: os.path.join(out, n)  # noqa: E731

HTML = b'<!DOCTYPE html>\n<html>\n<head><title>Handshake Lab</title></head>\n<body>\n<p>' + b'x' * 900 + b'</p>\n</body>\n</html>\n'


def pieces(f, who, data, cuts, ack=True):
    """Sends `data` from `who` cut at the given offsets, each piece acknowledged by the peer."""
    bounds = [0] + list(cuts) + [len(data)]
    for a, b in zip(bounds, bounds[1:]):
        f.send(who, 'PA', data[a:b])
        if ack:
            f.send(f.other(who), 'A', dt=0.00001)


def split_messages():
    """Port 80: a GET cut inside its first line and between two headers; the response's headers cut inside a
    header line, its text/html body in three parts; then a keep-alive GET answered by a 304 (no body)."""
    cap = Capture()
    f = Flow(cap, cport=43000, sport=80, caddr='192.0.2.10', saddr='192.0.2.80')
    f.handshake()
    req = b'GET /index.html HTTP/1.1\r\nHost: lab.example\r\nUser-Agent: handshake-lab/1.0\r\nAccept: */*\r\n\r\n'
    pieces(f, 'c', req, [10, 60])
    body = HTML
    head = (b'HTTP/1.1 200 OK\r\nServer: lab\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: %d\r\n'
            b'Connection: keep-alive\r\n\r\n' % len(body))
    resp = head + body
    pieces(f, 's', resp, [40, len(head), len(head) + 400, len(head) + 800])
    req2 = b'GET /index.html HTTP/1.1\r\nHost: lab.example\r\nIf-None-Match: "abc"\r\n\r\n'
    f.send('c', 'PA', req2, dt=0.01)
    f.send('s', 'PA', b'HTTP/1.1 304 Not Modified\r\nETag: "abc"\r\n\r\n')
    f.send('c', 'A')
    f.close('c')
    cap.write(path('http-split.pcap'))


def chunked_and_post():
    """Port 8080: a POST whose form body comes in its own segment, answered with a chunked JSON-less text/plain
    body whose chunks straddle segments; then two pipelined GETs in one segment, answered in one segment."""
    cap = Capture()
    f = Flow(cap, cport=43100, sport=8080, caddr='192.0.2.10', saddr='192.0.2.80')
    f.handshake()
    form = b'name=lab&step=2'
    post = b'POST /submit HTTP/1.1\r\nHost: lab.example:8080\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: %d\r\n\r\n' % len(form)
    pieces(f, 'c', post + form, [len(post)])
    chunks = b'7\r\nHello, \r\n6\r\nworld!\r\n0\r\n\r\n'
    head = b'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n'
    pieces(f, 's', head + chunks, [len(head) + 5, len(head) + 14])
    g1 = b'GET /a.txt HTTP/1.1\r\nHost: lab.example:8080\r\n\r\n'
    g2 = b'GET /b.txt HTTP/1.1\r\nHost: lab.example:8080\r\n\r\n'
    f.send('c', 'PA', g1 + g2, dt=0.01)
    r1 = b'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\na\n'
    r2 = b'HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n'
    f.send('s', 'PA', r1 + r2)
    f.send('c', 'A')
    f.close('c')
    cap.write(path('http-chunked.pcap'))


def until_close():
    """Port 80: an HTTP/1.0 response without Content-Length, its body ending with the server's FIN; then non-HTTP
    bytes to port 80 on another connection."""
    cap = Capture()
    f = Flow(cap, cport=43200, sport=80, caddr='192.0.2.10', saddr='192.0.2.80')
    f.handshake()
    f.send('c', 'PA', b'GET /old HTTP/1.0\r\n\r\n')
    f.send('s', 'A', dt=0.00001)
    pieces(f, 's', b'HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nline one\nline two\n', [44])
    f.close('s')
    g = Flow(cap, cport=43201, sport=80, caddr='192.0.2.10', saddr='192.0.2.80', isn_c=0x11111111, isn_s=0x22222222)
    g.handshake()
    g.send('c', 'PA', b'\x16\x03\x01\x00\x05hello')
    g.send('s', 'A', dt=0.00001)
    g.close('c')
    cap.write(path('http-close.pcap'))


def heuristic_port():
    """Port 18080 (no HTTP port): the heuristic finds the GET; its response comes in three segments."""
    cap = Capture()
    f = Flow(cap, cport=43300, sport=18080, caddr='127.0.0.1', saddr='127.0.0.1')
    f.handshake()
    f.send('c', 'PA', b'GET /lab.py HTTP/1.1\r\nHost: 127.0.0.1:18080\r\nAccept: */*\r\n\r\n')
    f.send('s', 'A', dt=0.00001)
    body = b'print("hello")\n' * 80
    head = b'HTTP/1.0 200 OK\r\nServer: SimpleHTTP/0.6 Python/3.11.2\r\nContent-type: text/x-python\r\nContent-Length: %d\r\n\r\n' % len(body)
    pieces(f, 's', head + body, [len(head), len(head) + 600])
    f.close('s')
    # The heuristic's edges, one conversation each: "HTTP/1." in any case at the start or at the end of
    # the first line (LF, or CR before the last byte), a first line of exactly 8 bytes (refused), a line
    # shorter than 8 (the end is read back from the end of the data), a line never ended; each answered by
    # a line the heuristic refuses.
    edges = [b'GET / HTTP/1.0\r\n\r\n', b'get / http/1.1\r\n\r\n', b'http/1.1 200 ok\r\ncontent-length: 2\r\n\r\nok',
             b'hi\r\nxxHTTP/1.1', b'hi\r\nxxxHTTP/1.', b'12345678\r\nHTTP/1.1 200 OK\r\n\r\n', b'HTTP/1.0\r\n\r\n',
             b'HTTP/1.x 200 OK\r\n\r\n', b'foo\rbarHTTP/1.1', b'abc\r', b'HTTP/1.1 200 OK\r', b'no line end HTTP/1.1']
    for i, data in enumerate(edges):
        g = Flow(cap, cport=43301 + i, sport=19101 + i, caddr='127.0.0.1', saddr='127.0.0.1')
        g.handshake()
        g.send('c', 'PA', data)
        g.send('s', 'PA', b'not http\r\n')  # what a claimed conversation makes of it
    cap.write(path('http-heuristic.pcap'))


split_messages()
chunked_and_post()
until_close()
heuristic_port()
