// Lesson progress per learner, kept by the back end (DECISIONS: keyed by a learner key the page keeps in
// localStorage; the desktop app keeps it in its user data folder), so it survives a reload and a restart.
// The lesson player talks to it through `ProgressRecorder`:
//   recordStep(learner, lesson, step, steps)   the step shown now (resumes there)
//   recordAnswer(learner, answer)              a graded answer; only the first per question is kept
//   recordSolved(learner, lesson, step)        the question was answered right (at last): the lesson goes on
//   progressOf(learner)                        what the learner did, per lesson
// The classroom's dashboard reads the same records. Each learner is one small JSON file (0600) in the
// progress folder, written shortly after it changes (no folder: memory only).
import { mkdirSync, readFileSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Localized } from '../lessons/schema';

export interface AnswerRecord {
  lesson: string;
  step: number;
  /** The question's id within its lesson ("step-4"). */
  question: string;
  /** The first answer given, written as answerKey() writes it. */
  answer: string;
  correct: boolean;
  /** From reaching the step to answering. */
  timeMs: number;
  /** When it was answered (ms since the epoch). */
  at: number;
  /** The text aimed at this wrong answer, when there is one. */
  misconception: Localized | null;
}

export interface LessonProgress {
  /** The step shown last (0-based), and the lesson's number of steps. */
  step: number;
  steps: number | null;
  answers: AnswerRecord[];
  /** Steps whose question was answered right (first time or later). */
  solved: number[];
  updated: number;
}

export interface LearnerRecord {
  learner: string;
  lessons: Record<string, LessonProgress>;
  updated: number;
}

export interface ProgressRecorder {
  recordStep(learner: string, lesson: string, step: number, steps: number): void;
  recordAnswer(learner: string, a: Omit<AnswerRecord, 'at'>): { first: boolean };
  recordSolved(learner: string, lesson: string, step: number): void;
  progressOf(learner: string): LearnerRecord | null;
}

const WRITE_DELAY_MS = 250;
/** Learners kept in memory at most (a class is a few dozen; the rest are read again from disk). */
const MAX_IN_MEMORY = 2000;

export class ProgressStore implements ProgressRecorder {
  private readonly records = new Map<string, LearnerRecord>();
  private readonly dirty = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private writing: Promise<void> = Promise.resolve();
  private dir: string | null;
  private made = false;

  constructor(dir: string | null, private readonly log: (line: string) => void = () => undefined) {
    this.dir = dir;
  }

  /** The folder, made on the first write (a server nobody learns on leaves no trace). */
  private folder(): string | null {
    if (!this.dir || this.made) return this.dir;
    try {
      mkdirSync(this.dir, { recursive: true, mode: 0o700 });
      this.made = true;
    } catch (e) {
      this.log(`progress folder ${this.dir} cannot be created (${(e as NodeJS.ErrnoException).code ?? String(e)}): lesson progress is kept in memory only`);
      this.dir = null;
    }
    return this.dir;
  }

  private record(learner: string): LearnerRecord {
    let r = this.records.get(learner);
    if (r) return r;
    r = this.read(learner) ?? { learner, lessons: {}, updated: Date.now() };
    if (this.records.size >= MAX_IN_MEMORY) {
      const oldest = [...this.records.keys()].find((k) => !this.dirty.has(k));
      if (oldest) this.records.delete(oldest);
    }
    this.records.set(learner, r);
    return r;
  }

  private read(learner: string): LearnerRecord | null {
    if (!this.dir) return null;
    try {
      const r = JSON.parse(readFileSync(join(this.dir, `${learner}.json`), 'utf8')) as LearnerRecord;
      if (r && r.learner === learner && r.lessons && typeof r.lessons === 'object') {
        for (const p of Object.values(r.lessons)) p.solved = Array.isArray(p.solved) ? p.solved : [];
        return r;
      }
      this.log(`progress of ${learner} is not a progress record; starting afresh`);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') this.log(`progress of ${learner} could not be read: ${e instanceof Error ? e.message : String(e)}`);
    }
    return null;
  }

  private lesson(r: LearnerRecord, lesson: string, step: number, steps: number | null): LessonProgress {
    return r.lessons[lesson] ?? (r.lessons[lesson] = { step, steps, answers: [], solved: [], updated: 0 });
  }

  recordStep(learner: string, lesson: string, step: number, steps: number): void {
    const r = this.record(learner);
    const p = this.lesson(r, lesson, step, steps);
    p.step = step;
    p.steps = steps;
    p.updated = Date.now();
    this.changed(r);
  }

  recordAnswer(learner: string, a: Omit<AnswerRecord, 'at'>): { first: boolean } {
    const r = this.record(learner);
    const p = this.lesson(r, a.lesson, a.step, null);
    if (p.answers.some((x) => x.question === a.question)) return { first: false };
    p.answers.push({ ...a, at: Date.now() });
    p.updated = Date.now();
    this.changed(r);
    return { first: true };
  }

  recordSolved(learner: string, lesson: string, step: number): void {
    const r = this.record(learner);
    const p = this.lesson(r, lesson, step, null);
    if (p.solved.includes(step)) return;
    p.solved.push(step);
    p.updated = Date.now();
    this.changed(r);
  }

  progressOf(learner: string): LearnerRecord | null {
    return this.records.get(learner) ?? this.read(learner);
  }

  private changed(r: LearnerRecord): void {
    r.updated = Date.now();
    if (!this.dir) return;
    this.dirty.add(r.learner);
    if (!this.timer) {
      this.timer = setTimeout(() => { this.timer = null; void this.flush(); }, WRITE_DELAY_MS);
      this.timer.unref();
    }
  }

  /** Writes every changed record (each to a temporary file, then renamed over the old one). */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const learners = [...this.dirty];
    this.dirty.clear();
    const dir = learners.length ? this.folder() : null;
    if (!dir) return this.writing;
    this.writing = this.writing.then(async () => {
      for (const l of learners) {
        const r = this.records.get(l);
        if (!r) continue;
        const file = join(dir, `${l}.json`);
        try {
          await writeFile(`${file}.tmp`, JSON.stringify(r), { mode: 0o600 });
          await rename(`${file}.tmp`, file);
        } catch (e) {
          this.log(`progress of ${l} could not be saved: ${e instanceof Error ? e.message : String(e)}`);
        }
      }
    });
    return this.writing;
  }
}
