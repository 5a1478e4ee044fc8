// Writes a live capture to a pcapng file as it arrives, so a crash loses nothing: each batch is one
// write() straight to the file (the kernel keeps it even if this process dies). The store re-reads
// frame bytes from this file, so the writer reports where each frame's data landed.
// The bytes come from the engine's pcapng writer; this file only owns the file descriptor.
import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
import type { RawFrame } from '../engine/types';
import { PcapngWriter } from '../engine/io/pcapng-writer';

export class PcapngAutosave {
  private fd: number | null;
  private readonly writer: PcapngWriter;
  frames = 0;

  constructor(readonly path: string, meta: { interfaceName?: string; snaplen?: number; app?: string; comments?: string[]; headerRoom?: number } = {}) {
    this.fd = openSync(path, 'wx', 0o600);
    this.writer = new PcapngWriter({ application: meta.app ?? 'Handshake Lab', snaplen: meta.snaplen, interfaceName: meta.interfaceName, comments: meta.comments, headerRoom: meta.headerRoom });
    this.write(this.writer.header());
  }

  /**
   * Writes the section header again with `comments`, over the first one (same length: nothing moves, so the
   * store's offsets stay right). False when they do not fit the room reserved at the start.
   */
  rewriteHeader(comments: string[]): boolean {
    if (this.fd === null) throw new Error(`${this.path}: autosave file already closed`);
    const b = this.writer.sectionHeader(comments);
    if (!b) return false;
    let done = 0;
    while (done < b.length) done += writeSync(this.fd, b, done, b.length - done, done);
    return true;
  }

  /**
   * Appends frames (one write). Each frame's `interface` is set to its interface block id (as a reader
   * of this file will number it); returns the file offset of each frame's captured bytes.
   */
  append(frames: readonly RawFrame[]): number[] {
    if (this.fd === null) throw new Error(`${this.path}: autosave file already closed`);
    const chunk = this.writer.frames(frames);
    this.write(chunk.bytes);
    frames.forEach((f, i) => {
      if (chunk.interfaceIds[i] >= 0) f.interface = chunk.interfaceIds[i];
    });
    this.frames += frames.length;
    return chunk.dataOffsets;
  }

  private write(b: Uint8Array): void {
    if (this.fd === null) throw new Error(`${this.path}: autosave file already closed`);
    let done = 0;
    while (done < b.length) done += writeSync(this.fd, b, done, b.length - done);
  }

  get size(): number {
    return this.writer.bytesWritten;
  }

  /** Flushes to disk (fsync) and closes. */
  close(): void {
    if (this.fd === null) return;
    try { fsyncSync(this.fd); } catch { /* a pipe or special file cannot be synced */ }
    closeSync(this.fd);
    this.fd = null;
  }
}
