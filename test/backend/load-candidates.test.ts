// The loading pipeline's word on a frame (load-candidates.ts), made on the reading thread, must be what the
// storing thread would have found itself: the same fast-path verdict (fastCandidate) and, when the
// segment travels as numbers, the very segment fastSegment reads from the frame, field for field. Checked
// on every frame of the corpus and of the bench's generated capture, read with the reader's reused frames
// (as the reading thread reads them) and in small chunks (windows at odd offsets of its buffer).
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CaptureReader } from '../../main/engine/io/reader';
import { fastCandidate, fastCandidateKind, MIDDLE_ONLY } from '../../main/engine/store/frame-store';
import { emptySegment, fastSegment } from '../../main/engine/stats/fast-segment';
import { CANDIDATE, CANDIDATE_REREAD, candidateOf, NOT_CANDIDATE, ROUTE_UNIT, SEG_WORDS, segmentAt } from '../../main/backend/load-candidates';
import type { RawFrame } from '../../main/engine/types';
// @ts-expect-error a plain script (the bench's generator), without types
import { generate } from '../../scripts/bench/generate.js';

function captures(d: string, out: string[] = []): string[] {
  for (const name of readdirSync(d)) {
    const p = join(d, name);
    if (statSync(p).isDirectory()) captures(p, out);
    else if (/\.(pcap|pcapng|cap|ntar)$/.test(name)) out.push(p);
  }
  return out;
}

/** Every frame's word, checked against what the frame itself gives; counts of each kind (and of payloads only for the middle of a PDU). */
function check(file: string): Record<string, number> {
  const bytes = readFileSync(file);
  const reader = new CaptureReader();
  reader.reuseFrames = true;
  const seg = new Uint32Array(4 * SEG_WORDS);
  const kinds: Record<string, number> = { [NOT_CANDIDATE]: 0, [CANDIDATE]: 0, [CANDIDATE_REREAD]: 0, middleOnly: 0 };
  let n = 0;
  const reused = emptySegment();
  const sink = (raw: RawFrame) => {
    n++;
    // At slot n % 4: a slot other than the first is written where it belongs.
    const word = candidateOf(raw, seg, n % 4);
    const kind = word % ROUTE_UNIT, route = (word - kind) / ROUTE_UNIT;
    kinds[kind]++;
    const alone = fastCandidate(raw, n);
    expect(kind !== NOT_CANDIDATE, `${file} frame ${n}`).toBe(alone !== null);
    // Where its payload may go travels with it.
    if (alone) expect(route, `${file} frame ${n}: route`).toBe(fastCandidateKind.route);
    if (route === MIDDLE_ONLY) kinds.middleOnly++;
    if (kind === CANDIDATE) {
      const s = segmentAt(seg, n % 4);
      s.frame = n;
      const want = fastSegment(raw, n);
      expect(s, `${file} frame ${n}`).toStrictEqual(want);
      // The storing thread refills one segment: whatever an earlier frame left in it is replaced.
      Object.assign(reused, { mss: 1460, wscaleShift: 14, sackPerm: true, sack: [1, 2], tsval: 3, tsecr: 4, urgentPointer: 9, src: 'x', dst: 'y' });
      const again = segmentAt(seg, n % 4, reused);
      again.frame = n;
      expect(again, `${file} frame ${n}, refilled`).toStrictEqual(want);
    }
  };
  try {
    for (let at = 0; at < bytes.length; at += 3001) reader.push(bytes.subarray(at, at + 3001), sink);
    reader.end(sink);
  } catch { /* damaged files: the frames before the damage count */ }
  return kinds;
}

describe('the loading pipeline\'s word on each frame', () => {
  it('is fastCandidate\'s verdict, and its segment fastSegment\'s, on every corpus frame', () => {
    const total: Record<string, number> = { [NOT_CANDIDATE]: 0, [CANDIDATE]: 0, [CANDIDATE_REREAD]: 0, middleOnly: 0 };
    for (const f of captures(join(__dirname, '..', 'corpus'))) {
      const k = check(f);
      for (const key of Object.keys(total)) total[key] += k[key];
    }
    // Every kind met (IPv6 and SACK segments are read again; plain IPv4 ones travel as numbers).
    expect(total[CANDIDATE]).toBeGreaterThan(1000);
    expect(total[CANDIDATE_REREAD]).toBeGreaterThan(10);
    expect(total[NOT_CANDIDATE]).toBeGreaterThan(100);
    // TLS records over many segments (the downloads): for the fast path only in the middle of a PDU.
    expect(total.middleOnly).toBeGreaterThan(100);
  });

  it('on the bench\'s generated capture too', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hl-candidates-'));
    try {
      const file = join(dir, 'bench.pcap');
      (generate as (path: string, o: { frames: number }) => void)(file, { frames: 20_000 });
      expect(check(file)[CANDIDATE]).toBeGreaterThan(15_000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
