// The lesson requests of the API (listLessons, openLesson, getLesson, importLesson) over the catalogue.
// The back end hands in how to open a file, run an experiment and read its frame store, so this stays
// apart from the service's capture and session code.
import { ApiError } from '../api/contract';
import type { ApiResults } from '../api/contract';
import type { ExperimentResult, LessonPlay, LoadProgress } from '../api/types';
import type { RequestParams } from '../api/requests';
import type { FrameStore } from '../engine/store/frame-store';
import { captureFromStore, layOut, problemLine } from '../lessons/index';
import type { LessonCatalogue} from './lessons';
import { type LessonEntry } from './lessons';

export interface LessonHost {
  openFile(path: string): Promise<LoadProgress>;
  runExperiment(p: RequestParams<'runExperiment'>): Promise<ExperimentResult>;
  store(): FrameStore;
  locale(): string;
}

/** Where live lessons run their experiment (DECISIONS: experiments take a port; 12345 is the app's default). */
const LESSON_EXPERIMENT_PORT = 12345;

export class LessonRequests {
  /** The lesson whose capture (or live run) the store holds now, and whether it is the recorded sample. */
  private open: { id: string; store: FrameStore; recorded: boolean } | null = null;

  constructor(readonly catalogue: LessonCatalogue, private readonly host: LessonHost, private readonly log: (line: string) => void) {}

  list(): ApiResults['listLessons'] {
    const locale = this.host.locale();
    return this.catalogue.entries().map((e) => this.catalogue.summary(e, locale));
  }

  async openLesson(id: string): Promise<LoadProgress> {
    const e = this.valid(id);
    const lesson = e.lesson!;
    let progress: LoadProgress;
    let recorded = false;
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
    this.open = { id, store: this.host.store(), recorded };
    return progress;
  }

  /** The open lesson's steps and answers, computed from what the store holds (the student's own run, for live lessons). */
  getLesson(id: string): LessonPlay {
    const e = this.valid(id);
    const store = this.host.store();
    if (!this.open || this.open.id !== id || this.open.store !== store) throw new ApiError('not_found', `lesson ${id} is not open (open it first; another capture was opened since)`);
    return { lesson: e.lesson!, ...layOut(e.lesson!, captureFromStore(store)), recorded: this.open.recorded };
  }

  importLesson(path: string, capture?: string): ApiResults['importLesson'] {
    const e = this.catalogue.import(path, capture);
    if (!e.lesson) throw new ApiError('bad_request', `cannot import ${path}: ${e.problems.map(problemLine).join('; ')}`);
    return this.catalogue.summary(e, this.host.locale());
  }

  private valid(id: string): LessonEntry {
    const e = this.catalogue.any(id);
    if (!e) throw new ApiError('not_found', `there is no lesson named ${id}`);
    if (!e.lesson) throw new ApiError('bad_request', `lesson ${id} cannot be opened: ${e.problems.map(problemLine).join('; ')}`);
    return e;
  }
}
