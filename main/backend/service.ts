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
import { LessonRequests } from './lesson-requests';
import { experimentFilter, PreparedExperiment, type ScenarioStep } from '../capture/experiment/scenarios';
import { parseEventComment, planFor } from '../api/experiment';
import type { ExperimentEvent } from '../api/types';
import { ExperimentStory, StoryLog } from './experiment-story';

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
  /** Called after each stable point of an experiment (observers look at the kernel then). */
  onExperimentStep?: (step: ScenarioStep) => void | Promise<void>;
  /** Called when an experiment's socket call returns (the CLI prints them). */
  onExperimentEvent?: (event: ExperimentEvent) => void;
  /** Whether clients may ask to give dumpcap capture rights (the desktop app, serve on loopback). */
  canEnableCapture?: boolean;
}

interface ClientState {
  ctx: BackendClient;
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
  /** The programs' calls behind the capture (an experiment, run now or read from a file's comments). */
  private story: StoryLog | null = null;
  private pendingLoad: { cancel: boolean } | null = null;
  /** Live captures: which programs hold the captured connections (connection-owners.ts). */
  private owners: ConnectionOwners | null = null;
  private readonly log: (line: string) => void;
  private readonly pushInterval: number;
  private readonly maxBatch: number;
  private readonly handlers: Handlers;
  private readonly lessons: LessonRequests;

  constructor(private readonly options: ServiceOptions) {
    this.log = options.log ?? ((line) => process.stderr.write(`handshake-lab backend: ${line}\n`));
    this.pushInterval = options.pushIntervalMs ?? 33;
    this.maxBatch = options.maxBatchRows ?? 500;
    this.views = new Views(() => this.store, this.log);
    const catalogue = new LessonCatalogue(lessonDirs({ shipped: options.lessonsDir, dataDir: options.dataDir, extra: options.extraLessonDirs }), this.log);
    this.lessons = new LessonRequests(catalogue, {
      // The app's own lesson files are always allowed, whatever the path policy.
      openFile: (path) => this.openFile(path, 'lesson', true),
      runExperiment: (p) => this.runExperiment(p),
      store: () => this.store,
      locale: () => this.options.locale ?? systemLocale(),
    }, this.log);
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
      c = { ctx: client, filter: '', push: new PushCursor(this.maxBatch), lastStatus: '' };
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
    this.clients.delete(id);
    if (this.clients.size === 0) this.stopTimer();
  }

  /** Stops any capture or load and closes files. */
  async dispose(): Promise<void> {
    await this.stopActivity();
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
        const total = e.view.total(this.store.total);
        const start = Math.min(p.start, total);
        const end = Math.min(total, start + p.count);
        const numbers: number[] = [];
        for (let i = start; i < end; i++) numbers.push(e.view.at(i));
        return { total, start, rows: this.rows(numbers) };
      },
      getFrame: async (p) => {
        if (p.number > this.store.total) throw new ApiError('not_found', `there is no frame ${p.number} (${this.store.total} frames)`);
        let detail: ApiResults['getFrame'] | null = null;
        this.withBytes(() => this.store.redecodeMany([p.number], (d, raw) => {
          detail = { frame: d.frame, bytes: bytesHex(raw.data) };
          if (d.sources.length) detail.sourceBytes = d.sources.map((s) => bytesHex(s.data));
        }));
        return detail as unknown as ApiResults['getFrame'];
      },
      indexOfFrame: async (p, c) => ({ index: this.viewOf(c).view.indexOf(p.number, this.store.total) }),
      setFilter: async (p, c) => this.setFilter(p.expression, c),
      listConnections: async () => this.store.connections(),
      getLadder: async (p) => {
        const page = this.withBytes(() => ladderPage(this.store, p.stream, p.start, p.count));
        if (!page) throw new ApiError('not_found', `there is no TCP stream ${p.stream}`);
        return { ...page, events: this.story?.forConnection(page.summary) ?? [] };
      },
      getSeries: async (p) => {
        if (!this.store.connection(p.stream)) throw new ApiError('not_found', `there is no TCP stream ${p.stream}`);
        return connectionSeries(this.store, p.stream, p.kind);
      },
      listLessons: async () => this.lessons.list(),
      openLesson: async (p) => this.lessons.openLesson(p.id),
      getLesson: async (p) => this.lessons.getLesson(p.id),
      importLesson: async (p) => this.lessons.importLesson(this.checkPath(p.path, 'open'), p.capture === undefined ? undefined : this.checkPath(p.capture, 'open')),
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
    return { ...this.counters, decoded: this.store.total, skippedPush: c ? c.push.skipped : 0 };
  }

  private snapshot(c: ClientState): StatusSnapshot {
    const e = this.viewOf(c);
    return {
      capture: { ...this.status },
      counters: this.countersFor(c),
      total: this.store.total,
      viewTotal: e.view.total(this.store.total),
      filter: c.filter,
    };
  }

  private setStatus(s: CaptureStatus): void {
    this.status = s;
    this.pushStatus(true);
  }

  private emit<E extends keyof ApiEvents>(c: ClientState, event: E, payload: ApiEvents[E]): void {
    try {
      c.ctx.emit(event, payload);
    } catch (e) {
      this.log(`could not send ${event} to ${c.ctx.id}: ${e instanceof Error ? e.message : String(e)}`);
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
    this.story = null;
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
    const storeTotal = this.store.total;
    const streams = [...this.changedStreams].slice(-MAX_CONNECTIONS_PER_PUSH);
    this.changedStreams.clear();
    const connections = streams.map((s) => this.store.connection(s)).filter((x): x is NonNullable<typeof x> => x !== null);
    const transitions = this.pendingTransitions.slice(-MAX_TRANSITIONS_PER_PUSH);
    this.pendingTransitions = [];
    for (const c of this.clients.values()) {
      const e = this.viewOf(c);
      const ready = c.ctx.canPush ? c.ctx.canPush() : true;
      if (!this.views.scanning(e)) {
        const total = e.view.total(storeTotal);
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
      const frameEvents: ExperimentEvent[] = [];
      const outcome = await loadCaptureFile(file, {
        frame: (raw, offset) => {
          this.counters.captured++;
          this.ingest(raw, offset);
          if (raw.comments) for (const c of raw.comments) { const e = parseEventComment(c, this.store.total); if (e) frameEvents.push(e); }
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
      if (this.store === store) {
        store.seal();
        this.story = StoryLog.fromComments(outcome.sectionComments, frameEvents);
      }
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

  private async startLive(p: LiveCaptureOptions, source: CaptureSourceKind, story?: ExperimentStory): Promise<CaptureStatus> {
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
      writer = new PcapngAutosave(path, { interfaceName: p.interface, snaplen: p.snaplen, ...(story ? { comments: story.headerComments(), headerRoom: story.headerRoom } : {}) });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? String(e);
      throw new ApiError('file_error', `cannot write the capture's autosave file under ${join(dataDir, 'captures')} (${code}); set HANDSHAKE_LAB_DATA_DIR to a writable folder`);
    }
    this.reset(source === 'experiment' ? 'experiment' : 'capture', path);
    if (story) this.story = story.log;
    const act: Extract<Activity, { kind: 'live' }> = { kind: 'live', source, writer, session: null, stopping: null };
    this.activity = act;
    this.owners = new ConnectionOwners(this.store, (s) => this.changedStreams.add(s), { log: this.log });
    this.owners.start();
    try {
      act.session = await cap.start(p, {
        frames: (batch) => {
          if (this.activity !== act) return;
          let offsets: number[];
          // The calls' comments go into the frames before they are written.
          if (story?.annotate(batch, this.store.total + 1)) this.pushStory(story);
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
    const { port: askedPort, ...choices } = p;
    const plan = planFor(choices);
    this.experimentRunning = true;
    let prepared: PreparedExperiment | null = null;
    try {
      const ifaces = await cap.listInterfaces();
      const lo = ifaces.find((i) => i.loopback);
      if (!lo) throw new ApiError('no_such_interface', 'no loopback interface to capture the experiment on');
      // The server listens before the capture starts (listen sends nothing), on a free port if the one
      // asked for is taken: a failure here leaves the capture on screen as it was.
      try {
        prepared = await PreparedExperiment.open(plan, askedPort);
      } catch (e) {
        throw new ApiError('internal', `the ${p.variant} experiment could not listen on port ${askedPort}: ${e instanceof Error ? e.message : String(e)}`);
      }
      const port = prepared.port;
      if (prepared.portNote) this.log(`experiment: port ${askedPort} is in use; running on port ${port}`);
      const story = new ExperimentStory(plan, port);
      await this.startLive({ interface: lo.name, filter: experimentFilter(port), snaplen: 262144 }, 'experiment', story);
      try {
        await prepared.run({
          onStep: this.options.onExperimentStep,
          onEvent: (ev, phase, call) => {
            story.event(ev, phase, call);
            if (phase === 'return') {
              if (call.call === 'connect') story.clientPortKnown(prepared?.clientPort ?? null);
              this.options.onExperimentEvent?.(ev);
            }
            this.pushStory(story);
          },
        }).then((outcome) => story.clientPortKnown(outcome.clientPort));
      } catch (e) {
        throw new ApiError('internal', `the ${p.variant} experiment failed: ${e instanceof Error ? e.message : String(e)}`);
      } finally {
        await this.settle();
        if (this.activity.kind === 'live' && !this.activity.writer.rewriteHeader(story.headerComments())) {
          this.log('experiment: the calls without frames did not fit the section header\'s room; they are kept in memory only');
        }
        await this.stopLive();
        this.pushStory(story);
      }
      if (this.status.state === 'error' && this.status.error) {
        throw new ApiError(this.status.error.code, `the capture of the ${p.variant} experiment failed: ${this.status.error.message}`);
      }
      const streams = this.store.connections().map((c) => c.stream);
      return {
        variant: p.variant, frames: this.store.total, streams, port, events: story.log.events,
        ...(prepared.portNote ? { portNote: prepared.portNote } : {}), ...(this.file ? { file: this.file } : {}),
      };
    } finally {
      this.experimentRunning = false;
      await prepared?.dispose();
    }
  }

  private pushStory(story: ExperimentStory): void {
    const log = story.log;
    this.broadcast('experiment', { events: log.events.map((e) => ({ ...e })), serverPort: log.serverPort, clientPort: log.clientPort });
  }

  /** Waits until the capture has been quiet for a moment, so the last segments are in. */
  private async settle(): Promise<void> {
    const start = Date.now();
    this.lastFrameAt = Math.max(this.lastFrameAt, start);
    while (Date.now() - this.lastFrameAt < 150 && Date.now() - start < 2000) await new Promise((r) => setTimeout(r, 25));
  }

  // ---- filters ----

  private async setFilter(expression: string, c: ClientState): Promise<ApiResults['setFilter']> {
    const old = c.filter;
    const got = this.views.acquire(expression);
    if (!got.ok) return { ok: false, expression, error: got.error };
    this.views.release(old);
    c.filter = expression.trim();
    await this.withBytesAsync(() => this.views.catchUp(got.entry));
    const total = got.entry.view.total(this.store.total);
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
