// The frame store: every frame of the open file or live capture, as compact columns (no objects per
// frame), so a million frames cost well under 150 bytes each. A frame's full decode is rebuilt on
// demand by re-reading its bytes and re-dissecting them with the TCP facts the first pass stored
// (so stream numbers, relative numbers, analysis flags and states come out identical).
import type { ConnectionStart, EndpointStates, RawFrame, StartCause, StateNote, TcpAnalysis, TcpSegment, Transition } from '../types';
import { blockFactsCost } from './block-facts-cost';
import { TCP_FIN, TCP_RST, TCP_SYN } from '../types';
import type { StoreConnection as ConnectionSummary, StorePrograms, StoreRow as FrameRow } from './types';
import { newSession, type Session } from '../session';
import { TcpTracker, type StreamOnly } from '../tcp/tracker';
import { EVIDENCE_HORIZON, StateTracker, type StateReport } from '../tcp/states';
import { connectionStart } from '../tcp/state-machine';
import { ArenaWriter, type ArenaReader } from './arena';
import { f64, i32, Interner, u16, u32, u8 } from './columns';
import { decodeInSession, type FullDecode } from './decode';
import { timeColumn } from '../dissect/frame';
import { readTape, writeTape } from './tape-record';
import { Tape, ZeroTape, type Replay } from '../tape';
import { captureTime } from '../session';
import { dissectState, type DissectState } from '../dissect/state';
import { emptySegment, fastLayout, fastSegment, FALLBACK, SKIP } from '../stats/fast-segment';
import { payloadIsData } from '../dissect/tcp-payload';
import { addMiddlePiece, middleOfPdu } from '../dissect/tcp-desegment';
import { add } from '../tcp/seq';
import { storeFastPath } from '../dissect/index';
import { WindowFrame } from '../io/reader';
import { endpointName } from './labels';
import { collecting, FieldSink } from '../fields/tree';
import type { StoreParts } from './store-delta';
import { ownFrame } from './own-frame';
import {
  flagMask, flagsOf, packStates, readTcpBasics, readTcpRecord, unpackStates, writeTcpRecord, type RecordStrings, type TcpFacts, type WrittenRecord,
  type TimeContext,
} from './tcp-record';

/** Where the store re-reads frame bytes from (the opened file, or the live capture's autosave file). */
export interface ByteSource {
  /** Exactly `length` bytes at `offset`; throws if the file is gone or short. */
  read(offset: number, length: number): Uint8Array;
}

const NONE = 0xffffffff;
/** A sink that keeps no field: a lean first pass (FrameStore.add). */
const NOTHING_WANTED = new FieldSink([]);

/** Analysis flags of a segment TcpTracker.peekInOrder must never let through (data that is not new and in order). */
const NOT_IN_ORDER = new Set(['retransmission', 'fast_retransmission', 'spurious_retransmission', 'out_of_order', 'lost_segment', 'keep_alive', 'zero_window_probe']);

/** Tape address of a frame stored by the fast path: its tape is all zeros (ZeroTape). */
const ZERO_TAPE = 0xfffffffe;
const MISC_MALFORMED = 1, MISC_TCP = 2;

/** Facts of one TCP frame of a stream, for ladders and graphs (no re-dissection needed). */
export interface StreamPoint {
  frame: number;
  /** Seconds since the capture's first frame. */
  time: number;
  direction: 0 | 1;
  tcpFlags: number;
  seq: number;
  ack: number;
  len: number;
  windowSize: number;
  analysis: number;
}

class ReplayTcp extends TcpTracker {
  private fallback: TcpTracker | null = null;
  current: { frame: number; analysis: TcpAnalysis } | null = null;
  currentOnly: StreamOnly | null = null;
  override streamOnly(seg: TcpSegment): StreamOnly {
    return this.currentOnly ?? (this.fallback ??= new TcpTracker()).streamOnly(seg);
  }
  override analyze(seg: TcpSegment): TcpAnalysis {
    if (this.current && this.current.frame === seg.frame) return this.current.analysis;
    // The first pass saw no TCP here (cannot happen with the same bytes): analyse it on its own.
    return (this.fallback ??= new TcpTracker()).analyze(seg);
  }
}

class ReplayStates extends StateTracker {
  current: StateReport | null = null;
  override onSegment(): StateReport {
    return this.current ?? { states: { client: 'ESTABLISHED', server: 'ESTABLISHED' }, transitions: [] };
  }
}

/** What `ingest` tells the caller of a frame it stored (one object, refilled by the next ingest). */
export interface Ingested {
  number: number;
  /** tcp.stream, or -1 for a frame without an analysed TCP segment. */
  stream: number;
  states: EndpointStates | null;
  transitions: Transition[] | null;
}

/** Analysis bits of a segment showing the capture missed one (lost_segment, ack_lost_segment). */
const MISSED = flagMask(['lost_segment', 'ack_lost_segment']);

const NO_REVISIONS: { stream: number; fromFrame: number }[] = [];
const START_CAUSES: readonly StartCause[] = ['syn', 'syn_ack', 'mid_stream'];
/** sHandshake: whether the stream's initial RTT ended a handshake (the client's ACK of the SYN-ACK). */
const RTT_UNKNOWN = 0, RTT_HANDSHAKE = 1, RTT_NONE = 2;

export class FrameStore {
  /** The first pass's TCP and state tracking (about 1 KB per connection); null once the store is sealed. */
  private session: Session | null = newSession();
  /** Address of the frame's tape of cross-frame facts in the arena (NONE: it has none). */
  private readonly tapes = u32(NONE);
  /** Tape strings too long for an arena record. */
  private readonly longStrings: string[] = [];
  // Per frame (index = number − 1).
  private readonly off = f64();
  private readonly sec = f64();
  private readonly nsec = i32(); // signed: a damaged pcap record can carry a negative fraction (kept as tshark does)
  private readonly caplen = u32();
  private readonly wirelen = u32();
  private readonly link = u16();
  private readonly src = u32();
  private readonly dst = u32();
  private readonly proto = u16();
  private readonly stream = i32(-1);
  private readonly tflags = u16();
  private readonly aflags = u16();
  private readonly states = u8(0xff);
  private readonly misc = u8();
  /** Previous frame of the same stream (0: none). */
  private readonly prev = u32();
  /** Address of the frame's TCP record in the arena. */
  private readonly rec = u32(NONE);
  // Per stream (index = tcp.stream).
  // Streams are fewer than frames: smaller chunks.
  private readonly sFirst = u32(0, 12);
  private readonly sLast = u32(0, 12);
  private readonly sClient = u32(0, 12);
  private readonly sServer = u32(0, 12);
  private readonly sFramesC = u32(0, 12);
  private readonly sFramesS = u32(0, 12);
  private readonly sBytesC = f64(0, 12);
  private readonly sBytesS = f64(0, 12);
  private readonly sStates = u8(0xff, 12);
  private readonly sIrtt = f64(NaN, 12);
  private readonly sHandshake = u8(RTT_UNKNOWN, 12);
  /** How the stream started: both endpoints' states before its first frame, and the cause. */
  private readonly sStartStates = u8(0xff, 12);
  private readonly sStartCause = u8(0, 12);
  private readonly sRetrans = u32(0, 12);
  private streamCount = 0;
  /** Frames whose analysis says a segment before them was never captured (Counters.missedSegments). */
  missedSegments = 0;

  /** Per (link type, interface, section): what a re-dissection needs of the capture file's interface. */
  private readonly links: { linktype: number; interface: number; meta: Pick<RawFrame, 'section' | 'noInterfaceId' | 'pcapng' | 'tsPrecision'> }[] = [];
  /** Frames whose record carries no timestamp (pcapng simple packet blocks): rare, kept by number. */
  private readonly untimed = new Set<number>();
  /** TCP segments Wireshark does not analyse (bad header lengths): rare, kept whole by number. */
  private readonly unanalysed = new Map<number, StreamOnly>();
  private readonly linkIds = new Map<string, number>();
  private putFrame = 0;
  private putTime = 0;
  private readonly putCtx: TimeContext = {
    time: 0, streamFirst: 0, streamPrev: 0, streamInitialRtt: NaN,
    timeOf: (m) => (m === this.putFrame ? this.putTime : this.timeOf(m)),
  };
  /** What `put` hands writeTcpRecord, and what it says back: one of each, refilled for every frame. */
  private readonly putFacts: TcpFacts = { analysis: null as unknown as TcpAnalysis, len: 0, tcpFlags: 0, transitions: null };
  private readonly written: WrittenRecord = { addr: 0, extra: null };
  private lastLink: { linktype: number; iface: number; ng: RawFrame['pcapng']; section: RawFrame['section']; noInterfaceId: RawFrame['noInterfaceId']; tsPrecision: RawFrame['tsPrecision']; id: number } | null = null;
  private readonly names = new Interner();
  private readonly strings: RecordStrings = { expert: new Interner(), prefix: new Interner(), text: new Interner() };
  private readonly arena = new ArenaWriter();
  private readonly reader: ArenaReader;
  private readonly extras = new Map<number, Record<string, unknown>>();
  /** What a frame's pcapng block says beside its bytes (comments, flags, drop count, custom block): rare, kept by number. */
  private readonly blockFacts = new FactsMap();
  /** Notes on states (rare: an unanswered SYN, a refusal), by frame. */
  private readonly notes = new Map<number, StateNote[]>();
  /** Streams whose frames' states were revised since takeRevised(), with the earliest frame revised. */
  private readonly revisedFrom = new Map<number, number>();
  private t0: { sec: number; nsec: number } | null = null;
  /** Info strings of recent or recently viewed frames (recomputed by re-dissection otherwise). */
  private readonly infoCache = new Map<number, string>();
  private readonly infoCacheSize: number;
  private readonly replayTcp = new ReplayTcp();
  private readonly replayStates = new ReplayStates();
  private replaySession: Session | null = null;
  /** `buf`: room to grow into; `frames` is its first `count`. */
  private streamFramesCache: { stream: number; count: number; frames: Uint32Array; buf: Uint32Array } | null = null;
  /** Links of the stream chain walked by streamFrames (tests: a growing stream is walked only for its new frames). */
  streamFramesWalked = 0;
  /** The programs behind a live connection's ends, as the back end learned them from the OS. */
  private readonly programs = new Map<number, StorePrograms>();
  /**
   * Frames whose rare facts (notes, extras, block facts…) were set, or whose states and record a later
   * segment revised, since the last delta (store-delta.ts); null when no delta is ever taken.
   */
  private journal: number[] | null = null;
  /**
   * A store whose first pass ran elsewhere (adopted deltas): each stream's frames whose states may still
   * change, as that pass's state tracker said (connection().provisionalFrom); null otherwise.
   */
  private provisional: Map<number, Uint32Array> | null = null;
  // First-pass caches (dropped by seal): what `put` looked up for every frame. Per stream, the times of its
  // first and last frames; per stream and direction (2 × stream + direction), the interned address and its id
  // (a Map lookup of a new string per frame cost more than comparing it with the one seen last).
  private firstTime: number[] = [];
  private lastTime: number[] = [];
  private addrText: string[] = [];
  private addrIds: number[] = [];
  private dsOf: Session | null = null;
  private ds: DissectState | null = null;
  private lastProto = '';
  private lastProtoId = -1;

  /** Frames handed to `ingest` may be refilled afterwards (a reader's reused frame): copied before the full dissector keeps them. */
  private readonly borrowedFrames: boolean;

  constructor(private bytes: ByteSource | null = null, options: { infoCacheSize?: number; borrowedFrames?: boolean } = {}) {
    this.session!.recording = true;
    this.reader = this.arena.reader();
    this.infoCacheSize = options.infoCacheSize ?? 10_000;
    this.borrowedFrames = options.borrowedFrames ?? false;
  }

  /** Where frame bytes are re-read from (may be set after frames were added, e.g. once a file is open). */
  setByteSource(bytes: ByteSource | null): void {
    this.bytes = bytes;
  }

  /**
   * No more frames will come (a file finished loading): the first pass's trackers are released, as rows,
   * re-dissection, ladders and graphs need only the columns and records.
   */
  seal(): void {
    this.session = null;
    this.provisional?.clear();
    this.firstTime = [];
    this.lastTime = [];
    this.addrText = [];
    this.addrIds = [];
    // The first pass's session is cached here too: kept, its trackers (kilobytes a connection) would outlive the seal.
    this.dsOf = null;
    this.ds = null;
  }

  /** Its columns, records and rare facts, for store-delta.ts (which copies a first pass into another store). */
  parts(): StoreParts {
    const cols = {
      off: this.off, sec: this.sec, nsec: this.nsec, caplen: this.caplen, wirelen: this.wirelen, link: this.link, src: this.src,
      dst: this.dst, proto: this.proto, stream: this.stream, tflags: this.tflags, aflags: this.aflags, states: this.states,
      misc: this.misc, prev: this.prev, rec: this.rec, tapes: this.tapes,
    };
    const streamCols = {
      sFirst: this.sFirst, sLast: this.sLast, sClient: this.sClient, sServer: this.sServer, sFramesC: this.sFramesC,
      sFramesS: this.sFramesS, sBytesC: this.sBytesC, sBytesS: this.sBytesS, sStates: this.sStates, sIrtt: this.sIrtt,
      sHandshake: this.sHandshake, sStartStates: this.sStartStates, sStartCause: this.sStartCause, sRetrans: this.sRetrans,
    };
    return {
      cols, streamCols, names: this.names, strings: this.strings, arena: this.arena, longStrings: this.longStrings, links: this.links,
      extras: this.extras, notes: this.notes, blockFacts: this.blockFacts, unanalysed: this.unanalysed, untimed: this.untimed,
      revisedFrom: this.revisedFrom, session: this.session,
      journal: () => {
        const j = this.journal ?? [];
        this.journal = [];
        return j;
      },
      scalars: () => ({ t0: this.t0, streamCount: this.streamCount, missedSegments: this.missedSegments }),
      adopted: (t0, streamCount, missedSegments, open) => {
        // Its own first pass will never run: the trackers go, and the provisional frames come from the other's.
        this.session = null;
        if (!this.t0) this.t0 = t0;
        this.streamCount = streamCount;
        this.missedSegments = missedSegments;
        const p = (this.provisional ??= new Map());
        for (let k = 0; k < open.length; k += 2 + open[k + 1]) {
          if (open[k + 1]) p.set(open[k], open.slice(k + 2, k + 2 + open[k + 1]));
          else p.delete(open[k]);
        }
      },
    };
  }

  /** An adopted store's provisionalFrom: the first frame of the stream still within the evidence horizon. */
  private provisionalOf(s: number): number | null {
    const frames = this.provisional?.get(s);
    if (!frames) return null;
    for (const f of frames) if (this.total + 1 - f <= EVIDENCE_HORIZON) return f;
    return null;
  }

  get total(): number {
    return this.off.length;
  }

  get streams(): number {
    return this.streamCount;
  }

  /**
   * Decodes and stores the next frame through the full dissector. `dataOffset` is where its captured
   * bytes sit in the byte source. Returns the full decode; the store keeps only columns. `lean`: no tree and
   * no Info are built (decode --fields' way, FieldSink): the store needs neither, and builds both again for a
   * row on screen from the stored facts (the tape), as for the fast path's frames. Most of a full
   * dissection's time went to the tree (hex strings of every TLS record and reassembled PDU).
   */
  add(raw: RawFrame, dataOffset: number, lean = false): FullDecode {
    const n = this.off.length + 1;
    if (!this.t0) this.t0 = { sec: raw.tsSec, nsec: raw.tsNsec };
    // Each capture gets a new store, so this is a bug, not bad input: numbering afresh would be silently wrong.
    if (!this.session) throw new Error('FrameStore.add after seal(): this store\'s capture has ended');
    const session = this.session;
    const d = lean ? collecting(NOTHING_WANTED, () => decodeInSession(raw, n, session)) : decodeInSession(raw, n, session);
    const f = d.frame;
    for (const r of this.session.states.revisions) this.revise(r.frame, r.stream, r.report);
    const report: StateReport | null = f.states ? { states: f.states, transitions: f.transitions ?? [] } : null;
    if (report && f.notes) report.notes = f.notes;
    if (report && f.start) report.start = f.start;
    const tape = d.tape && d.tape.length ? writeTape(this.arena, d.tape, this.longStrings) : NONE;
    this.put(raw, dataOffset, n, f.src, f.dst, f.protocol, f.malformed, report, f.transitions, d.tcp, d.tapped, d.tcpOnly, tape, d.time);
    if (!lean) this.cacheInfo(n, f.info);
    return d;
  }

  /**
   * Stores the next frame as `add` does, at the engine's speed when it can: a plain TCP segment (Ethernet,
   * SLL, loopback or raw IP; IPv4 without options or IPv6; the frame captured whole) whose payload, if
   * any, goes to "data" is read in place by `stats`' fast path and analysed by the same trackers, without
   * a tree: its columns are TCP's (src, dst, "TCP"), its tape all zeros (ZeroTape), and its Info and
   * details are built when a row is shown (re-dissected from the stored facts, exactly as the first pass
   * would have made them: test/backend/store-fast.test.ts). Any other frame goes through `add`.
   */
  ingest(raw: RawFrame, dataOffset: number, candidate?: boolean | TcpSegment, route: PayloadRoute = DATA): Ingested {
    const session = this.session;
    if (!session) throw new Error('FrameStore.add after seal(): this store\'s capture has ended');
    const n = this.off.length + 1;
    // `candidate`: fastCandidate's answer for this frame, found by another thread (the loading pipeline):
    // false, true, or the very segment fastSegment gives for the frame, and `route` its fastCandidateKind;
    // only what depends on the streams so far is then checked here.
    let seg: TcpSegment | null;
    if (candidate === undefined) {
      seg = fastCandidate(raw, n);
      route = fastCandidateKind.route;
      seg = seg && this.fastStateful(seg, session, route);
    } else if (candidate === false) seg = null;
    else if (candidate === true) seg = this.fastStateful(fastSegment(raw, n), session, route);
    else {
      candidate.frame = n;
      seg = this.fastStateful(candidate, session, route);
    }
    const out = this.ingested;
    if (!seg) {
      const d = this.add(this.borrowedFrames ? ownFrame(raw) : raw, dataOffset, true);
      out.number = n;
      out.stream = d.tcp ? d.tcp.analysis.stream : -1;
      out.states = d.frame.states ?? null;
      out.transitions = d.frame.transitions ?? null;
      return out;
    }
    if (!this.t0) this.t0 = { sec: raw.tsSec, nsec: raw.tsNsec };
    const time = captureTime(session, raw);
    seg.time = time;
    // What dissectTcp does for such a segment, in its order: analysis, options (the window scale), states.
    const analysis = session.tcp.analyze(seg);
    session.tcp.finish(seg);
    const report = session.states.onSegment(seg, analysis);
    // What the frame dissector remembers of every frame (frame.time_delta of the next).
    const ds = this.firstPassState(session);
    const middle = this.inMiddle;
    const tape = middle ? this.middleOfPdu(raw, n, seg, analysis, ds) : ZERO_TAPE;
    if (middle) this.fastStored.middleOfPdu++;
    else this.fastStored.plain++;
    ds.prevSec = raw.tsSec;
    ds.prevNsec = raw.tsNsec;
    ds.hasPrev = true;
    // (Indexed: for…of made an iterator per frame.)
    const revisions = session.states.revisions;
    for (let i = 0; i < revisions.length; i++) this.revise(revisions[i].frame, revisions[i].stream, revisions[i].report);
    const tcp = this.fastTcp;
    tcp.segment = seg;
    tcp.analysis = analysis;
    this.put(raw, dataOffset, n, seg.src, seg.dst, 'TCP', false, report, report.transitions, tcp, true, null, tape, time);
    out.number = n;
    out.stream = analysis.stream;
    out.states = report.states;
    out.transitions = report.transitions;
    return out;
  }

  /** Frames `ingest` stored by its fast path: plain segments, and segments in the middle of a PDU (for tests and the bench). */
  readonly fastStored = { plain: 0, middleOfPdu: 0 };

  /** What `ingest` returns, refilled for every frame (its callers read it at once). */
  private readonly ingested: Ingested = { number: 0, stream: -1, states: null, transitions: null };
  /** The fast path's segment and analysis, as `put` takes them (refilled: put keeps neither). */
  private readonly fastTcp: { segment: TcpSegment; analysis: TcpAnalysis } = { segment: emptySegment(), analysis: null as unknown as TcpAnalysis };

  /**
   * What the fast path checks of a candidate segment (fastCandidate) against the streams so far: the segment,
   * or null. A payload not for "data" (MIDDLE_ONLY), or one for "data" in a stream some dissector keeps state
   * for, goes only when it is new data in the middle of a PDU (then inMiddle is set).
   */
  private fastStateful(seg: TcpSegment | typeof SKIP | typeof FALLBACK, session: Session, route: PayloadRoute): TcpSegment | null {
    this.inMiddle = false;
    // (A candidate's bytes always give a segment: SKIP or FALLBACK here would mean other bytes, sent to the full path.)
    if (seg === SKIP || seg === FALLBACK) return null;
    // Data, or an empty FIN, that may go to (or end) a PDU a dissector is waiting on.
    if (route === DATA && !(seg.len > 0 || seg.flags & TCP_FIN)) return seg;
    if (route === DATA_OR_MIDDLE || route === DATA) {
      if (!this.streamHasPayloadState(session, seg)) return seg;
      if (route === DATA) return null;
    }
    const t = session.tcp, at = t.inOrder;
    if (!t.peekInOrder(seg) || !middleOfPdu(this.firstPassState(session).tcpPdus, 2 * at.stream + at.direction, at.seq, add(at.seq, seg.len))) return null;
    this.inMiddle = true;
    return seg;
  }

  /** fastStateful's word on the segment it last let through: in the middle of a PDU. */
  private inMiddle = false;

  /**
   * What desegment does with a segment in the middle of a PDU (fastStateful found it so, before `analysis`):
   * its bytes go to the PDU, and the frame gets the tape desegment's recalls would have recorded.
   */
  private middleOfPdu(raw: RawFrame, n: number, seg: TcpSegment, a: TcpAnalysis, ds: DissectState): number {
    const peek = this.session!.tcp.inOrder;
    if (a.stream !== peek.stream || a.direction !== peek.direction || a.seq !== peek.seq || a.flags.some((f) => NOT_IN_ORDER.has(f))) {
      throw new Error(`frame ${n}: the analysis did not find the segment where TcpTracker.peekInOrder said it would be (a bug)`);
    }
    // The payload is the frame's last seg.len bytes (fastCandidate).
    const at = capturedLength(raw) - seg.len;
    const bytes = raw instanceof WindowFrame ? raw.buf.subarray(raw.start + at, raw.start + at + seg.len) : raw.data.subarray(at, at + seg.len);
    const tape = new Tape();
    for (const v of addMiddlePiece(ds.tcpPdus, 2 * a.stream + a.direction, a.seq, n, at, bytes)) tape.record(v);
    return writeTape(this.arena, tape, this.longStrings);
  }

  /** Whether a dissector keeps anything for the segment's stream (a PDU being reassembled, HTTP, TLS). */
  private streamHasPayloadState(session: Session, seg: TcpSegment): boolean {
    const ds = this.firstPassState(session);
    // No stream has any (a capture without HTTP or PDUs): the segment's stream need not be looked up.
    if (!ds.tcpPdus.size && !ds.httpClaimed.size && !ds.http.size && !ds.tls.size) return false;
    const s = session.tcp.peekStream(seg);
    if (s < 0) return false;
    return ds.tcpPdus.has(2 * s) || ds.tcpPdus.has(2 * s + 1) || ds.httpClaimed.has(s) || ds.http.has(s) || ds.tls.has(s);
  }

  /** The first pass session's dissector state (a WeakMap lookup twice per fast frame, kept: the session is the store's for good). */
  private firstPassState(session: Session): DissectState {
    if (this.dsOf !== session) {
      this.dsOf = session;
      this.ds = dissectState(session);
    }
    return this.ds as DissectState;
  }

  /** The full decode of frame `n` just stored by `ingest`'s fast path, from its bytes (for display filters). */
  decodeStored(raw: RawFrame, n: number): FullDecode {
    return this.replay(this.rawWith(n, raw.data), n);
  }

  /** Stores the columns and records of frame `n` (after its trackers have seen it). */
  private put(raw: RawFrame, dataOffset: number, n: number, src: string, dst: string, protocol: string, malformed: boolean,
    report: StateReport | null, transitions: Transition[] | null, tcp: FullDecode['tcp'], tapped: boolean, tcpOnly: StreamOnly | null, tape: number, t: number): void {
    this.off.push(dataOffset);
    this.sec.push(raw.tsSec);
    this.nsec.push(raw.tsNsec);
    this.caplen.push(capturedLength(raw));
    this.wirelen.push(raw.len);
    this.link.push(this.linkId(raw));
    if (raw.noTimestamp || raw.hasTimestamp === false) {
      this.untimed.add(n);
      this.journal?.push(n);
    }
    if (tcp) {
      const k = 2 * tcp.analysis.stream + tcp.analysis.direction;
      this.src.push(this.addressId(k, src));
      this.dst.push(this.addressId(k ^ 1, dst));
    } else {
      this.src.push(this.names.id(src));
      this.dst.push(this.names.id(dst));
    }
    if (protocol !== this.lastProto) {
      this.lastProto = protocol;
      this.lastProtoId = this.names.id(protocol);
    }
    this.proto.push(this.lastProtoId);
    const states = report ? report.states : null;
    this.states.push(packStates(states));
    if (report?.notes) {
      this.notes.set(n, report.notes);
      this.journal?.push(n);
    }
    const facts = blockFacts(raw);
    if (facts) {
      this.blockFacts.set(n, facts);
      this.journal?.push(n);
    }
    if (tcpOnly) {
      this.unanalysed.set(n, tcpOnly);
      this.journal?.push(n);
    }
    this.tapes.push(tape);
    let misc = malformed ? MISC_MALFORMED : 0;
    if (tcp) {
      misc |= MISC_TCP;
      const { segment: seg, analysis: a } = tcp;
      const s = a.stream;
      const isNew = s >= this.streamCount || this.sFirst.get(s) === 0;
      // One context object for every frame (its timeOf reads putFrame/putTime): none made per frame.
      const ctx = this.putCtx;
      this.putFrame = n;
      this.putTime = t;
      ctx.time = t;
      // t is the frame's timeOf (putCtx says so too); a stream's first and last frames' times, kept.
      ctx.streamFirst = isNew ? t : this.firstTime[s];
      ctx.streamPrev = isNew ? t : this.lastTime[s];
      if (isNew) this.firstTime[s] = t;
      this.lastTime[s] = t;
      ctx.streamInitialRtt = isNew ? NaN : this.sIrtt.get(s);
      const facts = this.putFacts, written = this.written;
      facts.analysis = a;
      facts.len = seg.len;
      facts.tcpFlags = seg.flags;
      facts.transitions = transitions;
      writeTcpRecord(this.arena, facts, ctx, this.strings, written);
      const { addr, extra } = written;
      if (extra) {
        this.extras.set(n, extra);
        this.journal?.push(n);
      }
      this.rec.push(addr);
      this.stream.push(s);
      this.tflags.push(seg.flags);
      const am = a.flags.length ? flagMask(a.flags) : 0;
      this.aflags.push(am);
      if (am & MISSED) this.missedSegments++;
      this.prev.push(isNew ? 0 : this.sLast.get(s));
      if (isNew) {
        const from = this.names.id(endpointName(seg.src, seg.srcPort)), to = this.names.id(endpointName(seg.dst, seg.dstPort));
        this.sFirst.set(s, n);
        this.sClient.set(s, a.direction === 0 ? from : to);
        this.sServer.set(s, a.direction === 0 ? to : from);
        if (s >= this.streamCount) this.streamCount = s + 1;
      }
      this.sLast.set(s, n);
      // Frames and bytes as tshark's conversation table counts them (headers read to their end).
      if (!tapped) {
        // not counted
      } else if (a.direction === 0) {
        this.sFramesC.set(s, this.sFramesC.get(s) + 1);
        this.sBytesC.set(s, this.sBytesC.get(s) + raw.len);
      } else {
        this.sFramesS.set(s, this.sFramesS.get(s) + 1);
        this.sBytesS.set(s, this.sBytesS.get(s) + raw.len);
      }
      this.sStates.set(s, packStates(states));
      if (report?.start) this.setStart(s, report.start);
      if (Number.isNaN(this.sIrtt.get(s)) && a.initialRtt !== undefined) {
        this.sIrtt.set(s, a.initialRtt);
        // tshark's initial_rtt is set by the first ACK after a SYN: a handshake only if it is the client's.
        this.sHandshake.set(s, a.direction === 0 && !(seg.flags & 0x4) ? RTT_HANDSHAKE : RTT_NONE);
      }
      if (a.flags.length && a.flags.includes('retransmission')) this.sRetrans.set(s, this.sRetrans.get(s) + 1);
    } else {
      this.rec.push(NONE);
      this.stream.push(-1);
      this.tflags.push(0);
      this.aflags.push(0);
      this.prev.push(0);
    }
    this.misc.push(misc);
  }

  /** The interned id of address `text`, seen last at `k` (2 × stream + direction) as the same string mostly. */
  private addressId(k: number, text: string): number {
    const seen = this.addrText[k];
    if (seen !== undefined && seen === text) return this.addrIds[k];
    const id = this.names.id(text);
    this.addrText[k] = this.names.value(id);
    this.addrIds[k] = id;
    return id;
  }

  /**
   * Frames up to `last` whose analysis says a segment before them was never captured (missedSegments as a
   * capture that stopped after `last` counts them), leaving out those `skip` says.
   */
  missedSegmentsUpTo(last: number, skip: (n: number) => boolean = () => false): number {
    let count = 0;
    for (let n = 1; n <= Math.min(last, this.total); n++) if (this.aflags.get(n - 1) & MISSED && !skip(n)) count++;
    return count;
  }

  /** Seconds since the capture's first frame, exactly as captureTime computes it. */
  timeOf(n: number): number {
    const t0 = this.t0;
    if (!t0 || n < 1) return 0;
    return (this.sec.get(n - 1) - t0.sec) + (this.nsec.get(n - 1) - t0.nsec) / 1e9;
  }

  streamOf(n: number): number | null {
    const s = this.stream.get(n - 1);
    return s < 0 ? null : s;
  }

  /** One packet-list row; Info from the cache or by re-dissecting the frame. */
  row(n: number): FrameRow {
    return this.rows([n])[0];
  }

  /** Packet-list rows for frame numbers (re-dissecting, in as few reads as possible, those whose Info is not cached). */
  rows(numbers: readonly number[]): FrameRow[] {
    const infos = new Map<number, string>();
    const missing: number[] = [];
    for (const n of numbers) {
      const cached = this.infoCache.get(n);
      if (cached === undefined) missing.push(n); else infos.set(n, cached);
    }
    if (missing.length) {
      this.redecodeMany(missing, (d) => {
        infos.set(d.frame.frame, d.frame.info);
        this.cacheInfo(d.frame.frame, d.frame.info);
      });
    }
    return numbers.map((n) => this.rowWithInfo(n, infos.get(n) ?? ''));
  }

  rowWithInfo(n: number, info: string): FrameRow {
    const i = n - 1;
    const stream = this.stream.get(i);
    return {
      number: n,
      time: this.timeOf(n),
      timeText: this.timeText(n),
      src: this.names.value(this.src.get(i)),
      dst: this.names.value(this.dst.get(i)),
      protocol: this.names.value(this.proto.get(i)),
      length: this.wirelen.get(i),
      info,
      stream: stream < 0 ? null : stream,
      states: unpackStates(this.states.get(i)),
      analysis: flagsOf(this.aflags.get(i)),
      malformed: (this.misc.get(i) & MISC_MALFORMED) !== 0,
    };
  }

  /** Frame `n`'s Time column: exact, at its interface's precision, empty for a record without a timestamp. */
  private timeText(n: number): string {
    const t0 = this.t0;
    if (!t0 || this.untimed.has(n)) return '';
    const i = n - 1;
    return timeColumn(this.sec.get(i), this.nsec.get(i), t0.sec, t0.nsec, this.links[this.link.get(i)].meta.tsPrecision ?? 6);
  }

  private cacheInfo(n: number, info: string): void {
    const c = this.infoCache;
    c.delete(n);
    // Info is built by concatenation: flatten it (charCodeAt does), or the cache keeps every piece.
    info.charCodeAt(0);
    c.set(n, info);
    if (c.size > this.infoCacheSize) {
      const oldest = c.keys().next().value;
      if (oldest !== undefined) c.delete(oldest);
    }
  }

  /** The frame as it was captured (bytes re-read from the byte source). */
  raw(n: number): RawFrame {
    return this.rawWith(n, this.readBytes(this.off.get(n - 1), this.caplen.get(n - 1)));
  }

  private rawWith(n: number, data: Uint8Array): RawFrame {
    const i = n - 1;
    const l = this.links[this.link.get(i)];
    const raw: RawFrame = { data, len: this.wirelen.get(i), linktype: l.linktype, interface: l.interface, tsSec: this.sec.get(i), tsNsec: this.nsec.get(i), ...l.meta };
    if (this.untimed.has(n)) raw.noTimestamp = true;
    const facts = this.blockFacts.get(n);
    if (facts) Object.assign(raw, facts, facts.comments ? { comments: facts.comments.slice() } : {});
    return raw;
  }

  private readBytes(offset: number, length: number): Uint8Array {
    if (!this.bytes) throw new Error('the frames\' bytes are not available (no capture file)');
    return this.bytes.read(offset, length);
  }

  /** Re-dissects frame `n` with the stored TCP facts: the same DecodedFrame the first pass produced. */
  redecode(n: number): FullDecode {
    let out: FullDecode | null = null;
    this.redecodeMany([n], (d) => { out = d; });
    return out as unknown as FullDecode;
  }

  /** Re-dissects frames (any order), reading neighbours' bytes in one read; calls `each` in the given order. */
  redecodeMany(numbers: readonly number[], each: (d: FullDecode, raw: RawFrame) => void): void {
    const SPAN = 1 << 20;
    let i = 0;
    while (i < numbers.length) {
      // Group frames whose bytes lie close together in the file into one read.
      let j = i + 1;
      const start = this.off.get(numbers[i] - 1);
      let end = start + this.caplen.get(numbers[i] - 1);
      while (j < numbers.length) {
        const o = this.off.get(numbers[j] - 1);
        const e = o + this.caplen.get(numbers[j] - 1);
        if (o < start || e - start > SPAN || o > end + 4096) break;
        if (e > end) end = e;
        j++;
      }
      const buf = this.readBytes(start, end - start);
      for (let k = i; k < j; k++) {
        const n = numbers[k];
        const o = this.off.get(n - 1) - start;
        const raw = this.rawWith(n, buf.subarray(o, o + this.caplen.get(n - 1)));
        each(this.replay(raw, n), raw);
      }
      i = j;
    }
  }

  private replay(raw: RawFrame, n: number): FullDecode {
    // A session like the first pass's (whatever else it holds), with TCP and states answered from the
    // store, and every other fact from earlier frames off the frame's tape.
    const session = (this.replaySession ??= newSession());
    session.tcp = this.replayTcp;
    session.states = this.replayStates;
    session.t0 = this.t0;
    session.replay = this.replayOf(n);
    const addr = this.rec.get(n - 1);
    if (addr !== NONE) {
      const r = this.record(n);
      this.replayTcp.current = { frame: n, analysis: r.analysis };
      const report: StateReport = { states: unpackStates(this.states.get(n - 1)) ?? { client: 'CLOSED', server: 'CLOSED' }, transitions: r.transitions };
      const notes = this.notes.get(n);
      if (notes) report.notes = notes;
      const s = this.stream.get(n - 1);
      if (this.sFirst.get(s) === n && this.sStartStates.get(s) !== 0xff) report.start = this.startOf(s);
      this.replayStates.current = report;
    } else {
      this.replayTcp.current = null;
      this.replayStates.current = null;
    }
    this.replayTcp.currentOnly = this.unanalysed.get(n) ?? null;
    return decodeInSession(raw, n, session);
  }

  /**
   * A later segment showed when frame `n`'s receiver really got it (DECISIONS: live corrections): its
   * states, transitions, notes and, on a stream's first frame, the start change. The record is written
   * anew (records are packed one after another; the old one stays as dead bytes, a few per connection).
   */
  private revise(n: number, stream: number, report: StateReport): void {
    const i = n - 1;
    if (n > this.total || this.stream.get(i) !== stream) return;
    this.journal?.push(n);
    this.states.set(i, packStates(report.states));
    if (report.notes) this.notes.set(n, report.notes);
    else this.notes.delete(n);
    if (report.start) this.setStart(stream, report.start);
    if (this.sLast.get(stream) === n) this.sStates.set(stream, packStates(report.states));
    const old = this.record(n);
    const prev = this.prev.get(i);
    const time = this.timeOf(n);
    const ctx: TimeContext = {
      time,
      streamFirst: this.timeOf(this.sFirst.get(stream)),
      streamPrev: prev ? this.timeOf(prev) : time,
      timeOf: (m) => this.timeOf(m),
      streamInitialRtt: this.sIrtt.get(stream),
    };
    const written: WrittenRecord = { addr: 0, extra: null };
    writeTcpRecord(this.arena, { analysis: old.analysis, len: old.len, tcpFlags: this.tflags.get(i), transitions: report.transitions }, ctx, this.strings, written);
    const { addr, extra } = written;
    if (extra) this.extras.set(n, extra);
    this.rec.set(i, addr);
    const from = this.revisedFrom.get(stream);
    if (from === undefined || n < from) this.revisedFrom.set(stream, n);
  }

  /** Streams whose stored states were revised since the last call, each with its earliest revised frame. */
  takeRevised(): { stream: number; fromFrame: number }[] {
    if (!this.revisedFrom.size) return NO_REVISIONS;
    const out = [...this.revisedFrom].map(([stream, fromFrame]) => ({ stream, fromFrame }));
    this.revisedFrom.clear();
    return out;
  }

  private setStart(s: number, start: ConnectionStart): void {
    this.sStartStates.set(s, packStates(start));
    this.sStartCause.set(s, Math.max(0, START_CAUSES.indexOf(start.cause)));
  }

  /** How stream `s` started (both endpoints' states before its first frame). */
  private startOf(s: number): ConnectionStart {
    const st = unpackStates(this.sStartStates.get(s)) ?? { client: 'ESTABLISHED', server: 'ESTABLISHED' };
    return connectionStart(st.client, st.server, START_CAUSES[this.sStartCause.get(s)]);
  }

  /** What re-dissecting frame `n` alone needs of the frames before it. */
  private replayOf(n: number): Replay {
    const addr = this.tapes.get(n - 1);
    let m = n - 1;
    // The previous frame as the first pass counts it (dissect/frame.ts): a packet without a timestamp
    // counts, at its stored time; a record without one that is no packet (link type -1) does not.
    while (m >= 1 && this.untimed.has(m) && this.links[this.link.get(m - 1)].linktype < 0) m--;
    return {
      tape: addr === NONE ? new Tape() : addr === ZERO_TAPE ? new ZeroTape() : readTape(this.reader, addr, this.longStrings),
      prevTime: m >= 1 ? { sec: this.sec.get(m - 1), nsec: this.nsec.get(m - 1) } : null,
      bytesOf: (frame) => this.readBytes(this.off.get(frame - 1), this.caplen.get(frame - 1)),
    };
  }

  /**
   * The stored TCP facts of frame `n` (which must be a TCP frame); `addr`: a record it had before a later
   * segment revised it (records are never overwritten).
   */
  record(n: number, addr = this.rec.get(n - 1)): { analysis: TcpAnalysis; len: number; transitions: Transition[] } {
    const i = n - 1;
    const s = this.stream.get(i);
    const first = this.sFirst.get(s), prev = this.prev.get(i);
    const time = this.timeOf(n);
    const ctx: TimeContext = {
      time,
      streamFirst: this.timeOf(first),
      streamPrev: prev ? this.timeOf(prev) : time,
      timeOf: (m) => this.timeOf(m),
      streamInitialRtt: this.sIrtt.get(s),
    };
    const r = readTcpRecord(this.reader, addr, s, this.tflags.get(i), this.aflags.get(i), ctx, this.strings);
    if (r.hasExtra) Object.assign(r.analysis, this.extras.get(n));
    return r;
  }

  // ---- connections ----

  /** Records which programs hold a connection's ends (live captures; the engine itself cannot know). */
  setPrograms(s: number, programs: StorePrograms): void {
    this.programs.set(s, programs);
  }

  connection(s: number): ConnectionSummary | null {
    if (s < 0 || s >= this.streamCount || this.sFirst.get(s) === 0) return null;
    const first = this.sFirst.get(s), last = this.sLast.get(s);
    const fc = this.sFramesC.get(s), fs = this.sFramesS.get(s), bc = this.sBytesC.get(s), bs = this.sBytesS.get(s);
    const irtt = this.sIrtt.get(s);
    const start = this.timeOf(first);
    return {
      stream: s,
      client: this.names.value(this.sClient.get(s)),
      server: this.names.value(this.sServer.get(s)),
      states: unpackStates(this.sStates.get(s)) ?? { client: 'CLOSED', server: 'CLOSED' },
      frames: fc + fs,
      bytes: bc + bs,
      framesClientToServer: fc,
      bytesClientToServer: bc,
      framesServerToClient: fs,
      bytesServerToClient: bs,
      start,
      duration: this.timeOf(last) - start,
      firstFrame: first,
      lastFrame: last,
      handshakeRtt: this.sHandshake.get(s) === RTT_HANDSHAKE ? irtt : null,
      startStates: this.startOf(s),
      provisionalFrom: this.session ? this.session.states.openFrom(s, this.total) : this.provisionalOf(s),
      retransmissions: this.sRetrans.get(s),
      ...(this.programs.has(s) ? { programs: this.programs.get(s) } : {}),
    };
  }

  /** Every connection, in order of first frame. */
  connections(): ConnectionSummary[] {
    return inFirstFrameOrder(this.connectionsIn(0, this.streamCount));
  }

  /** The connections of streams [from, to), in stream order (a long list is made a part at a time). */
  connectionsIn(from: number, to: number): ConnectionSummary[] {
    const out: ConnectionSummary[] = [];
    for (let s = Math.max(0, from); s < Math.min(to, this.streamCount); s++) {
      const c = this.connection(s);
      if (c) out.push(c);
    }
    return out;
  }

  /**
   * Frame numbers of a stream, in order (cached for the stream last asked about). A live stream that grew
   * since is walked back only to the last frame cached (a live ladder pull asked for it in every slice, and
   * each walked the whole connection again: 20,000 links for 32 segments).
   */
  streamFrames(s: number): Uint32Array {
    const c = this.connection(s);
    if (!c) return new Uint32Array(0);
    const cached = this.streamFramesCache;
    if (cached && cached.stream === s && cached.count === c.frames) return cached.frames;
    if (cached && cached.stream === s && cached.count > 0 && cached.count < c.frames) {
      const grown = this.grownStreamFrames(cached, c.frames, c.lastFrame);
      if (grown) return grown;
    }
    const buf = new Uint32Array(c.frames);
    let n = c.lastFrame;
    for (let k = c.frames - 1; k >= 0 && n; k--) {
      buf[k] = n;
      n = this.prev.get(n - 1);
      this.streamFramesWalked++;
    }
    this.streamFramesCache = { stream: s, count: c.frames, frames: buf, buf };
    return buf;
  }

  /** The cached frames of a stream extended to `count` (null when its chain does not lead back to them). */
  private grownStreamFrames(cached: NonNullable<FrameStore['streamFramesCache']>, count: number, last: number): Uint32Array | null {
    const added = new Uint32Array(count - cached.count);
    let n = last;
    for (let k = added.length - 1; k >= 0 && n; k--) {
      added[k] = n;
      n = this.prev.get(n - 1);
      this.streamFramesWalked++;
    }
    if (n !== cached.frames[cached.count - 1]) return null;
    let buf = cached.buf;
    if (buf.length < count) {
      buf = new Uint32Array(Math.max(count, buf.length * 2));
      buf.set(cached.frames);
    }
    // Frames handed out earlier keep their view: only the room after them is written.
    buf.set(added, cached.count);
    const frames = buf.subarray(0, count);
    this.streamFramesCache = { stream: cached.stream, count, frames, buf };
    return frames;
  }

  /** Facts of each TCP frame of a stream, for the ladder and the graphs (no re-dissection). */
  streamPoints(s: number, from = 0, count = Infinity): StreamPoint[] {
    const frames = this.streamFrames(s);
    return this.pointsOf(frames, from, Math.min(frames.length, from + count));
  }

  /** Facts of frames `frames[from]` … `frames[to - 1]` (a stream's, from streamFrames: a long one is taken in parts). */
  pointsOf(frames: Uint32Array, from: number, to: number): StreamPoint[] {
    const out: StreamPoint[] = [];
    for (let k = from; k < to; k++) {
      const n = frames[k];
      const b = readTcpBasics(this.reader, this.rec.get(n - 1));
      out.push({ frame: n, time: this.timeOf(n), direction: b.direction, tcpFlags: this.tflags.get(n - 1), seq: b.seq, ack: b.ack, len: b.len, windowSize: b.windowSize, analysis: this.aflags.get(n - 1) });
    }
    return out;
  }

  // ---- bookkeeping ----

  private linkId(raw: RawFrame): number {
    const linktype = raw.linktype, iface = raw.interface;
    const ng = raw.pcapng;
    // Most frames are on the same link as the one before: no key string to build.
    const last = this.lastLink;
    if (last && last.linktype === linktype && last.iface === iface && last.ng === ng && last.section === raw.section
      && last.noInterfaceId === raw.noInterfaceId && last.tsPrecision === raw.tsPrecision) return last.id;
    const key = `${linktype}/${iface}/${raw.section ?? ''}/${raw.noInterfaceId ? 1 : 0}/${raw.tsPrecision ?? ''}/${ng ? `${ng.section}/${ng.ifName ?? ''}/${ng.ifDescription ?? ''}` : ''}`;
    let id = this.linkIds.get(key);
    if (id === undefined) {
      id = this.links.length;
      const meta: Pick<RawFrame, 'section' | 'noInterfaceId' | 'pcapng' | 'tsPrecision'> = {};
      if (raw.section !== undefined) meta.section = raw.section;
      if (raw.tsPrecision !== undefined) meta.tsPrecision = raw.tsPrecision;
      if (raw.noInterfaceId) meta.noInterfaceId = true;
      if (ng) meta.pcapng = ng;
      this.links.push({ linktype, interface: iface, meta });
      this.linkIds.set(key, id);
    }
    this.lastLink = { linktype, iface, ng, section: raw.section, noInterfaceId: raw.noInterfaceId, tsPrecision: raw.tsPrecision, id };
    return id;
  }

  /** Bytes the store holds for its frames and streams (the info cache excluded: it is bounded). */
  memory(): { columns: number; arena: number; strings: number; perFrame: number } {
    const cols = [this.tapes, this.off, this.sec, this.nsec, this.caplen, this.wirelen, this.link, this.src, this.dst, this.proto, this.stream,
      this.tflags, this.aflags, this.states, this.misc, this.prev, this.rec, this.sFirst, this.sLast, this.sClient, this.sServer,
      this.sFramesC, this.sFramesS, this.sBytesC, this.sBytesS, this.sStates, this.sIrtt, this.sRetrans, this.sHandshake,
      this.sStartStates, this.sStartCause];
    const columns = cols.reduce((a, c) => a + c.bytes, 0);
    const strings = this.names.bytes + this.strings.expert.bytes + this.strings.prefix.bytes + this.strings.text.bytes + this.blockFacts.bytes;
    const arena = this.arena.bytes;
    return { columns, arena, strings, perFrame: this.total ? (columns + arena + strings) / this.total : 0 };
  }
}

/**
 * Connections in order of first frame. Streams are numbered in that order already (a stream's number is
 * given at its first frame), so this is a check, and a sort only if some list ever is not.
 */
export function inFirstFrameOrder(list: ConnectionSummary[]): ConnectionSummary[] {
  for (let i = 1; i < list.length; i++) if (list[i].firstFrame < list[i - 1].firstFrame) return list.sort((a, b) => a.firstFrame - b.firstFrame);
  return list;
}

/**
 * The fast path's checks of a frame on its own (its block facts, layout, options and payload; nothing of
 * the streams so far): the segment (fastSegment's, fastLayout set), or null when the frame needs the full
 * dissector. The same bytes and block facts always give the same answer, so another thread may ask it
 * (the loading pipeline: load-worker.ts) and FrameStore.ingest then checks only what depends on the streams.
 */
export function fastCandidate(raw: RawFrame, n: number): TcpSegment | null {
  // Block facts the frame tree shows (comments, flags, drops, custom blocks), or no timestamp: rare, full path.
  if (!storeFastPath || raw.noTimestamp || raw.hasTimestamp === false || raw.custom || raw.packetFlags !== undefined || raw.dropCount !== undefined || (raw.comments && raw.comments.length)) return null;
  const seg = fastSegment(raw, n);
  if (seg === SKIP || seg === FALLBACK) return null;
  const L = fastLayout;
  const d = L.buf;
  // Captured whole (a cut frame or payload has exceptions and heuristics), IPv4 without options.
  if (L.payloadEnd > L.end || raw.len !== capturedLength(raw)) return null;
  if (d[L.ip] >> 4 === 4 && (d[L.ip] & 15) !== 5) return null;
  if (L.payload > L.tcp + 20 && !plainOptions(d, L.tcp + 20, L.payload)) return null;
  // Data with a SYN or RST: rare, and TCP treats it apart. A payload may be the middle of a PDU
  // (FrameStore.ingest decides, from the streams so far) when it ends the frame (its bytes are then the
  // frame's last seg.len): one for "data" too, in a stream where some dissector is waiting.
  const mayBeMiddle = seg.len > 0 && !(seg.flags & (TCP_SYN | TCP_RST | TCP_FIN)) && L.payloadEnd === L.end;
  fastCandidateKind.route = mayBeMiddle ? DATA_OR_MIDDLE : DATA;
  if (seg.len > 0 && (seg.flags & (TCP_SYN | TCP_RST) || !payloadIsData(d, L.payload, L.payloadEnd, seg.srcPort, seg.dstPort))) {
    if (!mayBeMiddle) return null;
    fastCandidateKind.route = MIDDLE_ONLY;
  }
  return seg;
}

/**
 * Where the fast path may send a candidate's payload (none, or "data"; "data", or the middle of a PDU; only
 * the middle of a PDU, not being for "data"): set by fastCandidate for the segment it returned.
 */
export const DATA = 0, DATA_OR_MIDDLE = 1, MIDDLE_ONLY = 2;
export type PayloadRoute = typeof DATA | typeof DATA_OR_MIDDLE | typeof MIDDLE_ONLY;
export const fastCandidateKind: { route: PayloadRoute } = { route: DATA };

/**
 * TCP options the fast path may store without the dissector: only the common kinds (the fast reader
 * already checked their lengths), and after an End of Option List only zeros (else "Non-zero header
 * padding", an error that marks the frame malformed).
 */
function plainOptions(d: Uint8Array, pos: number, end: number): boolean {
  while (pos < end) {
    const kind = d[pos];
    if (kind === 0) {
      for (let p = pos + 1; p < end; p++) if (d[p] !== 0) return false;
      return true;
    }
    if (kind === 1) { pos++; continue; }
    if (kind !== 2 && kind !== 3 && kind !== 4 && kind !== 5 && kind !== 8) return false;
    pos += d[pos + 1];
  }
  return true;
}

/** The captured length, without making the reader's window frame build a view of its bytes. */
function capturedLength(raw: RawFrame): number {
  return raw instanceof WindowFrame ? raw.caplen : raw.data.length;
}

type BlockFacts = Pick<RawFrame, 'comments' | 'packetFlags' | 'dropCount' | 'custom'>;

/**
 * The block facts by frame number, with what they cost: a file of many tiny comments costs far more than
 * its bytes (31 MB of two-byte comments took 295 MB: fresh eyes), and the upload budget counts it.
 */
class FactsMap extends Map<number, BlockFacts> {
  bytes = 0;
  override set(n: number, f: BlockFacts): this {
    const old = this.get(n);
    if (old) this.bytes -= blockFactsCost(old);
    this.bytes += blockFactsCost(f);
    return super.set(n, f);
  }
  override delete(n: number): boolean {
    const old = this.get(n);
    if (old) this.bytes -= blockFactsCost(old);
    return super.delete(n);
  }
  override clear(): void {
    this.bytes = 0;
    super.clear();
  }
}

/** The block facts of a frame worth keeping, or null when it has none (most frames). */
function blockFacts(raw: RawFrame): BlockFacts | null {
  const comments = raw.comments && raw.comments.length ? raw.comments.slice() : undefined;
  if (!comments && raw.packetFlags === undefined && raw.dropCount === undefined && !raw.custom) return null;
  const f: BlockFacts = {};
  if (comments) f.comments = comments;
  if (raw.packetFlags !== undefined) f.packetFlags = raw.packetFlags;
  if (raw.dropCount !== undefined) f.dropCount = raw.dropCount;
  if (raw.custom) f.custom = { ...raw.custom };
  return f;
}
