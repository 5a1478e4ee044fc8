// tcp_analyze_sequence_number of Wireshark 4.0 (packet-tcp.c), rule by rule and in its order:
// zero-window probe, zero window, lost segment, keep-alive, window update, window full, keep-alive
// ACK, zero-window-probe ACK, duplicate ACK, ACKed-unseen, then spurious / fast retransmission /
// out-of-order / retransmission, then the bookkeeping (unacked list, nextseq, ACK matching, bytes in
// flight). It works on raw 32-bit numbers, like Wireshark, including its "0 means unset" tests; they
// are held as signed 32-bit numbers (see conversation.ts), so every stored or compared value is one.
import { TCP_ACK, TCP_FIN, TCP_PSH, TCP_RST, TCP_SYN } from '../types';
import { MAX_UNACKED, UNACKED_STRIDE as W, U_FRAME, U_NEXTSEQ, U_SEQ, U_TS, type Conv, type Flow } from './conversation';
import { add, add32, gt, le, lt, sub, sub32 } from './seq';

// Wireshark's TCP_A_* bits.
export const A_RETRANSMISSION = 0x0001, A_LOST_PACKET = 0x0002, A_ACK_LOST_PACKET = 0x0004, A_KEEP_ALIVE = 0x0008,
  A_DUPLICATE_ACK = 0x0010, A_ZERO_WINDOW = 0x0020, A_ZERO_WINDOW_PROBE = 0x0040, A_ZERO_WINDOW_PROBE_ACK = 0x0080,
  A_KEEP_ALIVE_ACK = 0x0100, A_OUT_OF_ORDER = 0x0200, A_FAST_RETRANSMISSION = 0x0400, A_WINDOW_UPDATE = 0x0800,
  A_WINDOW_FULL = 0x1000, A_REUSED_PORTS = 0x2000, A_SPURIOUS_RETRANSMISSION = 0x4000;

/** Fast retransmission must follow the last duplicate ACK within 20 ms. */
const FAST_RT_WINDOW_NS = 20_000_000;
/** Out-of-order threshold before the initial RTT is known: 3 ms. */
const OOO_DEFAULT_NS = 3_000_000;
const SYN_FIN = TCP_SYN | TCP_FIN;
const SYN_FIN_RST = TCP_SYN | TCP_FIN | TCP_RST;

/**
 * What Wireshark records about one frame (its struct tcp_acked, "ta"). `exists` is whether a ta was
 * created at all: only then does Wireshark show the [SEQ/ACK analysis] subtree.
 * One instance is reused for every segment (reset per call), so analysis allocates nothing here.
 */
export class FrameAnalysis {
  /**
   * The segment's capture time in integer ns, set by the caller: in a field rather than an argument,
   * where the double (past 2^31 ns within seconds) would be boxed on every call.
   */
  now = -0;
  exists = false;
  flags = 0;
  // -0 (0 to every test here) makes these fields doubles from the start: times in ns pass 2^30 after a
  // second of capture, and frame numbers read from the unacknowledged list are doubles. Starting as
  // small integers, each changed its representation late in a run and deoptimized the tracker's code.
  frameAcked = -0;
  /** ns; Wireshark shows ack_rtt / rto only when non-zero. */
  ackRtt = -0;
  dupAckNum = 0;
  dupAckFrame = 0;
  rto = -0;
  rtoFrame = -0;
  bytesInFlight = 0;
  pushBytesSent = 0;

  reset(): void {
    this.exists = false;
    this.flags = 0;
    this.frameAcked = 0;
    this.ackRtt = 0;
    this.dupAckNum = 0;
    this.dupAckFrame = 0;
    this.rto = 0;
    this.rtoFrame = 0;
    this.bytesInFlight = 0;
    this.pushBytesSent = 0;
  }

  set(flag: number): void {
    this.exists = true;
    this.flags |= flag;
  }
}

/** Non-negative (unsigned in Wireshark) nanosecond delta below a threshold. */
function within(delta: number, limit: number): boolean {
  return delta >= 0 && delta < limit;
}

/**
 * Who may excuse a duplicate ACK: Multipath TCP (RFC 8684 §4) repeats ACKs around its address operations,
 * and tshark 4.0 then counts a flow's next duplicate ACK as none (the MPTCP dissector answers).
 */
export interface DupAckTolerance {
  tolerated(stream: number, direction: number): boolean;
}

/**
 * Runs Wireshark's sequence analysis for one segment (its time in `ta.now`). `seq`/`ack` raw, `window`
 * unscaled. Updates both flows and fills `ta`. `side` is the sender's direction in the conversation.
 */
export function analyzeSequence(
  ta: FrameAnalysis, conv: Conv, fwd: Flow, rev: Flow,
  frame: number, seq: number, ack: number, seglen: number, flags: number, window: number,
  side = 0, tolerance: DupAckTolerance | null = null,
): void {
  const now = ta.now;
  seq |= 0;
  ack |= 0;
  if (flags & TCP_ACK) rev.validBif = true;

  checks: {
    // ZERO WINDOW PROBE: exactly 1 byte at the next expected seq while the peer's window is 0.
    if (seglen === 1 && seq === fwd.nextseq && rev.window === 0) {
      ta.set(A_ZERO_WINDOW_PROBE);
      break checks;
    }
    // ZERO WINDOW: window 0 on a segment that is not SYN/FIN/RST.
    if (window === 0 && (flags & SYN_FIN_RST) === 0) ta.set(A_ZERO_WINDOW);

    // LOST PACKET: beyond the highest nextseq seen (not for RST).
    if (fwd.nextseq && gt(seq, fwd.nextseq) && (flags & TCP_RST) === 0) {
      ta.set(A_LOST_PACKET);
      fwd.validBif = false; // until an ACK is seen in the other direction
    }

    // KEEP ALIVE: 0 or 1 byte starting one byte before nextseq.
    if ((seglen === 0 || seglen === 1) && seq === sub32(fwd.nextseq, 1) && (flags & SYN_FIN_RST) === 0) {
      ta.set(A_KEEP_ALIVE);
    }

    // WINDOW UPDATE: empty, same seq/ack as before, a new non-zero window.
    if (seglen === 0 && window && window !== fwd.window && seq === fwd.nextseq && ack === fwd.lastack
      && (flags & SYN_FIN_RST) === 0) {
      ta.set(A_WINDOW_UPDATE);
    }

    // WINDOW FULL: data reaching exactly the edge of the peer's advertised window (scale known).
    if (seglen > 0 && rev.winScale !== -1 && (flags & SYN_FIN_RST) === 0) {
      const shift = rev.isFirstAck ? 0 : rev.winScale === -2 ? 0 : rev.winScale;
      if (add(seq, seglen) === add(rev.lastack, (rev.window << shift) >>> 0)) ta.set(A_WINDOW_FULL);
    }

    // KEEP ALIVE ACK: repeats the last ACK right after a keep-alive from the peer.
    if (seglen === 0 && window && window === fwd.window && seq === fwd.nextseq && ack === fwd.lastack
      && (rev.lastSegmentFlags & A_KEEP_ALIVE) && (flags & SYN_FIN_RST) === 0) {
      ta.set(A_KEEP_ALIVE_ACK);
      break checks;
    }

    // ZERO WINDOW PROBE ACK: repeats the last ACK and the zero window right after a probe.
    if (seglen === 0 && window === 0 && window === fwd.window && seq === fwd.nextseq && ack === fwd.lastack
      && (rev.lastSegmentFlags & A_ZERO_WINDOW_PROBE) && (flags & SYN_FIN_RST) === 0) {
      ta.set(A_ZERO_WINDOW_PROBE_ACK);
      break checks;
    }

    // DUPLICATE ACK: empty, same window/seq/ack as the previous segment.
    if (seglen === 0 && window && window === fwd.window && seq === fwd.nextseq && ack === fwd.lastack
      && (flags & SYN_FIN_RST) === 0 && !tolerance?.tolerated(conv.stream, side)) {
      // -1 (after an ACKed-unseen) restarts the count at 1.
      fwd.dupAckNum = fwd.dupAckNum === -1 ? 1 : (fwd.dupAckNum + 1) | 0;
      ta.set(A_DUPLICATE_ACK);
      ta.dupAckNum = fwd.dupAckNum >>> 0;
      ta.dupAckFrame = fwd.lastNonDupAck;
    }
  }

  // A new ACK number resets the duplicate-ACK count.
  if (ack !== fwd.lastack) {
    fwd.lastNonDupAck = frame;
    fwd.dupAckNum = 0;
  }

  // ACKED LOST PACKET: this ACK covers data of the peer that was never seen.
  if (rev.maxSeqToBeAcked && gt(ack, rev.maxSeqToBeAcked) && (flags & TCP_ACK)) {
    ta.exists = true;
    if (lt(rev.maxSeqToBeAcked, rev.nextseq)) {
      rev.maxSeqToBeAcked = rev.nextseq;
      ta.flags |= A_ACK_LOST_PACKET;
    } else {
      // Report a stalled peer's repeated ACKs of the same lost data once.
      if (rev.dupAckNum === 0) ta.flags |= A_ACK_LOST_PACKET;
      rev.dupAckNum = -1;
    }
  }

  // RETRANSMISSION / FAST RETRANSMISSION / SPURIOUS / OUT-OF-ORDER, for data, SYN or FIN.
  if (seglen > 0 || (flags & SYN_FIN)) {
    retrans: {
      let seqNotAdvanced = fwd.nextseq !== 0 && lt(seq, fwd.nextseq);
      // A keep-alive is never a retransmission.
      if (ta.exists && (ta.flags & A_KEEP_ALIVE)) break retrans;
      // New data starting one byte before nextseq (after a possible zero-window probe) is not old.
      if (seglen > 1 && sub32(fwd.nextseq, 1) === seq) seqNotAdvanced = false;

      // SPURIOUS: all of its data was already acknowledged by the peer.
      if (seglen > 0 && rev.lastack && le(add(seq, seglen), rev.lastack)) {
        ta.set(A_SPURIOUS_RETRANSMISSION);
        break retrans;
      }
      // FAST: >= 2 duplicate ACKs for this seq from the peer, within 20 ms of the last one.
      // (dupAckNum is unsigned in Wireshark: -1, its 0xffffffff, counts as >= 2.)
      if (seqNotAdvanced && (rev.dupAckNum >>> 0) >= 2 && rev.lastack === seq && within(now - rev.lastackTime, FAST_RT_WINDOW_NS)) {
        ta.set(A_FAST_RETRANSMISSION);
        break retrans;
      }
      // OUT-OF-ORDER: soon after the highest segment (within the initial RTT, or 3 ms) and not
      // ending exactly at nextseq.
      const threshold = conv.firstRtt === 0 ? OOO_DEFAULT_NS : conv.firstRtt;
      if (seqNotAdvanced && within(now - fwd.nextseqTime, threshold)
        && fwd.nextseq !== add32(add32(seq, seglen), flags & SYN_FIN ? 1 : 0)) {
        ta.set(A_OUT_OF_ORDER);
        break retrans;
      }
      if (seqNotAdvanced) {
        ta.set(A_RETRANSMISSION);
        // RTO from the oldest unacknowledged segment, else from the highest one.
        ta.rto = now - fwd.nextseqTime;
        ta.rtoFrame = fwd.nextseqFrame;
        if (fwd.unackedLen) {
          ta.rto = now - fwd.unacked[U_TS];
          ta.rtoFrame = fwd.unacked[U_FRAME];
        }
      }
    }
  }

  let nextseq = add32(seq, seglen);
  if ((seglen || (flags & SYN_FIN)) && fwd.unackedLen < MAX_UNACKED * W) {
    // SYN and FIN count as one byte (only here: a full list leaves nextseq without them, as Wireshark).
    if (flags & SYN_FIN) nextseq = add32(nextseq, 1);
    const u = fwd.unacked, at = fwd.unackedLen;
    u[at + U_FRAME] = frame; u[at + U_SEQ] = seq; u[at + U_NEXTSEQ] = nextseq; u[at + U_TS] = now;
    fwd.unackedLen = at + W;
  }

  // Highest nextseq so far (a zero-window probe doesn't advance it).
  const zwp = ta.exists && (ta.flags & A_ZERO_WINDOW_PROBE) !== 0;
  if (gt(nextseq, fwd.nextseq) || !fwd.nextseq) {
    if (!zwp) {
      fwd.nextseq = nextseq;
      fwd.nextseqFrame = frame;
      fwd.nextseqTime = now;
    }
  }
  // Highest continuous seq the peer may ACK (jumps past holes only through ACKED LOST PACKET).
  if (seq === fwd.maxSeqToBeAcked || !fwd.maxSeqToBeAcked) {
    if (!zwp) fwd.maxSeqToBeAcked = fwd.nextseq;
  }

  fwd.window = window;
  fwd.lastack = ack;
  fwd.lastackTime = now;
  fwd.lastSegmentFlags = ta.exists ? ta.flags : 0;

  // Drop the peer's segments this ACK covers; an exact match gives acks_frame and ack_rtt
  // (Wireshark walks newest to oldest, so the oldest exact match wins).
  const segs = rev.unacked;
  const segsLen = rev.unackedLen;
  if (segsLen) {
    let keep = 0;
    let matched = false;
    for (let i = 0; i < segsLen; i += W) {
      const uNext = segs[i + U_NEXTSEQ];
      let uSeq = segs[i + U_SEQ];
      if (ack === uNext) {
        if (!matched) {
          matched = true;
          ta.exists = true;
          ta.frameAcked = segs[i + U_FRAME];
          ta.ackRtt = now - segs[i + U_TS];
        }
        continue;
      }
      if (gt(ack, uSeq) && le(ack, uNext)) {
        uSeq = ack; // partly acknowledged: keep the rest
      } else if (!gt(uNext, ack)) {
        continue; // old: acknowledged entirely
      }
      segs[keep + U_FRAME] = segs[i + U_FRAME];
      segs[keep + U_SEQ] = uSeq;
      segs[keep + U_NEXTSEQ] = uNext;
      segs[keep + U_TS] = segs[i + U_TS];
      keep += W;
    }
    rev.unackedLen = keep;
    // The array keeps its size, so a flow that keeps sending does not reallocate it after every ACK; a
    // large one (a long window's worth) is released once everything in it is acknowledged.
    if (keep === 0 && segs.length > 64) segs.length = 0;
  }

  // Bytes in flight (Wireshark's default, payload-based method) and bytes since the last PSH.
  // Wireshark's list head is the newest segment: the last one here.
  const us = fwd.unacked;
  const usLen = fwd.unackedLen;
  if (seglen !== 0 && usLen && fwd.validBif) {
    const base = fwd.base;
    const newest = usLen - W;
    let firstSeq = sub(us[newest + U_SEQ], base);
    let lastSeq = sub(us[newest + U_NEXTSEQ], base);
    for (let i = 0; i < usLen; i += W) {
      const n = sub(us[i + U_NEXTSEQ], base);
      if (n > lastSeq) lastSeq = n;
      const s = sub(us[i + U_SEQ], base);
      if (s < firstSeq) firstSeq = s;
    }
    let inFlight = sub(lastSeq, firstSeq);
    if (rev.numSack > 0) inFlight = sub(inFlight, rev.sackBytes);
    if (inFlight > 0 && inFlight < 2000000000) {
      ta.exists = true;
      ta.bytesInFlight = flags & SYN_FIN ? inFlight - 1 : inFlight;
    }
    const psh = (flags & TCP_PSH) !== 0;
    if (psh) {
      fwd.pushBytesSent = fwd.pushSetLast ? seglen : fwd.pushBytesSent + seglen;
      fwd.pushSetLast = true;
    } else if (fwd.pushSetLast) {
      fwd.pushBytesSent = seglen;
      fwd.pushSetLast = false;
    } else {
      fwd.pushBytesSent += seglen;
    }
    fwd.pushBytesSent >>>= 0;
    ta.exists = true;
    ta.pushBytesSent = fwd.pushBytesSent;
  }
}
