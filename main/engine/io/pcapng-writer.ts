// pcapng writer (little-endian, one section): a Section Header Block, an Interface Description Block per
// distinct (link type, snap length, if_name), and an Enhanced Packet Block per frame with its comments.
// Incremental: every call returns the bytes to append, so a live capture can stream its autosave file and
// never hold the capture in memory. Timestamps are written with if_tsresol 9 (nanoseconds), which keeps
// every RawFrame timestamp exact (the reader converts all resolutions to ns). A 64-bit ns count covers
// 1970..2554; a frame outside that (damaged files do have them) goes to a copy of its interface with an
// if_tsoffset, so its time is still written exactly instead of wrapping.
import type { RawFrame } from '../types';

const BLOCK_SHB = 0x0a0d0d0a, BLOCK_IDB = 1, BLOCK_EPB = 6;
const OPT_COMMENT = 1, OPT_SHB_USERAPPL = 4, OPT_IF_NAME = 2, OPT_IF_DESCRIPTION = 3, OPT_IF_TSRESOL = 9, OPT_IF_TSOFFSET = 14;
const EPB_FIXED = 28; // block type, length, interface id, timestamp (2 words), captured and original length
/** An option's value is at most 65535 bytes (16-bit length). */
const MAX_OPTION = 0xffff;
const DEFAULT_SNAPLEN = 262144;

const pad4 = (n: number) => (n + 3) & ~3;
const encoder = new TextEncoder();

/** What an interface block says. Interfaces with equal linktype, snaplen and name share one block. */
export interface PcapngInterfaceSpec {
  linktype: number;
  /** Snap length in the IDB (0 means "no limit" in pcapng). Default: the writer's snaplen. */
  snaplen?: number;
  /** if_name, e.g. "lo". */
  name?: string;
  /** if_description. */
  description?: string;
  /** if_tsoffset in seconds (set by the writer for times a 64-bit ns count cannot hold). */
  tsOffset?: number;
}

export interface PcapngWriterOptions {
  /** shb_userappl; default "Handshake Lab". */
  application?: string;
  /** Snap length for interfaces that do not give one; default 262144 (libpcap's default). */
  snaplen?: number;
  /** if_name for interfaces that do not give one (and whose frames carry none). */
  interfaceName?: string;
  /** Comments of the section header (opt_comment, one option each). */
  comments?: string[];
  /**
   * Bytes to reserve for the section header, so it can be written again later with more comments
   * (sectionHeader()) without moving anything after it. The room after opt_endofopt is zeros, which
   * wiretap and this reader skip.
   */
  headerRoom?: number;
}

export interface PcapngChunk {
  /** Bytes to append to the file: pending header/interface blocks first, then one EPB per written frame. */
  bytes: Uint8Array;
  /** Per input frame: the file offset of its captured bytes (-1 for records that are not packets). */
  dataOffsets: number[];
  /** Per input frame: the interface id a reader of the file will give it (-1 for records that are not packets). */
  interfaceIds: number[];
}

/** Picks the interface of a frame: an id from addInterface/interfaceFor, or a spec (found or added). */
export type InterfacePicker = (frame: RawFrame, index: number) => number | PcapngInterfaceSpec;

/** One option: code, length, value padded to 4 bytes. Values longer than an option can hold are cut. */
function option(code: number, value: Uint8Array): Uint8Array {
  const v = value.length > MAX_OPTION ? value.subarray(0, MAX_OPTION) : value;
  const out = new Uint8Array(4 + pad4(v.length));
  const dv = new DataView(out.buffer);
  dv.setUint16(0, code, true);
  dv.setUint16(2, v.length, true);
  out.set(v, 4);
  return out;
}

/** A UTF-8 string option; cut at a character boundary when it would not fit. */
function textOption(code: number, text: string): Uint8Array {
  let bytes = encoder.encode(text);
  if (bytes.length > MAX_OPTION) {
    let end = MAX_OPTION;
    while (end > 0 && (bytes[end] & 0xc0) === 0x80) end--; // don't split a multi-byte character
    bytes = bytes.subarray(0, end);
  }
  return option(code, bytes);
}

/** An options list, closed with opt_endofopt (or nothing when there are no options, as the spec allows). */
function optionList(opts: Uint8Array[]): Uint8Array[] {
  return opts.length ? [...opts, new Uint8Array(4)] : [];
}

/** A block: type, total length, body parts, total length again. */
function block(type: number, parts: Uint8Array[]): Uint8Array {
  let bodyLen = 0;
  for (const p of parts) bodyLen += p.length;
  const total = 12 + bodyLen;
  const out = new Uint8Array(total);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, type, true);
  dv.setUint32(4, total, true);
  let at = 8;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  dv.setUint32(total - 4, total, true);
  return out;
}

function concat(parts: Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const NS_PER_S = 1_000_000_000n;
/** Times are split into an if_tsoffset (a multiple of 10⁹ s) and ns ticks when they do not fit 64 bits. */
const OFFSET_STEP_NS = NS_PER_S * NS_PER_S;
const MAX_TICKS = 1n << 64n;

/** The frame's time in ns since the epoch (an unnormalised fraction counts as it is, as tshark adds it). */
function nanoseconds(f: RawFrame): bigint {
  const whole = (x: number) => BigInt(Number.isFinite(x) ? Math.trunc(x) : 0); // never throw on a bad time
  return whole(f.tsSec) * NS_PER_S + whole(f.tsNsec);
}

export class PcapngWriter {
  private readonly keys = new Map<string, number>();
  private readonly specs: PcapngInterfaceSpec[] = [];
  /** Blocks made but not yet handed out (the section header, interface blocks). */
  private pending: Uint8Array[] = [];
  private pendingLen = 0;
  private written = 0;
  private readonly snaplen: number;

  private readonly headerLength: number;

  constructor(private readonly options: PcapngWriterOptions = {}) {
    this.snaplen = options.snaplen ?? DEFAULT_SNAPLEN;
    const shb = this.shb(options.comments ?? [], options.headerRoom ?? 0);
    this.headerLength = shb.length;
    this.queue(shb);
  }

  private shb(comments: readonly string[], room: number): Uint8Array {
    const fixed = new Uint8Array(16);
    const dv = new DataView(fixed.buffer);
    dv.setUint32(0, 0x1a2b3c4d, true); // byte-order magic
    dv.setUint16(4, 1, true); // version 1.0
    dv.setUint16(6, 0, true);
    dv.setInt32(8, -1, true); // section length unknown (the file grows as we go)
    dv.setInt32(12, -1, true);
    const parts = [fixed, ...optionList([textOption(OPT_SHB_USERAPPL, this.options.application ?? 'Handshake Lab'), ...comments.map((c) => textOption(OPT_COMMENT, c))])];
    const used = 12 + parts.reduce((n, p) => n + p.length, 0);
    if (used < room) parts.push(new Uint8Array(pad4(room) - used));
    return block(BLOCK_SHB, parts);
  }

  /**
   * The section header again, with `comments`, exactly as long as the first one (to write over it).
   * Null when they do not fit the room reserved (options.headerRoom).
   */
  sectionHeader(comments: readonly string[]): Uint8Array | null {
    const b = this.shb(comments, this.headerLength);
    return b.length === this.headerLength ? b : null;
  }

  /** Bytes handed out so far (the file's size once they are all written). */
  get bytesWritten(): number {
    return this.written;
  }

  /** Interfaces in id order. */
  get interfaces(): readonly PcapngInterfaceSpec[] {
    return this.specs;
  }

  /**
   * Adds an interface block (always a new one, even if an equal one exists: e.g. to keep a source file's
   * interface numbering). Its bytes go out with the next header()/frames() call. Returns its id.
   */
  addInterface(spec: PcapngInterfaceSpec): number {
    const full: PcapngInterfaceSpec = { ...spec, snaplen: spec.snaplen ?? this.snaplen };
    const id = this.specs.length;
    this.specs.push(full);
    const key = this.keyOf(full);
    if (!this.keys.has(key)) this.keys.set(key, id);
    const fixed = new Uint8Array(8);
    const dv = new DataView(fixed.buffer);
    dv.setUint16(0, full.linktype & 0xffff, true);
    dv.setUint32(4, (full.snaplen ?? this.snaplen) >>> 0, true);
    const opts: Uint8Array[] = [];
    if (full.name !== undefined) opts.push(textOption(OPT_IF_NAME, full.name));
    if (full.description !== undefined) opts.push(textOption(OPT_IF_DESCRIPTION, full.description));
    opts.push(option(OPT_IF_TSRESOL, Uint8Array.of(9)));
    if (full.tsOffset) {
      const off = new Uint8Array(8);
      new DataView(off.buffer).setBigInt64(0, BigInt(full.tsOffset), true);
      opts.push(option(OPT_IF_TSOFFSET, off));
    }
    this.queue(block(BLOCK_IDB, [fixed, ...optionList(opts)]));
    return id;
  }

  /** The id of an interface equal to `spec` (linktype, snaplen, name), adding it when new. */
  interfaceFor(spec: PcapngInterfaceSpec): number {
    const full: PcapngInterfaceSpec = { ...spec, snaplen: spec.snaplen ?? this.snaplen };
    return this.keys.get(this.keyOf(full)) ?? this.addInterface(full);
  }

  /** The pending header bytes: the section header (first call) and any interfaces added since. */
  header(): Uint8Array {
    return this.take([], 0);
  }

  /**
   * Bytes for `frames` (pending header/interface blocks first). By default a frame's interface is the one
   * with its link type, the writer's snaplen and its if_name (from the frame, else the writer's
   * interfaceName); `pick` chooses otherwise. Records that are not packets (link type < 0) are skipped.
   */
  frames(frames: readonly RawFrame[], pick?: InterfacePicker): PcapngChunk {
    const parts: Uint8Array[] = [];
    let len = 0;
    const dataOffsets: number[] = [];
    const interfaceIds: number[] = [];
    frames.forEach((f, i) => {
      if (f.linktype < 0) {
        dataOffsets.push(-1);
        interfaceIds.push(-1);
        return;
      }
      const chosen = pick ? pick(f, i) : this.defaultSpec(f);
      // An id no interface has would make the file unreadable: such frames get their default interface.
      let id = typeof chosen !== 'number' ? this.interfaceFor(chosen)
        : Number.isInteger(chosen) && chosen >= 0 && chosen < this.specs.length ? chosen : this.interfaceFor(this.defaultSpec(f));
      const base = this.specs[id];
      let ticks = nanoseconds(f) - BigInt(base.tsOffset ?? 0) * NS_PER_S;
      if (ticks < 0n || ticks >= MAX_TICKS) {
        const steps = ticks / OFFSET_STEP_NS - (ticks < 0n && ticks % OFFSET_STEP_NS !== 0n ? 1n : 0n); // floor
        ticks -= steps * OFFSET_STEP_NS;
        id = this.interfaceFor({ ...base, tsOffset: (base.tsOffset ?? 0) + Number(steps * NS_PER_S) });
      }
      // Interface blocks this frame needed go before it.
      for (const p of this.pending) {
        parts.push(p);
        len += p.length;
      }
      this.pending = [];
      this.pendingLen = 0;
      const epb = this.packetBlock(f, id, ticks);
      dataOffsets.push(this.written + len + EPB_FIXED);
      interfaceIds.push(id);
      parts.push(epb);
      len += epb.length;
    });
    return { bytes: this.take(parts, len), dataOffsets, interfaceIds };
  }

  private defaultSpec(f: RawFrame): PcapngInterfaceSpec {
    const name = f.pcapng?.ifName ?? this.options.interfaceName;
    return { linktype: f.linktype, snaplen: this.snaplen, ...(name !== undefined ? { name } : {}) };
  }

  private keyOf(s: PcapngInterfaceSpec): string {
    return `${s.linktype}/${s.snaplen}/${s.tsOffset ?? 0}/${s.name === undefined ? '' : `=${s.name}`}`;
  }

  private packetBlock(f: RawFrame, id: number, ns: bigint): Uint8Array {
    const caplen = f.data.length;
    const opts = optionList((f.comments ?? []).map((c) => textOption(OPT_COMMENT, c)));
    let optLen = 0;
    for (const o of opts) optLen += o.length;
    const total = EPB_FIXED + pad4(caplen) + optLen + 4;
    const out = new Uint8Array(total);
    const dv = new DataView(out.buffer);
    dv.setUint32(0, BLOCK_EPB, true);
    dv.setUint32(4, total, true);
    dv.setUint32(8, id, true);
    dv.setUint32(12, Number(ns >> 32n), true);
    dv.setUint32(16, Number(ns & 0xffffffffn), true);
    dv.setUint32(20, caplen, true);
    dv.setUint32(24, f.len >>> 0, true);
    out.set(f.data, EPB_FIXED);
    let at = EPB_FIXED + pad4(caplen);
    for (const o of opts) {
      out.set(o, at);
      at += o.length;
    }
    dv.setUint32(total - 4, total, true);
    return out;
  }

  private queue(b: Uint8Array): void {
    this.pending.push(b);
    this.pendingLen += b.length;
  }

  /** Pending blocks followed by `parts`, as one array; counts them as written. */
  private take(parts: Uint8Array[], len: number): Uint8Array {
    const all = parts.length && !this.pending.length ? parts : [...this.pending, ...parts];
    const total = len + (all === parts ? 0 : this.pendingLen);
    this.pending = [];
    this.pendingLen = 0;
    this.written += total;
    return all.length === 1 ? all[0] : concat(all, total);
  }
}
