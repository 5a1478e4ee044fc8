// Data for the connection graphs, per direction (c2s: segments the client sent; s2c: the server's):
//   stevens     relative sequence number of each segment carrying data (or SYN/FIN) over time
//   throughput  payload bytes per second over a sliding window ending at each data segment
//   window      the receive window each side advertised (scaled, tcp.window_size) over time
//   rtt         tcp.analysis.ack_rtt of each ACK that acknowledged that direction's data, with the
//               RFC 6298 estimates: SRTT (α = 1/8) and RTTVAR (β = 1/4)
// x is seconds since the connection's first frame.
import type { FrameStore, StreamPoint } from './frame-store';
import type { StoreSeries, StoreSeriesKind } from './types';

const DIRS = ['c2s', 's2c'] as const;

export function connectionSeries(store: FrameStore, stream: number, kind: StoreSeriesKind): StoreSeries[] {
  const c = store.connection(stream);
  if (!c) return [];
  const points = store.streamPoints(stream);
  const t0 = c.start;
  switch (kind) {
    case 'stevens': return DIRS.map((d, i) => stevens(points, i, t0, stream, d));
    case 'throughput': return DIRS.map((d, i) => throughput(points, i, t0, stream, d, throughputWindow(c.duration)));
    case 'window': return DIRS.map((d, i) => windowSeries(points, i, t0, stream, d));
    case 'rtt': return DIRS.map((d, i) => rttSeries(store, points, i, t0, stream, d));
  }
}

const empty = (kind: StoreSeriesKind, stream: number, direction: 'c2s' | 's2c'): StoreSeries => ({ kind, stream, direction, x: [], y: [], frames: [] });

export function stevens(points: readonly StreamPoint[], dir: number, t0: number, stream: number, direction: 'c2s' | 's2c'): StoreSeries {
  const s = empty('stevens', stream, direction);
  for (const p of points) {
    if (p.direction !== dir || (p.len === 0 && !(p.tcpFlags & 0x3))) continue;
    s.x.push(p.time - t0);
    s.y.push(p.seq);
    s.frames.push(p.frame);
  }
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
    s.x.push(p.time - t0);
    s.y.push(p.windowSize);
    s.frames.push(p.frame);
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
