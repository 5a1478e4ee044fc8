// Grading a lesson answer on the back end, from the capture the session looks at (never from the page's
// word). For today's lesson format (main/engine/ui/lesson.ts): a state question's right answer is the
// engine's state of that endpoint after the step's segment; a choice question's is its `answer`.
// A question may name the misconception behind a wrong answer in an optional `feedback` map (answer →
// texts by locale): the dashboard shows it for the most common wrong answer. The lesson player's grading
// replaces this module's internals; what it returns, and ProgressStore.recordAnswer, stay.
import type { Texts } from '../api/types';
import type { FrameStore } from '../engine/store/frame-store';
import { flagList } from '../engine/store/labels';
import { ladderPage } from '../engine/store/ladder';
import type { LessonDef } from '../engine/ui/lesson';

export interface Grade {
  /** The question's id within the lesson. */
  question: string;
  correct: boolean;
  /** The right answer, computed. */
  right: string;
  misconception: Texts | null;
}

/** The frame a step shows (a frame number, or the nth segment matching a pattern), or null. */
export function stepFrame(def: LessonDef, step: number, store: FrameStore, stream: number): number | null {
  const s = def.steps[step];
  if (!s) return null;
  if (s.frame !== undefined) return s.frame <= store.total ? s.frame : null;
  const m = s.match!;
  const page = ladderPage(store, stream, 0, 10_000);
  if (!page) return null;
  let seen = 0;
  const seg = page.segments.find((x) => (x.direction === 'c2s' ? 'client' : 'server') === m.from && flagList(x.flags) === m.flags && ++seen === (m.nth ?? 1));
  return seg ? seg.frame : null;
}

/** Grades `answer` to the question of step `step`; null when that step asks nothing or its frame is missing. */
export function gradeAnswer(def: LessonDef, step: number, answer: string, store: FrameStore, stream: number): Grade | null {
  const q = def.steps[step]?.question;
  if (!q) return null;
  let right: string;
  if (q.kind === 'choice') right = q.answer;
  else {
    const frame = stepFrame(def, step, store, stream);
    const states = frame === null ? null : store.rows([frame])[0]?.states;
    if (!states) return null;
    right = states[q.endpoint];
  }
  const correct = answer === right;
  const feedback = (q as { feedback?: Record<string, Texts> }).feedback;
  const misconception = !correct && feedback && typeof feedback === 'object' && Object.hasOwn(feedback, answer) ? feedback[answer] : null;
  return { question: `step-${step + 1}`, correct, right, misconception };
}
