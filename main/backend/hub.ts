// The host-wide half of the back end: what there is one of. The sessions and the sources they look at,
// the one live capture and the one experiment at a time, the lessons catalogue, the push timer, limits.
// Sessions (session.ts) hold what is per person. Neither knows a transport.
import { randomBytes } from 'node:crypto';
import type { ApiEvents } from '../api/contract';
import type { AppInfo, ExperimentEvent } from '../api/types';
import type { LiveCapture } from '../capture/live-capture';
import type { ScenarioStep } from '../capture/experiment/scenarios';
import { appDataDir } from './data-dir';
import { LessonRequests } from './lesson-requests';
import { LessonCatalogue, lessonDirs } from './lessons';
import { limitsWith, type Limits } from './limits';
import { LoadBudget } from './load-budget';
import { LOCAL_TRUST, Session, type BackendClient, type Trust } from './session';
import { Slicer } from './slicer';
import { LadderPages } from './ladder-pages';
import { SeriesPoints } from './series-pull';
import { Source } from './source';

export interface HubOptions {
  transport: AppInfo['transport'];
  /** Live capture (null: unavailable here, e.g. no cap). */
  capture?: LiveCapture | null;
  /** The app's data folder (autosaved captures); default appDataDir(). */
  dataDir?: string;
  log?: (line: string) => void;
  /** Milliseconds between live pushes (default 33, ~30 per second); 0: only when tick() is called (tests). */
  pushIntervalMs?: number;
  /** Rows per pushed batch at most (default 500). */
  maxBatchRows?: number;
  locale?: string;
  /** The shipped lessons (default: HANDSHAKE_LAB_LESSONS_DIR or assets/lessons next to the code; null: none). */
  lessonsDir?: string | null;
  /** More lesson folders (`serve --lessons DIR`), after the shipped ones and the user's (<data dir>/lessons). */
  extraLessonDirs?: string[];
  /** Called after each stable point of an experiment (observers look at the kernel then). */
  onExperimentStep?: (step: ScenarioStep) => void | Promise<void>;
  /** Called when an experiment's socket call returns (the CLI prints them). */
  onExperimentEvent?: (event: ExperimentEvent) => void;
  limits?: Partial<Limits>;
}

export class Hub {
  readonly log: (line: string) => void;
  readonly limits: Limits;
  readonly lessons: LessonRequests;
  readonly dataDir: string;
  readonly maxBatch: number;
  /** What a new session looks at until it opens something. */
  readonly empty: Source;
  /** Chunks of large pulls take turns here, so no request holds the event loop for long. */
  readonly slicer = new Slicer();
  /** Ladder pages of captures that are not growing, shared by the sessions that look at them. */
  readonly ladders = new LadderPages();
  /** Graph series made in slices, and the points of the stream last graphed in each capture that is not growing. */
  readonly series = new SeriesPoints();
  /** What the captures opened from browsers hold at once (Limits.uploadMemoryBytes). */
  readonly loadBudget: LoadBudget;
  /** Called when a session is freed (uploads go with it). */
  readonly sessionHooks: ((s: Session) => void)[] = [];
  private readonly sessions = new Map<string, Session>();
  private readonly sources = new Set<Source>();
  private readonly pushInterval: number;
  private timer: NodeJS.Timeout | null = null;
  private sweeper: NodeJS.Timeout | null = null;
  private ticks = 0;
  /** Called when a source is let go (sources.ts stops its capture, the uploads module its file). */
  private readonly releaseHooks: ((s: Source) => void)[] = [];

  constructor(readonly options: HubOptions) {
    this.log = options.log ?? ((line) => process.stderr.write(`handshake-lab backend: ${line}\n`));
    this.limits = limitsWith(options.limits);
    this.loadBudget = new LoadBudget(this.limits.uploadMemoryBytes);
    this.pushInterval = options.pushIntervalMs ?? 33;
    this.maxBatch = options.maxBatchRows ?? 500;
    this.dataDir = options.dataDir ?? appDataDir();
    const catalogue = new LessonCatalogue(lessonDirs({ shipped: options.lessonsDir, dataDir: this.dataDir, extra: options.extraLessonDirs }), this.log);
    this.lessons = new LessonRequests(catalogue, this.log);
    this.empty = new Source('empty', null, '', this.log);
  }

  get capture(): LiveCapture | null {
    return this.options.capture ?? null;
  }

  // ---- sessions ----

  /** A new session (a fresh random id unless one is given: the desktop window and CLI clients use their own). */
  openSession(trust: Trust, id: string = randomBytes(16).toString('base64url')): Session {
    const s = new Session(id, trust, this.empty, this.maxBatch, this.log);
    this.sessions.set(id, s);
    this.startTimers();
    return s;
  }

  session(id: string): Session | undefined {
    return this.sessions.get(id);
  }

  allSessions(): IterableIterator<Session> {
    return this.sessions.values();
  }

  /** Gives a session its transport's client (a connect, or a resume after a reload). */
  connect(s: Session, client: BackendClient): void {
    s.client = client;
    s.detachedAt = 0;
    s.lastSeen = Date.now();
    s.lastStatus = '';
    // A new connection pulls what is already there (as far as its lesson's gate lets it); pushes start from now.
    s.push.restart(s.viewTotal());
    this.startTimers();
  }

  /** The transport went away: the session stays (a reload resumes it) until it has been idle for a while. */
  disconnect(s: Session): void {
    s.client = null;
    s.detachedAt = Date.now();
  }

  /** Frees a session now: its source is let go (and stopped, if nobody else needs it). */
  free(s: Session): void {
    if (this.sessions.get(s.id) !== s) return;
    this.sessions.delete(s.id);
    s.client = null;
    if (s.pendingLoad) s.pendingLoad.cancel = true;
    this.letGo(s.leave());
    for (const hook of this.sessionHooks) hook(s);
  }

  /** Frees sessions idle for longer than the limit, and the oldest idle ones when there are too many. */
  sweep(now = Date.now()): void {
    const idle = [...this.sessions.values()].filter((s) => !s.client && s.detachedAt > 0).sort((a, b) => a.detachedAt - b.detachedAt);
    for (const s of idle) if (now - s.detachedAt >= this.limits.sessionIdleMs) this.free(s);
    const over = this.sessions.size - this.limits.maxSessions;
    for (const s of idle.slice(0, Math.max(0, over))) this.free(s);
  }

  /**
   * Room for one more session (after freeing idle ones if needed)? A student's may not take the last
   * `teacherReserve` places, nor be one more than `studentSessionsPerAddress` from one (non-loopback)
   * address, idle ones counted: an address at its share gets its own oldest idle session's place (a
   * student who reloads, or opens and drops sockets, recycles their own), and is refused only when all of
   * its sessions are connected. When the server is full, idle sessions go oldest first, the requester's
   * own address's before anyone else's: opening sockets never frees a classmate's session while one of
   * one's own could go instead.
   */
  hasRoom(who: { student: boolean; address?: string | null } = { student: false }): boolean {
    const max = who.student ? Math.max(1, this.limits.maxSessions - this.limits.teacherReserve) : this.limits.maxSessions;
    const address = who.address ?? null;
    if (who.student && address) {
      const mine = [...this.sessions.values()].filter((s) => s.student && s.address === address);
      const over = mine.length - this.limits.studentSessionsPerAddress + 1;
      if (over > 0) {
        const idle = mine.filter((s) => !s.client).sort((a, b) => a.detachedAt - b.detachedAt);
        if (idle.length < over) return false;
        for (const s of idle.slice(0, over)) this.free(s);
      }
    }
    if (this.sessions.size < max) return true;
    this.sweep();
    if (this.sessions.size < max) return true;
    // Idle ones go until there is room: the teacher's tabs may have left more sessions than students may
    // hold (freeing one a time refused students while hundreds were idle).
    const own = (s: Session) => (s.address === address ? 0 : 1);
    const idle = [...this.sessions.values()].filter((s) => !s.client).sort((a, b) => own(a) - own(b) || a.detachedAt - b.detachedAt);
    for (const s of idle) {
      if (this.sessions.size < max) break;
      this.free(s);
    }
    return this.sessions.size < max;
  }

  // ---- sources ----

  newSource(kind: Source['kind'], file: string | null, title: string): Source {
    const s = new Source(kind, file, title, this.log, this.slicer);
    this.sources.add(s);
    return s;
  }

  liveSources(): IterableIterator<Source> {
    return this.sources.values();
  }

  /** A session looks at `next` from now on; the source it leaves is let go if nobody needs it. */
  show(s: Session, next: Source, reason: ApiEvents['reset']['reason']): void {
    const old = s.switchTo(next, reason);
    if (old !== next) this.letGo(old);
    s.pushStatus(true);
  }

  onRelease(hook: (s: Source) => void): void {
    this.releaseHooks.push(hook);
  }

  /** Disposes a source nobody looks at and nothing pins (a share, a running capture). */
  letGo(src: Source): void {
    if (src === this.empty || src.viewers.size > 0 || src.pins > 0 || !src.alive) return;
    for (const hook of this.releaseHooks) hook(src);
    if (src.pins > 0) return; // a hook kept it (e.g. a capture that is still stopping)
    src.dispose();
    this.sources.delete(src);
  }

  unpin(src: Source): void {
    src.pins = Math.max(0, src.pins - 1);
    this.letGo(src);
  }

  // ---- the live push ----

  private startTimers(): void {
    if (!this.timer && this.pushInterval > 0) {
      this.timer = setInterval(() => this.tick(), this.pushInterval);
      this.timer.unref();
    }
    if (!this.sweeper) {
      this.sweeper = setInterval(() => this.sweep(), Math.min(60_000, Math.max(1000, this.limits.sessionIdleMs / 4)));
      this.sweeper.unref();
    }
  }

  stopTimers(): void {
    if (this.timer) clearInterval(this.timer);
    if (this.sweeper) clearInterval(this.sweeper);
    this.timer = null;
    this.sweeper = null;
  }

  /** One push round (the timer calls it ~30 times a second; tests call it directly). */
  tick(): void {
    this.ticks++;
    for (const src of [this.empty, ...this.sources]) {
      const changes = src.takeChanges();
      for (const v of src.viewers) if (v instanceof Session) v.pushRound(changes);
    }
    // Counters a few times a second (and at once when a source's state changes: Source.setStatus).
    if (this.ticks % 8 === 0) for (const s of this.sessions.values()) s.pushStatus(false);
  }

  /** Stops the timers and disposes every source (captures are stopped by their owner first). */
  disposeAll(): void {
    this.stopTimers();
    for (const src of this.sources) src.dispose();
    this.sources.clear();
  }
}

export { LOCAL_TRUST };
