// Per-connection statistics, as `tshark -q -z conv,tcp` counts them (frames and bytes each way,
// relative start, duration), plus what tshark doesn't give: both endpoints' final states, the
// handshake RTT and the number of retransmissions. Memory grows with connections, never with frames.
import type { EndpointStates, RawFrame, TcpAnalysis, TcpSegment } from '../types';
import { captureTime, newSession, type Session } from '../session';
import { dissectFrame } from '../dissect/index';
import { fastSegment, FALLBACK, SKIP } from './fast-segment';

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
  a: string;
  b: string;
  framesAB: number; bytesAB: number; framesBA: number; bytesBA: number;
  first: number; last: number; firstFrame: number; lastFrame: number;
  states: EndpointStates;
  rtt: number | null;
  retrans: number;
}

const endpoint = (addr: string, port: number) => (addr.includes(':') ? `[${addr}]:${port}` : `${addr}:${port}`);

export class ConversationStats {
  private readonly session: Session = newSession();
  private readonly convs: Acc[] = [];
  private frames = 0;
  /** Frames that needed the full dissector (for the curious and the bench). */
  fallbacks = 0;

  add(raw: RawFrame): void {
    const n = ++this.frames;
    // Seconds since the capture's first frame (any frame, as tshark's relative start).
    const time = captureTime(this.session, raw);
    const fast = fastSegment(raw, n, time);
    if (fast === SKIP) return;
    let seg: TcpSegment;
    let analysis: TcpAnalysis;
    if (fast === FALLBACK) {
      this.fallbacks++;
      const r = dissectFrame(raw, n, this.session);
      if (!r.tcp) return;
      seg = r.tcp.segment;
      analysis = r.tcp.analysis;
      // tshark's conversation table counts only segments whose header was read to the end.
      if (!r.tapped) {
        this.session.states.onSegment(seg, analysis);
        return;
      }
    } else {
      seg = fast;
      analysis = this.session.tcp.analyze(seg);
      this.session.tcp.finish(seg);
    }
    const { states } = this.session.states.onSegment(seg, analysis);
    this.count(seg, analysis, states, raw.len, time, n);
  }

  private count(seg: TcpSegment, an: TcpAnalysis, states: EndpointStates, bytes: number, time: number, n: number): void {
    let c = this.convs[an.stream];
    if (!c) {
      const from = endpoint(seg.src, seg.srcPort), to = endpoint(seg.dst, seg.dstPort);
      c = {
        stream: an.stream,
        a: an.direction === 0 ? from : to,
        b: an.direction === 0 ? to : from,
        framesAB: 0, bytesAB: 0, framesBA: 0, bytesBA: 0,
        first: time, last: time, firstFrame: n, lastFrame: n,
        states, rtt: null, retrans: 0,
      };
      this.convs[an.stream] = c;
    }
    if (an.direction === 0) { c.framesAB++; c.bytesAB += bytes; } else { c.framesBA++; c.bytesBA += bytes; }
    // As tshark's conversation table: the earliest and latest times seen (a capture's clock can step back).
    if (time < c.first) c.first = time;
    if (time > c.last) c.last = time;
    c.lastFrame = n;
    c.states = states;
    if (c.rtt === null && an.initialRtt !== undefined) c.rtt = an.initialRtt;
    if (an.flags.length && an.flags.includes('retransmission')) c.retrans++;
  }

  /** One row per connection, in order of first frame. */
  rows(): ConversationRow[] {
    return this.convs
      .filter((c): c is Acc => c !== undefined)
      .sort((x, y) => x.firstFrame - y.firstFrame)
      .map((c) => ({
        stream: c.stream,
        a: c.a,
        b: c.b,
        framesAB: c.framesAB,
        bytesAB: c.bytesAB,
        framesBA: c.framesBA,
        bytesBA: c.bytesBA,
        frames: c.framesAB + c.framesBA,
        bytes: c.bytesAB + c.bytesBA,
        start: c.first,
        duration: c.last - c.first,
        states: { a: c.states.client, b: c.states.server },
        handshakeRtt: c.rtt,
        retransmissions: c.retrans,
        firstFrame: c.firstFrame,
        lastFrame: c.lastFrame,
      }));
  }

  get frameCount(): number {
    return this.frames;
  }
}
