// What the back end keeps per person: one browser tab's connection (or the desktop window, or a CLI
// command). A session has a role and a trust level, looks at one source through its own filter, has its
// own push cursor and lesson (its player: step, gate, teacher mode), and owns its uploads. Nothing a
// session does changes another's view, nor lifts another's gate. While its lesson's question is open,
// everything the session is sent (rows, counts, pushes, progress) stops at the question's frame
// (lesson-gate.ts), and what the open questions would give away is redacted from it (reveal(),
// lesson-redact.ts); the handlers cut and redact their answers with the same limits and mask.
// Sessions know no transport: the transport hands over a BackendClient while connected.
import type { ApiEvent, ApiEvents, ClientContext } from '../api/contract';
import type { CaptureStatus, Counters, LoadProgress, Role, SessionInfo } from '../api/types';
import { PushCursor } from '../engine/store/view';
import { cutProgress, gateEvent, NO_LIMITS, OPENING_LIMITS, playerLimits, type Limits } from './lesson-gate';
import { gatedPositions, type ViewPositions } from './gated-view';
import type { FilterBudget } from './filter-budget';
import { filterReads, unfilterable, type FilterReads } from './filter-gate';
import type { LessonPlayer } from './lesson-player';
import { Reveal } from '../lessons/reveal';
import type { Exposure } from '../lessons/exposure';
import type { FrameStore } from '../engine/store/frame-store';
import type { ProgressRecorder } from './progress';
import type { Source, SourceChanges, SourceViewer } from './source';
import type { ViewEntry } from './views';

/** A transport's client: the contract's context plus an optional backpressure signal. */
export interface BackendClient extends ClientContext {
  /** False while the transport is behind (e.g. a WebSocket's bufferedAmount is high): live pushes are skipped. */
  canPush?(): boolean;
  /** Runs `send`, whose events the transport may write out together (one system call for a push round). */
  together?(send: () => void): void;
}

/** What a session may do beyond looking: decided by its token and where it connects from. */
export interface Trust {
  role: Role;
  /**
   * May open any capture file by its path on this machine: the desktop app, the CLI, and the teacher's
   * URL used from this machine. Otherwise only its own uploads, the app's autosaves (teachers) and shares.
   */
  anyPath: boolean;
  /** May run experiments on any port (desktop, CLI); otherwise only the ports the server allows. */
  anyPort: boolean;
  /** A browser: saving is a download, never a path on the server. */
  browser: boolean;
}

export const LOCAL_TRUST: Trust = { role: 'teacher', anyPath: true, anyPort: true, browser: false };

/**
 * The lesson a session plays: its player (step, since when, grading, the gate), the source it was opened
 * on (the gate holds while that source is on screen), whether that is a live lesson's recorded sample,
 * and whether it is a teacher's draft being previewed (closing it lifts its gate; a lesson's stays).
 */
export interface SessionLesson {
  player: LessonPlayer;
  source: Source;
  recorded: boolean;
  draft: boolean;
}

/** Rows pushed per round at most while the source's file is loading. */
const LOADING_PUSH_ROWS = 20;
/**
 * Rows pushed per round at most while frames come faster than LIVE_FAST a second (a fast live capture):
 * the newest rows go, the rest are counted as skipped (pulled when shown). Each pushed row's Info is a
 * re-dissection, and 500 rows a round blocked the event loop long enough for dumpcap's pipe to fill and
 * the kernel to drop frames. Slower, every row is pushed (up to the batch limit), as before.
 */
const LIVE_PUSH_ROWS = 50;
const LIVE_FAST = 1500;

export class Session implements SourceViewer {
  client: BackendClient | null = null;
  source: Source;
  filter = '';
  push: PushCursor;
  lastStatus = '';
  learner: string | null = null;
  name: string | null = null;
  /** Every learner key this session identified as (bounded by limits.learnersPerSession). */
  readonly learnersSeen = new Set<string>();
  /** The connection's remote address group (net-address addressGroup: an IPv6 address by its /64), which every per-address limit keys on; null on loopback. */
  address: string | null = null;
  /** The lesson this session plays (null: none). */
  lesson: SessionLesson | null = null;
  /** Lessons being opened: sent nothing of their capture until the gate is known. */
  lessonsOpening = 0;
  /**
   * Openings this session asked for (a lesson, a file, a share, a capture or an experiment): a lesson's
   * opening that another overtook while its capture loaded lays no player over what is on screen then.
   */
  opens = 0;
  /** A student's display filters' server time (filter-budget.ts; made by the service on its first filter). */
  filterBudget: FilterBudget | null = null;
  /** Teacher mode (never for a student): lessons' navigation free, answers shown, nothing recorded. */
  teacherMode = false;
  /** Progress of a session that did not say which learner it is: kept with the session only. */
  ownProgress: ProgressRecorder | null = null;
  /** Files this session uploaded (it may open them, and nobody else may). */
  readonly uploads = new Set<string>();
  /** When the transport went away (0 while connected); idle sessions are freed after a while. */
  detachedAt = 0;
  lastSeen = Date.now();
  /** An open asked for but not started yet (its file is being checked): cancelLoad cancels it. */
  pendingLoad: { cancel: boolean } | null = null;

  constructor(readonly id: string, readonly trust: Trust, source: Source, private readonly maxBatch: number, private readonly log: (line: string) => void) {
    this.source = source;
    this.push = new PushCursor(maxBatch);
    source.viewers.add(this);
    source.views.acquire('');
  }

  get role(): Role {
    return this.trust.role;
  }

  get student(): boolean {
    return this.trust.role === 'student';
  }

  emit<E extends ApiEvent>(event: E, payload: ApiEvents[E]): void {
    if (!this.client) return;
    try {
      const limit = this.frameLimit();
      const reveal = this.reveal();
      let gated = gateEvent(event, payload, this.source.store, limit, reveal);
      if (gated !== null && (limit !== null || reveal.active)) gated = this.news(event, gated);
      if (gated !== null) this.client.emit(event, gated);
    } catch (e) {
      this.log(`could not send ${event} to ${this.client.id}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  /**
   * What was last sent of each connection and of the experiment's calls while held by a lesson: a push
   * cut at the gate says what the one before said when the change behind it lies past the gate, and
   * sent anyway, its arrival alone would tell that a segment (or a socket call) came after the open
   * question, and how many (a live lesson's segments come one by one in slow motion).
   */
  private sent: { source: Source; connections: Map<number, string>; calls: string } | null = null;

  /** A held session's push without what it was told already (null: nothing new). */
  private news<E extends ApiEvent>(event: E, payload: ApiEvents[E]): ApiEvents[E] | null {
    if (event !== 'connections' && event !== 'experiment') return payload;
    if (this.sent?.source !== this.source) this.sent = { source: this.source, connections: new Map(), calls: '' };
    const sent = this.sent;
    if (event === 'experiment') {
      const key = JSON.stringify(payload);
      if (key === sent.calls) return null;
      sent.calls = key;
      return payload;
    }
    const fresh = (payload as ApiEvents['connections']).connections.filter((c) => {
      const key = JSON.stringify(c);
      if (sent.connections.get(c.stream) === key) return false;
      sent.connections.set(c.stream, key);
      return true;
    });
    return fresh.length ? { connections: fresh } as ApiEvents[E] : null;
  }

  /** The display-filter view this session looks through. */
  view(): ViewEntry {
    return this.source.views.get(this.filter) ?? this.source.views.all;
  }

  // ---- a lesson's gate ----

  /** What this session may be sent of its source now (lesson-gate.ts). */
  limits(): Limits {
    if (this.lessonsOpening > 0) return OPENING_LIMITS;
    const l = this.lesson;
    if (!l || l.source !== this.source) return NO_LIMITS;
    return playerLimits(l.player);
  }

  /** The last frame this session may be sent (null: all); limits().frames without the mask's work. */
  frameLimit(): number | null {
    if (this.lessonsOpening > 0) return 0;
    const l = this.lesson;
    return l && l.source === this.source ? l.player.horizon() : null;
  }

  /**
   * What the open questions would give away, to be redacted from everything this session is sent
   * (lesson-redact.ts; Reveal.none: nothing hidden: no lesson, teacher mode, every question answered).
   */
  reveal(): Reveal {
    const l = this.lesson;
    if (!l || l.source !== this.source) return Reveal.none;
    const mask = l.player.mask();
    return mask ? new Reveal(mask) : Reveal.none;
  }

  /**
   * Whether its lesson holds anything back from this session now (a gate, or a mask: its own open
   * questions' or another lesson's on the same capture). The capture file as a whole holds it all, so it
   * is not downloaded meanwhile.
   */
  heldBack(): boolean {
    return this.frameLimit() !== null || this.reveal().active;
  }

  /** Rows of this session's view it may see. */
  viewTotal(): number {
    return this.positions().total;
  }

  /**
   * This session's view as it may see it: up to its gate, and a filtered view without the frames whose
   * masked values its filter reads (filter-gate.ts).
   */
  positions(): ViewPositions {
    const e = this.view();
    const l = this.limits();
    const hidden = e.view.filtered && l.mask ? unfilterable(l.mask, this.reads(), l.frames) : [];
    return gatedPositions(e.view, this.source.store.total, l.frames, hidden);
  }

  /** What this session's filter reads (kept while the filter stays). */
  private read: { filter: string; reads: FilterReads | null } | null = null;

  private reads(): FilterReads | null {
    if (this.read?.filter !== this.filter) this.read = { filter: this.filter, reads: filterReads(this.filter) };
    return this.read.reads;
  }

  /** Frames of its source this session may see. */
  visibleFrames(): number {
    const limit = this.frameLimit();
    return limit === null ? this.source.store.total : Math.min(limit, this.source.store.total);
  }

  /**
   * The source's counters, stopped at the gate: how many frames there are would say how many segments come
   * next, and a segment missed after it (a loss a lesson asks about) that one comes. A whole-masked
   * segment's own "a segment before me was lost" is not counted either (its flags are the question).
   */
  counters(): Counters {
    const c = this.source.countersFor(this.push.skipped);
    const limit = this.frameLimit();
    if (limit !== null) { c.captured = Math.min(c.captured, limit); c.decoded = Math.min(c.decoded, limit); }
    const mask = this.lesson && this.lesson.source === this.source ? this.lesson.player.mask() : null;
    if (limit !== null || mask) c.missedSegments = this.missedUpTo(limit ?? this.source.store.total, mask);
    return c;
  }

  /** Counted again only when the gate, the mask or the store changes (counters go out with every status push). */
  private missed: { store: FrameStore; last: number; total: number; mask: Exposure | null; count: number } | null = null;

  private missedUpTo(last: number, mask: Exposure | null): number {
    const store = this.source.store;
    const m = this.missed;
    if (m && m.store === store && m.last === last && m.total === store.total && m.mask === mask) return m.count;
    const x = mask ? new Reveal(mask) : Reveal.none;
    const count = store.missedSegmentsUpTo(last, (n) => x.frameMasked(n));
    this.missed = { store, last, total: store.total, mask, count };
    return count;
  }

  /** True while the session's current lesson step asks a question not answered right yet (the filter is locked). */
  questionOpen(): boolean {
    const l = this.lesson;
    if (!l || l.source !== this.source || l.player.isTeacher) return false;
    return l.player.gate() === l.player.currentStep;
  }

  /** Looks at another source from now on (this session's filter carries over); returns the one it left. */
  switchTo(next: Source, reason: ApiEvents['reset']['reason']): Source {
    const old = this.source;
    if (old === next) return old;
    old.viewers.delete(this);
    old.views.release(this.filter);
    next.viewers.add(this);
    const got = next.views.acquire(this.filter);
    if (!got.ok) this.filter = '';
    this.source = next;
    this.push = new PushCursor(this.maxBatch);
    this.lastStatus = '';
    this.emit('reset', { reason });
    if (got.ok && got.entry.match) {
      void next.views.catchUp(got.entry).catch((e: unknown) => this.log(`filter "${this.filter}" could not catch up: ${e instanceof Error ? e.message : String(e)}`));
    }
    return old;
  }

  /** Leaves its source for good (the session is being freed). */
  leave(): Source {
    this.source.viewers.delete(this);
    this.source.views.release(this.filter);
    return this.source;
  }

  /** A path as this session may see it: students are told file names, never where the server keeps them. */
  present(text: string): string {
    if (!this.student) return text;
    const f = this.source.file;
    return f ? text.split(f).join(this.source.title) : text;
  }

  status(): CaptureStatus {
    const s = { ...this.source.status };
    if (this.student) {
      delete s.file;
      if (s.error) s.error = { ...s.error, message: this.present(s.error.message) };
    }
    return s;
  }

  /**
   * A load's progress as this session may see it: held at its lesson's gate (`limit`: the last frame it may
   * see, by default its frameLimit()), and a student is told no path.
   */
  progress(loaded: LoadProgress, limit = this.frameLimit()): LoadProgress {
    const p = cutProgress(loaded, limit);
    if (!this.student) return p;
    const out: LoadProgress = { ...p, file: this.source.title };
    if (p.error) out.error = { ...p.error, message: this.present(p.error.message) };
    return out;
  }

  info(can: SessionInfo['can']): SessionInfo {
    return {
      id: this.id, role: this.role, can, learner: this.learner, name: this.name,
      lesson: this.lesson && !this.lesson.draft ? { id: this.lesson.player.id, step: this.lesson.player.currentStep } : null,
    };
  }

  // ---- SourceViewer ----

  sourceStatusChanged(): void {
    this.pushStatus(true);
  }

  sourceProgress(p: LoadProgress): void {
    this.emit('progress', this.progress(p));
  }

  sourceExperiment(e: ApiEvents['experiment']): void {
    this.emit('experiment', e);
  }

  // ---- the live push ----

  /** One push round: the newest rows of this session's view, and what changed in its source (written out together). */
  pushRound(changes: SourceChanges): void {
    if (!this.client) return;
    if (this.client.together) this.client.together(() => this.pushRoundEvents(changes));
    else this.pushRoundEvents(changes);
  }

  private pushRoundEvents(changes: SourceChanges): void {
    if (!this.client) return;
    const src = this.source;
    const e = this.view();
    const ready = this.client.canPush ? this.client.canPush() : true;
    if (!src.views.scanning(e)) {
      const seen = this.positions();
      const total = seen.total;
      // While a file loads, its rows' Info is built by re-dissection (the store's fast path makes none):
      // a screenful per round, the rest counted as skipped (the page pulls what it shows).
      const r = this.push.next(total, ready, src.loading ? LOADING_PUSH_ROWS : src.framesPerSecond > LIVE_FAST ? LIVE_PUSH_ROWS : undefined);
      // Positions that close up over hidden frames are this session's own: its rows are made for it.
      if (r) this.emit('frames', src.framesEvent(e, r.from, r.to, total, r.skipped, seen.holes ? (i) => seen.at(i) : undefined));
    }
    if (ready && changes.connections) this.emit('connections', changes.connections);
    if (ready && changes.transitions) this.emit('transitions', changes.transitions);
    // After the transitions pushed with the old states: the views re-fetch these frames.
    if (changes.revised) this.emit('statesRevised', changes.revised);
  }

  pushStatus(force: boolean): void {
    if (!this.client) return;
    const payload = { capture: this.status(), counters: this.counters() };
    const key = JSON.stringify(payload);
    if (!force && key === this.lastStatus) return;
    this.lastStatus = key;
    this.emit('status', payload);
  }
}
