// One capture the back end holds: a frame store, the file its bytes are re-read from, the display-filter
// views over it, its status and counters, and what the next live push should carry. An opened file, a
// lesson's capture, a live capture and an experiment each get one; sessions look at one source at a
// time, and several sessions may look at the same one (a shared capture, a lesson) through their own
// filter and selection. A source never changes file: opening something else makes a new source.
import { blockFactsCost } from '../engine/store/block-facts-cost';
import { FACT_BATCH_BYTES } from './load-batch';
import { randomBytes } from 'node:crypto';
import type { ApiEvents } from '../api/contract';
import { ApiError } from '../api/contract';
import { parseEventComment } from '../api/experiment';
import type { CaptureStatus, Counters, ExperimentEvent, FrameRow, LoadProgress } from '../api/types';
import { FrameStore } from '../engine/store/frame-store';
import { adoptDelta, type StoreDelta } from '../engine/store/store-delta';
import { unpackStates } from '../engine/store/tcp-record';
import type { EndpointStates } from '../engine/types';
import type { RawFrame } from '../engine/types';
import { StoryLog } from './experiment-story';
import { FileBytes } from './file-bytes';
import { loadCaptureFile, type LoadHooks, type LoadOutcome } from './file-loader';
import type { LoadBudget } from './load-budget';
import type { Slicer } from './slicer';
import { Views, type ViewEntry } from './views';

export type SourceKind = 'file' | 'capture' | 'experiment' | 'lesson' | 'empty';

/** Frames stored in-process between two looks at a load's memory budget (a thread's batches are looked at each). */
const BUDGET_CHECK_FRAMES = 1024;

/** Connections and transitions pushed per tick at most (the rest are in the store, to pull). */
const MAX_CONNECTIONS_PER_PUSH = 200;
const MAX_TRANSITIONS_PER_PUSH = 1000;

/** A frame's transitions as the loading thread's store ingested them: its states then (packed) and its record then. */
interface StoredTransition { stored: true; stream: number; frame: number; packed: number; addr: number }

/** Who looks at a source: told when its status changes and how a load progresses. */
export interface SourceViewer {
  sourceStatusChanged(): void;
  sourceProgress(p: LoadProgress): void;
  /** The experiment's socket calls so far (one object for every viewer). */
  sourceExperiment(e: ApiEvents['experiment']): void;
}

/**
 * What one push round carries for every viewer of a source: computed once per round, and the same event
 * objects for every viewer (a transport may then serialize each once for all its connections).
 */
export interface SourceChanges {
  connections: ApiEvents['connections'] | null;
  transitions: ApiEvents['transitions'] | null;
  /** Streams whose stored states a later segment corrected (never skipped: a view that missed one keeps a wrong state). */
  revised: ApiEvents['statesRevised'] | null;
}

export class Source {
  /** Random, so a student cannot name a source they were not given. */
  readonly id = randomBytes(9).toString('base64url');
  readonly store: FrameStore;
  readonly views: Views;
  readonly viewers = new Set<SourceViewer>();
  /** Shares and running captures that keep the source alive without viewers. */
  pins = 0;
  status: CaptureStatus = { state: 'idle', source: null };
  counters: Omit<Counters, 'skippedPush' | 'decoded' | 'missedSegments'> = { captured: 0, droppedByKernel: 0, droppedByUs: 0 };
  lastFrameAt = 0;
  private rateSecond = 0;
  private rateCount = 0;
  private previousSecond = 0;
  /**
   * The programs' calls behind the capture: an experiment's, as it runs (captures.ts), or read back from
   * the file's pcapng comments once it is loaded; null when it records none.
   */
  story: StoryLog | null = null;
  /** A file load in progress (cancel stops it after the current chunk). */
  loading: { cancel: boolean; done: Promise<LoadProgress> } | null = null;
  /** How the last file load ended (null: none has ended). */
  loaded: LoadProgress | null = null;
  private bytes: FileBytes | null;
  private changedStreams = new Set<number>();
  /** Transitions for the next push; those of frames stored on the loading thread are read from the store once pushed. */
  private pendingTransitions: (ApiEvents['transitions'][number] | StoredTransition)[] = [];
  /** Streams whose stored states were corrected since the last push, with the earliest frame corrected. */
  private pendingRevisions = new Map<number, number>();
  private disposed = false;
  /** This round's `frames` events by view and range: viewers at the same place get the same object. */
  private roundFrames = new Map<string, ApiEvents['frames']>();

  /**
   * `file`: the capture file behind the frames (for a live capture, its autosave, written as frames come).
   * `title`: what students may be told it is (a file name, never a path).
   */
  constructor(readonly kind: SourceKind, readonly file: string | null, readonly title: string, private readonly log: (line: string) => void, slicer: Slicer | null = null) {
    this.bytes = file ? new FileBytes(file) : null;
    this.store = new FrameStore(this.bytes);
    this.views = new Views(() => this.store, log, slicer);
  }

  get alive(): boolean {
    return !this.disposed;
  }

  /** Its file load was cancelled or failed (or is being cancelled): the store holds part of the file at most. */
  get cutShort(): boolean {
    return !!this.loading?.cancel || !!this.loaded?.cancelled || !!this.loaded?.error;
  }

  setStatus(s: CaptureStatus): void {
    this.status = s;
    for (const v of this.viewers) v.sourceStatusChanged();
  }

  countersFor(skippedPush: number): Counters {
    return { ...this.counters, decoded: this.store.total, skippedPush, missedSegments: this.store.missedSegments };
  }

  /**
   * Stores one frame (from a file or a capture) and notes what the next push should carry. The store
   * builds no tree; a filtered view caught up to this frame gets its full decode, rebuilt from the stored facts.
   */
  ingest(raw: RawFrame, offset: number): void {
    const r = this.store.ingest(raw, offset);
    if (this.views.wants(r.number)) {
      const d = this.store.decodeStored(raw, r.number);
      this.views.added(d.frame, raw.data, d.sources.map((x) => x.data));
    }
    if (r.stream >= 0) {
      const s = r.stream;
      this.changedStreams.add(s);
      const t = r.transitions;
      if (t && t.length && r.states) {
        this.pendingTransitions.push({ stream: s, frame: r.number, states: r.states, transitions: t });
        if (this.pendingTransitions.length > 2 * MAX_TRANSITIONS_PER_PUSH) this.pendingTransitions.splice(0, MAX_TRANSITIONS_PER_PUSH);
      }
      // A segment that showed when its sender had really received earlier ones corrects their states.
      for (const rev of this.store.takeRevised()) {
        const from = this.pendingRevisions.get(rev.stream);
        if (from === undefined || rev.fromFrame < from) this.pendingRevisions.set(rev.stream, rev.fromFrame);
        this.changedStreams.add(rev.stream);
      }
    }
    this.counted(1);
  }

  /**
   * Takes a batch the loading thread stored (its store's delta, store-delta.ts) and notes what the next
   * push should carry, as `ingest` does frame by frame: the streams it touched, the transitions its
   * frames made, the revisions of earlier frames. (Frames a view wants decoded are handed to the views
   * by the loader: they need the frames' bytes.)
   */
  adopt(delta: StoreDelta): void {
    adoptDelta(this.store, delta);
    for (const s of delta.streams) this.changedStreams.add(s);
    const streams = delta.cols.stream, t = delta.transitions;
    // Kept as where to read them: most are dropped before a push (it carries the last MAX_TRANSITIONS_PER_PUSH).
    for (let k = 0; k < t.length; k += 3) {
      const n = t[k];
      this.pendingTransitions.push({ stored: true, stream: streams[n - delta.from], frame: n, packed: t[k + 1], addr: t[k + 2] });
      if (this.pendingTransitions.length > 2 * MAX_TRANSITIONS_PER_PUSH) this.pendingTransitions.splice(0, MAX_TRANSITIONS_PER_PUSH);
    }
    for (const rev of this.store.takeRevised()) {
      const from = this.pendingRevisions.get(rev.stream);
      if (from === undefined || rev.fromFrame < from) this.pendingRevisions.set(rev.stream, rev.fromFrame);
      this.changedStreams.add(rev.stream);
    }
    this.counted(delta.count);
  }

  /** A view caught up to frame `n` (stored, not yet seen by the views) gets its full decode (its bytes re-read). */
  private viewsAdd(n: number): void {
    let raw: RawFrame;
    try {
      raw = this.store.raw(n);
    } catch (e) {
      // The file went away mid-load: the views wait (their scan re-reads frames, and says why it cannot).
      this.log(`frame ${n} not checked by the display filters: ${e instanceof Error ? e.message : String(e)}`);
      return;
    }
    const d = this.store.decodeStored(raw, n);
    this.views.added(d.frame, raw.data, d.sources.map((x) => x.data));
  }

  /** `frames` more stored now (the frame rate, the last frame's time). */
  private counted(frames: number): void {
    const now = (this.lastFrameAt = Date.now());
    const second = Math.floor(now / 1000);
    if (second !== this.rateSecond) {
      this.previousSecond = second === this.rateSecond + 1 ? this.rateCount : 0;
      this.rateSecond = second;
      this.rateCount = 0;
    }
    this.rateCount += frames;
  }

  /** Frames stored in the last whole second or in this one, whichever is more (how fast frames come now). */
  get framesPerSecond(): number {
    return Math.floor(Date.now() / 1000) === this.rateSecond ? Math.max(this.previousSecond, this.rateCount) : 0;
  }

  /** A connection changed outside the frames (e.g. the program behind it became known): the next push carries it. */
  streamChanged(stream: number): void {
    this.changedStreams.add(stream);
  }

  /** Tells whoever looks at this source the experiment's calls so far (each time one is made, returns or finds its frame). */
  pushStory(): void {
    const log = this.story;
    if (!log) return;
    const event: ApiEvents['experiment'] = { events: log.events.map((e) => ({ ...e })), serverPort: log.serverPort, clientPort: log.clientPort };
    for (const v of this.viewers) v.sourceExperiment(event);
  }

  /** The connections and transitions that changed since the last round (then forgotten); a new round begins. */
  takeChanges(): SourceChanges {
    this.roundFrames.clear();
    const streams = [...this.changedStreams].slice(-MAX_CONNECTIONS_PER_PUSH);
    this.changedStreams.clear();
    const connections = streams.map((s) => this.store.connection(s)).filter((x): x is NonNullable<typeof x> => x !== null);
    const transitions = this.pendingTransitions.slice(-MAX_TRANSITIONS_PER_PUSH).map((x) => ('stored' in x
      ? { stream: x.stream, frame: x.frame, states: unpackStates(x.packed) as EndpointStates, transitions: this.store.record(x.frame, x.addr).transitions }
      : x));
    this.pendingTransitions = [];
    const revised = [...this.pendingRevisions].map(([stream, fromFrame]) => ({ stream, fromFrame }));
    this.pendingRevisions.clear();
    return {
      connections: connections.length ? { connections } : null,
      transitions: transitions.length ? transitions : null,
      revised: revised.length ? revised : null,
    };
  }

  /** This round's `frames` event for positions [from, to) of a view (made once for every viewer at that place). */
  framesEvent(view: ViewEntry, from: number, to: number, total: number, skipped: number, at?: (i: number) => number): ApiEvents['frames'] {
    // `at`: one session's own positions (a lesson leaves frames out of its filtered view): made for it alone.
    const key = at ? null : `${view.view.expression}\0${from}\0${to}\0${total}\0${skipped}`;
    let ev = key === null ? undefined : this.roundFrames.get(key);
    if (!ev) {
      const numbers: number[] = [];
      for (let i = from; i < to; i++) numbers.push(at ? at(i) : view.view.at(i));
      let rows: FrameRow[];
      try {
        rows = this.store.rows(numbers);
      } catch (err) {
        this.log(`push failed: ${err instanceof Error ? err.message : String(err)}`);
        rows = [];
      }
      ev = { rows, total, skipped };
      if (key !== null) this.roundFrames.set(key, ev);
    }
    return ev;
  }

  /** Runs a store read that re-reads the capture file, turning a vanished file into a clear error. */
  withBytes<T>(fn: () => T, shownFile: string = this.file ?? 'the capture file'): T {
    try {
      // A request's reads start with a look at whether the file was rewritten since it was loaded.
      this.bytes?.check();
      return fn();
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code || (e instanceof Error && /file is shorter|bytes are not available|changed on disk/.test(e.message))) {
        throw new ApiError('file_error', `cannot re-read frames from ${shownFile}: ${code ? `read error (${code})` : e instanceof Error ? e.message.replace(this.file ?? '\0', shownFile) : String(e)}`);
      }
      throw e;
    }
  }

  /**
   * Reads the source's file into the store in steps; progress goes to the viewers. Resolves when done or
   * cancelled. With a `budget` (a browser's upload) the source counts against it, and the load stops with
   * a problem once the budget is spent.
   */
  load(o: { maxPlainBytes?: number; budget?: LoadBudget; plainTicket?: LoadHooks['plainTicket'] } = {}): Promise<LoadProgress> {
    const file = this.file as string;
    const state = { cancel: false, done: Promise.resolve({ file, bytesRead: 0, totalBytes: 0, frames: 0, done: false } as LoadProgress) };
    const budget = o.budget;
    budget?.add(this);
    /** Why the budget stopped the load (it then ends as a cancel would, and says this). */
    let spent: string | null = null;
    const checkBudget = () => { if (budget && spent === null) spent = budget.spent(); };
    let lastProgress = 0;
    /** What the block facts of frames stored since the budget was last looked at cost. */
    let factBytes = 0;
    const progress = (bytesRead: number, totalBytes: number, done: boolean): LoadProgress => ({ file, bytesRead, totalBytes, frames: this.store.total, done });
    const run = async (): Promise<LoadProgress> => {
      this.setStatus({ state: 'loading', source: 'file', file });
      // An experiment's calls travel as comments: on the frames they sent, and in the section header.
      const frameEvents: ExperimentEvent[] = [];
      // A browser's upload waits for its turn (a few load at once: each loading thread's memory adds up).
      const release = budget ? await budget.turn(() => state.cancel || this.disposed) : null;
      let outcome: LoadOutcome;
      try {
        checkBudget();
        // The file is opened once: the loader reads that descriptor, and so does the store ever after.
        const opened = this.bytes ? await this.bytes.openForLoad() : { problem: `${file}: the capture was closed` };
        outcome = 'problem' in opened
          ? this.disposed ? { ok: true, cancelled: true, bytesRead: 0, totalBytes: 0, sectionComments: [] } : { ok: false, problem: opened.problem, bytesRead: 0, totalBytes: 0, sectionComments: [] }
          : await loadCaptureFile(file, {
          fd: opened.fd,
          frame: (raw, offset) => {
            this.counters.captured++;
            this.ingest(raw, offset);
            // Looked at every so many frames, or sooner when their comments add up (a frame may hold thousands).
            if (raw.comments || raw.custom) factBytes += blockFactsCost(raw);
            if (this.counters.captured % BUDGET_CHECK_FRAMES === 0 || factBytes >= FACT_BATCH_BYTES) {
              factBytes = 0;
              checkBudget();
            }
            if (raw.comments) for (const c of raw.comments) { const e = parseEventComment(c, this.store.total); if (e) frameEvents.push(e); }
          },
          progress: (bytesRead, totalBytes) => {
            const now = Date.now();
            if (now - lastProgress < 100) return;
            lastProgress = now;
            const p = progress(bytesRead, totalBytes, false);
            for (const v of this.viewers) v.sourceProgress(p);
          },
          store: {
            adopt: (delta, facts) => {
              this.counters.captured += delta.count;
              this.adopt(delta);
              checkBudget();
              for (const [i, f] of facts) {
                if (f.comments) for (const c of f.comments) { const e = parseEventComment(c, delta.from + i); if (e) frameEvents.push(e); }
              }
            },
            wants: (n) => this.views.wants(n),
            stored: (n) => this.viewsAdd(n),
          },
          cancelled: () => state.cancel || this.disposed || spent !== null,
          maxPlainBytes: o.maxPlainBytes,
          plainTicket: o.plainTicket,
          ...(budget ? { threadHeapMb: budget.threadHeapMb } : {}),
          log: this.log,
        }).finally(opened.done);
      } finally {
        release?.();
      }
      // Stopped by the budget (as a cancel stops it): it says why.
      if (spent !== null && outcome.ok && !state.cancel && !this.disposed) {
        outcome = { ok: false, problem: `${file}: stopped loading: ${spent as string}; the frames before this point are loaded (close captures you no longer need)`, bytesRead: outcome.bytesRead, totalBytes: outcome.totalBytes, sectionComments: outcome.sectionComments };
      }
      // The file is read: its store takes no more frames, so its connection trackers can go.
      this.store.seal();
      this.story = StoryLog.fromComments(outcome.sectionComments, frameEvents);
      const final = progress(outcome.bytesRead, outcome.totalBytes, true);
      if (outcome.ok && outcome.cancelled) final.cancelled = true;
      let error: CaptureStatus['error'];
      if (!outcome.ok) {
        error = { code: 'file_error', message: outcome.problem };
        final.error = error;
        this.log(outcome.problem);
      }
      this.loaded = final;
      this.loading = null;
      this.setStatus({ state: 'idle', source: 'file', file, ...(error ? { error } : {}) });
      for (const v of this.viewers) v.sourceProgress(final);
      return final;
    };
    state.done = run();
    this.loading = state;
    return state.done;
  }

  /** Closes the file; the store is dropped with the source. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.loading) this.loading.cancel = true;
    this.bytes?.close();
    this.bytes = null;
    this.changedStreams.clear();
    this.pendingTransitions = [];
    this.pendingRevisions.clear();
  }
}
