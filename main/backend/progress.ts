// Lesson progress per learner, kept by the back end. A learner is a random key the page keeps in
// localStorage (desktop: Electron keeps localStorage in the user data folder), so progress survives a
// reload and a browser restart; a duplicated tab is a new session of the same learner. No accounts.
//
// The interface the lesson player (lesson-player.ts) calls, as `ProgressRecorder`:
//   recordStep(learner, lesson, step, steps)   the page shows this step now (a reopened lesson resumes there)
//   recordAnswer(learner, answer)              an answer, graded by the back end; only the first per
//                                              question is kept (with its time), later ones are not
//   recordSolved(learner, lesson, step)        the question was answered right (at last): the gate moves on
//   progressOf(learner)                        what the learner did: per lesson, step, answers, solved
//   scoreOf(record, lesson)                    first answers right / asked
// The dashboard reads learners() and the same records. Each learner's record is a small JSON file
// (0600) in the progress folder, written shortly after it changes (null folder: memory only).
import { mkdirSync, readFileSync } from 'node:fs';
import { rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Texts } from '../api/types';

export interface AnswerRecord {
  lesson: string;
  step: number;
  /** The question's id within its lesson. */
  question: string;
  /** The first answer given, as the page sent it (a choice id, a state, a number…). */
  answer: string;
  correct: boolean;
  /** From reaching the step to answering. */
  timeMs: number;
  /** When it was answered (ms since the epoch). */
  at: number;
  /** The misconception behind this wrong answer, when the lesson names one. */
  misconception: Texts | null;
}

export interface LessonProgress {
  /** The step shown last (0-based), and the lesson's number of steps. */
  step: number;
  steps: number | null;
  answers: AnswerRecord[];
  /** Steps whose question was answered right (the first time or later): the lesson's gate is past them. */
  solved: number[];
  updated: number;
}

export interface LearnerRecord {
  learner: string;
  name: string | null;
  /** Set once the learner used the class URL (the dashboard lists students, not the teacher). */
  student: boolean;
  /** The lesson shown last. */
  current: string | null;
  lessons: Record<string, LessonProgress>;
  updated: number;
}

/** What the lesson player records into (a learner's store, or a session's own in memory). */
export interface ProgressRecorder {
  recordStep(learner: string, lesson: string, step: number, steps: number | null): void;
  recordAnswer(learner: string, a: Omit<AnswerRecord, 'at'>): { first: boolean };
  recordSolved(learner: string, lesson: string, step: number): void;
  progressOf(learner: string): LearnerRecord | null;
}

const WRITE_DELAY_MS = 250;

export class ProgressStore implements ProgressRecorder {
  private readonly records = new Map<string, LearnerRecord>();
  private readonly dirty = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private writing: Promise<void> = Promise.resolve();

  /** `onChange` is called after every change (the dashboard refreshes). */
  constructor(private readonly dir: string | null, private readonly maxLearners: number, private readonly log: (line: string) => void, private readonly onChange: () => void = () => undefined) {
    if (dir) {
      try {
        mkdirSync(dir, { recursive: true, mode: 0o700 });
      } catch (e) {
        log(`progress folder ${dir} cannot be created (${(e as NodeJS.ErrnoException).code ?? String(e)}): progress is kept in memory only`);
        this.dir = null;
      }
    }
  }

  /** The learner's record, read from disk the first time (null when the store is full). */
  private record(learner: string): LearnerRecord | null {
    let r = this.records.get(learner);
    if (r) return r;
    if (this.records.size >= this.maxLearners) return null;
    r = this.read(learner) ?? { learner, name: null, student: false, current: null, lessons: {}, updated: Date.now() };
    this.records.set(learner, r);
    return r;
  }

  private read(learner: string): LearnerRecord | null {
    if (!this.dir) return null;
    try {
      const r = JSON.parse(readFileSync(join(this.dir, `${learner}.json`), 'utf8')) as LearnerRecord;
      if (r && r.learner === learner && r.lessons && typeof r.lessons === 'object') {
        // Records written before questions had to be answered right hold no `solved`.
        for (const p of Object.values(r.lessons)) p.solved = Array.isArray(p.solved) ? p.solved : [];
        return r;
      }
      this.log(`progress of ${learner} is not a progress record; starting afresh`);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') this.log(`progress of ${learner} could not be read: ${e instanceof Error ? e.message : String(e)}`);
    }
    return null;
  }

  /** Makes sure a learner is known (identify); false when the store is full. */
  know(learner: string, o: { name?: string | null; student?: boolean } = {}): boolean {
    const r = this.record(learner);
    if (!r) return false;
    if (o.name !== undefined && o.name !== null) r.name = o.name;
    if (o.student) r.student = true;
    this.changed(r);
    return true;
  }

  /** Whether the learner's record is held now (in memory, taking a place). */
  has(learner: string): boolean {
    return this.records.has(learner);
  }

  /** Whether the store holds as many learners as it may. */
  get full(): boolean {
    return this.records.size >= this.maxLearners;
  }

  /**
   * Lets a learner go who answered nothing (no first answer, no question solved): its place is free and
   * its file removed, which held no more than a name and where it stood (a learner key is cheap to make
   * up: made-up learners must not hold the store's places, or its disk, for good). A learner with answers
   * stays. Returns whether it went.
   */
  forget(learner: string): boolean {
    const r = this.records.get(learner);
    if (!r || Object.values(r.lessons).some((p) => p.answers.length > 0 || p.solved.length > 0)) return false;
    this.records.delete(learner);
    this.dirty.delete(learner);
    const dir = this.dir;
    if (dir) {
      // After any write of it in flight; a record made again meanwhile is written again after this.
      this.writing = this.writing.then(() => unlink(join(dir, `${learner}.json`)).catch((e: NodeJS.ErrnoException) => {
        if (e.code !== 'ENOENT') this.log(`progress of ${learner} could not be removed: ${e.message}`);
      }));
    }
    this.onChange();
    return true;
  }

  recordStep(learner: string, lesson: string, step: number, steps: number | null): void {
    const r = this.record(learner);
    if (!r) return;
    const p = this.lesson(r, lesson, 0, steps);
    p.step = step;
    p.steps = steps;
    p.updated = Date.now();
    r.current = lesson;
    this.changed(r);
  }

  /** Records an answer; only the first answer to a question is kept. */
  recordAnswer(learner: string, a: Omit<AnswerRecord, 'at'>): { first: boolean } {
    const r = this.record(learner);
    if (!r) return { first: false };
    const p = this.lesson(r, a.lesson, a.step, null);
    if (p.answers.some((x) => x.question === a.question)) return { first: false };
    p.answers.push({ ...a, at: Date.now() });
    p.updated = Date.now();
    r.current = a.lesson;
    this.changed(r);
    return { first: true };
  }

  /** The question of step `step` was answered right (first time or later): the lesson goes on past it. */
  recordSolved(learner: string, lesson: string, step: number): void {
    const r = this.record(learner);
    if (!r) return;
    const p = this.lesson(r, lesson, step, null);
    if (p.solved.includes(step)) return;
    p.solved.push(step);
    p.updated = Date.now();
    this.changed(r);
  }

  private lesson(r: LearnerRecord, lesson: string, step: number, steps: number | null): LessonProgress {
    return r.lessons[lesson] ?? (r.lessons[lesson] = { step, steps, answers: [], solved: [], updated: 0 });
  }

  progressOf(learner: string): LearnerRecord | null {
    return this.records.get(learner) ?? this.read(learner);
  }

  /** Every learner this server has seen (since it started). */
  learners(): LearnerRecord[] {
    return [...this.records.values()];
  }

  static scoreOf(r: LearnerRecord, lesson: string): { right: number; asked: number } {
    const answers = r.lessons[lesson]?.answers ?? [];
    return { right: answers.filter((a) => a.correct).length, asked: answers.length };
  }

  private changed(r: LearnerRecord): void {
    r.updated = Date.now();
    this.onChange();
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
    const dir = this.dir;
    const learners = [...this.dirty];
    this.dirty.clear();
    if (!dir || !learners.length) return this.writing;
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
