// Per-connection statistics, as `tshark -q -z conv,tcp` counts them (frames and bytes each way,
// relative start, duration), plus what tshark doesn't give: both endpoints' final states, the
// handshake RTT and the number of retransmissions. Memory grows with connections, never with frames.
import type { RawFrame, TcpSegment } from '../types';
import { TCP_RST } from '../types';
import { A_FAST_RETRANSMISSION, A_RETRANSMISSION, A_SPURIOUS_RETRANSMISSION } from '../tcp/sequence-analysis';
import { captureTime, newSession, type Session } from '../session';
import { dissectFrame } from '../dissect/index';
import { emptySegment, fastSegment, FALLBACK, SKIP } from './fast-segment';
import { SegmentWindow } from './segment-window';

export interface ConversationRow {
  stream: number;
  /** The client ("ip:port", "[ipv6]:port"), the first SYN's sender or else the first sender. */
  a: string;
  b: string;
  framesAB: number;
  bytesAB: number;
  framesBA: number;
  bytesBA: number;
  frames: number;
  bytes: number;
  /** Seconds from the capture's first frame to the connection's first frame; duration in seconds. */
  start: number;
  duration: number;
  states: { a: string; b: string };
  /**
   * SYN to the client's ACK of the SYN-ACK in seconds (tcp.analysis.initial_rtt where the client's ACK set
   * it), or null when no handshake was seen. tshark also sets initial_rtt at a RST answering the SYN (a
   * refused connection): that is no handshake, so no RTT here.
   */
  handshakeRtt: number | null;
  retransmissions: number;
  firstFrame: number;
  lastFrame: number;
}

interface Acc {
  stream: number;
  /** The client's and the server's address and port (row strings are built only at the end). */
  aAddr: string; aPort: number;
  bAddr: string; bPort: number;
  framesAB: number; bytesAB: number; framesBA: number; bytesBA: number;
  firstFrame: number; lastFrame: number;
  /** The initial RTT in integer ns, 0 while unknown (as the tracker's), and whether a handshake set it (1) or not (2). */
  rttNs: number;
  rttBy: 0 | 1 | 2;
  retrans: number;
}

/**
 * Indices 0..n-1 in order of `key` (frame numbers), ties by index. Sorted natively as one number per
 * index (key · 2^21 + index, exact below 2^53), several times faster than a comparator on tens of
 * thousands of rows; past 2^21 rows, with a comparator.
 */
function orderBy(n: number, key: (i: number) => number): Int32Array | number[] {
  const SHIFT = 2 ** 21;
  if (n >= SHIFT) return Array.from({ length: n }, (_, i) => i).sort((x, y) => key(x) - key(y) || x - y);
  const packed = new Float64Array(n);
  for (let i = 0; i < n; i++) packed[i] = key(i) * SHIFT + i;
  packed.sort();
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = packed[i] % SHIFT;
  return out;
}

const endpoint = (addr: string, port: number) => (addr.includes(':') ? `[${addr}]:${port}` : `${addr}:${port}`);
/** Segments tcp.analysis.retransmission marks (fast and spurious retransmissions raise it too). */
const RETRANSMITTED = A_RETRANSMISSION | A_FAST_RETRANSMISSION | A_SPURIOUS_RETRANSMISSION;

export class ConversationStats {
  private readonly session: Session = newSession();
  private readonly convs: Acc[] = [];
  /**
   * Each stream's earliest and latest time in seconds, at 2 × stream and 2 × stream + 1: in one array
   * rather than as object fields, where each would be a boxed double, one more memory access a frame.
   */
  private times = new Float64Array(2048);
  private frames = 0;
  /** The fast path's segment, refilled for every frame (the trackers keep nothing of it). */
  private readonly seg = emptySegment();
  /** Fast-path segments held back to be analysed connection by connection (see SegmentWindow). */
  private readonly held: SegmentWindow;
  /** The frame that created each stream, by the tracker's stream number (its creation order, see rows()). */
  private readonly created: number[] = [];
  /** Frames that needed the full dissector (for the curious and the bench). */
  fallbacks = 0;

  /** `window`: how many segments are held back at most (1: analysed in frame order, as they come). */
  constructor({ window }: { window?: number } = {}) {
    this.held = new SegmentWindow(window);
  }

  add(raw: RawFrame): void {
    const n = ++this.frames;
    this.order = null;
    // Seconds since the capture's first frame (any frame, as tshark's relative start).
    const time = captureTime(this.session, raw);
    const fast = fastSegment(raw, n, this.seg);
    if (fast === SKIP) return;
    if (fast === FALLBACK) {
      this.fallbacks++;
      // The full dissector analyses this frame now: first every earlier segment held back.
      this.flush();
      const r = dissectFrame(raw, n, this.session);
      this.noteCreated(n);
      if (!r.tcp) return;
      const states = this.session.states;
      const { segment: seg, analysis: an } = r.tcp;
      states.advance(seg, an.stream, an.direction);
      // tshark's conversation table counts only segments whose header was read to the end.
      if (!r.tapped) return;
      const retrans = an.flags.length !== 0 && an.flags.includes('retransmission');
      this.count(seg, an.stream, an.direction, retrans, an.initialRtt === undefined ? 0 : Math.round(an.initialRtt * 1e9), raw.len, n);
      return;
    }
    // The common case: held back, then the tracker's analysis without building the per-frame view.
    fast.time = time;
    this.held.push(fast, raw.len);
    if (this.held.full) this.flush();
  }

  /** Analyses and counts every segment held back. */
  private flush(): void {
    this.held.drain(this.seg, this.analyzeHeld);
  }

  private readonly analyzeHeld = (seg: TcpSegment, bytes: number): void => {
    const { tcp, states } = this.session;
    const conv = tcp.step(seg);
    tcp.finish(seg);
    this.noteCreated(seg.frame);
    const direction = tcp.lastDirection;
    states.advance(seg, conv.stream, direction);
    this.count(seg, conv.stream, direction, (tcp.analysisBits & RETRANSMITTED) !== 0, conv.firstRtt, bytes, seg.frame);
  };

  /** Records frame `n` as the creator of the streams the tracker has created since the last call. */
  private noteCreated(n: number): void {
    const count = this.session.tcp.streamCount;
    while (this.created.length < count) this.created.push(n);
  }

  /**
   * Counts a frame of `stream` at `seg.time`; `rttNs` is the initial RTT in integer ns, 0 while unknown.
   * (No time or RTT in seconds passed: a double passed to a call V8 does not inline is boxed, every frame.)
   */
  private count(seg: TcpSegment, stream: number, direction: 0 | 1, retrans: boolean, rttNs: number, bytes: number, n: number): void {
    const time = seg.time;
    let c = this.convs[stream];
    if (!c) {
      const fromClient = direction === 0;
      c = {
        stream,
        aAddr: fromClient ? seg.src : seg.dst, aPort: fromClient ? seg.srcPort : seg.dstPort,
        bAddr: fromClient ? seg.dst : seg.src, bPort: fromClient ? seg.dstPort : seg.srcPort,
        framesAB: 0, bytesAB: 0, framesBA: 0, bytesBA: 0,
        firstFrame: n, lastFrame: n,
        rttNs: 0, rttBy: 0, retrans: 0,
      };
      this.convs[stream] = c;
      if (2 * stream + 1 >= this.times.length) {
        const grown = new Float64Array(Math.max(this.times.length * 2, 2 * stream + 2));
        grown.set(this.times);
        this.times = grown;
      }
      this.times[2 * stream] = time;
      this.times[2 * stream + 1] = time;
    }
    if (direction === 0) { c.framesAB++; c.bytesAB += bytes; } else { c.framesBA++; c.bytesBA += bytes; }
    // As tshark's conversation table: the earliest and latest times seen (a capture's clock can step back).
    const t = this.times;
    if (time < t[2 * stream]) t[2 * stream] = time;
    if (time > t[2 * stream + 1]) t[2 * stream + 1] = time;
    c.lastFrame = n;
    // The frame where tshark's initial_rtt appears ends the handshake only if it is the client's ACK.
    if (c.rttBy === 0 && rttNs !== 0) {
      c.rttNs = rttNs;
      c.rttBy = direction === 0 && !(seg.flags & TCP_RST) ? 1 : 2;
    }
    if (retrans) c.retrans++;
  }

  /**
   * One row per connection, in order of first frame. Streams are numbered as Wireshark numbers them,
   * in order of the frames that created them (the tracker, fed connection by connection, created them
   * in another order).
   */
  rows(): ConversationRow[] {
    const rows: ConversationRow[] = [];
    this.eachRow((r) => rows.push(r));
    return rows;
  }

  /**
   * The rows of rows(), made one at a time as `fn` takes them: a writer that keeps none lets each die
   * young, where tens of thousands held at once were copied and promoted by the garbage collector.
   */
  eachRow(fn: (row: ConversationRow) => void): void {
    const { number, convs } = this.ordered();
    for (const c of convs) {
      fn({
        stream: number[c.stream],
        a: endpoint(c.aAddr, c.aPort),
        b: endpoint(c.bAddr, c.bPort),
        framesAB: c.framesAB,
        bytesAB: c.bytesAB,
        framesBA: c.framesBA,
        bytesBA: c.bytesBA,
        frames: c.framesAB + c.framesBA,
        bytes: c.bytesAB + c.bytesBA,
        start: this.times[2 * c.stream],
        duration: this.times[2 * c.stream + 1] - this.times[2 * c.stream],
        states: this.finalStates(c.stream),
        handshakeRtt: c.rttBy === 1 ? c.rttNs / 1e9 : null,
        retransmissions: c.retrans,
        firstFrame: c.firstFrame,
        lastFrame: c.lastFrame,
      });
    }
  }

  /** Streams' numbers (by the tracker's) and connections in order of first frame; kept until the next frame. */
  private order: { number: Int32Array; convs: Acc[] } | null = null;

  private ordered(): { number: Int32Array; convs: Acc[] } {
    this.flush();
    if (this.order) return this.order;
    const created = this.created;
    const number = new Int32Array(created.length);
    orderBy(created.length, (s) => created[s]).forEach((local, stream) => { number[local] = stream; });
    const all = this.convs.filter((c): c is Acc => c !== undefined);
    const convs = Array.from(orderBy(all.length, (k) => all[k].firstFrame), (k) => all[k]);
    return (this.order = { number, convs });
  }

  /** Both endpoints' states after the last segment of the stream (a segment not counted still moves them). */
  private finalStates(stream: number): { a: string; b: string } {
    const s = this.session.states.statesOf(stream);
    return s ? { a: s.client, b: s.server } : { a: 'CLOSED', b: 'CLOSED' };
  }

  get frameCount(): number {
    return this.frames;
  }
}
