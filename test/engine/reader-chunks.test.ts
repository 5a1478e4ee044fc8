// The streaming reader gives the same frames, in the same order, and the same error, however the file
// is cut into chunks: the whole file in one push is the reference (it is compared with tshark by the
// field tests). So does a reader that refills one frame object. Chunk edges fall inside headers, records and blocks at every size tried here.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CaptureReader } from '../../main/engine/io/reader';

const corpus = join(__dirname, '..', 'corpus');
const files = readdirSync(corpus).flatMap((d) => {
  const dir = join(corpus, d);
  return statSync(dir).isDirectory() ? readdirSync(dir).filter((f) => /\.(pcap|pcapng|cap)$/.test(f)).map((f) => join(dir, f)) : [];
});

interface Seen { frames: string[]; error: string | null }

function read(bytes: Uint8Array, cut: (at: number) => number, reuseFrames = false): Seen {
  const reader = new CaptureReader();
  reader.reuseFrames = reuseFrames;
  const frames: string[] = [];
  const sink = (f: { data: Uint8Array; len: number; linktype: number; interface: number; tsSec: number; tsNsec: number }) => {
    frames.push(`${reader.dataOffset} ${f.len} ${f.linktype} ${f.interface} ${f.tsSec}.${f.tsNsec} ${Buffer.from(f.data).toString('hex')}`);
  };
  try {
    for (let at = 0; at < bytes.length;) {
      const n = Math.min(cut(at), bytes.length - at);
      // A scratch copy the reader may not keep (as the file reader reuses its buffer).
      const chunk = bytes.slice(at, at + n);
      reader.push(chunk, sink);
      chunk.fill(0xee);
      at += n;
    }
    reader.end(sink);
    return { frames, error: null };
  } catch (e) {
    return { frames, error: (e as Error).message };
  }
}

describe('streaming reader: chunking never changes what is read', () => {
  it('has capture files to read', () => expect(files.length).toBeGreaterThan(20));
  for (const file of files) {
    it(file.slice(corpus.length + 1), () => {
      const bytes = new Uint8Array(readFileSync(file));
      const whole = read(bytes, () => bytes.length);
      let seed = bytes.length;
      const random = () => { seed = (seed * 1103515245 + 12345) >>> 0; return 1 + (seed % 300); };
      for (const cut of [() => 1, () => 7, () => 64, () => 1500, random]) {
        const got = read(bytes, cut);
        expect(got.error).toBe(whole.error);
        expect(got.frames.length).toBe(whole.frames.length);
        expect(got.frames).toEqual(whole.frames);
      }
      // The reader refilling one frame object (as stats asks) reads the same.
      expect(read(bytes, random, true)).toEqual(whole);
    });
  }
});
