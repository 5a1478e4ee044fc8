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
  const c = store.connection(stream);
  if (!c) return [];
  const points = store.streamPoints(stream);
  const t0 = c.start;
  switch (kind) {
    case 'stevens': return DIRS.map((d, i) => stevens(points, i, t0, stream, d));
    case 'acks': return DIRS.map((d, i) => acks(points, i, t0, stream, d));
    case 'segments': return DIRS.map((d, i) => segments(points, i, t0, stream, d));
    case 'throughput': return DIRS.map((d, i) => throughput(points, i, t0, stream, d, throughputWindow(c.duration)));
    case 'window': return DIRS.map((d, i) => windowSeries(points, i, t0, stream, d));
    case 'rtt': return DIRS.map((d, i) => rttSeries(store, points, i, t0, stream, d));
  }
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
  s.upper = [];
  for (const p of points) {
    if (p.direction !== dir || (p.len === 0 && !(p.tcpFlags & 0x3))) continue;
    push(s, p, t0, p.seq);
    s.upper.push(p.seq + p.len + (p.tcpFlags & 0x3 ? 1 : 0));
  }
  return s;
}

/** The other side's ACKs of this direction's data: ack (relative, in this direction's sequence space) and ack + window. */
export function acks(points: readonly StreamPoint[], dir: number, t0: number, stream: number, direction: 'c2s' | 's2c'): StoreSeries {
  const s = empty('acks', stream, direction);
  s.upper = [];
  for (const p of points) {
    if (p.direction === dir || !(p.tcpFlags & 0x10) || (p.tcpFlags & 0x4)) continue;
    push(s, p, t0, p.ack);
    s.upper.push(p.ack + p.windowSize);
  }
  return s;
}

/** Every segment of this direction with its payload length (an ACK is 0 bytes). */
export function segments(points: readonly StreamPoint[], dir: number, t0: number, stream: number, direction: 'c2s' | 's2c'): StoreSeries {
  const s = empty('segments', stream, direction);
  for (const p of points) if (p.direction === dir) push(s, p, t0, p.len);
  return s;
}

/** Sliding window for throughput: a twentieth of the connection, between 1 ms and 1 s. */
export function throughputWindow(duration: number): number {
  return Math.min(1, Math.max(0.001, duration / 20));
}

export function throughput(points: readonly StreamPoint[], dir: number, t0: number, stream: number, direction: 'c2s' | 's2c', window: number): StoreSeries {
  const s = empty('throughput', stream, direction);
  const data = points.filter((p) => p.direction === dir && p.len > 0);
  let lo = 0, sum = 0;
  for (let i = 0; i < data.length; i++) {
    const p = data[i];
    sum += p.len;
    // Keep segments with time in (t − window, t].
    while (data[lo].time <= p.time - window) sum -= data[lo++].len;
    s.x.push(p.time - t0);
    s.y.push(sum / window);
    s.frames.push(p.frame);
  }
  return s;
}

export function windowSeries(points: readonly StreamPoint[], dir: number, t0: number, stream: number, direction: 'c2s' | 's2c'): StoreSeries {
  const s = empty('window', stream, direction);
  for (const p of points) {
    if (p.direction !== dir || (p.tcpFlags & 0x4)) continue; // a RST's window means nothing
    push(s, p, t0, p.windowSize);
  }
  return s;
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

function rttSeries(store: FrameStore, points: readonly StreamPoint[], dir: number, t0: number, stream: number, direction: 'c2s' | 's2c'): StoreSeries {
  const s = empty('rtt', stream, direction);
  // Samples for this direction's data come from the other side's ACKs.
  for (const p of points) {
    if (p.direction === dir || !(p.tcpFlags & 0x10)) continue;
    const a = store.record(p.frame).analysis;
    if (a.ackRtt === undefined) continue;
    s.x.push(p.time - t0);
    s.y.push(a.ackRtt);
    s.frames.push(p.frame);
  }
  const { srtt, rttvar } = rfc6298(s.y);
  s.smoothed = srtt;
  s.variation = rttvar;
  return s;
}
