// Ladder pages of a capture that is not growing, shared by every session that asks (50 students opening a
// lesson each asked for its ladder at once, and each was decoded again). A page is kept while its store
// holds the same number of frames; what a session may see of it (its lesson's gate and mask) is cut and
// redacted per session from the shared page, into new objects: the shared page is never changed.
import { ladderPage } from '../engine/store/ladder';
import type { FrameStore } from '../engine/store/frame-store';
import type { StoreLadderPage } from '../engine/store/types';

/** Pages kept per store (a lesson capture has a few connections; a page is asked in a few sizes). */
const PER_STORE = 64;

export class LadderPages {
  private readonly byStore = new WeakMap<FrameStore, { total: number; pages: Map<string, StoreLadderPage | null> }>();
  /** Pages decoded (tests: a page asked for by a second session is not decoded again). */
  decoded = 0;

  /** The page as ladderPage makes it; `shared`: the store is not growing, so the page may be kept. */
  page(store: FrameStore, stream: number, start: number, count: number, shared: boolean): StoreLadderPage | null {
    if (!shared) return this.decode(store, stream, start, count);
    let e = this.byStore.get(store);
    if (!e || e.total !== store.total) this.byStore.set(store, (e = { total: store.total, pages: new Map() }));
    const key = `${stream}:${start}:${count}`;
    if (e.pages.has(key)) return e.pages.get(key)!;
    const page = this.decode(store, stream, start, count);
    if (e.pages.size >= PER_STORE) e.pages.delete(e.pages.keys().next().value!);
    e.pages.set(key, page);
    return page;
  }

  private decode(store: FrameStore, stream: number, start: number, count: number): StoreLadderPage | null {
    this.decoded++;
    return ladderPage(store, stream, start, count);
  }
}
