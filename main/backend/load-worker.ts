// The loading thread (a worker_threads worker, built as out/main/load-worker.js): reads a capture file
// and parses its records (CaptureReader), handing the frames to the main thread in batches of transferred
// buffers (load-batch.ts), so the server's event loop only stores them. At most `inFlight` batches wait
// for the main thread at a time: a slow store holds the reading back, and memory stays bounded.
// What it says of a damaged or unreadable file is word for word what the in-process loader says.
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { parentPort, workerData, Worker, type MessagePort } from 'node:worker_threads';
import { CaptureFormatError } from '../engine/io/errors';
import { CaptureReader } from '../engine/io/reader';
import type { RawFrame } from '../engine/types';
import { BatchReader, BatchWriter, isOutOfMemory, outOfMemory, type BatchAck, type FrameBatch, type LoadEnd } from './load-batch';
import { StoreBatcher, type StoredBatch } from './load-store';
import { CANDIDATE, CANDIDATE_REREAD, ROUTE_UNIT, segmentAt } from './load-candidates';
import type { PayloadRoute } from '../engine/store/frame-store';
import { emptySegment } from '../engine/stats/fast-segment';

export interface LoadWorkerData {
  path: string;
  totalBytes: number;
  /** Batches sent and not yet acknowledged, at most. */
  inFlight: number;
  /** Store the frames here too, and send each batch with its store delta (the event loop adopts it). */
  store?: boolean;
  /** The file, opened by the main thread (threads share descriptors): read from it, never closed here. */
  fd?: number;
  /**
   * With `store`: the file is read and parsed on a second thread of this thread's own (this same bundle,
   * with `candidates`), which also makes the fast path's checks of each frame on its own; this one runs
   * the trackers and the store. Two cores then share the load (a pipeline), and the store is the same:
   * the checks left here are those that depend on the streams so far (FrameStore.ingest).
   */
  pipeline?: boolean;
  /** Without `store`: each batch says which frames the store's fast path may take (FrameBatch.fast). */
  candidates?: boolean;
  /** This thread's heap limit (MB), which the reading thread it starts gets too. */
  heapMb: number;
}

/** The first reads and batches are small, so the first rows show at once; later ones are larger. */
const FIRST_CHUNK = 16 * 1024;
const MAX_CHUNK = 1024 * 1024;
const FIRST_BATCH_FRAMES = 256;
/**
 * At most this many frames a batch (×4 from the first): each stored batch is a delta of a dozen transferred
 * buffers, and its making and posting cost per batch. 16,384 rather than 4,096 stored the 1M-frame bench
 * file 5-7% sooner (4.08-4.27 s → 3.83-3.99 s, the same runs in turn), with requests still answered within
 * 20-35 ms at p99 (the event loop adopts a batch in about 13 ms); 65,536 brought p99 to 50 ms.
 */
const BATCH_FRAMES = 16384;
const BATCH_BYTES = 3 * 1024 * 1024;

// Imported anywhere but in a worker (the packaging check imports every bundle), it does nothing.
if (parentPort) start(parentPort, workerData as LoadWorkerData);

function start(port: MessagePort, data: LoadWorkerData): void {
  let credits = data.inFlight;
  let wake: (() => void) | null = null;
  port.on('message', (m: { type: string }) => {
    if (m.type === 'ack') {
      credits++;
      const w = wake;
      wake = null;
      w?.();
    }
  });
  const post = async (b: { batch: FrameBatch | StoredBatch; transfer: ArrayBuffer[] }): Promise<void> => {
    while (credits <= 0) await new Promise<void>((r) => { wake = r; });
    credits--;
    port.postMessage(b.batch, b.transfer);
  };
  // Once the end is said, nothing keeps the thread alive (the main thread also ends it then).
  void (data.store && data.pipeline ? storeFromReader(port, data, post) : run(port, data, post)).finally(() => port.close());
}

type Post = (b: { batch: FrameBatch | StoredBatch; transfer: ArrayBuffer[] }) => Promise<void>;

/**
 * The storing half of the pipeline: a reading thread (`candidates`) sends the frames in batches, each
 * frame with its fastCandidate answer; they are stored here in order, and batches of deltas sent on as
 * `run` sends them. The reader's last word (a damaged file's problem, a crash) is passed on as it is,
 * after the frames before it. A reading thread that cannot start: the file is read here, as without
 * the pipeline. This thread's end (a cancel terminates it) ends the reading thread with it.
 */
async function storeFromReader(port: MessagePort, data: LoadWorkerData, post: Post): Promise<void> {
  let parser: Worker;
  try {
    parser = new Worker(new URL(import.meta.url), {
      workerData: { path: data.path, totalBytes: data.totalBytes, inFlight: data.inFlight, fd: data.fd, candidates: true, heapMb: data.heapMb } satisfies LoadWorkerData,
      resourceLimits: { maxOldGenerationSizeMb: data.heapMb },
    });
  } catch {
    return run(port, data, post);
  }
  const queue: (FrameBatch | LoadEnd)[] = [];
  let failure: string | null = null;
  let outOfHeap = false;
  let received = 0;
  let wake: (() => void) | null = null;
  const poke = () => {
    const w = wake;
    wake = null;
    w?.();
  };
  parser.on('message', (m: FrameBatch | LoadEnd) => { received++; queue.push(m); poke(); });
  parser.on('error', (e) => { outOfHeap ||= isOutOfMemory(e); failure ??= e.message; poke(); });
  parser.on('exit', (code) => { failure ??= `it stopped (exit code ${code})`; poke(); });

  const stored = new StoreBatcher(FIRST_BATCH_FRAMES);
  const frames = new BatchReader();
  const reusedSegment = emptySegment();
  const ready: { batch: StoredBatch; transfer: ArrayBuffer[] }[] = [];
  let comments: string[] | null = null;
  let sentComments = 0;
  let bytesRead = 0;
  const cut = (at: number) => {
    const b = stored.take(at);
    if (!b) return;
    if (comments && comments.length !== sentComments) {
      b.batch.sectionComments = comments;
      sentComments = comments.length;
    }
    ready.push(b);
    stored.maxFrames = Math.min(BATCH_FRAMES, stored.maxFrames * 4);
  };
  const flush = async () => {
    while (ready.length) await post(ready.shift() as (typeof ready)[number]);
  };
  try {
    for (;;) {
      const m = queue.shift();
      if (!m) {
        if (failure !== null) {
          // It never ran (a bundle it could not load): read here instead. (Out of memory, it did run: reading
          // here would only take as much again.)
          if (received === 0 && !outOfHeap) return run(port, data, post);
          cut(bytesRead);
          await flush();
          const problem = outOfHeap ? outOfMemory(data.path, data.heapMb) : `${data.path}: the loading thread failed (${failure})`;
          port.postMessage({ type: 'end', ok: false, problem, bytesRead, totalBytes: data.totalBytes, sectionComments: comments ?? [] } satisfies LoadEnd);
          return;
        }
        await new Promise<void>((r) => { wake = r; });
        continue;
      }
      if (m.type !== 'batch') {
        // The reader's last word, after every frame before it.
        cut(bytesRead);
        await flush();
        port.postMessage(m);
        return;
      }
      if (m.sectionComments) comments = m.sectionComments;
      frames.use(m);
      const fast = m.fast as Uint8Array, seg = m.seg as Uint32Array;
      bytesRead = m.bytesRead;
      for (let i = 0; i < m.count; i++) {
        if (stored.full) cut(bytesRead);
        const f = fast[i], kind = f % ROUTE_UNIT;
        stored.add(frames.frameBorrowed(i), frames.fileOffset(i), kind === CANDIDATE ? segmentAt(seg, i, reusedSegment) : kind === CANDIDATE_REREAD, ((f - kind) / ROUTE_UNIT) as PayloadRoute);
      }
      parser.postMessage({ type: 'ack' } satisfies BatchAck);
      // The first batches go at the end of each of the reader's (the first rows at once); later ones once full.
      if (stored.maxFrames < BATCH_FRAMES) cut(bytesRead);
      await flush();
    }
  } catch (e) {
    // A bug, not bad input: the frames stored before it are sent, then the crash (as `run` does).
    cut(bytesRead);
    await flush();
    port.postMessage({ type: 'crash', message: e instanceof Error ? e.message : String(e), stack: e instanceof Error ? e.stack : undefined } satisfies LoadEnd);
  } finally {
    void parser.terminate();
  }
}

async function run(port: MessagePort, data: LoadWorkerData, post: Post): Promise<void> {
  const { path, totalBytes } = data;
  const reader = new CaptureReader();
  // Classic pcap frames refill one object: the writer copies what it needs at once.
  reader.reuseFrames = true;
  // The pipeline's reading thread: each frame with its word for the storing thread (load-candidates.ts).
  const writer = new BatchWriter(FIRST_BATCH_FRAMES, BATCH_BYTES, !!data.candidates);
  /** Batches cut while the reader was parsing a chunk (sent once it returns). */
  const ready: { batch: FrameBatch | StoredBatch; transfer: ArrayBuffer[] }[] = [];
  let sentComments = 0;
  let bytesRead = 0;
  // Asked to store the frames too: they are ingested here as they are parsed, and batches carry the
  // store's deltas instead of the frames (load-store.ts).
  const stored = data.store ? new StoreBatcher(FIRST_BATCH_FRAMES) : null;
  const batcher = stored ?? writer;
  const cut = (at: number) => {
    const b = stored ? stored.take(at) : writer.take(at);
    if (!b) return;
    const comments = reader.sectionComments.flat();
    if (comments.length !== sentComments) {
      b.batch.sectionComments = comments;
      sentComments = comments.length;
    }
    ready.push(b);
    batcher.maxFrames = Math.min(BATCH_FRAMES, batcher.maxFrames * 4);
  };
  let chunkEnd = 0;
  const sink = stored
    ? (raw: RawFrame) => {
      if (stored.full) cut(chunkEnd);
      stored.add(raw, reader.dataOffset);
    }
    : (raw: RawFrame) => {
      const caplen = raw.data.length;
      if (writer.wouldOverflow(caplen)) cut(chunkEnd);
      writer.add(raw, reader.dataOffset, caplen);
    };
  const flush = async () => {
    while (ready.length) await post(ready.shift() as (typeof ready)[number]);
  };
  const end = (e: LoadEnd) => port.postMessage(e);
  let fd: number;
  const borrowed = data.fd !== undefined;
  try {
    // Without waiting: a FIFO put in the file's place after the loader's checks would hold this thread in
    // open() for ever, and a thread blocked in a system call cannot be terminated (cancel would hang).
    fd = data.fd ?? openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : `cannot open (${code ?? String(e)})`;
    return end({ type: 'end', ok: false, problem: `${path}: ${why}`, bytesRead: 0, totalBytes, sectionComments: [] });
  }
  try {
    if (!fstatSync(fd).isFile()) {
      if (!borrowed) closeSync(fd);
      return end({ type: 'end', ok: false, problem: `${path}: is not a regular file`, bytesRead: 0, totalBytes, sectionComments: [] });
    }
  } catch (e) {
    if (!borrowed) closeSync(fd);
    return end({ type: 'end', ok: false, problem: `${path}: cannot open (${(e as NodeJS.ErrnoException).code ?? String(e)})`, bytesRead: 0, totalBytes, sectionComments: [] });
  }
  const chunk = new Uint8Array(MAX_CHUNK);
  let size = FIRST_CHUNK;
  try {
    for (;;) {
      const n = readSync(fd, chunk, 0, size, bytesRead);
      if (n === 0) break;
      chunkEnd = bytesRead + n;
      reader.push(chunk.subarray(0, n), sink);
      bytesRead += n;
      // The first batches go at the end of each read (the first rows at once); later ones once full
      // (each batch costs the main thread a message and an acknowledgement).
      if (batcher.maxFrames < BATCH_FRAMES) cut(bytesRead);
      await flush();
      size = Math.min(MAX_CHUNK, size * 4);
    }
    reader.end(sink);
    cut(bytesRead);
    await flush();
    end({ type: 'end', ok: true, bytesRead, totalBytes, sectionComments: reader.sectionComments.flat() });
  } catch (e) {
    // The frames before the damage were parsed: they are stored first, as the in-process loader stores them.
    cut(bytesRead);
    await flush();
    const sectionComments = reader.sectionComments.flat();
    if (e instanceof CaptureFormatError) return end({ type: 'end', ok: false, problem: `${path}: ${e.message}`, bytesRead, totalBytes, sectionComments });
    const code = (e as NodeJS.ErrnoException).code;
    if (code) return end({ type: 'end', ok: false, problem: `${path}: read error (${code})`, bytesRead, totalBytes, sectionComments });
    end({ type: 'crash', message: e instanceof Error ? e.message : String(e), stack: e instanceof Error ? e.stack : undefined });
  } finally {
    if (!borrowed) closeSync(fd);
  }
}

