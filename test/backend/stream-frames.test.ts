// A stream's frame numbers (FrameStore.streamFrames, behind every ladder pull) while a capture grows: the
// same as a store that read the whole capture at once, and a growing stream is walked back only as far
// as its new frames (a live ladder pull asked for them in each of its slices, and each walked the whole
// connection again).
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FrameStore } from '../../main/engine/store/frame-store';
import { loadCaptureFile } from '../../main/backend/file-loader';
import { FileBytes } from '../../main/backend/file-bytes';
// @ts-expect-error a plain script (the bench's generator), without types
import { generate } from '../../scripts/bench/generate.js';

const dir = mkdtempSync(join(tmpdir(), 'hl-stream-frames-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = join(dir, 'two.pcap');
(generate as (path: string, o: { frames: number; concurrent: number; longer: number }) => void)(file, { frames: 3000, concurrent: 2, longer: 40 });

describe('streamFrames of a growing capture', () => {
  it('equals a whole read at every step, walking each new frame once', async () => {
    const load = (store: FrameStore, each: () => void = () => undefined) => loadCaptureFile(file, {
      frame: (raw, off) => { store.add(raw, off); each(); },
      progress: () => undefined,
      cancelled: () => false,
    });
    const whole = new FrameStore(new FileBytes(file), { infoCacheSize: 0 });
    await load(whole);
    const longest = whole.connections().reduce((a, b) => (b.frames > a.frames ? b : a)).stream;
    const growing = new FrameStore(new FileBytes(file), { infoCacheSize: 0 });
    let asks = 0;
    const seen: number[][] = [];
    // A ladder pull of the longest stream every few frames, as a live page asks.
    await load(growing, () => {
      if (growing.total % 7 === 0 && growing.connection(longest)) {
        asks++;
        seen.push(Array.from(growing.streamFrames(longest)));
      }
    });
    const all = Array.from(whole.streamFrames(longest));
    expect(all.length).toBeGreaterThan(500);
    // Each answer was the stream so far: a prefix of the whole read's, as long as the stream then was.
    for (const s of seen) expect(s).toEqual(all.slice(0, s.length));
    expect(Array.from(growing.streamFrames(longest))).toEqual(all);
    // Every frame of the stream walked once (plus at most one link per ask), not the whole stream per ask.
    expect(growing.streamFramesWalked).toBeLessThanOrEqual(all.length + asks);
    // Answers handed out before are not changed by later growth.
    expect(seen[10]).toEqual(all.slice(0, seen[10].length));
  });
});
