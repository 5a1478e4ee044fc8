// One session's play of one lesson, decided by the back end (DECISIONS "Grading"): it grades answers
// against the answers computed from the capture, records the first answer to each question and its time,
// and holds the gate: a student may not go past the first question not answered right yet, and is sent
// nothing after that question's segment (`horizon`), while the page masks what the unanswered questions
// would give away (`mask`). A question's right answer and explanation leave the back end only once it is
// answered right, or in teacher mode. Progress goes to a ProgressRecorder, so a reload or a restart resumes.
import { ApiError } from '../api/contract';
import type { AnswerOutcome, LessonPlay, LessonState, QuestionStatus } from '../api/types';
import {
  answerKey, answerKeyTexts, answerText, exposureOf, exposureUpTo, feedbackText, firstExposed, grade, lessonView, mergeExposures,
  type ComputedAnswer, type Exposure, type GivenAnswer, type LessonCapture, type LessonFile, type LessonLayout, type Localized,
} from '../lessons/index';
import type { AnswerRecord, ProgressRecorder } from './progress';

export interface PlayerOptions {
  /** Whose progress this is (a learner key, or a key of this session only). */
  learner: string;
  progress: ProgressRecorder;
  teacher: boolean;
  now?: () => number;
}

const both = (f: (lang: 'en' | 'zh-CN') => string | null): Localized | null => {
  const en = f('en'), zh = f('zh-CN');
  return en === null || zh === null ? null : { en, 'zh-CN': zh };
};

export const questionId = (step: number): string => `step-${step + 1}`;

/**
 * Another lesson bound to the same capture: what each of its questions would give away there. Its answers
 * are on this lesson's screen too, so they stay masked until this learner answers them in that lesson.
 */
export interface SiblingLesson {
  id: string;
  exposures: Exposure[];
}

/** What each step's question would give away on a capture (nothing for a step without an answer there). */
export function lessonExposures(lesson: LessonFile, layout: LessonLayout, capture: LessonCapture): Exposure[] {
  return lesson.steps.map((_, i) => (layout.answers[i] ? exposureOf(lesson, i, capture) : mergeExposures([])));
}

export class LessonPlayer {
  private step = 0;
  /** When the current step was reached (the time an answer took is counted from there). */
  private since: number;
  private teacher: boolean;
  private readonly exposures: Exposure[];
  private readonly now: () => number;

  /**
   * `exposures`: what each step's question would give away on this capture (lessonExposures), when the
   * caller holds them already (they are the same for every student on the capture).
   */
  constructor(readonly lesson: LessonFile, readonly layout: LessonLayout, capture: LessonCapture, private readonly opts: PlayerOptions, private readonly siblings: readonly SiblingLesson[] = [], exposures?: readonly Exposure[]) {
    this.now = opts.now ?? Date.now;
    this.teacher = opts.teacher;
    this.exposures = exposures ? [...exposures] : lessonExposures(lesson, layout, capture);
    const saved = this.progress();
    const gate = this.gate();
    this.step = Math.min(saved?.step ?? 0, gate ?? lesson.steps.length - 1, lesson.steps.length - 1);
    this.since = this.now();
  }

  get id(): string {
    return this.lesson.id;
  }

  private progress() {
    return this.opts.progress.progressOf(this.opts.learner)?.lessons[this.lesson.id] ?? null;
  }

  private solved(): Set<number> {
    return new Set(this.progress()?.solved ?? []);
  }

  private firstAnswer(step: number): AnswerRecord | null {
    return this.progress()?.answers.find((a) => a.question === questionId(step)) ?? null;
  }

  /** The first step whose question can be answered here and is not answered right yet (null: none). */
  gate(): number | null {
    const solved = this.solved();
    const i = this.lesson.steps.findIndex((s, k) => s.question && this.layout.answers[k] && !solved.has(k));
    return i < 0 ? null : i;
  }

  /** The last frame this session may be sent (null: all). */
  horizon(): number | null {
    if (this.teacher) return null;
    const g = this.gate();
    return g === null ? null : this.layout.steps[g].frame;
  }

  /**
   * What is masked (by the server, and on the page): whatever any question not answered right yet would
   * give away, this lesson's and those of the other lessons on the same capture (null: nothing).
   */
  mask(): Exposure | null {
    if (this.teacher) return null;
    // Asked for every request and push of the session; it changes only when a question is solved (here,
    // or by the same learner in another page or a sibling lesson), so it is kept until the solved sets change.
    const record = this.opts.progress.progressOf(this.opts.learner);
    const key = JSON.stringify([record?.lessons[this.lesson.id]?.solved ?? [], this.siblings.map((sib) => record?.lessons[sib.id]?.solved ?? [])]);
    if (this.masked?.key !== key) this.masked = { key, mask: this.computeMask() };
    return this.masked.mask;
  }

  private masked: { key: string; mask: Exposure | null } | null = null;

  private computeMask(): Exposure | null {
    const solved = this.solved();
    const open = this.gate() === null ? [] : this.exposures.filter((_, i) => !solved.has(i));
    const record = this.opts.progress.progressOf(this.opts.learner);
    for (const sib of this.siblings) {
      const done = new Set(record?.lessons[sib.id]?.solved ?? []);
      open.push(...sib.exposures.filter((_, i) => !done.has(i)));
    }
    const merged = mergeExposures(open);
    return this.gate() !== null || firstExposed(merged) !== null ? merged : null;
  }

  /**
   * How many steps the page is sent: up to and including the gate's. A later step's text, prompt or frame
   * would answer the open question ("The reset reaches the server." after "Which flags will the closing
   * segment carry?"; the frames of the steps after "how many segments will this close take?"). Teacher
   * mode, and a lesson whose questions are all answered, show every step.
   */
  shownSteps(): number {
    const g = this.teacher ? null : this.gate();
    return g === null ? this.lesson.steps.length : g + 1;
  }

  /** The lesson as the page may know it (never an answer not given yet, no step past the gate's), and where the learner is. */
  play(recorded: boolean): LessonPlay {
    const n = this.shownSteps();
    const view = lessonView(this.lesson);
    const { layout } = this;
    return {
      lesson: { ...view, steps: view.steps.slice(0, n) },
      stepCount: this.lesson.steps.length,
      steps: layout.steps.slice(0, n),
      problems: layout.problems.filter((_, i) => layout.problemSteps[i] < n),
      recorded,
      state: this.state(),
    };
  }

  /** Teacher mode on or off; off, a student beyond the gate goes back to it. */
  setTeacher(on: boolean): void {
    this.teacher = on;
    const g = this.gate();
    if (!on && g !== null && this.step > g) {
      this.step = g;
      this.since = this.now();
    }
  }

  get currentStep(): number {
    return this.step;
  }

  get isTeacher(): boolean {
    return this.teacher;
  }

  /** Goes to a step; a student may not go past the gate. */
  go(step: number): LessonState {
    const last = this.lesson.steps.length - 1;
    if (step > last) throw new ApiError('bad_request', `lesson ${this.id} has ${last + 1} steps`);
    const g = this.gate();
    if (!this.teacher && g !== null && step > g) {
      throw new ApiError('forbidden', `answer the question of step ${g + 1} of lesson ${this.id} first`);
    }
    if (step !== this.step) {
      this.step = step;
      this.since = this.now();
    }
    if (!this.teacher) this.opts.progress.recordStep(this.opts.learner, this.id, step, this.lesson.steps.length);
    return this.state();
  }

  /** Grades an answer to step `step`'s question; records it when it is the first (never in teacher mode). */
  answer(step: number, given: GivenAnswer): AnswerOutcome {
    // The gate first: every step past it answers alike ("asks no question", "cannot be answered in this
    // capture" would tell what the steps not shown yet hold, and a step count the page was not sent).
    const g = this.gate();
    if (!this.teacher && g !== null && step > g) throw new ApiError('forbidden', `answer the question of step ${g + 1} of lesson ${this.id} first`);
    const q = this.lesson.steps[step]?.question;
    if (!q) throw new ApiError('bad_request', `step ${step + 1} of lesson ${this.id} asks no question`);
    const computed = this.layout.answers[step];
    if (!computed) throw new ApiError('bad_request', `the question of step ${step + 1} cannot be answered in this capture (${this.layout.problems.join('; ') || 'its segment is not there'})`);
    const { correct, feedbackKey } = grade(q, computed, given);
    const feedback = correct ? null : both((lang) => feedbackText(q, feedbackKey, lang));
    let first = false;
    if (!this.teacher && !this.solved().has(step)) {
      const timeMs = step === this.step ? Math.max(0, this.now() - this.since) : 0;
      first = this.opts.progress.recordAnswer(this.opts.learner, {
        lesson: this.id, step, question: questionId(step), answer: answerKey(q, given), correct, timeMs, misconception: feedback,
      }).first;
      if (correct) this.opts.progress.recordSolved(this.opts.learner, this.id, step);
    }
    return { correct, first, feedback, state: this.state() };
  }

  state(): LessonState {
    const solved = this.solved();
    const reveal = (i: number, c: ComputedAnswer) => {
      const q = this.lesson.steps[i].question!;
      return { answer: both((lang) => answerText(q, c, lang))!, explanation: q.explanation };
    };
    const questions = this.lesson.steps.map((s, i): QuestionStatus | null => {
      if (!s.question) return null;
      const c = this.layout.answers[i];
      const a = this.firstAnswer(i);
      return {
        step: i,
        available: c !== null,
        first: a ? answerKeyTexts(s.question, a.answer) : null,
        firstCorrect: a ? a.correct : null,
        timeMs: a ? a.timeMs : null,
        solved: solved.has(i),
        reveal: c && (solved.has(i) || this.teacher) ? reveal(i, c) : null,
      };
    });
    const asked = questions.filter((q): q is QuestionStatus => q !== null);
    const gate = this.gate();
    const horizon = this.horizon();
    const mask = this.mask();
    const shown = this.shownSteps();
    return {
      id: this.id,
      step: this.step,
      teacher: this.teacher,
      gate,
      horizon,
      // The server redacts with the whole mask (session.reveal()); the page has nothing past the horizon.
      mask: mask && exposureUpTo(mask, horizon),
      shown,
      // The score counts every question; the page hears of the shown steps' only.
      questions: questions.slice(0, shown),
      score: { right: asked.filter((q) => q.firstCorrect).length, answered: asked.filter((q) => q.first).length, total: asked.length },
      done: gate === null,
    };
  }
}
