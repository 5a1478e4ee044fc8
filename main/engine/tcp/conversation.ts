// Per-connection and per-direction state, shaped like Wireshark 4.0's tcp_analysis / tcp_flow_t /
// tcp_analyze_seq_flow_info_t (packet-tcp.h), so the analysis can follow packet-tcp.c step by step.
// Sequence numbers here are raw 32-bit values (the analysis works on absolute numbers), stored as
// signed 32-bit numbers (x | 0): V8 keeps those as small integers in the object itself, where an
// unsigned value from 2^31 up would be a separate boxed double. 0 doubles as "not seen yet" exactly
// where Wireshark tests a field for zero.
import { ChunkedArray, ChunkedRecords } from '../chunked';

/**
 * Unacknowledged segments (Wireshark's tcp_unacked_t list) are kept flat, UNACKED_STRIDE numbers each:
 * frame, seq, nextseq, and capture time in integer nanoseconds since the session's first frame. One
 * object per data segment (its seq and time boxed as heap numbers) was most of what `stats` allocated;
 * a flat array of numbers stores them unboxed.
 */
export const UNACKED_STRIDE = 4;
export const U_FRAME = 0, U_SEQ = 1, U_NEXTSEQ = 2, U_TS = 3;

/** Wireshark keeps at most this many unacknowledged segments per direction (TCP_MAX_UNACKED_SEGMENTS). */
export const MAX_UNACKED = 10000;

/**
 * The connections' and flows' clocks (integer ns since the session's first frame, past 2^31 within
 * seconds): T_PER_CONV numbers per connection and T_PER_FLOW per Flow object, side by side in one array
 * for all of a tracker's. As object fields each would be a separate boxed double, a dozen scattered heap
 * objects touched per frame; a Float64Array per connection costs microseconds to allocate. A Flow keeps
 * its clocks' place when it is reused for another connection (see ParkedFlows.take).
 */
const T_FIRST = 0, T_PREV = 1, T_MRU_SYN = 2, T_FIRST_RTT = 3, T_PER_CONV = 4, T_PER_FLOW = 2;
const FT_LASTACK = 0, FT_NEXTSEQ = 1;

/**
 * Growable typed arrays here start empty, replaced at their first use: V8 treats a field never yet
 * reassigned as a constant and optimized code embeds it, so a first growth later in a run (at the
 * 1,025th connection) deoptimized every function that had inlined the tracker, and they were compiled
 * again (--trace-opt on `stats` of the bench's 1M small frames: 2.1 s of optimizing compiles summed,
 * 0.6 s once no such field was left). Reassigned at once, the field is known to change before anything
 * is optimized.
 */
export class Clocks {
  /** Replaced by a larger copy as connections are added: holders read it through this object. */
  t = new Float64Array(0);
  private used = 0;

  /** Room for `n` more clocks (zero): their offset in `t`. */
  alloc(n: number): number {
    if (this.used + n > this.t.length) {
      const grown = new Float64Array(Math.max(8 * 1024, this.t.length * 2));
      grown.set(this.t);
      this.t = grown;
    }
    const at = this.used;
    this.used += n;
    return at;
  }
}

/** One direction of a connection (tcp_flow_t with its tcp_analyze_seq_flow_info_t). */
export class Flow {
  /** This flow's clocks are at `o` in `clocks.t`, for the life of the object (see Clocks). */
  private readonly o: number;

  constructor(private readonly clocks: Clocks) {
    this.o = clocks.alloc(T_PER_FLOW);
  }

  /** Back to a new flow's state, for reuse by another connection (the unacknowledged list keeps its room). */
  reset(): void {
    this.baseSet = false;
    this.base = 0;
    this.window = -1;
    this.winScale = -1;
    this.isFirstAck = false;
    this.validBif = true;
    this.pushBytesSent = 0;
    this.pushSetLast = false;
    this.lastSegmentFlags = 0;
    this.unackedLen = 0;
    this.lastack = 0;
    this.lastackTime = 0;
    this.lastNonDupAck = 0;
    this.dupAckNum = 0;
    this.nextseq = 0;
    this.nextseqFrame = 0;
    this.nextseqTime = 0;
    this.maxSeqToBeAcked = 0;
    this.numSack = 0;
    this.sackBytes = 0;
  }

  /** TCP_S_BASE_SEQ_SET, and the base of relative numbers (ISN, or first seq - 1 mid-stream). */
  baseSet = false;
  base = 0;
  /** Last seen raw window (-1, Wireshark's 0xffffffff, before any). */
  window = -1;
  /** Window scale shift; -1 unknown, -2 no scaling used. */
  winScale = -1;
  /** Set by a SYN, cleared by the first ACK without SYN (issue 14690: no scaling for WINDOW FULL before). */
  isFirstAck = false;
  validBif = true;
  pushBytesSent = 0;
  pushSetLast = false;
  /** TCP_A_* flags of this direction's last segment. */
  lastSegmentFlags = 0;

  /** Unacknowledged segments, oldest first, UNACKED_STRIDE numbers each (see above), in unacked[0, unackedLen). */
  unacked: number[] = [];
  unackedLen = 0;
  /** Last ACK number this direction sent, and when (ns). */
  lastack = 0;
  get lastackTime(): number { return this.clocks.t[this.o + FT_LASTACK]; }
  set lastackTime(ns: number) { this.clocks.t[this.o + FT_LASTACK] = ns; }
  lastNonDupAck = 0;
  /** Duplicate-ACK counter, a uint32 in Wireshark (its 0xffffffff is -1 here). */
  dupAckNum = 0;
  /** Highest next sequence number seen, its frame and time (ns). */
  nextseq = 0;
  nextseqFrame = 0;
  get nextseqTime(): number { return this.clocks.t[this.o + FT_NEXTSEQ]; }
  set nextseqTime(ns: number) { this.clocks.t[this.o + FT_NEXTSEQ] = ns; }
  /** Highest in-order sequence number the peer may acknowledge. */
  maxSeqToBeAcked = 0;
  /** SACK blocks 1..3 of this direction's last segment: how many, and their total width (all the analysis uses). */
  numSack = 0;
  sackBytes = 0;
}

/**
 * Both flows of finished connections, parked as numbers (PARKED_FLOW Int32 slots per flow, and its two
 * clocks in PARKED_TIMES Float64 slots): a Flow object and its unacknowledged-segment array cost hundreds
 * of bytes each, and a capture of tens of thousands of short connections kept them all to the end. Every
 * field is kept, so a late segment brings the flows back exactly as they were (see
 * TcpTracker.parkFinished). The Flow objects themselves are kept for new connections (take): made anew
 * for each connection, they and their lists were garbage promoted to the old generation by the
 * thousand, most of what the tracker allocated.
 */
const PARKED_FLOW = 11;
const PF_BITS = 0, PF_BASE = 1, PF_WINDOW = 2, PF_PUSH_BYTES = 3, PF_LASTACK = 4, PF_LAST_NON_DUP = 5, PF_DUP_ACKS = 6,
  PF_NEXTSEQ = 7, PF_NEXTSEQ_FRAME = 8, PF_MAX_TO_ACK = 9, PF_SACK_BYTES = 10;
/**
 * PF_BITS packs the flags (B_*), the window scale plus 2 (-2..14: 5 bits from B_WINSCALE_SHIFT), the number
 * of SACK blocks (0..3: 2 bits) and the last segment's TCP_A_* flags (15 bits): three Int32 slots fewer per
 * flow, 24 bytes per parked connection.
 */
const B_BASE_SET = 1, B_FIRST_ACK = 2, B_VALID_BIF = 4, B_PUSH_SET_LAST = 8;
const B_WINSCALE_SHIFT = 4, B_NUM_SACK_SHIFT = 9, B_LAST_FLAGS_SHIFT = 11;
const PARKED_TIMES = 2, PT_LASTACK = 0, PT_NEXTSEQ = 1;

export class ParkedFlows {
  /** Both flows of a slot, PARKED_FLOW numbers each, and their clocks (see ChunkedRecords). */
  private readonly ints = new ChunkedRecords(2 * PARKED_FLOW, (n) => new Int32Array(n));
  private readonly times = new ChunkedRecords(2 * PARKED_TIMES, (n) => new Float64Array(n));
  /** Flow objects of parked connections, reused first for new and brought-back ones. */
  private readonly spare: Flow[] = [];
  /** Slots freed by connections brought back, reused first. */
  private free: number[] = [];
  /** Slots used, in a typed array (a field first changed late in a run deoptimizes: see Clocks). */
  private readonly used = new Int32Array(1);

  /** A flow in a new flow's state: a parked connection's Flow object, reset, or a new one. */
  take(clocks: Clocks): Flow {
    const f = this.spare.pop();
    if (f === undefined) return new Flow(clocks);
    f.reset();
    return f;
  }

  /** Keeps both flows (their unacknowledged lists must be empty) and returns their slot. */
  park(f0: Flow, f1: Flow): number {
    let slot = this.free.pop();
    if (slot === undefined) slot = this.used[0]++;
    const d = this.ints.chunk(slot), t = this.times.chunk(slot), o0 = this.ints.at(slot), q0 = this.times.at(slot);
    for (let k = 0; k < 2; k++) {
      const f = k === 0 ? f0 : f1, o = o0 + k * PARKED_FLOW, q = q0 + k * PARKED_TIMES;
      t[q + PT_LASTACK] = f.lastackTime;
      t[q + PT_NEXTSEQ] = f.nextseqTime;
      d[o + PF_BITS] = (f.baseSet ? B_BASE_SET : 0) | (f.isFirstAck ? B_FIRST_ACK : 0) | (f.validBif ? B_VALID_BIF : 0) | (f.pushSetLast ? B_PUSH_SET_LAST : 0)
        | ((f.winScale + 2) << B_WINSCALE_SHIFT) | (f.numSack << B_NUM_SACK_SHIFT) | (f.lastSegmentFlags << B_LAST_FLAGS_SHIFT);
      d[o + PF_BASE] = f.base;
      d[o + PF_WINDOW] = f.window;
      d[o + PF_PUSH_BYTES] = f.pushBytesSent;
      d[o + PF_LASTACK] = f.lastack;
      d[o + PF_LAST_NON_DUP] = f.lastNonDupAck;
      d[o + PF_DUP_ACKS] = f.dupAckNum;
      d[o + PF_NEXTSEQ] = f.nextseq;
      d[o + PF_NEXTSEQ_FRAME] = f.nextseqFrame;
      d[o + PF_MAX_TO_ACK] = f.maxSeqToBeAcked;
      d[o + PF_SACK_BYTES] = f.sackBytes;
      this.spare.push(f);
    }
    return slot;
  }

  /** The flows parked at `slot`, as they were, into `f0` and `f1` (new flows, as take() gives); frees the slot. */
  restore(slot: number, f0: Flow, f1: Flow): void {
    const d = this.ints.chunk(slot), t = this.times.chunk(slot), p0 = this.ints.at(slot), q0 = this.times.at(slot);
    for (let k = 0; k < 2; k++) {
      const f = k === 0 ? f0 : f1, p = p0 + k * PARKED_FLOW, q = q0 + k * PARKED_TIMES;
      f.lastackTime = t[q + PT_LASTACK];
      f.nextseqTime = t[q + PT_NEXTSEQ];
      const bits = d[p + PF_BITS];
      f.baseSet = (bits & B_BASE_SET) !== 0;
      f.isFirstAck = (bits & B_FIRST_ACK) !== 0;
      f.validBif = (bits & B_VALID_BIF) !== 0;
      f.pushSetLast = (bits & B_PUSH_SET_LAST) !== 0;
      f.base = d[p + PF_BASE];
      f.window = d[p + PF_WINDOW];
      f.winScale = ((bits >> B_WINSCALE_SHIFT) & 31) - 2;
      // Unsigned where the tracker keeps them unsigned (byte counts, frame numbers).
      f.pushBytesSent = d[p + PF_PUSH_BYTES] >>> 0;
      f.lastSegmentFlags = (bits >> B_LAST_FLAGS_SHIFT) & 0x7fff;
      f.lastack = d[p + PF_LASTACK];
      f.lastNonDupAck = d[p + PF_LAST_NON_DUP] >>> 0;
      f.dupAckNum = d[p + PF_DUP_ACKS];
      f.nextseq = d[p + PF_NEXTSEQ];
      f.nextseqFrame = d[p + PF_NEXTSEQ_FRAME] >>> 0;
      f.maxSeqToBeAcked = d[p + PF_MAX_TO_ACK];
      f.numSack = (bits >> B_NUM_SACK_SHIFT) & 3;
      f.sackBytes = d[p + PF_SACK_BYTES];
    }
    this.free.push(slot);
  }

  /** Frees `slot` without restoring it (its connection's flows are no longer needed). */
  drop(slot: number): void {
    this.free.push(slot);
  }
}

/** One TCP conversation (Wireshark's tcp_analysis): a tcp.stream. */
export class Conv {
  /** Where this connection's clocks are in `clocks.t` (see T_FIRST), for the life of the object (see reuse). */
  private readonly o: number;
  /**
   * Flows by side (see flow()): side 0 sends from (addrA, portA), the first segment's sender. Two fields
   * rather than a [Flow, Flow] pair: the pair was 64 more bytes per connection on the heap.
   */
  private f0: Flow;
  private f1: Flow;
  /** Its entry in the ConvTable (one for both orientations), once there (see ConvTable.set). */
  index = -1;
  /** Sides that sent a FIN (bit 1 << side). */
  finSides = 0;
  /** The side that is the client (direction 0). */
  clientSide: 0 | 1 = 0;
  /** Conversation timestamps (ns): first frame, previous frame. */
  get tsFirst(): number { return this.clocks.t[this.o + T_FIRST]; }
  get tsPrev(): number { return this.clocks.t[this.o + T_PREV]; }
  set tsPrev(ns: number) { this.clocks.t[this.o + T_PREV] = ns; }
  /** Most recent SYN (no ACK) time, and the initial RTT once measured (0 = not yet, as nstime_is_zero). */
  hasMruSyn = false;
  get tsMruSyn(): number { return this.clocks.t[this.o + T_MRU_SYN]; }
  set tsMruSyn(ns: number) { this.clocks.t[this.o + T_MRU_SYN] = ns; }
  get firstRtt(): number { return this.clocks.t[this.o + T_FIRST_RTT]; }
  set firstRtt(ns: number) { this.clocks.t[this.o + T_FIRST_RTT] = ns; }
  /** tcp.completeness bits seen so far. */
  completeness = 0;
  /** Side whose FIN came first (-1: none yet). */
  closingInitiator = -1;
  /** What set up Accurate ECN so far (ACC_ECN_* bits: see TcpTracker.accurateEcn). */
  accEcn = 0;
  stream: number;
  addrA: string;
  portA: number;
  addrB: string;
  portB: number;

  constructor(
    private readonly clocks: Clocks,
    stream: number,
    addrA: string,
    portA: number,
    addrB: string,
    portB: number,
    now: number,
    /** Both flows in a new flow's state (see ParkedFlows.take). */
    flows: [Flow, Flow],
  ) {
    this.o = clocks.alloc(T_PER_CONV);
    this.stream = stream;
    this.addrA = addrA;
    this.portA = portA;
    this.addrB = addrB;
    this.portB = portB;
    this.f0 = flows[0];
    this.f1 = flows[1];
    clocks.t[this.o + T_FIRST] = now;
    clocks.t[this.o + T_PREV] = now;
  }

  /**
   * This object, back to a new conversation's state, for another connection: a parked connection's
   * (see ConvTable.park), which no longer needs it. It keeps its clocks' place.
   */
  reuse(stream: number, addrA: string, portA: number, addrB: string, portB: number, now: number, f0: Flow, f1: Flow): void {
    this.index = -1;
    this.finSides = 0;
    this.clientSide = 0;
    this.hasMruSyn = false;
    this.completeness = 0;
    this.closingInitiator = -1;
    this.accEcn = 0;
    this.stream = stream;
    this.addrA = addrA;
    this.portA = portA;
    this.addrB = addrB;
    this.portB = portB;
    this.f0 = f0;
    this.f1 = f1;
    const t = this.clocks.t, o = this.o;
    t[o + T_FIRST] = now;
    t[o + T_PREV] = now;
    t[o + T_MRU_SYN] = 0;
    t[o + T_FIRST_RTT] = 0;
  }

  /** Copies the conversation's clocks to `into` at `at` (T_PER_CONV numbers), or back from there (`load`). */
  copyClocks(into: Float64Array, at: number, load: boolean): void {
    const t = this.clocks.t, o = this.o;
    for (let k = 0; k < T_PER_CONV; k++) {
      if (load) t[o + k] = into[at + k];
      else into[at + k] = t[o + k];
    }
  }

  /** Both flows: parked elsewhere (see ParkedFlows.park), then replaced with `f0` and `f1` (see reuse, ConvTable.unpark). */
  setFlows(f0: Flow, f1: Flow): void {
    this.f0 = f0;
    this.f1 = f1;
  }

  /** The flow of side `side` (0: sends from addrA:portA). */
  flow(side: number): Flow {
    return side === 0 ? this.f0 : this.f1;
  }

  /** Both flows (a new pair: for tests and the curious, not for every segment). */
  get flows(): [Flow, Flow] {
    return [this.f0, this.f1];
  }

  /** Which flow sends from src:srcPort (a self-connection, src = dst, uses one flow both ways, as Wireshark). */
  sideOf(src: string, srcPort: number): 0 | 1 {
    return srcPort === this.portA && src === this.addrA ? 0 : 1;
  }
}

/** A bucket beyond this many address pairs (one port pair seen between many hosts) gets a map. */
const BUCKET_LIST_MAX = 8;

/** Entries (indices in ConvTable.convs) sharing one port pair: a list, then a map by addresses. */
type Bucket = number[] | Map<string, number>;

/**
 * A parked conversation, in PARKED_CONV Int32 slots at its entry's index (its clocks in T_PER_CONV Float64
 * slots, its addresses in ConvTable.parkedAddrs): PC_BITS packs the client side (1 bit), the FIN sides (2),
 * whether a SYN was seen (1), the completeness bits (6), the closing initiator plus one (2) and the Accurate
 * ECN set-up bits (3).
 */
const PARKED_CONV = 4;
const PC_STREAM = 0, PC_PORTS = 1, PC_BITS = 2, PC_FLOWS = 3;
const C_FIN_SHIFT = 1, C_MRU_SYN = 8, C_COMPLETE_SHIFT = 4, C_CLOSING_SHIFT = 10, C_ACC_ECN_SHIFT = 12;

/**
 * Conversations by 4-tuple, both orientations, without building a key string per lookup: the port
 * pair (a small integer) finds a slot of an open-addressing table in typed arrays, almost always naming
 * one entry (an index in `convs`, shared by both orientations, so a reused 4-tuple's new conversation
 * replaces the old in one write); the addresses, usually the same interned strings, are then compared.
 * A port pair shared by several address pairs gets a bucket (a list, then a map by addresses: one port
 * pair seen between many hosts, a scan), so lookups never degrade to a long scan. A Map by port pair cost
 * about 60 bytes per connection on the heap, and its copies at every growth were garbage promoted to the
 * old generation. Only the latest conversation of each 4-tuple is kept.
 *
 * A finished conversation can be parked (park): its entry then holds it as numbers (and its two address
 * strings), and its Conv object is free for another connection. A Conv per finished connection was the
 * largest thing `stats` kept on the heap per connection, and, made anew for each, the most it promoted.
 */
export class ConvTable {
  /** Port pair of each slot, and what the slot holds: 0 empty, i + 1 for entry i, -(b + 1) for buckets[b]. */
  private keys = new Int32Array(0);
  private vals = new Int32Array(0);
  /** Slots in use, in a typed array (a field first changed late in a run deoptimizes: see Clocks). */
  private readonly used = new Int32Array(1);
  private shift = 32;
  /** Each entry's conversation, or null while it is parked. */
  private readonly convs: (Conv | null)[] = [];
  private readonly buckets: Bucket[] = [];
  /** Parked conversations by entry (see PARKED_CONV, ChunkedRecords). */
  private readonly parkedInts = new ChunkedRecords(PARKED_CONV, (n) => new Int32Array(n));
  private readonly parkedTimes = new ChunkedRecords(T_PER_CONV, (n) => new Float64Array(n));
  /** Their addresses, A then B, by entry. */
  private readonly parkedAddrs = new ChunkedArray('');
  /** The parked entry the last get() found (it then answered undefined), or -1. */
  parkedHit = -1;

  constructor() {
    // Replaced at once, before anything is compiled: see Clocks.
    this.grow(1 << 10);
  }

  /** The slot of port pair `key`, or of the empty slot where it would go. */
  private slot(key: number): number {
    const keys = this.keys, vals = this.vals, mask = keys.length - 1;
    let i = Math.imul(key, 0x9e3779b1) >>> this.shift;
    while (vals[i] !== 0 && keys[i] !== key) i = (i + 1) & mask;
    return i;
  }

  /**
   * The conversation of src:srcPort → dst:dstPort (either orientation), or undefined: none, or parked,
   * when `parkedHit` names its entry (see unpark).
   */
  get(src: string, dst: string, srcPort: number, dstPort: number): Conv | undefined {
    this.parkedHit = -1;
    const v = this.vals[this.slot(portKey(srcPort, dstPort))];
    if (v > 0) {
      const c = this.convs[v - 1];
      if (c !== null) return same(c, src, dst, srcPort, dstPort) ? c : undefined;
    }
    if (v === 0) return undefined;
    const index = this.find(v, src, dst, srcPort, dstPort);
    if (index < 0) return undefined;
    const c = this.convs[index];
    if (c === null) {
      this.parkedHit = index;
      return undefined;
    }
    return c;
  }

  /** The entry of src:srcPort → dst:dstPort among what slot value `v` (not 0) names, or -1. */
  private find(v: number, src: string, dst: string, srcPort: number, dstPort: number): number {
    if (v > 0) return this.matches(v - 1, src, dst, srcPort, dstPort) ? v - 1 : -1;
    const b = this.buckets[-v - 1];
    if (Array.isArray(b)) {
      for (let i = 0; i < b.length; i++) if (this.matches(b[i], src, dst, srcPort, dstPort)) return b[i];
      return -1;
    }
    return b.get(addrKey(src, dst)) ?? -1;
  }

  /** Whether entry `i` (conversation or parked) is src:srcPort ↔ dst:dstPort, either way. */
  private matches(i: number, src: string, dst: string, srcPort: number, dstPort: number): boolean {
    const c = this.convs[i];
    if (c !== null) return same(c, src, dst, srcPort, dstPort);
    const ports = this.parkedInts.chunk(i)[this.parkedInts.at(i) + PC_PORTS], portA = ports >>> 16, portB = ports & 0xffff;
    const addrA = this.parkedAddrs.get(2 * i), addrB = this.parkedAddrs.get(2 * i + 1);
    return (portA === srcPort && portB === dstPort && addrA === src && addrB === dst)
      || (portB === srcPort && portA === dstPort && addrB === src && addrA === dst);
  }

  /** Entry `i`'s ports and addresses, A and B (k: 0 and 1), conversation or parked. */
  private portOf(i: number, k: 0 | 1): number {
    const c = this.convs[i];
    if (c !== null) return k === 0 ? c.portA : c.portB;
    const ports = this.parkedInts.chunk(i)[this.parkedInts.at(i) + PC_PORTS];
    return k === 0 ? ports >>> 16 : ports & 0xffff;
  }

  private addrOf(i: number, k: 0 | 1): string {
    const c = this.convs[i];
    if (c !== null) return k === 0 ? c.addrA : c.addrB;
    return this.parkedAddrs.get(2 * i + k);
  }

  /**
   * Makes `conv` the current conversation of its 4-tuple (in both orientations): the entry of the one it
   * replaces, if any. Returns the ParkedFlows slot of a parked conversation so replaced (its flows are no
   * longer needed), or -1.
   */
  set(conv: Conv): number {
    const { addrA, addrB, portA, portB } = conv;
    let index = -1;
    // (Looked up from both ends: a bucket's map names an entry only under its slot's orientation.)
    const v0 = this.vals[this.slot(portKey(portA, portB))];
    if (v0 !== 0) index = this.find(v0, addrA, addrB, portA, portB);
    const v1 = index < 0 ? this.vals[this.slot(portKey(portB, portA))] : 0;
    if (v1 !== 0) index = this.find(v1, addrB, addrA, portB, portA);
    if (index >= 0) {
      // The same 4-tuple's entry: both orientations already name it.
      const old = this.convs[index];
      this.convs[index] = conv;
      conv.index = index;
      return old === null ? this.parkedInts.chunk(index)[this.parkedInts.at(index) + PC_FLOWS] : -1;
    }
    index = this.convs.push(conv) - 1;
    conv.index = index;
    this.put(addrA, addrB, portA, portB, index);
    // (A self-connection, same address and port both ways, has one orientation.)
    if (portA !== portB || addrA !== addrB) this.put(addrB, addrA, portB, portA, index);
    return -1;
  }

  /** Names entry `index` (not yet under this 4-tuple) from the slot of src:srcPort → dst:dstPort. */
  private put(src: string, dst: string, srcPort: number, dstPort: number, index: number): void {
    const key = portKey(srcPort, dstPort);
    const i = this.slot(key);
    const v = this.vals[i];
    if (v === 0) {
      this.keys[i] = key;
      this.vals[i] = index + 1;
      if (++this.used[0] * 2 > this.keys.length) this.grow(this.keys.length * 2);
      return;
    }
    // Another address pair on this port pair: a bucket.
    if (v > 0) {
      this.vals[i] = -this.buckets.push([v - 1, index]);
      return;
    }
    const b = this.buckets[-v - 1];
    if (!Array.isArray(b)) {
      b.set(addrKey(src, dst), index);
      return;
    }
    if (b.length < BUCKET_LIST_MAX) {
      b.push(index);
      return;
    }
    const m = new Map<string, number>();
    // Each entry under the orientation(s) its ports have in this bucket.
    for (const e of b) {
      const pa = this.portOf(e, 0), pb = this.portOf(e, 1);
      if (pa === srcPort && pb === dstPort) m.set(addrKey(this.addrOf(e, 0), this.addrOf(e, 1)), e);
      if (pb === srcPort && pa === dstPort) m.set(addrKey(this.addrOf(e, 1), this.addrOf(e, 0)), e);
    }
    m.set(addrKey(src, dst), index);
    this.buckets[-v - 1] = m;
  }

  /** Rehashes into `size` slots (a power of two). */
  private grow(size: number): void {
    const keys = this.keys, vals = this.vals;
    this.keys = new Int32Array(size);
    this.vals = new Int32Array(size);
    this.shift = 32 - Math.log2(size);
    for (let i = 0; i < keys.length; i++) {
      if (vals[i] === 0) continue;
      const j = this.slot(keys[i]);
      this.keys[j] = keys[i];
      this.vals[j] = vals[i];
    }
  }

  /**
   * Parks `conv` (in the table) as numbers in its entry, with `flows` (the ParkedFlows slot of its flows):
   * the object is then free for another connection (see Conv.reuse). A later get() of its 4-tuple answers
   * undefined with its entry in `parkedHit`, for unpark().
   */
  park(conv: Conv, flows: number): void {
    const i = conv.index, d = this.parkedInts.chunk(i), o = this.parkedInts.at(i);
    d[o + PC_STREAM] = conv.stream;
    d[o + PC_PORTS] = (conv.portA << 16) | conv.portB;
    d[o + PC_BITS] = conv.clientSide | (conv.finSides << C_FIN_SHIFT) | (conv.hasMruSyn ? C_MRU_SYN : 0)
      | (conv.completeness << C_COMPLETE_SHIFT) | ((conv.closingInitiator + 1) << C_CLOSING_SHIFT) | (conv.accEcn << C_ACC_ECN_SHIFT);
    d[o + PC_FLOWS] = flows;
    conv.copyClocks(this.parkedTimes.chunk(i), this.parkedTimes.at(i), false);
    this.parkedAddrs.set(2 * i, conv.addrA);
    this.parkedAddrs.set(2 * i + 1, conv.addrB);
    this.convs[i] = null;
  }

  /** The stream of the conversation parked at entry `index`. */
  parkedStream(index: number): number {
    return this.parkedInts.chunk(index)[this.parkedInts.at(index) + PC_STREAM];
  }

  /**
   * Brings the conversation parked at entry `index` back into `conv` (a Conv free for reuse, its flows
   * still to be restored: see ParkedFlows.restore), exactly as it was; returns its flows' ParkedFlows slot.
   */
  unpark(index: number, conv: Conv): number {
    const d = this.parkedInts.chunk(index), o = this.parkedInts.at(index);
    const ports = d[o + PC_PORTS], bits = d[o + PC_BITS];
    conv.stream = d[o + PC_STREAM];
    conv.portA = ports >>> 16;
    conv.portB = ports & 0xffff;
    conv.addrA = this.parkedAddrs.get(2 * index);
    conv.addrB = this.parkedAddrs.get(2 * index + 1);
    conv.clientSide = (bits & 1) as 0 | 1;
    conv.finSides = (bits >> C_FIN_SHIFT) & 3;
    conv.hasMruSyn = (bits & C_MRU_SYN) !== 0;
    conv.completeness = (bits >> C_COMPLETE_SHIFT) & 63;
    conv.closingInitiator = ((bits >> C_CLOSING_SHIFT) & 3) - 1;
    conv.accEcn = (bits >> C_ACC_ECN_SHIFT) & 7;
    conv.copyClocks(this.parkedTimes.chunk(index), this.parkedTimes.at(index), true);
    conv.index = index;
    this.convs[index] = conv;
    return d[o + PC_FLOWS];
  }
}

/** Whether `c` is the conversation of src:srcPort ↔ dst:dstPort, either way. */
function same(c: Conv, src: string, dst: string, srcPort: number, dstPort: number): boolean {
  return (c.portA === srcPort && c.portB === dstPort && c.addrA === src && c.addrB === dst)
    || (c.portB === srcPort && c.portA === dstPort && c.addrB === src && c.addrA === dst);
}

const addrKey = (src: string, dst: string): string => `${src} ${dst}`;

/**
 * The port pair as one 32-bit integer (negative from source port 32768 up): exact, and a small
 * integer to V8, where srcPort * 65536 + dstPort above 2^31 was a heap number allocated and hashed
 * on every lookup.
 */
const portKey = (srcPort: number, dstPort: number): number => (srcPort << 16) | dstPort;
