// Frames handed from the reading thread to the storing one (load-batch.ts): the storing thread reads each
// through BatchReader.frameBorrowed, which refills one WindowFrame for the common classic-pcap frame. It
// must give the store exactly what frame(i), a fresh object per frame, gives: every field, and the bytes.
// Checked on every frame of the corpus (pcap and pcapng, with comments, flags, drops, several interfaces).
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { CaptureReader, WindowFrame } from '../../main/engine/io/reader';
import { BatchReader, BatchWriter, type FrameBatch } from '../../main/backend/load-batch';
import type { RawFrame } from '../../main/engine/types';
import { corpusFiles } from '../helpers/corpus';

/** The fields of RawFrame a frame has, as plain data (a WindowFrame's getters and fixed fields included). */
const KEYS: (keyof RawFrame)[] = [
  'len', 'linktype', 'interface', 'tsSec', 'tsNsec', 'section', 'noTimestamp', 'noInterfaceId', 'hasTimestamp', 'pcapng',
  'tsPrecision', 'comments', 'packetFlags', 'dropCount', 'custom',
];
const fields = (raw: RawFrame) => Object.fromEntries(KEYS.map((k) => [k, raw[k]]));

/** Each batch of `file` as the reading thread makes it (frames read with reused objects, as there). */
function batches(file: string): FrameBatch[] {
  const reader = new CaptureReader();
  reader.reuseFrames = true;
  const writer = new BatchWriter(64, 1 << 20);
  const out: FrameBatch[] = [];
  const take = () => { const b = writer.take(0); if (b) out.push(b.batch); };
  const sink = (raw: RawFrame) => {
    const caplen = raw.data.length;
    if (writer.wouldOverflow(caplen)) take();
    writer.add(raw, reader.dataOffset, caplen);
  };
  try {
    reader.push(readFileSync(file), sink);
    reader.end(sink);
  } catch { /* damaged files: the frames before the damage count */ }
  take();
  return out;
}

describe('BatchReader.frameBorrowed', () => {
  it('gives the storing thread every frame as frame(i) does, on every corpus frame', () => {
    let frames = 0, borrowed = 0;
    for (const { path: file } of corpusFiles()) {
      const r = new BatchReader();
      for (const b of batches(file)) {
        r.use(b);
        for (let i = 0; i < b.count; i++) {
          const fresh = r.frame(i);
          const lent = r.frameBorrowed(i);
          if (lent instanceof WindowFrame) borrowed++;
          expect(fields(lent), `${file} frame ${frames + 1}`).toStrictEqual(fields(fresh));
          expect(Buffer.from(lent.data).equals(Buffer.from(fresh.data)), `${file} frame ${frames + 1} bytes`).toBe(true);
          frames++;
        }
      }
    }
    // Both kinds were seen: refilled classic-pcap frames, and the others made afresh.
    expect(borrowed).toBeGreaterThan(100);
    expect(frames - borrowed).toBeGreaterThan(100);
  });
});
