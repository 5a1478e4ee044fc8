#!/usr/bin/python3
"""A wire with a delay: forwards Ethernet frames between two TAP devices, each one DELAY_MS later.

usage: tap_relay.py TAP_A TAP_B DELAY_MS [JITTER_MS]
The kernel here has no netem qdisc, so record.sh joins two network namespaces through this relay to give
the lesson captures a real round-trip time. Loss, where a lesson wants it, comes from nftables in a namespace.
JITTER_MS adds up to that much more, drawn per frame from a fixed seed (frames still leave in order), so
round-trip samples vary as on a real path. Attach to both (persistent) TAP devices before they move into their namespaces; prints "ready" when attached.
"""
import fcntl
import heapq
import os
import random
import select
import struct
import sys
import time

TUNSETIFF = 0x400454CA
IFF_TAP = 0x0002
IFF_NO_PI = 0x1000


def attach(name):
    fd = os.open('/dev/net/tun', os.O_RDWR)
    fcntl.ioctl(fd, TUNSETIFF, struct.pack('16sH', name.encode(), IFF_TAP | IFF_NO_PI))
    return fd


def main():
    a, b = attach(sys.argv[1]), attach(sys.argv[2])
    delay = float(sys.argv[3]) / 1000
    jitter = float(sys.argv[4]) / 1000 if len(sys.argv) > 4 else 0.0
    rng = random.Random(1)
    last = {a: 0.0, b: 0.0}
    print('ready', flush=True)
    peer = {a: b, b: a}
    queue = []
    n = 0
    while True:
        timeout = max(0.0, queue[0][0] - time.monotonic()) if queue else None
        readable, _, _ = select.select([a, b], [], [], timeout)
        now = time.monotonic()
        for fd in readable:
            n += 1
            out = peer[fd]
            # Never before the previous frame in this direction: a wire does not reorder.
            at = max(last[out], now + delay + rng.uniform(0, jitter))
            last[out] = at
            heapq.heappush(queue, (at, n, out, os.read(fd, 65536)))
        now = time.monotonic()
        while queue and queue[0][0] <= now:
            _, _, fd, frame = heapq.heappop(queue)
            os.write(fd, frame)


if __name__ == '__main__':
    main()
