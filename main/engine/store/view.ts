// A client's view of the store: all frames, or those a display filter keeps (an index of frame numbers).
import { u32, type Column } from './columns';

export class FrameView {
  /** Frame numbers the filter kept, in order (null: no filter, every frame). */
  private readonly index: Column | null;
  /** Frames checked against the filter so far (a filter over a large file is applied in steps). */
  scanned = 0;

  constructor(readonly expression: string, filtered: boolean) {
    this.index = filtered ? u32() : null;
  }

  get filtered(): boolean {
    return this.index !== null;
  }

  /** Frames in the view, given the store's total. */
  total(storeTotal: number): number {
    return this.index ? this.index.length : storeTotal;
  }

  /** Frame number at a position of the view. */
  at(i: number): number {
    return this.index ? this.index.get(i) : i + 1;
  }

  /** Records the result of checking the next frame (frames must be checked in order). */
  checked(frame: number, kept: boolean): void {
    if (!this.index) return;
    if (kept) this.index.push(frame);
    this.scanned = frame;
  }

  /** Position of frame `n` in the view, or -1. */
  indexOf(n: number, storeTotal: number): number {
    if (!this.index) return n >= 1 && n <= storeTotal ? n - 1 : -1;
    let lo = 0, hi = this.index.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const v = this.index.get(mid);
      if (v === n) return mid;
      if (v < n) lo = mid + 1; else hi = mid - 1;
    }
    return -1;
  }
}

/**
 * Live push of a client's view: at most `maxRows` rows per batch (the newest), the rest skipped and
 * counted; nothing is sent while the client is behind. delivered + skipped always equals the rows
 * that became available (the client pulls skipped rows with getFrames if it wants them).
 */
export class PushCursor {
  /** View position up to which rows were pushed or skipped. */
  cursor = 0;
  delivered = 0;
  skipped = 0;
  batches = 0;

  constructor(readonly maxRows = 500) {}

  /** `max`: fewer rows this round than maxRows (a file loading: the rest are counted as skipped). */
  next(viewTotal: number, ready: boolean, max = this.maxRows): { from: number; to: number; skipped: number } | null {
    if (viewTotal < this.cursor) this.cursor = viewTotal;
    if (!ready || viewTotal === this.cursor) return null;
    const from = Math.max(this.cursor, viewTotal - Math.min(max, this.maxRows));
    const skipped = from - this.cursor;
    this.cursor = viewTotal;
    this.delivered += viewTotal - from;
    this.skipped += skipped;
    this.batches++;
    return { from, to: viewTotal, skipped };
  }

  /** The view was replaced (new filter, new capture): start from `position` without pushing what came before. */
  restart(position: number): void {
    this.cursor = position;
  }

  /** Rows available but not yet pushed (the client is behind). */
  pending(viewTotal: number): number {
    return Math.max(0, viewTotal - this.cursor);
  }
}
