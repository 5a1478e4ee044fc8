// A connection's graph series, made in slices that take turns with everything else (slicer.ts): one
// connection of 500,000 frames took ~1 s per series kind in one go, and the graphs tab asks six, so
// GET / and every other client waited seconds. The stream's points of a capture that is not growing (a
// file or a lesson, loaded) are kept for the next kind asked, shared by the sessions that ask: one stream
// per store, the last asked.
import type { FrameStore, StreamPoint } from '../engine/store/frame-store';
import { seriesBuilder } from '../engine/store/series';
import type { StoreSeries, StoreSeriesKind } from '../engine/store/types';
import type { Slicer } from './slicer';

/** Points made, or added to a series, per step of a slice (a few milliseconds for the slowest kind, rtt). */
const POINTS_PER_STEP = 2048;

export class SeriesPoints {
  private readonly byStore = new WeakMap<FrameStore, { total: number; stream: number; points: Promise<StreamPoint[]> }>();
  /** Streams whose points were made, per store (tests: the second kind asked of a loaded capture makes none). */
  private readonly madeIn = new WeakMap<FrameStore, number>();

  made(store: FrameStore): number {
    return this.madeIn.get(store) ?? 0;
  }

  /** The stream's points; `shared`: the store is not growing, so they are kept for the next request. */
  points(store: FrameStore, stream: number, slicer: Slicer, shared: boolean): Promise<StreamPoint[]> {
    if (!shared) return this.make(store, stream, slicer);
    const kept = this.byStore.get(store);
    if (kept && kept.total === store.total && kept.stream === stream) return kept.points;
    const points = this.make(store, stream, slicer);
    const entry = { total: store.total, stream, points };
    this.byStore.set(store, entry);
    // A failed make is not kept (the next request tries again).
    points.catch(() => { if (this.byStore.get(store) === entry) this.byStore.delete(store); });
    return points;
  }

  /**
   * The series of `kind`, made from the points in slices; null when there is no such stream (or it begins
   * after `last`). `last`: made of the frames up to that one only, as a capture that stopped there would
   * give it (a lesson's gate: a later frame's mark, or the connection's whole length in the throughput's
   * window, would tell what comes after the open question). `keep`: made of the points of those frames
   * only (a lesson's mask: a point that plots a masked value is left out, and so is what it would add to
   * the points after it, the throughput's sliding sum and the RTT's smoothed estimate, which would give it back).
   */
  async series(store: FrameStore, stream: number, kind: StoreSeriesKind, slicer: Slicer, shared: boolean, last: number | null = null, keep: ((frame: number) => boolean) | null = null): Promise<StoreSeries[] | null> {
    const builder = seriesBuilder(store, stream, kind, last);
    if (!builder) return null;
    const all = await this.points(store, stream, slicer, shared);
    const upTo = last === null ? all.length : pointsUpTo(all, last);
    const points = keep ? all.slice(0, upTo).filter((p) => keep(p.frame)) : all;
    const end = keep ? points.length : upTo;
    let at = 0;
    if (end) {
      await slicer.run({
        step: () => {
          const to = Math.min(end, at + POINTS_PER_STEP);
          builder.add(points, at, to);
          at = to;
          return at < end;
        },
      });
    }
    return builder.finish();
  }

  private async make(store: FrameStore, stream: number, slicer: Slicer): Promise<StreamPoint[]> {
    this.madeIn.set(store, this.made(store) + 1);
    // The frames of the stream as they are now (a growing capture's later frames are the next request's).
    const frames = store.streamFrames(stream);
    const out: StreamPoint[] = [];
    let at = 0;
    if (!frames.length) return out;
    await slicer.run({
      step: () => {
        const to = Math.min(frames.length, at + POINTS_PER_STEP);
        for (const p of store.pointsOf(frames, at, to)) out.push(p);
        at = to;
        return at < frames.length;
      },
    });
    return out;
  }
}

/** How many of a stream's points (in frame order) are of frames up to `last`. */
function pointsUpTo(points: readonly StreamPoint[], last: number): number {
  let lo = 0, hi = points.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (points[mid].frame <= last) lo = mid + 1; else hi = mid;
  }
  return lo;
}
