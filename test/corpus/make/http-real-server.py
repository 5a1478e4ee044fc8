#!/usr/bin/python3
"""The HTTP/1.1 server record-http.sh talks to (Python's http.server, keep-alive): plain text, UTF-8 text,
HTML, JSON of every kind of value, bodies in content codings (gzip, deflate, …), a 404 page, a redirect, chunked responses, a conditional GET (ETag, 304),
a large binary body, and uploads answered with their size (POST, PUT, forms, JSON).
usage: http-real-server.py PORT
"""
import gzip
import http.server
import json
import struct
import sys
import zlib

API = json.dumps({
    'user': {'id': 42, 'name': 'Ada', 'email': 'ada@lab.example', 'admin': False, 'manager': None},
    'scores': [98.5, -3, 1e-3, 0], 'tags': ['tcp', 'http', 'json'], 'nested': [[1, [2, [3]]], {'deep': {'deeper': {}}}],
    'text': 'line one\nline two\t"quoted" \\ slash /', 'unicode': 'café ✓ 中文', 'escaped': '\u00e9\u4e2d', 'empty': '',
}).encode()
PAGES = {
    '/': (b'hello\n', 'text/plain'),
    '/utf8': ('héllo wörld ✓ 中文\n'.encode(), 'text/plain; charset=utf-8'),
    '/html': (b'<!DOCTYPE html>\n<html>\n  <head><title>lab</title></head>\n  <body><p>hi</p></body>\n</html>\n', 'text/html'),
    '/api': (API, 'application/json'),
    '/api/list': (b'[1, "two", {"three": 3}, [true, false, null]]', 'application/json'),
    '/api/problem': (b'{"type": "about:blank", "title": "Not here", "status": 404}', 'application/problem+json'),
    '/api/stream': (b'{"event": 1}\n{"event": 2}\n', 'application/x-ndjson'),
    '/api/broken': (b'{"unterminated": [1, 2', 'application/json'),
    '/big': (bytes(range(256)) * 160, 'application/octet-stream'),
}
# JSON at the edges of tshark's parser: json_string_unescape's quirks (a \u escape ending a string adds nothing,
# a lone surrogate swallows the next character, a byte that starts no UTF-8 ends the string, unprintable
# characters vanish), whitespace inside numbers (tvbparse skips it between elements), trailing text, a number
# with a leading zero, and nesting around tvbparse's recursion limit (arrays fail from 26 levels, arrays
# holding a number from 24, objects from 20).
EDGES = [
    b'{"a": "x\\ud83d\\ude00y", "b": "p\\ud83dq", "c": "\\u0041\\u00e9\\u4e2d\\t\\b\\f\\r", "d\\"k": 1, "e": 1.0, "f": -0, "g": 1E+5}',
    b'{"c": "a\\u0000b\\u001fc\\ufeffd\\u00a0e\\u0041", "x": "\x80\x81z", "t": "trunc\xc3", "u": "\\ud83d\\ude00", "k": "\xff bad"}',
    b'{"n": - 1, "m": 1 .5, "k" : "v" }', b'{"x": 1} trailing', b'{"k": 01}', b'{"a":1,}', b'\xef\xbb\xbf{"bom": 1}', b'"string"',
    b'[' * 25 + b']' * 25, b'[' * 26 + b']' * 26, b'[' * 23 + b'1' + b']' * 23, b'[' * 24 + b'1' + b']' * 24,
    b'{"k":' * 19 + b'1' + b'}' * 19, b'{"k":' * 20 + b'1' + b'}' * 20,
]
for i, body in enumerate(EDGES):
    PAGES['/edge/%d' % i] = (body, 'application/json')


def raw_deflate(b, level=6):
    c = zlib.compressobj(level, zlib.DEFLATED, -15)
    return c.compress(b) + c.flush()


# Content codings (Content-Encoding) and what tshark makes of them: gzip (also with a file name in its header,
# and cut short), zlib-wrapped and raw deflate, stored blocks, an empty body, a wrong Adler-32, bytes that are
# no deflate stream, a stream corrupted half-way (zlib's earlier 32 KiB passes are kept), and codings tshark
# does not undo.
TEXT = b'compressible text with some variety 0123456789 ' * 300 + bytes(range(256)) * 4
NOISE = bytes((i * 7919) % 251 for i in range(120000))
CORRUPT = bytearray(zlib.compress(NOISE, 1))
CORRUPT[len(CORRUPT) // 2] ^= 0xff
ENCODED = {
    'gzip': (gzip.compress(TEXT, mtime=0), 'gzip', 'text/plain'),
    'x-gzip-json': (gzip.compress(b'{"a": [1, 2]}', mtime=0), 'x-gzip', 'application/json'),
    'deflate': (zlib.compress(TEXT, 9), 'deflate', 'text/plain'),
    'raw-deflate': (raw_deflate(TEXT), 'deflate', 'text/plain'),
    'stored': (zlib.compress(b'stored block data\n', 0), 'deflate', 'text/plain'),
    'gzip-name': (b'\x1f\x8b\x08\x08\x00\x00\x00\x00\x00\x03name.txt\x00' + raw_deflate(b'with a file name\n')
                  + struct.pack('<II', zlib.crc32(b'with a file name\n'), 17), 'gzip', 'text/plain'),
    'upper': (gzip.compress(b'upper\n', mtime=0), 'GZIP', 'text/plain'),
    'compress': (b'\x1f\x9d\x90hello', 'compress', 'text/plain'),
    'identity': (b'plain\n', 'identity', 'text/plain'),
    'empty': (gzip.compress(b'', mtime=0), 'gzip', 'text/plain'),
    'bad-adler': (zlib.compress(b'hello world\n')[:-4] + bytes(4), 'deflate', 'text/plain'),
    'not-deflate': (b'this is not compressed at all', 'gzip', 'text/plain'),
    'corrupt': (bytes(CORRUPT), 'deflate', 'application/octet-stream'),
    'cut': (gzip.compress(TEXT, mtime=0)[:300], 'gzip', 'text/plain'),
}


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'

    def log_message(self, *args):
        pass

    def send_body(self, body, ctype, extra=()):
        self.send_response(200)
        self.send_header('Content-Type', ctype)
        self.send_header('Content-Length', str(len(body)))
        for k, v in extra:
            self.send_header(k, v)
        self.end_headers()
        if self.command != 'HEAD':
            self.wfile.write(body)

    def do_HEAD(self):
        self.do_GET()

    def do_GET(self):
        if self.path in PAGES:
            self.send_body(*PAGES[self.path])
        elif self.path.startswith('/enc/') and self.path.split('/')[2].split('?')[0] in ENCODED:
            body, coding, ctype = ENCODED[self.path.split('/')[2].split('?')[0]]
            if self.path.endswith('?chunked'):
                self.send_response(200)
                self.send_header('Content-Type', ctype)
                self.send_header('Content-Encoding', coding)
                self.send_header('Transfer-Encoding', 'chunked')
                self.end_headers()
                half = len(body) // 2
                for part in (body[:half], body[half:]):
                    self.wfile.write(b'%x\r\n%s\r\n' % (len(part), part))
                self.wfile.write(b'0\r\n\r\n')
            else:
                self.send_body(body, ctype, [('Content-Encoding', coding)])
        elif self.path.startswith('/chunked'):
            self.send_response(200)
            self.send_header('Content-Type', 'application/json' if self.path.endswith('json') else 'text/plain')
            self.send_header('Transfer-Encoding', 'chunked')
            self.end_headers()
            parts = (b'{"a": ', b'[1, 2, ', b'3]}') if self.path.endswith('json') else (b'hello ', b'chunked ' * 50, b'world\n' * 300)
            for part in parts:
                self.wfile.write(b'%x\r\n%s\r\n' % (len(part), part))
                self.wfile.flush()
            self.wfile.write(b'0\r\n\r\n')
        elif self.path == '/etag':
            if self.headers.get('If-None-Match') == '"v1"':
                self.send_response(304)
                self.send_header('ETag', '"v1"')
                self.end_headers()
            else:
                self.send_body(b'cached body\n', 'text/plain', [('ETag', '"v1"')])
        elif self.path == '/redirect':
            self.send_response(301)
            self.send_header('Location', '/html')
            self.send_header('Content-Length', '0')
            self.end_headers()
        else:
            self.send_error(404)

    def do_POST(self):
        n = int(self.headers.get('Content-Length', 0))
        data = self.rfile.read(n)
        if self.headers.get('Content-Type', '').startswith('application/json'):
            self.send_body(json.dumps({'received': len(data), 'ok': True}).encode(), 'application/json')
        else:
            self.send_body(b'got %d bytes\n' % len(data), 'text/plain')

    do_PUT = do_POST


http.server.ThreadingHTTPServer(('', int(sys.argv[1])), Handler).serve_forever()
