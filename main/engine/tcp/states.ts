// Per-endpoint RFC 9293 state inference for every TCP connection (tcp.stream), by the receiver's evidence
// (DECISIONS). A segment counts as received when it is captured (the loopback assumption), unless the
// receiver's own next segment shows it had not processed it yet: that segment's ACK does not cover it,
// or it has no ACK. Then it was received right after that segment, and the receiver's states for the
// frames in between stay as they were. So crossing FINs take the second closer through FIN_WAIT_1 to
// CLOSING, never through CLOSE_WAIT, and the second SYN of a simultaneous open is sent from SYN_SENT.
//
// Each endpoint therefore keeps the peer's segments captured since its own last one ("pending"); its
// next segment decides when each was received. Until then a pending segment is shown received (as the
// file would be decided if the capture ended there), and the reports of the frames in between may be
// revised: `revisions` lists them after each segment. Evidence counts within EVIDENCE_HORIZON frames,
// so a file is decided with a bounded look-ahead (`settledBefore`) and a live view corrects at most the
// frames since that endpoint's last segment.
//
// A SYN reaching a listener counts as received only when the answer shows it (a SYN-ACK covering it):
// unanswered, the server stays LISTEN ("no answer seen"). The server's start is decided by its first
// answer: a RST means nothing listened (CLOSED throughout, a refused connection), a SYN of its own a
// simultaneous open (CLOSED, then SYN_SENT), even when that SYN is captured just after the server's
// SYN-ACK (reordered on a veth pair); otherwise it was listening. Timer-driven changes (TIME_WAIT
// expiring, a SYN given up) are never inferred. A retransmitted SYN or FIN is not a second open or close.
import type {
  ConnectionStart, Endpoint, EndpointStates, StateNote, TcpAnalysis, TcpSegment, TcpState, Transition,
} from '../types';
import { TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN } from '../types';
import { CAUSE_TEXT, NOTE_TEXT, connectionStart, next, type EndpointEvent } from './state-machine';
import { add32, ge, gt, le, lt } from './seq';
import { ChunkedRecords } from '../chunked';

/** How many frames after a segment its receiver's next segment still counts as evidence of its receipt. */
export const EVIDENCE_HORIZON = 1000;

/** What the states tell of one frame: both endpoints after it, the transitions it caused, notes, the start. */
export interface StateReport {
  states: EndpointStates;
  transitions: Transition[];
  notes?: StateNote[];
  /** On the connection's first frame only. */
  start?: ConnectionStart;
}

export interface StateRevision {
  frame: number;
  stream: number;
  report: StateReport;
}

/** Where an endpoint stands in the diagram. */
interface Progress {
  state: TcpState;
  /** Entered SYN_RECEIVED from LISTEN (a reset then returns it to LISTEN). */
  passive: boolean;
}

/** A peer segment whose receipt could change an endpoint's state, waiting for that endpoint's next segment. */
interface Pending {
  frame: number;
  flags: number;
  ack: number;
  /** Raw sequence number just after the segment (signed 32-bit): what an ACK must reach to cover it. */
  end: number;
  /** Its raw sequence number (signed 32-bit): an ACK of the receiver below it shows a hole before the segment. */
  start: number;
  /**
   * A FIN held beyond a hole: its receiver's ACK was below the segment, so the FIN waits in its out-of-order
   * queue until the data in front of it arrives (its ACK field was taken on arrival; `flags` is then FIN alone).
   * It stays pending, not shown received, until an ACK covers it; `heldAt` is the frame of the receiver's
   * latest segment that showed the hole. Likewise a segment acknowledging the receiver's SYN, when the receiver
   * sent that SYN again after it (see resolve): held until a segment of the receiver's without SYN.
   */
  held: boolean;
  heldAt: number;
  /** A reset within its receiver's receive window (RFC 9293 §3.10.7.4: one outside it is dropped); true for others. */
  inWindow: boolean;
  /** Not yet decided (the settled-frames queue skips it once false). */
  open: boolean;
}

interface Side {
  /** After its own last segment and the receipts that segment decided. */
  committed: Progress;
  /** `committed` plus the pending segments shown received: what is reported now (the same object while none is pending). */
  shown: Progress;
  /** A former `shown` no longer used, for the next time one is needed (one fewer object per SYN, FIN or RST). */
  spare: Progress | null;
  /** null while none (most of the time: only SYN, FIN, RST and ACKs of a SYN or FIN wait for evidence). */
  pending: Pending[] | null;
  /** Raw ISN once this side sent a SYN, and the sequence number just after the SYN (signed 32-bit). */
  iss: number | null;
  synEnd: number | null;
  /** Raw sequence number just after this side's FIN, once it sent one (signed 32-bit). */
  finNext: number | null;
  /** A peer segment whose ACK covers this side's SYN, or its FIN, was captured (later ones change nothing). */
  synCovered: boolean;
  finCovered: boolean;
  /**
   * What this side's own segments say, for judging the peer's resets: the ACK of its latest segment that
   * had one (and that segment's frame, 0 for none), the sequence number after the furthest it sent (null
   * before it sent anything captured), its latest window (scaled as far as known) and its SYN's window
   * shift (-1: no option; null: its SYN was not seen).
   */
  lastAck: number;
  lastAckFrame: number;
  nxt: number | null;
  window: number;
  wscale: number | null;
}

/** A frame whose report may still change (kept while some segment at or before it is pending). */
interface Entry {
  frame: number;
  sender: Endpoint;
  states: EndpointStates;
  /** The sender's transitions (final when made) and the receiver's (revisable). */
  sent: Transition[];
  received: Transition[];
  senderNote: StateNote | null;
  receiverNote: StateNote | null;
  /** Revised by the segment being processed (collected once). */
  revised: boolean;
}

interface Conn {
  stream: number;
  /** Both sides (a parked connection's object is dropped: see ParkedConns). */
  client: Side;
  server: Side;
  /** The ParkedConns slot holding the connection (then this object is no longer used), or -1. */
  parked: number;
  /** Listed in StateTracker.candidates: finished, to be parked once its pending segments expire. */
  candidate: boolean;
  /** Frame number of the connection's first frame. */
  first: number;
  start: ConnectionStart;
  /** The server's start waits for its first answer (the connection began with a SYN). */
  startOpen: boolean;
  /**
   * Set when the server's first answer was a SYN-ACK: that answer's frame, and the opening SYN's receipt
   * kept open (unsettled) while the server's own SYN may still turn up behind it (see lateActiveSyn).
   */
  passiveCheck: { synAck: number; guard: Pending } | null;
  /** Reporting only: frames from the earliest pending segment on (null in `stats`, which reports nothing). */
  log: Entry[] | null;
}

/** The starts a capture can show (shared: a connection keeps one). */
const START_SYN = connectionStart('CLOSED', 'LISTEN', 'syn');
const START_REFUSED_OR_ACTIVE = connectionStart('CLOSED', 'CLOSED', 'syn');
const START_SYN_ACK = connectionStart('SYN_SENT', 'SYN_RECEIVED', 'syn_ack');
const START_MID_STREAM = connectionStart('ESTABLISHED', 'ESTABLISHED', 'mid_stream');
/** The starts by the number a parked connection keeps. */
const STARTS: readonly ConnectionStart[] = [START_SYN, START_REFUSED_OR_ACTIVE, START_SYN_ACK, START_MID_STREAM];

/**
 * Finished connections, parked as numbers (PARKED_CONN Int32 slots each: both sides, PARKED_SIDE slots
 * each, then the first frame and the start): their objects were a few hundred bytes per connection,
 * kept to the end of a capture by `stats`. Every field is kept, so a late segment brings the connection
 * back as it was (see StateTracker.parkFinished).
 */
const PARKED_SIDE = 4;
const PARKED_CONN = 2 * PARKED_SIDE + 2;
const PC_FIRST = 2 * PARKED_SIDE, PC_START = 2 * PARKED_SIDE + 1;
const PS_BITS = 0, PS_ISS = 1, PS_SYN_END = 2, PS_FIN_NEXT = 3;
const S_PASSIVE = 16, S_ISS = 32, S_SYN_END = 64, S_FIN_NEXT = 128, S_SYN_COVERED = 256, S_FIN_COVERED = 512;
const STATE_NAMES: readonly TcpState[] = ['CLOSED', 'LISTEN', 'SYN_SENT', 'SYN_RECEIVED', 'ESTABLISHED', 'FIN_WAIT_1', 'FIN_WAIT_2', 'CLOSE_WAIT', 'CLOSING', 'LAST_ACK', 'TIME_WAIT'];
const STATE_CODES = new Map<TcpState, number>(STATE_NAMES.map((name, i) => [name, i]));

class ParkedConns {
  /** PARKED_CONN numbers per slot (see ChunkedRecords). */
  private readonly ints = new ChunkedRecords(PARKED_CONN, (n) => new Int32Array(n));
  /** Slots freed by connections brought back, reused first. */
  private free: number[] = [];
  /** Slots used, in a typed array (a field first changed late in a run deoptimizes: see Clocks). */
  private readonly used = new Int32Array(1);

  /** Keeps both sides (each with nothing pending, shown = committed), the first frame and the start; returns the slot. */
  park(client: Side, server: Side, first: number, start: number): number {
    let slot = this.free.pop();
    if (slot === undefined) slot = this.used[0]++;
    const d = this.ints.chunk(slot), at = this.ints.at(slot);
    d[at + PC_FIRST] = first;
    d[at + PC_START] = start;
    for (let k = 0; k < 2; k++) {
      const x = k === 0 ? client : server, o = at + k * PARKED_SIDE;
      d[o + PS_BITS] = (STATE_CODES.get(x.committed.state) as number) | (x.committed.passive ? S_PASSIVE : 0)
        | (x.iss !== null ? S_ISS : 0) | (x.synEnd !== null ? S_SYN_END : 0) | (x.finNext !== null ? S_FIN_NEXT : 0)
        | (x.synCovered ? S_SYN_COVERED : 0) | (x.finCovered ? S_FIN_COVERED : 0);
      d[o + PS_ISS] = x.iss ?? 0;
      d[o + PS_SYN_END] = x.synEnd ?? 0;
      d[o + PS_FIN_NEXT] = x.finNext ?? 0;
    }
    return slot;
  }

  /** The state of side `k` (0: client) parked at `slot`. */
  state(slot: number, k: 0 | 1): TcpState {
    return STATE_NAMES[this.ints.chunk(slot)[this.ints.at(slot) + k * PARKED_SIDE + PS_BITS] & 15];
  }

  /** The first frame and the start (an index in STARTS) of the connection parked at `slot`. */
  first(slot: number): number {
    return this.ints.chunk(slot)[this.ints.at(slot) + PC_FIRST] >>> 0;
  }

  start(slot: number): number {
    return this.ints.chunk(slot)[this.ints.at(slot) + PC_START];
  }

  /** Side `k` (0: client) parked at `slot`, as it was, into `x` (a side in a new side's state, see side()). */
  restore(slot: number, k: 0 | 1, x: Side): Side {
    const d = this.ints.chunk(slot), o = this.ints.at(slot) + k * PARKED_SIDE;
    const bits = d[o + PS_BITS];
    x.committed.state = STATE_NAMES[bits & 15];
    x.committed.passive = (bits & S_PASSIVE) !== 0;
    // What a finished connection's segments said of resets is not kept: a late reset is then judged as
    // one on a connection whose segments were not captured (accepted), as in a new side.
    x.iss = bits & S_ISS ? d[o + PS_ISS] : null;
    x.synEnd = bits & S_SYN_END ? d[o + PS_SYN_END] : null;
    x.finNext = bits & S_FIN_NEXT ? d[o + PS_FIN_NEXT] : null;
    x.synCovered = (bits & S_SYN_COVERED) !== 0;
    x.finCovered = (bits & S_FIN_COVERED) !== 0;
    return x;
  }

  /** Frees `slot` (the connection restored). */
  release(slot: number): void {
    this.free.push(slot);
  }
}

/**
 * Decides `b`'s pending segments as resolve() decides expired ones (each received as captured, in order,
 * without evidence) once the last of them is beyond the evidence horizon of every frame after `frames`.
 */
function settle(b: Side, who: Endpoint, frames: number, free: Pending[], lists: Pending[][], keep: Pending | null): void {
  const pending = b.pending;
  if (pending === null || frames - pending[pending.length - 1].frame < EVIDENCE_HORIZON) return;
  for (const x of pending) {
    x.open = false;
    // A FIN still held beyond a hole was never shown processed: it expires unreceived.
    if (!x.held) receive(b, b.committed, who, x, null, false);
  }
  b.pending = null;
  if (b.shown !== b.committed) b.spare = b.shown;
  b.shown = b.committed;
  for (const x of pending) if (x !== keep) free.push(x);
  lists.push(pending);
}

/** States after which an endpoint sends nothing new on its own (a late segment still brings its side back). */
const done = (p: Progress): boolean => p.state === 'CLOSED' || p.state === 'TIME_WAIT';

/** A new side in `state`: `reuse` (a parked connection's, see StateTracker.spare) reset, or a new object. */
function side(state: TcpState, reuse: Side | null): Side {
  if (reuse === null) {
    const at: Progress = { state, passive: state === 'LISTEN' };
    return {
      committed: at, shown: at, spare: null, pending: null, iss: null, synEnd: null, finNext: null, synCovered: false, finCovered: false,
      lastAck: 0, lastAckFrame: 0, nxt: null, window: 0, wscale: null,
    };
  }
  // A parked side's shown progress is its committed one (see StateTracker.park), reused with it.
  const at = reuse.committed;
  at.state = state;
  at.passive = state === 'LISTEN';
  reuse.shown = at;
  reuse.pending = null;
  reuse.iss = null;
  reuse.synEnd = null;
  reuse.finNext = null;
  reuse.synCovered = false;
  reuse.finCovered = false;
  reuse.lastAck = 0;
  reuse.lastAckFrame = 0;
  reuse.nxt = null;
  reuse.window = 0;
  reuse.wscale = null;
  return reuse;
}

/** The notes, shared (frozen), by endpoint and code: a new one for every SYN shown unanswered was garbage for every connection. */
const NOTES = {
  client: { no_answer: frozenNote('client', 'no_answer'), no_listener: frozenNote('client', 'no_listener') },
  server: { no_answer: frozenNote('server', 'no_answer'), no_listener: frozenNote('server', 'no_listener') },
} satisfies Record<Endpoint, Record<StateNote['code'], StateNote>>;
function frozenNote(endpoint: Endpoint, code: StateNote['code']): StateNote {
  return Object.freeze({ endpoint, code, text: NOTE_TEXT[code] });
}
const note = (endpoint: Endpoint, code: StateNote['code']): StateNote => NOTES[endpoint][code];

/** What `revisions` is after most segments (shared: it is read-only). */
const NO_REVISIONS: readonly StateRevision[] = Object.freeze([]);
/** The transitions of an entry that has none (shared and frozen: entries' lists are replaced, never changed). */
const NO_TRANSITIONS: Transition[] = Object.freeze([]) as unknown as Transition[];
/** Both endpoints' states as a new entry shows them: one frozen object per pair, shared (an entry's states are replaced, never changed: see setState). */
const PAIRS = new Map<TcpState, Map<TcpState, EndpointStates>>();
function statesPair(client: TcpState, server: TcpState): EndpointStates {
  let byServer = PAIRS.get(client);
  if (!byServer) PAIRS.set(client, (byServer = new Map()));
  let pair = byServer.get(server);
  if (!pair) byServer.set(server, (pair = Object.freeze({ client, server })));
  return pair;
}
/** A copy of a scratch list of transitions for an entry to keep (the shared empty list when it is empty). */
const listed = (scratch: Transition[]): Transition[] => (scratch.length ? scratch.slice() : NO_TRANSITIONS);

export class StateTracker {
  /** Connections by tcp.stream (dense: streams are numbered from 0 in capture order); a number for a parked one (its ParkedConns slot). */
  private readonly conns: (Conn | number)[] = [];
  /** Reporting only: every pending segment in frame order, for settledBefore. */
  private readonly queue: Pending[] = [];
  private queueHead = 0;
  private revisedEntries: Entry[] = [];
  /** Where finished connections' sides are parked, once parking is on (see parkFinished). */
  private parkedConns: ParkedConns | null = null;
  /** Connections parked, and brought back by a late segment, so far (in a typed array: see TcpTracker.parking). */
  private readonly parking = new Uint32Array(2);
  get parked(): number { return this.parking[0]; }
  get unparked(): number { return this.parking[1]; }
  /** Finished connections not parked yet (see parkSettled). */
  private candidates: Conn[] = [];
  /**
   * How many of `candidates` (the first) the last parkSettled checked: parkSettled(frames, true) checks only
   * those listed since, once per bucket of segments held back (see ConversationStats.flush).
   */
  private candidatesChecked = 0;
  /**
   * Objects of parked connections (with their sides), reused for new and brought-back ones: made anew for
   * each connection, they lived as long as it did, long enough to be promoted, and died in the old
   * generation by the thousand, most of the garbage `stats` kept until a full collection (its peak memory).
   */
  private readonly spare: Conn[] = [];
  /**
   * Decided pending segments of connections that report nothing, reused for new ones (in `stats`, a new
   * object per SYN, FIN, RST and ACK of one was most of what the state tracker allocated). A reporting
   * connection's are listed in `queue` and never reused.
   */
  private readonly freePending: Pending[] = [];
  /**
   * Pending lists of connections that report nothing, decided (their contents stale), reused likewise: a new list per SYN, FIN or
   * covering ACK waiting for evidence, held by the finished connections waiting to be parked (see
   * parkSettled), was most of what `stats` promoted per connection once the Conv objects were reused.
   */
  private readonly freeLists: Pending[][] = [];
  private lastRevisions: readonly StateRevision[] = NO_REVISIONS;
  /** A reported segment's transitions as step() finds them, copied into its entry (see listed). */
  private readonly sentScratch: Transition[] = [];
  private readonly receivedScratch: Transition[] = [];

  /** The report of `seg`'s frame as the capture so far shows it; earlier frames it revised are in `revisions`. */
  onSegment(seg: TcpSegment, analysis: TcpAnalysis): StateReport {
    // (A new list only when the last one was used: most segments revise nothing, and this runs for every one.)
    if (this.revisedEntries.length) this.revisedEntries = [];
    const conn = this.conn(seg, analysis.stream, analysis.direction, true);
    const entry = this.step(conn, seg, analysis.direction, true) as Entry;
    this.lastRevisions = this.revisedEntries.length ? this.revisedEntries.map((e) => ({ frame: e.frame, stream: conn.stream, report: this.report(conn, e) })) : NO_REVISIONS;
    this.settledBefore(seg.frame); // keeps the queue short for callers that never ask (the frame store)
    return this.report(conn, entry);
  }

  /** Earlier frames whose reports the last onSegment changed, in frame order (usually none). */
  get revisions(): readonly StateRevision[] {
    return this.lastRevisions;
  }

  /**
   * Frames numbered below the result can no longer be revised, once `frames` frames (of any kind) were
   * seen: every segment still waiting for its receiver's evidence is at or after it. Infinity when none waits.
   */
  settledBefore(frames: number): number {
    const q = this.queue;
    while (this.queueHead < q.length && (!q[this.queueHead].open || frames + 1 - q[this.queueHead].frame > EVIDENCE_HORIZON)) this.queueHead++;
    if (this.queueHead > 4096 && this.queueHead * 2 > q.length) {
      q.splice(0, this.queueHead);
      this.queueHead = 0;
    }
    return this.queueHead < q.length ? q[this.queueHead].frame : Infinity;
  }

  /** The first frame of `stream` whose report may still change, or null when all are final. */
  openFrom(stream: number, frames: number): number | null {
    const c = this.conns[stream];
    if (c === undefined || typeof c === 'number') return null;
    // Each side read in turn (no pair made per call: it is asked of every stream touched by each batch).
    const a = firstOpen(c.client.pending, frames), b = firstOpen(c.server.pending, frames);
    return a === null ? b : b === null || a < b ? a : b;
  }

  /** Both endpoints' states of a stream now (undefined before its first segment). */
  statesOf(stream: number): EndpointStates | undefined {
    const conn = this.conns[stream];
    if (typeof conn === 'number') {
      const store = this.parkedConns as ParkedConns;
      return { client: store.state(conn, 0), server: store.state(conn, 1) };
    }
    return conn && { client: conn.client.shown.state, server: conn.server.shown.state };
  }

  /**
   * From now on, advance() parks the sides of connections whose endpoints are both CLOSED or TIME_WAIT
   * with nothing pending (see ParkedConns): for `stats`, which keeps every connection to the end of a
   * large capture and reports nothing frame by frame. A late segment brings them back as they were.
   */
  parkFinished(): void {
    this.parkedConns ??= new ParkedConns();
  }

  /** How a stream's endpoints stood before its first frame (undefined before its first segment). */
  startOf(stream: number): ConnectionStart | undefined {
    const c = this.conns[stream];
    return typeof c === 'number' ? STARTS[(this.parkedConns as ParkedConns).start(c)] : c?.start;
  }

  /** Applies `seg` (sent in `direction`, 0 from the client) to its stream without reports (`stats` needs only the final states). */
  advance(seg: TcpSegment, stream: number, direction: 0 | 1): void {
    const conn = this.conn(seg, stream, direction, false);
    this.step(conn, seg, direction, false);
    if (this.parkedConns === null || conn.log !== null || conn.startOpen) return;
    if (!done(conn.client.shown) || !done(conn.server.shown)) return;
    if (this.park(conn)) {
      // (One still listed as a candidate is reused once parkSettled drops it from the list.)
      if (!conn.candidate) this.spare.push(conn);
    } else if (!conn.candidate) {
      // Its last segments still wait for evidence (the final ACK, for one): parked once they have expired.
      conn.candidate = true;
      this.candidates.push(conn);
    }
  }

  /**
   * Parks the finished connections whose pending segments can no longer be decided otherwise than as
   * captured, once every frame up to `frames` was advanced: a segment of theirs still to come (numbered
   * above `frames`) would find them beyond the evidence horizon, and receive them as captured, as here.
   */
  parkSettled(frames: number, recent = false): void {
    if (this.parkedConns === null) return;
    // `recent`: only the candidates listed since the last call (the others were checked at `frames` already).
    const list = this.candidates, from = recent ? this.candidatesChecked : 0;
    let keep = from;
    for (let i = from; i < list.length; i++) {
      const conn = list[i];
      if (conn.parked >= 0 || conn.log !== null || !done(conn.client.shown) || !done(conn.server.shown)) {
        conn.candidate = false;
        // Parked by advance() since it was listed: no longer referenced (a late segment brought it back in another object).
        if (conn.parked >= 0) this.spare.push(conn);
        continue;
      }
      const guard = conn.passiveCheck?.guard ?? null;
      settle(conn.client, 'client', frames, this.freePending, this.freeLists, guard);
      settle(conn.server, 'server', frames, this.freePending, this.freeLists, guard);
      if (this.park(conn)) {
        conn.candidate = false;
        this.spare.push(conn);
      } else list[keep++] = conn;
    }
    list.length = keep;
    this.candidatesChecked = keep;
  }

  /** Parks `conn` if its sides hold nothing but numbers (nothing pending, nothing shown ahead, no check open). */
  private park(conn: Conn): boolean {
    const { client, server } = conn;
    if (client.pending !== null || server.pending !== null || client.shown !== client.committed || server.shown !== server.committed) return false;
    // (A server's late own SYN is no longer awaited: a FIN or RST ended that wait.)
    if (conn.passiveCheck !== null) return false;
    const start = STARTS.indexOf(conn.start);
    if (start < 0) return false;
    conn.parked = (this.parkedConns as ParkedConns).park(client, server, conn.first, start);
    // The object is dropped (the stream's entry is now its slot), its sides with it.
    this.conns[conn.stream] = conn.parked;
    this.parking[0]++;
    return true;
  }

  private conn(seg: TcpSegment, stream: number, direction: 0 | 1, reporting: boolean): Conn {
    const known = this.conns[stream];
    if (typeof known === 'number') {
      // Parked: brought back as it was (only a connection that reports nothing, started and settled, is parked).
      const store = this.parkedConns as ParkedConns;
      const reuse = this.spare.pop();
      const back = this.newConn(stream, side('CLOSED', reuse?.client ?? null), side('CLOSED', reuse?.server ?? null), store.first(known), STARTS[store.start(known)], false, false, reuse);
      store.restore(known, 0, back.client);
      store.restore(known, 1, back.server);
      store.release(known);
      this.conns[stream] = back;
      this.parking[1]++;
      return back;
    }
    if (known) return known;
    // Born at its first frame (DECISIONS: start states are not transitions).
    const f = seg.flags;
    // A parked connection's objects, when there is one (only `stats` parks, and it never reports).
    const reuse = reporting ? undefined : this.spare.pop();
    let client: Side, server: Side, start: ConnectionStart;
    if ((f & TCP_SYN) && !(f & TCP_RST) && !(f & TCP_ACK)) {
      // The opening SYN: the server is LISTEN until its answer says otherwise.
      client = side('CLOSED', reuse?.client ?? null);
      server = side('LISTEN', reuse?.server ?? null);
      start = START_SYN;
    } else if ((f & TCP_SYN) && !(f & TCP_RST) && direction === 1) {
      // The capture began at the SYN-ACK: its receiver sent the SYN, its sender received it.
      client = side('SYN_SENT', reuse?.client ?? null);
      server = side('SYN_RECEIVED', reuse?.server ?? null);
      server.committed.passive = true;
      client.iss = add32(seg.ack, -1);
      client.synEnd = seg.ack | 0;
      start = START_SYN_ACK;
    } else {
      client = side('ESTABLISHED', reuse?.client ?? null);
      server = side('ESTABLISHED', reuse?.server ?? null);
      start = START_MID_STREAM;
    }
    const conn = this.newConn(stream, client, server, seg.frame, start, start.cause === 'syn', reporting, reuse);
    this.conns[stream] = conn;
    return conn;
  }

  /** A connection not parked, not listed, with no check open: `reuse` (from `spare`, its sides already reset) or a new one. */
  private newConn(stream: number, client: Side, server: Side, first: number, start: ConnectionStart, startOpen: boolean, reporting: boolean, reuse: Conn | undefined): Conn {
    if (reuse === undefined) {
      const conn: Conn = { stream, client, server, parked: 0, candidate: false, first, start, startOpen, passiveCheck: null, log: reporting ? [] : null };
      // Stored twice: V8 then knows `parked` changes (see Clocks in conversation.ts). Written first at the
      // first parking, it deoptimized the tracker's compiled code, compiled again.
      conn.parked = -1;
      return conn;
    }
    reuse.stream = stream;
    reuse.client = client;
    reuse.server = server;
    reuse.parked = -1;
    reuse.candidate = false;
    reuse.first = first;
    reuse.start = start;
    reuse.startOpen = startOpen;
    reuse.passiveCheck = null;
    reuse.log = null;
    return reuse;
  }

  /** One segment: the sender's evidence decides its pending receipts, then its own sending, then the receiver's receipt. */
  private step(conn: Conn, seg: TcpSegment, direction: 0 | 1, reporting: boolean): Entry | null {
    const f = seg.flags;
    const s = direction === 0 ? conn.client : conn.server;
    const r = direction === 0 ? conn.server : conn.client;
    // An endpoint in SYN_SENT sends a segment with ACK and without SYN only after taking the peer's SYN-ACK:
    // when that SYN-ACK was not captured, its ACK tells the peer's ISN (so the peer's receipt of this ACK counts).
    const impliedSynAck = s.committed.state === 'SYN_SENT' && (f & (TCP_SYN | TCP_ACK | TCP_RST)) === TCP_ACK && r.iss === null;
    if (impliedSynAck) {
      r.iss = add32(seg.ack, -1);
      r.synEnd = seg.ack | 0;
    }
    const inWindow = (f & TCP_RST) === 0 || resetInWindow(seg, s, r);
    noteSegment(s, r, seg);
    const rel = relevant(seg, r);
    // Most segments change nothing and decide nothing: data and ACKs with nothing waiting on either side.
    if (!reporting && !rel && s.pending === null && (f & (TCP_SYN | TCP_FIN | TCP_RST)) === 0 && !(direction === 1 && conn.startOpen)) return null;
    const sName: Endpoint = direction === 0 ? 'client' : 'server';
    const rName: Endpoint = direction === 0 ? 'server' : 'client';

    const check = conn.passiveCheck;
    if (check) {
      const lateSyn = sName === 'server' && (f & (TCP_SYN | TCP_ACK | TCP_RST)) === TCP_SYN && s.iss === (seg.seq | 0) && s.committed.passive;
      // Otherwise, once the handshake went on, a SYN sent before the SYN-ACK would have been captured by now.
      if (lateSyn || sName === 'server' || seg.len > 0 || (f & (TCP_SYN | TCP_FIN | TCP_RST)) || seg.frame - check.synAck > EVIDENCE_HORIZON) {
        check.guard.open = false;
        conn.passiveCheck = null;
      }
      if (lateSyn) this.lateActiveSyn(conn, check.synAck);
    }
    const opening = sName === 'server' && conn.startOpen ? this.decideStart(conn, seg) : null;
    const decided = s.pending;
    const deferred = decided ? this.resolve(conn, s, r, sName, decided, seg) : null;
    if (opening && s.committed.passive) {
      // Passive so far: keep the opening SYN's receipt open while the server's own SYN may still show up.
      opening.open = true;
      conn.passiveCheck = { synAck: seg.frame, guard: opening };
    }

    // The sender's side of the segment (collected in a scratch list: most segments make no transition, and
    // their entries share one empty list, where two new lists per segment were garbage).
    // (Emptied only when used: setting an array's length is a call into the runtime, each segment.)
    const sent: Transition[] | null = reporting ? this.sentScratch : null;
    if (sent && sent.length) sent.length = 0;
    let senderNote: StateNote | null = null;
    const p = s.committed;
    if (f & TCP_RST) {
      if (sName === 'server' && p.state === 'CLOSED' && s.iss === null && conn.start.cause === 'syn') senderNote = note('server', 'no_listener');
      // A reset <SEQ=SEG.ACK> answering a segment whose ACK was unacceptable in SYN_SENT or SYN_RECEIVED:
      // that segment is discarded and the endpoint stays where it was (RFC 9293 §3.10.7.3, §3.10.7.4).
      const answersBadAck = !(f & TCP_ACK) && (p.state === 'SYN_SENT' || p.state === 'SYN_RECEIVED')
        && r.lastAckFrame > 0 && (seg.seq | 0) === r.lastAck && !acksSyn(s, r.lastAck);
      if (!answersBadAck) apply(p, sName, 'snd_rst', sent);
    } else {
      if (impliedSynAck) apply(p, sName, 'rcv_syn_ack', sent);
      // A SYN from CLOSED on the ISN of this side's earlier SYN is that SYN again (a retransmission or an old
      // duplicate, RFC 9293 §3.5), not a new open: a new incarnation has a new ISN (§3.4.1).
      const oldSyn = (f & (TCP_SYN | TCP_ACK)) === TCP_SYN && p.state === 'CLOSED' && s.iss === (seg.seq | 0);
      if ((f & TCP_SYN) && !oldSyn) {
        if (s.iss === null || p.state === 'CLOSED' || p.state === 'LISTEN') {
          s.iss = seg.seq | 0;
          // SND.NXT after the SYN: a FIN sent with it counts too (a SYN-ACK may acknowledge both, §3.10.7.3).
          s.synEnd = add32(add32(seg.seq, seg.len), f & TCP_FIN ? 2 : 1);
          s.synCovered = false;
        }
        apply(p, sName, f & TCP_ACK ? 'snd_syn_ack' : 'snd_syn', sent);
      }
      // A FIN counts where the diagram has "snd FIN" (a retransmitted one does not, nor one sent with a SYN
      // from SYN_SENT, after which the endpoint's own later FIN still closes).
      if ((f & TCP_FIN) && !oldSyn && (s.finNext === null || next(p.state, 'snd_fin') !== null)) {
        s.finNext = add32(add32(seg.seq, seg.len), f & TCP_SYN ? 2 : 1);
        s.finCovered = false;
        apply(p, sName, 'snd_fin', sent);
      }
    }
    // Then the peer's segments this one shows were not processed yet: received right after it.
    if (deferred) for (const x of deferred) receive(s, p, sName, x, sent, false);
    if (s.shown !== p) {
      s.spare = s.shown;
      s.shown = p;
    }
    if (s.pending !== null) {
      // FINs still held beyond a hole (see resolve): shown as not received, in a progress of its own that later
      // pending segments move on.
      const shown = s.spare ?? { state: p.state, passive: p.passive };
      s.spare = null;
      shown.state = p.state;
      shown.passive = p.passive;
      s.shown = shown;
    }
    // Every segment decided is now no longer referenced, but the opening SYN's when kept open (passiveCheck).
    if (decided !== null && !reporting && conn.log === null) {
      const guard = conn.passiveCheck?.guard;
      for (const x of decided) if (x !== opening && x !== guard && !x.held) this.freePending.push(x);
      this.freeLists.push(decided);
    }

    // The receiver's side: received as captured until its own next segment says otherwise.
    const received: Transition[] | null = reporting ? this.receivedScratch : null;
    if (received && received.length) received.length = 0;
    let receiverNote: StateNote | null = null;
    if (rel) {
      let x = this.freePending.pop();
      if (x === undefined) x = { frame: seg.frame, flags: f, ack: seg.ack | 0, end: segmentEnd(seg), start: seg.seq | 0, held: false, heldAt: 0, inWindow, open: true };
      else {
        x.start = seg.seq | 0;
        x.held = false;
        x.heldAt = 0;
        x.frame = seg.frame;
        x.flags = f;
        x.ack = seg.ack | 0;
        x.end = segmentEnd(seg);
        x.inWindow = inWindow;
        x.open = true;
      }
      if (r.pending) r.pending.push(x);
      else {
        const list = reporting || conn.log !== null ? undefined : this.freeLists.pop();
        if (list === undefined) r.pending = [x];
        else {
          // (Emptied by shortening, never to 0: V8 then frees the elements, and the next push allocates them anew.)
          list[0] = x;
          list.length = 1;
          r.pending = list;
        }
        const shown = r.spare ?? { state: r.committed.state, passive: r.committed.passive };
        r.spare = null;
        shown.state = r.committed.state;
        shown.passive = r.committed.passive;
        r.shown = shown;
      }
      if (reporting) this.queue.push(x);
      receiverNote = receive(r, r.shown, rName, x, received, false);
    }
    const log = conn.log;
    if (!log) return null;
    const states = direction === 0 ? statesPair(s.shown.state, r.shown.state) : statesPair(r.shown.state, s.shown.state);
    const entry: Entry = {
      frame: seg.frame, sender: sName, states, sent: listed(sent as Transition[]), received: listed(received as Transition[]), senderNote, receiverNote, revised: false,
    };
    log.push(entry);
    // Keep only the frames a later segment could still revise.
    // (Both sides in turn, without a list of the two: this runs for every segment of a reporting connection.)
    const keepFrom = Math.min(conn.passiveCheck ? conn.first : Infinity, firstWithin(conn.client.pending, seg.frame), firstWithin(conn.server.pending, seg.frame));
    let drop = 0;
    while (drop < log.length && log[drop].frame < keepFrom) drop++;
    // Moved down in place: splice made an array of the entries dropped, for every segment that dropped any.
    if (drop) {
      log.copyWithin(0, drop);
      log.length -= drop;
    }
    return entry;
  }

  /**
   * The server's first answer to the opening SYN tells how it started: a RST (nothing listened) or a
   * SYN of its own (it opened actively) means CLOSED; anything else, or no answer in time, LISTEN.
   */
  private decideStart(conn: Conn, seg: TcpSegment): Pending | null {
    conn.startOpen = false;
    const f = seg.flags;
    if (seg.frame - conn.first > EVIDENCE_HORIZON) return null;
    if (!(f & TCP_RST) && !((f & TCP_SYN) && !(f & TCP_ACK))) {
      // A SYN-ACK answering the opening SYN: the opening SYN's receipt, for passiveCheck.
      const opening = conn.server.pending?.[0];
      return (f & TCP_SYN) && (f & TCP_ACK) && opening?.frame === conn.first ? opening : null;
    }
    conn.server.committed = conn.server.shown = { state: 'CLOSED', passive: false };
    conn.start = START_REFUSED_OR_ACTIVE;
    const first = conn.log?.[0];
    if (first && first.frame === conn.first) this.markRevised(first);
    return null;
  }

  /**
   * The server, taken for a listener by its SYN-ACK, now sends a SYN without ACK on the same ISN: its own
   * opening SYN, captured after the SYN-ACK (a veth pair delivers the two from different CPUs' queues, so
   * the later one can overtake). No listener ever sends that: the server opened actively and answered the
   * client's SYN from SYN_SENT. Its start and the frames up to the SYN-ACK are rewritten: CLOSED until the
   * SYN-ACK's frame, which shows CLOSED → SYN_SENT (its SYN) → SYN_RECEIVED (the client's SYN, received
   * then). This SYN itself changes nothing more.
   */
  private lateActiveSyn(conn: Conn, synAck: number): void {
    conn.start = START_REFUSED_OR_ACTIVE;
    conn.server.committed.passive = false;
    conn.server.shown.passive = false;
    for (const e of conn.log ?? []) {
      if (e.frame > synAck) break;
      if (e.frame < synAck) {
        if (e.sender === 'client') {
          e.received = e.received.filter((t) => t.endpoint !== 'server');
          if (e.receiverNote?.endpoint === 'server') e.receiverNote = null;
        }
        this.setState(e, 'server', 'CLOSED');
      } else {
        e.sent = [
          { endpoint: 'server', from: 'CLOSED', to: 'SYN_SENT', cause: 'snd_syn', text: CAUSE_TEXT.snd_syn },
          { endpoint: 'server', from: 'SYN_SENT', to: 'SYN_RECEIVED', cause: 'simultaneous_open', text: CAUSE_TEXT.simultaneous_open },
          ...e.sent.filter((t) => t.from !== 'LISTEN'),
        ];
        e.received = e.received.filter((t) => t.from !== 'LISTEN');
      }
      this.markRevised(e);
    }
  }

  /**
   * Decides, at `b`'s segment `seg`, when `b` received each peer segment pending for it: as captured
   * (covered by the ACK, or beyond the evidence horizon) or right after `seg` (returned, in order).
   * Revises the reports of the frames in between where they change.
   */
  private resolve(conn: Conn, b: Side, peer: Side, who: Endpoint, pending: Pending[], seg: TcpSegment): Pending[] | null {
    const p = b.committed;
    const log = conn.log;
    const acks = (seg.flags & TCP_ACK) !== 0;
    // A SYN without ACK cannot show what its sender had received, but a peer's SYN (it would have answered with
    // a SYN-ACK: the simultaneous open): anything else pending was received as captured (the endpoint got to
    // CLOSED, say, before opening again).
    const synOnly = (seg.flags & (TCP_SYN | TCP_ACK | TCP_RST)) === TCP_SYN;
    // A reset without ACK carries <SEQ=SEG.ACK> of the segment it answers: when that is the peer's latest
    // segment with an ACK, that segment, and every peer segment before it, was received (a kernel answers
    // data sent to a socket already closed so; its missing ACK says nothing of what it had processed). Not
    // in SYN_SENT: an acceptable SYN-ACK taken there is answered with an ACK, so such a reset came first.
    const answered = (seg.flags & TCP_RST) && !acks && p.state !== 'SYN_SENT' && peer.lastAckFrame > 0 && (seg.seq | 0) === peer.lastAck ? peer.lastAckFrame : 0;
    // A segment sent after a peer's reset that would have closed it, when it is no answer of a closed endpoint
    // (one sends only a RST, and only for a segment that was not a RST: none came from the peer since its
    // reset): it still had the connection, so the reset had not arrived yet (lost, or still on its way).
    const last = pending[pending.length - 1];
    const alive = p.state !== 'CLOSED' && p.state !== 'LISTEN' && p.state !== 'SYN_SENT' && (seg.flags & TCP_SYN) === 0;
    const aliveAfterReset = alive && (last.flags & TCP_RST) !== 0 && (!(seg.flags & TCP_RST) || peer.lastAckFrame <= last.frame);
    // A segment carrying its own SYN (the same ISN) from SYN_SENT or SYN_RECEIVED: it had not taken any segment
    // acknowledging that SYN, which would have made it ESTABLISHED, and an ESTABLISHED endpoint sends no SYN (a
    // SYN retransmitted after a lost SYN-ACK, a SYN-ACK retransmitted across the ACK of the first, the crossing
    // SYN-ACKs of a simultaneous open). Those are received right after it.
    const synAgain = (seg.flags & (TCP_SYN | TCP_RST)) === TCP_SYN && b.iss === (seg.seq | 0) && (p.state === 'SYN_SENT' || p.state === 'SYN_RECEIVED');
    let deferred: Pending[] | null = null;
    /** FINs still held beyond a hole after this segment (they stay pending). */
    let held: Pending[] | null = null;
    /** Held FINs this segment covers, each received at its `heldAt` (see below), in frame order. */
    let filled: Pending[] | null = null;
    const peerName: Endpoint = who === 'client' ? 'server' : 'client';
    // The frames whose receiver states may change: from the first pending segment, or from `b`'s previous
    // segment when FINs held beyond a hole come first (the frames up to it were decided by it).
    let from = pending[0].frame;
    for (const x of pending) if (x.held && x.heldAt > from) from = x.heldAt;
    let k = 0;
    if (log) while (k < log.length && log[k].frame < from) k++;
    for (const x of pending) {
      const expired = seg.frame - x.frame > EVIDENCE_HORIZON;
      const unprocessed = (synAgain && (x.flags & (TCP_ACK | TCP_RST)) === TCP_ACK && ge(x.ack, add32(seg.seq, 1)))
        || (aliveAfterReset && (x.flags & TCP_RST) !== 0 && x.inWindow && !(acks && lt(seg.ack, x.start)));
      const covered = !expired && !unprocessed && ((acks && ge(seg.ack, x.end)) || x.frame <= answered || (synOnly && !x.held && (x.flags & (TCP_SYN | TCP_ACK)) !== TCP_SYN));
      if (x.held) {
        // Its frame's report was decided when the hole showed (the ACK field taken there); the FIN is received
        // where the hole was filled, once an ACK covers it. Never received on expiry (nothing showed it processed).
        if (covered) {
          x.open = false;
          x.heldAt = log ? fillerFrame(log, peerName, x.heldAt, seg.frame, x.flags !== TCP_FIN) : x.frame;
          (filled ??= []).push(x);
        } else if (!expired) {
          x.heldAt = seg.frame;
          (held ??= []).push(x);
        } else x.open = false;
        continue;
      }
      if (filled) k = this.receiveFilled(conn, b, p, who, filled, x.frame, k);
      x.open = false;
      if (log) for (; k < log.length && log[k].frame < x.frame; k++) this.setState(log[k], who, p.state);
      const t: Transition[] | null = log ? [] : null;
      let n: StateNote | null = null;
      // A peer's SYN taken in SYN_SENT is answered with a SYN-ACK (the simultaneous open). An answer without
      // SYN shows it was taken later, after a SYN-ACK pending behind it (a veth pair may deliver the peer's
      // SYN-ACK first): then it changes nothing, and that SYN-ACK takes the endpoint straight to ESTABLISHED.
      const takenLater = covered && p.state === 'SYN_SENT' && (x.flags & (TCP_SYN | TCP_ACK)) === TCP_SYN && !(seg.flags & TCP_SYN)
        && pending.some((y) => y.frame > x.frame && (y.flags & TCP_SYN) && (y.flags & TCP_ACK) && acksSyn(b, y.ack));
      // The receiver's ACK below the segment's first sequence number: data in front of it is missing (RFC 9293
      // §3.10.7.4, "seventh, process the segment text" and "eighth, check the FIN bit": only in order).
      const hole = !covered && !expired && !unprocessed && acks && lt(seg.ack, x.start);
      if (takenLater) { /* received after the SYN-ACK, in ESTABLISHED: no transition */ }
      else if (unprocessed && !expired && !(x.flags & TCP_RST)) {
        // Not taken before its own SYN went out again: held, not shown received, until a segment of its own
        // without SYN shows the SYN acknowledged; then taken with the first segment of the peer's after its
        // last SYN (see fillerFrame), or right after that SYN. (A lost ACK is answered by the peer again.)
        x.held = true;
        x.heldAt = seg.frame;
        x.open = true;
        (held ??= []).push(x);
      } else if (covered || expired) n = receive(b, p, who, x, t, covered);
      else if (hole && (x.flags & TCP_RST) && p.state !== 'SYN_SENT') {
        // A reset in the window but not at RCV.NXT is answered with a challenge ACK and dropped (RFC 9293
        // §3.10.7.4, RFC 5961 §3.2): this ACK, below it, is that answer.
      } else if (hole && (x.flags & TCP_FIN) && !(x.flags & (TCP_SYN | TCP_RST))) {
        // A FIN beyond a hole: its ACK field is taken on arrival, the FIN waits for the missing data.
        x.flags &= ~TCP_FIN;
        n = receive(b, p, who, x, t, false);
        x.flags = TCP_FIN;
        x.held = true;
        x.heldAt = seg.frame;
        x.open = true;
        (held ??= []).push(x);
      } else (deferred ??= []).push(x);
      if (log && k < log.length && log[k].frame === x.frame) {
        const e = log[k++];
        if (!sameTransitions(e.received, t as Transition[]) || !sameNote(e.receiverNote, n)) {
          e.received = t as Transition[];
          e.receiverNote = n;
          this.markRevised(e);
        }
        this.setState(e, who, p.state);
      }
      // Held segments taken with this very frame: after its own receipt.
      if (filled) k = this.receiveFilled(conn, b, p, who, filled, x.frame + 1, k);
    }
    if (filled) k = this.receiveFilled(conn, b, p, who, filled, seg.frame, k);
    if (log) for (; k < log.length && log[k].frame < seg.frame; k++) this.setState(log[k], who, p.state);
    b.pending = held;
    return deferred;
  }

  /**
   * Receives, in `b`'s committed progress `p`, the held FINs of `filled` whose hole was filled before frame
   * `before` (each at its `heldAt`: a frame of the peer's that filled it, listed after that frame's own
   * receipt, or `b`'s own segment that last showed the hole, listed after what it did); removes them from
   * `filled`. `k` is the log position reached so far by resolve's walk; returns the new one.
   */
  private receiveFilled(conn: Conn, b: Side, p: Progress, who: Endpoint, filled: Pending[], before: number, k: number): number {
    const log = conn.log;
    while (filled.length && filled[0].heldAt < before) {
      const x = filled.shift() as Pending;
      if (!log) {
        receive(b, p, who, x, null, true);
        continue;
      }
      for (; k < log.length && log[k].frame < x.heldAt; k++) this.setState(log[k], who, p.state);
      // (The entry just passed when the frame was a pending segment's, whose own receipt came first.)
      const passed = k > 0 && log[k - 1].frame === x.heldAt;
      const e = passed ? log[k - 1] : log[k];
      if (e === undefined || e.frame !== x.heldAt) {
        receive(b, p, who, x, null, true);
        continue;
      }
      const t: Transition[] = [];
      receive(b, p, who, x, t, true);
      if (t.length) {
        if (e.sender === who) e.sent = e.sent.concat(t);
        else e.received = e.received.concat(t);
        this.markRevised(e);
      }
      this.setState(e, who, p.state);
      if (!passed) k++;
    }
    return k;
  }

  private setState(e: Entry, who: Endpoint, state: TcpState): void {
    if (e.states[who] === state) return;
    e.states = { ...e.states, [who]: state };
    this.markRevised(e);
  }

  private markRevised(e: Entry): void {
    if (e.revised) return;
    e.revised = true;
    this.revisedEntries.push(e);
  }

  private report(conn: Conn, e: Entry): StateReport {
    e.revised = false;
    const r: StateReport = { states: e.states, transitions: e.received.length ? e.sent.concat(e.received) : e.sent };
    if (e.senderNote || e.receiverNote) r.notes = [e.senderNote, e.receiverNote].filter((x): x is StateNote => x !== null);
    if (e.frame === conn.first) r.start = conn.start;
    return r;
  }
}

/**
 * Where a held FIN's hole was filled, before `b`'s segment at frame `now` covered it: the peer's last segment
 * after `heldAt` (the receiver's latest segment that still showed the hole), the retransmission that filled it
 * (DECISIONS: received when captured); with none in between, right after that segment of the receiver's.
 */
function fillerFrame(log: readonly Entry[], peer: Endpoint, heldAt: number, now: number, first: boolean): number {
  if (first) {
    // An ACK of a SYN held while that SYN went out again: the peer's first segment after it (each answers the SYN).
    for (const e of log) if (e.frame > heldAt && e.frame < now && e.sender === peer) return e.frame;
    return heldAt;
  }
  for (let i = log.length - 1; i >= 0; i--) {
    const e = log[i];
    if (e.frame >= now) continue;
    if (e.frame <= heldAt) break;
    if (e.sender === peer) return e.frame;
  }
  return heldAt;
}

/** The frame of the first of `pending` still within the evidence horizon at `frame`, or Infinity. */
/** openFrom for one side: the frame of its first open pending segment within the horizon of `frames`, or null. */
function firstOpen(pending: Pending[] | null, frames: number): number | null {
  if (pending) for (const p of pending) if (p.open && frames + 1 - p.frame <= EVIDENCE_HORIZON) return p.frame;
  return null;
}

function firstWithin(pending: Pending[] | null, frame: number): number {
  if (pending === null) return Infinity;
  for (let i = 0; i < pending.length; i++) if (frame - pending[i].frame < EVIDENCE_HORIZON) return pending[i].frame;
  return Infinity;
}

/** Notes what `s`'s own segment says (see Side.lastAck): its ACK, how far it sent, its window and window scale. */
function noteSegment(s: Side, r: Side, seg: TcpSegment): void {
  const f = seg.flags;
  if (f & TCP_ACK) {
    s.lastAck = seg.ack | 0;
    s.lastAckFrame = seg.frame;
  }
  if (f & TCP_RST) return;
  const end = segmentEnd(seg);
  if (s.nxt === null || gt(end, s.nxt)) s.nxt = end;
  if (f & TCP_SYN) s.wscale = seg.wscaleShift ?? -1;
  // A SYN's window is never scaled; later ones by the shift both SYNs agreed on (none if either lacked the
  // option); while either SYN is unknown, by the largest shift there is, so that no reset is taken for out
  // of window when it might not be.
  const shift = s.wscale === null || r.wscale === null ? 14 : s.wscale < 0 || r.wscale < 0 ? 0 : s.wscale;
  // (1 << shift, not 2 ** shift: a power of a variable is a call to pow, about 35 ns, on every segment;
  // a shift from a malformed option, above 30, keeps the power.)
  s.window = f & TCP_SYN ? seg.window : seg.window * (shift <= 30 ? 1 << shift : 2 ** shift);
}

/**
 * Whether reset `seg` from `s` falls within `r`'s receive window [RCV.NXT, RCV.NXT + RCV.WND] (RFC 9293
 * §3.10.7.4; the window at least one, as for a zero window only RCV.NXT is). RCV.NXT is somewhere between
 * `r`'s latest ACK and the furthest `s` sent; unknown (nothing of `s` captured), the reset is taken.
 */
function resetInWindow(seg: TcpSegment, s: Side, r: Side): boolean {
  if (s.nxt === null) return true;
  const low = r.lastAckFrame > 0 && le(r.lastAck, s.nxt) ? r.lastAck : s.nxt;
  const high = add32(s.nxt, Math.max(1, Math.min(r.window, 0x3fffffff)));
  return ge(seg.seq, low) && le(seg.seq, high);
}

/** Raw sequence number just after the segment: its data, and one each for SYN and FIN. */
function segmentEnd(seg: TcpSegment): number {
  return add32(add32(seg.seq, seg.len), ((seg.flags & TCP_SYN) ? 1 : 0) + ((seg.flags & TCP_FIN) ? 1 : 0));
}

/**
 * Whether `seg`'s receipt could change `r`'s state: SYN, FIN and RST always; an ACK when it is the first
 * captured to cover `r`'s SYN or FIN (once that one is received, later ones change nothing). Only these wait
 * for evidence. Notes the covering ACK seen.
 */
function relevant(seg: TcpSegment, r: Side): boolean {
  const f = seg.flags;
  let rel = (f & (TCP_SYN | TCP_FIN | TCP_RST)) !== 0;
  if (!(f & TCP_ACK)) return rel;
  if (!r.synCovered && r.iss !== null && ge(seg.ack, add32(r.iss, 1))) rel = r.synCovered = true;
  if (!r.finCovered && r.finNext !== null && ge(seg.ack, r.finNext)) rel = r.finCovered = true;
  return rel;
}

/**
 * `b` (in progress `p`) receives `x`: first a reset, else what the ACK acknowledges, then the SYN, then
 * the FIN. A SYN reaching a listener counts only with evidence (the answer covers it); without, the
 * listener stays LISTEN and the note says so.
 */
function receive(b: Side, p: Progress, who: Endpoint, x: Pending, out: Transition[] | null, evidenced: boolean): StateNote | null {
  const f = x.flags;
  if (f & TCP_RST) {
    // A reset in SYN_SENT counts only when it acknowledges the SYN (RFC 9293 §3.10.7.3); in any other state
    // only within the receive window (§3.10.7.4).
    if (p.state === 'SYN_SENT' ? (f & TCP_ACK) !== 0 && acksSyn(b, x.ack) : x.inWindow) apply(p, who, 'rcv_rst', out);
    return null;
  }
  if (f & TCP_ACK) {
    if (b.iss !== null && ge(x.ack, add32(b.iss, 1))) {
      if (p.state !== 'SYN_SENT') apply(p, who, 'rcv_ack_of_syn', out);
      else if ((f & TCP_SYN) && acksSyn(b, x.ack)) apply(p, who, 'rcv_syn_ack', out);
    }
    if (b.finNext !== null && ge(x.ack, b.finNext)) apply(p, who, 'fin_acked', out);
  }
  if ((f & TCP_SYN) && !(f & TCP_ACK)) {
    if (p.state === 'LISTEN' && !evidenced) return note(who, 'no_answer');
    apply(p, who, 'rcv_syn', out);
  }
  if (f & TCP_FIN) apply(p, who, 'rcv_fin', out);
  return null;
}

/** An ACK acceptable in SYN_SENT: past the ISN, at most the sequence number after the SYN. */
function acksSyn(b: Side, ack: number): boolean {
  return b.iss !== null && b.synEnd !== null && gt(ack, b.iss) && le(ack, b.synEnd);
}

/** The one place an endpoint's state changes: the transition function's answer to `event`. */
function apply(p: Progress, who: Endpoint, event: EndpointEvent, out: Transition[] | null): void {
  const step = next(p.state, event, p.passive);
  if (!step) return;
  if (step.to === 'SYN_RECEIVED') p.passive = p.state === 'LISTEN';
  if (out) out.push({ endpoint: who, from: p.state, to: step.to, cause: step.cause, text: CAUSE_TEXT[step.cause] });
  p.state = step.to;
}

function sameTransitions(a: readonly Transition[], b: readonly Transition[]): boolean {
  return a.length === b.length && a.every((t, i) => t.endpoint === b[i].endpoint && t.from === b[i].from && t.to === b[i].to && t.cause === b[i].cause);
}

function sameNote(a: StateNote | null, b: StateNote | null): boolean {
  return a === b || (a !== null && b !== null && a.code === b.code && a.endpoint === b.endpoint);
}
