// Answers computed from the engine's decode of the capture, and the grader. Pure functions the back end
// (grading), the CLI and `lesson validate` share:
//   computeAnswer(lesson, step, capture) → the right answer and the known wrong ones, each with its feedback
//   grade(question, computed, given)     → { correct, feedbackKey }
//   feedbackText(question, key, lang)    → the text aimed at that wrong answer
// Per kind (DECISIONS): state = the engine's state after the frame; number = a field or derived value;
// bytes = exactly the field's [offset, offset + length); order = capture order; choice = the choice whose
// value equals the question's value.
import type { TcpState } from '../engine/types';
import { fieldsNamed, findPattern, describePattern, type LessonCapture } from './capture';
import { MISCONCEPTIONS } from './misconceptions';
import type { LessonFile, LessonLocale, MisconceptionKey, Question, ValueExpr } from './schema';
import { evaluate, numeric, resolveFrame, sameValue, ValueError, type EvalContext, type Value } from './values';

/**
 * Which feedback a wrong answer gets: `misconception:KEY` (a built-in text), `feedback:I` (the question's
 * feedback entry I), `choice:ID` (that choice's feedback).
 */
export type FeedbackKey = string;

export interface Wrong<T> {
  value: T;
  feedback: FeedbackKey;
}

export type ComputedAnswer =
  | { kind: 'state'; frame: number; value: TcpState; wrong: Wrong<TcpState>[] }
  | { kind: 'number'; value: number; tolerance: number; wrong: Wrong<number>[] }
  | { kind: 'bytes'; frame: number; value: [number, number]; wrong: Wrong<[number, number]>[] }
  | { kind: 'order'; value: string[]; wrong: Wrong<string[]>[] }
  | { kind: 'choice'; value: string; wrong: Wrong<string>[] };

/** What a student gives: a state, a number (or its text), a byte range [start, end), item ids, a choice id. */
export type GivenAnswer = string | number | readonly [number, number] | readonly string[];

export interface Grade {
  correct: boolean;
  /** Feedback aimed at this wrong answer (null: right, or no known misconception behind it). */
  feedbackKey: FeedbackKey | null;
}

/** The connection a lesson follows: its `stream`, else the capture's first TCP connection. */
export function lessonStream(lesson: LessonFile, capture: LessonCapture): number {
  if (lesson.stream !== undefined) return lesson.stream;
  for (const f of capture.frames) if (f.decoded.stream !== null) return f.decoded.stream;
  return 0;
}

export interface ResolvedStep {
  frame: number | null;
  /** Why no frame was found. */
  problem?: string;
}

const resolvedCache = new WeakMap<LessonCapture, WeakMap<LessonFile, ResolvedStep[]>>();

/** The frame each step shows: its number, or the segment its pattern finds in the lesson's connection. */
export function resolveSteps(lesson: LessonFile, capture: LessonCapture): ResolvedStep[] {
  let byLesson = resolvedCache.get(capture);
  if (!byLesson) resolvedCache.set(capture, (byLesson = new WeakMap()));
  const cached = byLesson.get(lesson);
  if (cached) return cached;
  const stream = lessonStream(lesson, capture);
  const out = lesson.steps.map((s): ResolvedStep => {
    if (s.frame !== undefined) {
      if (s.frame > capture.frames.length) return { frame: null, problem: `frame ${s.frame} is not in the capture (${capture.frames.length} frames)` };
      return { frame: s.frame };
    }
    const f = findPattern(capture, stream, s.match!);
    return f === null ? { frame: null, problem: `no segment in stream ${stream} is ${describePattern(s.match!)}` } : { frame: f };
  });
  byLesson.set(lesson, out);
  return out;
}

/** The evaluation context of step `i` (throws a ValueError when the step has no frame). */
export function stepContext(lesson: LessonFile, i: number, capture: LessonCapture): EvalContext {
  const steps = resolveSteps(lesson, capture);
  const r = steps[i];
  if (!r || r.frame === null) throw new ValueError(r?.problem ?? `there is no steps[${i}]`);
  return { capture, stream: lessonStream(lesson, capture), stepFrames: steps.map((s) => s.frame), frame: r.frame };
}

/** The right answer of step `step`'s question (and its known wrong answers), from the capture. Throws ValueError. */
export function computeAnswer(lesson: LessonFile, step: number, capture: LessonCapture): ComputedAnswer {
  const q = lesson.steps[step]?.question;
  if (!q) throw new ValueError(`steps[${step}] asks no question`);
  return computeFor(q, stepContext(lesson, step, capture));
}

export function computeFor(q: Question, ctx: EvalContext): ComputedAnswer {
  switch (q.kind) {
    case 'state': return stateAnswer(q, ctx);
    case 'number': return numberAnswer(q, ctx);
    case 'bytes': return bytesAnswer(q, ctx);
    case 'order': return orderAnswer(q, ctx);
    case 'choice': return choiceAnswer(q, ctx);
  }
}

const auto = (key: MisconceptionKey): FeedbackKey => `misconception:${key}`;

function stateAnswer(q: Extract<Question, { kind: 'state' }>, ctx: EvalContext): ComputedAnswer {
  const n = resolveFrame(q.frame, ctx);
  const f = ctx.capture.frames[n - 1];
  if (!f.decoded.states) throw new ValueError(`frame ${n} is not a TCP segment`);
  const value = f.decoded.states[q.endpoint];
  const wrong: Wrong<TcpState>[] = [];
  const add = (state: TcpState | undefined, feedback: FeedbackKey) => {
    if (state && state !== value && !wrong.some((w) => w.value === state)) wrong.push({ value: state, feedback });
  };
  // The lesson's own feedback first, then what the capture shows by itself.
  q.feedback?.forEach((e, i) => add(e.state, `feedback:${i}`));
  const other = q.endpoint === 'client' ? 'server' : 'client';
  add(f.decoded.states[other], auto('state_other_endpoint'));
  const { before, later } = statesAround(n, q.endpoint, ctx);
  add(before, auto('state_before'));
  add(later, auto('state_too_far'));
  return { kind: 'state', frame: n, value, wrong };
}

/** The endpoint's state before frame n, and the next different state it reaches after it. */
function statesAround(n: number, who: 'client' | 'server', ctx: EvalContext): { before?: TcpState; later?: TcpState } {
  const f = ctx.capture.frames[n - 1];
  const now = f.decoded.states![who];
  // A transition of its own here says where it came from; otherwise it was as after the connection's previous frame.
  let before = f.decoded.transitions?.find((t) => t.endpoint === who)?.from;
  let later: TcpState | undefined;
  for (const m of ctx.capture.frames) {
    const d = m.decoded;
    if (d.stream !== f.decoded.stream || !d.states) continue;
    if (d.frame < n && !f.decoded.transitions?.some((t) => t.endpoint === who)) before = d.states[who];
    if (d.frame > n && d.states[who] !== now) { later = d.states[who]; break; }
  }
  return { before, later };
}

/** Fields whose other form is a known wrong answer: the raw number for the relative one, and so on. */
const COUNTERPARTS: Record<string, { field: string; key: MisconceptionKey }> = {
  'tcp.seq': { field: 'tcp.seq_raw', key: 'raw_vs_relative' },
  'tcp.ack': { field: 'tcp.ack_raw', key: 'raw_vs_relative' },
  'tcp.seq_raw': { field: 'tcp.seq', key: 'relative_vs_raw' },
  'tcp.ack_raw': { field: 'tcp.ack', key: 'relative_vs_raw' },
  'tcp.window_size': { field: 'tcp.window_size_value', key: 'unscaled_window' },
};

function numberAnswer(q: Extract<Question, { kind: 'number' }>, ctx: EvalContext): ComputedAnswer {
  const value = asNumber(evaluate(q.value, ctx), 'the value asked');
  const tolerance = q.tolerance ?? 0;
  const wrong: Wrong<number>[] = [];
  const add = (v: number, feedback: FeedbackKey) => {
    if (Math.abs(v - value) > tolerance + 1e-9 && !wrong.some((w) => w.value === v)) wrong.push({ value: v, feedback });
  };
  q.feedback?.forEach((e, i) => add(asNumber(evaluate(e.value, ctx), `feedback[${i}].value`), `feedback:${i}`));
  if ('field' in q.value && COUNTERPARTS[q.value.field]) {
    const c = COUNTERPARTS[q.value.field];
    const other: ValueExpr = { ...q.value, field: c.field };
    try {
      add(asNumber(evaluate(other, ctx), c.field), auto(c.key));
    } catch (e) {
      if (!(e instanceof ValueError)) throw e;
    }
  }
  return { kind: 'number', value, tolerance, wrong };
}

function asNumber(v: Value, what: string): number {
  const n = numeric(v);
  if (n === null) throw new ValueError(`${what} is "${v}", not a number`);
  return n;
}

function fieldRange(field: string, n: number, occurrence: number, ctx: EvalContext): [number, number] {
  const found = fieldsNamed(ctx.capture.frames[n - 1].decoded, field);
  if (found.length <= occurrence) throw new ValueError(found.length ? `frame ${n} has no occurrence ${occurrence} of ${field}` : `frame ${n} has no field ${field}`);
  const f = found[occurrence];
  if (f.length === 0) throw new ValueError(`${field} in frame ${n} has no bytes of its own (Wireshark computes it)`);
  return [f.offset, f.offset + f.length];
}

function bytesAnswer(q: Extract<Question, { kind: 'bytes' }>, ctx: EvalContext): ComputedAnswer {
  const n = resolveFrame(q.frame, ctx);
  const value = fieldRange(q.field, n, q.occurrence ?? 0, ctx);
  const wrong: Wrong<[number, number]>[] = [];
  q.feedback?.forEach((e, i) => {
    const r = fieldRange(e.field, n, 0, ctx);
    if (r[0] !== value[0] || r[1] !== value[1]) wrong.push({ value: r, feedback: `feedback:${i}` });
  });
  return { kind: 'bytes', frame: n, value, wrong };
}

function orderAnswer(q: Extract<Question, { kind: 'order' }>, ctx: EvalContext): ComputedAnswer {
  const at = q.items.map((it) => ({ id: it.id, frame: resolveFrame(it.frame, ctx) }));
  const value = [...at].sort((a, b) => a.frame - b.frame).map((x) => x.id);
  const wrong: Wrong<string[]>[] = [];
  q.feedback?.forEach((e, i) => {
    if (e.order.join() !== value.join()) wrong.push({ value: e.order, feedback: `feedback:${i}` });
  });
  return { kind: 'order', value, wrong };
}

function choiceAnswer(q: Extract<Question, { kind: 'choice' }>, ctx: EvalContext): ComputedAnswer {
  let value: string;
  if (q.conceptual) {
    if (q.answer === undefined) throw new ValueError('a conceptual question needs its "answer" (a choice id)');
    value = q.answer;
  } else {
    if (!q.value) throw new ValueError('a choice question needs the "value" its right choice equals');
    const asked = evaluate(q.value, ctx);
    const right = q.choices.filter((c) => {
      if (!c.value) throw new ValueError(`choice "${c.id}" has no "value"`);
      return sameValue(evaluate(c.value, ctx), asked);
    });
    if (right.length === 0) throw new ValueError(`no choice equals the computed value ${JSON.stringify(asked)}`);
    if (right.length > 1) throw new ValueError(`choices ${right.map((c) => `"${c.id}"`).join(' and ')} both equal the computed value ${JSON.stringify(asked)}`);
    value = right[0].id;
  }
  const wrong = q.choices.filter((c) => c.id !== value && c.feedback).map((c) => ({ value: c.id, feedback: `choice:${c.id}` }));
  return { kind: 'choice', value, wrong };
}

/** Grades a given answer against the computed one. A number may come as its text ("15", " 1,024 "). */
export function grade(q: Question, computed: ComputedAnswer, given: GivenAnswer): Grade {
  const miss = (feedbackKey: FeedbackKey | null): Grade => ({ correct: false, feedbackKey });
  switch (computed.kind) {
    case 'state':
    case 'choice': {
      const g = String(given).trim();
      const v = computed.kind === 'state' ? g.toUpperCase().replace(/[- ]/g, '_') : g;
      if (v === computed.value) return { correct: true, feedbackKey: null };
      return miss((computed.wrong as Wrong<string>[]).find((w) => w.value === v)?.feedback ?? null);
    }
    case 'number': {
      const n = typeof given === 'number' ? given : parseNumber(String(given));
      if (n === null) return miss(null);
      if (Math.abs(n - computed.value) <= computed.tolerance + 1e-9) return { correct: true, feedbackKey: null };
      return miss(computed.wrong.find((w) => Math.abs(w.value - n) <= computed.tolerance + 1e-9)?.feedback ?? null);
    }
    case 'bytes': {
      if (!Array.isArray(given) || given.length !== 2) return miss(null);
      const [a, b] = given as [number, number];
      const [x, y] = computed.value;
      if (a === x && b === y) return { correct: true, feedbackKey: null };
      const named = computed.wrong.find((w) => w.value[0] === a && w.value[1] === b);
      if (named) return miss(named.feedback);
      return miss(a < y && b > x ? auto('bytes_partial') : auto('bytes_elsewhere'));
    }
    case 'order': {
      if (!Array.isArray(given)) return miss(null);
      const g = (given as readonly unknown[]).map(String);
      if (g.join('\n') === computed.value.join('\n')) return { correct: true, feedbackKey: null };
      return miss(computed.wrong.find((w) => w.value.join('\n') === g.join('\n'))?.feedback ?? null);
    }
  }
  void q;
}

/** "1,024" / " 15 " / "0.5" → the number; anything else → null. */
export function parseNumber(text: string): number | null {
  const t = text.trim().replace(/(\d),(?=\d{3}\b)/g, '$1');
  if (!/^-?\d+(\.\d+)?$/.test(t)) return null;
  return Number(t);
}

/** The text aimed at a wrong answer, in the student's language (null when the key names nothing). */
export function feedbackText(q: Question, key: FeedbackKey | null, lang: LessonLocale): string | null {
  if (!key) return null;
  const [kind, rest] = [key.slice(0, key.indexOf(':')), key.slice(key.indexOf(':') + 1)];
  if (kind === 'misconception') return MISCONCEPTIONS[rest as MisconceptionKey]?.[lang] ?? null;
  if (kind === 'choice' && q.kind === 'choice') {
    const f = q.choices.find((c) => c.id === rest)?.feedback;
    return f ? (f.text?.[lang] ?? (f.key ? MISCONCEPTIONS[f.key][lang] : null)) : null;
  }
  if (kind === 'feedback' && 'feedback' in q && q.feedback) {
    const f = q.feedback[Number(rest)] as { key?: MisconceptionKey; text?: { en: string; 'zh-CN': string } } | undefined;
    return f ? (f.text?.[lang] ?? (f.key ? MISCONCEPTIONS[f.key][lang] : null)) : null;
  }
  return null;
}

/** The right answer as a student reads it (a choice's text, an order's item texts, a byte range). */
export function answerText(q: Question, computed: ComputedAnswer, lang: LessonLocale): string {
  switch (computed.kind) {
    case 'state': return computed.value;
    case 'number': return `${formatNumber(computed.value)}${q.kind === 'number' && q.unit ? ` ${q.unit[lang]}` : ''}`;
    case 'bytes': return computed.value[1] - computed.value[0] === 1 ? String(computed.value[0]) : `${computed.value[0]}–${computed.value[1] - 1}`;
    case 'order': return q.kind === 'order' ? computed.value.map((id) => q.items.find((it) => it.id === id)?.text[lang] ?? id).join(' → ') : computed.value.join(' → ');
    case 'choice': return q.kind === 'choice' ? q.choices.find((c) => c.id === computed.value)?.text[lang] ?? computed.value : computed.value;
  }
}

/** Up to 3 decimals, no trailing zeros. */
export function formatNumber(n: number): string {
  return Number.isInteger(n) ? String(n) : String(Math.round(n * 1000) / 1000);
}
