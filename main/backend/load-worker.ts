// The loading thread (a worker_threads worker, built as out/main/load-worker.js): reads a capture file
// and parses its records (CaptureReader), handing the frames to the main thread in batches of transferred
// buffers (load-batch.ts), so the server's event loop only stores them. At most `inFlight` batches wait
// for the main thread at a time: a slow store holds the reading back, and memory stays bounded.
// What it says of a damaged or unreadable file is word for word what the in-process loader says.
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { CaptureFormatError } from '../engine/io/errors';
import { CaptureReader } from '../engine/io/reader';
import type { RawFrame } from '../engine/types';
import { BatchWriter, type FrameBatch, type LoadEnd } from './load-batch';
import { StoreBatcher, type StoredBatch } from './load-store';

export interface LoadWorkerData {
  path: string;
  totalBytes: number;
  /** Batches sent and not yet acknowledged, at most. */
  inFlight: number;
  /** Store the frames here too, and send each batch with its store delta (the event loop adopts it). */
  store?: boolean;
  /** The file, opened by the main thread (threads share descriptors): read from it, never closed here. */
  fd?: number;
}

/** The first reads and batches are small, so the first rows show at once; later ones are larger. */
const FIRST_CHUNK = 16 * 1024;
const MAX_CHUNK = 1024 * 1024;
const FIRST_BATCH_FRAMES = 256;
const BATCH_FRAMES = 4096;
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
  void run(port, data, post).finally(() => port.close());
}

async function run(port: MessagePort, data: LoadWorkerData, post: (b: { batch: FrameBatch | StoredBatch; transfer: ArrayBuffer[] }) => Promise<void>): Promise<void> {
  const { path, totalBytes } = data;
  const reader = new CaptureReader();
  // Classic pcap frames refill one object: the writer copies what it needs at once.
  reader.reuseFrames = true;
  const writer = new BatchWriter(FIRST_BATCH_FRAMES, BATCH_BYTES);
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

