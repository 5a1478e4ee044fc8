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
import { ChunkedArray } from '../chunked';

export interface ConversationRow {
  stream: number;
  /**
   * The client ("ip:port", "[ipv6]:port"): the first SYN's sender, or the SYN-ACK's receiver when the capture
   * starts there, or else the first sender (tshark's conv,tcp puts the first frame's sender first).
   */
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

/**
 * Per-stream counts, by the tracker's stream number, in typed columns (U_* in `u`, F_* in `f`): an
 * object per connection cost about 150 bytes and one more heap object for the collector to copy and
 * promote, tens of thousands of times.
 */
const U_STRIDE = 8;
const U_FRAMES_AB = 0, U_FRAMES_BA = 1, U_FIRST = 2, U_LAST = 3, U_RETRANS = 4, U_A_PORT = 5, U_B_PORT = 6, U_RTT_BY = 7;
const F_STRIDE = 5;
const F_BYTES_AB = 0, F_BYTES_BA = 1, F_RTT_NS = 2, F_T_FIRST = 3, F_T_LAST = 4;
/** U_RTT_BY: whether the initial RTT is unknown, was set by the handshake (the client's ACK), or by another segment. */
const RTT_UNKNOWN = 0, RTT_HANDSHAKE = 1, RTT_OTHER = 2;

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
  /** Counts (frames, frame numbers, ports: U_*) and doubles (bytes, RTT, times in seconds: F_*) per stream. */
  /** Empty until the first stream is counted (a field reassigned only later deoptimizes its readers: see Clocks). */
  private u = new Uint32Array(0);
  private f = new Float64Array(0);
  /** The client's and the server's address per stream, at 2 × stream and 2 × stream + 1 ('' before its first counted frame). */
  private readonly addrs = new ChunkedArray('');
  /** Streams counted so far. */
  private counted = 0;
  private frames = 0;
  /** The fast path's segment, refilled for every frame (the trackers keep nothing of it). */
  private readonly seg = emptySegment();
  /** Fast-path segments held back to be analysed connection by connection (see SegmentWindow). */
  private readonly held: SegmentWindow;
  /**
   * The frame that created each stream, by the tracker's stream number (its creation order, see rows()),
   * in created[0, createdCount[0]): typed, off the heap (a number array's copies at each growth were
   * garbage the collector promoted). Replaced at once in the constructor (see Clocks in tcp/conversation.ts).
   */
  private created = new Uint32Array(0);
  private readonly createdCount = new Int32Array(1);
  /** Frames that needed the full dissector (for the curious and the bench). */
  fallbacks = 0;

  /** `window`: how many segments are held back at most (1: analysed in frame order, as they come). */
  constructor({ window }: { window?: number } = {}) {
    this.held = new SegmentWindow(window);
    this.created = new Uint32Array(1024);
    // Finished connections are parked as numbers until a late segment brings them back.
    this.session.tcp.parkFinished();
    this.session.states.parkFinished();
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
      this.session.tcp.parkIfFinished();
      return;
    }
    // The common case: held back, then the tracker's analysis without building the per-frame view.
    fast.time = time;
    this.held.push(fast, raw.len);
    if (this.held.full) this.flush();
  }

  /** Analyses and counts every segment held back. */
  private flush(): void {
    // Every frame before the current one is analysed at the end (the current one may be waiting for the
    // dissector); the connections of a bucket drained have no segment before the next window, so those
    // that finished are parked as each bucket ends, and their objects reused within the window.
    const states = this.session.states, frames = this.frames - 1;
    this.held.drain(this.seg, this.analyzeHeld, () => states.parkSettled(frames, true));
    states.parkSettled(frames);
  }

  private readonly analyzeHeld = (seg: TcpSegment, bytes: number): void => {
    const { tcp, states } = this.session;
    const conv = tcp.step(seg);
    tcp.finish(seg);
    this.noteCreated(seg.frame);
    const direction = tcp.lastDirection;
    states.advance(seg, conv.stream, direction);
    this.count(seg, conv.stream, direction, (tcp.analysisBits & RETRANSMITTED) !== 0, conv.firstRtt, bytes, seg.frame);
    tcp.parkIfFinished();
  };

  /** Records frame `n` as the creator of the streams the tracker has created since the last call. */
  private noteCreated(n: number): void {
    const count = this.session.tcp.streamCount;
    let k = this.createdCount[0];
    if (k >= count) return;
    if (count > this.created.length) {
      const grown = new Uint32Array(Math.max(count, this.created.length * 2));
      grown.set(this.created);
      this.created = grown;
    }
    const created = this.created;
    while (k < count) created[k++] = n;
    this.createdCount[0] = k;
  }

  /**
   * Counts a frame of `stream` at `seg.time`; `rttNs` is the initial RTT in integer ns, 0 while unknown.
   * (No time or RTT in seconds passed: a double passed to a call V8 does not inline is boxed, every frame.)
   */
  private count(seg: TcpSegment, stream: number, direction: 0 | 1, retrans: boolean, rttNs: number, bytes: number, n: number): void {
    const time = seg.time;
    if (stream >= this.counted) this.room(stream + 1);
    const u = this.u, f = this.f;
    const o = stream * U_STRIDE, p = stream * F_STRIDE;
    if (u[o + U_FIRST] === 0) {
      const fromClient = direction === 0;
      this.addrs.set(2 * stream, fromClient ? seg.src : seg.dst);
      this.addrs.set(2 * stream + 1, fromClient ? seg.dst : seg.src);
      u[o + U_A_PORT] = fromClient ? seg.srcPort : seg.dstPort;
      u[o + U_B_PORT] = fromClient ? seg.dstPort : seg.srcPort;
      u[o + U_FIRST] = n;
      f[p + F_T_FIRST] = time;
      f[p + F_T_LAST] = time;
    }
    if (direction === 0) { u[o + U_FRAMES_AB]++; f[p + F_BYTES_AB] += bytes; } else { u[o + U_FRAMES_BA]++; f[p + F_BYTES_BA] += bytes; }
    // As tshark's conversation table: the earliest and latest times seen (a capture's clock can step back).
    if (time < f[p + F_T_FIRST]) f[p + F_T_FIRST] = time;
    if (time > f[p + F_T_LAST]) f[p + F_T_LAST] = time;
    u[o + U_LAST] = n;
    // The frame where tshark's initial_rtt appears ends the handshake only if it is the client's ACK.
    if (u[o + U_RTT_BY] === RTT_UNKNOWN && rttNs !== 0) {
      f[p + F_RTT_NS] = rttNs;
      u[o + U_RTT_BY] = direction === 0 && !(seg.flags & TCP_RST) ? RTT_HANDSHAKE : RTT_OTHER;
    }
    if (retrans) u[o + U_RETRANS]++;
  }

  /** Columns for streams below `streams` (new ones zero: not counted yet). */
  private room(streams: number): void {
    this.counted = streams;
    if (streams * U_STRIDE <= this.u.length) return;
    const size = Math.max(streams, 1024, (this.u.length / U_STRIDE) * 2);
    const u = new Uint32Array(size * U_STRIDE), f = new Float64Array(size * F_STRIDE);
    u.set(this.u);
    f.set(this.f);
    this.u = u;
    this.f = f;
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
   * `reuse`: one row object (and its states) is refilled for every row, for a writer that keeps nothing
   * of a row once `fn` returns.
   */
  eachRow(fn: (row: ConversationRow) => void, reuse = false): void {
    const { number, streams } = this.ordered();
    const u = this.u, f = this.f, addrs = this.addrs;
    let shared: ConversationRow | null = null;
    for (let k = 0; k < streams.length; k++) {
      const s = streams[k], o = s * U_STRIDE, p = s * F_STRIDE;
      const r: ConversationRow = shared ?? {
        stream: 0, a: '', b: '', framesAB: 0, bytesAB: 0, framesBA: 0, bytesBA: 0, frames: 0, bytes: 0,
        start: 0, duration: 0, states: { a: '', b: '' }, handshakeRtt: null, retransmissions: 0, firstFrame: 0, lastFrame: 0,
      };
      if (reuse) shared = r;
      const framesAB = u[o + U_FRAMES_AB], framesBA = u[o + U_FRAMES_BA];
      const bytesAB = f[p + F_BYTES_AB], bytesBA = f[p + F_BYTES_BA];
      r.stream = number[s];
      r.a = endpoint(addrs.get(2 * s), u[o + U_A_PORT]);
      r.b = endpoint(addrs.get(2 * s + 1), u[o + U_B_PORT]);
      r.framesAB = framesAB;
      r.bytesAB = bytesAB;
      r.framesBA = framesBA;
      r.bytesBA = bytesBA;
      r.frames = framesAB + framesBA;
      r.bytes = bytesAB + bytesBA;
      r.start = f[p + F_T_FIRST];
      r.duration = f[p + F_T_LAST] - f[p + F_T_FIRST];
      this.finalStates(s, r.states);
      r.handshakeRtt = u[o + U_RTT_BY] === RTT_HANDSHAKE ? f[p + F_RTT_NS] / 1e9 : null;
      r.retransmissions = u[o + U_RETRANS];
      r.firstFrame = u[o + U_FIRST];
      r.lastFrame = u[o + U_LAST];
      fn(r);
    }
  }

  /** Streams' numbers (by the tracker's) and the counted streams in order of first frame; kept until the next frame. */
  private order: { number: Int32Array; streams: Int32Array | number[] } | null = null;

  private ordered(): { number: Int32Array; streams: Int32Array | number[] } {
    this.flush();
    if (this.order) return this.order;
    const created = this.created, streamCount = this.createdCount[0];
    const number = new Int32Array(streamCount);
    orderBy(streamCount, (s) => created[s]).forEach((local, stream) => { number[local] = stream; });
    const u = this.u;
    const counted: number[] = [];
    for (let s = 0; s < this.counted; s++) if (u[s * U_STRIDE + U_FIRST] !== 0) counted.push(s);
    const streams = Array.from(orderBy(counted.length, (k) => u[counted[k] * U_STRIDE + U_FIRST]), (k) => counted[k]);
    return (this.order = { number, streams });
  }

  /** Both endpoints' states after the last segment of the stream (a segment not counted still moves them). */
  private finalStates(stream: number, into: { a: string; b: string }): void {
    const s = this.session.states.statesOf(stream);
    into.a = s ? s.client : 'CLOSED';
    into.b = s ? s.server : 'CLOSED';
  }

  /**
   * Connections parked so far (finished: see TcpTracker.parkFinished, StateTracker.parkFinished), and
   * brought back by a late segment: the tracker's flows and the endpoints' sides, counted apart.
   */
  get parking(): { flows: { parked: number; unparked: number }; sides: { parked: number; unparked: number } } {
    const { tcp, states } = this.session;
    return { flows: { parked: tcp.parked, unparked: tcp.unparked }, sides: { parked: states.parked, unparked: states.unparked } };
  }

  get frameCount(): number {
    return this.frames;
  }
}
