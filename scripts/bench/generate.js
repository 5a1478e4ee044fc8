// Writes a large synthetic capture for the benchmark: many interleaved TCP connections over Ethernet/IPv4
// (handshake with options, requests, multi-segment responses, delayed ACKs, some loss with
// retransmissions and duplicate ACKs, 3-segment closes), streamed to disk in big chunks.
import { openSync, writeSync, closeSync } from 'node:fs';

/** A small deterministic PRNG (mulberry32), so every run writes the same file. */
function prng(seed) {
  return () => {
    seed |= 0; seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIN = 1, SYN = 2, RST = 4, PSH = 8, ACK = 16;
/** A full TLS record: 16 KB of data, a 16-byte tag, the 5-byte header. */
const TLS_RECORD = 16384 + 16 + 5;
const BUF = 8 * 1024 * 1024;

/**
 * `longer` multiplies the request/response exchanges per connection: the same frame count then holds
 * `longer` times fewer connections (to tell memory per frame from memory per connection).
 * `mss` is the largest response segment and `request` the largest request: small values make the
 * small frames of a busy loopback (many short messages), where reading the file costs least and the
 * per-frame work of `stats` shows most.
 * `tls`: HTTPS instead of plain TCP: server port 443, each request one TLS 1.2 Application Data record and
 * the responses a stream of 16 KB records over many segments (what the frame store reassembles), as a
 * download over HTTPS looks without keys. The records' bodies are filler, not ciphertext.
 */
export function generate(path, { frames = 1_200_000, concurrent = 2000, seed = 42, longer = 1, mss = 1448, request = 480, tls = false } = {}) {
  const rnd = prng(seed);
  const fd = openSync(path, 'w');
  const buf = Buffer.alloc(BUF);
  let used = 0;
  const flush = () => { writeSync(fd, buf, 0, used); used = 0; };
  // pcap header: µs, Ethernet.
  buf.writeUInt32LE(0xa1b2c3d4, 0); buf.writeUInt16LE(2, 4); buf.writeUInt16LE(4, 6);
  buf.writeUInt32LE(0, 8); buf.writeUInt32LE(0, 12); buf.writeUInt32LE(262144, 16); buf.writeUInt32LE(1, 20);
  used = 24;
  let sec = 1_795_000_000, usec = 0;
  let written = 0, bytes = 24;
  let nextPort = 10000;
  let nextHost = 1;

  function frame(c, fromClient, flags, seq, ack, len, opts) {
    const optLen = opts ? opts.length : 12;
    const tcpLen = 20 + optLen;
    const ipLen = 20 + tcpLen + len;
    const total = 14 + ipLen;
    if (used + 16 + total > BUF) flush();
    usec += 1 + Math.floor(rnd() * 40);
    if (usec >= 1_000_000) { sec++; usec -= 1_000_000; }
    let o = used;
    buf.writeUInt32LE(sec, o); buf.writeUInt32LE(usec, o + 4); buf.writeUInt32LE(total, o + 8); buf.writeUInt32LE(total, o + 12);
    o += 16;
    // Ethernet
    buf.writeUInt32BE(0x02000000 | (fromClient ? c.host : 0xfe), o); buf.writeUInt16BE(1, o + 4);
    buf.writeUInt32BE(0x02000000 | (fromClient ? 0xfe : c.host), o + 6); buf.writeUInt16BE(1, o + 10);
    buf.writeUInt16BE(0x0800, o + 12);
    o += 14;
    // IPv4
    buf[o] = 0x45; buf[o + 1] = 0; buf.writeUInt16BE(ipLen, o + 2); buf.writeUInt16BE((c.ipid++) & 0xffff, o + 4);
    buf.writeUInt16BE(0x4000, o + 6); buf[o + 8] = 64; buf[o + 9] = 6; buf.writeUInt16BE(0, o + 10);
    const cli = 0x0a000000 | c.host, srv = 0x0a00fe01;
    buf.writeUInt32BE(fromClient ? cli : srv, o + 12); buf.writeUInt32BE(fromClient ? srv : cli, o + 16);
    o += 20;
    // TCP
    // (8443: a port no tshark dissector is registered on, so the bulk payloads stay plain TCP data; 443 is TLS's.)
    const server = tls ? 443 : 8443;
    buf.writeUInt16BE(fromClient ? c.port : server, o); buf.writeUInt16BE(fromClient ? server : c.port, o + 2);
    buf.writeUInt32BE(seq >>> 0, o + 4); buf.writeUInt32BE(ack >>> 0, o + 8);
    buf.writeUInt16BE(((tcpLen / 4) << 12) | flags, o + 12); buf.writeUInt16BE(flags & SYN ? 65535 : 1024, o + 14);
    buf.writeUInt16BE(0, o + 16); buf.writeUInt16BE(0, o + 18);
    o += 20;
    if (opts) { opts.copy(buf, o); o += opts.length; } else {
      // NOP NOP Timestamps
      buf[o] = 1; buf[o + 1] = 1; buf[o + 2] = 8; buf[o + 3] = 10; buf.writeUInt32BE((usec + sec * 1000) >>> 0, o + 4); buf.writeUInt32BE(c.tsecr >>> 0, o + 8);
      o += 12;
    }
    // Payload: printable bytes, or TLS records (a resent segment repeats the bytes at its place in the stream).
    if (!tls) for (let i = 0; i < len; i++) buf[o + i] = 0x41 + (i % 26);
    else if (fromClient) tlsRecords(buf, o, len, 0, len);
    else tlsRecords(buf, o, len, (seq - c.sseq0) >>> 0, TLS_RECORD);
    o += len;
    used = o;
    written++;
    bytes += 16 + total;
  }

  /** `len` bytes at `pos` of a stream of TLS 1.2 Application Data records of `record` bytes each (header included). */
  function tlsRecords(b, o, len, pos, record) {
    for (let i = 0; i < len; i++) {
      const q = (pos + i) % record, body = record - 5;
      b[o + i] = q === 0 ? 23 : q === 1 || q === 2 ? 3 : q === 3 ? body >> 8 : q === 4 ? body & 255 : 0x80 | (q & 0x7f);
    }
  }

  const synOpts = Buffer.from([2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 3, 7]);
  function newConn() {
    const host = nextHost = (nextHost % 60000) + 1;
    nextPort = nextPort >= 65000 ? 10000 : nextPort + 1;
    const cseq = Math.floor(rnd() * 2 ** 32), sseq = Math.floor(rnd() * 2 ** 32);
    return { host, port: nextPort, ipid: 1, tsecr: 0, cseq, sseq, sseq0: (sseq + 1) >>> 0, step: 0, exchanges: (1 + Math.floor(rnd() * 6)) * longer, pending: [] };
  }

  // Each connection is a queue of frames to send, produced lazily step by step.
  function advance(c) {
    if (c.pending.length) { const f = c.pending.shift(); frame(c, ...f); return true; }
    switch (c.step) {
      case 0: frame(c, true, SYN, c.cseq, 0, 0, synOpts); c.cseq++; c.step = 1; return true;
      case 1: frame(c, false, SYN | ACK, c.sseq, c.cseq, 0, synOpts); c.sseq++; c.step = 2; return true;
      case 2: frame(c, true, ACK, c.cseq, c.sseq, 0); c.step = 3; return true;
      case 3: {
        if (c.exchanges-- <= 0) { c.step = 4; return advance(c); }
        const req = Math.ceil(request / 6) + Math.floor(rnd() * (request - Math.ceil(request / 6)));
        frame(c, true, PSH | ACK, c.cseq, c.sseq, req); c.cseq += req;
        const segs = 1 + Math.floor(rnd() * 8);
        for (let i = 0; i < segs; i++) {
          const len = i === segs - 1 ? 1 + Math.floor(rnd() * mss) : mss;
          const lost = rnd() < 0.01;
          c.pending.push([false, ACK | (i === segs - 1 ? PSH : 0), c.sseq, c.cseq, len]);
          if (lost) {
            // The client sees a gap: duplicate ACKs, then the server retransmits.
            c.pending.push([true, ACK, c.cseq, c.sseq, 0], [true, ACK, c.cseq, c.sseq, 0], [false, ACK, c.sseq, c.cseq, len]);
          }
          c.sseq += len;
          if (i % 2 === 1 || i === segs - 1) c.pending.push([true, ACK, c.cseq, c.sseq, 0]);
        }
        return true;
      }
      case 4: frame(c, true, FIN | ACK, c.cseq, c.sseq, 0); c.cseq++; c.step = 5; return true;
      case 5: frame(c, false, FIN | ACK, c.sseq, c.cseq, 0); c.sseq++; c.step = 6; return true;
      case 6: frame(c, true, ACK, c.cseq, c.sseq, 0); c.step = 7; return false;
      default: return false;
    }
  }

  const active = Array.from({ length: concurrent }, newConn);
  while (written < frames) {
    const i = Math.floor(rnd() * active.length);
    if (!advance(active[i])) active[i] = newConn();
  }
  flush();
  closeSync(fd);
  return { frames: written, bytes };
}

// Unused flag kept for readers of the generator: RST closes are not generated.
void RST;
