// A lesson laid over a capture: the frame (and connection) of every step and every answer computed from
// it, with what could not be found (a live run that went differently). The back end sends this when a
// lesson opens; tests build it the same way.
import type { LessonCapture } from './capture';
import { computeAnswer, resolveSteps, type ComputedAnswer } from './answers';
import type { LessonFile } from './schema';
import { problemLine } from './validate';
import { ValueError } from './values';

export interface LessonLayout {
  steps: { frame: number | null; stream: number | null }[];
  answers: (ComputedAnswer | null)[];
  problems: string[];
  /** The step each problem is about (problems[i] is step problemSteps[i]'s): a page is sent only its steps' problems. */
  problemSteps: number[];
}

export function layOut(lesson: LessonFile, capture: LessonCapture): LessonLayout {
  const resolved = resolveSteps(lesson, capture);
  const problems: string[] = [];
  const problemSteps: number[] = [];
  resolved.forEach((r, i) => {
    if (r.frame === null) { problems.push(problemLine({ path: `steps[${i}]`, message: r.problem ?? 'no frame' })); problemSteps.push(i); }
  });
  const answers = lesson.steps.map((s, i): ComputedAnswer | null => {
    if (!s.question || resolved[i].frame === null) return null;
    try {
      return computeAnswer(lesson, i, capture);
    } catch (err) {
      if (!(err instanceof ValueError)) throw err;
      problems.push(problemLine({ path: `steps[${i}].question`, message: err.message }));
      problemSteps.push(i);
      return null;
    }
  });
  const steps = resolved.map((r) => ({ frame: r.frame, stream: r.frame === null ? null : capture.frames[r.frame - 1].decoded.stream }));
  return { steps, answers, problems, problemSteps };
}
