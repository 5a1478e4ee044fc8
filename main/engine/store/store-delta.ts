// A store's first pass made once and copied: the loading thread's FrameStore ingests every frame (the same
// code, so the same fast-path decisions and facts), and after each batch hands over a delta of itself: the
// appended slice of every per-frame column, the arena bytes written since (at the same addresses), the new
// strings and links, the touched streams' columns, and what later segments revised in place. The event
// loop's store adopts it with bulk copies, and ends up identical, column for column and record for record
// (test/engine/store-delta.test.ts), without running the trackers itself.
import type { RawFrame, StateNote } from '../types';
import type { Session } from '../session';
import type { StreamOnly } from '../tcp/tracker';
import { EVIDENCE_HORIZON } from '../tcp/states';
import type { ArenaWriter } from './arena';
import type { Column, Interner, TypedArray } from './columns';
import type { RecordStrings } from './tcp-record';

type Link = { linktype: number; interface: number; meta: Pick<RawFrame, 'section' | 'noInterfaceId' | 'pcapng' | 'tsPrecision'> };
type BlockFacts = Pick<RawFrame, 'comments' | 'packetFlags' | 'dropCount' | 'custom'>;
type FrameColumn = 'off' | 'sec' | 'nsec' | 'caplen' | 'wirelen' | 'link' | 'src' | 'dst' | 'proto' | 'stream' | 'tflags' | 'aflags'
  | 'states' | 'misc' | 'prev' | 'rec' | 'tapes';
type StreamColumn = 'sFirst' | 'sLast' | 'sClient' | 'sServer' | 'sFramesC' | 'sFramesS' | 'sBytesC' | 'sBytesS' | 'sStates' | 'sIrtt'
  | 'sHandshake' | 'sStartStates' | 'sStartCause' | 'sRetrans';
type T0 = { sec: number; nsec: number } | null;

/** What FrameStore.parts() lends this module (its own fields: no copies). */
export interface StoreParts {
  cols: Record<FrameColumn, Column>;
  streamCols: Record<StreamColumn, Column>;
  names: Interner;
  strings: RecordStrings;
  arena: ArenaWriter;
  longStrings: string[];
  links: Link[];
  extras: Map<number, Record<string, unknown>>;
  notes: Map<number, StateNote[]>;
  blockFacts: Map<number, BlockFacts>;
  unanalysed: Map<number, StreamOnly>;
  untimed: Set<number>;
  revisedFrom: Map<number, number>;
  session: Session | null;
  /** Frames whose rare facts or revised states changed since the last call (the first call starts the journal). */
  journal(): number[];
  scalars(): { t0: T0; streamCount: number; missedSegments: number };
  /** Takes the other pass's scalars, and its streams' frames whose states may still change ([] for none). */
  adopted(t0: T0, streamCount: number, missedSegments: number, open: Uint32Array): void;
}

/** A frame's facts as they stand now, for a frame stored before or revised since (rare). */
export interface FrameChange {
  n: number;
  states: number;
  rec: number;
  notes: StateNote[] | null;
  extra: Record<string, unknown> | null;
  facts: BlockFacts | null;
  unanalysed: StreamOnly | null;
  untimed: boolean;
}


export interface StoreDelta {
  /** The delta's frames are numbers from … from + count − 1. */
  from: number;
  count: number;
  cols: Record<FrameColumn, TypedArray>;
  arena: { chunk: number; from: number; bytes: Uint8Array }[];
  names: string[];
  expert: string[];
  prefix: string[];
  text: string[];
  longStrings: string[];
  links: Link[];
  /** Streams whose columns changed (new frames, revisions), and those columns' values for them, in that order. */
  streams: Uint32Array;
  streamCols: Record<StreamColumn, TypedArray>;
  streamCount: number;
  missedSegments: number;
  t0: T0;
  changes: FrameChange[];
  /** FrameStore.takeRevised() after the delta's frames. */
  revised: { stream: number; fromFrame: number }[];
  /**
   * Streams whose frames whose states their state tracker may still change (connection().provisionalFrom)
   * changed: stream, count, frames…, one after the other (a count of 0: none now).
   */
  open: Uint32Array;
  /**
   * Frames whose ingest made state transitions (for the live pushes), three numbers each: the frame, its
   * states (packed) and the address of its record as ingested (a later revision writes a new one).
   */
  transitions: Uint32Array;
}

const FRAME_COLUMNS: readonly FrameColumn[] = ['off', 'sec', 'nsec', 'caplen', 'wirelen', 'link', 'src', 'dst', 'proto', 'stream', 'tflags',
  'aflags', 'states', 'misc', 'prev', 'rec', 'tapes'];
const STREAM_COLUMNS: readonly StreamColumn[] = ['sFirst', 'sLast', 'sClient', 'sServer', 'sFramesC', 'sFramesS', 'sBytesC', 'sBytesS', 'sStates',
  'sIrtt', 'sHandshake', 'sStartStates', 'sStartCause', 'sRetrans'];

/** Takes deltas of a store as it ingests (create it before the store's first frame). */
export class DeltaTaker {
  private readonly p: StoreParts;
  private frames = 0;
  private arenaMark: { chunk: number; pos: number };
  private readonly sizes = { names: 0, expert: 0, prefix: 0, text: 0, longStrings: 0, links: 0 };
  /** Marks of streams already listed in the delta being made. */
  private seen = new Uint8Array(1024);
  /** Streams last said to have frames whose states may change. */
  private readonly openSent = new Set<number>();

  constructor(store: { parts(): StoreParts }) {
    this.p = store.parts();
    this.p.journal();
    this.arenaMark = this.p.arena.mark;
  }

  /** Everything the store gained or changed since the last delta (`transitions`: see StoreDelta.transitions). */
  take(transitions: readonly number[] = []): StoreDelta {
    const p = this.p;
    const from = this.frames, to = p.cols.off.length;
    this.frames = to;
    const cols = {} as Record<FrameColumn, TypedArray>;
    for (const k of FRAME_COLUMNS) cols[k] = p.cols[k].slice(from, to);
    const arena = p.arena.since(this.arenaMark);
    this.arenaMark = p.arena.mark;
    const s = this.sizes;
    const names = p.names.valuesFrom(s.names), expert = p.strings.expert.valuesFrom(s.expert);
    const prefix = p.strings.prefix.valuesFrom(s.prefix), text = p.strings.text.valuesFrom(s.text);
    const longStrings = p.longStrings.slice(s.longStrings), links = p.links.slice(s.links);
    s.names += names.length; s.expert += expert.length; s.prefix += prefix.length; s.text += text.length;
    s.longStrings += longStrings.length; s.links += links.length;

    const changes: FrameChange[] = [];
    const journal = p.journal();
    const changed = new Set<number>();
    for (const n of journal) {
      if (changed.has(n)) continue;
      changed.add(n);
      const i = n - 1;
      changes.push({
        n, states: p.cols.states.get(i), rec: p.cols.rec.get(i), notes: p.notes.get(n) ?? null, extra: p.extras.get(n) ?? null,
        facts: p.blockFacts.get(n) ?? null, unanalysed: p.unanalysed.get(n) ?? null, untimed: p.untimed.has(n),
      });
    }
    const revised = [...p.revisedFrom].map(([stream, fromFrame]) => ({ stream, fromFrame }));
    p.revisedFrom.clear();

    // The streams touched: those of the new frames, and those of frames revised.
    const { streamCount, missedSegments, t0 } = p.scalars();
    if (this.seen.length < streamCount) this.seen = new Uint8Array(Math.max(streamCount, 2 * this.seen.length));
    const list: number[] = [];
    const mark = (st: number) => {
      if (st >= 0 && !this.seen[st]) { this.seen[st] = 1; list.push(st); }
    };
    const stream = cols.stream;
    for (let i = 0; i < stream.length; i++) mark(stream[i]);
    for (const c of changes) mark(p.cols.stream.get(c.n - 1));
    for (const r of revised) mark(r.stream);
    for (const st of list) this.seen[st] = 0;
    const streams = Uint32Array.from(list);
    const streamCols = {} as Record<StreamColumn, TypedArray>;
    for (const k of STREAM_COLUMNS) {
      const c = p.streamCols[k];
      const out = c.slice(0, 0).constructor as new (n: number) => TypedArray;
      const values = new out(streams.length);
      for (let j = 0; j < streams.length; j++) values[j] = c.get(streams[j]);
      streamCols[k] = values;
    }
    const open: number[] = [];
    const states = p.session?.states;
    if (states) {
      for (const st of list) {
        // Every frame openFrom could answer as the capture grows past the horizon of the one before.
        const at = open.length;
        open.push(st, 0);
        for (let f = states.openFrom(st, to); f !== null; f = states.openFrom(st, f + EVIDENCE_HORIZON)) open.push(f);
        const k = open.length - at - 2;
        open[at + 1] = k;
        // Said only when there are some, or to say there are none any more.
        if (k) this.openSent.add(st);
        else if (this.openSent.delete(st)) continue;
        else open.length = at;
      }
    }
    return {
      from: from + 1, count: to - from, cols, arena, names, expert, prefix, text, longStrings, links, streams, streamCols,
      streamCount, missedSegments, t0, changes, revised, open: Uint32Array.from(open), transitions: Uint32Array.from(transitions),
    };
  }
}

/** The buffers of a delta, to transfer rather than copy when it is posted to another thread. */
export function deltaBuffers(d: StoreDelta): ArrayBuffer[] {
  const out: ArrayBuffer[] = [];
  for (const k of FRAME_COLUMNS) out.push(d.cols[k].buffer as ArrayBuffer);
  for (const k of STREAM_COLUMNS) out.push(d.streamCols[k].buffer as ArrayBuffer);
  for (const a of d.arena) out.push(a.bytes.buffer as ArrayBuffer);
  out.push(d.streams.buffer as ArrayBuffer, d.open.buffer as ArrayBuffer, d.transitions.buffer as ArrayBuffer);
  return out;
}

/**
 * Applies a delta to a store that had every earlier delta of the same pass and nothing else (throws
 * otherwise: a store with frames of its own would be silently wrong). Returns the store's revisions
 * (FrameStore.takeRevised as the other pass said them).
 */
export function adoptDelta(store: { parts(): StoreParts }, d: StoreDelta): void {
  const p = store.parts();
  if (p.cols.off.length !== d.from - 1) throw new Error(`adoptDelta: the store holds ${p.cols.off.length} frames, the delta starts at frame ${d.from}`);
  for (const k of FRAME_COLUMNS) p.cols[k].append(d.cols[k]);
  for (const a of d.arena) p.arena.adopt(a.chunk, a.from, a.bytes);
  p.names.appendValues(d.names);
  p.strings.expert.appendValues(d.expert);
  p.strings.prefix.appendValues(d.prefix);
  p.strings.text.appendValues(d.text);
  for (const s of d.longStrings) p.longStrings.push(s);
  for (const l of d.links) p.links.push(l);
  for (const k of STREAM_COLUMNS) {
    const c = p.streamCols[k], v = d.streamCols[k];
    for (let j = 0; j < d.streams.length; j++) c.set(d.streams[j], v[j]);
  }
  for (const c of d.changes) {
    const i = c.n - 1;
    p.cols.states.set(i, c.states);
    p.cols.rec.set(i, c.rec);
    if (c.notes) p.notes.set(c.n, c.notes); else p.notes.delete(c.n);
    if (c.extra) p.extras.set(c.n, c.extra); else p.extras.delete(c.n);
    if (c.facts) p.blockFacts.set(c.n, c.facts);
    if (c.unanalysed) p.unanalysed.set(c.n, c.unanalysed);
    if (c.untimed) p.untimed.add(c.n);
  }
  for (const r of d.revised) {
    const from = p.revisedFrom.get(r.stream);
    if (from === undefined || r.fromFrame < from) p.revisedFrom.set(r.stream, r.fromFrame);
  }
  p.adopted(d.t0, d.streamCount, d.missedSegments, d.open);
}
