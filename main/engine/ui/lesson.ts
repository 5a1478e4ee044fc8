// The lesson file format (assets/lessons/*.json), shared by the renderer (which shows the steps) and the
// back end (which lists lessons and opens their captures). Pure types and checks: no I/O here.
import type { EndpointStates, TcpState } from '../types';

export const LESSON_LOCALES = ['en', 'zh-CN'] as const;
export type LessonLocale = (typeof LESSON_LOCALES)[number];
/** A text in every language the app speaks. */
export type Localized = Record<LessonLocale, string>;

export type ExperimentVariantName = 'classic' | 'server-first' | 'half-close' | 'rst' | 'refused' | 'ipv6';

export interface LessonDef {
  /** Lower-case words and dashes; also the file name without ".json". */
  id: string;
  title: Localized;
  summary: Localized;
  /** Capture file next to the lesson file. Absent when the lesson runs the experiment instead. */
  capture?: string;
  /** Lessons on "your own traffic": the experiment to run before stepping. */
  experiment?: { variant: ExperimentVariantName; slowMotionMs?: number };
  /** tcp.stream the lesson follows (default 0; experiment lessons use the experiment's first stream). */
  stream?: number;
  steps: LessonStep[];
}

/** Which segment a step shows: a frame number (lessons on a shipped capture) or a pattern (own traffic). */
export interface SegmentMatch {
  /** Flags exactly as the ladder label lists them, e.g. "SYN", "SYN, ACK", "FIN, ACK", "PSH, ACK". */
  flags: string;
  from: 'client' | 'server';
  /** 1 for the first such segment (default), 2 for the second … */
  nth?: number;
}

export interface LessonStep {
  frame?: number;
  match?: SegmentMatch;
  text: Localized;
  question?: LessonQuestion;
}

/** "What state next?": the answer is the engine's state after the step's segment, never written in the file. */
export interface StateQuestion {
  kind: 'state';
  endpoint: 'client' | 'server';
  prompt: Localized;
  choices: TcpState[];
  explanation: Localized;
}

/** A question with fixed choices; `verify` names the field whose tshark value the right choice must equal. */
export interface ChoiceQuestion {
  kind: 'choice';
  prompt: Localized;
  choices: { id: string; text: Localized }[];
  answer: string;
  explanation: Localized;
  verify?: { frame: number; field: string };
}

export type LessonQuestion = StateQuestion | ChoiceQuestion;

export interface LessonChoice { id: string; text: string }

/** The right answer of a state question, from the states the engine reported after the step's segment. */
export function stateAnswer(q: StateQuestion, after: EndpointStates): TcpState {
  return after[q.endpoint];
}

const TCP_STATES: readonly TcpState[] = ['CLOSED', 'LISTEN', 'SYN_SENT', 'SYN_RECEIVED', 'ESTABLISHED', 'FIN_WAIT_1', 'FIN_WAIT_2', 'CLOSE_WAIT', 'CLOSING', 'LAST_ACK', 'TIME_WAIT'];

/** Problems with a lesson definition (empty when it is well formed). */
export function lessonProblems(value: unknown): string[] {
  const p: string[] = [];
  const d = value as Partial<LessonDef>;
  const localized = (x: unknown, where: string): void => {
    const o = x as Partial<Localized> | undefined;
    for (const l of LESSON_LOCALES) if (!o || typeof o[l] !== 'string' || !o[l]) p.push(`${where}: missing ${l} text`);
  };
  if (!d || typeof d !== 'object') return ['not an object'];
  if (typeof d.id !== 'string' || !/^[a-z0-9-]+$/.test(d.id)) p.push('id: lower-case words and dashes');
  localized(d.title, 'title');
  localized(d.summary, 'summary');
  if (!d.capture === !d.experiment) p.push('exactly one of capture and experiment');
  if (!Array.isArray(d.steps) || !d.steps.length) p.push('steps: at least one');
  (d.steps ?? []).forEach((s, i) => {
    const w = `steps[${i}]`;
    if ((s.frame === undefined) === (s.match === undefined)) p.push(`${w}: exactly one of frame and match`);
    if (s.frame !== undefined && !(Number.isInteger(s.frame) && s.frame >= 1)) p.push(`${w}.frame: a frame number`);
    localized(s.text, `${w}.text`);
    const q = s.question;
    if (!q) return;
    localized(q.prompt, `${w}.question.prompt`);
    localized(q.explanation, `${w}.question.explanation`);
    if (q.kind === 'state') {
      if (q.endpoint !== 'client' && q.endpoint !== 'server') p.push(`${w}.question.endpoint`);
      if (!Array.isArray(q.choices) || q.choices.length < 2 || q.choices.some((c) => !TCP_STATES.includes(c))) p.push(`${w}.question.choices: two or more TCP states`);
    } else if (q.kind === 'choice') {
      if (!Array.isArray(q.choices) || q.choices.length < 2) p.push(`${w}.question.choices: two or more`);
      else {
        q.choices.forEach((c, j) => localized(c.text, `${w}.question.choices[${j}]`));
        if (!q.choices.some((c) => c.id === q.answer)) p.push(`${w}.question.answer: not one of the choices`);
      }
    } else p.push(`${w}.question.kind: state or choice`);
  });
  return p;
}
