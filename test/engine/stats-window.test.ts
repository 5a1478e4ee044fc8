// `stats` reads classic pcap through one refilled frame whose bytes are a window on the reader's buffer
// (no view per frame). Its fast path must read that window exactly as it reads a frame of its own:
// for every frame of every classic pcap in the corpus, the same segment (or the same SKIP / FALLBACK),
// and the same conversation rows. (Comparing rows alone would hide a misread: a misread frame usually
// falls back to the full dissector, which reads `data` and gets it right.)
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CaptureReader, WindowFrame } from '../../main/engine/io/reader';
import { ConversationStats } from '../../main/engine/stats/conversations';
import { fastSegment } from '../../main/engine/stats/fast-segment';

const corpus = join(__dirname, '..', 'corpus');
const files = readdirSync(corpus).flatMap((d) => {
  const dir = join(corpus, d);
  return statSync(dir).isDirectory() ? readdirSync(dir).filter((f) => /\.(pcap|cap)$/.test(f)).map((f) => join(dir, f)) : [];
});

function read(bytes: Uint8Array, reuse: boolean): { segments: string[]; rows: unknown; windows: number } {
  const reader = new CaptureReader();
  reader.reuseFrames = reuse;
  const stats = new ConversationStats();
  const segments: string[] = [];
  let windows = 0;
  try {
    // 4 KiB chunks, so windows start at offsets other than 0 of the reader's buffer.
    for (let at = 0; at < bytes.length; at += 4096) {
      reader.push(bytes.slice(at, at + 4096), (f) => {
        if (f instanceof WindowFrame) windows++;
        segments.push(JSON.stringify(fastSegment(f, segments.length + 1)));
        stats.add(f);
      });
    }
    reader.end();
  } catch { /* damaged files: the frames before the damage count */ }
  return { segments, rows: JSON.parse(JSON.stringify(stats.rows())), windows };
}

describe('stats fast path on reused window frames', () => {
  it('has classic pcap files to read', () => expect(files.length).toBeGreaterThan(10));
  for (const file of files) {
    it(file.slice(corpus.length + 1), () => {
      const bytes = new Uint8Array(readFileSync(file));
      const own = read(bytes, false), windowed = read(bytes, true);
      expect(own.windows).toBe(0);
      // Only classic pcap is read through the window (pcapng frames stay frames of their own).
      const classic = bytes.length >= 4 && [0xa1b2c3d4, 0xd4c3b2a1, 0xa1b23c4d, 0x4d3cb2a1].includes(new DataView(bytes.buffer, bytes.byteOffset).getUint32(0));
      expect(windowed.windows).toBe(classic ? windowed.segments.length : 0);
      expect(windowed.segments).toEqual(own.segments);
      expect(windowed.rows).toEqual(own.rows);
    });
  }
});
