// A store's first pass copied by deltas (store-delta.ts): a store ingesting frames hands over a delta
// every few frames, cloned as postMessage clones it, and an empty store adopting the deltas is then the
// same store: every column, arena byte, string, rare fact, row, connection (mid-load too, provisional
// frames included), ladder and re-dissection. Revisions that reach back into earlier deltas, streams
// spread over many deltas and an arena past its first 1 MiB chunk are each checked to happen.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileBytes } from '../../main/backend/file-bytes';
import { FrameStore } from '../../main/engine/store/frame-store';
import { adoptDelta, deltaBuffers, DeltaTaker, type StoreDelta } from '../../main/engine/store/store-delta';
import { CaptureReader } from '../../main/engine/io/reader';
import type { RawFrame } from '../../main/engine/types';
import { corpusFiles, NOT_CAPTURES } from '../helpers/corpus';
// @ts-expect-error a plain script (the bench's generator), without types
import { generate } from '../../scripts/bench/generate.js';

const dir = mkdtempSync(join(tmpdir(), 'hl-store-delta-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Every frame the reader delivers (a damaged file's good frames), with its file offset. */
function readFrames(path: string): { raw: RawFrame; offset: number }[] {
  const reader = new CaptureReader();
  const out: { raw: RawFrame; offset: number }[] = [];
  try {
    reader.push(readFileSync(path), (raw) => out.push({ raw, offset: reader.dataOffset }));
    reader.end((raw) => out.push({ raw, offset: reader.dataOffset }));
  } catch {
    // the frames before the damage
  }
  return out;
}

/** A store's every part as plain data. */
function partsOf(store: FrameStore): unknown {
  const p = store.parts();
  const cols: Record<string, number[]> = {};
  for (const [k, c] of Object.entries(p.cols)) cols[k] = Array.from(c.slice(0, c.length));
  const { streamCount } = p.scalars();
  for (const [k, c] of Object.entries(p.streamCols)) cols[k] = Array.from({ length: streamCount }, (_, s) => c.get(s));
  const arena = p.arena.since({ chunk: -1, pos: 0 }).map((a) => ({ chunk: a.chunk, from: a.from, bytes: Buffer.from(a.bytes).toString('hex') }));
  return structuredClone({
    cols, arena, used: p.arena.used, names: p.names.valuesFrom(0), expert: p.strings.expert.valuesFrom(0), prefix: p.strings.prefix.valuesFrom(0),
    text: p.strings.text.valuesFrom(0), longStrings: p.longStrings, links: p.links, extras: [...p.extras], notes: [...p.notes].sort((a, b) => a[0] - b[0]),
    blockFacts: [...p.blockFacts], unanalysed: [...p.unanalysed], untimed: [...p.untimed].sort((a, b) => a - b), scalars: p.scalars(),
  });
}

/** What a page sees of a store, and every frame's re-dissection. */
function seen(store: FrameStore, redecode: boolean): unknown {
  const numbers = Array.from({ length: store.total }, (_, i) => i + 1);
  const connections = store.connections();
  const out: Record<string, unknown> = { rows: store.rows(numbers), connections, ladders: connections.map((c) => store.streamPoints(c.stream)) };
  if (redecode) out.decodes = numbers.map((n) => store.redecode(n).frame);
  return JSON.parse(JSON.stringify(out));
}

interface Copied { first: FrameStore; copy: FrameStore; deltas: StoreDelta[]; revisedBack: number; arenaChunks: number }

/** Ingests `path` into one store, a delta every `every` frames adopted by another (cloned with its buffers transferred). */
function copyThroughDeltas(path: string, every: number, check?: (first: FrameStore, copy: FrameStore) => void): Copied {
  const first = new FrameStore(new FileBytes(path), { infoCacheSize: 0 });
  const copy = new FrameStore(new FileBytes(path), { infoCacheSize: 0 });
  const taker = new DeltaTaker(first);
  const deltas: StoreDelta[] = [];
  let revisedBack = 0;
  const hand = () => {
    const d = taker.take();
    // Revised in place: a frame of an earlier delta.
    revisedBack += d.changes.filter((c) => c.n < d.from).length;
    const cloned = structuredClone(d, { transfer: deltaBuffers(d) });
    deltas.push(cloned);
    adoptDelta(copy, cloned);
    check?.(first, copy);
  };
  const frames = readFrames(path);
  frames.forEach(({ raw, offset }, i) => {
    first.ingest(raw, offset);
    if ((i + 1) % every === 0) hand();
  });
  hand();
  return { first, copy, deltas, revisedBack, arenaChunks: first.parts().arena.mark.chunk + 1 };
}

const files = corpusFiles().filter((f) => !NOT_CAPTURES.test(f.name));

describe('a store copied by deltas is the same store', () => {
  it('finds the corpus', () => expect(files.length).toBeGreaterThan(50));

  it.each(files.map((f) => [f.name, f.path]))('%s', (_name, path) => {
    for (const every of [1, 7, 4096]) {
      const { first, copy } = copyThroughDeltas(path, every, (a, b) => {
        // Mid-load: the same connections, provisional frames included (the first pass still tracks states).
        expect(JSON.stringify(b.connections())).toBe(JSON.stringify(a.connections()));
      });
      expect(copy.total).toBe(first.total);
      expect(partsOf(copy)).toStrictEqual(partsOf(first));
      expect(copy.takeRevised()).toBeDefined();
      expect(seen(copy, every === 7)).toStrictEqual(seen(first, every === 7));
      first.seal();
      copy.seal();
      expect(seen(copy, false)).toStrictEqual(seen(first, false));
    }
  });

  it('revisions reaching back into frames of earlier deltas are carried', () => {
    const crossing = files.filter((f) => /kernel-simultaneous-(close|open)\.pcap$/.test(f.name));
    expect(crossing.length).toBe(2);
    for (const f of crossing) {
      const { first, copy, revisedBack } = copyThroughDeltas(f.path, 1);
      expect(revisedBack, f.name).toBeGreaterThan(0);
      expect(partsOf(copy)).toStrictEqual(partsOf(first));
      expect(seen(copy, true)).toStrictEqual(seen(first, true));
    }
  });

  it('a large capture: streams over many deltas, an arena past its first chunk', () => {
    const path = join(dir, 'big.pcap');
    (generate as (path: string, o: { frames: number }) => void)(path, { frames: 150_000 });
    let checks = 0;
    const { first, copy, deltas, arenaChunks } = copyThroughDeltas(path, 997, (a, b) => {
      if (++checks % 40 === 0) expect(JSON.stringify(b.connections())).toBe(JSON.stringify(a.connections()));
    });
    expect(arenaChunks).toBeGreaterThan(1);
    expect(deltas.some((d) => d.arena.length === 2)).toBe(true);
    // A stream whose frames came in more than 3 deltas.
    const spans = first.connections().map((c) => deltas.filter((d) => c.firstFrame < d.from + d.count && c.lastFrame >= d.from).length);
    expect(Math.max(...spans)).toBeGreaterThan(3);
    expect(deltas[deltas.length - 1].count).toBe(first.total % 997);
    expect(partsOf(copy)).toStrictEqual(partsOf(first));
    const numbers = Array.from({ length: 3000 }, (_, i) => 1 + Math.floor((i * first.total) / 3000));
    expect(JSON.stringify(copy.rows(numbers))).toBe(JSON.stringify(first.rows(numbers)));
    first.seal();
    copy.seal();
    expect(JSON.stringify(copy.connections())).toBe(JSON.stringify(first.connections()));
    for (const n of numbers.slice(0, 300)) expect(JSON.stringify(copy.redecode(n).frame)).toBe(JSON.stringify(first.redecode(n).frame));
  }, 120_000);

  it('a delta must follow the ones before it', () => {
    const path = files.find((f) => f.name.endsWith('.pcap'))!.path;
    const first = new FrameStore(null);
    const taker = new DeltaTaker(first);
    for (const { raw, offset } of readFrames(path).slice(0, 2)) first.ingest(raw, offset);
    const d1 = taker.take();
    expect(() => adoptDelta(new FrameStore(null), taker.take())).toThrow(/starts at frame 3/);
    expect(d1.count).toBe(2);
  });
});
