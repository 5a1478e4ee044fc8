// The back end behind the API: one instance per app (Electron utility process, `serve`, CLI, tests).
// Transports hand it requests with the client that sent them: it validates them, finds the client's
// session, refuses what the session's role may not do, and runs the method's handler (handlers.ts).
// The host-wide half lives in the hub (hub.ts: sessions, sources, push timer), captures.ts (the one
// capture, experiments) and classroom.ts (shares, dashboard, progress); the per-person half in session.ts,
// a session's lesson (its player and gate) included.
// Nothing here touches Electron, a window or a socket.
import { resolve } from 'node:path';
import { ApiError, type ApiEvents, type ApiResults, type ClientContext, type HandshakeLabService } from '../api/contract';
import { isApiMethod, parseRequest, type ApiMethod } from '../api/requests';
import type { AppInfo, ClassPolicy, LessonPlay, LoadProgress, Role, SessionInfo } from '../api/types';
import type { FrameStore } from '../engine/store/frame-store';
import { enableCapture } from '../capture/enable';
import { permissionHelp } from '../capture/permission-help';
import { Captures, type ServerAddress } from './captures';
import { Classroom } from './classroom';
import { FilterBudget } from './filter-budget';
import { capturesDir } from './data-dir';
import { addressGroup } from './net-address';
import { makeHandlers, type Handlers } from './handlers';
import { Hub, type HubOptions } from './hub';
import { LESSON_EXPERIMENT_PORT, type LessonRequests } from './lesson-requests';
import type { PlayerOptions } from './lesson-player';
import { ProgressStore } from './progress';
import { checkCaptureFile, fileTitle, isInside } from './open-file';
import { LOCAL_TRUST, type BackendClient, type Session, type SessionLesson, type Trust } from './session';
import type { Source } from './source';
import { Uploads } from './uploads';
import { join } from 'node:path';

export type { BackendClient } from './session';

export interface ServiceOptions extends HubOptions {
  /** Host-wide path rules on top of each session's own (tests; older callers). */
  canOpen?: (path: string) => boolean;
  canSave?: (path: string) => boolean;
  /** Where browser uploads are kept (serve); enables uploads. */
  uploadDir?: string;
  /** Where learners' progress is saved (default: <data folder>/progress; null: memory only). */
  progressDir?: string | null;
  /** Ports a browser client's experiment may use (default: 12345 only). */
  experimentPorts?: number[];
  /** Whether the person at this computer may give dumpcap capture rights (the desktop app, serve on loopback): teachers only. */
  canEnableCapture?: boolean;
}

/**
 * Methods only a teacher may call: a student gets `forbidden`. Authoring is the teacher's: a draft's
 * computed answers (checkLesson) would answer a student's questions, and a preview would replace the
 * student's lesson, and its gate, with one of their own making.
 */
const TEACHER_ONLY: ReadonlySet<ApiMethod> = new Set<ApiMethod>([
  'listInterfaces', 'startCapture', 'stopCapture', 'saveCapture', 'share', 'unshare', 'setClassPolicy', 'getClass', 'exportClassCsv',
  'importLesson', 'enableCapture', 'setTeacherMode', 'checkLesson', 'previewLesson', 'saveLesson',
]);

export class Service implements HandshakeLabService {
  readonly hub: Hub;
  readonly captures: Captures;
  readonly classroom: Classroom;
  readonly uploads: Uploads | null;
  private readonly byClient = new Map<string, Session>();
  private readonly lessonSources = new Map<string, Source>();
  private readonly handlers: Handlers;
  private disposing = false;

  constructor(private readonly options: ServiceOptions) {
    this.hub = new Hub(options);
    this.captures = new Captures(this.hub);
    if (options.experimentPorts) this.captures.allowedPorts = [...options.experimentPorts];
    const progressDir = options.progressDir === undefined ? join(this.hub.dataDir, 'progress') : options.progressDir;
    this.classroom = new Classroom(this.hub, progressDir, { get: () => this.captures.studentsMayExperiment });
    this.uploads = options.uploadDir ? new Uploads(options.uploadDir, { fileBytes: this.hub.limits.uploadFileBytes, totalBytes: this.hub.limits.uploadTotalBytes, perSession: this.hub.limits.uploadsPerSession, files: this.hub.limits.uploadFiles }, this.hub.log) : null;
    this.hub.onRelease((src) => {
      if (src.kind === 'lesson') for (const [file, l] of this.lessonSources) if (l === src) this.lessonSources.delete(file);
      this.uploads?.closed(src.file);
    });
    this.hub.sessionHooks.push((s) => {
      this.uploads?.release(s.id, (path) => this.fileInUse(path));
      // Its learners go with it if they answered nothing (made-up learners must not keep places for good),
      // unless the server is stopping (a learner's place in a lesson is then kept for its return).
      if (!this.disposing) this.classroom.released(s.learnersSeen);
      this.classroom.changed();
    });
    this.handlers = makeHandlers(this);
  }

  get locale(): string {
    return this.options.locale ?? systemLocale();
  }

  // ---- the contract ----

  async handle<M extends ApiMethod>(method: M, params: unknown, client: ClientContext): Promise<ApiResults[M]> {
    if (!isApiMethod(method)) {
      const reason = `unknown method ${JSON.stringify(String(method)).slice(0, 80)}`;
      this.hub.log(`rejected request from ${client.id}: ${reason}`);
      throw new ApiError('bad_request', reason);
    }
    const parsed = parseRequest(method, params);
    if (!parsed.ok) {
      this.hub.log(`rejected request from ${client.id}: ${parsed.reason}`);
      throw new ApiError('bad_request', parsed.reason);
    }
    const s = this.byClient.get(client.id) ?? this.attach(client);
    s.lastSeen = Date.now();
    if (s.student && TEACHER_ONLY.has(method)) {
      this.hub.log(`refused ${method} from student session ${client.id}`);
      throw new ApiError('forbidden', `${method} is for the teacher; students cannot use it on this server`);
    }
    try {
      return await (this.handlers[method] as (p: unknown, s: Session) => Promise<ApiResults[M]>)(parsed.params, s);
    } catch (e) {
      if (e instanceof ApiError) throw e;
      this.hub.log(`${method} failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
      throw new ApiError('internal', `${method} failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  /**
   * Registers a client with a session of its own named by the client's id (the desktop window, CLI
   * commands, tests): full trust unless told otherwise. A client already known keeps its session.
   */
  attach(client: BackendClient, trust: Trust = LOCAL_TRUST): Session {
    const known = this.byClient.get(client.id);
    if (known) return known;
    const s = this.hub.session(client.id) ?? this.hub.openSession(trust, client.id);
    this.startOn(s);
    this.byClient.set(client.id, s);
    this.hub.connect(s, client);
    return s;
  }

  /** The same client again after its page reloaded (the desktop window): same session, pushes start from now. */
  reattach(client: BackendClient): Session {
    const s = this.byClient.get(client.id);
    if (!s) return this.attach(client);
    this.hub.connect(s, client);
    return s;
  }

  /**
   * A browser connects (serve): it resumes the session it names when that session is its role's and not
   * in use by another tab (a duplicated tab gets a new session), else gets a new one. Null when the
   * server holds as many sessions as it may.
   */
  connect(client: BackendClient, o: { role: Role; loopback: boolean; resume?: string | null; address?: string | null }): Session | null {
    const trust: Trust = { role: o.role, anyPath: o.role === 'teacher' && o.loopback, anyPort: false, browser: true };
    let s = o.resume ? this.hub.session(o.resume) : undefined;
    if (s && (s.client || s.role !== trust.role || s.trust.anyPath !== trust.anyPath || !s.trust.browser)) s = undefined;
    if (!s) {
      // A student's may not take the teacher's reserve, nor be too many from one address (loopback: tests, one machine).
      // Counted by the address's group (an IPv6 address by its /64): every per-address limit keys on s.address.
      const address = o.loopback || !o.address ? null : addressGroup(o.address);
      if (!this.hub.hasRoom({ student: o.role === 'student', address })) return null;
      s = this.hub.openSession(trust);
      s.address = address;
      this.startOn(s);
    }
    this.byClient.set(client.id, s);
    this.hub.connect(s, client);
    s.emit('session', this.sessionInfo(s));
    s.emit('shared', this.classroom.list());
    this.classroom.changed();
    return s;
  }

  /** Whether an open capture reads `path` (an upload that must stay while it does). */
  fileInUse(path: string): boolean {
    return [...this.hub.liveSources()].some((src) => src.file === path && src.alive);
  }

  /**
   * Resolves once session `id` has no connection (or is gone), or after `ms`: a reloaded page's new
   * connection may arrive before its old one has closed, and must still resume its session.
   */
  async whenFree(id: string, ms: number): Promise<void> {
    const end = Date.now() + ms;
    while (this.hub.session(id)?.client && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
  }

  /** A new session starts on the newest shared capture (serve --open / --capture), if there is one. */
  private startOn(s: Session): void {
    const shared = this.classroom.newestSource(s.student);
    if (shared) s.switchTo(shared, shared.kind === 'capture' ? 'capture' : 'file');
  }

  /** The client's transport closed: a browser's session is kept for a while (a reload resumes it), others are freed. */
  detach(clientId: string): void {
    const s = this.byClient.get(clientId);
    if (!s) return;
    this.byClient.delete(clientId);
    if (s.trust.browser) this.hub.disconnect(s);
    else this.hub.free(s);
    this.classroom.changed();
  }

  /** The session a connected client has (transports: uploads and downloads name it). */
  sessionOf(clientId: string): Session | undefined {
    return this.byClient.get(clientId);
  }

  sessionById(id: string): Session | undefined {
    return this.hub.session(id);
  }

  setServerAddress(a: ServerAddress | null, classUrl: string | null = null): void {
    this.captures.setServerAddress(a);
    this.classroom.classUrl = classUrl;
  }

  /** Stops the capture (waiting at most `deadlineMs` for it), frees every session and closes files. */
  async dispose(deadlineMs = 5000): Promise<void> {
    this.disposing = true;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.captures.stopAll(), new Promise<void>((r) => { timer = setTimeout(r, deadlineMs); timer.unref(); })]);
    clearTimeout(timer);
    for (const s of [...this.hub.allSessions()]) this.hub.free(s);
    this.byClient.clear();
    this.classroom.dispose();
    await this.classroom.progress.flush();
    this.hub.disposeAll();
  }

  tick(): void {
    this.hub.tick();
  }

  // ---- what handlers share ----

  appInfo(s: Session): Promise<AppInfo> | AppInfo {
    const cap = this.hub.capture;
    const base = {
      name: 'Handshake Lab', version: typeof __APP_VERSION__ === 'string' ? __APP_VERSION__ : '0.0.0',
      transport: this.options.transport, platform: process.platform, locale: this.locale,
    };
    if (s.student) return { ...base, capture: { available: false, reason: 'live capture on this server is for the teacher', help: this.captureHelp(s) } };
    return (cap ? cap.availability() : Promise.resolve({ available: false, reason: 'live capture is not available in this process' }))
      .then((avail) => ({ ...base, capture: { available: avail.available, ...(avail.reason ? { reason: avail.reason } : {}), help: this.captureHelp(s) } }));
  }

  /** Whether this session may give dumpcap its rights: the teacher, at this computer (pkexec prompts on its display). */
  private mayEnableCapture(s: Session): boolean {
    return !!this.options.canEnableCapture && !s.student && s.trust.anyPath;
  }

  /** How to allow capture here; the button only where this session may use it. */
  private captureHelp(s: Session): AppInfo['capture']['help'] {
    const help = permissionHelp();
    return { ...help, canFix: help.canFix && this.mayEnableCapture(s) };
  }

  /** "Allow capture": the system's own prompt gives dumpcap its rights (capture/enable). */
  async enableCapture(s: Session): Promise<ApiResults['enableCapture']> {
    if (!this.mayEnableCapture(s)) throw new ApiError('forbidden', 'only someone at this computer may change who can capture on it (the desktop app, or serve on 127.0.0.1)');
    return { ...(await enableCapture(undefined, this.hub.log)), capture: (await this.appInfo(s)).capture };
  }

  sessionInfo(s: Session): SessionInfo {
    const capture = !!this.hub.capture;
    return s.info({
      capture: capture && !s.student,
      experiment: capture && (!s.student || this.captures.studentsMayExperiment),
      openPath: s.trust.anyPath,
      dashboard: !s.student && s.trust.browser,
      share: !s.student && s.trust.browser,
      download: s.trust.browser && this.classroom.mayDownload(s) && !s.heldBack(),
    });
  }

  /** A session looks at `src` from now on (and learns what it may now download). */
  show(s: Session, src: Source, reason: ApiEvents['reset']['reason']): void {
    this.hub.show(s, src, reason);
    if (s.trust.browser) s.emit('session', this.sessionInfo(s));
  }

  setPolicy(experiments: boolean): ClassPolicy {
    this.captures.studentsMayExperiment = experiments;
    for (const s of this.hub.allSessions()) if (s.student) s.emit('session', this.sessionInfo(s));
    this.classroom.changed();
    return { experiments };
  }

  checkPath(path: string, what: 'open' | 'save'): string {
    const full = resolve(path);
    const allowed = what === 'open' ? this.options.canOpen : this.options.canSave;
    if (allowed && !allowed(full)) {
      this.hub.log(`refused to ${what} ${full}: not allowed for this client`);
      throw new ApiError('forbidden', `this server does not allow ${what === 'open' ? 'opening' : 'saving to'} ${path}`);
    }
    return full;
  }

  /** Whether the session may open this path: anything (full trust), its own uploads, a teacher's autosaves. */
  mayOpen(s: Session, full: string): boolean {
    if (s.trust.anyPath) return true;
    if (this.uploads?.owner(full) === s.id) return true;
    return !s.student && isInside(full, capturesDir(this.hub.dataDir));
  }

  /** Opens a capture file as the session's new source; resolves when it is loaded (or cancelled). */
  async openPath(s: Session, path: string): Promise<LoadProgress> {
    if (path.startsWith('upload:')) {
      const file = this.uploads?.resolve(path, s.id);
      if (!file) throw new ApiError('not_found', 'there is no such upload of yours (uploads go when their session ends)');
      path = file;
    }
    const full = this.checkPath(path, 'open');
    if (!this.mayOpen(s, full)) {
      this.hub.log(`refused to open ${full} for ${s.role} session ${s.id}`);
      throw new ApiError('forbidden', s.student ? 'students may open the captures they upload, the lessons and what the teacher shares' : `this server opens only uploaded files and its own captures for teachers away from it; upload ${fileTitle(path)} instead`);
    }
    s.opens++;
    const pending = { cancel: false };
    s.pendingLoad = pending;
    try {
      await checkCaptureFile(full, s.student ? fileTitle(path) : path);
      // Cancelled before it began: the session stays as it was.
      if (pending.cancel) return { file: s.student ? fileTitle(full) : full, bytesRead: 0, totalBytes: 0, frames: 0, done: true, cancelled: true };
      // Away from the computer (a browser's upload), what the server holds for browsers is bounded: while
      // that memory is spent, nothing more is opened (and a load that spends it stops: load-budget.ts).
      // (The capture this session leaves goes then, unless another session or a share holds it.)
      const leaving = s.source.viewers.size === 1 && s.source.pins === 0 ? s.source : null;
      const spent = s.trust.anyPath ? null : this.hub.loadBudget.spent(leaving);

      if (spent) throw new ApiError('busy', `${spent}; close captures you no longer need, or try again later`);
      const src = this.hub.newSource('file', full, fileTitle(full));
      this.show(s, src, 'file');
      // Away from the computer, a compressed file may not grow past the upload limit either, and its
      // decompressed copy counts against the upload quota as the upload does.
      return s.progress(await src.load(s.trust.anyPath ? {} : {
        maxPlainBytes: this.hub.limits.uploadFileBytes, budget: this.hub.loadBudget, ...(this.uploads ? { plainTicket: this.uploads.begin() } : {}),
      }));
    } finally {
      if (s.pendingLoad === pending) s.pendingLoad = null;
    }
  }

  /**
   * Opens a lesson for a session: its capture is loaded once and shared by every session that opens it
   * (through its own filter and selection); a live lesson runs its experiment (in class, as the class
   * policy allows; else its recorded sample). The session is sent nothing of it until its player, and so
   * its gate, is there; then nothing past the first question not answered right yet.
   */
  async openLesson(s: Session, id: string): Promise<LoadProgress> {
    const port = s.trust.anyPort || this.captures.allowedPorts.includes(LESSON_EXPERIMENT_PORT) ? LESSON_EXPERIMENT_PORT : this.captures.allowedPorts[0];
    const mine = ++s.opens;
    s.lessonsOpening++;
    s.lesson = null;
    try {
      const { progress, recorded } = await this.hub.lessons.openLesson(id, {
        openFile: (path) => this.openLessonCapture(s, id, path),
        runExperiment: (p) => this.captures.runExperiment(s, p),
      }, port);
      // Another opening came while this one loaded (two lessons at once: the second's capture is on screen
      // now). This lesson's player laid over that capture would hold it at this lesson's gate, or at none.
      if (s.opens !== mine) throw new ApiError('cancelled', `opening lesson ${id} was overtaken by another opening`);
      // Lessons on the same capture mask each other's answers (a live lesson's own run is its alone).
      const player = this.hub.lessons.player(id, s.source.store, this.playerOptions(s), recorded || !this.hub.lessons.valid(id).lesson?.experiment ? s.source.file : null);
      s.lesson = { player, source: s.source, recorded, draft: false };
      // Held at the new player's gate (frames, and no byte counts: cutProgress); the session's own limit is
      // still "nothing" while it is opening.
      return s.progress({ ...progress, ...(s.student && progress.file ? { file: id } : {}) }, player.horizon());
    } finally {
      s.lessonsOpening--;
    }
  }

  /** Whose progress a session's player records: its learner's, or (no learner said) the session's own. */
  private playerOptions(s: Session): PlayerOptions {
    const teacher = s.teacherMode && !s.student;
    if (s.learner) return { learner: s.learner, progress: this.classroom.progress, teacher };
    s.ownProgress ??= new ProgressStore(null, 1, this.hub.log);
    return { learner: `session-${s.id}`, progress: s.ownProgress, teacher };
  }

  /** The session's lesson `id`, while its capture is on screen (else it must be opened again). */
  playing(s: Session, id: string): SessionLesson {
    const l = s.lesson;
    if (!l?.draft) this.hub.lessons.valid(id);
    if (!l || l.player.id !== id || l.source !== s.source || !l.source.alive) {
      throw new ApiError('not_found', `lesson ${id} is not open (open it first; another capture was opened since)`);
    }
    return l;
  }

  /**
   * A lesson's capture as the session's view: one shared source per capture file while anyone looks at it.
   * One whose load was cancelled or failed is never shared again (everyone after would get part of the
   * capture, its questions "not in the capture"): its viewers keep it, the next opening loads the file afresh.
   */
  private async openLessonCapture(s: Session, id: string, file: string): Promise<LoadProgress> {
    let src = this.lessonSources.get(file);
    if (src?.alive && !src.cutShort) {
      this.show(s, src, 'lesson');
      return src.loading ? src.loading.done : { file, bytesRead: 0, totalBytes: 0, frames: src.store.total, done: true };
    }
    // The app's own lesson files are always allowed, whatever the path policy.
    await checkCaptureFile(file, s.student ? id : file);
    src = this.hub.newSource('lesson', file, id);
    this.lessonSources.set(file, src);
    this.show(s, src, 'lesson');
    return src.load();
  }

  /** The open lesson as the page may know it, and where this session is in it. */
  getLesson(s: Session, id: string): LessonPlay {
    const l = this.playing(s, id);
    return l.player.play(l.recorded);
  }

  /** Teacher mode for this session alone (never a student's: TEACHER_ONLY); off, a lesson beyond its gate goes back to it. */
  setTeacherMode(s: Session, on: boolean): { on: boolean } {
    if (s.student) throw new ApiError('forbidden', 'teacher mode is not available on the class URL');
    s.teacherMode = on;
    s.lesson?.player.setTeacher(on);
    return { on };
  }

  /** Plays a teacher's draft on the capture on screen, as a student would meet it (recorded nowhere). */
  previewLesson(s: Session, value: unknown): LessonPlay {
    const player = this.hub.lessons.previewPlayer(value, s.source.store, s.source.file, {
      learner: `preview-${s.id}`, progress: new ProgressStore(null, 1, this.hub.log), teacher: false,
    });
    s.lesson = { player, source: s.source, recorded: false, draft: true };
    return player.play(false);
  }

  /**
   * Leaves the lesson on screen. A preview's gate goes with it; a lesson's stays until its questions are
   * answered or another capture is opened (closing must not show what its questions hold back).
   */
  closeLesson(s: Session): { closed: boolean } {
    if (!s.lesson?.draft) return { closed: false };
    s.lesson = null;
    return { closed: true };
  }

  importLesson(s: Session, path: string, capture: string | undefined): ReturnType<LessonRequests['importLesson']> {
    const file = this.checkPath(path, 'open');
    const cap = capture === undefined ? undefined : this.checkPath(capture, 'open');
    if (!this.mayOpen(s, file) || (cap !== undefined && !this.mayOpen(s, cap))) {
      throw new ApiError('forbidden', 'this server imports lessons only from files it may open for you (upload them first)');
    }
    return this.hub.lessons.importLesson(file, cap, this.locale);
  }

  async setFilter(s: Session, expression: string): Promise<ApiResults['setFilter']> {
    if (s.questionOpen()) throw new ApiError('forbidden', 'the display filter is locked until the lesson\'s question is answered');
    const src = s.source;
    // A student's new filter (one whose frames are still to be checked) waits while its filters took their
    // minute's share of the server's time; a view already checked costs nothing.
    const ready = src.views.get(expression);
    const budget = s.student ? (s.filterBudget ??= new FilterBudget(this.hub.limits.studentFilterMsPerMinute)) : null;
    if (budget && expression.trim() !== '' && (!ready || src.views.scanning(ready) || ready.view.scanned < src.store.total)) budget.check();
    const got = src.views.acquire(expression);
    if (!got.ok) return { ok: false, expression, error: got.error };
    src.views.release(s.filter);
    s.filter = expression.trim();
    const cost = got.entry.cost;
    try {
      await src.views.catchUp(got.entry).catch((e: unknown) => src.withBytes(() => { throw e; }, s.present(src.file ?? '')));
    } finally {
      budget?.spend(got.entry.cost - cost);
    }
    const total = s.viewTotal();
    s.push.restart(total);
    return { ok: true, expression, total };
  }

  /** The file `sessionId` may download now (its own capture, or a share with download on), or why not. */
  download(sessionId: string, role: Role): { file: string; name: string } | { status: number; message: string } {
    const s = this.hub.session(sessionId);
    if (!s || s.role !== role) return { status: 404, message: 'no such session' };
    if (!s.source.file || s.source.kind === 'empty') return { status: 404, message: 'there is no capture yet' };
    if (!this.classroom.mayDownload(s)) return { status: 403, message: 'the teacher has not shared this capture for download' };
    // The file holds what comes after the lesson's open question, and the values its questions ask.
    if (s.heldBack()) return { status: 403, message: 'answer the lesson\'s questions first: the capture holds their answers' };
    return { file: s.source.file, name: s.source.title };
  }

  // ---- one process, one user: the CLI's commands use these ----

  private local(): Session {
    return this.attach({ id: 'cli', emit: () => undefined });
  }

  openFile(path: string): Promise<LoadProgress> {
    return this.openPath(this.local(), path);
  }

  runExperiment(p: Parameters<Captures['runExperiment']>[1]): ReturnType<Captures['runExperiment']> {
    return this.captures.runExperiment(this.local(), p);
  }

  saveCapture(path: string): Promise<{ path: string; frames: number }> {
    return this.handlers.saveCapture({ path }, this.local());
  }

  /** The frame store the CLI's session (or a named client's) looks at. */
  get frames(): FrameStore {
    return this.local().source.store;
  }

  storeOf(clientId: string): FrameStore | null {
    return this.byClient.get(clientId)?.source.store ?? null;
  }

  get captureFile(): string | null {
    return this.local().source.file;
  }

  /** Shares what the CLI's session looks at (serve --open, --capture): students see it, new sessions start on it. */
  shareLocal(download = false): void {
    const src = this.local().source;
    if (src.kind !== 'empty') this.classroom.add(src.kind, src.title, { source: src, download });
  }
}

function systemLocale(): string {
  const env = process.env.LC_ALL || process.env.LC_MESSAGES || process.env.LANG;
  if (env && env !== 'C' && env !== 'POSIX') return env.split('.')[0].replace('_', '-');
  return Intl.DateTimeFormat().resolvedOptions().locale || 'en';
}
