// The lesson requests of the API over the catalogue: listLessons, openLesson, getLesson, importLesson, and
// the player's lessonProgress, answerQuestion and setTeacherMode. Each learner (or, before a page says
// who it is, each client) has one LessonPlayer, bound to the frame store the lesson was opened into: while
// that store is on screen, the player's gate limits what the learner's pages are sent (`limitsFor`), a
// reloaded page included. The back end hands in how to open a file, run an experiment and read its frame
// store, so this stays apart from the capture code.
import { ApiError } from '../api/contract';
import type { ApiResults } from '../api/contract';
import type { ExperimentResult, LessonPlay, LoadProgress } from '../api/types';
import type { RequestParams } from '../api/requests';
import type { FrameStore } from '../engine/store/frame-store';
import { captureFromStore, firstExposed, layOut, lessonView, NO_EXPOSURE, problemLine, type GivenAnswer } from '../lessons/index';
import { checkLessonFile, type LessonCatalogue, type LessonEntry } from './lessons';
import { checkDraft, withCaptureName, writeLesson } from './lesson-author';
import { LessonPlayer } from './lesson-player';
import { ProgressStore, type ProgressRecorder } from './lesson-progress';

export interface LessonHost {
  openFile(path: string): Promise<LoadProgress>;
  runExperiment(p: RequestParams<'runExperiment'>): Promise<ExperimentResult>;
  store(): FrameStore;
  /** The capture file behind the store (null: none, e.g. nothing opened yet). */
  file(): string | null;
  locale(): string;
}

/** Who asks: the client's id, and the learner key it identified with (null: progress kept for this client only). */
export interface LessonClient {
  id: string;
  learner: string | null;
  /** May this client turn teacher mode on (not on the class URL). */
  mayTeach: boolean;
}

/** What a client may be sent now: the last frame (null: all), and the last frame of a filtered view. */
export interface Limits {
  frames: number | null;
  filtered: number | null;
}

const NO_LIMITS: Limits = { frames: null, filtered: null };

/** Where live lessons run their experiment (DECISIONS: experiments take a port; 12345 is the app's default). */
const LESSON_EXPERIMENT_PORT = 12345;

export class LessonRequests {
  /** Each learner's (or client's) lesson; `draft`: a lesson being written, previewed on the capture on screen. */
  private readonly players = new Map<string, { player: LessonPlayer; store: FrameStore; recorded: boolean; draft?: boolean }>();
  /** Clients whose lesson is loading: sent nothing of it until its gate is known. */
  private readonly opening = new Set<string>();
  private readonly teachers = new Set<string>();
  /** Progress of clients that did not say who they are: kept while the server runs. */
  private readonly anonymous = new ProgressStore(null);

  constructor(
    readonly catalogue: LessonCatalogue,
    private readonly host: LessonHost,
    private readonly log: (line: string) => void,
    private readonly progress: ProgressRecorder = new ProgressStore(null),
  ) {}

  private recorder(c: LessonClient): { learner: string; progress: ProgressRecorder } {
    return c.learner ? { learner: c.learner, progress: this.progress } : { learner: `client-${c.id}`, progress: this.anonymous };
  }

  /** Whose player: the learner's (all their tabs), else this client's alone. */
  private key(c: Pick<LessonClient, 'id' | 'learner'>): string {
    return c.learner ? `learner:${c.learner}` : `client:${c.id}`;
  }

  list(c: LessonClient): ApiResults['listLessons'] {
    const locale = this.host.locale();
    const { learner, progress } = this.recorder(c);
    const record = progress.progressOf(learner);
    return this.catalogue.entries().map((e) => {
      const s = this.catalogue.summary(e, locale);
      const p = record?.lessons[e.id];
      if (!p || !e.lesson) return s;
      const questions = e.lesson.steps.filter((x) => x.question).length;
      const solved = p.solved.length;
      return { ...s, progress: { step: p.step, right: p.answers.filter((a) => a.correct).length, answered: p.answers.length, solved, questions, done: solved >= questions } };
    });
  }

  async openLesson(id: string, c: LessonClient): Promise<LoadProgress> {
    const e = this.valid(id);
    const lesson = e.lesson!;
    let progress: LoadProgress;
    let recorded = false;
    const key = this.key(c);
    this.opening.add(key);
    this.players.delete(key);
    try {
      if (lesson.experiment) {
        try {
          const r = await this.host.runExperiment({ variant: lesson.experiment.variant, port: LESSON_EXPERIMENT_PORT, slowMotionMs: lesson.experiment.slowMotionMs ?? 0 });
          progress = { file: r.file ?? '', bytesRead: 0, totalBytes: 0, frames: r.frames, done: true };
        } catch (err) {
          // Without the right to capture, the student steps through the lesson's recorded run instead.
          if (!(err instanceof ApiError) || !['capture_unavailable', 'permission_denied', 'no_such_interface'].includes(err.code) || !e.capturePath) throw err;
          this.log(`lesson ${id}: ${err.message}; opening its recorded sample instead`);
          progress = await this.host.openFile(e.capturePath);
          recorded = true;
        }
      } else {
        // A watch lesson's live run needs the player's guidance; the back end opens its recorded sample.
        progress = await this.host.openFile(e.capturePath!);
        recorded = lesson.watch !== undefined;
      }
      const store = this.host.store();
      const capture = captureFromStore(store);
      const player = new LessonPlayer(lesson, layOut(lesson, capture), capture, { ...this.recorder(c), teacher: this.teachers.has(c.id) });
      this.players.set(key, { player, store, recorded });
      const limit = player.horizon();
      return limit === null ? progress : { ...progress, frames: Math.min(progress.frames, limit) };
    } finally {
      this.opening.delete(key);
    }
  }

  /** The open lesson as the page may know it, and where this client is in it. */
  getLesson(id: string, c: LessonClient): LessonPlay {
    const { player, recorded } = this.playing(id, c);
    return { lesson: lessonView(player.lesson), steps: player.layout.steps, problems: player.layout.problems, recorded, state: player.state() };
  }

  lessonProgress(id: string, step: number, c: LessonClient): ApiResults['lessonProgress'] {
    return this.playing(id, c).player.go(step);
  }

  answerQuestion(id: string, step: number, given: GivenAnswer, c: LessonClient): ApiResults['answerQuestion'] {
    return this.playing(id, c).player.answer(step, given);
  }

  setTeacherMode(on: boolean, c: LessonClient): ApiResults['setTeacherMode'] {
    if (on && !c.mayTeach) throw new ApiError('forbidden', 'teacher mode is not available on the class URL');
    if (on) this.teachers.add(c.id); else this.teachers.delete(c.id);
    this.players.get(this.key(c))?.player.setTeacher(on);
    return { on };
  }

  // ---- authoring: a lesson made from the capture on screen ----

  private draft(value: unknown): { check: ReturnType<typeof checkDraft>; capture: ReturnType<typeof captureFromStore>; file: string } {
    const file = this.host.file();
    if (!file || !this.host.store().total) throw new ApiError('not_found', 'there is no capture on screen to make a lesson from');
    const capture = captureFromStore(this.host.store());
    return { check: checkDraft(withCaptureName(value, file), capture), capture, file };
  }

  /** The validator's problems with a draft, each question's answer as the engine computes it, and the capture's name. */
  checkLesson(value: unknown): ApiResults['checkLesson'] {
    const { check, file } = this.draft(value);
    const named = withCaptureName(value, file) as { capture?: string };
    return { problems: check.problems, answers: check.answers, capture: named.capture ?? null };
  }

  /**
   * Leaves the lesson on screen. A preview's gate goes with it; a lesson's stays until its questions are
   * answered or another capture is opened (closing must not show what its questions hold back).
   */
  closeLesson(c: LessonClient): ApiResults['closeLesson'] {
    const p = this.players.get(this.key(c));
    if (!p?.draft) return { closed: false };
    this.players.delete(this.key(c));
    return { closed: true };
  }

  /** Plays a draft on the capture on screen, as a student would (nothing recorded under the learner). */
  previewLesson(value: unknown, c: LessonClient): LessonPlay {
    const { check, capture } = this.draft(value);
    if (!check.lesson) throw new ApiError('bad_request', `the lesson has problems: ${check.problems.join('; ')}`);
    const lesson = check.lesson;
    const player = new LessonPlayer(lesson, layOut(lesson, capture), capture, { learner: `preview-${c.id}-${Date.now()}`, progress: this.anonymous, teacher: false });
    this.players.set(this.key(c), { player, store: this.host.store(), recorded: false, draft: true });
    return this.getLesson(lesson.id, c);
  }

  /** Saves a draft and a copy of the capture on screen into the user's lessons folder, once it validates. */
  saveLesson(value: unknown): ApiResults['saveLesson'] {
    const { check, file } = this.draft(value);
    if (!check.lesson) throw new ApiError('bad_request', `the lesson has problems: ${check.problems.join('; ')}`);
    const lesson = check.lesson;
    const dest = this.catalogue.dirs.find((d) => d.origin === 'user')?.dir;
    if (!dest) throw new ApiError('bad_request', 'there is no user lessons folder to save into');
    const clash = this.catalogue.entries().find((x) => x.id === lesson.id && x.origin !== 'user');
    if (clash) throw new ApiError('bad_request', `"${lesson.id}" is already the id of ${clash.file}`);
    const written = writeLesson(dest, lesson, file);
    const entry = checkLessonFile(written, 'user');
    if (!entry.lesson) throw new ApiError('internal', `the saved lesson does not validate: ${entry.problems.map(problemLine).join('; ')}`);
    this.log(`saved lesson ${lesson.id} into ${dest}`);
    return this.catalogue.summary(entry, this.host.locale());
  }

  importLesson(path: string, capture?: string): ApiResults['importLesson'] {
    const e = this.catalogue.import(path, capture);
    if (!e.lesson) throw new ApiError('bad_request', `cannot import ${path}: ${e.problems.map(problemLine).join('; ')}`);
    return this.catalogue.summary(e, this.host.locale());
  }

  /**
   * What a client may be sent of `store`: nothing while its lesson loads; up to the gate's frame while a
   * question holds it (filtered views stop before the first frame a question would give away, as a filter
   * on a masked value would tell it); everything otherwise.
   */
  limitsFor(c: Pick<LessonClient, 'id' | 'learner'>, store: FrameStore): Limits {
    const key = this.key(c);
    if (this.opening.has(key)) return { frames: 0, filtered: 0 };
    const p = this.players.get(key);
    if (!p || p.store !== store) return NO_LIMITS;
    const frames = p.player.horizon();
    if (frames === null) return NO_LIMITS;
    const first = firstExposed(p.player.mask() ?? NO_EXPOSURE);
    return { frames, filtered: first === null ? frames : Math.min(frames, first - 1) };
  }

  /** True while the client's current step asks a question not answered right yet (the filter is locked). */
  questionOpen(c: Pick<LessonClient, 'id' | 'learner'>, store: FrameStore): boolean {
    const p = this.players.get(this.key(c));
    if (!p || p.store !== store || p.player.isTeacher) return false;
    return p.player.gate() === p.player.currentStep;
  }

  /** A client went away: its own player goes (a learner's stays for their next page). */
  forget(clientId: string): void {
    this.players.delete(`client:${clientId}`);
    this.teachers.delete(clientId);
  }

  private playing(id: string, c: LessonClient): { player: LessonPlayer; store: FrameStore; recorded: boolean } {
    const p = this.players.get(this.key(c));
    if (!p?.draft) this.valid(id);
    if (!p || p.player.id !== id || p.store !== this.host.store()) throw new ApiError('not_found', `lesson ${id} is not open (open it first; another capture was opened since)`);
    return p;
  }

  private valid(id: string): LessonEntry {
    const e = this.catalogue.any(id);
    if (!e) throw new ApiError('not_found', `there is no lesson named ${id}`);
    if (!e.lesson) throw new ApiError('bad_request', `lesson ${id} cannot be opened: ${e.problems.map(problemLine).join('; ')}`);
    return e;
  }
}
