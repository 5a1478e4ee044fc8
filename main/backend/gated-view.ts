// A view's positions as a session held by a lesson may see them: its frames up to the gate's (`limit`),
// without the `hidden` ones (a filtered view's frames whose masked values its filter reads, filter-gate.ts).
// Positions close up over a hidden frame, so the rows, their count and "go to frame" agree.
import type { FrameView } from '../engine/store/view';

export interface ViewPositions {
  /** Positions there are. */
  total: number;
  /** The frame number at a position (0 ≤ i < total). */
  at(i: number): number;
  /** The position of frame `n` (-1: not seen here). */
  indexOf(n: number): number;
  /** Some frames are left out (the view's own positions do not hold). */
  holes: boolean;
}

/** How many positions of a view hold frames up to `limit` (views list frames in increasing order). */
export function visibleTotal(view: FrameView, storeTotal: number, limit: number | null): number {
  const total = view.total(storeTotal);
  if (limit === null) return total;
  let lo = 0, hi = total;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (view.at(mid) <= limit) lo = mid + 1; else hi = mid;
  }
  return lo;
}

export function gatedPositions(view: FrameView, storeTotal: number, limit: number | null, hidden: readonly number[]): ViewPositions {
  const upTo = visibleTotal(view, storeTotal, limit);
  // The hidden frames' positions in the view, in order (those it does not hold, or past the limit, are not there).
  const skips = [...new Set(hidden.map((n) => view.indexOf(n, storeTotal)))].filter((p) => p >= 0 && p < upTo).sort((a, b) => a - b);
  return {
    total: upTo - skips.length,
    holes: skips.length > 0,
    at(i) {
      let j = 0;
      while (j < skips.length && skips[j] <= i + j) j++;
      return view.at(i + j);
    },
    indexOf(n) {
      const p = view.indexOf(n, storeTotal);
      if (p < 0 || p >= upTo) return -1;
      let before = 0;
      for (const s of skips) {
        if (s === p) return -1;
        if (s < p) before++;
      }
      return p - before;
    },
  };
}
