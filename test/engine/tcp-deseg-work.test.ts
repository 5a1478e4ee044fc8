// A PDU asked for "one more segment" at a time is reassembled again with every segment (as tshark does):
// fresh eyes sent one connection of 10,000 one-byte segments to port 80 that never end an HTTP header, and
// loading it took 45 s and 695 MB (each segment re-gathered, re-dissected and, for a stored frame, recorded
// every segment before it). Past MAX_RETRIED_SEGMENTS the PDU is given up with a note, so the work a
// segment takes no longer grows with the connection.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FrameStore } from '../../main/engine/store/frame-store';
import { FileBytes } from '../../main/backend/file-bytes';
import { loadCaptureFile } from '../../main/backend/file-loader';
import { Decoder } from '../../main/engine/decoder';
import type { DecodedFrame, RawFrame } from '../../main/engine/types';
import { desegWork, MAX_RETRIED_SEGMENTS } from '../../main/engine/dissect/tcp-desegment';

/** Raw IPv4 (linktype 101) from 10.0.0.2:40000 to 10.0.0.1:80: a SYN, then one-byte segments of 'x'. */
function frame(i: number): RawFrame {
  const plen = i ? 1 : 0;
  const d = new Uint8Array(40 + plen);
  const v = new DataView(d.buffer);
  d[0] = 0x45; v.setUint16(2, 40 + plen); d[8] = 64; d[9] = 6;
  d.set([10, 0, 0, 2], 12); d.set([10, 0, 0, 1], 16);
  v.setUint16(20, 40000); v.setUint16(22, 80); v.setUint32(24, i); d[32] = 0x50; d[33] = i ? 0x18 : 0x02; v.setUint16(34, 1000);
  if (plen) d[40] = 0x78;
  return { data: d, len: d.length, linktype: 101, interface: 0, tsSec: 1_700_000_000, tsNsec: i * 1000 };
}

function run(n: number): { pieces: number; frames: DecodedFrame[] } {
  const dec = new Decoder();
  desegWork.pieces = 0;
  const frames: DecodedFrame[] = [];
  for (let i = 0; i < n; i++) frames.push(dec.decode(frame(i)));
  return { pieces: desegWork.pieces, frames };
}

describe('a PDU asked for one segment at a time', () => {
  it(`is given up past ${MAX_RETRIED_SEGMENTS} segments, with a note: the work per segment does not grow with the connection`, () => {
    const small = run(2 * MAX_RETRIED_SEGMENTS);
    const big = run(16 * MAX_RETRIED_SEGMENTS);
    // Each segment gathers at most the PDU's earlier segments: no more than the limit.
    expect(small.pieces / small.frames.length).toBeLessThan(MAX_RETRIED_SEGMENTS);
    // Linear: eight times the segments, about eight times the work (it was 64 times).
    expect(big.pieces / small.pieces).toBeLessThan(9);
    expect(big.pieces / small.pieces).toBeGreaterThan(7);
    // The segment that reaches the limit says so; the ones before are segments of a PDU, as tshark shows them.
    const notes = big.frames.map((f, i) => [i + 1, f.expert.some((e) => /reassembles at most/.test(e.message))] as const).filter(([, has]) => has);
    expect(notes[0][0]).toBe(MAX_RETRIED_SEGMENTS + 1);
    expect(big.frames[5].info).toContain('[TCP segment of a reassembled PDU]');
  });
});

describe('a stored frame re-dissected on its own', () => {
  it('gives what the first pass gave, on both sides of the limit', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hl-deseg-'));
    try {
      const file = join(dir, 'one-stream.pcap');
      const n = 3 * MAX_RETRIED_SEGMENTS;
      const gh = Buffer.alloc(24);
      gh.writeUInt32LE(0xa1b2c3d4, 0); gh.writeUInt16LE(2, 4); gh.writeUInt16LE(4, 6); gh.writeUInt32LE(262144, 16); gh.writeUInt32LE(101, 20);
      const parts: Buffer[] = [gh];
      for (let i = 0; i < n; i++) {
        const f = frame(i), rh = Buffer.alloc(16);
        rh.writeUInt32LE(1_700_000_000, 0); rh.writeUInt32LE(i, 4); rh.writeUInt32LE(f.data.length, 8); rh.writeUInt32LE(f.data.length, 12);
        parts.push(rh, Buffer.from(f.data));
      }
      writeFileSync(file, Buffer.concat(parts));
      const store = new FrameStore(new FileBytes(file), { infoCacheSize: 0 });
      const first: string[] = [];
      const out = await loadCaptureFile(file, { frame: (raw, off) => { first.push(JSON.stringify(store.add(raw, off).frame)); }, progress: () => undefined, cancelled: () => false });
      expect(out.ok).toBe(true);
      const numbers = [2, MAX_RETRIED_SEGMENTS, MAX_RETRIED_SEGMENTS + 1, MAX_RETRIED_SEGMENTS + 2, 2 * MAX_RETRIED_SEGMENTS + 3, n];
      const again = new Map<number, string>();
      store.redecodeMany(numbers, (d) => again.set(d.frame.frame, JSON.stringify(d.frame)));
      for (const k of numbers) expect(again.get(k), `frame ${k}`).toBe(first[k - 1]);
      expect(first[MAX_RETRIED_SEGMENTS]).toContain('reassembles at most');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
