// TCP conversations as Wireshark 4.0 tracks them (packet-tcp.c, dissect_tcp and
// tcp_analyze_sequence_number): tcp.stream numbering, relative sequence numbers, window scaling
// learnt from the handshake, per-stream times, the initial RTT and the tcp.analysis.* flags.
// Everything here is per capture, fed in frame order, and never looks ahead (one-pass, as tshark).
import { TCP_ACK, TCP_AE, TCP_CWR, TCP_ECE, TCP_FIN, TCP_RST, TCP_SYN, type TcpAnalysis, type TcpSegment } from '../types';
import { Clocks, Conv, ConvTable, Flow, ParkedFlows } from './conversation';
import { A_REUSED_PORTS, FrameAnalysis, analyzeSequence, type DupAckTolerance } from './sequence-analysis';
import { report } from './analysis-report';
import { add, add32, le, sub, sub32 } from './seq';

/** tcp.completeness bits (Wireshark's TCP_COMPLETENESS_*). */
export const COMPLETE_SYNSENT = 1, COMPLETE_SYNACK = 2, COMPLETE_ACK = 4, COMPLETE_DATA = 8, COMPLETE_FIN = 16, COMPLETE_RST = 32;

const SYN_ACK = TCP_SYN | TCP_ACK;
/** Conv.accEcn bits: an AccECN SYN, an AccECN SYN-ACK, an AccECN option (see accurateEcn). */
const ACC_ECN_SYN = 1, ACC_ECN_SYN_ACK = 2, ACC_ECN_OPTION = 4;
const ECN_BITS = TCP_AE | TCP_CWR | TCP_ECE;
/** TcpAnalysis.view bit: the segment's ECN bits are shown as Accurate ECN's ACE counter. */
export const VIEW_ACE = 256;
/**
 * The flags and expert items of the (most) segments that have none: shared and frozen, where two new
 * empty arrays per segment were garbage the frame store's thread collected by the hundred megabytes.
 */
const NO_FLAGS: TcpAnalysis['flags'] = Object.freeze([]) as unknown as TcpAnalysis['flags'];
const NO_EXPERT: TcpAnalysis['expert'] = Object.freeze([]) as unknown as TcpAnalysis['expert'];

/** What Wireshark shows of a segment it does not analyse (see TcpTracker.streamOnly). */
export interface StreamOnly {
  stream: number;
  timeRelative: number;
  timeDelta: number;
  completeness: number;
  /** tcp.window_size_scalefactor as the sender's flow has it (Wireshark shows it without the analysis too). */
  windowScalefactor: number;
  /** The segment's ECN bits are shown as the ACE counter (see accurateEcn). */
  ace: boolean;
}

/** What the tracker learns of the segment it is analysing (one object, reused). */
interface Facts {
  conv: Conv;
  side: 0 | 1;
  /** Capture time in integer ns. */
  now: number;
  timeRelative: number;
  timeDelta: number;
  /** The stream's completeness bits before this segment. */
  completeness: number;
  /** A FIN from the side that closed first. */
  finActive: boolean;
  /** The segment created its conversation (it is the conversation's first). */
  created: boolean;
  /**
   * It did so as a SYN with a new ISN on a known 4-tuple (ports reused): Wireshark then counts the SYN
   * when it makes the conversation, and the segment's other bits as any later segment's (a RST counts,
   * data on a SYN does not), where a 4-tuple's very first segment counts only the SYN and its data.
   */
  reused: boolean;
  /** Its ECN bits are shown as the ACE counter. */
  ace: boolean;
}

export class TcpTracker {
  private readonly table = new ConvTable();
  private readonly clocks = new Clocks();
  private next = 0;
  private readonly ta = new FrameAnalysis();
  /** Multipath TCP's excuse for duplicate ACKs, set by its dissector once it meets a connection. */
  dupAckTolerance: DupAckTolerance | null = null;
  /** Facts of the segment being analysed, reused for every segment (nothing allocated per segment). */
  private readonly b: Facts = { conv: null as unknown as Conv, side: 0, now: 0, timeRelative: 0, timeDelta: 0, completeness: 0, finActive: false, created: false, reused: false, ace: false };

  /** Where finished connections' flows are parked, once parking is on (see parkFinished). */
  private parkedFlows: ParkedFlows | null = null;
  /**
   * Connections parked, and brought back by a late segment, so far: counted in a typed array, as a field
   * first changed at the first parking, late in a run, deoptimizes compiled code (see Clocks).
   */
  private readonly parking = new Uint32Array(2);
  get parked(): number { return this.parking[0]; }
  get unparked(): number { return this.parking[1]; }

  /**
   * From now on, parkIfFinished() parks the flows of connections that have finished (see ParkedFlows):
   * for callers that keep the tracker to the end of a large capture (`stats`). Parked flows are brought
   * back, as they were, by the next segment of their connection.
   */
  parkFinished(): void {
    this.parkedFlows ??= new ParkedFlows();
  }

  /**
   * Parks the flows of the connection of the segment last analysed (after step() and finish()) if it has
   * finished: reset, or a FIN each way with every segment acknowledged (both FINs then are), so that its
   * flows hold no unacknowledged segment. Does nothing unless parkFinished() was called.
   */
  parkIfFinished(): void {
    const conv = this.lastConv, store = this.parkedFlows;
    if (!conv || !store) return;
    if (conv.finSides !== 3 && !(conv.completeness & COMPLETE_RST)) return;
    if (conv.flow(0).unackedLen !== 0 || conv.flow(1).unackedLen !== 0) return;
    // The conversation itself is parked in its table entry, its object kept for another connection.
    this.table.park(conv, store.park(conv.flow(0), conv.flow(1)));
    this.spareConvs.push(conv);
    this.lastConv = null;
    this.parking[0]++;
  }

  /** Conv objects of parked conversations, reused first for new and brought-back ones (see ConvTable.park). */
  private readonly spareConvs: Conv[] = [];

  /** A conversation in a new one's state: a parked one's object reused (see Conv.reuse), or a new one. */
  private newConv(stream: number, addrA: string, portA: number, addrB: string, portB: number, now: number): Conv {
    // Once finished connections are parked, their Flow objects are reused (see ParkedFlows).
    const store = this.parkedFlows, clocks = this.clocks;
    const f0 = store ? store.take(clocks) : new Flow(clocks), f1 = store ? store.take(clocks) : new Flow(clocks);
    const conv = this.spareConvs.pop();
    if (conv === undefined) return new Conv(clocks, stream, addrA, portA, addrB, portB, now, [f0, f1]);
    conv.reuse(stream, addrA, portA, addrB, portB, now, f0, f1);
    return conv;
  }

  /** Brings back the conversation parked at table entry `index`, exactly as it was, flows included. */
  private unpark(index: number): Conv {
    const conv = this.newConv(0, '', 0, '', 0, 0);
    const flows = this.table.unpark(index, conv);
    (this.parkedFlows as ParkedFlows).restore(flows, conv.flow(0), conv.flow(1));
    this.parking[1]++;
    return conv;
  }

  /** Number of streams created so far. */
  get streamCount(): number {
    return this.next;
  }

  /**
   * The stream an existing conversation of `seg`'s 4-tuple has, or -1 (none yet: the segment would
   * create one), without analysing anything. The frame store asks before choosing its fast path: no
   * dissector state can be keyed by a stream that does not exist yet.
   */
  peekStream(seg: TcpSegment): number {
    const table = this.table, conv = table.get(seg.src, seg.dst, seg.srcPort, seg.dstPort);
    return conv ? conv.stream : table.parkedHit >= 0 ? table.parkedStream(table.parkedHit) : -1;
  }

  /**
   * Whether data segment `seg` (no SYN, FIN or RST) will be analysed as new data in order, found without
   * analysing it: its conversation is live (not parked), and it starts at its direction's highest next
   * sequence number (so not a retransmission, out of order, lost before or a keep-alive), is not all
   * acknowledged already (spurious) and is no zero-window probe (the peer's window is not 0). Then its
   * stream, direction and relative sequence number are in `inOrder`, as `analyze` will give them. The frame
   * store asks before it stores a segment in the middle of a PDU without dissecting it.
   */
  peekInOrder(seg: TcpSegment): boolean {
    if (seg.len === 0 || seg.flags & (TCP_SYN | TCP_FIN | TCP_RST)) return false;
    const conv = this.table.get(seg.src, seg.dst, seg.srcPort, seg.dstPort);
    if (conv === undefined) return false;
    const side = conv.sideOf(seg.src, seg.srcPort);
    const fwd = conv.flow(side), rev = conv.flow(1 - side);
    const seq = seg.seq | 0;
    if (!fwd.baseSet || fwd.nextseq === 0 || seq !== fwd.nextseq || rev.window === 0) return false;
    if (rev.lastack && le(add(seq, seg.len), rev.lastack)) return false;
    const o = this.inOrder;
    o.stream = conv.stream;
    o.direction = side === conv.clientSide ? 0 : 1;
    o.seq = sub(seg.seq, fwd.base);
    return true;
  }

  /** peekInOrder's answer (refilled). */
  readonly inOrder = { stream: 0, direction: 0 as 0 | 1, seq: 0 };

  /**
   * A segment Wireshark does not analyse (a header shorter than 20 bytes, or longer than the
   * packet): its conversation is still found or created, and its times and completeness counted.
   */
  streamOnly(seg: TcpSegment): StreamOnly {
    this.ta.reset();
    const b = this.begin(seg);
    // Wireshark times the handshake as soon as it has read the flags, before it judges the header length;
    // the options it reads of a short segment can still turn AccECN on for the next ones.
    noteHandshakeTimes(b.conv, seg.flags, b.now);
    if (seg.accEcnOption) b.conv.accEcn |= ACC_ECN_OPTION;
    const completeness = b.conv.completeness;
    b.conv.completeness |= completenessOf(seg, b.created && !b.reused, false);
    const scale = b.conv.flow(b.side).winScale;
    return { stream: b.conv.stream, timeRelative: b.timeRelative, timeDelta: b.timeDelta, completeness, windowScalefactor: scale >= 0 ? 1 << scale : scale, ace: b.ace };
  }

  /** Finds or creates the segment's conversation (new ISN on a SYN: ports reused) and counts its times. */
  private begin(seg: TcpSegment): Facts {
    const b = this.b;
    const now = Math.round(seg.time * 1e9);
    let conv = this.table.get(seg.src, seg.dst, seg.srcPort, seg.dstPort);
    if (conv === undefined && this.table.parkedHit >= 0) conv = this.unpark(this.table.parkedHit);
    b.created = !conv;
    b.reused = false;
    if (!conv) conv = this.create(seg, now);
    let side = conv.sideOf(seg.src, seg.srcPort);
    // A SYN (or SYN-ACK) with a new ISN on a known 4-tuple: the ports were reused, a new stream begins
    // (SYN) or the SYN-ACK belongs to the latest one. Same ISN: a retransmission, found by the analysis.
    if ((seg.flags & TCP_SYN) && conv.flow(side).baseSet && (seg.seq | 0) !== conv.flow(side).base) {
      if ((seg.flags & SYN_ACK) === TCP_SYN) {
        conv = this.create(seg, now);
        b.created = true;
        b.reused = true;
        side = 0;
        // Wireshark: a new conversation that starts with a SYN already counts that SYN.
        conv.completeness = COMPLETE_SYNSENT;
      } else {
        // A SYN-ACK with a new ISN answers a new SYN on the same stream: its numbers restart from it.
        conv.flow(side).base = seg.seq | 0;
      }
      this.ta.set(A_REUSED_PORTS);
    }
    b.ace = accurateEcn(conv, seg.flags);
    // Per-stream times (tcp.time_relative, tcp.time_delta).
    b.conv = conv;
    b.side = side;
    b.now = now;
    b.timeRelative = (now - conv.tsFirst) / 1e9;
    b.timeDelta = (now - conv.tsPrev) / 1e9;
    conv.tsPrev = now;
    return b;
  }

  /** Analyzes one segment, in capture order. */
  analyze(seg: TcpSegment): TcpAnalysis {
    const conv = this.step(seg);
    const ta = this.ta, b = this.b;
    const side = b.side;
    const fwd = conv.flow(side), rev = conv.flow(1 - side);
    const scale = fwd.winScale;
    const seq = sub(seg.seq, fwd.base);
    const nxtseq = add(add(seq, seg.len), seg.flags & (TCP_SYN | TCP_FIN) ? 1 : 0);
    const r = ta.flags ? report(ta.flags, ta.dupAckNum, ta.dupAckFrame) : null;
    const out: TcpAnalysis = {
      stream: conv.stream,
      direction: side === conv.clientSide ? 0 : 1,
      seq,
      ack: seg.flags & TCP_ACK ? sub(seg.ack, rev.base) : seg.ack,
      nxtseq,
      // Window: SYNs are never scaled; afterwards the sender's scale from the handshake, if known.
      // (The shift is at most 14: 1 << scale, where 2 ** scale was a call to pow on every segment.)
      windowSize: !(seg.flags & TCP_SYN) && scale >= 0 ? seg.window * (1 << scale) : seg.window,
      windowScalefactor: seg.flags & TCP_SYN ? 0 : scale >= 0 ? 1 << scale : scale,
      flags: r ? r.flags : NO_FLAGS,
      timeRelative: b.timeRelative,
      timeDelta: b.timeDelta,
      expert: r ? r.expert : NO_EXPERT,
      infoPrefix: r ? r.infoPrefix : '',
      view: (b.completeness & 63) | (ta.exists ? 64 : 0) | (b.finActive ? 128 : 0) | (b.ace ? VIEW_ACE : 0),
      // Every optional field present from the start, undefined until set: one object shape for every
      // analysis. Added only when set, they made a dozen shapes, and the store's reads of them went
      // megamorphic, where each read of a time (a double) allocated a box: a fifth of its garbage.
      peerBase: undefined,
      acksFrame: undefined,
      ackRtt: undefined,
      initialRtt: undefined,
      bytesInFlight: undefined,
      pushBytesSent: undefined,
      dupAckNum: undefined,
      dupAckFrame: undefined,
      rto: undefined,
      rtoFrame: undefined,
    };
    if (seg.sack && rev.baseSet) out.peerBase = rev.base >>> 0;
    if (ta.frameAcked) {
      out.acksFrame = ta.frameAcked;
      if (ta.ackRtt) out.ackRtt = ta.ackRtt / 1e9;
    }
    if (conv.firstRtt) out.initialRtt = conv.firstRtt / 1e9;
    if (ta.bytesInFlight) out.bytesInFlight = ta.bytesInFlight;
    if (ta.pushBytesSent) out.pushBytesSent = ta.pushBytesSent;
    if (ta.dupAckNum) {
      out.dupAckNum = ta.dupAckNum;
      out.dupAckFrame = ta.dupAckFrame;
    }
    if (ta.rto) {
      out.rto = ta.rto / 1e9;
      out.rtoFrame = ta.rtoFrame;
    }
    return out;
  }

  /**
   * The analysis of one segment without building its view (what `stats` needs, at a fraction of the
   * cost): updates every per-stream state exactly as analyze() does and returns the conversation;
   * the segment's TCP_A_* bits are then `analysisBits` and its direction `lastDirection`.
   */
  step(seg: TcpSegment): Conv {
    const ta = this.ta;
    ta.reset();
    const b = this.begin(seg);
    const conv = b.conv, side = b.side, now = b.now;
    const fwd = conv.flow(side), rev = conv.flow(1 - side);

    // Base sequence numbers: the ISN from a SYN, else one before the first seq seen (so data
    // starts at 1 mid-stream); the peer's from the first ACK (a SYN's ACK field may be garbage).
    if (!fwd.baseSet) {
      fwd.base = seg.flags & TCP_SYN ? seg.seq | 0 : sub32(seg.seq, 1);
      fwd.baseSet = true;
    }
    if (!rev.baseSet && (seg.flags & TCP_ACK)) {
      rev.base = sub32(seg.ack, 1);
      rev.baseSet = true;
    }

    noteHandshakeTimes(conv, seg.flags, now);

    // seq and ack as signed 32-bit numbers: small integers, passed without boxing a double.
    ta.now = now;
    analyzeSequence(ta, conv, fwd, rev, seg.frame, seg.seq | 0, seg.ack | 0, seg.len, seg.flags, seg.window, side, this.dupAckTolerance);
    this.learnSack(fwd, seg);
    fwd.isFirstAck = (seg.flags & TCP_SYN) !== 0;
    // An AccECN option shows the ECN bits as the ACE counter from the next segment on (this one's are shown).
    if (seg.accEcnOption) conv.accEcn |= ACC_ECN_OPTION;
    this.lastConv = conv;
    this.lastSide = side;

    b.completeness = conv.completeness;
    conv.completeness |= completenessOf(seg, b.created && !b.reused, true);
    // The first FIN's sender initiates the close ("active"); FINs from the other side undergo it.
    b.finActive = false;
    if (seg.flags & TCP_FIN) {
      conv.finSides |= 1 << side;
      if (conv.closingInitiator < 0) conv.closingInitiator = side;
      b.finActive = conv.closingInitiator === side;
    }
    return conv;
  }

  /** TCP_A_* bits of the segment last analysed. */
  get analysisBits(): number {
    return this.ta.flags;
  }

  /** Direction of the segment last analysed: 0 from the client, 1 from the server. */
  get lastDirection(): 0 | 1 {
    return this.lastConv && this.lastSide !== this.lastConv.clientSide ? 1 : 0;
  }

  /**
   * What Wireshark does after a segment's options were dissected (so never for a segment whose
   * options ran past the captured bytes): the window scale option and its check on SYNs.
   */
  finish(seg: TcpSegment): void {
    const conv = this.lastConv;
    if (!conv) return;
    const fwd = conv.flow(this.lastSide), rev = conv.flow(1 - this.lastSide);
    this.learnWindowScale(fwd, rev, seg);
  }

  private lastConv: Conv | null = null;
  private lastSide: 0 | 1 = 0;

  private create(seg: TcpSegment, now: number): Conv {
    const conv = this.newConv(this.next++, seg.src, seg.srcPort, seg.dst, seg.dstPort, now);
    // The client is the first SYN's sender: a capture that begins with the SYN-ACK has it as receiver.
    conv.clientSide = (seg.flags & SYN_ACK) === SYN_ACK ? 1 : 0;
    // (A parked conversation it replaces, if any, no longer needs its flows.)
    const dropped = this.table.set(conv);
    if (dropped >= 0) (this.parkedFlows as ParkedFlows).drop(dropped);
    return conv;
  }

  /** SACK blocks of this segment, kept for the peer's bytes-in-flight (Wireshark keeps blocks 1..3). */
  private learnSack(fwd: Flow, seg: TcpSegment): void {
    const s = seg.sack;
    fwd.numSack = 0;
    fwd.sackBytes = 0;
    if (!s || !(seg.flags & TCP_ACK)) return;
    const n = Math.min(s.length >> 1, 3);
    for (let i = 0; i < n; i++) {
      fwd.sackBytes = add32(fwd.sackBytes, sub(s[2 * i + 1], s[2 * i]));
      fwd.numSack++;
    }
  }

  /**
   * The window scale option, then Wireshark's verify_tcp_window_scaling on SYNs: a SYN without the
   * option means no scaling either way (-2); a SYN-ACK with it after a SYN without it is ignored.
   */
  private learnWindowScale(fwd: Flow, rev: Flow, seg: TcpSegment): void {
    if (seg.wscaleShift !== undefined) fwd.winScale = seg.wscaleShift > 14 ? 14 : seg.wscaleShift;
    if (!(seg.flags & TCP_SYN)) return;
    if (fwd.winScale === -1) {
      fwd.winScale = -2;
      rev.winScale = -2;
    } else if ((seg.flags & TCP_ACK) && rev.winScale === -2) {
      fwd.winScale = -2;
    }
  }
}

/**
 * Whether the segment's ECN bits are shown as Accurate ECN's ACE counter, as Wireshark 4.0 decides it
 * (measured against tshark), and what the segment adds to the conversation's AccECN set-up. A SYN is never
 * shown so. Each SYN says whether it asks for AccECN (AE, CWR and ECE all set), each SYN-ACK whether it
 * agrees (AE, CWR, ECE one of 010, 011, 100, 110): the latest of each counts, in either order, and a plain
 * SYN after an AccECN one turns it off again. An AccECN option (kind 172 or 174, a valid length) turns
 * it on for good, from the segment after it.
 */
function accurateEcn(conv: Conv, flags: number): boolean {
  const acc = conv.accEcn;
  const ecn = flags & ECN_BITS;
  if ((flags & SYN_ACK) === TCP_SYN) {
    conv.accEcn = ecn === ECN_BITS ? acc | ACC_ECN_SYN : acc & ~ACC_ECN_SYN;
  } else if ((flags & SYN_ACK) === SYN_ACK) {
    const agrees = (ecn & (TCP_AE | TCP_CWR)) === TCP_CWR || (ecn & (TCP_AE | TCP_ECE)) === TCP_AE;
    conv.accEcn = agrees ? acc | ACC_ECN_SYN_ACK : acc & ~ACC_ECN_SYN_ACK;
  }
  if (flags & TCP_SYN) return false;
  return (acc & ACC_ECN_OPTION) !== 0 || (acc & (ACC_ECN_SYN | ACC_ECN_SYN_ACK)) === (ACC_ECN_SYN | ACC_ECN_SYN_ACK);
}

/**
 * Completeness bits of a segment, as Wireshark 4.0 adds them (measured against tshark): the segment that
 * starts a conversation counts only if it is a SYN (with its data); after it, a SYN-ACK, an ACK without
 * SYN (DATA if it carries data, else ACK), a FIN with ACK, and any RST. A bare FIN, data without ACK and
 * a late SYN add nothing. `dataKnown`: false for a segment the analysis did not see (its length is not
 * trusted), whose data then adds nothing.
 */
/** The initial RTT: from the latest SYN to the first ACK (without SYN) after one. */
function noteHandshakeTimes(conv: Conv, flags: number, now: number): void {
  if ((flags & SYN_ACK) === TCP_ACK && conv.hasMruSyn && conv.firstRtt === 0) conv.firstRtt = now - conv.tsMruSyn;
  if ((flags & SYN_ACK) === TCP_SYN) {
    conv.hasMruSyn = true;
    conv.tsMruSyn = now;
  }
}

function completenessOf(seg: TcpSegment, first: boolean, dataKnown: boolean): number {
  const f = seg.flags, synAck = f & SYN_ACK;
  if (first) return synAck === TCP_SYN ? COMPLETE_SYNSENT | (dataKnown && seg.len > 0 ? COMPLETE_DATA : 0) : 0;
  let c = 0;
  if (synAck === SYN_ACK) c |= COMPLETE_SYNACK;
  else if (synAck === TCP_ACK) c |= seg.len === 0 ? COMPLETE_ACK : dataKnown ? COMPLETE_DATA : 0;
  if ((f & (TCP_FIN | TCP_ACK)) === (TCP_FIN | TCP_ACK)) c |= COMPLETE_FIN;
  if (f & TCP_RST) c |= COMPLETE_RST;
  return c;
}
