// The back end behind the API: one instance per app (Electron utility process, `serve`, CLI, tests).
// It owns the frame store, the capture (file, live, experiment), per-client views and the live push.
// Nothing here touches Electron or a window: transports call handle() and pass a ClientContext.
import { copyFile, stat, unlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import {
  ApiError, type ApiEvents, type ApiResults, type ClientContext, type HandshakeLabService,
} from '../api/contract';
import { isApiMethod, parseRequest, type ApiMethod, type RequestParams } from '../api/requests';
import type {
  AppInfo, CaptureSourceKind, CaptureStatus, Counters, ExperimentResult, FrameRow, LoadProgress, StatusSnapshot,
} from '../api/types';
import { FrameStore } from '../engine/store/frame-store';
import { ladderPage } from '../engine/store/ladder';
import { connectionSeries } from '../engine/store/series';
import { PushCursor } from '../engine/store/view';
import { bytesHex } from './hex';
import { capturesDir, captureFileName, appDataDir } from './data-dir';
import { FileBytes } from './file-bytes';
import { loadCaptureFile } from './file-loader';
import { PcapngAutosave } from './autosave';
import type { LiveCapture, LiveCaptureOptions, LiveCaptureSession } from '../capture/live-capture';
import { permissionHelp } from '../capture/permission-help';
import { enableCapture } from '../capture/enable';
import { Views, type ViewEntry } from './views';
import { ConnectionOwners } from './connection-owners';
import { LessonCatalogue, lessonDirs } from './lessons';
import { LessonRequests, type LessonClient, type Limits } from './lesson-requests';
import { cutConnection, cutConnections, cutLadder, cutSeries, visibleTotal } from './lesson-gate';
import { ProgressStore } from './lesson-progress';
import { experimentFilter, runScenario, type ScenarioStep } from '../capture/experiment/scenarios';

/** A transport's client: the contract's context plus an optional backpressure signal. */
export interface BackendClient extends ClientContext {
  /** False while the transport is behind (e.g. a WebSocket's bufferedAmount is high): live pushes are skipped. */
  canPush?(): boolean;
}

export interface ServiceOptions {
  transport: AppInfo['transport'];
  /** Live capture (null: unavailable here, e.g. no cap). */
  capture?: LiveCapture | null;
  /** The app's data folder (autosaved captures); default appDataDir(). */
  dataDir?: string;
  log?: (line: string) => void;
  /** Which paths clients may open or save to (serve on a classroom network restricts them). */
  canOpen?: (path: string) => boolean;
  canSave?: (path: string) => boolean;
  /** Milliseconds between live pushes (default 33, ~30 per second); 0: only when tick() is called (tests). */
  pushIntervalMs?: number;
  /** Rows per pushed batch at most (default 500). */
  maxBatchRows?: number;
  locale?: string;
  /** The shipped lessons (default: HANDSHAKE_LAB_LESSONS_DIR or assets/lessons next to the code; null: none). */
  lessonsDir?: string | null;
  /** More lesson folders (`serve --lessons DIR`), after the shipped ones and the user's (<data dir>/lessons). */
  extraLessonDirs?: string[];
  /** Called after each step of an experiment (the CLI prints them). */
  onExperimentStep?: (step: ScenarioStep) => void | Promise<void>;
  /** Whether clients may ask to give dumpcap capture rights (the desktop app, serve on loopback). */
  canEnableCapture?: boolean;
}

interface ClientState {
  ctx: BackendClient;
  /** The learner key the page identified with (lesson progress is kept under it). */
  learner: string | null;
  filter: string;
  push: PushCursor;
  lastStatus: string;
}

type Activity =
  | { kind: 'idle' }
  | { kind: 'loading'; file: string; cancel: boolean; done: Promise<LoadProgress> }
  | { kind: 'live'; source: CaptureSourceKind; writer: PcapngAutosave; session: LiveCaptureSession | null; stopping: Promise<void> | null };

type Handlers = { [M in ApiMethod]: (p: RequestParams<M>, c: ClientState) => Promise<ApiResults[M]> };

/** Connections and transitions pushed per tick at most (the rest are in the store, to pull). */
const MAX_CONNECTIONS_PER_PUSH = 200;
const MAX_TRANSITIONS_PER_PUSH = 1000;

export class Service implements HandshakeLabService {
  private store = new FrameStore();
  private bytes: FileBytes | null = null;
  private file: string | null = null;
  private readonly views: Views;
  private readonly clients = new Map<string, ClientState>();
  private activity: Activity = { kind: 'idle' };
  private status: CaptureStatus = { state: 'idle', source: null };
  private counters: Omit<Counters, 'skippedPush'> = { captured: 0, decoded: 0, droppedByKernel: 0, droppedByUs: 0 };
  private changedStreams = new Set<number>();
  private pendingTransitions: ApiEvents['transitions'] = [];
  private timer: NodeJS.Timeout | null = null;
  private ticks = 0;
  private lastFrameAt = 0;
  private experimentRunning = false;
  private pendingLoad: { cancel: boolean } | null = null;
  /** Live captures: which programs hold the captured connections (connection-owners.ts). */
  private owners: ConnectionOwners | null = null;
  private readonly log: (line: string) => void;
  private readonly pushInterval: number;
  private readonly maxBatch: number;
  private readonly handlers: Handlers;
  private readonly lessons: LessonRequests;
  private readonly progress: ProgressStore;

  constructor(private readonly options: ServiceOptions) {
    this.log = options.log ?? ((line) => process.stderr.write(`handshake-lab backend: ${line}\n`));
    this.pushInterval = options.pushIntervalMs ?? 33;
    this.maxBatch = options.maxBatchRows ?? 500;
    this.views = new Views(() => this.store, this.log);
    const catalogue = new LessonCatalogue(lessonDirs({ shipped: options.lessonsDir, dataDir: options.dataDir, extra: options.extraLessonDirs }), this.log);
    this.progress = new ProgressStore(join(options.dataDir ?? appDataDir(), 'progress'), this.log);
    this.lessons = new LessonRequests(catalogue, {
      // The app's own lesson files are always allowed, whatever the path policy.
      openFile: (path) => this.openFile(path, 'lesson', true),
      runExperiment: (p) => this.runExperiment(p),
      store: () => this.store,
      file: () => this.file,
      locale: () => this.options.locale ?? systemLocale(),
    }, this.log, this.progress);
    this.handlers = this.makeHandlers();
  }

  // ---- the contract ----

  async handle<M extends ApiMethod>(method: M, params: unknown, client: ClientContext): Promise<ApiResults[M]> {
    if (!isApiMethod(method)) {
      const reason = `unknown method ${JSON.stringify(String(method)).slice(0, 80)}`;
      this.log(`rejected request from ${client.id}: ${reason}`);
      throw new ApiError('bad_request', reason);
    }
    const parsed = parseRequest(method, params);
    if (!parsed.ok) {
      this.log(`rejected request from ${client.id}: ${parsed.reason}`);
      throw new ApiError('bad_request', parsed.reason);
    }
    const c = this.attach(client);
    try {
      return await (this.handlers[method] as (p: RequestParams<M>, c: ClientState) => Promise<ApiResults[M]>)(parsed.params, c);
    } catch (e) {
      if (e instanceof ApiError) throw e;
      this.log(`${method} failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
      throw new ApiError('internal', `${method} failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  /** Registers a client (transports call it on connect; handle() does it on first request). */
  attach(client: BackendClient): ClientState {
    let c = this.clients.get(client.id);
    if (!c) {
      c = { ctx: client, learner: null, filter: '', push: new PushCursor(this.maxBatch), lastStatus: '' };
      // A new client pulls what is already there; pushes start from now.
      c.push.restart(this.store.total);
      this.clients.set(client.id, c);
      this.startTimer();
    }
    return c;
  }

  /** Forgets a client (its transport closed). */
  detach(id: string): void {
    const c = this.clients.get(id);
    if (!c) return;
    this.views.release(c.filter);
    this.lessons.forget(id);
    this.clients.delete(id);
    if (this.clients.size === 0) this.stopTimer();
  }

  /** Stops any capture or load and closes files. */
  async dispose(): Promise<void> {
    await this.stopActivity();
    await this.progress.flush();
    this.stopTimer();
    this.bytes?.close();
    this.bytes = null;
  }

  /** The frame store (read-only use: CLI, tests). */
  get frames(): FrameStore {
    return this.store;
  }

  get captureFile(): string | null {
    return this.file;
  }

  private makeHandlers(): Handlers {
    return {
      getAppInfo: async () => this.appInfo(),
      getStatus: async (_p, c) => this.snapshot(c),
      listInterfaces: async () => {
        if (!this.options.capture) throw new ApiError('capture_unavailable', 'live capture is not available in this process');
        return this.options.capture.listInterfaces();
      },
      startCapture: async (p) => this.startLive(p, 'live'),
      stopCapture: async () => this.stopLive(),
      openFile: async (p) => this.openFile(p.path),
      cancelLoad: async () => {
        if (this.activity.kind === 'loading') {
          this.activity.cancel = true;
          return { cancelled: true };
        }
        // A load asked for but not started yet (its file is being checked): cancel it before it starts.
        if (this.pendingLoad) {
          this.pendingLoad.cancel = true;
          return { cancelled: true };
        }
        return { cancelled: false };
      },
      saveCapture: async (p) => this.saveCapture(p.path),
      runExperiment: async (p) => this.runExperiment(p),
      getFrames: async (p, c) => {
        const e = this.viewOf(c);
        const total = this.viewTotal(c);
        const start = Math.min(p.start, total);
        const end = Math.min(total, start + p.count);
        const numbers: number[] = [];
        for (let i = start; i < end; i++) numbers.push(e.view.at(i));
        return { total, start, rows: this.rows(numbers) };
      },
      getFrame: async (p, c) => {
        if (p.number > this.store.total) throw new ApiError('not_found', `there is no frame ${p.number} (${this.store.total} frames)`);
        this.refuseBeyond(c, p.number);
        let detail: ApiResults['getFrame'] | null = null;
        this.withBytes(() => this.store.redecodeMany([p.number], (d, raw) => {
          detail = { frame: d.frame, bytes: bytesHex(raw.data) };
          if (d.sources.length) detail.sourceBytes = d.sources.map((s) => bytesHex(s.data));
        }));
        return detail as unknown as ApiResults['getFrame'];
      },
      indexOfFrame: async (p, c) => {
        const index = this.viewOf(c).view.indexOf(p.number, this.store.total);
        return { index: index >= this.viewTotal(c) ? -1 : index };
      },
      setFilter: async (p, c) => this.setFilter(p.expression, c),
      listConnections: async (_p, c) => this.withBytes(() => cutConnections(this.store.connections(), this.store, this.limits(c).frames)),
      getLadder: async (p, c) => {
        const limit = this.limits(c).frames;
        const page = this.withBytes(() => {
          const full = ladderPage(this.store, p.stream, p.start, p.count);
          return full && cutLadder(full, this.store, limit);
        });
        if (!page) throw new ApiError('not_found', `there is no TCP stream ${p.stream}`);
        return page;
      },
      getSeries: async (p, c) => {
        const limit = this.limits(c).frames;
        const conn = this.store.connection(p.stream);
        if (!conn || (limit !== null && conn.firstFrame > limit)) throw new ApiError('not_found', `there is no TCP stream ${p.stream}`);
        return cutSeries(connectionSeries(this.store, p.stream, p.kind), limit);
      },
      listLessons: async (_p, c) => this.lessons.list(this.lessonClient(c)),
      openLesson: async (p, c) => this.lessons.openLesson(p.id, this.lessonClient(c)),
      getLesson: async (p, c) => this.lessons.getLesson(p.id, this.lessonClient(c)),
      importLesson: async (p) => this.lessons.importLesson(this.checkPath(p.path, 'open'), p.capture === undefined ? undefined : this.checkPath(p.capture, 'open')),
      identify: async (p, c) => {
        c.learner = p.learner;
        return { learner: p.learner, name: p.name ?? null };
      },
      lessonProgress: async (p, c) => this.lessons.lessonProgress(p.lesson, p.step, this.lessonClient(c)),
      answerQuestion: async (p, c) => this.lessons.answerQuestion(p.lesson, p.step, p.answer, this.lessonClient(c)),
      setTeacherMode: async (p, c) => this.lessons.setTeacherMode(p.on, this.lessonClient(c)),
      checkLesson: async (p) => this.lessons.checkLesson(p.lesson),
      previewLesson: async (p, c) => this.lessons.previewLesson(p.lesson, this.lessonClient(c)),
      saveLesson: async (p) => this.lessons.saveLesson(p.lesson),
      closeLesson: async (_p, c) => this.lessons.closeLesson(this.lessonClient(c)),
      enableCapture: async () => {
        if (!this.options.canEnableCapture) throw new ApiError('forbidden', 'only someone at this computer may change who can capture on it (the desktop app, or serve on 127.0.0.1)');
        return { ...(await enableCapture(undefined, this.log)), capture: (await this.appInfo()).capture };
      },
    };
  }

  // ---- app and status ----

  private async appInfo(): Promise<AppInfo> {
    const cap = this.options.capture;
    const avail = cap ? await cap.availability() : { available: false, reason: 'live capture is not available in this process' };
    return {
      name: 'Handshake Lab',
      version: typeof __APP_VERSION__ === 'string' ? __APP_VERSION__ : '0.0.0',
      transport: this.options.transport,
      platform: process.platform,
      locale: this.options.locale ?? systemLocale(),
      capture: { available: avail.available, ...(avail.reason ? { reason: avail.reason } : {}), help: this.captureHelp() },
    };
  }

  /** How to allow capture here; the button only where this client may use it. */
  private captureHelp(): AppInfo['capture']['help'] {
    const help = permissionHelp();
    return { ...help, canFix: help.canFix && !!this.options.canEnableCapture };
  }

  private countersFor(c: ClientState | null): Counters {
    const counters = { ...this.counters, decoded: this.store.total, skippedPush: c ? c.push.skipped : 0 };
    const limit = c ? this.limits(c).frames : null;
    // How many frames there are would say how many segments come next.
    if (limit !== null) { counters.captured = Math.min(counters.captured, limit); counters.decoded = Math.min(counters.decoded, limit); }
    return counters;
  }

  private snapshot(c: ClientState): StatusSnapshot {
    return {
      capture: { ...this.status },
      counters: this.countersFor(c),
      total: this.visibleFrames(c),
      viewTotal: this.viewTotal(c),
      filter: c.filter,
    };
  }

  // ---- lessons: what a client in a lesson may be sent (lesson-gate.ts) ----

  private lessonClient(c: ClientState): LessonClient {
    return { id: c.ctx.id, learner: c.learner, mayTeach: true };
  }

  private limits(c: ClientState): Limits {
    return this.lessons.limitsFor({ id: c.ctx.id, learner: c.learner }, this.store);
  }

  /** Frames of the store this client may see. */
  private visibleFrames(c: ClientState): number {
    const limit = this.limits(c).frames;
    return limit === null ? this.store.total : Math.min(limit, this.store.total);
  }

  /** Rows of the client's view it may see (a filtered view stops before what a question would give away). */
  private viewTotal(c: ClientState): number {
    const e = this.viewOf(c);
    const l = this.limits(c);
    return visibleTotal(e.view, this.store.total, e.view.filtered ? l.filtered : l.frames);
  }

  private refuseBeyond(c: ClientState, frame: number): void {
    const limit = this.limits(c).frames;
    if (limit !== null && frame > limit) {
      throw new ApiError('forbidden', limit === 0 ? 'the lesson is still opening' : `frame ${frame} comes after the open question's segment (frame ${limit}): answer the question first`);
    }
  }

  private setStatus(s: CaptureStatus): void {
    this.status = s;
    this.pushStatus(true);
  }

  private emit<E extends keyof ApiEvents>(c: ClientState, event: E, payload: ApiEvents[E]): void {
    try {
      const gated = this.gatePush(c, event, payload);
      if (gated !== null) c.ctx.emit(event, gated);
    } catch (e) {
      this.log(`could not send ${event} to ${c.ctx.id}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  /** A push as this client may see it (null: nothing of it). */
  private gatePush<E extends keyof ApiEvents>(c: ClientState, event: E, payload: ApiEvents[E]): ApiEvents[E] | null {
    const limit = this.limits(c).frames;
    if (limit === null) return payload;
    switch (event) {
      case 'progress': {
        const p = payload as ApiEvents['progress'];
        return { ...p, frames: Math.min(p.frames, limit) } as ApiEvents[E];
      }
      case 'connections': {
        const list = (payload as ApiEvents['connections']).connections.map((x) => cutConnection(x, this.store, limit)).filter((x) => x !== null);
        return list.length ? { connections: list } as ApiEvents[E] : null;
      }
      case 'transitions': {
        const list = (payload as ApiEvents['transitions']).filter((t) => t.frame <= limit);
        return list.length ? list as ApiEvents[E] : null;
      }
      default:
        return payload;
    }
  }

  private broadcast<E extends keyof ApiEvents>(event: E, payload: ApiEvents[E]): void {
    for (const c of this.clients.values()) this.emit(c, event, payload);
  }

  // ---- the frame store ----

  private viewOf(c: ClientState): ViewEntry {
    return this.views.get(c.filter) ?? this.views.all;
  }

  private rows(numbers: number[]): FrameRow[] {
    return this.withBytes(() => this.store.rows(numbers));
  }

  /** Runs a store read that re-reads the capture file, turning a vanished file into a clear error. */
  private withBytes<T>(fn: () => T): T {
    try {
      return fn();
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code || (e instanceof Error && /file is shorter|bytes are not available/.test(e.message))) {
        throw new ApiError('file_error', `cannot re-read frames from ${this.file ?? 'the capture file'}: ${e instanceof Error ? e.message : String(e)}`);
      }
      throw e;
    }
  }

  /** Clears everything for a new capture and tells every client. */
  private reset(reason: ApiEvents['reset']['reason'], file: string | null): void {
    this.bytes?.close();
    this.bytes = file ? new FileBytes(file) : null;
    this.file = file;
    this.store = new FrameStore(this.bytes);
    this.views.reset();
    this.counters = { captured: 0, decoded: 0, droppedByKernel: 0, droppedByUs: 0 };
    this.changedStreams.clear();
    this.pendingTransitions = [];
    for (const c of this.clients.values()) {
      c.push = new PushCursor(this.maxBatch);
      this.emit(c, 'reset', { reason });
    }
  }

  /** Stores one frame (from a file or a capture) and notes what the next push should carry. */
  private ingest(raw: Parameters<FrameStore['add']>[0], offset: number): void {
    const d = this.store.add(raw, offset);
    this.views.added(d.frame, raw.data, d.sources.map((s) => s.data));
    if (d.tcp) {
      const s = d.tcp.analysis.stream;
      this.changedStreams.add(s);
      const t = d.frame.transitions;
      if (t && t.length && d.frame.states) {
        this.pendingTransitions.push({ stream: s, frame: d.frame.frame, states: d.frame.states, transitions: t });
        if (this.pendingTransitions.length > 2 * MAX_TRANSITIONS_PER_PUSH) this.pendingTransitions.splice(0, MAX_TRANSITIONS_PER_PUSH);
      }
    }
    this.lastFrameAt = Date.now();
  }

  // ---- the live push ----

  private startTimer(): void {
    if (this.timer || this.pushInterval <= 0) return;
    this.timer = setInterval(() => this.tick(), this.pushInterval);
    this.timer.unref();
  }

  private stopTimer(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** One push round (the timer calls it ~30 times a second; tests call it directly). */
  tick(): void {
    this.ticks++;
    const streams = [...this.changedStreams].slice(-MAX_CONNECTIONS_PER_PUSH);
    this.changedStreams.clear();
    const connections = streams.map((s) => this.store.connection(s)).filter((x): x is NonNullable<typeof x> => x !== null);
    const transitions = this.pendingTransitions.slice(-MAX_TRANSITIONS_PER_PUSH);
    this.pendingTransitions = [];
    for (const c of this.clients.values()) {
      const e = this.viewOf(c);
      const ready = c.ctx.canPush ? c.ctx.canPush() : true;
      if (!this.views.scanning(e)) {
        const total = this.viewTotal(c);
        const r = c.push.next(total, ready);
        if (r) {
          const numbers: number[] = [];
          for (let i = r.from; i < r.to; i++) numbers.push(e.view.at(i));
          let rows: FrameRow[];
          try {
            rows = this.store.rows(numbers);
          } catch (err) {
            this.log(`push failed: ${err instanceof Error ? err.message : String(err)}`);
            rows = [];
          }
          this.emit(c, 'frames', { rows, total, skipped: r.skipped });
        }
      }
      if (ready && connections.length) this.emit(c, 'connections', { connections });
      if (ready && transitions.length) this.emit(c, 'transitions', transitions);
    }
    // Counters a few times a second (and at once when the capture state changes: setStatus).
    if (this.ticks % 8 === 0) this.pushStatus(false);
  }

  private pushStatus(force: boolean): void {
    for (const c of this.clients.values()) {
      const payload = { capture: { ...this.status }, counters: this.countersFor(c) };
      const key = JSON.stringify(payload);
      if (!force && key === c.lastStatus) continue;
      c.lastStatus = key;
      this.emit(c, 'status', payload);
    }
  }

  // ---- files ----

  private checkPath(path: string, what: 'open' | 'save'): string {
    const full = resolve(path);
    const allowed = what === 'open' ? this.options.canOpen : this.options.canSave;
    if (allowed && !allowed(full)) {
      this.log(`refused to ${what} ${full}: not allowed for this client`);
      throw new ApiError('forbidden', `this server does not allow ${what === 'open' ? 'opening' : 'saving to'} ${path}`);
    }
    return full;
  }

  /** Opens a capture file: resolves when it is fully loaded (or cancelled); progress events go out meanwhile. */
  async openFile(path: string, reason: ApiEvents['reset']['reason'] = 'file', trusted = false): Promise<LoadProgress> {
    const pending = { cancel: false };
    this.pendingLoad = pending;
    try {
      return await this.openFileNow(path, reason, trusted, pending);
    } finally {
      if (this.pendingLoad === pending) this.pendingLoad = null;
    }
  }

  private async openFileNow(path: string, reason: ApiEvents['reset']['reason'], trusted: boolean, pending: { cancel: boolean }): Promise<LoadProgress> {
    const file = trusted ? resolve(path) : this.checkPath(path, 'open');
    try {
      const st = await stat(file);
      if (!st.isFile()) throw new ApiError('file_error', `${path}: ${st.isDirectory() ? 'is a directory, not a capture file' : 'is not a regular file'}`);
    } catch (e) {
      if (e instanceof ApiError) throw e;
      const code = (e as NodeJS.ErrnoException).code;
      throw new ApiError('file_error', `${path}: ${code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : `cannot open (${code})`}`);
    }
    if (this.experimentRunning) throw new ApiError('busy', 'an experiment is running; wait for it to finish');
    // Cancelled before it began: the current capture stays as it was.
    if (pending.cancel) return { file, bytesRead: 0, totalBytes: 0, frames: 0, done: true, cancelled: true };
    await this.stopActivity();
    this.reset(reason, file);
    let cancel: boolean = pending.cancel;
    if (this.pendingLoad === pending) this.pendingLoad = null;
    let lastProgress = 0;
    const progress = (bytesRead: number, totalBytes: number, done: boolean): LoadProgress =>
      ({ file, bytesRead, totalBytes, frames: this.store.total, done });
    const act: Activity = {
      kind: 'loading', file, get cancel() { return cancel; }, set cancel(v: boolean) { cancel = v; },
      done: Promise.resolve(progress(0, 0, false)),
    };
    const store = this.store;
    const run = async (): Promise<LoadProgress> => {
      this.setStatus({ state: 'loading', source: 'file', file });
      const outcome = await loadCaptureFile(file, {
        frame: (raw, offset) => {
          this.counters.captured++;
          this.ingest(raw, offset);
        },
        progress: (bytesRead, totalBytes) => {
          const now = Date.now();
          if (now - lastProgress < 100) return;
          lastProgress = now;
          this.broadcast('progress', progress(bytesRead, totalBytes, false));
        },
        cancelled: () => cancel || this.store !== store,
      });
      // The file is read: its store takes no more frames, so its connection trackers can go.
      if (this.store === store) store.seal();
      const final = progress(outcome.bytesRead, outcome.totalBytes, true);
      if (outcome.ok && outcome.cancelled) final.cancelled = true;
      let error: CaptureStatus['error'];
      if (!outcome.ok) {
        error = { code: 'file_error', message: outcome.problem };
        final.error = error;
        this.log(outcome.problem);
      }
      if (this.activity === act) {
        this.activity = { kind: 'idle' };
        this.setStatus({ state: 'idle', source: 'file', file, ...(error ? { error } : {}) });
      }
      this.tick();
      this.broadcast('progress', final);
      return final;
    };
    act.done = run();
    this.activity = act;
    return act.done;
  }

  async saveCapture(path: string): Promise<{ path: string; frames: number }> {
    const target = this.checkPath(path, 'save');
    if (!this.file) throw new ApiError('not_found', 'there is no capture to save yet');
    if (resolve(this.file) === target) return { path: target, frames: this.store.total };
    try {
      await copyFile(this.file, target);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new ApiError('file_error', `cannot save to ${path}: ${code === 'EACCES' ? 'permission denied' : code === 'ENOENT' ? 'no such folder' : code ?? String(e)}`);
    }
    return { path: target, frames: this.store.total };
  }

  // ---- live capture ----

  private async startLive(p: LiveCaptureOptions, source: CaptureSourceKind): Promise<CaptureStatus> {
    const cap = this.options.capture;
    const help = permissionHelp();
    if (!cap) throw new ApiError('capture_unavailable', `live capture is not available in this process. ${help.steps[0]}`);
    const avail = await cap.availability();
    if (!avail.available) throw new ApiError('capture_unavailable', avail.reason ?? 'live capture is not available');
    if (source === 'live' && this.experimentRunning) throw new ApiError('busy', 'an experiment is running; wait for it to finish');
    await this.stopActivity();
    const dataDir = this.options.dataDir ?? appDataDir();
    let path: string;
    let writer: PcapngAutosave;
    try {
      path = join(capturesDir(dataDir), captureFileName(source === 'experiment' ? 'experiment' : p.interface));
      writer = new PcapngAutosave(path, { interfaceName: p.interface, snaplen: p.snaplen });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? String(e);
      throw new ApiError('file_error', `cannot write the capture's autosave file under ${join(dataDir, 'captures')} (${code}); set HANDSHAKE_LAB_DATA_DIR to a writable folder`);
    }
    this.reset(source === 'experiment' ? 'experiment' : 'capture', path);
    const act: Extract<Activity, { kind: 'live' }> = { kind: 'live', source, writer, session: null, stopping: null };
    this.activity = act;
    this.owners = new ConnectionOwners(this.store, (s) => this.changedStreams.add(s), { log: this.log });
    this.owners.start();
    try {
      act.session = await cap.start(p, {
        frames: (batch) => {
          if (this.activity !== act) return;
          let offsets: number[];
          try {
            offsets = writer.append(batch);
          } catch (e) {
            // Without the bytes on disk the frames could not be shown later: count them as ours to lose.
            this.counters.droppedByUs += batch.length;
            this.log(`autosave failed, ${batch.length} frames dropped: ${e instanceof Error ? e.message : String(e)}`);
            return;
          }
          this.counters.captured += batch.length;
          for (let i = 0; i < batch.length; i++) this.ingest(batch[i], offsets[i]);
        },
        stats: (s) => {
          if (this.activity !== act) return;
          this.counters.droppedByKernel = s.droppedByKernel + s.droppedByInterface;
        },
        error: (err) => {
          if (this.activity !== act) return;
          this.log(`capture error: ${err.message}`);
          this.broadcast('error', err);
          void this.stopLive(err);
        },
      });
    } catch (e) {
      this.activity = { kind: 'idle' };
      this.owners?.stop();
      writer.close();
      await unlink(path).catch(() => undefined);
      const err = e instanceof ApiError ? e : new ApiError('capture_unavailable', e instanceof Error ? e.message : String(e));
      this.setStatus({ state: 'error', source, interface: p.interface, filter: p.filter, error: err.toJSON() });
      throw err;
    }
    this.setStatus({ state: 'running', source, interface: p.interface, filter: p.filter, file: path });
    return { ...this.status };
  }

  private async stopLive(error?: CaptureStatus['error']): Promise<CaptureStatus> {
    const act = this.activity;
    if (act.kind !== 'live') return { ...this.status };
    if (!act.stopping) {
      act.stopping = (async () => {
        this.setStatus({ ...this.status, state: 'stopping' });
        try {
          const final = await act.session?.stop();
          if (final) this.counters.droppedByKernel = final.droppedByKernel + final.droppedByInterface;
        } catch (e) {
          this.log(`stopping the capture failed: ${e instanceof Error ? e.message : String(e)}`);
        }
        act.writer.close();
        this.owners?.stop();
        if (this.activity === act) this.activity = { kind: 'idle' };
        this.tick();
        const { state: _s, error: _e, ...rest } = this.status;
        this.setStatus({ ...rest, state: error ? 'error' : 'idle', ...(error ? { error } : {}) });
      })();
    }
    await act.stopping;
    return { ...this.status };
  }

  private async stopActivity(): Promise<void> {
    const act = this.activity;
    if (act.kind === 'loading') {
      act.cancel = true;
      await act.done;
    } else if (act.kind === 'live') {
      await this.stopLive();
    }
  }

  // ---- experiment ----

  async runExperiment(p: RequestParams<'runExperiment'>): Promise<ExperimentResult> {
    if (this.experimentRunning) throw new ApiError('busy', 'an experiment is already running');
    const cap = this.options.capture;
    if (!cap) throw new ApiError('capture_unavailable', `the experiment needs live capture, which is not available in this process. ${permissionHelp().steps[0]}`);
    this.experimentRunning = true;
    try {
      const ifaces = await cap.listInterfaces();
      const lo = ifaces.find((i) => i.loopback);
      if (!lo) throw new ApiError('no_such_interface', 'no loopback interface to capture the experiment on');
      await this.startLive({ interface: lo.name, filter: experimentFilter(p.port), snaplen: 262144 }, 'experiment');
      try {
        await runScenario({ variant: p.variant, port: p.port, slowMotionMs: p.slowMotionMs, onStep: this.options.onExperimentStep });
      } catch (e) {
        const msg = e instanceof Error ? e.message : String(e);
        throw new ApiError(/in use|listening on/.test(msg) ? 'busy' : 'internal', `the ${p.variant} experiment failed: ${msg}`);
      } finally {
        await this.settle();
        await this.stopLive();
      }
      if (this.status.state === 'error' && this.status.error) {
        throw new ApiError(this.status.error.code, `the capture of the ${p.variant} experiment failed: ${this.status.error.message}`);
      }
      const streams = this.store.connections().map((c) => c.stream);
      return { variant: p.variant, frames: this.store.total, streams, ...(this.file ? { file: this.file } : {}) };
    } finally {
      this.experimentRunning = false;
    }
  }

  /** Waits until the capture has been quiet for a moment, so the last segments are in. */
  private async settle(): Promise<void> {
    const start = Date.now();
    this.lastFrameAt = Math.max(this.lastFrameAt, start);
    while (Date.now() - this.lastFrameAt < 150 && Date.now() - start < 2000) await new Promise((r) => setTimeout(r, 25));
  }

  // ---- filters ----

  private async setFilter(expression: string, c: ClientState): Promise<ApiResults['setFilter']> {
    if (this.lessons.questionOpen({ id: c.ctx.id, learner: c.learner }, this.store)) throw new ApiError('forbidden', 'the display filter is locked until the lesson\'s question is answered');
    const old = c.filter;
    const got = this.views.acquire(expression);
    if (!got.ok) return { ok: false, expression, error: got.error };
    this.views.release(old);
    c.filter = expression.trim();
    await this.withBytesAsync(() => this.views.catchUp(got.entry));
    const total = this.viewTotal(c);
    c.push.restart(total);
    return { ok: true, expression, total };
  }

  private async withBytesAsync<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      return this.withBytes(() => { throw e; });
    }
  }
}

function systemLocale(): string {
  const env = process.env.LC_ALL || process.env.LC_MESSAGES || process.env.LANG;
  if (env && env !== 'C' && env !== 'POSIX') return env.split('.')[0].replace('_', '-');
  return Intl.DateTimeFormat().resolvedOptions().locale || 'en';
}
