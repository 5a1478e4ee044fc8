// Everything the ladder needs to know before drawing: where each segment and call goes (rows or time), which
// labels have room in the time mode, which endpoint's TIME_WAIT follows the last segment. The view and the
// SVG/PNG export both draw from one plan.
import type { EndpointStates, ExperimentEvent, LadderSegment } from '../../../main/api/types';
import type { LadderLayout } from './ladder-geometry';
import {
  clockOffset, fitScale, placeCalls, roomyLabels, rowsModel, timeModel, TIME_WAIT_H, CALL_H,
  type LadderMode, type PlacedCall, type RowsModel,
} from './ladder-rows';

export interface LadderPlanInput {
  total: number;
  segmentAt: (i: number) => LadderSegment | undefined;
  events: readonly ExperimentEvent[];
  mode: LadderMode;
  L: LadderLayout;
  /** Pixels the time mode spreads the connection over (before zooming). */
  room: number;
  zoom: number;
  /** The connection's states after its last segment. */
  finalStates: EndpointStates | null;
  /** The stepper's segment: its label is always written (the time mode makes others give way). */
  current?: number;
}

export interface LadderPlan {
  model: RowsModel;
  calls: PlacedCall[];
  /** How far arrows drop: less in the time mode, where a segment's y is its time. */
  drop: number;
  /** Per segment index / per call: whether its text has room (always, one row each). */
  segmentLabels: boolean[];
  callLabels: boolean[];
  /** The endpoints whose TIME_WAIT is drawn after the last segment. */
  timeWait: ('client' | 'server')[];
  /** A call's time in seconds since the capture began (as the segments' times), when known. */
  callTime(k: number): number | null;
  /** Whether a call is still to come when the stepper is at segment `index`. */
  callFuture(k: number, index: number): boolean;
}

export function ladderPlan(x: LadderPlanInput): LadderPlan {
  const frames: number[] = [];
  const times: number[] = [];
  let complete = true;
  for (let i = 0; i < x.total; i++) {
    const s = x.segmentAt(i);
    if (!s) { complete = false; break; }
    frames.push(s.frame);
    times.push(s.time);
  }
  const offset = clockOffset(x.events, frames, times);
  const calls = complete ? placeCalls(x.events, frames, times, offset) : [];
  const timeWait = (['client', 'server'] as const).filter((w) => x.finalStates?.[w] === 'TIME_WAIT');
  const extra = timeWait.length ? TIME_WAIT_H : 0;
  const timeMode = x.mode === 'time' && complete && x.total > 0;
  let model: RowsModel;
  let segmentLabels: boolean[] = [];
  let callLabels: boolean[] = calls.map(() => true);
  if (timeMode) {
    const callTimes = offset === null ? [] : calls.map((c) => c.event.time - offset);
    model = timeModel(times, calls, offset, x.L.top + 10, fitScale(times, callTimes, Math.max(200, x.room)) * x.zoom, extra, x.L.arrowDy);
    // Labels only where they do not run into the one above: segments and calls share the middle.
    const items = [
      ...times.map((_, i) => ({ y: model.segmentTop(i) + x.L.arrowDy, seg: i, call: -1 })),
      ...calls.map((_, k) => ({ y: model.callTop(k) + CALL_H / 2, seg: -1, call: k })),
    ].sort((a, b) => a.y - b.y);
    const shown = roomyLabels(items.map((it) => it.y), 22, items.map((it) => it.seg >= 0 && it.seg === x.current));
    segmentLabels = times.map(() => false);
    callLabels = calls.map(() => false);
    items.forEach((it, n) => {
      if (it.seg >= 0) segmentLabels[it.seg] = shown[n];
      else callLabels[it.call] = shown[n];
    });
  } else {
    model = rowsModel(x.total, calls, x.L.top, x.L.rowH, extra);
  }
  return {
    model, calls, drop: timeMode ? 8 : x.L.drop, segmentLabels, callLabels, timeWait,
    callTime: (k) => (offset === null ? null : calls[k].event.time - offset),
    callFuture: (k, index) => index < Math.min(calls[k].before, x.total - 1),
  };
}
