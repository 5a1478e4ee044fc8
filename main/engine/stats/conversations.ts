// Per-connection statistics, as `tshark -q -z conv,tcp` counts them (frames and bytes each way,
// relative start, duration), plus what tshark doesn't give: both endpoints' final states, the
// handshake RTT and the number of retransmissions. Memory grows with connections, never with frames.
import type { RawFrame, TcpSegment } from '../types';
import { A_FAST_RETRANSMISSION, A_RETRANSMISSION, A_SPURIOUS_RETRANSMISSION } from '../tcp/sequence-analysis';
import { captureTime, newSession, type Session } from '../session';
import { dissectFrame } from '../dissect/index';
import { emptySegment, fastSegment, FALLBACK, SKIP } from './fast-segment';

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
  /** tcp.analysis.initial_rtt in seconds, or null when the handshake wasn't seen. */
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
  first: number; last: number; firstFrame: number; lastFrame: number;
  rtt: number | null;
  retrans: number;
}

const endpoint = (addr: string, port: number) => (addr.includes(':') ? `[${addr}]:${port}` : `${addr}:${port}`);
/** Segments tcp.analysis.retransmission marks (fast and spurious retransmissions raise it too). */
const RETRANSMITTED = A_RETRANSMISSION | A_FAST_RETRANSMISSION | A_SPURIOUS_RETRANSMISSION;

export class ConversationStats {
  private readonly session: Session = newSession();
  private readonly convs: Acc[] = [];
  private frames = 0;
  /** The fast path's segment, refilled for every frame (the trackers keep nothing of it). */
  private readonly seg = emptySegment();
  /** Frames that needed the full dissector (for the curious and the bench). */
  fallbacks = 0;

  add(raw: RawFrame): void {
    const n = ++this.frames;
    // Seconds since the capture's first frame (any frame, as tshark's relative start). Kept in a field
    // for count(): a double passed as an argument to a call V8 does not inline is boxed, every frame.
    const time = (this.time = captureTime(this.session, raw));
    const fast = fastSegment(raw, n, time, this.seg);
    if (fast === SKIP) return;
    const { tcp, states } = this.session;
    if (fast === FALLBACK) {
      this.fallbacks++;
      const r = dissectFrame(raw, n, this.session);
      if (!r.tcp) return;
      const { segment: seg, analysis: an } = r.tcp;
      states.advance(seg, an.stream, an.direction, null);
      // tshark's conversation table counts only segments whose header was read to the end.
      if (!r.tapped) return;
      const retrans = an.flags.length !== 0 && an.flags.includes('retransmission');
      this.count(seg, an.stream, an.direction, retrans, an.initialRtt === undefined ? 0 : Math.round(an.initialRtt * 1e9), raw.len, n);
      return;
    }
    // The common case: the tracker's analysis without building the per-frame view.
    const conv = tcp.step(fast);
    tcp.finish(fast);
    const direction = tcp.lastDirection;
    states.advance(fast, conv.stream, direction, null);
    this.count(fast, conv.stream, direction, (tcp.analysisBits & RETRANSMITTED) !== 0, conv.firstRtt, raw.len, n);
  }

  /** The current frame's time (see add). */
  private time = 0;

  /** Counts a frame of `stream`; `rttNs` is the initial RTT in integer ns, 0 while unknown. */
  private count(seg: TcpSegment, stream: number, direction: 0 | 1, retrans: boolean, rttNs: number, bytes: number, n: number): void {
    const time = this.time;
    let c = this.convs[stream];
    if (!c) {
      const fromClient = direction === 0;
      c = {
        stream,
        aAddr: fromClient ? seg.src : seg.dst, aPort: fromClient ? seg.srcPort : seg.dstPort,
        bAddr: fromClient ? seg.dst : seg.src, bPort: fromClient ? seg.dstPort : seg.srcPort,
        framesAB: 0, bytesAB: 0, framesBA: 0, bytesBA: 0,
        first: time, last: time, firstFrame: n, lastFrame: n,
        rtt: null, retrans: 0,
      };
      this.convs[stream] = c;
    }
    if (direction === 0) { c.framesAB++; c.bytesAB += bytes; } else { c.framesBA++; c.bytesBA += bytes; }
    // As tshark's conversation table: the earliest and latest times seen (a capture's clock can step back).
    if (time < c.first) c.first = time;
    if (time > c.last) c.last = time;
    c.lastFrame = n;
    if (c.rtt === null && rttNs !== 0) c.rtt = rttNs / 1e9;
    if (retrans) c.retrans++;
  }

  /** One row per connection, in order of first frame. */
  rows(): ConversationRow[] {
    return this.convs
      .filter((c): c is Acc => c !== undefined)
      .sort((x, y) => x.firstFrame - y.firstFrame)
      .map((c) => ({
        stream: c.stream,
        a: endpoint(c.aAddr, c.aPort),
        b: endpoint(c.bAddr, c.bPort),
        framesAB: c.framesAB,
        bytesAB: c.bytesAB,
        framesBA: c.framesBA,
        bytesBA: c.bytesBA,
        frames: c.framesAB + c.framesBA,
        bytes: c.bytesAB + c.bytesBA,
        start: c.first,
        duration: c.last - c.first,
        states: this.finalStates(c.stream),
        handshakeRtt: c.rtt,
        retransmissions: c.retrans,
        firstFrame: c.firstFrame,
        lastFrame: c.lastFrame,
      }));
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
