// The selected connection's segments (the ladder), pulled page by page with getLadder.
import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import { useClient, type ApiEvents, type ConnectionSummary, type EndpointStates, type ExperimentEvent, type LadderSegment } from '../api';
import { PageCache, pagesFor } from '../lib/page-cache';
import { useNoticesStore } from './notices';

export const LADDER_PAGE = 1000;

export const useLadderStore = defineStore('ladder', () => {
  const stream = ref<number | null>(null);
  const summary = shallowRef<ConnectionSummary | null>(null);
  const total = ref(0);
  const version = ref(0);
  const relative = ref(true);
  const loading = ref(false);
  /** The socket calls of the programs behind this connection (an experiment's), in order. */
  const events = shallowRef<ExperimentEvent[]>([]);
  /** When (performance.now()) the last segment arrived live, for TIME_WAIT's countdown; null for a file. */
  const lastLiveArrival = ref<number | null>(null);
  // Pages kept (LRU): the ladder draws a few dozen segments; a long live connection must not fill the page.
  const cache = new PageCache<LadderSegment>(LADDER_PAGE, 8);
  const inFlight = new Map<number, Promise<void>>();
  let generation = 0;

  function segmentAt(i: number): LadderSegment | undefined {
    void version.value;
    return i >= 0 ? cache.get(i) : undefined;
  }

  function fetchPage(page: number): Promise<void> {
    const s = stream.value;
    if (s === null) return Promise.resolve();
    const running = inFlight.get(page);
    if (running) return running;
    const gen = generation;
    const p = useClient().getLadder({ stream: s, start: page * LADDER_PAGE, count: LADDER_PAGE }).then((r) => {
      if (gen !== generation) return;
      cache.set(page, r.segments);
      summary.value = r.summary;
      total.value = r.total;
      events.value = r.events ?? [];
      version.value++;
    }, (e: unknown) => {
      if (gen === generation) useNoticesStore().error(e, 'getLadder');
    }).finally(() => { if (gen === generation) inFlight.delete(page); });
    inFlight.set(page, p);
    return p;
  }

  let loadingPromise: Promise<void> = Promise.resolve();

  /** Shows connection `s` (a no-op when it is already shown, unless `force`). */
  function load(s: number | null, force = false): Promise<void> {
    if (!force && s === stream.value) return loadingPromise;
    loadingPromise = doLoad(s);
    return loadingPromise;
  }

  async function doLoad(s: number | null): Promise<void> {
    generation++;
    inFlight.clear();
    cache.clear();
    stream.value = s;
    summary.value = null;
    corrected.value = null;
    total.value = 0;
    events.value = [];
    lastLiveArrival.value = null;
    version.value++;
    if (s === null) return;
    loading.value = true;
    try { await fetchPage(0); } finally { loading.value = false; }
  }

  /** Loads the pages holding segments first..last (those at the held end by a tail pull). */
  async function ensure(first: number, last: number): Promise<void> {
    const need = pagesFor(first, last, LADDER_PAGE, total.value).filter((p) => !cache.has(p) || cache.size(p) < Math.min(LADDER_PAGE, total.value - p * LADDER_PAGE));
    const end = heldEnd();
    const byTail = end > 0 && total.value - end <= LADDER_PAGE ? need.filter((p) => p >= Math.floor(end / LADDER_PAGE)) : [];
    await Promise.all([...need.filter((p) => !byTail.includes(p)).map((p) => fetchPage(p)), ...(byTail.length ? [pullTail(total.value)] : [])]);
  }

  /**
   * Where the held segments end: the end of the highest page held, when every segment before it on that
   * page is there (0 when nothing is held). A live ladder grows from there.
   */
  function heldEnd(): number {
    const top = cache.highest();
    return top === null ? 0 : top * LADDER_PAGE + cache.size(top);
  }

  /** One tail pull at a time: the next waits for it, then asks from where it ended. */
  let tail: Promise<void> = Promise.resolve();

  /**
   * The segments after those held, appended (up to a page of them). Far behind (more than a page), or with
   * nothing held, the last page is pulled whole.
   */
  function pullTail(want: number): Promise<void> {
    const gen = generation;
    tail = tail.then(() => (gen === generation ? pullTailNow(want) : undefined));
    return tail;
  }

  async function pullTailNow(want: number): Promise<void> {
    const s = stream.value;
    if (s === null) return;
    const end = heldEnd();
    const target = Math.max(want, total.value);
    if (end === 0 || end > total.value || target - end > LADDER_PAGE) {
      await pullLastPage(target);
      return;
    }
    const gen = generation;
    let r;
    try {
      r = await useClient().getLadder({ stream: s, start: end, count: LADDER_PAGE });
    } catch (e) {
      if (gen === generation) useNoticesStore().error(e, 'getLadder');
      return;
    }
    // Another connection, a reload, or a revision that dropped the tail meanwhile: what came is not appended.
    if (gen !== generation || heldEnd() !== end) return;
    if (r.start !== end || r.total < end || !cache.append(end, r.segments)) {
      await pullLastPage(r.total);
      return;
    }
    summary.value = r.summary;
    total.value = r.total;
    events.value = r.events ?? [];
    version.value++;
    // Still more than a page behind: the newest page, whole (the ones between are pulled when shown).
    if (r.total - heldEnd() > LADDER_PAGE) await pullLastPage(r.total);
  }

  function pullLastPage(count: number): Promise<void> {
    cache.dropIncomplete();
    return fetchPage(Math.floor(Math.max(0, count - 1) / LADDER_PAGE));
  }

  /**
   * The connection changed (live): the segments after those held are pulled and appended (a live ladder
   * used to pull its whole last page, 1,000 segments decoded again on the server, five times a second
   * per page that follows it). The pushed summary's count is not taken for the ladder's (it lagged far
   * behind the connection's segments in a live capture): the answer's total is.
   */
  async function grow(c: ConnectionSummary, live = false): Promise<void> {
    if (c.stream !== stream.value) return;
    summary.value = c;
    if (live) lastLiveArrival.value = performance.now();
    await pullTail(c.frames);
  }

  /** An experiment's calls as they happen: kept when they are this connection's (its ports). */
  function applyEvents(p: ApiEvents['experiment']): void {
    const c = summary.value;
    // Before its connection exists (listen() comes before the first segment), the ladder shows the calls alone.
    if (!c && stream.value === null) { events.value = p.events; return; }
    if (!c || !c.server.endsWith(`:${p.serverPort}`)) return;
    if (p.clientPort !== null && !c.client.endsWith(`:${p.clientPort}`)) return;
    events.value = p.events;
  }

  /** Every segment, when there are few enough to hold (the time-proportional mode places them all). */
  const ALL_LIMIT = 2 * LADDER_PAGE;
  function loadAll(): Promise<void> {
    return total.value > 0 && total.value <= ALL_LIMIT ? ensure(0, total.value - 1) : Promise.resolve();
  }

  /** Index of a frame within the connection, loading pages until found (frames are in order). */
  async function indexOfFrame(frame: number): Promise<number> {
    for (let page = 0; page * LADDER_PAGE < Math.max(total.value, 1); page++) {
      if (!cache.has(page)) await fetchPage(page);
      const first = cache.get(page * LADDER_PAGE);
      const lastIdx = Math.min(total.value, (page + 1) * LADDER_PAGE) - 1;
      const last = cache.get(lastIdx);
      if (!first || !last) return -1;
      if (frame < first.frame) return -1;
      if (frame <= last.frame) {
        let lo = page * LADDER_PAGE, hi = lastIdx;
        while (lo <= hi) {
          const mid = (lo + hi) >> 1;
          const f = cache.get(mid)!.frame;
          if (f === frame) return mid;
          if (f < frame) lo = mid + 1; else hi = mid - 1;
        }
        return -1;
      }
    }
    return -1;
  }

  /** States before the connection's first segment (its start, which is no transition: mid-stream, refused…). */
  function initialStates(): EndpointStates {
    const s = summary.value?.startStates;
    return s ? { client: s.client, server: s.server } : { client: 'CLOSED', server: 'LISTEN' };
  }

  /** Whether a segment's states may still be corrected (live: its receiver has not answered yet). */
  function provisional(seg: LadderSegment): boolean {
    const from = summary.value?.provisionalFrom;
    return from !== null && from !== undefined && seg.frame >= from;
  }

  /** The last correction of the shown connection's states: from which frame (`id` changes with each). */
  const corrected = ref<{ fromFrame: number; id: number } | null>(null);

  /**
   * States of stream `s` were corrected from `fromFrame` on (the back end's statesRevised): the pages holding
   * those segments are pulled again, and `corrected` tells the views to replay them.
   */
  async function revise(s: number, fromFrame: number): Promise<void> {
    if (s !== stream.value) return;
    // Only the segments from the first corrected one are pulled again (the whole page was, and the held
    // tail with it, so the next live growth pulled the last page whole again).
    const gen = generation;
    await Promise.all(cache.heldFrom((seg) => seg.frame >= fromFrame).map(async ({ page, from, count }) => {
      const start = page * LADDER_PAGE + from;
      let r;
      try {
        r = await useClient().getLadder({ stream: s, start, count });
      } catch (e) {
        if (gen === generation) useNoticesStore().error(e, 'getLadder');
        return;
      }
      if (gen !== generation) return;
      // Not the segments asked for (the connection was cut meanwhile): the page is pulled whole.
      if (r.start !== start || r.segments.length !== count || !cache.replace(start, r.segments)) {
        cache.drop(page);
        await fetchPage(page);
        return;
      }
      summary.value = r.summary;
      version.value++;
    }));
    if (gen === generation) corrected.value = { fromFrame, id: (corrected.value?.id ?? 0) + 1 };
  }

  return {
    stream, summary, total, version, relative, loading, corrected, events, lastLiveArrival, ALL_LIMIT,
    segmentAt, load, ensure, grow, revise, applyEvents, loadAll, indexOfFrame, initialStates, provisional,
  };
});
