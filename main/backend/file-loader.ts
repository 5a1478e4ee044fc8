// Loads a capture file into the frame store in steps (the event loop stays free for requests and
// cancel), remembering where each frame's bytes are so the store can re-read them later.
import { constants, createReadStream, fstat, read } from 'node:fs';
import { promisify } from 'node:util';
import { open, stat, type FileHandle } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import { CaptureReader } from '../engine/io/reader';
import { CaptureFormatError } from '../engine/io/errors';
import type { RawFrame } from '../engine/types';
import type { StoreDelta } from '../engine/store/store-delta';
import type { FrameFacts } from './load-batch';
import { gzipProblem, isGzipFd, isGzipFile, isZlibError } from '../capture/compressed';
import { newPlainCopy } from './plain-copies';
import type { UploadTicket } from './uploads';
import { loadInWorker, loadWorkerFile } from './load-thread';

/**
 * Small steps keep each synchronous stretch of decoding short (~tens of ms): the first read is small, so the
 * first frames reach the screen at once (the code is not yet optimised then, and a file's first frames are
 * often small handshakes: 256 KiB can be thousands of frames); later reads grow or shrink to take about
 * STEP_MS each.
 */
const FIRST_CHUNK = 16 * 1024;
const MAX_CHUNK = 256 * 1024;
const STEP_MS = 25;

export interface LoadHooks {
  /** One frame and where its captured bytes start in the file. */
  frame(raw: RawFrame, dataOffset: number): void;
  progress(bytesRead: number, totalBytes: number): void;
  cancelled(): boolean;
  /**
   * A gzip-compressed file stops loading (with a problem, keeping the frames read) once it has decompressed
   * to more than this: 400 KB of gzip can hold 400 MiB of empty records (26 million frames).
   */
  maxPlainBytes?: number;
  /**
   * What counts a gzip-compressed file's decompressed copy (a browser's upload: the upload quota, which
   * its copy fills as much as the upload does): the load stops when `add` names a limit, and the copy's
   * bytes are given back (`abort`) when the copy goes.
   */
  plainTicket?: Pick<UploadTicket, 'add' | 'abort'>;
  /**
   * The file, opened already (FileBytes.openForLoad: regular, checked): it is read from this descriptor,
   * never by its path again, and not closed here. Without it, the path is opened.
   */
  fd?: number;
  /** The loading thread's heap limit in MB (default LOAD_THREAD_HEAP_MB): past it the load stops with a problem. */
  threadHeapMb?: number;
  /** Told when the loading thread cannot start (the file is then loaded on the event loop, as before). */
  log?(line: string): void;
  /**
   * Given, a plain file read on the loading thread is stored there too (its FrameStore ingests every
   * frame): each batch comes as the delta of that store, which `adopt` applies to this side's store, and
   * `frame` is not called. Gzip files and the in-process fallback still call `frame` for every frame.
   */
  store?: StoredHooks;
}

export interface StoredHooks {
  /** A batch's delta (its frames are `delta.from` …), and the block facts of those that have any ([index in the batch, facts]). */
  adopt(delta: StoreDelta, facts: [number, FrameFacts][]): void;
  /** Whether frame `n`, adopted, is wanted decoded (a display filter caught up to it). */
  wants(n: number): boolean;
  /** Frame `n`, adopted, for a `wants` that said yes (its bytes are re-read from the file). */
  stored(n: number): void;
}

/** `sectionComments`: the pcapng section headers' comments, in order (an experiment's calls travel there). */
export type LoadOutcome =
  | { ok: true; cancelled: boolean; bytesRead: number; totalBytes: number; sectionComments: string[] }
  | { ok: false; problem: string; bytesRead: number; totalBytes: number; sectionComments: string[] };

export async function loadCaptureFile(path: string, hooks: LoadHooks): Promise<LoadOutcome> {
  if (hooks.fd !== undefined) return loadOpened(path, hooks.fd, hooks);
  let totalBytes = 0;
  let fh;
  try {
    const st = await stat(path);
    if (st.isDirectory()) return { ok: false, problem: `${path}: is a directory, not a capture file`, bytesRead: 0, totalBytes: 0, sectionComments: [] };
    if (!st.isFile()) return { ok: false, problem: `${path}: is not a regular file`, bytesRead: 0, totalBytes: 0, sectionComments: [] };
    totalBytes = st.size;
    fh = await openRegular(path);
  } catch (e) {
    if (e instanceof NotRegular) return { ok: false, problem: `${path}: is not a regular file`, bytesRead: 0, totalBytes, sectionComments: [] };
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : `cannot open (${code ?? String(e)})`;
    return { ok: false, problem: `${path}: ${why}`, bytesRead: 0, totalBytes, sectionComments: [] };
  }
  if (isGzipFile(path)) {
    await fh.close();
    return loadGzipped(path, totalBytes, hooks);
  }
  // Read and parsed on a thread of its own; stored here in short slices (load-thread.ts).
  const workerFile = loadWorkerFile();
  if (workerFile) {
    await fh.close();
    const outcome = await loadInWorker(path, totalBytes, hooks, workerFile);
    if (outcome) return outcome;
    try {
      fh = await openRegular(path);
    } catch (e) {
      if (e instanceof NotRegular) return { ok: false, problem: `${path}: is not a regular file`, bytesRead: 0, totalBytes, sectionComments: [] };
      const code = (e as NodeJS.ErrnoException).code;
      return { ok: false, problem: `${path}: ${code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : `cannot open (${code ?? String(e)})`}`, bytesRead: 0, totalBytes, sectionComments: [] };
    }
  }
  return loadPlain(path, fh, totalBytes, hooks);
}

/** A file opened by the caller: the same loaders, on its descriptor (which they do not close). */
async function loadOpened(path: string, fd: number, hooks: LoadHooks): Promise<LoadOutcome> {
  let totalBytes = 0;
  try {
    totalBytes = (await promisify(fstat)(fd)).size;
  } catch (e) {
    return { ok: false, problem: `${path}: read error (${(e as NodeJS.ErrnoException).code ?? String(e)})`, bytesRead: 0, totalBytes, sectionComments: [] };
  }
  if (isGzipFd(fd)) return loadGzipped(path, totalBytes, hooks, fd);
  const workerFile = loadWorkerFile();
  if (workerFile) {
    const outcome = await loadInWorker(path, totalBytes, hooks, workerFile);
    if (outcome) return outcome;
  }
  const readAt = promisify(read);
  return loadPlain(path, { read: (buf, off, len, pos) => readAt(fd, buf, off, len, pos), close: async () => undefined }, totalBytes, hooks);
}

/** What the plain loader reads through: a FileHandle it closes, or a borrowed descriptor it leaves open. */
interface ReadHandle {
  read(buffer: Uint8Array, offset: number, length: number, position: number): Promise<{ bytesRead: number }>;
  close(): Promise<void>;
}

class NotRegular extends Error {}

/**
 * Opens `path` without waiting and keeps it only if it is a regular file: checked a moment before, it may
 * be a FIFO by now, whose open() would wait for a writer for ever (holding a thread of libuv's pool and the load).
 */
async function openRegular(path: string): Promise<FileHandle> {
  const fh = await open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  let regular = false;
  try {
    regular = (await fh.stat()).isFile();
  } finally {
    if (!regular) await fh.close();
  }
  if (!regular) throw new NotRegular(path);
  return fh;
}

/** A plain (uncompressed) capture, read and parsed on the event loop in steps. */
async function loadPlain(path: string, fh: ReadHandle, totalBytes: number, hooks: LoadHooks): Promise<LoadOutcome> {
  const reader = new CaptureReader();
  const sectionComments = (): string[] => reader.sectionComments.flat();
  // The reader says where each frame's bytes start in the file (reader.dataOffset), so the store can
  // read them again later without keeping them.
  const chunk = new Uint8Array(MAX_CHUNK);
  let size = FIRST_CHUNK;
  let bytesRead = 0;
  try {
    for (;;) {
      if (hooks.cancelled()) return { ok: true, cancelled: true, bytesRead, totalBytes, sectionComments: sectionComments() };
      const { bytesRead: n } = await fh.read(chunk, 0, size, bytesRead);
      if (n === 0) break;
      const t0 = performance.now();
      reader.push(chunk.subarray(0, n), (raw) => hooks.frame(raw, reader.dataOffset));
      const ms = performance.now() - t0;
      bytesRead += n;
      hooks.progress(bytesRead, totalBytes);
      if (ms < STEP_MS / 2) size = Math.min(MAX_CHUNK, size * 2);
      else if (ms > STEP_MS * 2) size = Math.max(FIRST_CHUNK, size / 2);
    }
    reader.end();
    return { ok: true, cancelled: false, bytesRead, totalBytes, sectionComments: sectionComments() };
  } catch (e) {
    if (e instanceof CaptureFormatError) return { ok: false, problem: `${path}: ${e.message}`, bytesRead, totalBytes, sectionComments: sectionComments() };
    const code = (e as NodeJS.ErrnoException).code;
    if (code) return { ok: false, problem: `${path}: read error (${code})`, bytesRead, totalBytes, sectionComments: sectionComments() };
    throw e;
  } finally {
    await fh.close();
  }
}

/**
 * A gzip-compressed capture: decompressed as it is read, into a plain copy the store re-reads frames from
 * (their offsets are offsets in the decompressed data). Progress counts compressed bytes.
 */
async function loadGzipped(path: string, totalBytes: number, hooks: LoadHooks, fd?: number): Promise<LoadOutcome> {
  const copy = newPlainCopy(path, hooks.plainTicket ?? null);
  const reader = new CaptureReader();
  const sectionComments = (): string[] => reader.sectionComments.flat();
  // A borrowed descriptor is read from its start and left open (the stream's close does nothing to it).
  const source = fd === undefined ? createReadStream(path, { highWaterMark: MAX_CHUNK })
    : createReadStream(path, { fd, start: 0, highWaterMark: MAX_CHUNK, fs: { read, close: (_fd: number, cb: (e: null) => void) => cb(null) } });
  const gunzip = createGunzip({ chunkSize: MAX_CHUNK });
  source.on('error', (e) => gunzip.destroy(e));
  source.pipe(gunzip);
  try {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) {
      if (hooks.cancelled()) return { ok: true, cancelled: true, bytesRead: source.bytesRead, totalBytes, sectionComments: sectionComments() };
      if (hooks.maxPlainBytes !== undefined && copy.written + chunk.length > hooks.maxPlainBytes) {
        const mb = (hooks.maxPlainBytes / 1048576).toFixed(hooks.maxPlainBytes < 10 * 1048576 ? 1 : 0);
        return { ok: false, problem: `${path}: decompresses to more than ${mb} MB, the largest capture this server opens from a browser; the frames before that point are loaded`, bytesRead: source.bytesRead, totalBytes, sectionComments: sectionComments() };
      }
      const over = hooks.plainTicket?.add(chunk.length);
      if (over) return { ok: false, problem: `${path}: its decompressed copy would pass this server's limits on uploads (${over}); the frames before that point are loaded`, bytesRead: source.bytesRead, totalBytes, sectionComments: sectionComments() };
      // Written before the frames are stored, so any frame handed out can be read back.
      copy.append(chunk);
      reader.push(chunk, (raw) => hooks.frame(raw, reader.dataOffset));
      hooks.progress(source.bytesRead, totalBytes);
      // Let requests in between chunks, as the plain loader's awaits do.
      await new Promise((r) => setImmediate(r));
    }
    reader.end();
    return { ok: true, cancelled: false, bytesRead: source.bytesRead, totalBytes, sectionComments: sectionComments() };
  } catch (e) {
    if (e instanceof CaptureFormatError) return { ok: false, problem: `${path}: ${e.message}`, bytesRead: source.bytesRead, totalBytes, sectionComments: sectionComments() };
    if (isZlibError(e)) return { ok: false, problem: `${path}: ${gzipProblem(e)}`, bytesRead: source.bytesRead, totalBytes, sectionComments: sectionComments() };
    const code = (e as NodeJS.ErrnoException).code;
    if (code) return { ok: false, problem: `${path}: read error (${code})`, bytesRead: source.bytesRead, totalBytes, sectionComments: sectionComments() };
    throw e;
  } finally {
    copy.finish();
    source.destroy();
    gunzip.destroy();
    // No read of a borrowed descriptor is left in flight once the load is over (its owner may close it).
    if (fd !== undefined && !source.closed) await new Promise<void>((r) => source.once('close', () => r()));
  }
}
