// Display-filter views shared by the clients that use the same expression: each keeps an index of
// the frames its filter matches, built by re-dissecting stored frames in steps, then kept up to date
// as frames arrive.
import { compileFilter, type CompiledFilter, type FilterError } from '../engine/filter/index';
import type { FrameStore } from '../engine/store/frame-store';
import { FrameView } from '../engine/store/view';
import type { DecodedFrame } from '../engine/types';
import type { Slicer } from './slicer';

export interface ViewEntry {
  view: FrameView;
  match: CompiledFilter['match'] | null;
  refs: number;
  /** Resolves when the view has caught up with the store (null when not scanning). */
  scan: Promise<void> | null;
  /** Milliseconds spent checking stored frames against the filter so far (what a new filter cost, filter-budget.ts). */
  cost: number;
}

/** Frames checked per step of a scan (one synchronous stretch; with a slicer, steps take turns with other work). */
const STEP = 2000;
const SLICED_STEP = 128;

export class Views {
  private readonly entries = new Map<string, ViewEntry>();
  private generation = 0;

  constructor(private store: () => FrameStore, private readonly log: (line: string) => void, private readonly slicer: Slicer | null = null) {
    this.entries.set('', { view: new FrameView('', false), match: null, refs: 0, scan: null, cost: 0 });
  }

  /** The unfiltered view. */
  get all(): ViewEntry {
    return this.entries.get('') as ViewEntry;
  }

  get(expression: string): ViewEntry | undefined {
    return this.entries.get(expression.trim());
  }

  /** A view for a filter (compiled, or an error with its position). */
  acquire(expression: string): { ok: true; entry: ViewEntry } | { ok: false; error: FilterError['error'] } {
    const key = expression.trim();
    let entry = this.entries.get(key);
    if (!entry) {
      const f = compileFilter(key);
      if (!f.ok) return { ok: false, error: f.error };
      entry = { view: new FrameView(key, true), match: f.match, refs: 0, scan: null, cost: 0 };
      this.entries.set(key, entry);
    }
    entry.refs++;
    return { ok: true, entry };
  }

  release(expression: string): void {
    const key = expression.trim();
    const e = this.entries.get(key);
    if (!e || key === '') return;
    if (--e.refs <= 0) this.entries.delete(key);
  }

  /** A new capture: every view starts empty (and is caught up with the empty store). */
  reset(): void {
    this.generation++;
    for (const [key, e] of this.entries) {
      e.view = new FrameView(key, key !== '');
      e.scan = null;
    }
  }

  /** Whether a filtered view is caught up to frame `n` - 1, so frame `n` is to be checked as it is stored. */
  wants(n: number): boolean {
    for (const e of this.entries.values()) if (e.match && e.view.scanned === n - 1) return true;
    return false;
  }

  /** Called for every frame as it is stored: views that are caught up check it now. */
  added(frame: DecodedFrame, bytes: Uint8Array, sources?: readonly Uint8Array[]): void {
    for (const e of this.entries.values()) {
      if (!e.match || e.view.scanned !== frame.frame - 1) continue;
      e.view.checked(frame.frame, this.safeMatch(e, frame, bytes, sources));
    }
  }

  private safeMatch(e: ViewEntry, frame: DecodedFrame, bytes: Uint8Array, sources?: readonly Uint8Array[]): boolean {
    try {
      return (e.match as CompiledFilter['match'])(frame, bytes, sources);
    } catch (err) {
      this.log(`filter "${e.view.expression}" failed on frame ${frame.frame}: ${err instanceof Error ? err.message : String(err)}`);
      return false;
    }
  }

  /** Brings a view up to date with the store (re-dissecting frames it has not checked yet). */
  catchUp(e: ViewEntry): Promise<void> {
    if (!e.match) return Promise.resolve();
    if (e.scan) return e.scan;
    const gen = this.generation;
    const view = e.view;
    /** Checks the next frames; false once the view has caught up (or was replaced). */
    const step = (size: number): boolean => {
      const store = this.store();
      if (gen !== this.generation || e.view !== view || view.scanned >= store.total) return false;
      const from = view.scanned + 1;
      const to = Math.min(store.total, view.scanned + size);
      const numbers: number[] = [];
      for (let n = from; n <= to; n++) numbers.push(n);
      const started = performance.now();
      store.redecodeMany(numbers, (d, raw) => {
        if (d.frame.frame === view.scanned + 1) view.checked(d.frame.frame, this.safeMatch(e, d.frame, raw.data, d.sources.map((s) => s.data)));
      });
      e.cost += performance.now() - started;
      return true;
    };
    const run = async () => {
      if (this.slicer) return this.slicer.run({ step: () => step(SLICED_STEP) });
      while (step(STEP)) await new Promise<void>((r) => setImmediate(r));
    };
    const p = run().finally(() => { if (e.scan === p) e.scan = null; });
    e.scan = p;
    return p;
  }

  /** True while the view is still behind the store (its rows are being computed). */
  scanning(e: ViewEntry): boolean {
    return e.scan !== null;
  }
}
