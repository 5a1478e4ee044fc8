// Streaming reader for classic pcap and pcapng: feed it chunks of any size, get frames back.
// Only the unfinished tail of a chunk is kept between calls, so a multi-GB file never sits in memory.
import type { RawFrame } from '../types';
import { CaptureFormatError } from './errors';
import { ticksToTime } from './timestamps';

export type CaptureFormat = 'pcap' | 'pcapng';

export interface CaptureInterface {
  linktype: number;
  snaplen: number;
  name?: string;
  description?: string;
  /** Timestamp ticks per second (10⁶ unless if_tsresol says otherwise). */
  unitsPerSecond: number;
  /** if_tsoffset: seconds added to every timestamp. */
  tsOffset: number;
}

const PCAP_MAGIC_US = 0xa1b2c3d4;
const PCAP_MAGIC_NS = 0xa1b23c4d;
const PCAP_MAGIC_KUZNETZOV = 0xa1b2cd34;
const PCAPNG_SHB = 0x0a0d0d0a;
const PCAPNG_BOM = 0x1a2b3c4d;

const BLOCK_IDB = 1, BLOCK_OPB = 2, BLOCK_SPB = 3, BLOCK_EPB = 6;

/** Largest frame wiretap accepts for most link types; a bigger length means a damaged file. */
const MAX_FRAME = 262144;
/** Link types wiretap allows bigger frames for (USB, D-Bus, …). */
const BIG_FRAME_LINKTYPES = new Set([189, 220, 231, 249, 279]);
const maxFrameFor = (linktype: number) => (BIG_FRAME_LINKTYPES.has(linktype) ? 128 * 1024 * 1024 : MAX_FRAME);
/** Largest pcapng block we accept (wiretap's limit is 16 MiB). */
const MAX_BLOCK = 16 * 1024 * 1024;

export type FrameSink = (frame: RawFrame) => void;

export class CaptureReader {
  format: CaptureFormat | null = null;
  readonly interfaces: CaptureInterface[] = [];
  /** Bytes of the file fully consumed so far (the offset of the next record). */
  consumed = 0;
  /** Frames emitted so far. */
  frames = 0;

  private tail: Uint8Array | null = null;
  private little = true;
  private pcapLinktype = 0;
  private pcapUnits = 1_000_000;
  private pcapRecordHeader = 16;
  private pcapSnaplen = 0;
  private done = false;
  /** Index of the current section's first interface in `interfaces`. */
  private sectionBase = 0;
  private readonly decoder = new TextDecoder();

  /** Parses as many complete records as `chunk` (after any leftover) holds, calling `sink` for each frame. */
  push(chunk: Uint8Array, sink: FrameSink): void {
    if (this.done) return;
    let buf = chunk;
    if (this.tail && this.tail.length) {
      buf = new Uint8Array(this.tail.length + chunk.length);
      buf.set(this.tail, 0);
      buf.set(chunk, this.tail.length);
    }
    const used = this.parse(buf, sink);
    this.consumed += used;
    // Keep a copy of the tail: `chunk` may be reused by the caller.
    this.tail = used < buf.length ? buf.slice(used) : null;
  }

  /** Call after the last chunk: throws if the file ended inside a header or a record. */
  end(): void {
    if (this.format === null) {
      if (!this.tail || this.tail.length === 0) throw new CaptureFormatError('empty file: no capture header', 0);
      throw new CaptureFormatError(`file too short for a capture header (${this.tail.length} bytes)`, 0);
    }
    if (this.tail && this.tail.length) {
      const what = this.format === 'pcap' ? 'record' : 'block';
      throw new CaptureFormatError(`truncated: the last ${what} (at byte ${this.consumed}) is cut short, ${this.tail.length} bytes of it present`, this.consumed);
    }
  }

  private parse(buf: Uint8Array, sink: FrameSink): number {
    const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    let pos = 0;
    if (this.format === null) {
      if (buf.length < 4) return 0;
      const magicBE = view.getUint32(0, false);
      const magicLE = view.getUint32(0, true);
      if (magicBE === PCAPNG_SHB) {
        this.format = 'pcapng';
      } else if ([PCAP_MAGIC_US, PCAP_MAGIC_NS, PCAP_MAGIC_KUZNETZOV].includes(magicLE) || [PCAP_MAGIC_US, PCAP_MAGIC_NS, PCAP_MAGIC_KUZNETZOV].includes(magicBE)) {
        if (buf.length < 24) return 0;
        this.little = [PCAP_MAGIC_US, PCAP_MAGIC_NS, PCAP_MAGIC_KUZNETZOV].includes(magicLE);
        const magic = this.little ? magicLE : magicBE;
        this.format = 'pcap';
        this.pcapUnits = magic === PCAP_MAGIC_NS ? 1_000_000_000 : 1_000_000;
        this.pcapRecordHeader = magic === PCAP_MAGIC_KUZNETZOV ? 24 : 16;
        this.pcapSnaplen = view.getUint32(16, this.little);
        // The upper bits of the link-type word carry FCS information; the type is the low 16 bits.
        this.pcapLinktype = view.getUint32(20, this.little) & 0xffff;
        this.interfaces.push({ linktype: this.pcapLinktype, snaplen: this.pcapSnaplen, unitsPerSecond: this.pcapUnits, tsOffset: 0 });
        pos = 24;
      } else {
        this.done = true;
        throw new CaptureFormatError(`not a pcap or pcapng file (magic 0x${magicBE.toString(16).padStart(8, '0')})`, 0);
      }
    }
    return this.format === 'pcap' ? this.parsePcap(buf, view, pos, sink) : this.parsePcapng(buf, view, pos, sink);
  }

  private parsePcap(buf: Uint8Array, view: DataView, pos: number, sink: FrameSink): number {
    const le = this.little;
    const hdr = this.pcapRecordHeader;
    const max = maxFrameFor(this.pcapLinktype);
    while (pos + hdr <= buf.length) {
      const caplen = view.getUint32(pos + 8, le);
      if (caplen > max) {
        this.done = true;
        throw new CaptureFormatError(`damaged: record at byte ${this.consumed + pos} claims ${caplen} captured bytes (more than ${max})`, this.consumed + pos);
      }
      if (pos + hdr + caplen > buf.length) break;
      const sec = view.getUint32(pos, le);
      const frac = view.getUint32(pos + 4, le);
      const len = view.getUint32(pos + 12, le);
      const nsec = this.pcapUnits === 1_000_000 ? frac * 1000 : frac;
      // Fractions ≥ 1 s are invalid but occur; wiretap carries them into the seconds.
      const carry = Math.floor(nsec / 1_000_000_000);
      sink({
        data: buf.subarray(pos + hdr, pos + hdr + caplen),
        len,
        linktype: this.pcapLinktype,
        interface: 0,
        tsSec: sec + carry,
        tsNsec: nsec - carry * 1_000_000_000,
      });
      this.frames++;
      pos += hdr + caplen;
    }
    return pos;
  }

  private parsePcapng(buf: Uint8Array, view: DataView, pos: number, sink: FrameSink): number {
    while (pos + 12 <= buf.length) {
      // The section header's byte order decides how everything up to the next section is read.
      const typeBE = view.getUint32(pos, false);
      if (typeBE === PCAPNG_SHB) {
        const bom = view.getUint32(pos + 8, true);
        if (bom === PCAPNG_BOM) this.little = true;
        else if (bom === 0x4d3c2b1a) this.little = false;
        else {
          this.done = true;
          throw new CaptureFormatError(`damaged: section header at byte ${this.consumed + pos} has no valid byte-order magic`, this.consumed + pos);
        }
      }
      const le = this.little;
      const type = view.getUint32(pos, le);
      const total = view.getUint32(pos + 4, le);
      if (total < 12 || total % 4 !== 0 || total > MAX_BLOCK) {
        this.done = true;
        throw new CaptureFormatError(`damaged: block at byte ${this.consumed + pos} has an invalid length ${total}`, this.consumed + pos);
      }
      if (pos + total > buf.length) break;
      const trailer = view.getUint32(pos + total - 4, le);
      if (trailer !== total) {
        this.done = true;
        throw new CaptureFormatError(`damaged: block at byte ${this.consumed + pos} has mismatched lengths (${total} vs ${trailer})`, this.consumed + pos);
      }
      const body = pos + 8;
      const bodyEnd = pos + total - 4;
      switch (type) {
        case PCAPNG_SHB:
          // A new section: its interfaces are numbered after the previous sections' (as wiretap does).
          this.sectionBase = this.interfaces.length;
          break;
        case BLOCK_IDB:
          this.readIdb(buf, view, body, bodyEnd);
          break;
        case BLOCK_EPB:
          this.readEpb(buf, view, body, bodyEnd, sink);
          break;
        case BLOCK_SPB:
          this.readSpb(buf, view, body, bodyEnd, sink);
          break;
        case BLOCK_OPB:
          this.readOpb(buf, view, body, bodyEnd, sink);
          break;
        default:
          break; // NRB, ISB, DSB, custom and unknown blocks carry no frames: skip them.
      }
      pos += total;
    }
    return pos;
  }

  private blockError(what: string, at: number): never {
    this.done = true;
    throw new CaptureFormatError(`damaged: ${what} at byte ${this.consumed + at}`, this.consumed + at);
  }

  private iface(localId: number, at: number): { id: number; info: CaptureInterface } {
    const id = this.sectionBase + localId;
    const info = this.interfaces[id];
    if (!info) this.blockError(`packet block refers to interface ${localId}, which no interface block described`, at);
    return { id, info };
  }

  private readIdb(buf: Uint8Array, view: DataView, body: number, end: number): void {
    if (end - body < 8) this.blockError('interface description block too short', body - 8);
    const le = this.little;
    const info: CaptureInterface = {
      linktype: view.getUint16(body, le),
      snaplen: view.getUint32(body + 4, le),
      unitsPerSecond: 1_000_000,
      tsOffset: 0,
    };
    this.forEachOption(buf, view, body + 8, end, (code, off, len) => {
      if (code === 2) info.name = this.decoder.decode(buf.subarray(off, off + len));
      else if (code === 3) info.description = this.decoder.decode(buf.subarray(off, off + len));
      else if (code === 9 && len >= 1) {
        const r = buf[off];
        const exp = r & 0x7f;
        info.unitsPerSecond = r & 0x80 ? 2 ** exp : 10 ** exp;
      } else if (code === 14 && len >= 8) {
        const hi = view.getUint32(off + (le ? 4 : 0), le);
        const lo = view.getUint32(off + (le ? 0 : 4), le);
        info.tsOffset = hi * 4294967296 + lo;
      }
    });
    this.interfaces.push(info);
  }

  private readEpb(buf: Uint8Array, view: DataView, body: number, end: number, sink: FrameSink): void {
    if (end - body < 20) this.blockError('enhanced packet block too short', body - 8);
    const le = this.little;
    const { id, info } = this.iface(view.getUint32(body, le), body - 8);
    const caplen = view.getUint32(body + 12, le);
    const len = view.getUint32(body + 16, le);
    const data = body + 20;
    if (caplen > maxFrameFor(info.linktype) || data + caplen > end) this.blockError(`enhanced packet block claims ${caplen} captured bytes, more than it holds`, body - 8);
    const frame = this.frame(buf, data, caplen, len, id, info, view.getUint32(body + 4, le), view.getUint32(body + 8, le));
    const optStart = data + ((caplen + 3) & ~3);
    if (optStart < end) {
      this.forEachOption(buf, view, optStart, end, (code, off, olen) => {
        if (code === 1) (frame.comments ??= []).push(this.decoder.decode(buf.subarray(off, off + olen)));
      });
    }
    sink(frame);
    this.frames++;
  }

  private readSpb(buf: Uint8Array, view: DataView, body: number, end: number, sink: FrameSink): void {
    if (end - body < 4) this.blockError('simple packet block too short', body - 8);
    const { id, info } = this.iface(0, body - 8);
    const len = view.getUint32(body, this.little);
    // The captured length is implied: the original length, cut by the snap length and the block size.
    let caplen = Math.min(len, end - body - 4);
    if (info.snaplen > 0) caplen = Math.min(caplen, info.snaplen);
    // Simple packet blocks carry no timestamp.
    sink(this.frame(buf, body + 4, caplen, len, id, info, 0, 0));
    this.frames++;
  }

  private readOpb(buf: Uint8Array, view: DataView, body: number, end: number, sink: FrameSink): void {
    if (end - body < 20) this.blockError('packet block too short', body - 8);
    const le = this.little;
    const { id, info } = this.iface(view.getUint16(body, le), body - 8);
    const caplen = view.getUint32(body + 12, le);
    const len = view.getUint32(body + 16, le);
    if (body + 20 + caplen > end) this.blockError(`packet block claims ${caplen} captured bytes, more than it holds`, body - 8);
    sink(this.frame(buf, body + 20, caplen, len, id, info, view.getUint32(body + 4, le), view.getUint32(body + 8, le)));
    this.frames++;
  }

  private frame(buf: Uint8Array, at: number, caplen: number, len: number, id: number, info: CaptureInterface, high: number, low: number): RawFrame {
    const t = ticksToTime(high, low, info.unitsPerSecond);
    return { data: buf.subarray(at, at + caplen), len, linktype: info.linktype, interface: id, tsSec: t.sec + info.tsOffset, tsNsec: t.nsec };
  }

  /** Walks pcapng options (code, length, value padded to 4) until opt_endofopt or the end. */
  private forEachOption(buf: Uint8Array, view: DataView, pos: number, end: number, fn: (code: number, off: number, len: number) => void): void {
    const le = this.little;
    while (pos + 4 <= end) {
      const code = view.getUint16(pos, le);
      const len = view.getUint16(pos + 2, le);
      if (code === 0) return;
      if (pos + 4 + len > end) return; // a damaged option list ends the options, not the file
      fn(code, pos + 4, len);
      pos += 4 + ((len + 3) & ~3);
    }
  }
}
