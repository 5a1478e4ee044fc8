// The frame store's fast path through the middle of a PDU (FrameStore.ingest, middleOfPdu) decides from the
// streams so far, before the analysis, that a segment is new data in order inside a PDU being gathered. Any
// case it misjudges stores a frame that re-dissects differently from the full dissector. Random captures
// look for one: TLS records of random sizes over random segments, on several interleaved connections, with
// segments lost, sent twice, swapped, acknowledged before they are seen, with keep-alives and zero-window
// probes. Every frame stored must re-dissect as through the full dissector alone, and as the Decoder's first
// pass (test/backend/store-fast.test.ts checks the same on the corpus); and the Decoder must show what tshark
// shows of the reassembly (the build before out-of-order segments joined PDUs failed all eight).
import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FrameStore } from '../../main/engine/store/frame-store';
import { Decoder } from '../../main/engine/decoder';
import { loadCaptureFile } from '../../main/backend/file-loader';
import { FileBytes } from '../../main/backend/file-bytes';
import { readCaptureFile } from '../../main/capture/file-source';
import type { DecodedFrame } from '../../main/engine/types';
import { prng } from '../helpers/fuzz';
import { compareWithTshark, describeMismatches, hasTshark } from '../helpers/tshark';

const SYN = 2, FIN = 1, PSH = 8, ACK = 16;

interface Seg { conn: number; fromServer: boolean; flags: number; seq: number; ack: number; win: number; data: Uint8Array }

/** A raw IPv4 frame (linktype 101) of a segment between 10.0.0.2:(40000 + conn) and 10.0.0.1:443. */
function ipv4(s: Seg): Uint8Array {
  const d = new Uint8Array(40 + s.data.length);
  const v = new DataView(d.buffer);
  d[0] = 0x45; v.setUint16(2, d.length); d[8] = 64; d[9] = 6;
  d.set(s.fromServer ? [10, 0, 0, 1] : [10, 0, 0, 2], 12); d.set(s.fromServer ? [10, 0, 0, 2] : [10, 0, 0, 1], 16);
  v.setUint16(20, s.fromServer ? 443 : 40000 + s.conn); v.setUint16(22, s.fromServer ? 40000 + s.conn : 443);
  v.setUint32(24, s.seq >>> 0); v.setUint32(28, s.ack >>> 0); d[32] = 0x50; d[33] = s.flags; v.setUint16(34, s.win);
  d.set(s.data, 40);
  return d;
}

/** The server's byte stream: TLS 1.2 records of random lengths (Application Data, now and then a Handshake or an Alert). */
function tlsStream(rnd: () => number, bytes: number): Uint8Array {
  const out = new Uint8Array(bytes);
  let p = 0;
  while (p < bytes) {
    const len = rnd() < 0.2 ? 1 + Math.floor(rnd() * 40) : 100 + Math.floor(rnd() * 17000);
    const type = rnd() < 0.9 ? 23 : rnd() < 0.5 ? 22 : 21;
    const rec = [type, 3, 3, len >> 8, len & 255];
    for (let i = 0; i < 5 && p < bytes; i++) out[p++] = rec[i];
    for (let i = 0; i < len && p < bytes; i++) out[p++] = 0x80 | ((p * 7) & 0x7f);
  }
  return out;
}

/** One connection's segments in order of sending, with the network's mischief applied. */
function connection(rnd: () => number, conn: number): Seg[] {
  const out: Seg[] = [];
  const cIsn = Math.floor(rnd() * 2 ** 32), sIsn = Math.floor(rnd() * 2 ** 32);
  const stream = tlsStream(rnd, 2000 + Math.floor(rnd() * 60000));
  const handshake = rnd() < 0.8;
  const win = () => (rnd() < 0.03 ? 0 : 1000 + Math.floor(rnd() * 60000));
  if (handshake) {
    out.push({ conn, fromServer: false, flags: SYN, seq: cIsn, ack: 0, win: 65535, data: new Uint8Array(0) });
    out.push({ conn, fromServer: true, flags: SYN | ACK, seq: sIsn, ack: cIsn + 1, win: 65535, data: new Uint8Array(0) });
    out.push({ conn, fromServer: false, flags: ACK, seq: cIsn + 1, ack: sIsn + 1, win: 65535, data: new Uint8Array(0) });
  }
  // A request: one whole record from the client.
  out.push({ conn, fromServer: false, flags: PSH | ACK, seq: cIsn + 1, ack: sIsn + 1, win: 65535, data: Uint8Array.from([23, 3, 3, 0, 20, ...new Array(20).fill(0x99)]) });
  const cNext = cIsn + 26;
  let pos = 0;
  while (pos < stream.length) {
    const len = Math.min(stream.length - pos, rnd() < 0.1 ? 1 + Math.floor(rnd() * 10) : 1 + Math.floor(rnd() * 1460));
    const seg: Seg = { conn, fromServer: true, flags: rnd() < 0.3 ? PSH | ACK : ACK, seq: sIsn + 1 + pos, ack: cNext, win: 65535, data: stream.subarray(pos, pos + len) };
    const r = rnd();
    if (r < 0.04) {
      // Lost: sent again a little later.
      out.push({ conn, fromServer: false, flags: ACK, seq: cNext, ack: sIsn + 1 + pos, win: win(), data: new Uint8Array(0) });
      out.push({ ...seg, data: seg.data });
      pos += len;
      continue;
    }
    if (r < 0.08 && out.length > 6) {
      // Sent before the one before it (swapped), or twice.
      const prev = out.pop() as Seg;
      out.push(seg, prev);
      if (rnd() < 0.5) out.push({ ...seg });
    } else if (r < 0.1) {
      // A keep-alive (one old byte) or a zero-window probe (the next byte alone, the peer's window 0).
      out.push({ conn, fromServer: false, flags: ACK, seq: cNext, ack: sIsn + 1 + pos, win: 0, data: new Uint8Array(0) });
      out.push({ ...seg, data: seg.data.subarray(0, 1) });
      out.push(seg);
    } else if (r < 0.12) {
      // Its ACK captured before it (the capture point is near the receiver): all of it acknowledged already.
      out.push({ conn, fromServer: false, flags: ACK, seq: cNext, ack: sIsn + 1 + pos + len, win: win(), data: new Uint8Array(0) });
      out.push(seg);
    } else {
      out.push(seg);
    }
    if (rnd() < 0.3) out.push({ conn, fromServer: false, flags: ACK, seq: cNext, ack: sIsn + 1 + pos + len, win: win(), data: new Uint8Array(0) });
    pos += len;
  }
  if (rnd() < 0.7) {
    out.push({ conn, fromServer: true, flags: FIN | ACK, seq: sIsn + 1 + stream.length, ack: cNext, win: 65535, data: new Uint8Array(0) });
    out.push({ conn, fromServer: false, flags: FIN | ACK, seq: cNext, ack: sIsn + 2 + stream.length, win: 65535, data: new Uint8Array(0) });
  }
  return out;
}

/** A pcap of 1-3 connections interleaved at random. */
function capture(seed: number): Buffer {
  const rnd = prng(seed);
  const conns = Array.from({ length: 1 + Math.floor(rnd() * 3) }, (_, i) => connection(rnd, i));
  const segs: Seg[] = [];
  while (conns.some((c) => c.length)) {
    const live = conns.filter((c) => c.length);
    segs.push(live[Math.floor(rnd() * live.length)].shift() as Seg);
  }
  return pcap(segs);
}

function pcap(segs: Seg[]): Buffer {
  const frames = segs.map(ipv4);
  const parts: Buffer[] = [];
  const gh = Buffer.alloc(24);
  gh.writeUInt32LE(0xa1b2c3d4, 0); gh.writeUInt16LE(2, 4); gh.writeUInt16LE(4, 6); gh.writeUInt32LE(262144, 16); gh.writeUInt32LE(101, 20);
  parts.push(gh);
  frames.forEach((f, i) => {
    const h = Buffer.alloc(16);
    h.writeUInt32LE(1_700_000_000 + Math.floor(i / 1000), 0); h.writeUInt32LE((i % 1000) * 1000, 4); h.writeUInt32LE(f.length, 8); h.writeUInt32LE(f.length, 12);
    parts.push(h, Buffer.from(f));
  });
  return Buffer.concat(parts);
}

const plain = (x: unknown) => JSON.parse(JSON.stringify(x)) as unknown;
const SEEDS = Array.from({ length: 24 }, (_, i) => i + 1);

describe('the fast path through a PDU, on random captures', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hl-fast-fuzz-'));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  let middles = 0;
  /** Stores `file` through the fast path and through the full dissector alone, and compares every frame's re-dissection. */
  async function compareStores(file: string): Promise<void> {
    // The full dissector's frames, and a store fed by it alone (its states revised by later evidence, as the fast one's).
    const expected: DecodedFrame[] = [];
    const dec = new Decoder();
    readCaptureFile(file, (raw) => expected.push(plain(dec.decode(raw)) as DecodedFrame));
    const full = new FrameStore(new FileBytes(file), { infoCacheSize: 0 });
    const fast = new FrameStore(new FileBytes(file), { infoCacheSize: 0 });
    await loadCaptureFile(file, { frame: (raw, off) => { full.add(raw, off); fast.ingest(raw, off); }, progress: () => undefined, cancelled: () => false });
    middles += fast.fastStored.middleOfPdu;
    full.seal();
    fast.seal();
    const numbers = expected.map((f) => f.frame);
    const mine: DecodedFrame[] = [], theirs: DecodedFrame[] = [];
    fast.redecodeMany(numbers, (d) => mine.push(plain(d.frame) as DecodedFrame));
    full.redecodeMany(numbers, (d) => theirs.push(plain(d.frame) as DecodedFrame));
    expect(mine).toEqual(theirs);
    // What does not depend on later frames is the Decoder's, field for field.
    const own = (f: DecodedFrame) => ({ ...f, states: undefined, transitions: undefined, notes: undefined, start: undefined });
    expect(mine.map(own)).toEqual(expected.map(own));
    expect(plain(fast.rows(numbers))).toEqual(plain(full.rows(numbers)));
    for (let n = numbers.length; n >= 1; n -= 7) expect(plain(fast.redecode(n).frame), `frame ${n} alone`).toEqual(theirs[n - 1]);
  }

  it.each(SEEDS)('seed %i: every frame stored re-dissects as through the full dissector', async (seed) => {
    const file = join(dir, `fuzz-${seed}.pcap`);
    writeFileSync(file, capture(seed));
    await compareStores(file);
  });

  it('a segment across the wrap of relative sequence numbers is left to desegmentation (fresh eyes: the PDU it ends was 1500 bytes by the fast path, 905 without)', async () => {
    const s = 0x12345678, c = 0x01020304;
    const body = (n: number, salt = 0) => Uint8Array.from({ length: n }, (_, i) => 0x80 | ((i * 7 + salt) & 0x7f));
    const rec = (len: number) => Uint8Array.from([23, 3, 3, len >> 8, len & 255, ...body(len)]);
    const sv = (rel: number, data: Uint8Array): Seg => ({ conn: 0, fromServer: true, flags: PSH | ACK, seq: (s + rel) >>> 0, ack: c + 16, win: 65535, data });
    const ca = (rel: number): Seg => ({ conn: 0, fromServer: false, flags: ACK, seq: c + 16, ack: (s + rel) >>> 0, win: 65535, data: new Uint8Array(0) });
    // Jumps past segments not captured bring the relative numbers near 2^32; a record there, then one across the wrap.
    const r0 = 2 ** 32 - 1000;
    const stream = new Uint8Array(1500);
    stream.set([23, 3, 3, 900 >> 8, 900 & 255], 0);
    stream.set(body(900), 5);
    stream.set([23, 3, 3, 0x02, 0x00], 905);
    stream.set(body(590, 3), 910);
    const file = join(dir, 'wrap.pcap');
    writeFileSync(file, pcap([
      { conn: 0, fromServer: false, flags: PSH | ACK, seq: c + 1, ack: s + 1, win: 65535, data: rec(10) },
      sv(1, rec(10)), ca(16), sv(0x60000000, rec(10)), ca(0x60000000 + 15), sv(0xc0000000, rec(10)), ca(0xc0000000 + 15),
      sv(r0, stream.subarray(0, 500)), ca(r0 + 500), sv(r0 + 500, stream.subarray(500, 1500)), sv(r0 + 500, stream.subarray(500, 905)),
    ]));
    await compareStores(file);
  });

  // The Decoder itself on the same captures: what tshark 4.0 shows of TCP desegmentation and TLS records.
  const FIELDS = ['_ws.col.Info', '_ws.col.Protocol', 'tcp.segment', 'tcp.segment.count', 'tcp.reassembled.length', 'tcp.reassembled_in',
    'tcp.segment_data', 'tls.record.content_type', 'tls.record.length', '_ws.expert.message'];
  it.skipIf(!hasTshark()).each(SEEDS.slice(0, 8))('seed %i: the Decoder shows what tshark shows', (seed) => {
    const file = join(dir, `fuzz-${seed}.pcap`);
    writeFileSync(file, capture(seed));
    const frames: DecodedFrame[] = [];
    const dec = new Decoder();
    readCaptureFile(file, (raw) => frames.push(dec.decode(raw)));
    const diffs = compareWithTshark(file, frames, FIELDS);
    expect(diffs.length, describeMismatches(`fuzz-${seed}`, diffs)).toBe(0);
  });
  it('took segments in the middle of records by the fast path', () => {
    expect(middles).toBeGreaterThan(1000);
  });
});
