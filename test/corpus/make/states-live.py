#!/usr/bin/python3
"""Real TCP state scenarios with the kernel's own view of them, for test/corpus/tcp/kernel-*.pcap (run as root
by record-states.sh, which captures the traffic with tcpdump and saves what this script prints as NAME.ss.json).

usage: states-live.py driver SCENARIO NS_A NS_B PORT_A PORT_B ADDR_A ADDR_B
       states-live.py peer                      (a socket's helper, started by the driver inside a namespace)

The driver starts one helper process per endpoint with `ip netns exec NS`, drives them by commands on their
stdin, and after each step pauses: it waits, asks `ss -tanH state all` in every namespace involved, waits
again, and records the observation with its wall-clock time (the same clock as tcpdump's timestamps). Each
endpoint is a separate process so that two socket calls can be made at the same instant on two CPUs: both
helpers (real-time priority) spin until an agreed CLOCK_MONOTONIC time, then call.

  refused              A connects to B's port, where nothing listens: SYN answered by RST, ECONNREFUSED
  abort                B listens, A connects and sends, then closes with SO_LINGER 0: RST from ESTABLISHED
  simultaneous-close   B listens, A connects; both shutdown(SHUT_WR) at the same instant, until the FINs cross
                       (exit 3 when they did not: the kernel then shows only one side in TIME-WAIT)
  write-after-close    B listens, A connects and sends; B closes (FIN, ACKed: FIN-WAIT-2), then A writes: B's kernel
                       answers with a RST without ACK, <SEQ=SEG.ACK> (B's receipt of A's ACK is shown by it)
  simultaneous-open    A and B (in two namespaces) bind their ports and connect to each other at the same
                       instant; no one listens (exit 3 when a SYN met a closed port first: refused)
  fin-hole             (two namespaces) B listens, A connects; nftables in B drops every 700-byte segment while A
                       sends 700 bytes, then 100 with its FIN in one segment (corked, then shutdown(SHUT_WR); a FIN
                       sent alone after them is held back by the loss recovery): B gets them beyond a
                       hole and answers with duplicate ACKs (SACK). Observed with the hole open; the rule removed,
                       A's retransmission fills it and B's ACK covers the FIN; then B closes
  abort-hole           (two namespaces) as fin-hole, but A closes with SO_LINGER 0 while its 700 bytes are lost: its
                       RST carries SEQ = SND.NXT, beyond B's RCV.NXT, so B answers with a challenge ACK (RFC 5961,
                       RFC 9293 §3.10.7.4); A's kernel, without a socket, answers that with a RST at RCV.NXT
"""
import json
import socket
import struct
import subprocess
import sys
import time

PAUSE_BEFORE = 0.3  # s: every segment of the step is on the wire and captured (delayed ACKs too)
PAUSE_AFTER = 0.2


def peer():
    """Holds one TCP socket (and a listener), doing what each line of stdin says; answers one line per command."""
    sock = lst = None
    out = sys.stdout

    def spin(t):
        # Sleep to just before the agreed instant, then busy-wait (the helpers run SCHED_FIFO: no one preempts the spin).
        time.sleep(max(0.0, t - time.monotonic() - 0.003))
        while time.monotonic() < t:
            pass

    for line in sys.stdin:
        cmd, *args = line.split()
        try:
            if cmd == 'bind':  # ADDR PORT: the socket's own address, before connect (simultaneous open)
                sock = socket.socket()
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                sock.bind((args[0], int(args[1])))
                reply = 'ok'
            elif cmd == 'listen':  # ADDR PORT
                lst = socket.socket()
                lst.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                lst.bind((args[0], int(args[1])))
                lst.listen(4)
                reply = 'ok'
            elif cmd == 'accept':
                sock, _ = lst.accept()
                lst.close()
                reply = 'ok'
            elif cmd == 'connect':  # ADDR PORT [MONOTONIC_TIME]
                sock = sock or socket.socket()
                if len(args) > 2:
                    spin(float(args[2]))
                try:
                    sock.connect((args[0], int(args[1])))
                    reply = 'ok %d' % sock.getsockname()[1]
                except ConnectionRefusedError:
                    reply = 'refused %d' % sock.getsockname()[1]
            elif cmd == 'send':
                sock.sendall(' '.join(args).encode() + b'\n')
                reply = 'ok'
            elif cmd == 'recv':
                reply = 'ok %d' % len(sock.recv(1024))
            elif cmd == 'sendn':  # N: N bytes in one write (TCP_NODELAY: one segment each)
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                sock.sendall(b'x' * int(args[0]))
                reply = 'ok'
            elif cmd == 'sendfin':  # N: N bytes and the FIN in one segment (corked, then shutdown(SHUT_WR) pushes both)
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_CORK, 1)
                sock.sendall(b'x' * int(args[0]))
                sock.shutdown(socket.SHUT_WR)
                reply = 'ok'
            elif cmd == 'recvn':  # N: blocks until N bytes were read
                got = 0
                while got < int(args[0]):
                    d = sock.recv(int(args[0]) - got)
                    if not d:
                        break
                    got += len(d)
                reply = 'ok %d' % got
            elif cmd == 'shutdown':  # [MONOTONIC_TIME]
                if args:
                    spin(float(args[0]))
                sock.shutdown(socket.SHUT_WR)
                reply = 'ok'
            elif cmd == 'linger0':
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
                reply = 'ok'
            elif cmd == 'close':
                if sock:
                    sock.close()
                sock = None
                reply = 'ok'
            elif cmd == 'ss':  # PORT...: every TCP socket with one of these ports at either end, in any state
                ports = ' or '.join('sport = :%s or dport = :%s' % (p, p) for p in args)
                r = subprocess.run(['ss', '-tanH', 'state', 'all', '( %s )' % ports], capture_output=True, text=True, check=True)
                reply = json.dumps([' '.join(x.split()) for x in r.stdout.splitlines() if x.strip()])
            elif cmd == 'quit':
                return
            else:
                reply = 'error unknown command %s' % cmd
        except OSError as e:
            reply = 'error %s' % e
        out.write(reply + '\n')
        out.flush()


class Peer:
    def __init__(self, ns):
        self.ns = ns
        # Real-time priority, so both helpers are on a CPU at the agreed instant even on a busy machine.
        self.p = subprocess.Popen(['ip', 'netns', 'exec', ns, 'chrt', '-f', '10', '/usr/bin/python3', __file__, 'peer'],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)

    def send(self, line):
        self.p.stdin.write(line + '\n')
        self.p.stdin.flush()

    def answer(self):
        reply = self.p.stdout.readline().strip()
        if reply.startswith('error'):
            sys.exit('%s: %s' % (self.ns, reply))
        return reply

    def do(self, line):
        self.send(line)
        return self.answer()

    def quit(self):
        self.send('quit')
        self.p.wait(5)


def driver(scenario, ns_a, ns_b, port_a, port_b, addr_a, addr_b):
    a, b = Peer(ns_a), Peer(ns_b)
    observations = []
    ports = [str(port_a), str(port_b)]

    def observe(step):
        time.sleep(PAUSE_BEFORE)
        sockets = []
        for p in (a, b) if ns_a != ns_b else (a,):
            for s in json.loads(p.do('ss ' + ' '.join(ports))):
                if s not in sockets:
                    sockets.append(s)
        observations.append({'time': '%.6f' % time.time(), 'step': step, 'sockets': sockets})
        time.sleep(PAUSE_AFTER)

    def at_once(cmd_a, cmd_b):
        """Both helpers call at the same instant (each spins until it): returns both answers."""
        t = time.monotonic() + 0.3
        a.send('%s %.6f' % (cmd_a, t))
        b.send('%s %.6f' % (cmd_b, t))
        return a.answer(), b.answer()

    def establish(observe_listen):
        """B listens, A connects from its port and sends a line, B accepts and reads it; observed established."""
        b.do('listen %s %d' % (addr_b, port_b))
        if observe_listen:
            observe('listen')
        a.do('bind %s %d' % (addr_a, port_a))
        a.do('connect %s %d' % (addr_b, port_b))
        b.do('accept')
        a.do('send hello')
        b.do('recv')
        observe('established')

    status = 0
    observe('start')
    if scenario == 'refused':
        a.do('bind %s %d' % (addr_a, port_a))
        reply = a.do('connect %s %d' % (addr_b, port_b))
        if not reply.startswith('refused'):
            sys.exit('something listens on %s:%d: %s' % (addr_b, port_b, reply))
        observe('refused')
        a.do('close')
        observe('end')
    elif scenario == 'write-after-close':
        establish(observe_listen=False)
        b.do('close')
        observe('server closed')
        a.do('send more after your close')
        observe('client wrote')
        a.do('close')
        observe('end')
    elif scenario in ('abort', 'simultaneous-close'):
        establish(observe_listen=True)
        if scenario == 'abort':
            a.do('linger0')
            a.do('close')
            observe('abort')
            b.do('close')
            observe('end')
        else:
            at_once('shutdown', 'shutdown')
            observe('shutdown')
            # Crossed FINs take both ends through CLOSING to TIME-WAIT; otherwise the passive closer ends CLOSED.
            crossed = [s.split()[0] for s in observations[-1]['sockets']].count('TIME-WAIT') == 2
            a.do('close')
            b.do('close')
            observe('end')
            status = 0 if crossed else 3
    elif scenario == 'simultaneous-open':
        a.do('bind %s %d' % (addr_a, port_a))
        b.do('bind %s %d' % (addr_b, port_b))
        ra, rb = at_once('connect %s %d' % (addr_b, port_b), 'connect %s %d' % (addr_a, port_a))
        if not (ra.startswith('ok') and rb.startswith('ok')):
            status = 3  # a SYN reached a closed port before the other side's SYN left: refused
        observe('connected')
        if status == 0:
            a.do('send hello from A')
            b.do('recv')
            b.do('send hello from B')
            a.do('recv')
            observe('data')
            a.do('close')
            b.do('recv')
            b.do('close')
            observe('end')
    elif scenario in ('fin-hole', 'abort-hole'):
        establish(observe_listen=False)
        # Every segment of 700 bytes of payload (20 + 32 bytes of IPv4 and TCP headers with timestamps) is
        # dropped on its way into B, retransmissions too, until the rule goes.
        nft = ['ip', 'netns', 'exec', ns_b, 'nft']
        subprocess.run(nft + ['add table inet hole'], check=True)
        subprocess.run(nft + ['add chain inet hole inp { type filter hook input priority 0; }'], check=True)
        subprocess.run(nft + ['add rule inet hole inp ip length 752 tcp dport %d drop' % port_b], check=True)
        a.do('sendn 700')
        if scenario == 'fin-hole':
            a.do('sendfin 100')
            observe('fin beyond the hole')
            subprocess.run(nft + ['delete table inet hole'], check=True)
            b.do('recvn 800')  # returns once the retransmission filled the hole
            observe('hole filled')
            b.do('close')
            observe('end')
        else:
            time.sleep(0.05)
            a.do('linger0')
            a.do('close')
            observe('abort')
            subprocess.run(nft + ['delete table inet hole'], check=True)
            b.do('close')
            observe('end')
    else:
        sys.exit(__doc__)
    a.quit()
    b.quit()
    json.dump({'scenario': scenario, 'ports': [port_a, port_b], 'addresses': [addr_a, addr_b],
               'observations': observations}, sys.stdout, indent=1)
    sys.stdout.write('\n')
    sys.exit(status)


if __name__ == '__main__':
    if len(sys.argv) > 1 and sys.argv[1] == 'peer':
        peer()
    elif len(sys.argv) == 9 and sys.argv[1] == 'driver':
        _, _, sc, na, nb, pa, pb, aa, ab = sys.argv
        driver(sc, na, nb, int(pa), int(pb), aa, ab)
    else:
        sys.exit(__doc__)
