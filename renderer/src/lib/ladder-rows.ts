// Where things go down the ladder: one row per segment, and, for an experiment, a short row per socket call
// just before the segment it made its program send (calls that send nothing sit where their time puts them).
// Or, in the time-proportional mode, every segment and call at its time. Shared by the view and the export.
import type { ExperimentEvent } from '../../../main/api/types';

export type LadderMode = 'rows' | 'time';

/** A call placed on the ladder: before segment `before` (0..total; total = after the last). */
export interface PlacedCall { event: ExperimentEvent; before: number }

/** Height of a call's row in the rows mode; of the TIME_WAIT countdown drawn after the last segment. */
export const CALL_H = 30;
export const TIME_WAIT_H = 190;

/**
 * Places each call: a call that sent a frame goes just before that frame's segment; any other by its time
 * among the segments, and never before a call made earlier (the order of the calls is the programs' order).
 * `offset` turns a segment's time (seconds since the capture began) into the calls' clock (epoch seconds).
 */
export function placeCalls(events: readonly ExperimentEvent[], frames: readonly number[], times: readonly number[], offset: number | null): PlacedCall[] {
  const sorted = [...events].sort((a, b) => a.seq - b.seq);
  const indexOf = new Map(frames.map((f, i) => [f, i]));
  const anchor = sorted.map((e) => (e.frame !== null ? indexOf.get(e.frame) ?? null : null));
  const out: PlacedCall[] = [];
  let last = 0;
  sorted.forEach((e, k) => {
    let before: number;
    if (anchor[k] !== null) before = anchor[k]!;
    else {
      // By time: after every segment sent before the call (the segments' times are on the capture's clock).
      before = offset === null ? frames.length : times.findIndex((t) => t + offset > e.time);
      if (before < 0) before = frames.length;
      // Not past a later call's own segment.
      const next = anchor.slice(k + 1).find((a) => a !== null);
      if (next !== undefined && next !== null) before = Math.min(before, next);
    }
    before = Math.max(before, last);
    last = before;
    out.push({ event: e, before });
  });
  return out;
}

/**
 * The calls' clock minus the segments' (epoch seconds of the capture's start). A call is stamped before the
 * frame it sends, so each call tied to a frame bounds the offset from below; the tightest bound is the call
 * closest to its frame (a send: the segment leaves within the call), so the largest is taken.
 */
export function clockOffset(events: readonly ExperimentEvent[], frames: readonly number[], times: readonly number[]): number | null {
  let best: number | null = null;
  for (const e of events) {
    if (e.frame === null) continue;
    const i = frames.indexOf(e.frame);
    if (i >= 0) best = Math.max(best ?? -Infinity, e.time - times[i]);
  }
  return best;
}

export interface RowsModel {
  mode: LadderMode;
  /** y of segment i's row top (its arrow starts the layout's arrowDy below). */
  segmentTop(i: number): number;
  /** y of a placed call's row (top). */
  callTop(k: number): number;
  /** Segments in [top, bottom) (with overscan), as [first, last]. */
  visible(top: number, bottom: number, overscan?: number): [number, number];
  /** Where the segments (and calls) end: the TIME_WAIT countdown starts below. */
  end: number;
  height: number;
}


/** One row per segment, a shorter one per call. */
export function rowsModel(total: number, calls: readonly PlacedCall[], top: number, rowH: number, extra: number): RowsModel {
  // before[] is non-decreasing: calls before segment i = first index with before > i… counted by binary search.
  const befores = calls.map((c) => c.before);
  const callsBefore = (i: number): number => upperBound(befores, i);
  const segmentTop = (i: number): number => top + i * rowH + callsBefore(i) * CALL_H;
  const end = top + total * rowH + calls.length * CALL_H;
  return {
    mode: 'rows',
    segmentTop,
    callTop: (k) => top + calls[k].before * rowH + k * CALL_H,
    visible: (a, b, overscan = 6) => {
      if (!total) return [0, -1];
      const first = lowerBoundBy(total, (i) => segmentTop(i) + rowH > a);
      const last = lowerBoundBy(total, (i) => segmentTop(i) >= b) - 1;
      return [Math.max(0, first - overscan), Math.min(total - 1, last + overscan)];
    },
    end,
    height: end + extra + 40,
  };
}

/** Every segment and call at its time: `pxPerSecond` apart per second. */
export function timeModel(times: readonly number[], calls: readonly PlacedCall[], offset: number | null, top: number, pxPerSecond: number, extra: number, arrowDy: number): RowsModel {
  const callTimes = calls.map((c) => (offset === null ? null : c.event.time - offset));
  const all = [...times, ...callTimes.filter((t): t is number => t !== null)];
  const t0 = all.length ? Math.min(...all) : 0;
  const y = (t: number): number => top + (t - t0) * pxPerSecond;
  const segmentTop = (i: number): number => y(times[i]) - arrowDy;
  const lastT = all.length ? Math.max(...all) : 0;
  const end = y(lastT) + 40;
  return {
    mode: 'time',
    segmentTop,
    // A call without a known clock (no call tied to a frame) sits just before the segment it is placed before.
    callTop: (k) => (callTimes[k] !== null ? y(callTimes[k]!) - CALL_H / 2 : segmentTop(Math.min(calls[k].before, times.length - 1)) - CALL_H),
    visible: (a, b, overscan = 6) => {
      if (!times.length) return [0, -1];
      const first = lowerBoundBy(times.length, (i) => segmentTop(i) + 50 > a);
      const last = lowerBoundBy(times.length, (i) => segmentTop(i) >= b) - 1;
      return [Math.max(0, first - overscan), Math.min(times.length - 1, last + overscan)];
    },
    end,
    height: end + extra + 40,
  };
}

/** The scale that fits the segments' time span into `room` pixels (at least one pixel per millisecond). */
export function fitScale(times: readonly number[], callTimes: readonly number[], room: number): number {
  const all = [...times, ...callTimes];
  if (all.length < 2) return 1000;
  const span = Math.max(...all) - Math.min(...all);
  return span > 0 ? Math.max(room / span, 1) : 1000;
}

/** First i in [0, n) with pred(i) true (pred monotone false→true); n when none. */
function lowerBoundBy(n: number, pred: (i: number) => boolean): number {
  let lo = 0, hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (pred(mid)) hi = mid; else lo = mid + 1;
  }
  return lo;
}

/** Number of values ≤ x in a sorted array. */
function upperBound(sorted: readonly number[], x: number): number {
  return lowerBoundBy(sorted.length, (i) => sorted[i] > x);
}

/**
 * Which of a list of y positions (ascending) may show their text: those at least `gap` from every other one
 * shown. `forced` ones (the current segment) are always shown and the others make way for them; the rest
 * keep their mark and say their text on hover and to screen readers.
 */
export function roomyLabels(ys: readonly number[], gap: number, forced: readonly boolean[] = []): boolean[] {
  const fixed = ys.filter((_, i) => forced[i]);
  const clear = (y: number): boolean => fixed.every((f) => Math.abs(f - y) >= gap);
  let lastShown = -Infinity;
  return ys.map((y, i) => {
    if (forced[i]) { lastShown = y; return true; }
    if (y - lastShown >= gap && clear(y)) { lastShown = y; return true; }
    return false;
  });
}
