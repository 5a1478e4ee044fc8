// The capture the live bench replays onto lo with tcpreplay (bench-live.js --generator tcpreplay): a few
// TCP connections over Ethernet/IPv4, each a handshake, small client segments (each acknowledged by the
// server) with continuous sequence numbers, and a 3-segment close, interleaved round-robin. Every
// checksum is right, so what any dissector shows is the file's own data.
//
// The frames go to a MAC address that is not lo's (00:00:00:00:00:00): lo delivers them to capture
// sockets as any frame, and the kernel's IP layer then drops them as meant for another host, so no
// socket answers them (a RST to a replayed SYN would be traffic the file does not hold).
//
// The bench compares what serve stored with this file itself (readPcap below): the frame count, each
// connection's segments (sequence and acknowledgment numbers, lengths, flags, in order) and every byte
// of every frame in the autosave.
import { openSync, readFileSync, writeSync, closeSync } from 'node:fs';

const FIN = 1, SYN = 2, PSH = 8, ACK = 16;
const SERVER_MAC = [0x02, 0, 0, 0, 0, 0x02];
const CLIENT_MAC = [0x02, 0, 0, 0, 0, 0x01];
const LOCALHOST = 0x7f000001;

/** Internet checksum (RFC 1071) of `b[from, to)` added to `sum`, not yet folded. */
function sum16(b, from, to, sum = 0) {
  for (let i = from; i + 1 < to; i += 2) sum += (b[i] << 8) | b[i + 1];
  if ((to - from) & 1) sum += b[to - 1] << 8;
  return sum;
}
const fold = (sum) => {
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
};

/** The payload byte at `offset` of connection `conn`'s client stream (varies, so a byte out of place shows). */
export const payloadByte = (conn, offset) => 0x21 + ((offset * 7 + conn * 13) % 94);

/**
 * Writes a pcap of about `frames` frames (at least one message per connection) to `path`: `connections`
 * connections from 127.0.0.1:(40000+i) to 127.0.0.1:`port`, each sending `payload`-byte segments.
 * Returns the frame count written.
 */
export function writeReplayCapture(path, { frames, port, connections = 4, payload = 64 }) {
  const messages = Math.max(1, Math.floor((frames / connections - 6) / 2));
  const conns = Array.from({ length: connections }, (_, i) => ({
    i, port: 40000 + i, cseq: (0x10000000 * (i + 1) + 12345) >>> 0, sseq: (0x90000000 + i * 77777) >>> 0, sent: 0, ipid: 1,
  }));
  const frameSize = 16 + 14 + 20 + 20 + payload;
  const perChunk = 8192;
  const buf = Buffer.alloc(perChunk * frameSize + 24);
  const fd = openSync(path, 'w');
  let used = 0;
  const flush = () => { writeSync(fd, buf, 0, used); used = 0; };
  // pcap header: microseconds, Ethernet.
  buf.writeUInt32LE(0xa1b2c3d4, 0); buf.writeUInt16LE(2, 4); buf.writeUInt16LE(4, 6);
  buf.writeUInt32LE(0, 8); buf.writeUInt32LE(0, 12); buf.writeUInt32LE(65535, 16); buf.writeUInt32LE(1, 20);
  used = 24;
  let written = 0;
  let usec = 0;

  function frame(c, fromClient, flags, len) {
    if (used + frameSize > buf.length) flush();
    const total = 14 + 20 + 20 + len;
    let o = used;
    usec += 10;
    buf.writeUInt32LE(1_795_000_000 + Math.floor(usec / 1e6), o); buf.writeUInt32LE(usec % 1e6, o + 4);
    buf.writeUInt32LE(total, o + 8); buf.writeUInt32LE(total, o + 12);
    o += 16;
    const eth = o;
    for (let k = 0; k < 6; k++) { buf[eth + k] = (fromClient ? SERVER_MAC : CLIENT_MAC)[k]; buf[eth + 6 + k] = (fromClient ? CLIENT_MAC : SERVER_MAC)[k]; }
    buf.writeUInt16BE(0x0800, eth + 12);
    const ip = eth + 14;
    buf[ip] = 0x45; buf[ip + 1] = 0; buf.writeUInt16BE(20 + 20 + len, ip + 2); buf.writeUInt16BE(c.ipid++ & 0xffff, ip + 4);
    buf.writeUInt16BE(0x4000, ip + 6); buf[ip + 8] = 64; buf[ip + 9] = 6; buf.writeUInt16BE(0, ip + 10);
    buf.writeUInt32BE(LOCALHOST, ip + 12); buf.writeUInt32BE(LOCALHOST, ip + 16);
    buf.writeUInt16BE(fold(sum16(buf, ip, ip + 20)), ip + 10);
    const tcp = ip + 20;
    buf.writeUInt16BE(fromClient ? c.port : port, tcp); buf.writeUInt16BE(fromClient ? port : c.port, tcp + 2);
    buf.writeUInt32BE(fromClient ? c.cseq : c.sseq, tcp + 4);
    buf.writeUInt32BE(flags & ACK ? (fromClient ? c.sseq : c.cseq) : 0, tcp + 8);
    buf.writeUInt16BE((5 << 12) | flags, tcp + 12); buf.writeUInt16BE(65535, tcp + 14);
    buf.writeUInt32BE(0, tcp + 16);
    for (let k = 0; k < len; k++) buf[tcp + 20 + k] = payloadByte(c.i, c.sent + k);
    // Pseudo-header: addresses, protocol, TCP length.
    const pseudo = (LOCALHOST >>> 16) * 2 + (LOCALHOST & 0xffff) * 2 + 6 + 20 + len;
    buf.writeUInt16BE(fold(sum16(buf, tcp, tcp + 20 + len, pseudo)), tcp + 16);
    used = tcp + 20 + len;
    written++;
  }

  for (const c of conns) { frame(c, true, SYN, 0); c.cseq = (c.cseq + 1) >>> 0; }
  for (const c of conns) { frame(c, false, SYN | ACK, 0); c.sseq = (c.sseq + 1) >>> 0; }
  for (const c of conns) frame(c, true, ACK, 0);
  for (let m = 0; m < messages; m++) {
    for (const c of conns) {
      frame(c, true, PSH | ACK, payload);
      c.sent += payload; c.cseq = (c.cseq + payload) >>> 0;
      frame(c, false, ACK, 0);
    }
  }
  for (const c of conns) { frame(c, true, FIN | ACK, 0); c.cseq = (c.cseq + 1) >>> 0; }
  for (const c of conns) { frame(c, false, FIN | ACK, 0); c.sseq = (c.sseq + 1) >>> 0; }
  for (const c of conns) frame(c, true, ACK, 0);
  flush();
  closeSync(fd);
  return written;
}

/**
 * The frames of a pcap (as written above) or a pcapng (the autosave serve writes: section, interface and
 * enhanced packet blocks, little-endian as this machine writes them): each frame's bytes as a view.
 */
export function readFrames(path) {
  const b = readFileSync(path);
  const out = [];
  if (b.readUInt32LE(0) === 0xa1b2c3d4) {
    for (let o = 24; o + 16 <= b.length;) {
      const cap = b.readUInt32LE(o + 8);
      out.push(b.subarray(o + 16, o + 16 + cap));
      o += 16 + cap;
    }
    return out;
  }
  if (b.readUInt32LE(0) !== 0x0a0d0d0a || b.readUInt32LE(8) !== 0x1a2b3c4d) throw new Error(`${path}: not a little-endian pcap or pcapng file`);
  for (let o = 0; o + 12 <= b.length;) {
    const type = b.readUInt32LE(o), len = b.readUInt32LE(o + 4);
    if (len < 12 || o + len > b.length) throw new Error(`${path}: damaged block at offset ${o}`);
    if (type === 6) out.push(b.subarray(o + 28, o + 28 + b.readUInt32LE(o + 20)));
    o += len;
  }
  return out;
}

/**
 * Each connection's segments in frame order, keyed by the client's port: what a ladder of the stored
 * connection must show (direction, raw sequence and acknowledgment numbers, payload length, flags).
 */
export function segmentsByConnection(frames, serverPort) {
  const byPort = new Map();
  for (const f of frames) {
    if (f.length < 54 || f.readUInt16BE(12) !== 0x0800 || f[23] !== 6) continue;
    const ihl = (f[14] & 15) * 4, tcp = 14 + ihl;
    const sport = f.readUInt16BE(tcp), dport = f.readUInt16BE(tcp + 2);
    const c2s = dport === serverPort;
    const client = c2s ? sport : dport;
    const off = (f[tcp + 12] >> 4) * 4;
    const len = f.readUInt16BE(16) - ihl - off;
    if (!byPort.has(client)) byPort.set(client, []);
    byPort.get(client).push({ direction: c2s ? 'c2s' : 's2c', seqRaw: f.readUInt32BE(tcp + 4), ackRaw: f.readUInt32BE(tcp + 8), len, flags: f[tcp + 13] });
  }
  return byPort;
}
