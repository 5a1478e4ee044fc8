// Streaming reader for classic pcap and pcapng: feed it chunks of any size, get frames back.
// Only the unfinished tail is kept between calls, so a multi-GB file never sits in memory.
// It reads files the way tshark 4.0 (wiretap) does, oddities included: the same frames, times, lengths
// and interface ids, and the same point where a damaged file stops being readable.
import type { RawFrame } from '../types';
import { CaptureFormatError } from './errors';
import { TickConverter, unitsFromTsresol } from './timestamps';
import { isKnownLinktype, linkInfo, type LinkInfo } from './link-info';
import { guessVariant, MODIFIED_CANDIDATES, RECORD_HEADER, STANDARD_CANDIDATES, type PcapVariant } from './pcap-variants';
import { interfaceOptionCheck, packetOptionCheck, walkOptions } from './pcapng-options';

export type CaptureFormat = 'pcap' | 'pcapng';

/** Link type of records that are not packets (pcapng custom, Sysdig and journal blocks), which tshark lists as frames. */
export const LINKTYPE_NONE = -1;

export interface CaptureInterface {
  linktype: number;
  snaplen: number;
  name?: string;
  description?: string;
  /** Timestamp ticks per second (10⁶ unless if_tsresol says otherwise). */
  unitsPerSecond: number;
  /** if_tsoffset: seconds added to every timestamp. */
  tsOffset: number;
  /** pcapng section (0-based) and the interface's number within it (tshark's frame.interface_id). */
  section: number;
  id: number;
}

export type FrameSink = (frame: RawFrame) => void;

interface Iface {
  info: CaptureInterface;
  ticks: TickConverter;
  link: LinkInfo;
  /** What the frame layer shows of the interface (frame.section_number is 1-based), shared by its frames. */
  meta: NonNullable<RawFrame['pcapng']>;
  /** Decimal digits of its timestamps (RawFrame.tsPrecision). */
  digits: number;
}

/**
 * The decimal precision wiretap gives timestamps of `units` per second (pcapng if_tsresol): the largest
 * of seconds, ds, cs, ms, µs, ns it can tell apart (2^-20 s is µs, 10^-4 s is ms).
 */
function precisionOf(units: number): number {
  return units >= 1e9 ? 9 : units >= 1e6 ? 6 : units >= 1e3 ? 3 : units >= 100 ? 2 : units >= 10 ? 1 : 0;
}

const MAGIC_US = 0xa1b2c3d4;
const MAGIC_NS = 0xa1b23c4d;
const MAGIC_MODIFIED = 0xa1b2cd34;
const MAGIC_IXIA_HW = 0x1c0001ac; // nanoseconds, 4 extra header bytes
const MAGIC_IXIA_SW = 0x1c0001ab; // microseconds, 4 extra header bytes
const PCAP_MAGICS = new Set([MAGIC_US, MAGIC_NS, MAGIC_MODIFIED, MAGIC_IXIA_HW, MAGIC_IXIA_SW]);
const SHB = 0x0a0d0d0a;
const BOM = 0x1a2b3c4d;

const BLOCK_IDB = 1, BLOCK_PB = 2, BLOCK_SPB = 3, BLOCK_NRB = 4, BLOCK_ISB = 5, BLOCK_EPB = 6;
const BLOCK_JOURNAL = 9, BLOCK_DSB = 0x0a, BLOCK_SYSDIG = 0x204, BLOCK_SYSDIG_V2 = 0x216, BLOCK_SYSDIG_V2_LARGE = 0x221;
const BLOCK_CB_COPY = 0x00000bad, BLOCK_CB_NO_COPY = 0x40000bad;
/** wiretap's largest block: an EPB with a maximal D-Bus frame and 128 KiB of options. */
const MAX_BLOCK = 32 + 128 * 1024 * 1024 + 131072;
/**
 * An unsigned 32-bit length rounded up to a multiple of 4, as wiretap's 32-bit WS_ROUNDUP_4: unsigned (a
 * signed result made 0xfffffff0 -16, "too small"), and wrapping to 0 from 0xfffffffd on, as wiretap does.
 */
const round4 = (n: number) => ((n + 3) & ~3) >>> 0;
/**
 * Interfaces and sections one file may describe, at most. wiretap keeps every one (no limit but memory),
 * and each costs this reader a few hundred bytes that are never freed: 260 MB of bare 20-byte interface
 * blocks (13 million) once took a server 3.7 GB. 65,536 interfaces is as many as an obsolete Packet Block
 * can name (its interface id is 16 bits) and far more than any capture tool writes; a file of as many
 * sections is one made by concatenating 65,536 captures. Past either, the file stops with the limit named.
 */
export const MAX_INTERFACES = 65536;
export const MAX_SECTIONS = 65536;
/**
 * Section header comments a file keeps, at most (in all its sections), and their characters: the first ones
 * are kept, then a note says the rest were left out. They feed only an experiment's story (a few), and a
 * file of many tiny ones cost 35 times its bytes (532 MB of a server's memory for 31 MB: fresh eyes).
 */
export const MAX_SECTION_COMMENTS = 10000;
export const MAX_SECTION_COMMENT_CHARS = 4 * 1024 * 1024;
const JOURNAL_TS_KEY = Array.from('__REALTIME_TIMESTAMP=', (c) => c.charCodeAt(0));

/** Position of `needle` in buf[from, to), or -1. */
function indexOfBytes(buf: Uint8Array, from: number, to: number, needle: readonly number[]): number {
  outer: for (let i = from; i + needle.length <= to; i++) {
    for (let j = 0; j < needle.length; j++) if (buf[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

/**
 * The one frame object `reuseFrames` refills: its bytes are a window on the reader's buffer, made into a
 * Uint8Array view only when someone reads `data` (the stats fast path reads `buf` from `start` instead:
 * one view object less per frame).
 */
export class WindowFrame implements RawFrame {
  buf: Uint8Array;
  start = 0;
  caplen = 0;
  private view: Uint8Array | null = null;
  len = 0;
  tsSec = 0;
  tsNsec = 0;
  readonly interface = 0;
  readonly noInterfaceId = true;
  tsPrecision = 6;
  constructor(buf: Uint8Array, public linktype: number) {
    this.buf = buf;
  }
  get data(): Uint8Array {
    return (this.view ??= this.buf.subarray(this.start, this.start + this.caplen));
  }
  /** Points the frame at buf[start, start + caplen). */
  window(buf: Uint8Array, start: number, caplen: number): void {
    this.buf = buf;
    this.start = start;
    this.caplen = caplen;
    this.view = null;
  }
}

export class CaptureReader {
  format: CaptureFormat | null = null;
  /** Every interface seen, all sections in order; a frame's own is `interfaceOf(frame)`. */
  readonly interfaces: CaptureInterface[] = [];
  /** pcapng: each section header's comments (opt_comment), in section order. */
  readonly sectionComments: string[][] = [];
  /** Section header comments kept so far, their bytes, and whether some were left out (MAX_SECTION_COMMENTS). */
  private sectionCommentCount = 0;
  private sectionCommentChars = 0;
  private sectionCommentsCut = false;
  /** Bytes of the file fully consumed so far (the offset of the next record). */
  consumed = 0;
  /** Frames emitted so far. */
  frames = 0;
  /** File offset of the current frame's first data byte (valid while the sink runs). */
  dataOffset = 0;
  /**
   * The sink keeps no frame object: classic pcap frames then reuse one object (one allocation less per
   * frame, for `stats`). Off by default, as stores and tests keep frames.
   */
  reuseFrames = false;
  private reused: WindowFrame | null = null;
  /** classic pcap: the record-header layout in use (decided from the first records, as wiretap does). */
  variant: PcapVariant | null = null;

  private parts: Uint8Array[] = [];
  private partsLen = 0;
  /** Bytes needed from the start of the kept tail before parsing can move on. */
  private need = 1;
  private done = false;
  private sink: FrameSink | null = null;

  // classic pcap
  private le = true;
  private pcapCandidates: readonly PcapVariant[] = STANDARD_CANDIDATES;
  private lengthsSwapped: 'no' | 'yes' | 'maybe' = 'no';
  private pcapLink: LinkInfo = linkInfo(1);
  private pcapLinktype = 1;
  private pcapSnaplen = 0;
  private pcapNs = false;
  private pcapHeader = 16;
  private aixFddi = false;

  // pcapng
  private readonly ifaces: Iface[] = [];
  private readonly sectionBases: number[] = [];
  private section = -1;
  private readonly decoder = new TextDecoder();

  /** Parses as many complete records as the data so far holds, calling `sink` for each frame. */
  push(chunk: Uint8Array, sink: FrameSink): void {
    if (this.done) return;
    this.sink = sink;
    if (this.partsLen + chunk.length < this.need) {
      // Still short of the next record: keep a copy (the caller may reuse `chunk`) and wait.
      this.parts.push(chunk.slice());
      this.partsLen += chunk.length;
      return;
    }
    // A record left over from the last chunk: finish it with just the bytes it still needs (copying the
    // whole chunk onto the tail would copy every byte of the file once more), then parse the rest in place.
    let off = 0;
    while (this.partsLen) {
      const want = this.need - this.partsLen;
      if (want <= 0 || chunk.length - off <= want) {
        // Nothing precise to wait for, or the chunk ends first: join it all.
        this.run(this.joinParts(chunk.subarray(off)), false, sink);
        return;
      }
      this.run(this.joinParts(chunk.subarray(off, off + want)), false, sink);
      off += want;
      if (this.done) return;
    }
    this.run(off ? chunk.subarray(off) : chunk, false, sink);
  }

  /** The kept tail followed by `more`, in one new buffer. */
  private joinParts(more: Uint8Array): Uint8Array {
    const buf = new Uint8Array(this.partsLen + more.length);
    let at = 0;
    for (const p of this.parts) {
      buf.set(p, at);
      at += p.length;
    }
    buf.set(more, at);
    return buf;
  }

  /** Call after the last chunk: delivers what only the end could decide, throws if the file ends mid-record. */
  end(sink?: FrameSink): void {
    if (this.done) return;
    const buf = this.takeParts();
    if (this.format === null && buf.length === 0) {
      this.done = true;
      throw new CaptureFormatError('empty file: no capture header', 0);
    }
    this.run(buf, true, sink ?? this.sink ?? (() => undefined));
    this.done = true;
    if (this.partsLen) {
      const what = this.format === 'pcapng' ? 'block' : 'record';
      throw new CaptureFormatError(`truncated: the file ends inside a ${what} (at byte ${this.consumed}; ${this.partsLen} bytes of it present)`, this.consumed);
    }
  }

  /** The interface a frame was captured on (undefined for records not tied to one). */
  interfaceOf(frame: RawFrame): CaptureInterface | undefined {
    if (frame.noInterfaceId && this.format === 'pcapng') return undefined;
    if (this.format === 'pcap') return this.interfaces[0];
    const base = this.sectionBases[frame.section ?? 0];
    return base === undefined ? undefined : this.interfaces[base + frame.interface];
  }

  private takeParts(): Uint8Array {
    if (this.parts.length === 1) return this.parts[0];
    const buf = new Uint8Array(this.partsLen);
    let at = 0;
    for (const p of this.parts) {
      buf.set(p, at);
      at += p.length;
    }
    return buf;
  }

  private run(buf: Uint8Array, eof: boolean, sink: FrameSink): void {
    let used = 0;
    try {
      used = this.parse(buf, eof, sink);
    } catch (e) {
      this.done = true;
      this.parts = [];
      this.partsLen = 0;
      throw e;
    }
    this.consumed += used;
    if (used < buf.length) {
      this.parts = [buf.slice(used)];
      this.partsLen = buf.length - used;
    } else {
      this.parts = [];
      this.partsLen = 0;
    }
  }

  private fail(what: string, at: number): never {
    throw new CaptureFormatError(`damaged: ${what} (at byte ${this.consumed + at})`, this.consumed + at);
  }

  private parse(buf: Uint8Array, eof: boolean, sink: FrameSink): number {
    const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    let pos = 0;
    if (this.format === null) {
      pos = this.parseFileHeader(buf, view, eof);
      if (this.format === null) return 0;
    }
    if (this.format === 'pcapng') return this.parsePcapng(buf, view, pos, sink);
    if (this.variant === null) {
      const guess = guessVariant(this.pcapCandidates, view, pos, buf.length, eof, this.le, this.pcapLink.maxFrame, this.pcapSnaplen);
      if ('needUpTo' in guess) {
        this.need = guess.needUpTo;
        return pos;
      }
      this.setVariant(guess.variant);
    }
    return this.parsePcap(buf, view, pos, sink);
  }

  /** Recognises the file and reads its header; returns where records start (format stays null if more bytes are needed). */
  private parseFileHeader(buf: Uint8Array, view: DataView, eof: boolean): number {
    const tooShort = () => {
      if (eof) throw new CaptureFormatError(`file too short to be a capture file (${buf.length} bytes)`, 0);
      return 0;
    };
    if (buf.length < 4) {
      this.need = 4;
      return tooShort();
    }
    if (view.getUint32(0, false) === SHB) {
      // pcapng: the first block must be a readable section header, else tshark does not take it for pcapng.
      if (buf.length < 12) {
        this.need = 12;
        return tooShort();
      }
      const bom = view.getUint32(8, true);
      if (bom !== BOM && bom !== 0x4d3c2b1a) throw new CaptureFormatError('not a pcap or pcapng capture file (pcapng section header without byte-order magic)', 0);
      if (buf.length < 28) {
        this.need = 28;
        return tooShort();
      }
      this.format = 'pcapng';
      return 0;
    }
    const magicLE = view.getUint32(0, true);
    const magicBE = view.getUint32(0, false);
    if (!PCAP_MAGICS.has(magicLE) && !PCAP_MAGICS.has(magicBE)) {
      throw new CaptureFormatError(`not a pcap or pcapng capture file (starts with 0x${magicBE.toString(16).padStart(8, '0')})`, 0);
    }
    this.le = PCAP_MAGICS.has(magicLE);
    const magic = this.le ? magicLE : magicBE;
    const hdr = magic === MAGIC_IXIA_HW || magic === MAGIC_IXIA_SW ? 28 : 24;
    if (buf.length < hdr) {
      this.need = hdr;
      return tooShort();
    }
    const le = this.le;
    const major = view.getUint16(4, le);
    const minor = view.getUint16(6, le);
    this.pcapSnaplen = view.getUint32(16, le);
    let network = view.getUint32(20, le);
    if (major < 2) throw new CaptureFormatError(`unsupported pcap version ${major}.${minor}`, 0);
    let variant: PcapVariant | null = null;
    if (major === 2 && minor < 3) {
      this.lengthsSwapped = 'yes';
      variant = 'pcap';
    } else if (major === 2 && minor === 3) {
      this.lengthsSwapped = 'maybe';
      variant = 'pcap';
    } else if (major === 543) {
      this.lengthsSwapped = 'yes';
      variant = 'pcap';
    }
    // AIX wrote RFC 1573 interface types instead of link types, and nanosecond times.
    if (magic === MAGIC_US && major === 2 && minor === 2) {
      const aix: Record<number, number> = { 6: 1, 9: 6, 15: 10, 24: 0 };
      if (network in aix) {
        network = aix[network];
        variant = 'aix';
      }
    }
    if ((network & 0x03ff0000) !== 0) {
      throw new CaptureFormatError(`unsupported pcap file: link-type reserved bits set (0x${(network >>> 0).toString(16).padStart(8, '0')})`, 20);
    }
    const linktype = network & 0xffff;
    if (!isKnownLinktype(linktype)) throw new CaptureFormatError(`unsupported pcap file: link type ${linktype} is unknown to Wireshark`, 20);
    this.pcapLinktype = linktype;
    this.pcapLink = linkInfo(linktype);
    if (magic === MAGIC_NS || magic === MAGIC_IXIA_HW) variant = 'nsec';
    else if (magic === MAGIC_IXIA_SW) variant = 'pcap';
    else if (magic === MAGIC_MODIFIED) {
      variant = null;
      this.pcapCandidates = MODIFIED_CANDIDATES;
    }
    this.format = 'pcap';
    const units = variant === 'nsec' || variant === 'aix' ? 1_000_000_000 : 1_000_000;
    this.interfaces.push({ linktype, snaplen: this.pcapSnaplen, unitsPerSecond: units, tsOffset: 0, section: 0, id: 0 });
    if (variant) this.setVariant(variant);
    return hdr;
  }

  private setVariant(v: PcapVariant): void {
    this.variant = v;
    this.pcapHeader = RECORD_HEADER[v];
    this.pcapNs = v === 'nsec' || v === 'aix';
    this.interfaces[0].unitsPerSecond = this.pcapNs ? 1_000_000_000 : 1_000_000;
    // AIX put 3 bytes of padding in front of FDDI frames.
    this.aixFddi = v === 'aix' && this.pcapLinktype === 10;
  }

  private parsePcap(buf: Uint8Array, view: DataView, pos: number, sink: FrameSink): number {
    const le = this.le;
    const hdr = this.pcapHeader;
    const max = this.pcapLink.maxFrame;
    const phdr = this.pcapLink.pseudoHeader + (this.aixFddi ? 3 : 0);
    const ns = this.pcapNs;
    const swap = this.lengthsSwapped;
    const linktype = this.pcapLinktype;
    const end = buf.length;
    let reuse: WindowFrame | null = null;
    if (this.reuseFrames) {
      reuse = this.reused ??= new WindowFrame(buf, linktype);
      reuse.linktype = linktype;
    }
    while (pos + hdr <= end) {
      let caplen = view.getUint32(pos + 8, le);
      let len = view.getUint32(pos + 12, le);
      if (swap === 'yes' || (swap === 'maybe' && caplen > len)) {
        const t = caplen;
        caplen = len;
        len = t;
      }
      if (caplen > max) this.fail(`record claims ${caplen} captured bytes, more than the ${max} allowed`, pos);
      if (pos + hdr + caplen > end) {
        this.need = hdr + caplen;
        return pos;
      }
      if (caplen < phdr) this.fail(`record of ${caplen} bytes is too short for its ${phdr}-byte pseudo-header`, pos);
      const frac = view.getUint32(pos + 4, le);
      const data = pos + hdr + phdr;
      this.dataOffset = this.consumed + data;
      // wiretap keeps the fraction as a signed 32-bit count of ns, unnormalised: a fraction ≥ 1 s stays
      // as it is (tshark then prints e.g. "….1000000000"), and µs·1000 wraps like C's unsigned arithmetic.
      let frame: RawFrame;
      if (reuse) {
        reuse.window(buf, data, caplen - phdr);
        reuse.tsPrecision = ns ? 9 : 6;
        frame = reuse;
      } else {
        frame = { data: buf.subarray(data, data + caplen - phdr), len: 0, linktype, interface: 0, tsSec: 0, tsNsec: 0, noInterfaceId: true, tsPrecision: ns ? 9 : 6 };
      }
      frame.len = phdr ? (len - phdr) >>> 0 : len;
      frame.tsSec = view.getUint32(pos, le);
      frame.tsNsec = ns ? frac | 0 : Math.imul(frac, 1000);
      sink(frame);
      this.frames++;
      pos += hdr + caplen;
    }
    this.need = hdr;
    return pos;
  }

  // ------------------------------------------------------------------ pcapng

  private parsePcapng(buf: Uint8Array, view: DataView, pos: number, sink: FrameSink): number {
    const end = buf.length;
    for (;;) {
      if (end - pos < 8) {
        this.need = 8;
        return pos;
      }
      let total: number;
      let type: number;
      if (view.getUint32(pos, false) === SHB) {
        // A section header sets the byte order of everything up to the next one.
        if (end - pos < 12) {
          this.need = 12;
          return pos;
        }
        const bom = view.getUint32(pos + 8, true);
        if (bom === BOM) this.le = true;
        else if (bom === 0x4d3c2b1a) this.le = false;
        else this.fail('section header has no valid byte-order magic', pos);
        type = SHB;
        total = round4(view.getUint32(pos + 4, this.le));
        if (total < 28) this.fail(`section header block length ${total} is less than the minimum 28`, pos);
      } else {
        type = view.getUint32(pos, this.le);
        total = round4(view.getUint32(pos + 4, this.le));
      }
      // Wireshark's wording, with the length rounded up as it reads it.
      if (total > MAX_BLOCK) this.fail(`total block length ${total} is too large (> ${MAX_BLOCK})`, pos);
      // A length of 0 (or one that wrapped to 0) would never move on.
      if (total === 0) this.fail('total block length 0 is less than the minimum 12', pos);
      if (end - pos < total) {
        this.need = total;
        return pos;
      }
      this.block(buf, view, pos, type, total, sink);
      pos += total;
    }
  }

  /** One complete block at `pos` (its `total` bytes are all in `buf`). */
  private block(buf: Uint8Array, view: DataView, pos: number, type: number, total: number, sink: FrameSink): void {
    const le = this.le;
    const body = pos + 8;
    const bodyEnd = pos + total - 4;
    // wiretap checks the block's contents first, the trailing length last: frames come only from whole blocks.
    let frame: RawFrame | null = null;
    switch (type) {
      case SHB:
        this.sectionHeader(view, pos, body, bodyEnd);
        break;
      case BLOCK_IDB:
        this.interfaceBlock(buf, view, pos, body, bodyEnd);
        break;
      case BLOCK_EPB:
      case BLOCK_PB:
        frame = this.packetBlock(buf, view, pos, body, bodyEnd, type === BLOCK_EPB);
        break;
      case BLOCK_SPB:
        frame = this.simplePacketBlock(buf, view, pos, body, bodyEnd);
        break;
      case BLOCK_NRB:
        this.nameResolutionBlock(view, pos, body, bodyEnd);
        break;
      case BLOCK_ISB:
        if (total < 24) this.fail(`interface statistics block length ${total} is too small`, pos);
        this.options(view, body + 12, bodyEnd, null, null, pos);
        break;
      case BLOCK_DSB: {
        if (total < 20) this.fail(`decryption secrets block length ${total} is too small`, pos);
        const len = view.getUint32(body + 4, le);
        if (len > bodyEnd - body - 8) this.fail(`decryption secrets block claims ${len} bytes of secrets, more than it holds`, pos);
        break;
      }
      case BLOCK_CB_COPY:
      case BLOCK_CB_NO_COPY:
        // tshark lists a custom block as a frame of its own: its bytes after the enterprise number.
        if (total < 16) this.fail(`custom block length ${total} is too small`, pos);
        frame = this.recordFrame(buf, body + 4, bodyEnd - body - 4, bodyEnd - body - 4, null);
        frame.custom = { pen: view.getUint32(body, le), copy: type === BLOCK_CB_COPY };
        break;
      case BLOCK_SYSDIG:
      case BLOCK_SYSDIG_V2:
      case BLOCK_SYSDIG_V2_LARGE:
        frame = this.sysdigBlock(buf, view, pos, type, total);
        break;
      case BLOCK_JOURNAL:
        frame = this.journalBlock(buf, pos, total);
        break;
      default:
        if (total < 12) this.fail(`block length ${total} is less than the minimum 12`, pos);
        break; // unknown and local block types carry nothing tshark shows: skip them
    }
    const trailer = round4(view.getUint32(bodyEnd, le));
    if (trailer !== total) this.fail(`block lengths do not match (${total} at the start, ${trailer} at the end)`, pos);
    if (frame) {
      sink(frame);
      this.frames++;
    }
  }

  /** Not damage: a file past what this reader holds (MAX_INTERFACES, MAX_SECTIONS); the frames before it are kept. */
  private tooMany(what: string, at: number): never {
    throw new CaptureFormatError(`too large: ${what} in one file, the most Handshake Lab reads (at byte ${this.consumed + at})`, this.consumed + at);
  }

  private options(view: DataView, from: number, to: number, fn: ((code: number, off: number, len: number) => void) | null,
    check: Parameters<typeof walkOptions>[5], blockPos: number): void {
    const problem = walkOptions(view, from, to, this.le, fn, check);
    if (problem) this.fail(problem, blockPos);
  }

  private sectionHeader(view: DataView, pos: number, body: number, bodyEnd: number): void {
    const major = view.getUint16(body + 4, this.le);
    const minor = view.getUint16(body + 6, this.le);
    if (!(major === 1 && (minor === 0 || minor === 2))) {
      throw new CaptureFormatError(`unsupported pcapng version ${major}.${minor} (at byte ${this.consumed + pos})`, this.consumed + pos);
    }
    const comments: string[] = [];
    if (this.sectionComments.length >= MAX_SECTIONS) this.tooMany(`more than ${MAX_SECTIONS} sections (section header blocks)`, pos);
    this.options(view, body + 16, bodyEnd, (code, off, len) => {
      if (code !== 1) return;
      if (this.sectionCommentCount >= MAX_SECTION_COMMENTS || this.sectionCommentChars + len > MAX_SECTION_COMMENT_CHARS) {
        if (!this.sectionCommentsCut) comments.push(`[Handshake Lab keeps the first ${MAX_SECTION_COMMENTS.toLocaleString('en-US')} section header comments of a file (${MAX_SECTION_COMMENT_CHARS / 1048576} MB at most): the rest are left out]`);
        this.sectionCommentsCut = true;
        return;
      }
      this.sectionCommentCount++;
      this.sectionCommentChars += len;
      comments.push(this.decoder.decode(new Uint8Array(view.buffer, view.byteOffset + off, len)));
    }, null, pos);
    this.sectionComments.push(comments);
    // A new section: its interfaces are numbered from 0 again (tshark's frame.interface_id is per section).
    this.section++;
    this.sectionBases.push(this.interfaces.length);
  }

  private interfaceBlock(buf: Uint8Array, view: DataView, pos: number, body: number, bodyEnd: number): void {
    if (bodyEnd - body < 8) this.fail('interface description block too short', pos);
    if (this.section < 0) this.fail('interface description block before any section header', pos);
    if (this.interfaces.length >= MAX_INTERFACES) this.tooMany(`more than ${MAX_INTERFACES} interfaces (interface description blocks)`, pos);
    const le = this.le;
    const linktype = view.getUint16(body, le);
    const info: CaptureInterface = {
      linktype,
      snaplen: view.getUint32(body + 4, le),
      unitsPerSecond: 1_000_000,
      tsOffset: 0,
      section: this.section,
      id: this.interfaces.length - this.sectionBases[this.section],
    };
    let units: bigint | null = null;
    let offsetSeen = false;
    this.options(view, body + 8, bodyEnd, (code, off, len) => {
      if (code === 2) info.name ??= this.decoder.decode(buf.subarray(off, off + len));
      else if (code === 3) info.description ??= this.decoder.decode(buf.subarray(off, off + len));
      // Only a 1-byte if_tsresol counts, and only the first (wiretap ignores the rest); same for if_tsoffset.
      else if (code === 9 && len === 1 && units === null) units = unitsFromTsresol(buf[off]);
      else if (code === 14 && len === 8 && !offsetSeen) {
        offsetSeen = true;
        info.tsOffset = Number(view.getBigInt64(off, le));
      }
    }, interfaceOptionCheck, pos);
    const ticks = new TickConverter(units ?? 1_000_000n);
    info.unitsPerSecond = Number(ticks.units);
    this.interfaces.push(info);
    // tshark 4.0 names a frame's interface by its per-section id looked up among all the file's
    // interfaces (so in a second section, id 0 carries the first section's name): shown as tshark does.
    const named = this.interfaces[info.id] ?? info;
    const meta: Iface['meta'] = { section: info.section + 1 };
    if (named.name !== undefined) meta.ifName = named.name;
    if (named.description !== undefined) meta.ifDescription = named.description;
    this.ifaces.push({ info, ticks, link: linkInfo(linktype), meta, digits: precisionOf(info.unitsPerSecond) });
  }

  private sectionIface(localId: number, pos: number): Iface {
    const base = this.sectionBases[this.section] ?? 0;
    const count = this.interfaces.length - base;
    if (this.section < 0 || localId >= count) this.fail(`packet refers to interface ${localId}, but its section has ${Math.max(count, 0)}`, pos);
    return this.ifaces[base + localId];
  }

  private packetBlock(buf: Uint8Array, view: DataView, pos: number, body: number, bodyEnd: number, enhanced: boolean): RawFrame {
    const le = this.le;
    const fixed = 20;
    const total = bodyEnd + 4 - pos;
    if (total < 12 + fixed) this.fail(`${enhanced ? 'enhanced ' : ''}packet block length ${total} is too small`, pos);
    const localId = enhanced ? view.getUint32(body, le) : view.getUint16(body, le);
    const caplen = view.getUint32(body + 12, le);
    if (caplen > total - 12 - fixed - ((4 - (caplen & 3)) & 3)) this.fail(`packet block length ${total} is too small for ${caplen} captured bytes`, pos);
    const iface = this.sectionIface(localId, pos);
    if (caplen > iface.link.maxFrame) this.fail(`packet block claims ${caplen} captured bytes, more than the ${iface.link.maxFrame} allowed`, pos);
    const phdr = iface.link.pseudoHeader;
    if (caplen < phdr) this.fail(`packet of ${caplen} bytes is too short for its ${phdr}-byte pseudo-header`, pos);
    const len = view.getUint32(body + 16, le);
    const data = body + fixed;
    let comments: string[] | undefined;
    let flags: number | undefined;
    // An obsolete packet block's drops count, unless it says "unknown" (0xffff), as wiretap reads it.
    let drops = enhanced ? undefined : view.getUint16(body + 2, le);
    if (drops === 0xffff) drops = undefined;
    this.options(view, data + round4(caplen), bodyEnd, (code, off, olen) => {
      if (code === 1) (comments ??= []).push(this.decoder.decode(buf.subarray(off, off + olen)));
      else if (code === 2) flags = view.getUint32(off, le);
      else if (code === 4) drops = Number(view.getBigUint64(off, le));
    }, packetOptionCheck, pos);
    const t = iface.ticks;
    t.convert(view.getUint32(body + 4, le), view.getUint32(body + 8, le));
    this.dataOffset = this.consumed + data + phdr;
    const frame: RawFrame = {
      data: buf.subarray(data + phdr, data + caplen),
      len: phdr ? (len - phdr) >>> 0 : len,
      linktype: iface.info.linktype,
      interface: iface.info.id,
      tsSec: t.sec + iface.info.tsOffset,
      tsNsec: t.nsec,
      section: this.section,
      pcapng: iface.meta,
      tsPrecision: iface.digits,
    };
    if (comments) frame.comments = comments;
    if (flags !== undefined) frame.packetFlags = flags;
    if (drops !== undefined) frame.dropCount = drops;
    return frame;
  }

  private simplePacketBlock(buf: Uint8Array, view: DataView, pos: number, body: number, bodyEnd: number): RawFrame {
    const total = bodyEnd + 4 - pos;
    if (total < 16) this.fail(`simple packet block length ${total} is too small`, pos);
    const base = this.sectionBases[this.section] ?? 0;
    if (this.section < 0 || this.interfaces.length - base < 1) this.fail('simple packet block before any interface description', pos);
    const iface = this.ifaces[base];
    const len = view.getUint32(body, this.le);
    // The captured length is implied: the original length, cut to the interface's snap length (0: no limit).
    const snap = iface.info.snaplen;
    const caplen = snap !== 0 && len > snap ? snap : len;
    if (total < 16 + round4(caplen)) this.fail(`simple packet block length ${total} is too small for ${caplen} bytes`, pos);
    if (caplen > iface.link.maxFrame) this.fail(`simple packet block claims ${caplen} captured bytes, more than the ${iface.link.maxFrame} allowed`, pos);
    const phdr = iface.link.pseudoHeader;
    if (caplen < phdr) this.fail(`packet of ${caplen} bytes is too short for its ${phdr}-byte pseudo-header`, pos);
    const data = body + 4 + phdr;
    this.dataOffset = this.consumed + data;
    return {
      data: buf.subarray(data, body + 4 + caplen),
      len: phdr ? (len - phdr) >>> 0 : len,
      linktype: iface.info.linktype,
      interface: 0,
      tsSec: 0,
      tsNsec: 0,
      section: this.section,
      pcapng: iface.meta,
      noTimestamp: true,
      tsPrecision: iface.digits,
    };
  }

  /** A record tshark shows as a frame though it is not a packet: no link layer, no interface. */
  private recordFrame(buf: Uint8Array, at: number, caplen: number, len: number, ts: { sec: number; nsec: number } | null): RawFrame {
    this.dataOffset = this.consumed + at;
    const frame: RawFrame = {
      data: buf.subarray(at, at + caplen),
      len,
      linktype: LINKTYPE_NONE,
      interface: 0,
      tsSec: ts ? ts.sec : 0,
      tsNsec: ts ? ts.nsec : 0,
      section: this.section,
      noInterfaceId: true,
    };
    // tshark shows such a record's section, but no interface.
    if (this.format === 'pcapng') frame.pcapng = { section: this.section + 1 };
    if (!ts) frame.noTimestamp = true;
    return frame;
  }

  private nameResolutionBlock(view: DataView, pos: number, body: number, bodyEnd: number): void {
    const le = this.le;
    if (bodyEnd + 4 - pos < 16) this.fail('name resolution block too short', pos);
    let p = body;
    while (p < bodyEnd) {
      if (bodyEnd - p < 4) this.fail('name resolution block ends inside a record header', pos);
      const rtype = view.getUint16(p, le);
      const rlen = view.getUint16(p + 2, le);
      p += 4;
      if (bodyEnd - p < round4(rlen)) this.fail(`name resolution record of ${rlen} bytes runs past its block`, pos);
      if (rtype === 0) break;
      if (rtype === 1 || rtype === 2) {
        const addr = rtype === 1 ? 4 : 16;
        if (rlen < addr) this.fail(`name resolution record length ${rlen} is too small for its address`, pos);
        // Every name must end with a NUL inside the record.
        let nameStart = p + addr;
        const recEnd = p + rlen;
        while (nameStart < recEnd) {
          let q = nameStart;
          while (q < recEnd && view.getUint8(q) !== 0) q++;
          if (q >= recEnd) this.fail('name resolution record has a name without its terminating NUL', pos);
          nameStart = q + 1;
        }
      }
      p += round4(rlen);
    }
    this.options(view, p, bodyEnd, null, null, pos);
  }

  private sysdigBlock(buf: Uint8Array, view: DataView, pos: number, type: number, total: number): RawFrame {
    const min = type === BLOCK_SYSDIG ? 36 : 40;
    if (total < min) this.fail(`Sysdig event block length ${total} is too small`, pos);
    const le = this.le;
    const body = pos + 8;
    const ns = view.getBigUint64(body + 2, le);
    const eventLen = view.getUint32(body + 18, le);
    return this.recordFrame(buf, pos + min - 4, total - min, eventLen, { sec: Number(ns / 1_000_000_000n), nsec: Number(ns % 1_000_000_000n) });
  }

  private journalBlock(buf: Uint8Array, pos: number, total: number): RawFrame {
    if (total < 35) this.fail(`systemd journal export block length ${total} is too small`, pos);
    const start = pos + 8;
    let len = total - 12;
    while (len > 0 && buf[start + len - 1] === 0) len--;
    if (len < 23) this.fail(`systemd journal entry of ${len} bytes is too small`, pos);
    // The time is the entry's __REALTIME_TIMESTAMP (µs), looked for as a C string search would (up to a NUL).
    let ts: { sec: number; nsec: number } | null = null;
    let textEnd = 0;
    while (textEnd < len && buf[start + textEnd] !== 0) textEnd++;
    const at = indexOfBytes(buf, start, start + textEnd, JOURNAL_TS_KEY);
    if (at >= 0 && at + JOURNAL_TS_KEY.length < start + len) {
      let p = at + JOURNAL_TS_KEY.length;
      // strtoull: leading white space and a '+' are accepted; at least one digit; no overflow.
      while (p < start + textEnd && (buf[p] === 0x20 || (buf[p] >= 0x09 && buf[p] <= 0x0d))) p++;
      if (p < start + textEnd && buf[p] === 0x2b) p++;
      let us = 0n;
      let digits = 0;
      while (p < start + textEnd && buf[p] >= 0x30 && buf[p] <= 0x39) {
        us = us * 10n + BigInt(buf[p] - 0x30);
        digits++;
        p++;
      }
      if (digits > 0 && us < 1n << 64n) ts = { sec: Number(us / 1_000_000n), nsec: Number(us % 1_000_000n) * 1000 };
    }
    return this.recordFrame(buf, start, len, len, ts);
  }
}
