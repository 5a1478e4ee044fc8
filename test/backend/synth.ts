// Synthetic captures for back-end tests: many short TCP connections (handshake, data, close) over
// IPv4 or IPv6 on Ethernet, with the odd ARP frame, written as classic pcap.
import { writeFileSync } from 'node:fs';

export interface SynthOptions {
  connections: number;
  /** Data segments per direction per connection. */
  dataSegments?: number;
  payload?: number;
  ipv6Every?: number;
  arpEvery?: number;
  /** Frames of connections interleave (a few connections at a time) so streams mix. */
  interleave?: number;
  startSec?: number;
}

function csum(): number {
  return 0; // loopback-style partial checksums: nobody verifies them
}

function ethernet(type: number, payload: Buffer): Buffer {
  const h = Buffer.alloc(14);
  h.writeUInt16BE(type, 12);
  return Buffer.concat([h, payload]);
}

function tcpHeader(sport: number, dport: number, seq: number, ack: number, flags: number, win: number, withOpts: boolean): Buffer {
  const opts = withOpts ? Buffer.from([2, 4, 0xff, 0xd7, 1, 3, 3, 7]) : Buffer.alloc(0);
  const h = Buffer.alloc(20 + opts.length);
  h.writeUInt16BE(sport, 0);
  h.writeUInt16BE(dport, 2);
  h.writeUInt32BE(seq >>> 0, 4);
  h.writeUInt32BE(ack >>> 0, 8);
  h.writeUInt16BE((((20 + opts.length) / 4) << 12) | flags, 12);
  h.writeUInt16BE(win, 14);
  h.writeUInt16BE(csum(), 16);
  opts.copy(h, 20);
  return h;
}

function ipv4(src: number, dst: number, payload: Buffer): Buffer {
  const h = Buffer.alloc(20);
  h[0] = 0x45;
  h.writeUInt16BE(20 + payload.length, 2);
  h[8] = 64;
  h[9] = 6;
  h.writeUInt32BE(src >>> 0, 12);
  h.writeUInt32BE(dst >>> 0, 16);
  return Buffer.concat([h, payload]);
}

function ipv6(srcLast: number, dstLast: number, payload: Buffer): Buffer {
  const h = Buffer.alloc(40);
  h[0] = 0x60;
  h.writeUInt16BE(payload.length, 4);
  h[6] = 6;
  h[7] = 64;
  h[8] = 0xfd; h[23] = srcLast;
  h[24] = 0xfd; h[39] = dstLast;
  return Buffer.concat([h, payload]);
}

function arp(): Buffer {
  const b = Buffer.alloc(28);
  b.writeUInt16BE(1, 0); b.writeUInt16BE(0x0800, 2); b[4] = 6; b[5] = 4; b.writeUInt16BE(1, 6);
  return ethernet(0x0806, b);
}

interface Seg { frame: Buffer }

/** Frames of one connection, in order. */
function connection(i: number, o: Required<SynthOptions>): Seg[] {
  const v6 = o.ipv6Every > 0 && i % o.ipv6Every === o.ipv6Every - 1;
  const cport = 30000 + (i % 30000), sport = 12345;
  const cip = 0x7f000001, sip = 0x7f000001 + 1 + (i % 200);
  let cseq = (i * 7919 * 65537) >>> 0, sseq = (i * 104729 * 257 + 99) >>> 0;
  const out: Seg[] = [];
  const send = (fromClient: boolean, flags: number, len: number, opts = false) => {
    const payload = Buffer.alloc(len, 0x41 + (i % 26));
    const t = fromClient
      ? tcpHeader(cport, sport, cseq, sseq, flags, 65495, opts)
      : tcpHeader(sport, cport, sseq, cseq, flags, 65483, opts);
    const seg = Buffer.concat([t, payload]);
    const ip = v6 ? (fromClient ? ipv6(1, 2, seg) : ipv6(2, 1, seg)) : (fromClient ? ipv4(cip, sip, seg) : ipv4(sip, cip, seg));
    out.push({ frame: ethernet(v6 ? 0x86dd : 0x0800, ip) });
    const adv = len + ((flags & 0x3) ? 1 : 0) + ((flags & 0x1) && (flags & 0x2) ? 1 : 0);
    if (fromClient) cseq = (cseq + adv) >>> 0; else sseq = (sseq + adv) >>> 0;
  };
  send(true, 0x002, 0, true);
  send(false, 0x012, 0, true);
  send(true, 0x010, 0);
  for (let k = 0; k < o.dataSegments; k++) {
    send(true, 0x018, o.payload);
    send(false, 0x010, 0);
    send(false, 0x018, Math.max(1, o.payload >> 1));
    send(true, 0x010, 0);
  }
  send(true, 0x011, 0);
  send(false, 0x011, 0);
  send(true, 0x010, 0);
  return out;
}

/** Builds the frames (Ethernet) of a synthetic capture. */
export function synthFrames(opts: SynthOptions): Buffer[] {
  const o: Required<SynthOptions> = { dataSegments: 1, payload: 14, ipv6Every: 5, arpEvery: 37, interleave: 3, startSec: 1_700_000_000, ...opts };
  const frames: Buffer[] = [];
  for (let base = 0; base < o.connections; base += o.interleave) {
    const group: Seg[][] = [];
    for (let i = base; i < Math.min(o.connections, base + o.interleave); i++) group.push(connection(i, o));
    const longest = Math.max(...group.map((g) => g.length));
    for (let k = 0; k < longest; k++) {
      for (const g of group) if (k < g.length) frames.push(g[k].frame);
      if (o.arpEvery > 0 && frames.length % o.arpEvery === 0) frames.push(arp());
    }
  }
  return frames;
}

/** Writes frames as a classic pcap (µs timestamps, 37 µs apart). */
export function writePcap(path: string, frames: Buffer[], startSec = 1_700_000_000): void {
  const parts: Buffer[] = [];
  const gh = Buffer.alloc(24);
  gh.writeUInt32LE(0xa1b2c3d4, 0); gh.writeUInt16LE(2, 4); gh.writeUInt16LE(4, 6); gh.writeUInt32LE(262144, 16); gh.writeUInt32LE(1, 20);
  parts.push(gh);
  let usec = 0;
  for (const f of frames) {
    usec += 37 + (f.length % 5);
    const rh = Buffer.alloc(16);
    rh.writeUInt32LE(startSec + Math.floor(usec / 1e6), 0);
    rh.writeUInt32LE(usec % 1e6, 4);
    rh.writeUInt32LE(f.length, 8);
    rh.writeUInt32LE(f.length, 12);
    parts.push(rh, f);
  }
  writeFileSync(path, Buffer.concat(parts));
}

/**
 * Frames of `n` connections of one SYN each (Ethernet, IPv4, each from its own address and port): the
 * cheapest bytes that cost a store a connection each (fresh eyes' memory attack).
 */
export function synFrames(n: number): Buffer[] {
  const frames: Buffer[] = [];
  for (let i = 0; i < n; i++) {
    const ip = Buffer.alloc(20);
    ip[0] = 0x45; ip.writeUInt16BE(40, 2); ip[8] = 64; ip[9] = 6;
    ip[12] = 10; ip[13] = (i >> 16) & 255; ip[14] = (i >> 8) & 255; ip[15] = i & 255;
    ip[16] = 10; ip[19] = 1;
    frames.push(ethernet(0x0800, Buffer.concat([ip, tcpHeader(1024 + (i % 60000), 80, i, 0, 0x002, 1000, false)])));
  }
  return frames;
}
