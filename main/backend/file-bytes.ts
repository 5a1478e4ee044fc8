// Re-reads frame bytes from a capture file for the frame store (detail view, Info of visible rows, filters).
// A gzip-compressed capture is read from its decompressed copy (plain-copies.ts). The file is opened
// when a frame's bytes are first needed, by then the path may name something else: it is opened without
// waiting (a FIFO put in its place held the whole server in open(), waiting for a writer) and used only
// if it is still a regular file.
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import type { ByteSource } from '../engine/store/frame-store';
import { isGzipFd } from '../capture/compressed';
import { plainCopyOf, releasePlainCopy } from './plain-copies';

export class FileBytes implements ByteSource {
  private fd: number | null = null;

  constructor(readonly path: string) {}

  read(offset: number, length: number): Uint8Array {
    if (this.fd === null) {
      // One open of the path, whose bytes say whether it is gzip-compressed (read from its plain copy then).
      const fd = openRegular(this.path, this.path);
      if (isGzipFd(fd)) {
        closeSync(fd);
        this.fd = openRegular(plainCopyOf(this.path).path, this.path);
      } else {
        this.fd = fd;
      }
    }
    const buf = new Uint8Array(length);
    let done = 0;
    while (done < length) {
      const n = readSync(this.fd, buf, done, length - done, offset + done);
      if (n === 0) throw new Error(`${this.path}: file is shorter than expected (changed since it was opened?)`);
      done += n;
    }
    return buf;
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
    releasePlainCopy(this.path);
  }
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
