// `lesson validate`'s checks, beyond the schema: the frames exist and go forward, live lessons select by
// pattern, every field is one the engine knows and the frame has, every answer can be computed from the
// capture, typed constants equal the computed values, the right answer is among the choices, feedback is
// not aimed at the right answer, and at most one question in four is conceptual. Pure: the caller reads
// the files (main/backend/lessons.ts).
import { lookupField } from '../engine/fields/registry';
import { fieldsNamed, type LessonCapture } from './capture';
import { computeFor, formatNumber, resolveSteps, stepContext, type ComputedAnswer } from './answers';
import { captureOf, isLive, parseLesson, type FrameRef, type LessonFile, type Question, type SchemaProblem, type ValueExpr } from './schema';
import { ValueError } from './values';

export type Problem = SchemaProblem;

export interface Validation {
  /** The lesson when the schema accepted it (even if other checks found problems). */
  lesson: LessonFile | null;
  problems: Problem[];
  /** Not problems: things validate lists (conceptual questions). */
  notes: Problem[];
}

export interface ValidateInput {
  /** The file's parsed JSON. */
  value: unknown;
  /** The file's name without ".json" (the id must equal it), when known. */
  fileId?: string;
  /** The decoded capture (captureOf(lesson)), or why it could not be read. */
  capture: (lesson: LessonFile) => LessonCapture | { error: string };
}

/** One line per problem, as `lesson validate` prints them: "steps[3].question: problem". */
export function problemLine(p: Problem): string {
  return p.path ? `${p.path}: ${p.message}` : p.message;
}

export function validateLesson(input: ValidateInput): Validation {
  const parsed = parseLesson(input.value);
  if (!parsed.ok) return { lesson: null, problems: parsed.problems, notes: [] };
  const lesson = parsed.lesson;
  const problems: Problem[] = [];
  const notes: Problem[] = [];
  const add = (path: string, message: string) => problems.push({ path, message });
  if (input.fileId !== undefined && lesson.id !== input.fileId) add('id', `"${lesson.id}" differs from the file name "${input.fileId}.json"`);
  checkLiveUsesPatterns(lesson, add);
  checkFieldNames(lesson, add);

  const capture = input.capture(lesson);
  if ('error' in capture) {
    add(lesson.capture ? 'capture' : lesson.experiment ? 'experiment.sample' : 'watch.sample', `cannot read ${captureOf(lesson)}: ${capture.error}`);
    return { lesson, problems, notes };
  }
  const resolved = resolveSteps(lesson, capture);
  let previous: number | null = null;
  resolved.forEach((r, i) => {
    const s = lesson.steps[i];
    const where = `steps[${i}].${s.frame !== undefined ? 'frame' : 'match'}`;
    if (r.frame === null) return add(where, r.problem ?? 'no frame');
    const f = capture.frames[r.frame - 1];
    if (f.from === null) return add(where, `frame ${r.frame} is not a TCP segment`);
    if (previous !== null && r.frame < previous) add(where, `frame ${r.frame} comes before the previous step's frame ${previous} (steps go forward in capture order)`);
    previous = r.frame;
  });

  let asked = 0, conceptual = 0;
  lesson.steps.forEach((s, i) => {
    const frame = resolved[i].frame;
    if (frame === null) return;
    if (s.highlight) checkHighlight(lesson, i, frame, capture, add);
    const q = s.question;
    if (!q) return;
    asked++;
    if (q.conceptual) {
      conceptual++;
      notes.push({ path: `steps[${i}].question`, message: 'conceptual: its answer is typed in the file, not computed from the capture' });
    }
    const where = `steps[${i}].question`;
    let computed: ComputedAnswer;
    try {
      computed = computeFor(q, stepContext(lesson, i, capture));
    } catch (e) {
      if (e instanceof ValueError) return add(where, `cannot compute the answer: ${e.message}`);
      throw e;
    }
    checkAnswer(q, computed, where, add, isLive(lesson));
    if (s.highlight && giveaway(q, s.highlight)) add(`steps[${i}].highlight`, 'shows the answer before the question is answered');
  });
  if (conceptual * 4 > asked) add('', `${conceptual} of ${asked} questions are conceptual; at most one in four may be`);
  return { lesson, problems, notes };
}

type Add = (path: string, message: string) => void;

/** Live lessons run on packets nobody has seen yet: a frame number there is a guess. */
function checkLiveUsesPatterns(lesson: LessonFile, add: Add): void {
  if (!isLive(lesson)) return;
  const msg = 'a live lesson runs on the student\'s own packets: select segments by "match" or {"step": N}, not by frame number';
  lesson.steps.forEach((s, i) => {
    if (s.frame !== undefined) add(`steps[${i}].frame`, msg);
    walkRefs(s.question, `steps[${i}].question`, (ref, path) => { if (typeof ref === 'number') add(path, msg); });
  });
}

/** Calls `fn` for every frame reference inside a question (with its path). */
function walkRefs(q: Question | undefined, path: string, fn: (ref: FrameRef, path: string) => void): void {
  if (!q) return;
  if ('frame' in q && q.frame !== undefined) fn(q.frame, `${path}.frame`);
  if (q.kind === 'order') q.items.forEach((it, j) => fn(it.frame, `${path}.items[${j}].frame`));
  eachValue(q, path, (e, p) => {
    for (const k of ['frame', 'to'] as const) {
      const ref = (e as { frame?: FrameRef; to?: FrameRef })[k];
      if (ref !== undefined) fn(ref, `${p}.${k}`);
    }
  });
}

/** Calls `fn` for every value expression in a question, nested ones included. */
function eachValue(q: Question, path: string, fn: (e: ValueExpr, path: string) => void): void {
  const visit = (e: ValueExpr, p: string) => {
    fn(e, p);
    if ('add' in e) e.add.forEach((x, j) => visit(x, `${p}.add[${j}]`));
    if ('mul' in e) e.mul.forEach((x, j) => visit(x, `${p}.mul[${j}]`));
    if ('sub' in e) e.sub.forEach((x, j) => visit(x, `${p}.sub[${j}]`));
    if ('div' in e) e.div.forEach((x, j) => visit(x, `${p}.div[${j}]`));
    if ('round' in e) visit(e.round, `${p}.round`);
  };
  if (q.kind === 'number') {
    visit(q.value, `${path}.value`);
    q.feedback?.forEach((f, j) => visit(f.value, `${path}.feedback[${j}].value`));
  }
  if (q.kind === 'choice') {
    if (q.value) visit(q.value, `${path}.value`);
    q.choices.forEach((c, j) => { if (c.value) visit(c.value, `${path}.choices[${j}].value`); });
  }
}

function checkFieldNames(lesson: LessonFile, add: Add): void {
  const known = (name: string, path: string) => {
    if (!lookupField(name)) add(path, `unknown field "${name}" (not a field Handshake Lab's engine decodes)`);
  };
  lesson.steps.forEach((s, i) => {
    if (s.highlight?.field) known(s.highlight.field, `steps[${i}].highlight.field`);
    const q = s.question;
    if (!q) return;
    const path = `steps[${i}].question`;
    if (q.kind === 'bytes') {
      known(q.field, `${path}.field`);
      q.feedback?.forEach((f, j) => known(f.field, `${path}.feedback[${j}].field`));
    }
    eachValue(q, path, (e, p) => { if ('field' in e) known(e.field, `${p}.field`); });
  });
}

function checkHighlight(lesson: LessonFile, i: number, frame: number, capture: LessonCapture, add: Add): void {
  const h = lesson.steps[i].highlight!;
  const d = capture.frames[frame - 1].decoded;
  const path = `steps[${i}].highlight`;
  if (h.field && lookupField(h.field) && !fieldsNamed(d, h.field).length) add(`${path}.field`, `frame ${frame} has no field ${h.field}`);
  if (h.layer && !d.layers.some((l) => l.protocol === h.layer)) add(`${path}.layer`, `frame ${frame} has no ${h.layer} layer (it has ${d.layers.map((l) => l.protocol).join(', ')})`);
  if (h.bytes && h.bytes.offset + h.bytes.length > d.caplen) add(`${path}.bytes`, `frame ${frame} has ${d.caplen} bytes; ${h.bytes.offset}+${h.bytes.length} runs past its end`);
  if (h.edge) {
    const e = h.edge;
    if (!(d.transitions ?? []).some((t) => t.endpoint === e.endpoint && t.from === e.from && t.to === e.to)) {
      const made = (d.transitions ?? []).map((t) => `${t.endpoint} ${t.from} → ${t.to}`).join(', ') || 'none';
      add(`${path}.edge`, `frame ${frame} does not take the ${e.endpoint} from ${e.from} to ${e.to} (its transitions: ${made})`);
    }
  }
}

/** The highlight would show what the question asks. */
function giveaway(q: Question, h: NonNullable<LessonFile['steps'][number]['highlight']>): boolean {
  if (q.kind === 'bytes') return h.field === q.field;
  if (q.kind === 'state') return h.edge?.endpoint === q.endpoint && q.frame === undefined;
  return false;
}

/** `live`: the student's run decides the answer, so feedback on the sample's right choice is not dead. */
function checkAnswer(q: Question, c: ComputedAnswer, where: string, add: Add, live: boolean): void {
  switch (q.kind) {
    case 'state': {
      const v = c.value as string;
      if (q.choices && !q.choices.includes(c.value as never)) add(`${where}.choices`, `the right answer ${v} (the engine's state after frame ${(c as { frame: number }).frame}) is not among the choices`);
      if (q.choices && new Set(q.choices).size !== q.choices.length) add(`${where}.choices`, 'a state is offered twice');
      q.feedback?.forEach((f, j) => { if (f.state === v) add(`${where}.feedback[${j}].state`, `${v} is the right answer, not a wrong one`); });
      break;
    }
    case 'number': {
      const v = c.value as number;
      if (q.answer !== undefined && Math.abs(q.answer - v) > (q.tolerance ?? 0) + 1e-9) add(`${where}.answer`, `${formatNumber(q.answer)} is not the computed value ${formatNumber(v)}`);
      const wrongs = new Set((c.wrong as { feedback: string }[]).map((w) => w.feedback));
      q.feedback?.forEach((_f, j) => { if (!wrongs.has(`feedback:${j}`)) add(`${where}.feedback[${j}].value`, `equals the right answer (${formatNumber(v)}) or an earlier feedback's value`); });
      break;
    }
    case 'bytes': {
      const wrongs = new Set((c.wrong as { feedback: string }[]).map((w) => w.feedback));
      q.feedback?.forEach((_f, j) => { if (!wrongs.has(`feedback:${j}`)) add(`${where}.feedback[${j}].field`, 'covers the same bytes as the field asked'); });
      break;
    }
    case 'order': {
      const order = c.value as string[];
      const ids = q.items.map((it) => it.id);
      if (new Set(ids).size !== ids.length) add(`${where}.items`, 'two items have the same id');
      if (ids.join() === order.join()) add(`${where}.items`, 'the items are listed in the right order: list them shuffled');
      q.feedback?.forEach((f, j) => {
        if ([...f.order].sort().join() !== [...ids].sort().join()) add(`${where}.feedback[${j}].order`, `not an order of the items (${ids.join(', ')})`);
        else if (f.order.join() === order.join()) add(`${where}.feedback[${j}].order`, 'is the right order, not a wrong one');
      });
      break;
    }
    case 'choice': {
      const ids = q.choices.map((ch) => ch.id);
      if (new Set(ids).size !== ids.length) add(`${where}.choices`, 'two choices have the same id');
      if (!ids.includes(c.value as string)) add(`${where}.answer`, `"${c.value as string}" is not one of the choices (${ids.join(', ')})`);
      else if (!q.conceptual && q.answer !== undefined && q.answer !== c.value) add(`${where}.answer`, `"${q.answer}" is not the computed right choice "${c.value as string}"`);
      const right = q.choices.find((ch) => ch.id === c.value);
      if (right?.feedback && !live) add(`${where}.choices[${ids.indexOf(right.id)}].feedback`, 'is on the right choice');
      break;
    }
  }
}
