// Loads a plain capture file with its reading and parsing on a thread of its own (load-worker.ts): the
// event loop only stores the frames it is handed, in slices of a few milliseconds, so requests are
// answered while a million frames load. A cancel (or the source going away) ends the thread at once;
// if the thread cannot start at all, the caller loads the file on the event loop as before.
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { LoadHooks, LoadOutcome } from './file-loader';
import { BatchReader, isOutOfMemory, LOAD_THREAD_HEAP_MB, outOfMemory, type BatchAck, type FrameBatch, type LoadEnd } from './load-batch';
import type { LoadWorkerData } from './load-worker';
import type { StoredBatch } from './load-store';

/** Storing work done between two turns of the event loop, at most (about; checked every few frames). */
const SLICE_MS = 8;
const FRAMES_PER_CHECK = 32;
/** Batches parsed ahead of the store, at most (4,096 frames and 3 MiB each at most). */
const IN_FLIGHT = 3;
/** How often a cancel is looked for while waiting for the thread. */
const CANCEL_POLL_MS = 50;

let override: string | null | undefined;

/** Tests: load through this worker bundle (a path), never through one (null), or as found (undefined). */
export function setLoadWorkerFile(file: string | null | undefined): void {
  override = file;
}

/**
 * The loading thread's bundle: out/main/load-worker.js beside the bundled back end (inside app.asar in
 * the packaged app, which Electron's worker threads read). None when running from sources (tests), where
 * the file is loaded on the event loop; HANDSHAKE_LAB_LOAD_WORKER names one, or "0" for none.
 */
export function loadWorkerFile(env: NodeJS.ProcessEnv = process.env): string | null {
  if (override !== undefined) return override;
  const named = env.HANDSHAKE_LAB_LOAD_WORKER;
  if (named === '0') return null;
  if (named) return named;
  const here = dirname(fileURLToPath(import.meta.url));
  for (const f of [join(here, 'load-worker.js'), join(here, '..', 'load-worker.js')]) if (existsSync(f)) return f;
  return null;
}

let pipelineOverride: boolean | undefined;

/** Tests: store through the two-thread pipeline (true), on one thread (false), or as the machine suits (undefined). */
export function setLoadPipeline(on: boolean | undefined): void {
  pipelineOverride = on;
}

/**
 * Whether a file stored on the loading thread is read and parsed on a second one (load-worker.ts,
 * LoadWorkerData.pipeline): with two cores or more, unless HANDSHAKE_LAB_LOAD_PIPELINE is "0".
 */
export function loadPipeline(env: NodeJS.ProcessEnv = process.env): boolean {
  if (pipelineOverride !== undefined) return pipelineOverride;
  if (env.HANDSHAKE_LAB_LOAD_PIPELINE === '0') return false;
  return availableParallelism() >= 2;
}

/**
 * Loading threads whose load is still being taken in (tests check that none outlives its load). A thread
 * leaves the set when its load has been processed, not when it exits: a small file's thread can exit
 * before the event loop has read its first batch, and that load still went through the thread.
 */
export const liveLoadThreads = new Set<Worker>();

type Message = FrameBatch | StoredBatch | LoadEnd;

/**
 * Loads `path` through the loading thread. Resolves to null, having stored nothing, when the thread could
 * not start (the caller then loads in-process).
 */
export function loadInWorker(path: string, totalBytes: number, hooks: LoadHooks, workerFile: string): Promise<LoadOutcome | null> {
  let worker: Worker;
  // Its heap is bounded: a file that needs more ends this load, not the server (load-batch.ts).
  const heapMb = hooks.threadHeapMb ?? LOAD_THREAD_HEAP_MB;
  try {
    worker = new Worker(workerFile, {
      workerData: { path, totalBytes, inFlight: IN_FLIGHT, store: !!hooks.store, fd: hooks.fd, pipeline: !!hooks.store && loadPipeline(), heapMb } satisfies LoadWorkerData,
      resourceLimits: { maxOldGenerationSizeMb: heapMb },
    });
  } catch (e) {
    hooks.log?.(`loading ${path} on the event loop: the loading thread did not start (${e instanceof Error ? e.message : String(e)})`);
    return Promise.resolve(null);
  }
  liveLoadThreads.add(worker);
  const queue: Message[] = [];
  let failure: Error | null = null;
  let exited: number | null = null;
  /** Messages had from the thread: none when it ends means it never ran (a bundle it could not load). */
  let received = 0;
  let wake: (() => void) | null = null;
  const poke = () => {
    const w = wake;
    wake = null;
    w?.();
  };
  worker.on('message', (m: Message) => { received++; queue.push(m); poke(); });
  worker.on('error', (e) => { failure = e; poke(); });
  worker.on('exit', (code) => { exited = code; poke(); });
  const poll = setInterval(poke, CANCEL_POLL_MS);
  const stop = async () => {
    clearInterval(poll);
    if (exited === null) await worker.terminate();
    liveLoadThreads.delete(worker);
  };

  const reader = new BatchReader();
  let bytesRead = 0;
  let comments: string[] = [];
  let sliceStart = performance.now();
  const cancelled = (): LoadOutcome => ({ ok: true, cancelled: true, bytesRead, totalBytes, sectionComments: comments });
  const nextTurn = () => new Promise<void>((r) => setImmediate(r));

  const run = async (): Promise<LoadOutcome | null> => {
    for (;;) {
      if (hooks.cancelled()) return cancelled();
      const m = queue.shift();
      if (!m) {
        if (failure || exited !== null) {
          const why = failure ? (failure as Error).message : `it stopped (exit code ${exited})`;
          // Out of memory is the file's doing, not a thread that could not start: never loaded again on the event loop.
          if (isOutOfMemory(failure)) return { ok: false, problem: outOfMemory(path, heapMb), bytesRead, totalBytes, sectionComments: comments };
          if (received === 0) {
            hooks.log?.(`loading ${path} on the event loop: the loading thread did not start (${why})`);
            return null;
          }
          return { ok: false, problem: `${path}: the loading thread failed (${why})`, bytesRead, totalBytes, sectionComments: comments };
        }
        await new Promise<void>((r) => { wake = r; });
        sliceStart = performance.now();
        continue;
      }
      if (m.type === 'crash') {
        const e = new Error(m.message);
        if (m.stack) e.stack = m.stack;
        throw e;
      }
      if (m.type === 'end') {
        if (m.ok) return { ok: true, cancelled: false, bytesRead: m.bytesRead, totalBytes: m.totalBytes, sectionComments: m.sectionComments };
        return { ok: false, problem: m.problem, bytesRead: m.bytesRead, totalBytes: m.totalBytes, sectionComments: m.sectionComments };
      }
      if (m.sectionComments) comments = m.sectionComments;
      // Stored on the thread: its store's delta is adopted at once; only frames a view wants decoded are
      // then made, one by one. Otherwise each frame is stored here: in slices, the event loop served in between.
      const stored = m.type === 'stored' ? hooks.store : undefined;
      if (m.type === 'stored') {
        if (!stored) throw new Error('the loading thread stored a batch no store asked for');
        stored.adopt(m.delta, m.facts);
      } else reader.use(m);
      const from = m.type === 'stored' ? m.delta.from : 0;
      for (let i = 0; i < m.count; i++) {
        if (!stored) hooks.frame(reader.frame(i), reader.fileOffset(i));
        else if (stored.wants(from + i)) stored.stored(from + i);
        if (i % FRAMES_PER_CHECK === FRAMES_PER_CHECK - 1 && performance.now() - sliceStart > SLICE_MS) {
          hooks.progress(bytesRead, totalBytes);
          await nextTurn();
          if (hooks.cancelled()) return cancelled();
          sliceStart = performance.now();
        }
      }
      bytesRead = m.bytesRead;
      hooks.progress(bytesRead, totalBytes);
      worker.postMessage({ type: 'ack' } satisfies BatchAck);
      if (performance.now() - sliceStart > SLICE_MS) {
        await nextTurn();
        sliceStart = performance.now();
      }
    }
  };
  // The thread is gone before the load resolves: none outlives its load, whatever ended it.
  return run().finally(stop);
}
