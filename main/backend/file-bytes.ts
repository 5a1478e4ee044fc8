// Re-reads frame bytes from a capture file for the frame store (detail view, Info of visible rows, filters).
// A gzip-compressed capture is read from its decompressed copy (plain-copies.ts).
// A file that is loaded is opened once, for its load (openForLoad), and every later read uses that one
// descriptor: the path may name another file by the time a frame is shown (fresh eyes: a file renamed over
// it was read as if it were the capture), and the descriptor still reads the file that was loaded. A file
// rewritten in place (the same file, other bytes) is refused with a clear error once its size or
// modification time says so. A live capture's autosave, which grows, is opened by path when first read.
// Opens never wait (a FIFO put in the file's place held the whole server in open(), waiting for a writer)
// and keep only a regular file.
import { closeSync, constants, fstat, fstatSync, open, openSync, readSync } from 'node:fs';
import { promisify } from 'node:util';
import type { ByteSource } from '../engine/store/frame-store';
import { isGzipFd } from '../capture/compressed';
import { plainCopyOf, releasePlainCopy } from './plain-copies';

/** Reads of a loaded file look at its size and modification time at most this often (a filter re-reads a million frames). */
const CHECK_MS = 10;

export class FileBytes implements ByteSource {
  private fd: number | null = null;
  /** A gzip-compressed file's decompressed copy, which its frames are read from. */
  private plainFd: number | null = null;
  private gzip: boolean | null = null;
  /** The file as it was opened for its load: reads refuse it once it has changed in place. */
  private loaded: { size: number; mtimeMs: number } | null = null;
  private checkedAt = -Infinity;
  /** Loads reading the descriptor now: it is closed only once they are done. */
  private holds = 0;
  private closed = false;

  constructor(readonly path: string) {}

  /**
   * Opens the file for its load, without waiting: the descriptor (which the loader reads, and must not
   * close) and the file's size, or why it cannot be loaded (the loader's words). `done()` when the load
   * has ended, whatever ended it.
   */
  async openForLoad(): Promise<{ fd: number; size: number; done: () => void } | { problem: string }> {
    let fd: number;
    try {
      fd = await promisify(open)(this.path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
    } catch (e) {
      return { problem: `${this.path}: ${openProblem(e)}` };
    }
    let st;
    try {
      st = await promisify(fstat)(fd);
    } catch (e) {
      closeSync(fd);
      return { problem: `${this.path}: ${openProblem(e)}` };
    }
    if (!st.isFile() || this.closed || this.fd !== null) {
      closeSync(fd);
      if (st.isDirectory()) return { problem: `${this.path}: is a directory, not a capture file` };
      return { problem: st.isFile() ? `${this.path}: was closed or opened already` : `${this.path}: is not a regular file` };
    }
    this.fd = fd;
    this.loaded = { size: st.size, mtimeMs: st.mtimeMs };
    this.holds++;
    let ended = false;
    return {
      fd, size: st.size,
      done: () => {
        if (ended) return;
        ended = true;
        this.holds--;
        if (this.closed && this.holds === 0) this.closeNow();
      },
    };
  }

  read(offset: number, length: number): Uint8Array {
    const fd = this.readFd();
    const buf = new Uint8Array(length);
    let done = 0;
    while (done < length) {
      const n = readSync(fd, buf, done, length - done, offset + done);
      if (n === 0) throw new Error(`${this.path}: file is shorter than expected (changed since it was opened?)`);
      done += n;
    }
    return buf;
  }

  /** Throws a clear error when the loaded file has been rewritten since it was loaded (a request's reads start here). */
  check(): void {
    if (this.fd === null || this.closed) return;
    this.gzip ??= isGzipFd(this.fd);
    if (this.gzip) return;
    this.checkedAt = -Infinity;
    this.unchanged(this.fd);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.holds === 0) this.closeNow();
  }

  private closeNow(): void {
    if (this.fd !== null) closeSync(this.fd);
    if (this.plainFd !== null) closeSync(this.plainFd);
    this.fd = null;
    this.plainFd = null;
    releasePlainCopy(this.path);
  }

  /** The descriptor frames are read from (the file's, or its plain copy's). */
  private readFd(): number {
    if (this.closed) throw new Error(`${this.path}: the capture was closed, its frames' bytes are not available`);
    if (this.plainFd !== null) return this.plainFd;
    // One open of the path (an autosave), whose bytes say whether it is gzip-compressed.
    this.fd ??= openRegular(this.path, this.path);
    this.gzip ??= isGzipFd(this.fd);
    if (this.gzip) return (this.plainFd = openRegular(plainCopyOf(this.path).path, this.path));
    this.unchanged(this.fd);
    return this.fd;
  }

  /** Throws when the file loaded has another size or modification time now (looked at every CHECK_MS at most). */
  private unchanged(fd: number): void {
    if (!this.loaded) return;
    const now = performance.now();
    if (now - this.checkedAt < CHECK_MS) return;
    const st = fstatSync(fd);
    if (st.size !== this.loaded.size || st.mtimeMs !== this.loaded.mtimeMs) {
      throw new Error(`${this.path}: the capture file changed on disk since it was loaded; open it again`);
    }
    this.checkedAt = now;
  }
}

/** Why a capture file cannot be opened, as the loader says it. */
function openProblem(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  return code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : `cannot open (${code ?? String(e)})`;
}

/** Opens `file` for reading without blocking; throws unless it is a regular file (`shown` names it). */
function openRegular(file: string, shown: string): number {
  const fd = openSync(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  try {
    if (fstatSync(fd).isFile()) return fd;
  } catch (e) {
    closeSync(fd);
    throw e;
  }
  closeSync(fd);
  throw new Error(`${shown}: is no longer a regular file, its frames' bytes are not available (changed since it was opened?)`);
}
