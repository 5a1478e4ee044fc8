// readCaptureFileAhead (the next chunk read on libuv's thread pool while this one is decoded) must hand
// over exactly what readCaptureFile does: the same frames, bytes and times, and for a damaged or
// unreadable file the same error after the same good frames.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { readCaptureFile, readCaptureFileAhead } from '../../main/capture/file-source';
import type { RawFrame } from '../../main/engine/types';
import { CORPUS, corpusFiles } from '../helpers/corpus';

/** A digest of every frame's bytes, lengths and time, the number of frames, and the error's text. */
function summary() {
  const hash = createHash('sha256');
  let frames = 0;
  const sink = (f: RawFrame) => {
    frames++;
    hash.update(f.data);
    hash.update(`${f.len} ${f.tsSec} ${f.tsNsec} ${f.linktype} ${f.interface}\n`);
  };
  return { sink, done: (error: unknown) => ({ frames, digest: hash.digest('hex'), error: error ? String(error) : null }) };
}

// Small chunks (a prime size, so records straddle them everywhere) make every corpus file many chunks.
async function both(path: string, chunk = 997) {
  const a = summary(), b = summary();
  let ea: unknown = null, eb: unknown = null;
  try { readCaptureFile(path, a.sink); } catch (e) { ea = e; }
  try { await readCaptureFileAhead(path, b.sink, undefined, chunk); } catch (e) { eb = e; }
  return { sync: a.done(ea), ahead: b.done(eb) };
}

describe('reading ahead delivers what reading in turn does', () => {
  for (const { path, name } of corpusFiles()) {
    it(name, async () => {
      const { sync, ahead } = await both(path);
      expect(ahead).toEqual(sync);
      // And in chunks larger than the file.
      expect((await both(path, 1 << 22)).ahead).toEqual(sync);
    });
  }
  it('a missing file and a directory give the same one-line errors', async () => {
    for (const p of [join(CORPUS, 'bad', 'no-such-file.pcap'), join(CORPUS, 'bad')]) {
      const { sync, ahead } = await both(p);
      expect(sync.error).toMatch(/no such file|directory/);
      expect(ahead).toEqual(sync);
    }
  });
});
