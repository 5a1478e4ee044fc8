// Loading through the loading thread (load-worker.js, built by `npm run build`) gives what loading on the
// event loop gives, on every corpus file: the same frames, each with every field and byte, at the same
// file offsets; the same outcome (a damaged file's problem text word for word); and, stored, the same
// rows, connections and ladders. A cancel ends the thread; requests are answered while a file loads.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { loadCaptureFile, type LoadOutcome } from '../../main/backend/file-loader';
import { liveLoadThreads, loadInWorker, setLoadPipeline, setLoadWorkerFile } from '../../main/backend/load-thread';
import { FileBytes } from '../../main/backend/file-bytes';
import { FrameStore } from '../../main/engine/store/frame-store';
import { adoptDelta } from '../../main/engine/store/store-delta';
import type { RawFrame } from '../../main/engine/types';
import { Service } from '../../main/backend/service';
import { RecordingClient } from './service-helpers';
import { synthFrames, writePcap } from './synth';
// @ts-expect-error a plain script (the bench's generator), without types
import { generate } from '../../scripts/bench/generate.js';

const workerFile = join(__dirname, '..', '..', 'out', 'main', 'load-worker.js');
const dir = mkdtempSync(join(tmpdir(), 'hl-load-thread-'));
afterAll(() => {
  setLoadWorkerFile(undefined);
  rmSync(dir, { recursive: true, force: true });
});
afterEach(() => {
  setLoadWorkerFile(undefined);
  setLoadPipeline(undefined);
});

function captures(d: string, out: string[] = []): string[] {
  for (const name of readdirSync(d)) {
    const p = join(d, name);
    if (statSync(p).isDirectory()) captures(p, out);
    else if (/\.(pcap|pcapng|cap|ntar)$/.test(name)) out.push(p);
  }
  return out;
}
const files = captures(join(__dirname, '..', 'corpus'));

/** A frame as plain data (its bytes as hex), every field it has. */
function plainFrame(raw: RawFrame): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw)) out[k] = k === 'data' ? Buffer.from(v as Uint8Array).toString('hex') : structuredClone(v);
  return out;
}

interface Loaded { frames: Record<string, unknown>[]; offsets: number[]; outcome: LoadOutcome; store: FrameStore; threaded: boolean }

async function load(file: string, worker: string | null): Promise<Loaded> {
  setLoadWorkerFile(worker);
  const frames: Record<string, unknown>[] = [];
  const offsets: number[] = [];
  let threaded = false;
  const store = new FrameStore(new FileBytes(file), { infoCacheSize: 0 });
  const outcome = await loadCaptureFile(file, {
    frame: (raw, off) => { threaded ||= liveLoadThreads.size > 0; frames.push(plainFrame(raw)); offsets.push(off); store.ingest(raw, off); },
    progress: () => undefined,
    cancelled: () => false,
  });
  store.seal();
  return { frames, offsets, outcome, store, threaded };
}

/**
 * Loads `file` with the loading thread storing the frames too: the test's store adopts each batch's delta
 * (as a Source does), and frames a view would want decoded are decoded from it. `pipeline`: read and
 * parsed on a second thread (LoadWorkerData.pipeline), or all on the one.
 */
async function loadStored(file: string, pipeline: boolean): Promise<Loaded & { decodes: unknown[]; adopted: number }> {
  setLoadWorkerFile(workerFile);
  setLoadPipeline(pipeline);
  const store = new FrameStore(new FileBytes(file), { infoCacheSize: 0 });
  const decodes: unknown[] = [];
  const frames: Record<string, unknown>[] = [];
  const offsets: number[] = [];
  let adopted = 0;
  let threaded = false;
  const outcome = await loadCaptureFile(file, {
    // Only the in-process fallback would call this (none here: the thread starts).
    frame: (raw, off) => { frames.push(plainFrame(raw)); offsets.push(off); store.ingest(raw, off); },
    store: {
      adopt: (delta) => { threaded ||= liveLoadThreads.size > 0; adopted += delta.count; adoptDelta(store, delta); },
      // Every third frame "wanted by a view": decoded from the adopted store and the batch's bytes.
      wants: (n) => n % 3 === 0,
      stored: (n) => { decodes.push(JSON.parse(JSON.stringify(store.decodeStored(store.raw(n), n).frame))); },
    },
    progress: () => undefined,
    cancelled: () => false,
  });
  store.seal();
  return { frames, offsets, outcome, store, threaded, decodes, adopted };
}

/** What a page sees of a stored capture: every row, every connection, every ladder's points. */
function seen(store: FrameStore): unknown {
  const numbers = Array.from({ length: store.total }, (_, i) => i + 1);
  const connections = store.connections();
  return JSON.parse(JSON.stringify({ rows: store.rows(numbers), connections, ladders: connections.map((c) => store.streamPoints(c.stream)) }));
}

describe('loading thread', () => {
  beforeAll(() => {
    if (!existsSync(workerFile)) throw new Error(`${workerFile} is missing: run npm run build first`);
  });

  it('finds the corpus', () => expect(files.length).toBeGreaterThan(50));

  it.each(files)('%s: the same frames, outcome, rows, connections and ladders as on the event loop', async (file) => {
    const here = await load(file, null);
    const thread = await load(file, workerFile);
    expect(thread.frames.length).toBe(here.frames.length);
    expect(here.threaded).toBe(false);
    if (here.frames.length) expect(thread.threaded).toBe(true);
    expect(thread.frames).toStrictEqual(here.frames);
    expect(thread.offsets).toStrictEqual(here.offsets);
    const { bytesRead: _a, ...outHere } = here.outcome;
    const { bytesRead: _b, ...outThread } = thread.outcome;
    expect(outThread).toStrictEqual(outHere);
    expect(seen(thread.store)).toStrictEqual(seen(here.store));
    expect(liveLoadThreads.size).toBe(0);
    // Stored on the thread, its store's deltas adopted here: the same store, and the same decodes for views;
    // the same whether the thread reads the file itself or a second thread reads it (the pipeline).
    for (const pipeline of [false, true]) {
      const stored = await loadStored(file, pipeline);
      expect(stored.frames.length).toBe(0);
      expect(stored.adopted).toBe(here.frames.length);
      if (here.frames.length) expect(stored.threaded).toBe(true);
      const { bytesRead: _c, ...outStored } = stored.outcome;
      expect(outStored).toStrictEqual(outHere);
      expect(seen(stored.store)).toStrictEqual(seen(here.store));
      const wanted = here.frames.map((_f, i) => i + 1).filter((n) => n % 3 === 0);
      expect(stored.decodes).toStrictEqual(wanted.map((n) => JSON.parse(JSON.stringify(here.store.redecode(n).frame))));
      expect(liveLoadThreads.size).toBe(0);
    }
  });

  it('a file cut short and one damaged mid-way: the frames before, then the same problem text', async () => {
    const big = join(dir, 'cut.pcap');
    (generate as (path: string, o: { frames: number }) => void)(big, { frames: 20_000 });
    truncateSync(big, statSync(big).size - 37);
    const garbled = join(dir, 'garbled.pcap');
    copyFileSync(big, garbled);
    const bytes = readFileSync(garbled);
    // A record header claiming far more captured bytes than allowed, somewhere past the first megabyte.
    let at = 24;
    while (at < 1_500_000) at += 16 + bytes.readUInt32LE(at + 8);
    bytes.writeUInt32LE(0x7fffffff, at + 8);
    writeFileSync(garbled, bytes);
    for (const f of [big, garbled]) {
      const here = await load(f, null);
      const thread = await load(f, workerFile);
      expect(here.outcome.ok).toBe(false);
      expect(thread.outcome).toMatchObject({ ok: false, problem: (here.outcome as { problem: string }).problem });
      expect(thread.frames.length).toBe(here.frames.length);
      expect(thread.frames.length).toBeGreaterThan(1000);
      expect(thread.offsets).toStrictEqual(here.offsets);
      for (const pipeline of [false, true]) {
        const stored = await loadStored(f, pipeline);
        expect(stored.outcome).toMatchObject({ ok: false, problem: (here.outcome as { problem: string }).problem });
        expect(stored.adopted).toBe(here.frames.length);
        expect(seen(stored.store)).toStrictEqual(seen(here.store));
      }
    }
  });

  it('a thread that cannot start: the file loads on the event loop, and the log says why', async () => {
    const file = files.find((f) => f.endsWith('.pcap') && statSync(f).size > 2000) as string;
    const here = await load(file, null);
    setLoadWorkerFile(join(dir, 'no-such-worker.js'));
    const lines: string[] = [];
    const frames: number[] = [];
    const out = await loadCaptureFile(file, { frame: (_raw, off) => { frames.push(off); }, progress: () => undefined, cancelled: () => false, log: (l) => lines.push(l) });
    expect(out.ok).toBe(here.outcome.ok);
    expect(frames).toStrictEqual(here.offsets);
    expect(lines.join('\n')).toMatch(/loading .* on the event loop: the loading thread did not start/);
    expect(liveLoadThreads.size).toBe(0);
  });

  it('a FIFO in the checked file\'s place (fresh eyes): the thread says so and ends, it does not wait for a writer', async () => {
    const fifo = join(dir, 'swapped.pcap');
    spawnSync('mkfifo', [fifo]);
    // Straight to the thread, as after a swap between the loader's checks and the thread's open().
    const t0 = Date.now();
    const out = await loadInWorker(fifo, 100, { frame: () => undefined, progress: () => undefined, cancelled: () => false }, workerFile);
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(out).toMatchObject({ ok: false, problem: `${fifo}: is not a regular file` });
    expect(liveLoadThreads.size).toBe(0);
    rmSync(fifo);
  });

  it('a cancel mid-load ends the thread before the load resolves', async () => {
    const big = join(dir, 'cancel.pcap');
    (generate as (path: string, o: { frames: number }) => void)(big, { frames: 100_000 });
    setLoadWorkerFile(workerFile);
    let frames = 0;
    let cancel = false;
    let sawThread = false;
    const out = await loadCaptureFile(big, {
      frame: () => {
        if (++frames === 1000) { cancel = true; sawThread = liveLoadThreads.size === 1; }
      },
      progress: () => undefined,
      cancelled: () => cancel,
    });
    expect(sawThread).toBe(true);
    expect(out).toMatchObject({ ok: true, cancelled: true });
    expect(frames).toBeLessThan(100_000);
    expect(liveLoadThreads.size).toBe(0);
    expect(process.getActiveResourcesInfo()).not.toContain('Worker');
  });

  it('a cancel mid-load of a file stored on the thread: the deltas before it adopted, the thread ended', async () => {
    const big = join(dir, 'cancel-stored.pcap');
    (generate as (path: string, o: { frames: number }) => void)(big, { frames: 100_000 });
    setLoadWorkerFile(workerFile);
    const store = new FrameStore(new FileBytes(big));
    let cancel = false;
    let sawThread = false;
    const out = await loadCaptureFile(big, {
      frame: () => { throw new Error('not stored on the thread'); },
      store: {
        adopt: (delta) => {
          adoptDelta(store, delta);
          if (store.total >= 1000 && !cancel) { cancel = true; sawThread = liveLoadThreads.size === 1; }
        },
        wants: () => false,
        stored: () => undefined,
      },
      progress: () => undefined,
      cancelled: () => cancel,
    });
    expect(sawThread).toBe(true);
    expect(out).toMatchObject({ ok: true, cancelled: true });
    expect(store.total).toBeGreaterThanOrEqual(1000);
    expect(store.total).toBeLessThan(100_000);
    expect(liveLoadThreads.size).toBe(0);
    expect(process.getActiveResourcesInfo()).not.toContain('Worker');
    // What was adopted is whole: its rows and connections read back.
    expect(store.rows([1, store.total]).map((r) => r.number)).toStrictEqual([1, store.total]);
    expect(store.connections().length).toBeGreaterThan(10);
  });

  it('a Service opening a file stored on the thread pushes the same transitions, revisions and connections', async () => {
    const big = join(dir, 'pushes.pcap');
    (generate as (path: string, o: { frames: number }) => void)(big, { frames: 30_000 });
    // Short connections only: nearly every frame makes transitions, more in one batch than a push keeps.
    const short = join(dir, 'short-connections.pcap');
    writePcap(short, synthFrames({ connections: 3000, dataSegments: 0, arpEvery: 0, ipv6Every: 0 }));
    const picked = [big, short, ...files.filter((f) => /kernel-simultaneous-(close|open)\.pcap$|handshake/.test(f))];
    expect(picked.length).toBeGreaterThan(3);
    for (const file of picked) {
      const pushed: unknown[] = [];
      for (const worker of [null, workerFile]) {
        setLoadWorkerFile(worker);
        const s = new Service({ transport: 'websocket', log: () => undefined, pushIntervalMs: 0, dataDir: join(dir, 'data-pushes') });
        const c = new RecordingClient('a');
        await s.handle('openFile', { path: file }, c);
        s.tick();
        const connections = c.of('connections').flatMap((e) => e.connections).sort((x, y) => x.stream - y.stream);
        pushed.push(JSON.parse(JSON.stringify({ transitions: c.of('transitions'), revised: c.of('statesRevised'), connections, list: await s.handle('listConnections', {}, c) })));
        await s.dispose();
      }
      expect(pushed[1], file).toStrictEqual(pushed[0]);
      expect((pushed[0] as { transitions: unknown[][] }).transitions.flat().length, file).toBeGreaterThan(0);
    }
  }, 120_000);

  it('a source disposed mid-load ends its thread', async () => {
    const big = join(dir, 'dispose.pcap');
    (generate as (path: string, o: { frames: number }) => void)(big, { frames: 100_000 });
    setLoadWorkerFile(workerFile);
    const s = new Service({ transport: 'websocket', log: () => undefined, pushIntervalMs: 0, dataDir: join(dir, 'data-dispose') });
    const c = new RecordingClient('a');
    const open = s.handle('openFile', { path: big }, c);
    while ((await s.handle('getStatus', {}, c)).counters.decoded < 1000) await new Promise((r) => setTimeout(r, 5));
    expect(liveLoadThreads.size).toBe(1);
    await s.dispose();
    const done = await open;
    expect(done.frames).toBeLessThan(100_000);
    expect(liveLoadThreads.size).toBe(0);
  });

  it('requests are answered between two progress reports of a load through the thread', async () => {
    const big = join(dir, 'responsive.pcap');
    (generate as (path: string, o: { frames: number }) => void)(big, { frames: 60_000 });
    setLoadWorkerFile(workerFile);
    const s = new Service({ transport: 'websocket', log: () => undefined, pushIntervalMs: 0, dataDir: join(dir, 'data') });
    const c = new RecordingClient('a');
    let finished = false;
    const open = s.handle('openFile', { path: big }, c).then((p) => { finished = true; return p; });
    // Each answer notes how many progress reports had come before it.
    const at: number[] = [];
    while (!finished) {
      const st = await s.handle('getStatus', {}, c);
      if (finished) break;
      if (st.counters.decoded > 0 && st.counters.decoded < 60_000) at.push(c.of('progress').length);
      await new Promise((r) => setImmediate(r));
    }
    const done = await open;
    expect(done).toMatchObject({ done: true, frames: 60_000 });
    // Two answers with the same count of reports before them: answered between the same two reports.
    expect(at.length).toBeGreaterThan(2);
    expect(at.some((n, i) => i > 0 && at[i - 1] === n)).toBe(true);
    expect((await s.handle('listConnections', {}, c)).length).toBeGreaterThan(100);
    expect(liveLoadThreads.size).toBe(0);
    await s.dispose();
  }, 120_000);
});
