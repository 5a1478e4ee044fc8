// The frame store's fast path (FrameStore.ingest: plain TCP segments stored from `stats`' in-place
// reader, without a tree) must store what the full dissector would: every frame re-dissected from the
// stored facts equals the Decoder's first pass (the pipeline of `decode --jsonl`), rows equal its
// columns, and connections equal those of a store fed through the full dissector (FrameStore.add).
import { describe, expect, it } from 'vitest';
import { readdirSync, statSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FrameStore } from '../../main/engine/store/frame-store';
import { Decoder } from '../../main/engine/decoder';
import { loadCaptureFile } from '../../main/backend/file-loader';
import { FileBytes } from '../../main/backend/file-bytes';
import { readCaptureFile } from '../../main/capture/file-source';
import type { DecodedFrame } from '../../main/engine/types';
// @ts-expect-error a plain script (the bench's generator), without types
import { generate } from '../../scripts/bench/generate.js';

function captures(dir: string, out: string[] = []): string[] {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) captures(p, out);
    else if (/\.(pcap|pcapng|cap)$/.test(name)) out.push(p);
  }
  return out;
}

const plain = (x: unknown) => JSON.parse(JSON.stringify(x)) as unknown;
const dir = mkdtempSync(join(tmpdir(), 'hl-store-fast-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
const bench = join(dir, 'bench.pcap');
(generate as (path: string, o: { frames: number; concurrent: number }) => void)(bench, { frames: 4_000, concurrent: 100 });
const files = [bench, ...captures(join(__dirname, '..', 'corpus'))];

async function load(file: string, fast: boolean) {
  const store = new FrameStore(new FileBytes(file), { infoCacheSize: 0 });
  const out = await loadCaptureFile(file, {
    frame: (raw, off) => {
      if (!fast) store.add(raw, off);
      else store.ingest(raw, off);
    },
    progress: () => undefined,
    cancelled: () => false,
  });
  return { store, out, fastFrames: store.fastStored.plain + store.fastStored.middleOfPdu, middleOfPdu: store.fastStored.middleOfPdu };
}

describe('frame store fast path', () => {
  it.each(files)('%s: stored by the fast path = the Decoder\'s first pass', async (file) => {
    const decoded: DecodedFrame[] = [];
    const dec = new Decoder();
    try { readCaptureFile(file, (raw) => decoded.push(dec.decode(raw))); } catch { /* damaged corpus files: the good frames count */ }
    const expected = decoded.map((f) => plain(f) as DecodedFrame);
    const { store, fastFrames, middleOfPdu } = await load(file, true);
    expect(store.total).toBe(expected.length);
    if (file === bench) expect(fastFrames, 'the bench capture is stored by the fast path').toBeGreaterThan(expected.length * 0.95);
    // A download over TLS: most segments are in the middle of a record (a PDU of a dozen segments), and
    // new data in order: the fast path takes those (all but the first of each record's segments).
    const middles = expected.filter((f) => f.protocol === 'TCP' && f.info.endsWith('[TCP segment of a reassembled PDU]') && !f.analysis.length).length;
    if (/download/.test(file)) expect(middleOfPdu, 'segments in the middle of a TLS record').toBeGreaterThan(middles * 0.8);
    store.seal();
    const numbers = expected.map((f) => f.frame);
    const rows = store.rows(numbers);
    // tcp.stream of a segment Wireshark does not analyse is in the frame, not in the row (as before): compared with the full path below.
    expect(rows.map((r) => [r.number, r.src, r.dst, r.protocol, r.length, r.info, r.states, [...r.analysis].sort(), r.malformed]))
      .toEqual(expected.map((f) => [f.frame, f.src, f.dst, f.protocol, f.len, f.info, f.states, [...f.analysis].sort(), f.malformed]));
    const again: unknown[] = [];
    store.redecodeMany(numbers, (d) => again.push(plain(d.frame)));
    expect(again).toEqual(expected);
    // Alone, in reverse (times from the previous frame, the tape's facts): the app asks for one at a time.
    for (let n = expected.length; n >= Math.max(1, expected.length - 300); n--) expect(plain(store.redecode(n).frame), `frame ${n} alone`).toEqual(expected[n - 1]);
    const full = (await load(file, false)).store;
    full.seal();
    expect(plain(store.connections())).toEqual(plain(full.connections()));
    expect(plain(store.rows(numbers))).toEqual(plain(full.rows(numbers)));
    for (const c of full.connections().slice(0, 50)) expect(store.streamPoints(c.stream)).toEqual(full.streamPoints(c.stream));
  });
});
