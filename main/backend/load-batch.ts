// Frames as the loading thread hands them to the main thread (load-worker.ts → file-loader.ts): a batch of
// frames in a few transferred buffers (their bytes one after the other, and a typed array per field)
// instead of an object per frame, which structured cloning would copy one by one. What is the same for
// many frames (link type, interface, section, precision: the "meta") is sent once and named by number;
// what a pcapng block says beside a frame's bytes (comments, flags, drops, custom block) is rare, and
// sent for the frames that have it.
import { blockFactsCost } from '../engine/store/block-facts-cost';
import type { RawFrame } from '../engine/types';
import { WindowFrame } from '../engine/io/reader';
import { candidateOf, SEG_WORDS } from './load-candidates';

/** A frame's fields that many frames share: everything but its bytes, lengths, time and block facts. */
export type FrameMeta = Pick<RawFrame, 'linktype' | 'interface' | 'section' | 'noTimestamp' | 'noInterfaceId' | 'hasTimestamp' | 'pcapng' | 'tsPrecision'>;
type MetaExtra = Omit<FrameMeta, 'linktype' | 'interface'>;
export type FrameFacts = Pick<RawFrame, 'comments' | 'packetFlags' | 'dropCount' | 'custom'>;

export interface FrameBatch {
  type: 'batch';
  count: number;
  /** Every frame's captured bytes, one after the other: frame i is bytes[start[i], start[i + 1]). */
  bytes: Uint8Array;
  start: Uint32Array;
  /** Where frame i's bytes start in the file (the store re-reads them from there). */
  fileOffset: Float64Array;
  len: Uint32Array;
  tsSec: Float64Array;
  tsNsec: Int32Array;
  meta: Uint16Array;
  /** Metas first used in this batch: [number, meta]. */
  metas: [number, FrameMeta][];
  /** Block facts: [index in the batch, facts]. */
  facts: [number, FrameFacts][];
  /** The loading pipeline's word on each frame (load-candidates.ts): whether the store's fast path may take it… */
  fast?: Uint8Array;
  /** … and its TCP segment (SEG_WORDS numbers per frame). */
  seg?: Uint32Array;
  /** File bytes read when the batch was cut (progress). */
  bytesRead: number;
  /** The section headers' comments, when they changed since the last batch. */
  sectionComments?: string[];
}

/** The loading thread's last word: how the file ended (the frames before it came in batches). */
export type LoadEnd =
  | { type: 'end'; ok: true; bytesRead: number; totalBytes: number; sectionComments: string[] }
  | { type: 'end'; ok: false; problem: string; bytesRead: number; totalBytes: number; sectionComments: string[] }
  /** A bug, not bad input: thrown again on the main thread, as the in-process loader would throw it. */
  | { type: 'crash'; message: string; stack?: string };

/**
 * The heap a loading thread may use, at most (MB; worker_threads' maxOldGenerationSizeMb): past it Node
 * ends that thread alone (ERR_WORKER_OUT_OF_MEMORY) rather than the process, and the load stops with
 * `outOfMemory`'s words. Without a limit a thread may take as much as the main thread (4 GB here), and a
 * file of a million one-SYN connections took a server's storing thread past 2.5 GB. A loader given a
 * smaller limit (a browser's upload: serve's --upload-memory) passes it on.
 */
export const LOAD_THREAD_HEAP_MB = 4096;

/** Whether a thread's error is its heap running out (the thread is ended; the process goes on). */
export function isOutOfMemory(e: unknown): boolean {
  return (e as { code?: unknown } | null)?.code === 'ERR_WORKER_OUT_OF_MEMORY';
}

/** What a load stopped by its thread's heap limit says. */
export function outOfMemory(path: string, heapMb: number): string {
  return `${path}: loading it took more than ${heapMb} MB of memory, the most one load may use on this server; the frames before that point are loaded`;
}

/** The main thread's word to the loading thread: a batch was stored (one more may be sent). */
export interface BatchAck { type: 'ack' }

/** Collects frames into batches (the loading thread). */
export class BatchWriter {
  private metaIds = new Map<string, number>();
  private last: RawFrame | null = null;
  private lastMeta = -1;
  private b: FrameBatch | null = null;
  private used = 0;

  /** Frames per batch from the next batch on (the first batches may be smaller, to show rows at once). */
  /** `candidates`: each frame goes with the loading pipeline's word on it (FrameBatch.fast and seg: load-candidates.ts). */
  /** What the block facts of the batch being filled cost (FACT_BATCH_BYTES). */
  private factBytes = 0;

  constructor(public maxFrames: number, private readonly maxBytes: number, private readonly candidates = false) {}

  get count(): number {
    return this.b ? this.b.count : 0;
  }

  /** Whether `caplen` more bytes or one more frame would not fit the batch being filled. */
  wouldOverflow(caplen: number): boolean {
    return !!this.b && (this.b.count >= this.b.meta.length || this.used + caplen > this.b.bytes.length || this.factBytes >= FACT_BATCH_BYTES);
  }

  add(raw: RawFrame, dataOffset: number, caplen: number): void {
    const b = (this.b ??= this.newBatch(caplen));
    const i = b.count++;
    b.bytes.set(raw.data, this.used);
    b.start[i] = this.used;
    this.used += caplen;
    b.start[i + 1] = this.used;
    b.fileOffset[i] = dataOffset;
    b.len[i] = raw.len;
    b.tsSec[i] = raw.tsSec;
    b.tsNsec[i] = raw.tsNsec;
    b.meta[i] = this.metaOf(raw, b);
    if (b.fast && b.seg) b.fast[i] = candidateOf(raw, b.seg, i);
    const f = frameFacts(raw);
    if (f) {
      b.facts.push([i, f]);
      this.factBytes += blockFactsCost(f);
    }
  }

  /** The batch filled so far (null if empty), and the buffers to transfer with it. */
  take(bytesRead: number): { batch: FrameBatch; transfer: ArrayBuffer[] } | null {
    const b = this.b;
    if (!b || b.count === 0) return null;
    this.b = null;
    this.used = 0;
    this.factBytes = 0;
    b.bytesRead = bytesRead;
    const transfer = [b.bytes.buffer, b.start.buffer, b.fileOffset.buffer, b.len.buffer, b.tsSec.buffer, b.tsNsec.buffer, b.meta.buffer] as ArrayBuffer[];
    if (b.fast && b.seg) transfer.push(b.fast.buffer as ArrayBuffer, b.seg.buffer as ArrayBuffer);
    return { batch: b, transfer };
  }

  private newBatch(caplen: number): FrameBatch {
    const n = this.maxFrames;
    return {
      type: 'batch', count: 0, bytes: new Uint8Array(Math.max(this.maxBytes, caplen)), start: new Uint32Array(n + 1),
      fileOffset: new Float64Array(n), len: new Uint32Array(n), tsSec: new Float64Array(n), tsNsec: new Int32Array(n), meta: new Uint16Array(n),
      metas: [], facts: [], bytesRead: 0, ...(this.candidates ? { fast: new Uint8Array(n), seg: new Uint32Array(n * SEG_WORDS) } : {}),
    };
  }

  private metaOf(raw: RawFrame, b: FrameBatch): number {
    const l = this.last;
    // Most frames share the one before's meta: compared field by field, no key made.
    if (l && this.lastMeta >= 0 && l.linktype === raw.linktype && l.interface === raw.interface && l.section === raw.section && l.pcapng === raw.pcapng
      && l.tsPrecision === raw.tsPrecision && l.noTimestamp === raw.noTimestamp && l.noInterfaceId === raw.noInterfaceId && l.hasTimestamp === raw.hasTimestamp) {
      this.rememberLast(raw);
      return this.lastMeta;
    }
    const meta: FrameMeta = { linktype: raw.linktype, interface: raw.interface };
    if (raw.section !== undefined) meta.section = raw.section;
    if (raw.noTimestamp !== undefined) meta.noTimestamp = raw.noTimestamp;
    if (raw.noInterfaceId !== undefined) meta.noInterfaceId = raw.noInterfaceId;
    if (raw.hasTimestamp !== undefined) meta.hasTimestamp = raw.hasTimestamp;
    if (raw.pcapng !== undefined) meta.pcapng = { ...raw.pcapng };
    if (raw.tsPrecision !== undefined) meta.tsPrecision = raw.tsPrecision;
    const key = JSON.stringify(meta);
    let id = this.metaIds.get(key);
    if (id === undefined) {
      id = this.metaIds.size;
      if (id > 0xffff) throw new Error('more than 65,536 kinds of frame meta in one file');
      this.metaIds.set(key, id);
      // Sent once, with the first batch that uses it (the reader keeps every meta it was sent).
      b.metas.push([id, meta]);
    }
    this.lastMeta = id;
    this.rememberLast(raw);
    return id;
  }

  /** The fields metaOf compares (the frame object itself may be refilled by the reader: a copy of them). */
  private rememberLast(raw: RawFrame): void {
    const l = (this.last ??= { data: new Uint8Array(0), len: 0, linktype: 0, interface: 0, tsSec: 0, tsNsec: 0 });
    l.linktype = raw.linktype;
    l.interface = raw.interface;
    l.section = raw.section;
    l.pcapng = raw.pcapng;
    l.tsPrecision = raw.tsPrecision;
    l.noTimestamp = raw.noTimestamp;
    l.noInterfaceId = raw.noInterfaceId;
    l.hasTimestamp = raw.hasTimestamp;
  }
}

/** Turns batches back into frames (the main thread): each frame as the reader made it. */
export class BatchReader {
  /** `window`: the meta is a classic pcap frame's (interface 0, no interface id, a precision), as a WindowFrame has it. */
  private readonly metas: { linktype: number; interface: number; extra: MetaExtra | null; window: boolean }[] = [];
  /** The frame frameBorrowed refills. */
  private readonly borrowed = new WindowFrame(new Uint8Array(0), 0);
  private facts = new Map<number, FrameFacts>();
  private b: FrameBatch | null = null;

  /** Takes a batch: frames 0 … batch.count − 1 can now be made. */
  use(b: FrameBatch): void {
    for (const [id, m] of b.metas) {
      const { linktype, interface: iface, ...extra } = m;
      const keys = Object.keys(extra);
      const window = iface === 0 && extra.noInterfaceId === true && extra.tsPrecision !== undefined && keys.length === 2;
      this.metas[id] = { linktype, interface: iface, extra: keys.length ? extra : null, window };
    }
    this.facts = new Map(b.facts);
    this.b = b;
  }

  frame(i: number): RawFrame {
    const b = this.b as FrameBatch;
    const m = this.metas[b.meta[i]];
    const raw: RawFrame = { data: b.bytes.subarray(b.start[i], b.start[i + 1]), len: b.len[i], linktype: m.linktype, interface: m.interface, tsSec: b.tsSec[i], tsNsec: b.tsNsec[i] };
    if (m.extra) Object.assign(raw, m.extra);
    const f = this.facts.size ? this.facts.get(i) : undefined;
    if (f) Object.assign(raw, f);
    return raw;
  }

  /**
   * Frame i as frame(i) makes it, for a caller that keeps nothing of it once the next is asked for (the
   * storing thread: its store copies what goes to the full dissector): a classic pcap frame without block
   * facts, the most common, is one WindowFrame refilled, as the reader had it (no object and no view of
   * its bytes made per frame).
   */
  frameBorrowed(i: number): RawFrame {
    const b = this.b as FrameBatch;
    const m = this.metas[b.meta[i]];
    if (!m.window || (this.facts.size && this.facts.has(i))) return this.frame(i);
    const w = this.borrowed;
    w.window(b.bytes, b.start[i], b.start[i + 1] - b.start[i]);
    w.linktype = m.linktype;
    w.tsPrecision = (m.extra as MetaExtra).tsPrecision as number;
    w.len = b.len[i];
    w.tsSec = b.tsSec[i];
    w.tsNsec = b.tsNsec[i];
    return w;
  }

  fileOffset(i: number): number {
    return (this.b as FrameBatch).fileOffset[i];
  }
}

/**
 * What a batch's block facts may cost before it is cut: the upload budget is looked at between batches, and
 * 4,000 frames of a thousand tiny comments each, in one batch, took 436 MB before the first look (fresh eyes).
 */
export const FACT_BATCH_BYTES = 1024 * 1024;

/** What a batch keeps of a frame's block facts (comments, flags, drop count, custom block), copied; null when it has none. */
export function frameFacts(raw: RawFrame): FrameFacts | null {
  if (!((raw.comments && raw.comments.length) || raw.packetFlags !== undefined || raw.dropCount !== undefined || raw.custom)) return null;
  const f: FrameFacts = {};
  if (raw.comments) f.comments = raw.comments.slice();
  if (raw.packetFlags !== undefined) f.packetFlags = raw.packetFlags;
  if (raw.dropCount !== undefined) f.dropCount = raw.dropCount;
  if (raw.custom) f.custom = { ...raw.custom };
  return f;
}
