// The lesson requests of the API (listLessons, openLesson, getLesson, importLesson) over the catalogue,
// and the grading of a session's answers. Each session has its own open lesson: the back end hands in,
// per request, how that session opens a file, runs an experiment and which frame store it looks at, so
// this stays apart from the capture and session code.
import { ApiError } from '../api/contract';
import type { ApiResults } from '../api/contract';
import type { ExperimentResult, LessonPlay, LoadProgress, Texts } from '../api/types';
import type { RequestParams } from '../api/requests';
import type { FrameStore } from '../engine/store/frame-store';
import { captureFromStore, computeAnswer, feedbackText, grade, layOut, problemLine, type GivenAnswer, type LessonCapture } from '../lessons/index';
import type { LessonCatalogue } from './lessons';
import { type LessonEntry } from './lessons';

/** What one session's lesson requests need from the back end. */
export interface LessonHost {
  /** Opens the lesson's capture as this session's view (lessons share one store per capture). */
  openFile(path: string): Promise<LoadProgress>;
  runExperiment(p: RequestParams<'runExperiment'>): Promise<ExperimentResult>;
  /** The store this session looks at now. */
  store(): FrameStore;
}

/** A session's open lesson: the store it was opened on, and whether that is the recorded sample of a live lesson. */
export interface OpenLesson { id: string; store: FrameStore; recorded: boolean }

/** The grade of an answer, with what the dashboard needs. */
export interface LessonGrade {
  question: string;
  correct: boolean;
  /** The misconception behind this wrong answer, in every language (null: right, or none named). */
  misconception: Texts | null;
}

/** Where live lessons run their experiment (DECISIONS: experiments take a port; 12345 is the app's default). */
export const LESSON_EXPERIMENT_PORT = 12345;

export class LessonRequests {
  /** A lesson capture's decode, kept while its store is unchanged (every student's answer is graded on it). */
  private readonly captures = new WeakMap<FrameStore, { total: number; capture: LessonCapture }>();

  constructor(readonly catalogue: LessonCatalogue, private readonly log: (line: string) => void) {}

  list(locale: string): ApiResults['listLessons'] {
    return this.catalogue.entries().map((e) => this.catalogue.summary(e, locale));
  }

  async openLesson(id: string, host: LessonHost, port = LESSON_EXPERIMENT_PORT): Promise<{ progress: LoadProgress; open: OpenLesson }> {
    const e = this.valid(id);
    const lesson = e.lesson!;
    let progress: LoadProgress;
    let recorded = false;
    if (lesson.experiment) {
      try {
        const r = await host.runExperiment({ variant: lesson.experiment.variant, port, slowMotionMs: lesson.experiment.slowMotionMs ?? 0 });
        progress = { file: r.file ?? '', bytesRead: 0, totalBytes: 0, frames: r.frames, done: true };
      } catch (err) {
        // Without the right to capture (or, in class, without the teacher's leave, or with the port it
        // may use held by another program), the student steps through the lesson's recorded run instead.
        if (!(err instanceof ApiError) || !['capture_unavailable', 'permission_denied', 'no_such_interface', 'forbidden', 'port_in_use'].includes(err.code) || !e.capturePath) throw err;
        this.log(`lesson ${id}: ${err.message}; opening its recorded sample instead`);
        progress = await host.openFile(e.capturePath);
        recorded = true;
      }
    } else {
      // A watch lesson's live run needs the player's guidance; the back end opens its recorded sample.
      progress = await host.openFile(e.capturePath!);
      recorded = lesson.watch !== undefined;
    }
    return { progress, open: { id, store: host.store(), recorded } };
  }

  /** The open lesson's steps and answers, computed from what the store holds (the student's own run, for live lessons). */
  getLesson(id: string, store: FrameStore, open: OpenLesson | null): LessonPlay {
    const e = this.valid(id);
    if (!open || open.id !== id || open.store !== store) throw new ApiError('not_found', `lesson ${id} is not open (open it first; another capture was opened since)`);
    return { lesson: e.lesson!, ...layOut(e.lesson!, this.captureOf(store)), recorded: open.recorded };
  }

  /** Grades an answer to step `step` against the capture the lesson was opened on; null when that step asks nothing here. */
  grade(id: string, step: number, given: GivenAnswer, store: FrameStore): LessonGrade | null {
    const lesson = this.valid(id).lesson!;
    const q = lesson.steps[step]?.question;
    if (!q) return null;
    let computed;
    try {
      computed = computeAnswer(lesson, step, this.captureOf(store));
    } catch {
      return null; // the step's frame is not in this run (a live lesson that went differently)
    }
    const g = grade(q, computed, given);
    const texts = (lang: 'en' | 'zh-CN') => feedbackText(q, g.feedbackKey, lang);
    const en = texts('en'), zh = texts('zh-CN');
    return { question: `step-${step + 1}`, correct: g.correct, misconception: en || zh ? { en: en ?? zh ?? '', 'zh-CN': zh ?? en ?? '' } : null };
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

  private valid(id: string): LessonEntry {
    const e = this.catalogue.any(id);
    if (!e) throw new ApiError('not_found', `there is no lesson named ${id}`);
    if (!e.lesson) throw new ApiError('bad_request', `lesson ${id} cannot be opened: ${e.problems.map(problemLine).join('; ')}`);
    return e;
  }
}
