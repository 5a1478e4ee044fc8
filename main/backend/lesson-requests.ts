// The host-wide half of lessons: the catalogue's requests (listLessons, openLesson, importLesson), the
// lesson player made for a session over the capture its lesson was opened on, and authoring (a draft
// checked, previewed and saved against the capture on screen). What is per person (which lesson a
// session plays, its step, its gate, teacher mode) lives in the session (session.ts: `SessionLesson`);
// progress lives in the progress store (progress.ts). The back end hands in, per request, how the
// session opens a file, runs an experiment and which frame store it looks at, so this stays apart from
// the capture and session code.
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { ApiError } from '../api/contract';
import type { ApiResults } from '../api/contract';
import type { ExperimentResult, LoadProgress } from '../api/types';
import type { RequestParams } from '../api/requests';
import type { FrameStore } from '../engine/store/frame-store';
import { captureFromStore, layOut, NO_EXPOSURE, problemLine, type Exposure, type LessonCapture, type LessonFile, type LessonLayout } from '../lessons/index';
import { checkLessonFile, type LessonCatalogue, type LessonEntry } from './lessons';
import { checkDraft, withCaptureName, writeLesson } from './lesson-author';
import { LessonPlayer, lessonExposures, type PlayerOptions } from './lesson-player';
import type { LearnerRecord } from './progress';

/** What one session's lesson opening needs from the back end. */
export interface LessonHost {
  /** Opens the lesson's capture as this session's view (lessons share one store per capture). */
  openFile(path: string): Promise<LoadProgress>;
  runExperiment(p: RequestParams<'runExperiment'>): Promise<ExperimentResult>;
}

/** Where live lessons run their experiment (DECISIONS: experiments take a port; 12345 is the app's default). */
export const LESSON_EXPERIMENT_PORT = 12345;

export class LessonRequests {
  /** A lesson capture's decode, kept while its store is unchanged (every student's player is made on it). */
  private readonly captures = new WeakMap<FrameStore, { total: number; capture: LessonCapture }>();

  private readonly hashes = new Map<string, { key: string; hash: string }>();

  constructor(readonly catalogue: LessonCatalogue, private readonly log: (line: string) => void) {}

  /** The catalogue, with the learner's progress in each lesson (`record`: theirs, null: none yet). */
  list(locale: string, record: LearnerRecord | null): ApiResults['listLessons'] {
    return this.catalogue.entries().map((e) => {
      const s = this.catalogue.summary(e, locale);
      const p = record?.lessons[e.id];
      if (!p || !e.lesson) return s;
      const questions = e.lesson.steps.filter((x) => x.question).length;
      const solved = (p.solved ?? []).length;
      return { ...s, progress: { step: p.step, right: p.answers.filter((a) => a.correct).length, answered: p.answers.length, solved, questions, done: solved >= questions } };
    });
  }

  /**
   * Loads a lesson's capture into the session (or runs its experiment; in class, as the class policy
   * allows, else its recorded sample). `recorded`: a live lesson shows its recorded sample.
   */
  async openLesson(id: string, host: LessonHost, port = LESSON_EXPERIMENT_PORT): Promise<{ progress: LoadProgress; recorded: boolean }> {
    const e = this.valid(id);
    const lesson = e.lesson!;
    if (lesson.experiment) {
      try {
        const r = await host.runExperiment({ variant: lesson.experiment.variant, port, slowMotionMs: lesson.experiment.slowMotionMs ?? 0 });
        return { progress: { file: r.file ?? '', bytesRead: 0, totalBytes: 0, frames: r.frames, done: true }, recorded: false };
      } catch (err) {
        // Without the right to capture (or, in class, without the teacher's leave, or with the port it
        // may use held by another program), the student steps through the lesson's recorded run instead.
        if (!(err instanceof ApiError) || !['capture_unavailable', 'permission_denied', 'no_such_interface', 'forbidden', 'port_in_use'].includes(err.code) || !e.capturePath) throw err;
        this.log(`lesson ${id}: ${err.message}; opening its recorded sample instead`);
        return { progress: await host.openFile(e.capturePath), recorded: true };
      }
    }
    // A watch lesson's live run needs the player's guidance; the back end opens its recorded sample.
    return { progress: await host.openFile(e.capturePath!), recorded: lesson.watch !== undefined };
  }

  /**
   * A player of lesson `id` over what `store` holds (the student's own run, for live lessons). `file`: the
   * capture file the store was loaded from (null: a run of the student's own); the other lessons bound to
   * the same file (or one with the same content) are its siblings: their answers are masked on it too.
   */
  player(id: string, store: FrameStore, opts: PlayerOptions, file: string | null = null): LessonPlayer {
    const lesson = this.valid(id).lesson!;
    const capture = this.captureOf(store);
    const siblings = file === null ? [] : this.siblingsOn(id, file).map((l) => {
      const { layout, exposures } = this.laidOut(l, capture);
      return { id: l.id, exposures: exposures.map((x, i) => (layout.answers[i] ? x : NO_EXPOSURE)) };
    });
    const own = this.laidOut(lesson, capture);
    return new LessonPlayer(lesson, own.layout, capture, opts, siblings, own.exposures);
  }

  /**
   * A lesson laid over a capture, and what each of its questions would give away there: the same for every
   * student who opens it (50 students opening a lesson at once each computed them again), so kept per
   * capture decode and lesson file (a changed file is another LessonFile). Never changed once made.
   */
  private readonly laid = new WeakMap<LessonCapture, WeakMap<LessonFile, { layout: LessonLayout; exposures: readonly Exposure[] }>>();

  /** How many lesson layouts were computed (tests: a second student's player reuses the first's). */
  layoutsComputed = 0;

  private laidOut(lesson: LessonFile, capture: LessonCapture): { layout: LessonLayout; exposures: readonly Exposure[] } {
    let byLesson = this.laid.get(capture);
    if (!byLesson) this.laid.set(capture, (byLesson = new WeakMap()));
    let hit = byLesson.get(lesson);
    if (!hit) {
      this.layoutsComputed++;
      const layout = layOut(lesson, capture);
      hit = { layout, exposures: lessonExposures(lesson, layout, capture) };
      byLesson.set(lesson, hit);
    }
    return hit;
  }

  /** Sibling lists per catalogue scan: a scan is reused for a while (catalogue.recentEntries), and so are they. */
  private readonly siblingLists = new WeakMap<readonly LessonEntry[], Map<string, LessonFile[]>>();

  /** The valid lessons other than `id` whose capture is `file` (the same path, or the same bytes). */
  private siblingsOn(id: string, file: string): LessonFile[] {
    const entries = this.catalogue.recentEntries();
    let lists = this.siblingLists.get(entries);
    if (!lists) this.siblingLists.set(entries, (lists = new Map()));
    const key = `${id}\0${resolve(file)}`;
    const hit = lists.get(key);
    if (hit) return hit;
    const hash = this.hashOf(file);
    const found = entries
      .filter((e) => e.lesson && e.id !== id && e.capturePath && (resolve(e.capturePath) === resolve(file) || (hash !== null && this.hashOf(e.capturePath) === hash)))
      .map((e) => e.lesson!);
    lists.set(key, found);
    return found;
  }

  /** A capture file's content hash (cached by path, size and time; null when it cannot be read). */
  private hashOf(file: string): string | null {
    try {
      const st = statSync(file);
      const key = `${st.size}:${st.mtimeMs}`;
      const hit = this.hashes.get(file);
      if (hit?.key === key) return hit.hash;
      const hash = createHash('sha256').update(readFileSync(file)).digest('hex');
      this.hashes.set(file, { key, hash });
      return hash;
    } catch {
      return null;
    }
  }

  // ---- authoring: a lesson made from the capture on screen ----

  private draft(value: unknown, store: FrameStore, file: string | null): { check: ReturnType<typeof checkDraft>; capture: LessonCapture; file: string } {
    if (!file || !store.total) throw new ApiError('not_found', 'there is no capture on screen: open one to make a lesson of it');
    const capture = captureFromStore(store);
    return { check: checkDraft(withCaptureName(value, file), capture), capture, file };
  }

  /** The validator's problems with a draft, each question's answer as the engine computes it, and the capture's name. */
  checkLesson(value: unknown, store: FrameStore, file: string | null): ApiResults['checkLesson'] {
    const { check, file: f } = this.draft(value, store, file);
    const named = withCaptureName(value, f) as { capture?: string };
    return { problems: check.problems, answers: check.answers, capture: named.capture ?? null };
  }

  /** A player of a draft on the capture on screen, as a student would meet it (`opts`: a throwaway record). */
  previewPlayer(value: unknown, store: FrameStore, file: string | null, opts: PlayerOptions): LessonPlayer {
    const { check, capture } = this.draft(value, store, file);
    if (!check.lesson) throw new ApiError('bad_request', `the lesson has problems: ${check.problems.join('; ')}`);
    const lesson = check.lesson;
    return new LessonPlayer(lesson, layOut(lesson, capture), capture, opts);
  }

  /** Saves a draft and a copy of the capture on screen into the user's lessons folder, once it validates. */
  saveLesson(value: unknown, store: FrameStore, file: string | null, locale: string): ApiResults['saveLesson'] {
    const { check, file: f } = this.draft(value, store, file);
    if (!check.lesson) throw new ApiError('bad_request', `the lesson has problems: ${check.problems.join('; ')}`);
    const lesson = check.lesson;
    const dest = this.catalogue.dirs.find((d) => d.origin === 'user')?.dir;
    if (!dest) throw new ApiError('bad_request', 'there is no user lessons folder to save into');
    const clash = this.catalogue.entries().find((x) => x.id === lesson.id && x.origin !== 'user');
    if (clash) throw new ApiError('bad_request', `"${lesson.id}" is already the id of ${clash.file}`);
    const written = writeLesson(dest, lesson, f);
    this.catalogue.forget();
    const entry = checkLessonFile(written, 'user');
    if (!entry.lesson) throw new ApiError('internal', `the saved lesson does not validate: ${entry.problems.map(problemLine).join('; ')}`);
    this.log(`saved lesson ${lesson.id} into ${dest}`);
    return this.catalogue.summary(entry, locale);
  }

  importLesson(path: string, capture: string | undefined, locale: string): ApiResults['importLesson'] {
    const e = this.catalogue.import(path, capture);
    if (!e.lesson) throw new ApiError('bad_request', `cannot import ${path}: ${e.problems.map(problemLine).join('; ')}`);
    return this.catalogue.summary(e, locale);
  }

  /** The number of steps of a valid lesson (null when there is no such lesson). */
  steps(id: string): number | null {
    return this.catalogue.find(id)?.lesson?.steps.length ?? null;
  }

  private captureOf(store: FrameStore): LessonCapture {
    const hit = this.captures.get(store);
    if (hit && hit.total === store.total) return hit.capture;
    const capture = captureFromStore(store);
    this.captures.set(store, { total: store.total, capture });
    return capture;
  }

  valid(id: string): LessonEntry {
    const e = this.catalogue.any(id);
    if (!e) throw new ApiError('not_found', `there is no lesson named ${id}`);
    if (!e.lesson) throw new ApiError('bad_request', `lesson ${id} cannot be opened: ${e.problems.map(problemLine).join('; ')}`);
    return e;
  }
}
