// The packet list's model: the view's total and a cache of row pages pulled with getFrames.
// Pages are fetched for what is on screen only; live growth drops the partial last page so it is pulled again.
// Pushed rows are kept only where the list is looking (the tail, when following live): a file loading
// while the user reads its first rows costs the page nothing but the new total.
import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import { useClient, type FilterResult, type FrameRow } from '../api';
import { PageCache, pagesFor } from '../lib/page-cache';
import { useNoticesStore } from './notices';

export const PAGE_SIZE = 200;
/** Pages kept (LRU): the screen needs one or two; the rest make scrolling back instant. */
const MAX_PAGES = 24;
const MAX_IN_FLIGHT = 3;

export type FilterError = Extract<FilterResult, { ok: false }>['error'];

export const usePacketsStore = defineStore('packets', () => {
  const total = ref(0);
  /** Bumped whenever cached rows change, so rows re-render without making the cache itself reactive. */
  const version = ref(0);
  const filterText = ref('');
  const appliedFilter = ref('');
  const filterError = shallowRef<FilterError | null>(null);
  const filtering = ref(false);
  /** Keep the newest row in view while frames arrive (live), until the user scrolls up. */
  const follow = ref(true);

  const cache = new PageCache<FrameRow>(PAGE_SIZE, MAX_PAGES);
  const inFlight = new Set<number>();
  let generation = 0;
  let wanted: [number, number] = [0, -1];

  function rowAt(index: number): FrameRow | undefined {
    void version.value;
    return cache.get(index);
  }

  /** Asks for the rows first..last to be loaded (call with what is on screen). */
  function ensure(first: number, last: number): void {
    wanted = [first, last];
    pump();
  }

  function pump(): void {
    const client = useClient();
    for (const page of pagesFor(wanted[0], wanted[1], PAGE_SIZE, total.value)) {
      if (inFlight.size >= MAX_IN_FLIGHT) return;
      const need = Math.min(PAGE_SIZE, total.value - page * PAGE_SIZE);
      if (inFlight.has(page)) continue;
      if (cache.has(page) && cache.size(page) >= need) { cache.touch(page); continue; }
      inFlight.add(page);
      const gen = generation;
      client.getFrames({ start: page * PAGE_SIZE, count: PAGE_SIZE }).then((r) => {
        if (gen !== generation) return;
        inFlight.delete(page);
        cache.set(page, r.rows);
        if (r.total !== total.value && r.total >= 0) total.value = r.total;
        version.value++;
        pump();
      }, (e: unknown) => {
        if (gen !== generation) return;
        inFlight.delete(page);
        useNoticesStore().error(e, 'getFrames');
      });
    }
  }

  function reset(): void {
    generation++;
    inFlight.clear();
    cache.clear();
    total.value = 0;
    version.value++;
    follow.value = true;
  }

  /** States were corrected (stream → the earliest frame corrected): rows showing them are pulled again, in one pass. */
  function reviseStates(fromFrame: ReadonlyMap<number, number>): void {
    if (!fromFrame.size) return;
    const stale = (r: FrameRow) => r.stream !== null && r.number >= (fromFrame.get(r.stream) ?? Infinity);
    if (!cache.dropWhere(stale).length) return;
    version.value++;
    pump();
  }

  /** New frames arrived (pushed); `viewTotal` is the size of the current view. */
  function grow(viewTotal: number): void {
    if (viewTotal === total.value) return;
    if (viewTotal < total.value) { reset(); total.value = viewTotal; return; }
    total.value = viewTotal;
    cache.dropIncomplete();
    version.value++;
    pump();
  }

  /**
   * Live pushes: `rows` are the newest rows of the view, ending at `viewTotal`. They extend the cached tail
   * directly (no pull); where they do not join up with what is cached (frames were skipped), the gap is
   * pulled when it comes into view.
   */
  function appendTail(rows: FrameRow[], viewTotal: number): void {
    if (viewTotal < total.value) reset();
    const first = viewTotal - rows.length;
    // Kept only when the list shows the tail (or nothing yet); elsewhere they are pulled if they come into view.
    const atTail = wanted[1] >= total.value - PAGE_SIZE;
    for (let k = atTail ? 0 : rows.length; k < rows.length; k++) {
      const idx = first + k;
      const page = Math.floor(idx / PAGE_SIZE);
      const arr = cache.peek(page);
      if (arr && arr.length === idx % PAGE_SIZE) arr.push(rows[k]);
      else if (!arr && idx % PAGE_SIZE === 0) cache.set(page, [rows[k]]);
    }
    total.value = viewTotal;
    version.value++;
    pump();
  }

  async function applyFilter(expression = filterText.value): Promise<boolean> {
    filtering.value = true;
    try {
      const r = await useClient().setFilter({ expression });
      if (!r.ok) { filterError.value = r.error; return false; }
      filterError.value = null;
      appliedFilter.value = r.expression;
      filterText.value = r.expression;
      generation++;
      inFlight.clear();
      cache.clear();
      total.value = r.total;
      version.value++;
      pump();
      return true;
    } catch (e) {
      useNoticesStore().error(e, 'setFilter');
      return false;
    } finally {
      filtering.value = false;
    }
  }

  function clearFilterError(): void {
    filterError.value = null;
  }

  return { total, version, filterText, appliedFilter, filterError, filtering, follow, rowAt, ensure, reset, grow, appendTail, reviseStates, applyFilter, clearFilterError };
});
