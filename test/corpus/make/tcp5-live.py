#!/usr/bin/python3
"""Real Linux TCP between two network namespaces joined by a veth pair, for test/corpus/tcp/real-*.pcap (run as
root by record-tcp5.sh, which sets the namespaces up; this script only configures and drives them).

usage: tcp5-live.py SCENARIO NS_A NS_B DEV_A DEV_B OUT_DIR PORT

A (10.55.0.1, fd55::1) is the client, B (10.55.0.2, fd55::2) the server. The capture is tcpdump on A's veth, so
what nftables drops on its way into B (input hook) or into A is still on the wire, while what A's own output
hook drops is never captured. Loss, duplication and ECN marks come from nftables, pacing from tbf (the only
qdisc here besides pfifo: no netem, fq or prio), the rest from sysctls inside each namespace and socket options.
Sockets are made inside a namespace with setns(2) (ctypes: Python 3.11 has no os.setns), so one process plays
both ends. Where a scenario's states are stable between socket calls, `ss -tan` in both namespaces is asked
during a pause and saved with the wall-clock time as NAME.ss.json (the format of states-live.py).

  real-loss-sack       numgen random drops 1 in 6 data segments into B and 1 in 15 ACKs into A: SACK recovery
  real-loss-nosack     SACK and timestamps off in both: the 4th and 12th data segments dropped once each (NewReno)
  real-synack-lost     the first SYN-ACK dropped into A: the SYN and the SYN-ACK retransmitted by their timers
  real-fin-lost        each end's first FIN dropped on its way in: both FINs retransmitted (ss at the pauses)
  real-acks-lost       B's pure ACKs dropped into A for 0.7 s: RTO retransmissions, spurious ones, D-SACK
  real-dup             nftables' netdev egress `dup` on A's veth: every 5th data segment sent twice (D-SACK)
  real-zero-window     window scaling off in B, SO_RCVBUF 4096, a slow reader, A paced by tbf: window full,
                       zero window, probes, window updates
  real-keepalive-dead  keepalive idle 1 s / interval 1 s / 2 probes: answered twice, then B drops everything
                       into it: unanswered probes, then A's kernel gives up with a RST
  real-linger-halfclose A half-closes after its request; B answers with data after that FIN; A aborts with
                       SO_LINGER 0 while B still sends (ss at the pauses)
  real-closed-filtered connect() to a closed port (RST) and to a filtered one (SYN retried twice,
                       tcp_syn_retries=2), over IPv4 and IPv6
  real-tfo             TCP Fast Open (tcp_fastopen=3): a cookie request, then a SYN with data and the cookie
  real-ecn-ce          ECN (tcp_ecn=1): every 4th data segment into B marked CE: ECE echoed, CWR
  real-ipv6-mtu        IPv6 with MTU 1280 on the veth, 1 in 12 data segments dropped: SACK over IPv6
  real-small-mtu       IPv4 MTU 576, timestamps off: small MSS, GSO super-segments larger than the MTU
  real-urgent          urgent data (MSG_OOB, one byte, then eleven) read inline (SO_OOBINLINE) by the server
  real-any-sll         captured on "any" (Linux cooked v2): IPv4 and IPv6 transfers, every 7th data segment lost
  real-backlog-full    a listen(0) socket nobody accepts from: the captured connection's ACK dropped once while
                       another fills the accept queue; its next ACKs overflow, the server retransmits its SYN-ACK
                       from SYN-RECV while the client is ESTABLISHED (ss at the pauses), until room is made
  real-tfo-nocookie    data in the SYN without a cookie (client tcp_fastopen 0x5, server 0x202): accepted by the SYN-ACK
  real-plain-ipv6      IPv6 with SACK, timestamps and window scaling off, ECN on, 1 in 9 data segments lost
  real-fin-wait-2-timeout tcp_fin_timeout=1 in A: the client's orphan in FIN-WAIT-2 times out; the server's late data
                       is answered by a RST without ACK (its ss.json is not kept: the engine infers no timer, DECISIONS)
  real-mptcp           Multipath TCP (IPPROTO_MPTCP): one subflow (MP_CAPABLE, DSS, DATA_FIN)
  real-mptcp-join      Multipath TCP with a second client address as a "subflow" endpoint: a second subflow
                       joins (MP_JOIN), data on both
"""
import ctypes
import json
import os
import socket
import struct
import subprocess
import sys
import threading
import time

scenario, NS_A, NS_B, DEV_A, DEV_B, OUT, PORT = sys.argv[1:8]
PORT = int(PORT)
A4, B4, A6, B6 = '10.55.0.1', '10.55.0.2', 'fd55::1', 'fd55::2'
LINGER0 = struct.pack('ii', 1, 0)
libc = ctypes.CDLL(None, use_errno=True)
CLONE_NEWNET = 0x40000000
observations = []
# Capture filters other than the scenario's two ports.
FILTER = {'real-backlog-full': 'tcp port %d and not tcp port %d' % (PORT, PORT + 5)}


def enter(ns):
    """This thread's network namespace becomes ns (sockets made afterwards belong to it)."""
    fd = os.open('/var/run/netns/' + ns, os.O_RDONLY)
    try:
        if libc.setns(fd, CLONE_NEWNET) != 0:
            sys.exit('setns %s: %s' % (ns, os.strerror(ctypes.get_errno())))
    finally:
        os.close(fd)


def sh(ns, cmd, check=True):
    return subprocess.run(['ip', 'netns', 'exec', ns] + cmd, capture_output=True, text=True, check=check)


def sysctl(ns, **kv):
    for k, v in kv.items():
        sh(ns, ['sysctl', '-qw', 'net.ipv4.%s=%s' % (k, v)])


def nft(ns, *rules):
    """One inet table per namespace; rules are (hook, rule) pairs in chains of that hook."""
    sh(ns, ['nft', 'add table inet t5'])
    for hook, rule in rules:
        sh(ns, ['nft', 'add chain inet t5 %s { type filter hook %s priority 0; }' % (hook, hook)])
        sh(ns, ['nft', 'add rule inet t5 %s %s' % (hook, rule)])


def nft_off(ns):
    sh(ns, ['nft', 'delete table inet t5'], check=False)


def observe(step):
    """ss in both namespaces during a pause (every segment of the step captured first)."""
    time.sleep(0.3)
    sockets = []
    for ns in (NS_A, NS_B):
        r = sh(ns, ['ss', '-tanH', 'state', 'all', '( sport = :%d or dport = :%d )' % (PORT, PORT)])
        sockets += [' '.join(x.split()) for x in r.stdout.splitlines() if x.strip()]
    observations.append({'time': '%.6f' % time.time(), 'step': step, 'sockets': sockets})
    time.sleep(0.2)


def listener(addr=B4, family=socket.AF_INET, port=PORT, opts=(), proto=0):
    enter(NS_B)
    s = socket.socket(family, socket.SOCK_STREAM, proto)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    for lvl, opt, val in opts:
        s.setsockopt(lvl, opt, val)
    s.bind((addr, port))
    s.listen(8)
    return s


def serve(fn, **kw):
    """fn(conn) for each of `count` accepted connections, in a thread."""
    count = kw.pop('count', 1)
    lst = listener(**kw)

    def run():
        for _ in range(count):
            conn, _ = lst.accept()
            fn(conn)
        lst.close()
    t = threading.Thread(target=run)
    t.start()
    return t


def client(addr=B4, family=socket.AF_INET, port=PORT, opts=(), connect=True, proto=0):
    enter(NS_A)
    c = socket.socket(family, socket.SOCK_STREAM, proto)
    for lvl, opt, val in opts:
        c.setsockopt(lvl, opt, val)
    if connect:
        c.connect((addr, port))
    return c


def read_all(s):
    buf = b''
    while True:
        d = s.recv(65536)
        if not d:
            return buf
        buf += d


def echo_len(c):
    """The server of a transfer: reads to the client's FIN, answers with the count, closes."""
    n = len(read_all(c))
    c.sendall(b'got %d bytes\n' % n)
    c.close()


def transfer(size, chunk=1000, nodelay=True, **kw):
    c = client(**kw)
    if nodelay:
        c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    for i in range(0, size, chunk):
        c.sendall(bytes([0x41 + (i // chunk) % 26]) * chunk)
    c.shutdown(socket.SHUT_WR)
    read_all(c)
    c.close()


def run():
    dp, sp = 'tcp dport %d' % PORT, 'tcp sport %d' % PORT
    data4 = 'ip length > 100'
    if scenario == 'real-loss-sack':
        nft(NS_B, ('input', '%s %s numgen random mod 6 == 0 drop' % (dp, data4)))
        nft(NS_A, ('input', '%s numgen random mod 15 == 0 drop' % sp))
        t = serve(echo_len)
        transfer(50000)
        t.join()
    elif scenario == 'real-loss-nosack':
        for ns in (NS_A, NS_B):
            sysctl(ns, tcp_sack=0, tcp_timestamps=0)
        nft(NS_B, ('input', '%s %s numgen inc mod 1000 { 3, 11 } drop' % (dp, data4)))
        t = serve(echo_len)
        transfer(30000)
        t.join()
    elif scenario == 'real-synack-lost':
        nft(NS_A, ('input', '%s tcp flags & (syn | ack) == syn | ack numgen inc mod 1000 == 0 drop' % sp))
        t = serve(echo_len)
        opened = threading.Thread(target=transfer, args=(3000,))
        opened.start()
        time.sleep(0.2)
        observe('SYN-ACK lost')  # before the SYN's retransmission (1 s): A SYN-SENT, B SYN-RECV
        opened.join()
        t.join()
        observe('end')
    elif scenario == 'real-fin-lost':
        nft(NS_B, ('input', '%s tcp flags & fin == fin numgen inc mod 1000 == 0 drop' % dp))
        nft(NS_A, ('input', '%s tcp flags & fin == fin numgen inc mod 1000 == 0 drop' % sp))
        srv = {}
        lst = listener()
        observe('listen')
        c = client()
        srv['c'], _ = lst.accept()
        lst.close()
        c.sendall(b'hello\n')
        srv['c'].recv(100)
        observe('established')
        c.shutdown(socket.SHUT_WR)
        observe('client FIN lost')  # A: FIN-WAIT-1, B: ESTAB
        time.sleep(0.6)             # the FIN's retransmission (RTO ~ 200 ms on a fast link)
        observe('client FIN retransmitted')
        srv['c'].recv(100)
        srv['c'].close()
        observe('server FIN lost')  # B: LAST-ACK, A: FIN-WAIT-2
        time.sleep(0.6)
        observe('server FIN retransmitted')
        c.close()
        observe('end')
    elif scenario == 'real-acks-lost':
        # B's pure ACKs lost into A for 0.7 s: the sender times out and retransmits (RTO 200, 400 ms).
        nft(NS_A, ('input', '%s tcp flags == ack drop' % sp))
        threading.Timer(0.7, nft_off, (NS_A,)).start()
        t = serve(echo_len)
        transfer(20000)
        t.join()
    elif scenario == 'real-dup':
        sh(NS_A, ['nft', 'add table netdev t5d'])
        sh(NS_A, ['nft', 'add chain netdev t5d e { type filter hook egress device %s priority 0; }' % DEV_A])
        sh(NS_A, ['nft', 'add rule netdev t5d e %s %s numgen inc mod 5 == 2 dup to %s' % (dp, data4, DEV_A)])
        t = serve(echo_len)
        transfer(20000)
        t.join()
    elif scenario == 'real-zero-window':
        sysctl(NS_B, tcp_window_scaling=0)
        sh(NS_A, ['tc', 'qdisc', 'add', 'dev', DEV_A, 'root', 'tbf', 'rate', '20mbit', 'burst', '8k', 'latency', '100ms'])

        def slow(c):
            n = 0
            time.sleep(1.0)  # nothing read: the window closes
            while True:
                d = c.recv(1000)
                if not d:
                    break
                n += len(d)
                time.sleep(0.02)
            c.sendall(b'got %d\n' % n)
            c.close()
        t = serve(slow, opts=[(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)])
        transfer(40000, chunk=4000)
        t.join()
    elif scenario == 'real-keepalive-dead':
        ka = [(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1), (socket.IPPROTO_TCP, socket.TCP_KEEPIDLE, 1),
              (socket.IPPROTO_TCP, socket.TCP_KEEPINTVL, 1), (socket.IPPROTO_TCP, socket.TCP_KEEPCNT, 2)]
        lst = listener()
        c = client(opts=ka)
        s, _ = lst.accept()
        lst.close()
        c.sendall(b'hello\n')
        s.recv(100)
        time.sleep(2.0)  # two probes, answered
        observe('probes answered')
        nft(NS_B, ('input', '%s drop' % dp))
        time.sleep(4.0)  # probes unanswered; after 2 the kernel aborts with a RST, dropped on its way into B
        observe('A gave up')  # A: no socket; B: ESTAB (the RST never arrived)
        nft_off(NS_B)
        c.close()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, LINGER0)
        s.close()  # B's abortive RST, from ESTABLISHED
        observe('end')
    elif scenario == 'real-linger-halfclose':
        lst = listener()
        c = client()
        s, _ = lst.accept()
        lst.close()
        c.sendall(b'GET /stream\n')
        c.shutdown(socket.SHUT_WR)
        s.recv(100)
        s.recv(100)  # EOF
        observe('client half-closed')  # A: FIN-WAIT-2, B: CLOSE-WAIT
        for i in range(3):
            s.sendall(b'part %d after your FIN\n' % i)
            time.sleep(0.05)
        c.recv(1000)
        observe('data after FIN')
        c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, LINGER0)
        s.sendall(b'unread part\n')
        time.sleep(0.1)
        c.close()  # unread data and SO_LINGER 0: RST
        observe('client aborted')
        try:
            s.sendall(b'one more\n')
        except OSError:
            pass
        s.close()
        observe('end')
    elif scenario == 'real-closed-filtered':
        sysctl(NS_A, tcp_syn_retries=2)
        nft(NS_B, ('input', 'tcp dport %d drop' % (PORT + 1)))
        for addr, fam in ((B4, socket.AF_INET), (B6, socket.AF_INET6)):
            for port, wait in ((PORT, 2), (PORT + 1, 3.5)):
                c = client(addr=addr, family=fam, port=port, connect=False)
                c.settimeout(wait)
                try:
                    c.connect((addr, port))
                except OSError:
                    pass
                c.close()
    elif scenario == 'real-tfo':
        for ns in (NS_A, NS_B):
            sysctl(ns, tcp_fastopen=3)
        t = serve(echo_len, count=2, opts=[(socket.IPPROTO_TCP, socket.TCP_FASTOPEN, 5)])
        for i in range(2):
            c = client(connect=False)
            c.sendto(b'fast open request %d\n' % i, socket.MSG_FASTOPEN, (B4, PORT))
            c.shutdown(socket.SHUT_WR)
            read_all(c)
            c.close()
            time.sleep(0.2)
        t.join()
    elif scenario == 'real-ecn-ce':
        for ns in (NS_A, NS_B):
            sysctl(ns, tcp_ecn=1)
        nft(NS_A, ('output', '%s %s numgen inc mod 4 == 1 ip ecn set ce' % (dp, data4)))
        t = serve(echo_len)
        transfer(20000)
        t.join()
    elif scenario == 'real-ipv6-mtu':
        nft(NS_B, ('input', 'meta length > 150 %s numgen random mod 12 == 0 drop' % dp))
        t = serve(echo_len, addr=B6, family=socket.AF_INET6)
        transfer(30000, chunk=3000, addr=B6, family=socket.AF_INET6)
        t.join()
    elif scenario == 'real-small-mtu':
        for ns in (NS_A, NS_B):
            sysctl(ns, tcp_timestamps=0)
        t = serve(echo_len)
        transfer(6000, chunk=2000)
        t.join()
    elif scenario == 'real-urgent':
        def srv(c):
            c.setsockopt(socket.SOL_SOCKET, socket.SO_OOBINLINE, 1)
            echo_len(c)
        t = serve(srv)
        c = client()
        c.sendall(b'before ')
        time.sleep(0.05)
        c.send(b'!', socket.MSG_OOB)  # one urgent byte: URG with the pointer past it
        time.sleep(0.05)
        c.send(b'urgent tail', socket.MSG_OOB)
        time.sleep(0.05)
        c.sendall(b' after')
        c.shutdown(socket.SHUT_WR)
        read_all(c)
        c.close()
        t.join()
    elif scenario == 'real-any-sll':
        # Captured on "any" (Linux cooked headers: A's veth in both directions and its lo), IPv4 and IPv6.
        nft(NS_B, ('input', '%s meta length > 150 numgen inc mod 7 == 3 drop' % dp))
        for addr, fam in ((B4, socket.AF_INET), (B6, socket.AF_INET6)):
            t = serve(echo_len, addr=addr, family=fam)
            transfer(8000, chunk=2000, addr=addr, family=fam)
            t.join()
    elif scenario == 'real-backlog-full':
        # The captured connection X (from port PORT + 6) has its handshake ACK dropped once; meanwhile Y (from
        # PORT + 5, not captured) fills the accept queue of a listen(0) socket nobody accepts from. X's client is
        # ESTABLISHED, its server still a request (SYN-RECV): the queue full, its next ACKs are dropped too
        # (ListenOverflows) and it retransmits its SYN-ACK, until Y is accepted.
        nft(NS_B, ('input', '%s tcp sport %d tcp flags == ack numgen inc mod 1000 == 0 drop' % (dp, PORT + 6)))
        lst = listener()
        lst.listen(0)
        x = client(connect=False)
        x.bind((A4, PORT + 6))
        x.connect((B4, PORT))
        y = client(connect=False)
        y.bind((A4, PORT + 5))
        y.connect((B4, PORT))
        observe('queue full')  # X: ESTAB / SYN-RECV, before the SYN-ACK's retransmission (1 s)
        time.sleep(1.7)
        observe('ACK dropped again')  # the retransmitted SYN-ACK's ACK overflowed too
        ys, _ = lst.accept()
        time.sleep(2.5)  # the next SYN-ACK retransmission (3 s) is answered and taken
        observe('room made')
        xs, _ = lst.accept()
        x.sendall(b'hello\n')
        xs.recv(100)
        x.close()
        xs.recv(100)
        xs.close()
        observe('end')
        y.close()
        ys.close()
        lst.close()
    elif scenario == 'real-tfo-nocookie':
        # Data in the SYN without a cookie (client 0x1 | 0x4, server 0x2 | 0x200): accepted at once.
        sysctl(NS_A, tcp_fastopen=0x5)
        sysctl(NS_B, tcp_fastopen=0x202)
        t = serve(echo_len, count=1, opts=[(socket.IPPROTO_TCP, socket.TCP_FASTOPEN, 5)])
        c = client(connect=False)
        c.sendto(b'no cookie needed\n', socket.MSG_FASTOPEN, (B4, PORT))
        c.shutdown(socket.SHUT_WR)
        read_all(c)
        c.close()
        t.join()
    elif scenario == 'real-plain-ipv6':
        # IPv6 without SACK, timestamps or window scaling, ECN on, 1 in 9 data segments lost.
        for ns in (NS_A, NS_B):
            sysctl(ns, tcp_sack=0, tcp_timestamps=0, tcp_window_scaling=0, tcp_ecn=1)
        nft(NS_B, ('input', 'meta length > 150 %s numgen random mod 9 == 0 drop' % dp))
        t = serve(echo_len, addr=B6, family=socket.AF_INET6)
        transfer(30000, chunk=1500, addr=B6, family=socket.AF_INET6)
        t.join()
    elif scenario == 'real-fin-wait-2-timeout':
        # tcp_fin_timeout 1 s in A: the client closes (FIN, ACKed: FIN-WAIT-2), its orphan times out; the server,
        # in CLOSE_WAIT, then writes and closes: A's kernel, without the connection, answers with RST.
        sysctl(NS_A, tcp_fin_timeout=1)
        lst = listener()
        c = client()
        s_, _ = lst.accept()
        lst.close()
        c.sendall(b'bye\n')
        s_.recv(100)
        c.close()
        observe('client closed')  # A: FIN-WAIT-2, B: CLOSE-WAIT
        time.sleep(1.5)
        observe('FIN-WAIT-2 timed out')  # A: no socket
        s_.sendall(b'late\n')
        time.sleep(0.1)
        s_.close()
        observe('end')
    elif scenario == 'real-mptcp':
        t = serve(echo_len, proto=262)
        transfer(4000, proto=262)
        t.join()
    elif scenario == 'real-mptcp-join':
        # A second address in A, an endpoint the path manager opens a subflow from once the connection is up.
        sh(NS_A, ['ip', 'addr', 'add', '10.55.0.3/24', 'dev', DEV_A])
        for ns in (NS_A, NS_B):
            sh(ns, ['ip', 'mptcp', 'limits', 'set', 'subflows', '2', 'add_addr_accepted', '2'])
        sh(NS_A, ['ip', 'mptcp', 'endpoint', 'add', '10.55.0.3', 'dev', DEV_A, 'subflow'])
        t = serve(echo_len, proto=262)
        c = client(proto=262)
        c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        for i in range(12):
            c.sendall(bytes([0x41 + i]) * 3000)
            time.sleep(0.05)
        c.shutdown(socket.SHUT_WR)
        read_all(c)
        c.close()
        t.join()
    else:
        sys.exit(__doc__)


def main():
    enter(NS_A)
    cap = subprocess.Popen(['tcpdump', '--immediate-mode', '-B', '32768', '-i', 'any' if scenario == 'real-any-sll' else DEV_A, '-U', '-Z', 'root', '-w',
                            os.path.join(OUT, scenario + '.pcap'), FILTER.get(scenario, 'tcp port %d or tcp port %d' % (PORT, PORT + 1))],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(1.5)
    try:
        observe('start')
        run()
        time.sleep(0.5)
    finally:
        cap.send_signal(2)
        cap.wait(5)
    if len(observations) > 2 and scenario != 'real-fin-wait-2-timeout':
        with open(os.path.join(OUT, scenario + '.ss.json'), 'w') as f:
            json.dump({'scenario': scenario, 'ports': [0, PORT], 'addresses': [A4, B4], 'observations': observations}, f, indent=1)
            f.write('\n')


main()
