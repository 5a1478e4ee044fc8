// Data for the connection graphs, per direction (c2s: segments the client sent; s2c: the server's):
//   stevens     relative sequence number of each segment carrying data (or SYN/FIN) over time, and where
//               its sequence space ends (tcptrace draws each segment as a bar from one to the other)
//   acks        the other side's cumulative ACK of this direction's data at each of its ACKs, and ACK + the
//               window it advertised (tcptrace's ACK line and receive window line)
//   segments    the payload bytes of every segment (lab-sized connections: one point per segment)
//   throughput  payload bytes per second over a sliding window ending at each data segment
//   window      the receive window each side advertised (scaled, tcp.window_size) over time
//   rtt         tcp.analysis.ack_rtt of each ACK that acknowledged that direction's data, with the
//               RFC 6298 estimates: SRTT (α = 1/8) and RTTVAR (β = 1/4)
// x is seconds since the connection's first frame.
import type { FrameStore, StreamPoint } from './frame-store';
import type { StoreSeries, StoreSeriesKind, StoreSeriesMark, StoreSeriesMarkKind } from './types';
import { flagsOf } from './tcp-record';

const DIRS = ['c2s', 's2c'] as const;

export function connectionSeries(store: FrameStore, stream: number, kind: StoreSeriesKind): StoreSeries[] {
  const b = seriesBuilder(store, stream, kind);
  if (!b) return [];
  const points = store.streamPoints(stream);
  b.add(points, 0, points.length);
  return b.finish();
}

/**
 * A connection's series of one kind, made point by point: `add` takes the stream's points (store.streamPoints)
 * a part at a time, in order, and `finish` gives the series. A connection of half a million frames is made
 * in parts that take turns with other work (the back end's slicer); the values are those connectionSeries
 * gives, made by the same steps. Null when there is no such stream.
 */
export interface SeriesBuilder {
  add(points: readonly StreamPoint[], from: number, to: number): void;
  finish(): StoreSeries[];
}

/**
 * `last` (null: all): the connection made only of its frames up to that one, as a capture that stopped
 * there would give it (the caller adds only their points; null when the connection begins after it).
 */
export function seriesBuilder(store: FrameStore, stream: number, kind: StoreSeriesKind, last: number | null = null): SeriesBuilder | null {
  const c = store.connection(stream);
  if (!c || (last !== null && c.firstFrame > last)) return null;
  const t0 = c.start;
  const series = DIRS.map((d) => empty(kind, stream, d));
  // The window is the connection's as far as it is made: up to `last`, nothing after it counts (a lesson's
  // gate: the whole connection's length would say how long the capture goes on past the open question).
  const window = throughputWindow(last === null || c.lastFrame <= last ? c.duration : store.timeOf(lastFrameUpTo(store.streamFrames(stream), last)) - t0);
  const steps = series.map((s, dir) => {
    switch (kind) {
      case 'stevens': return stevensStep(s, dir, t0);
      case 'acks': return acksStep(s, dir, t0);
      case 'segments': return segmentsStep(s, dir, t0);
      case 'throughput': return throughputStep(s, dir, t0, window);
      case 'window': return windowStep(s, dir, t0);
      case 'rtt': return rttStep(store, s, dir, t0);
    }
  });
  return {
    // One direction's points, then the other's, as each series was made from all the points in turn.
    add: (points, from, to) => {
      for (const step of steps) for (let i = from; i < to; i++) step(points[i]);
    },
    finish: () => {
      if (kind === 'rtt') for (const s of series) finishRtt(s);
      return series;
    },
  };
}

/** The last of a stream's frames (in increasing order) that is not after `last`. */
function lastFrameUpTo(frames: ArrayLike<number>, last: number): number {
  let lo = 0, hi = frames.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (frames[mid] <= last) lo = mid + 1; else hi = mid;
  }
  return frames[Math.max(0, lo - 1)];
}

/** Makes a series from every point in turn (the one-go form of each kind, for tests and the builder). */
function all(points: readonly StreamPoint[], s: StoreSeries, step: (p: StreamPoint) => void): StoreSeries {
  for (const p of points) step(p);
  return s;
}

const empty = (kind: StoreSeriesKind, stream: number, direction: 'c2s' | 's2c'): StoreSeries => ({ kind, stream, direction, x: [], y: [], frames: [] });

/** The mark a segment's analysis flags give its point, if any (a retransmission first). */
function markOf(analysis: number): StoreSeriesMarkKind | null {
  if (!analysis) return null;
  const f = flagsOf(analysis);
  if (f.some((x) => x === 'retransmission' || x === 'fast_retransmission' || x === 'spurious_retransmission')) return 'retransmission';
  if (f.includes('duplicate_ack')) return 'duplicate_ack';
  if (f.includes('zero_window')) return 'zero_window';
  return null;
}

/** Adds a point (and its mark). */
function push(s: StoreSeries, p: StreamPoint, t0: number, y: number): void {
  const m = markOf(p.analysis);
  if (m) (s.marks ??= []).push({ index: s.x.length, kind: m } satisfies StoreSeriesMark);
  s.x.push(p.time - t0);
  s.y.push(y);
  s.frames.push(p.frame);
}

export function stevens(points: readonly StreamPoint[], dir: number, t0: number, stream: number, direction: 'c2s' | 's2c'): StoreSeries {
  const s = empty('stevens', stream, direction);
  return all(points, s, stevensStep(s, dir, t0));
}

function stevensStep(s: StoreSeries, dir: number, t0: number): (p: StreamPoint) => void {
  const upper: number[] = (s.upper = []);
  return (p) => {
    if (p.direction !== dir || (p.len === 0 && !(p.tcpFlags & 0x3))) return;
    push(s, p, t0, p.seq);
    upper.push(p.seq + p.len + (p.tcpFlags & 0x3 ? 1 : 0));
  };
}

/** The other side's ACKs of this direction's data: ack (relative, in this direction's sequence space) and ack + window. */
export function acks(points: readonly StreamPoint[], dir: number, t0: number, stream: number, direction: 'c2s' | 's2c'): StoreSeries {
  const s = empty('acks', stream, direction);
  return all(points, s, acksStep(s, dir, t0));
}

function acksStep(s: StoreSeries, dir: number, t0: number): (p: StreamPoint) => void {
  const upper: number[] = (s.upper = []);
  return (p) => {
    if (p.direction === dir || !(p.tcpFlags & 0x10) || (p.tcpFlags & 0x4)) return;
    push(s, p, t0, p.ack);
    upper.push(p.ack + p.windowSize);
  };
}

/** Every segment of this direction with its payload length (an ACK is 0 bytes). */
export function segments(points: readonly StreamPoint[], dir: number, t0: number, stream: number, direction: 'c2s' | 's2c'): StoreSeries {
  const s = empty('segments', stream, direction);
  return all(points, s, segmentsStep(s, dir, t0));
}

function segmentsStep(s: StoreSeries, dir: number, t0: number): (p: StreamPoint) => void {
  return (p) => { if (p.direction === dir) push(s, p, t0, p.len); };
}

/** Sliding window for throughput: a twentieth of the connection, between 1 ms and 1 s. */
export function throughputWindow(duration: number): number {
  return Math.min(1, Math.max(0.001, duration / 20));
}

export function throughput(points: readonly StreamPoint[], dir: number, t0: number, stream: number, direction: 'c2s' | 's2c', window: number): StoreSeries {
  const s = empty('throughput', stream, direction);
  return all(points, s, throughputStep(s, dir, t0, window));
}

function throughputStep(s: StoreSeries, dir: number, t0: number, window: number): (p: StreamPoint) => void {
  const data: StreamPoint[] = [];
  let lo = 0, sum = 0;
  return (p) => {
    if (p.direction !== dir || !(p.len > 0)) return;
    data.push(p);
    sum += p.len;
    // Keep segments with time in (t − window, t].
    while (data[lo].time <= p.time - window) sum -= data[lo++].len;
    s.x.push(p.time - t0);
    s.y.push(sum / window);
    s.frames.push(p.frame);
  };
}

export function windowSeries(points: readonly StreamPoint[], dir: number, t0: number, stream: number, direction: 'c2s' | 's2c'): StoreSeries {
  const s = empty('window', stream, direction);
  return all(points, s, windowStep(s, dir, t0));
}

function windowStep(s: StoreSeries, dir: number, t0: number): (p: StreamPoint) => void {
  return (p) => {
    if (p.direction !== dir || (p.tcpFlags & 0x4)) return; // a RST's window means nothing
    push(s, p, t0, p.windowSize);
  };
}

/** RFC 6298 §2: the first sample R sets SRTT = R, RTTVAR = R/2; then RTTVAR ← ¾·RTTVAR + ¼·|SRTT − R|, SRTT ← ⅞·SRTT + ⅛·R. */
export function rfc6298(samples: readonly number[]): { srtt: number[]; rttvar: number[] } {
  const srtt: number[] = [], rttvar: number[] = [];
  let s = 0, v = 0;
  samples.forEach((r, i) => {
    if (i === 0) { s = r; v = r / 2; } else { v = 0.75 * v + 0.25 * Math.abs(s - r); s = 0.875 * s + 0.125 * r; }
    srtt.push(s);
    rttvar.push(v);
  });
  return { srtt, rttvar };
}

/** Samples for this direction's data come from the other side's ACKs. */
function rttStep(store: FrameStore, s: StoreSeries, dir: number, t0: number): (p: StreamPoint) => void {
  return (p) => {
    if (p.direction === dir || !(p.tcpFlags & 0x10)) return;
    const a = store.record(p.frame).analysis;
    if (a.ackRtt === undefined) return;
    s.x.push(p.time - t0);
    s.y.push(a.ackRtt);
    s.frames.push(p.frame);
  };
}

/** The RFC 6298 estimates over the samples, once they are all there. */
function finishRtt(s: StoreSeries): void {
  const { srtt, rttvar } = rfc6298(s.y);
  s.smoothed = srtt;
  s.variation = rttvar;
}
