#!/usr/bin/python3
"""Real loopback traffic for the noise corpus (run as root, while tcpdump records lo).

usage: noise-live.py ping4|ping4-rr|ping6|unreach|dns|http PORT
  ping4     two ICMP echo requests to 127.0.0.1 (the kernel answers)
  ping4-rr  one echo request carrying an IPv4 Record Route option (the reply carries it too)
  ping6     two ICMPv6 echo requests to ::1
  unreach   a UDP datagram to a closed port on 127.0.0.1 and on ::1 (ICMP/ICMPv6 port unreachable)
  dns       a DNS query and its response over UDP on 127.0.0.1:PORT
  http      an HTTP/1.1 GET and its response over TCP on 127.0.0.1:PORT (http.server + urllib)
"""
import os
import socket
import struct
import subprocess
import sys
import threading
import time


def csum(data: bytes) -> int:
    if len(data) % 2:
        data += b'\0'
    s = sum(struct.unpack('!%dH' % (len(data) // 2), data))
    s = (s >> 16) + (s & 0xffff)
    s += s >> 16
    return ~s & 0xffff


def echo4(seq: int, options: bytes = b'') -> None:
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
    if options:
        s.setsockopt(socket.IPPROTO_IP, socket.IP_OPTIONS, options)
    payload = b'Handshake Lab ping %d' % seq
    hdr = struct.pack('!BBHHH', 8, 0, 0, 0x4c41, seq)
    pkt = struct.pack('!BBHHH', 8, 0, csum(hdr + payload), 0x4c41, seq) + payload
    s.sendto(pkt, ('127.0.0.1', 0))
    s.settimeout(1)
    s.recv(2048)  # our own request, then the reply; either is fine
    s.close()


def echo6(seq: int) -> None:
    s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)
    payload = b'Handshake Lab ping6 %d' % seq
    # The kernel fills in the ICMPv6 checksum on raw ICMPv6 sockets.
    s.sendto(struct.pack('!BBHHH', 128, 0, 0, 0x4c41, seq) + payload, ('::1', 0))
    s.settimeout(1)
    s.recv(2048)
    s.close()


def main() -> None:
    what, port = sys.argv[1], int(sys.argv[2])
    if what == 'ping4':
        echo4(1); time.sleep(0.2); echo4(2)
    elif what == 'ping4-rr':
        # Record Route: type 7, length 39, pointer 4, nine empty slots; then EOL padding to 40 bytes.
        echo4(1, bytes([7, 39, 4]) + bytes(36) + b'\0')
    elif what == 'ping6':
        echo6(1); time.sleep(0.2); echo6(2)
    elif what == 'unreach':
        for fam, addr in ((socket.AF_INET, '127.0.0.1'), (socket.AF_INET6, '::1')):
            u = socket.socket(fam, socket.SOCK_DGRAM)
            u.sendto(b'anyone there?', (addr, port))
            u.close()
            time.sleep(0.1)
    elif what == 'dns':
        from scapy.all import DNS, DNSQR, DNSRR  # only for building the DNS bytes
        srv = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        srv.bind(('127.0.0.1', port))
        cli = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        q = DNS(id=0x4c41, rd=1, qd=DNSQR(qname='handshake.lab', qtype='A'))
        cli.sendto(bytes(q), ('127.0.0.1', port))
        data, peer = srv.recvfrom(2048)
        r = DNS(id=0x4c41, qr=1, aa=1, rd=1, ra=1, qd=DNSQR(qname='handshake.lab', qtype='A'),
                an=DNSRR(rrname='handshake.lab', type='A', ttl=60, rdata='127.0.0.1'))
        srv.sendto(bytes(r), peer)
        cli.recv(2048)
    elif what == 'http':
        root = os.path.dirname(os.path.abspath(__file__))
        srv = subprocess.Popen(['/usr/bin/python3', '-m', 'http.server', str(port), '--bind', '127.0.0.1', '--protocol', 'HTTP/1.1',
                                '--directory', root], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            time.sleep(1.0)  # no probing connections: the capture should hold only curl's
            # curl: a real client with its usual headers
            subprocess.run(['curl', '-s', '-o', '/dev/null', f'http://127.0.0.1:{port}/lab.py'], check=True)
            time.sleep(0.2)
        finally:
            srv.terminate(); srv.wait()
    else:
        sys.exit(__doc__)


main()
