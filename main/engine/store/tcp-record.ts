// What the first pass learned of each TCP frame (analysis, tcp.len, state transitions), packed into
// a few bytes so that re-dissecting a frame later gives the very same fields without replaying the
// whole connection. Values the store can recompute exactly (time_relative, time_delta, ack_rtt,
// nxtseq, the repeated initial_rtt) are predicted and stored only when the prediction misses.
import type { EndpointStates, TcpAnalysis, TcpAnalysisFlag, TcpState, Transition, TransitionCause } from '../types';
import type { ArenaReader, ArenaWriter } from './arena';
import type { Interner } from './columns';

export const ANALYSIS_FLAGS: readonly TcpAnalysisFlag[] = [
  'retransmission', 'fast_retransmission', 'spurious_retransmission', 'out_of_order', 'lost_segment',
  'ack_lost_segment', 'duplicate_ack', 'zero_window', 'zero_window_probe', 'zero_window_probe_ack', 'window_full',
  'window_update', 'keep_alive', 'keep_alive_ack', 'reused_ports',
];
const FLAG_BIT = new Map(ANALYSIS_FLAGS.map((f, i) => [f, i]));

export const TCP_STATES: readonly TcpState[] = [
  'CLOSED', 'LISTEN', 'SYN_SENT', 'SYN_RECEIVED', 'ESTABLISHED', 'FIN_WAIT_1', 'FIN_WAIT_2', 'CLOSE_WAIT', 'CLOSING',
  'LAST_ACK', 'TIME_WAIT',
];
const STATE_INDEX = new Map(TCP_STATES.map((s, i) => [s, i]));
const NO_STATES = 0xff;

const CAUSES: readonly TransitionCause[] = [
  'snd_syn', 'rcv_syn', 'snd_syn_ack', 'rcv_syn_ack', 'rcv_ack_of_syn', 'snd_fin', 'rcv_fin',
  'fin_acked', 'snd_rst', 'rcv_rst', 'refused', 'simultaneous_open', 'crossing_fins',
];
const CAUSE_INDEX = new Map(CAUSES.map((c, i) => [c, i]));

/** Both endpoints' states in one byte (client high nibble); 0xff for "none". */
export function packStates(s: EndpointStates | null): number {
  if (!s) return NO_STATES;
  return ((STATE_INDEX.get(s.client) ?? 0) << 4) | (STATE_INDEX.get(s.server) ?? 0);
}

export function unpackStates(b: number): EndpointStates | null {
  if (b === NO_STATES) return null;
  return { client: TCP_STATES[b >> 4], server: TCP_STATES[b & 15] };
}

export function flagMask(flags: readonly TcpAnalysisFlag[]): number {
  let m = 0;
  for (const f of flags) {
    const b = FLAG_BIT.get(f);
    if (b !== undefined) m |= 1 << b;
  }
  return m;
}

export function flagsOf(mask: number): TcpAnalysisFlag[] {
  const out: TcpAnalysisFlag[] = [];
  for (let b = 0; mask >>> b; b++) if (mask & (1 << b)) out.push(ANALYSIS_FLAGS[b]);
  return out;
}

/** Times the store knows exactly, from which the predictable values are recomputed. */
export interface TimeContext {
  /** Seconds since the capture's first frame (as captureTime computes it) of this frame, … */
  time: number;
  /** … of the stream's first frame, and of the stream's previous frame (this frame's time if none). */
  streamFirst: number;
  streamPrev: number;
  /** Time of a frame by number (for ack_rtt). */
  timeOf(frame: number): number;
  /** initial_rtt already known for the stream (NaN if not yet). */
  streamInitialRtt: number;
}

const B_DIR = 1 << 0, B_NXT = 1 << 1, B_FLAGLIST = 1 << 2, B_DUPNUM = 1 << 3, B_DUPFRAME = 1 << 4,
  B_ACKS = 1 << 5, B_RTT_X = 1 << 6, B_RTT_P = 1 << 7, B_IRTT_S = 1 << 8, B_IRTT_X = 1 << 9, B_BIF = 1 << 10,
  B_PUSH = 1 << 11, B_RTO = 1 << 12, B_RTOFRAME = 1 << 13, B_TREL = 1 << 14, B_TDELTA = 1 << 15, B_EXPERT = 1 << 16,
  B_PREFIX = 1 << 17, B_TRANS = 1 << 18, B_EXTRA = 1 << 19, B_VIEW = 1 << 20;

const KNOWN = new Set([
  'stream', 'direction', 'seq', 'ack', 'nxtseq', 'windowSize', 'windowScalefactor', 'flags', 'dupAckNum',
  'dupAckFrame', 'acksFrame', 'ackRtt', 'initialRtt', 'bytesInFlight', 'pushBytesSent', 'rto', 'rtoFrame',
  'timeRelative', 'timeDelta', 'expert', 'infoPrefix', 'view',
]);

export interface TcpFacts {
  analysis: TcpAnalysis;
  /** tcp.len and the TCP flags of the segment (for nxtseq and the series). */
  len: number;
  tcpFlags: number;
  transitions: Transition[] | null;
}

/** Strings shared by all records: expert lists (as JSON), Info prefixes, transition texts. */
export interface RecordStrings {
  expert: Interner;
  prefix: Interner;
  text: Interner;
}

const isUint = (v: number) => Number.isInteger(v) && v >= 0 && v <= Number.MAX_SAFE_INTEGER;

// The record being written's fields outside the compact form (module-level, with the helpers below: closures
// made per record over a local cost an allocation per frame).
let extra: Record<string, unknown> | null = null;
function keep(k: string, v: unknown): void {
  (extra ??= {})[k] = v;
}
/** Anything not a plain non-negative integer where one is expected goes to the extras, verbatim. */
function uintOr(k: keyof TcpAnalysis, v: number | undefined): boolean {
  if (v === undefined) return false;
  if (isUint(v)) return true;
  keep(k, v);
  return false;
}
function plain(k: 'seq' | 'ack' | 'windowSize', v: number): number {
  if (!isUint(v)) keep(k, v);
  return isUint(v) ? v : 0;
}
/**
 * Known keys in the order the last analyses had them: most analyses have the same keys in the same order,
 * so each key is compared with the one at its place here (the same interned string) instead of hashed.
 */
const knownOrder: string[] = [];

/** Where writeTcpRecord says what it wrote: the caller's one object, refilled (an object returned per frame was garbage per frame). */
export interface WrittenRecord {
  addr: number;
  /** The fields that fell outside the compact form, or null. */
  extra: Record<string, unknown> | null;
}

/** Encodes one TCP frame's facts into `out`: the record's address, and the fields outside the compact form. */
export function writeTcpRecord(w: ArenaWriter, f: TcpFacts, t: TimeContext, strings: RecordStrings, out: WrittenRecord): void {
  const a = f.analysis;
  extra = null;
  // (for…in, not Object.keys: no array per record; analyses have no inherited enumerable keys)
  let at = 0;
  // (A key present but undefined is no field: the tracker's analyses hold every optional one so.)
  for (const k in a) {
    if (knownOrder[at] === k) at++;
    else if (KNOWN.has(k)) knownOrder[at++] = k;
    else {
      const v = (a as unknown as Record<string, unknown>)[k];
      if (v !== undefined) keep(k, v);
    }
  }

  let mask = 0;
  if (a.direction === 1) mask |= B_DIR;
  const synFin = ((f.tcpFlags & 0x2) ? 1 : 0) + ((f.tcpFlags & 0x1) ? 1 : 0);
  if (a.nxtseq !== (a.seq + f.len + synFin) % 4294967296) mask |= B_NXT;
  const fm = a.flags.length ? flagMask(a.flags) : 0;
  if (fm !== 0 || a.flags.length) {
    const canonical = flagsOf(fm);
    if (canonical.length !== a.flags.length || canonical.some((x, i) => x !== a.flags[i])) mask |= B_FLAGLIST;
  }
  if (uintOr('dupAckNum', a.dupAckNum)) mask |= B_DUPNUM;
  if (uintOr('dupAckFrame', a.dupAckFrame)) mask |= B_DUPFRAME;
  if (uintOr('acksFrame', a.acksFrame)) mask |= B_ACKS;
  if (a.ackRtt !== undefined) {
    if (mask & B_ACKS && Object.is(a.ackRtt, t.time - t.timeOf(a.acksFrame as number))) mask |= B_RTT_P;
    else mask |= B_RTT_X;
  }
  if (a.initialRtt !== undefined) mask |= Object.is(a.initialRtt, t.streamInitialRtt) ? B_IRTT_S : B_IRTT_X;
  if (uintOr('bytesInFlight', a.bytesInFlight)) mask |= B_BIF;
  if (uintOr('pushBytesSent', a.pushBytesSent)) mask |= B_PUSH;
  if (a.rto !== undefined) mask |= B_RTO;
  if (uintOr('rtoFrame', a.rtoFrame)) mask |= B_RTOFRAME;
  if (!Object.is(a.timeRelative, t.time - t.streamFirst)) mask |= B_TREL;
  if (!Object.is(a.timeDelta, t.time - t.streamPrev)) mask |= B_TDELTA;
  if (a.expert.length) mask |= B_EXPERT;
  if (a.infoPrefix) mask |= B_PREFIX;
  if (f.transitions && f.transitions.length) mask |= B_TRANS;
  if (uintOr('view', a.view)) mask |= B_VIEW;
  const seq = plain('seq', a.seq), ack = plain('ack', a.ack), win = plain('windowSize', a.windowSize);
  const len = isUint(f.len) ? f.len : 0;
  if (!Number.isInteger(a.windowScalefactor)) keep('windowScalefactor', a.windowScalefactor);
  // (read into a const: TypeScript cannot see the helpers set it)
  const extras = extra as Record<string, unknown> | null;
  if (extras) mask |= B_EXTRA;

  w.begin();
  w.uint(mask);
  w.uint(seq);
  w.uint(ack);
  w.uint(len);
  w.uint(win);
  w.int(Number.isInteger(a.windowScalefactor) ? a.windowScalefactor : 0);
  if (mask & B_NXT) w.double(a.nxtseq);
  if (mask & B_FLAGLIST) {
    w.uint(a.flags.length);
    for (const x of a.flags) w.uint(FLAG_BIT.get(x) ?? 0);
  }
  if (mask & B_DUPNUM) w.uint(a.dupAckNum as number);
  if (mask & B_DUPFRAME) w.uint(a.dupAckFrame as number);
  if (mask & B_ACKS) w.uint(a.acksFrame as number);
  if (mask & B_RTT_X) w.double(a.ackRtt as number);
  if (mask & B_IRTT_X) w.double(a.initialRtt as number);
  if (mask & B_BIF) w.uint(a.bytesInFlight as number);
  if (mask & B_PUSH) w.uint(a.pushBytesSent as number);
  if (mask & B_RTO) w.double(a.rto as number);
  if (mask & B_RTOFRAME) w.uint(a.rtoFrame as number);
  if (mask & B_TREL) w.double(a.timeRelative);
  if (mask & B_TDELTA) w.double(a.timeDelta);
  if (mask & B_EXPERT) w.uint(strings.expert.id(JSON.stringify(a.expert)));
  if (mask & B_PREFIX) w.uint(strings.prefix.id(a.infoPrefix));
  if (mask & B_TRANS) {
    const list = f.transitions as Transition[];
    w.uint(list.length);
    for (const tr of list) {
      w.uint((tr.endpoint === 'server' ? 1 : 0) | ((STATE_INDEX.get(tr.from) ?? 0) << 1) | ((STATE_INDEX.get(tr.to) ?? 0) << 5)
        | ((CAUSE_INDEX.get(tr.cause) ?? 0) << 9));
      w.uint(strings.text.id(tr.text));
    }
  }
  if (mask & B_VIEW) w.uint(a.view as number);
  out.addr = w.end();
  out.extra = extras;
}

/** Decoded record: the analysis exactly as the first pass had it (extras merged by the caller). */
export interface TcpRecord {
  analysis: TcpAnalysis;
  len: number;
  transitions: Transition[];
  hasExtra: boolean;
}

export function readTcpRecord(r: ArenaReader, addr: number, stream: number, tcpFlags: number, flagBits: number, t: TimeContext, strings: RecordStrings): TcpRecord {
  r.at(addr);
  const mask = r.uint();
  const seq = r.uint(), ack = r.uint(), len = r.uint(), windowSize = r.uint(), windowScalefactor = r.int();
  const synFin = ((tcpFlags & 0x2) ? 1 : 0) + ((tcpFlags & 0x1) ? 1 : 0);
  const nxtseq = mask & B_NXT ? r.double() : (seq + len + synFin) % 4294967296;
  let flags: TcpAnalysisFlag[];
  if (mask & B_FLAGLIST) {
    flags = [];
    for (let n = r.uint(); n > 0; n--) flags.push(ANALYSIS_FLAGS[r.uint()]);
  } else flags = flagsOf(flagBits);
  const a: TcpAnalysis = {
    stream, direction: mask & B_DIR ? 1 : 0, seq, ack, nxtseq, windowSize, windowScalefactor, flags,
    timeRelative: 0, timeDelta: 0, expert: [], infoPrefix: '',
  };
  if (mask & B_DUPNUM) a.dupAckNum = r.uint();
  if (mask & B_DUPFRAME) a.dupAckFrame = r.uint();
  if (mask & B_ACKS) a.acksFrame = r.uint();
  if (mask & B_RTT_X) a.ackRtt = r.double();
  else if (mask & B_RTT_P) a.ackRtt = t.time - t.timeOf(a.acksFrame as number);
  if (mask & B_IRTT_X) a.initialRtt = r.double();
  else if (mask & B_IRTT_S) a.initialRtt = t.streamInitialRtt;
  if (mask & B_BIF) a.bytesInFlight = r.uint();
  if (mask & B_PUSH) a.pushBytesSent = r.uint();
  if (mask & B_RTO) a.rto = r.double();
  if (mask & B_RTOFRAME) a.rtoFrame = r.uint();
  a.timeRelative = mask & B_TREL ? r.double() : t.time - t.streamFirst;
  a.timeDelta = mask & B_TDELTA ? r.double() : t.time - t.streamPrev;
  if (mask & B_EXPERT) a.expert = JSON.parse(strings.expert.value(r.uint())) as TcpAnalysis['expert'];
  if (mask & B_PREFIX) a.infoPrefix = strings.prefix.value(r.uint());
  const transitions: Transition[] = [];
  if (mask & B_TRANS) {
    for (let n = r.uint(); n > 0; n--) {
      const p = r.uint();
      transitions.push({
        endpoint: p & 1 ? 'server' : 'client',
        from: TCP_STATES[(p >> 1) & 15],
        to: TCP_STATES[(p >> 5) & 15],
        cause: CAUSES[(p >> 9) & 31],
        text: strings.text.value(r.uint()),
      });
    }
  }
  if (mask & B_VIEW) a.view = r.uint();
  return { analysis: a, len, transitions, hasExtra: (mask & B_EXTRA) !== 0 };
}

/** Reads only what the series and summaries need (cheaper than the whole record). */
export function readTcpBasics(r: ArenaReader, addr: number): { direction: 0 | 1; seq: number; ack: number; len: number; windowSize: number } {
  r.at(addr);
  const mask = r.uint();
  return { direction: mask & B_DIR ? 1 : 0, seq: r.uint(), ack: r.uint(), len: r.uint(), windowSize: r.uint() };
}
