// Writes a live capture to a pcapng file as it arrives, so a crash loses nothing: each batch is one
// write() straight to the file (the kernel keeps it even if this process dies). The store re-reads
// frame bytes from this file, so the writer reports where each frame's data landed.
import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
import type { RawFrame } from '../engine/types';

const SHB = 0x0a0d0d0a, IDB = 1, EPB = 6;

const pad4 = (n: number) => (n + 3) & ~3;

function option(code: number, value: Buffer): Buffer {
  const b = Buffer.alloc(4 + pad4(value.length));
  b.writeUInt16LE(code, 0);
  b.writeUInt16LE(value.length, 2);
  value.copy(b, 4);
  return b;
}

function block(type: number, body: Buffer): Buffer {
  const total = 12 + body.length;
  const b = Buffer.alloc(total);
  b.writeUInt32LE(type, 0);
  b.writeUInt32LE(total, 4);
  body.copy(b, 8);
  b.writeUInt32LE(total, total - 4);
  return b;
}

const END = Buffer.alloc(4);

export class PcapngAutosave {
  private fd: number | null;
  private offset = 0;
  private readonly ifaces = new Map<string, number>();
  frames = 0;

  constructor(readonly path: string, private readonly meta: { interfaceName?: string; snaplen?: number; app?: string } = {}) {
    this.fd = openSync(path, 'wx', 0o600);
    const body = Buffer.alloc(16);
    body.writeUInt32LE(0x1a2b3c4d, 0); // byte-order magic
    body.writeUInt16LE(1, 4); // version 1.0
    body.writeUInt16LE(0, 6);
    body.writeInt32LE(-1, 8); // section length unknown
    body.writeInt32LE(-1, 12);
    const opts = Buffer.concat([option(4, Buffer.from(meta.app ?? 'Handshake Lab')), END]);
    this.write(block(SHB, Buffer.concat([body, opts])));
  }

  /** Interface block id for a link type / interface pair (written the first time it is seen). */
  private iface(linktype: number, iface: number, parts: Buffer[]): number {
    const key = `${linktype}/${iface}`;
    let id = this.ifaces.get(key);
    if (id === undefined) {
      id = this.ifaces.size;
      this.ifaces.set(key, id);
      const body = Buffer.alloc(8);
      body.writeUInt16LE(linktype, 0);
      body.writeUInt32LE(this.meta.snaplen ?? 262144, 4);
      const opts: Buffer[] = [];
      if (this.meta.interfaceName) opts.push(option(2, Buffer.from(this.meta.interfaceName)));
      opts.push(option(9, Buffer.from([9]))); // if_tsresol: nanoseconds, so timestamps stay exact
      opts.push(END);
      parts.push(block(IDB, Buffer.concat([body, ...opts])));
    }
    return id;
  }

  /**
   * Appends frames (one write). Each frame's `interface` is set to its interface block id (as a reader
   * of this file will number it); returns the file offset of each frame's captured bytes.
   */
  append(frames: readonly RawFrame[]): number[] {
    const parts: Buffer[] = [];
    const offsets: number[] = [];
    let at = this.offset;
    for (const f of frames) {
      const blocks = parts.length;
      const id = this.iface(f.linktype, f.interface, parts);
      if (parts.length > blocks) at += parts[blocks].length; // a new interface block went first
      const caplen = f.data.length;
      const total = 32 + pad4(caplen);
      const b = Buffer.alloc(total);
      b.writeUInt32LE(EPB, 0);
      b.writeUInt32LE(total, 4);
      b.writeUInt32LE(id, 8);
      // 64-bit nanosecond timestamp, split in high and low words.
      const ns = BigInt(f.tsSec) * 1_000_000_000n + BigInt(f.tsNsec);
      b.writeUInt32LE(Number(ns >> 32n), 12);
      b.writeUInt32LE(Number(ns & 0xffffffffn), 16);
      b.writeUInt32LE(caplen, 20);
      b.writeUInt32LE(f.len, 24);
      b.set(f.data, 28);
      b.writeUInt32LE(total, total - 4);
      parts.push(b);
      offsets.push(at + 28);
      at += total;
      f.interface = id;
    }
    this.write(Buffer.concat(parts));
    this.frames += frames.length;
    return offsets;
  }

  private write(b: Buffer): void {
    if (this.fd === null) throw new Error(`${this.path}: autosave file already closed`);
    let done = 0;
    while (done < b.length) done += writeSync(this.fd, b, done, b.length - done);
    this.offset += b.length;
  }

  get size(): number {
    return this.offset;
  }

  /** Flushes to disk (fsync) and closes. */
  close(): void {
    if (this.fd === null) return;
    try { fsyncSync(this.fd); } catch { /* a pipe or special file cannot be synced */ }
    closeSync(this.fd);
    this.fd = null;
  }
}
