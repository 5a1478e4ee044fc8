// Reading a capture file from disk in chunks, for the CLI, serve mode and tests.
import { openSync, readSync, closeSync, fstatSync } from 'node:fs';
import { CaptureReader, type FrameSink } from '../engine/io/reader';
import { CaptureFormatError } from '../engine/io/errors';

/** A user-facing problem with a capture file: printed as one line, exit code 2. */
export class CaptureFileError extends Error {
  constructor(readonly file: string, readonly problem: string, readonly offset?: number) {
    super(`${file}: ${problem}`);
    this.name = 'CaptureFileError';
  }
}

const CHUNK = 4 * 1024 * 1024;

/**
 * Streams every frame of `file` to `sink`, in order, holding at most one chunk in memory.
 * Every good frame before a damaged spot is delivered before the error is thrown.
 */
export function readCaptureFile(file: string, sink: FrameSink, reader = new CaptureReader()): CaptureReader {
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
    const chunk = new Uint8Array(CHUNK);
    for (;;) {
      let n: number;
      try {
        n = readSync(fd, chunk, 0, CHUNK, null);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        throw new CaptureFileError(file, code === 'EISDIR' ? 'is a directory, not a capture file' : `read error (${code ?? String(e)})`);
      }
      if (n === 0) break;
      reader.push(chunk.subarray(0, n), sink);
    }
    reader.end();
    return reader;
  } catch (e) {
    if (e instanceof CaptureFormatError) throw new CaptureFileError(file, e.message, e.offset);
    throw e;
  } finally {
    closeSync(fd);
  }
}
