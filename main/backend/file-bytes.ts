// Re-reads frame bytes from a capture file for the frame store (detail view, Info of visible rows, filters).
// A gzip-compressed capture is read from its decompressed copy (plain-copies.ts).
import { closeSync, openSync, readSync } from 'node:fs';
import type { ByteSource } from '../engine/store/frame-store';
import { isGzipFile } from '../capture/compressed';
import { plainCopyOf, releasePlainCopy } from './plain-copies';

export class FileBytes implements ByteSource {
  private fd: number | null = null;

  constructor(readonly path: string) {}

  read(offset: number, length: number): Uint8Array {
    if (this.fd === null) {
      this.fd = openSync(isGzipFile(this.path) ? plainCopyOf(this.path).path : this.path, 'r');
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
