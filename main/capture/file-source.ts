// Reading a capture file from disk in chunks, for the CLI, serve mode and tests.
import { openSync, readSync, closeSync, fstatSync, read, readFileSync, createReadStream } from 'node:fs';
import { createGunzip, gunzipSync } from 'node:zlib';
import { CaptureReader, type FrameSink } from '../engine/io/reader';
import { CaptureFormatError } from '../engine/io/errors';
import { gzipProblem, isGzipFd, isZlibError } from './compressed';

/** A user-facing problem with a capture file: printed as one line, exit code 2. */
export class CaptureFileError extends Error {
  constructor(readonly file: string, readonly problem: string, readonly offset?: number) {
    super(`${file}: ${problem}`);
    this.name = 'CaptureFileError';
  }
}

const CHUNK = 4 * 1024 * 1024;

/** Opens a capture file for reading, or throws the CaptureFileError a user should see. */
function openCapture(file: string): number {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a directory, not a capture file' : `cannot open (${code ?? String(e)})`;
    throw new CaptureFileError(file, why);
  }
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) throw new CaptureFileError(file, 'is a directory, not a capture file');
    if (!st.isFile() && !st.isFIFO() && !st.isCharacterDevice()) throw new CaptureFileError(file, 'is not a regular file');
  } catch (e) {
    closeSync(fd);
    throw e;
  }
  return fd;
}

function readError(file: string, e: unknown): CaptureFileError {
  const code = (e as NodeJS.ErrnoException).code;
  return new CaptureFileError(file, code === 'EISDIR' ? 'is a directory, not a capture file' : `read error (${code ?? String(e)})`);
}

/** A damaged file's format error, as the user sees it (with the byte offset). */
function userError(file: string, e: unknown): unknown {
  if (isZlibError(e)) return new CaptureFileError(file, gzipProblem(e));
  return e instanceof CaptureFormatError ? new CaptureFileError(file, e.message, e.offset) : e;
}

/**
 * Streams every frame of `file` to `sink`, in order, holding at most one chunk in memory.
 * Every good frame before a damaged spot is delivered before the error is thrown.
 */
export function readCaptureFile(file: string, sink: FrameSink, reader = new CaptureReader()): CaptureReader {
  const fd = openCapture(file);
  try {
    if (isGzipFd(fd)) {
      // Whole at once (tests and small files; the CLI streams with readCaptureFileAhead).
      const plain = gunzipSync(readFileSync(fd));
      for (let off = 0; off < plain.length; off += CHUNK) reader.push(plain.subarray(off, off + CHUNK), sink);
      reader.end();
      return reader;
    }
    const chunk = new Uint8Array(CHUNK);
    for (;;) {
      let n: number;
      try {
        n = readSync(fd, chunk, 0, CHUNK, null);
      } catch (e) {
        throw readError(file, e);
      }
      if (n === 0) break;
      reader.push(chunk.subarray(0, n), sink);
    }
    reader.end();
    return reader;
  } catch (e) {
    throw userError(file, e);
  } finally {
    closeSync(fd);
  }
}

/**
 * As readCaptureFile, but the next chunk is read by libuv's thread pool while this one is decoded:
 * the copy from the page cache (or the disk) runs on the other core instead of between chunks.
 * For long reads (stats, decode); holds two chunks.
 */
export async function readCaptureFileAhead(file: string, sink: FrameSink, reader = new CaptureReader(), chunkSize = CHUNK): Promise<CaptureReader> {
  const fd = openCapture(file);
  if (isGzipFd(fd)) return readGzipped(file, fd, sink, reader, chunkSize);
  const chunks = [new Uint8Array(chunkSize), new Uint8Array(chunkSize)];
  const readInto = (buf: Uint8Array) => new Promise<number>((resolve, reject) => read(fd, buf, 0, chunkSize, null, (e, n) => (e ? reject(readError(file, e)) : resolve(n))));
  let pending = readInto(chunks[0]);
  try {
    for (let i = 0; ; i = 1 - i) {
      const n = await pending;
      if (n === 0) break;
      // The reader copies what it keeps of a chunk, so the other one may be refilled meanwhile.
      pending = readInto(chunks[1 - i]);
      reader.push(chunks[i].subarray(0, n), sink);
    }
    reader.end();
    return reader;
  } catch (e) {
    throw userError(file, e);
  } finally {
    // Never close the descriptor under a read still in flight (after a damaged chunk).
    await pending.catch(() => 0);
    closeSync(fd);
  }
}

/** A gzip-compressed capture, decompressed as it is read (zlib on libuv's thread pool, as reading ahead). */
async function readGzipped(file: string, fd: number, sink: FrameSink, reader: CaptureReader, chunkSize: number): Promise<CaptureReader> {
  closeSync(fd);
  // The read stream owns its own descriptor, so none is closed under a read in flight after an error.
  const source = createReadStream(file, { highWaterMark: chunkSize });
  const gunzip = createGunzip({ chunkSize });
  source.on('error', (e) => gunzip.destroy(readError(file, e)));
  source.pipe(gunzip);
  try {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) reader.push(chunk, sink);
    reader.end();
    return reader;
  } catch (e) {
    throw userError(file, e);
  } finally {
    source.destroy();
    gunzip.destroy();
  }
}
