// Searching what a gated student was sent for the value an open question asks, in every form a field
// would print it: the number itself, and for a sequence or acknowledgment number its raw 32-bit form too
// (as a number, and as the four bytes on the wire). Pure over what the server sent; the values come from
// the engine's decode of the lesson's capture, never typed per lesson.
import type { FrameDetail, FrameRow, LadderPage, Series } from '../../main/api/types';
import type { Field } from '../../main/engine/types';
import { fieldsNamed, resolveFrame, stepContext, type LessonCapture, type LessonFile, type ValueExpr } from '../../main/lessons/index';

/** What a student session was sent at one gate. */
export interface Sent {
  rows: FrameRow[];
  details: FrameDetail[];
  ladders: LadderPage[];
  series: Series[];
}

/** An open question's answer as a field would print it. */
export interface AnswerForms {
  step: number;
  /** The frame and field it asks. */
  asked: { frame: number; field: string };
  values: number[];
  /** Raw 32-bit forms, searched in frame bytes too (a relative number is too short to tell from other bytes). */
  raw: number[];
}

/** Relative numbers and their raw counterparts: the raw one is the relative one plus the direction's ISN. */
const RAW_OF: Record<string, string> = { 'tcp.seq': 'tcp.seq_raw', 'tcp.ack': 'tcp.ack_raw', 'tcp.nxtseq': 'tcp.seq_raw' };
const RELATIVE_OF: Record<string, string> = { 'tcp.seq_raw': 'tcp.seq', 'tcp.ack_raw': 'tcp.ack' };

const num = (v: unknown): number | null => (typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : null);

function fieldValue(capture: LessonCapture, frame: number, name: string): number | null {
  const f = fieldsNamed(capture.frames[frame - 1].decoded, name)[0];
  return f ? num(f.value) : null;
}

/** The forms of step `step`'s answer (null: not a whole number, or a question that asks no value). */
export function answerForms(lesson: LessonFile, step: number, capture: LessonCapture): AnswerForms | null {
  const q = lesson.steps[step].question;
  if (!q) return null;
  const expr: ValueExpr | undefined = q.kind === 'number' ? q.value : q.kind === 'choice' && !q.conceptual ? q.value : undefined;
  if (!expr) return null;
  const ctx = stepContext(lesson, step, capture);
  // A value worked out from several (bytes acknowledged, a time, a sum) is the student's own arithmetic:
  // its inputs stay on screen (exposure.ts).
  if (!('field' in expr)) return null;
  const frame = resolveFrame(expr.frame, ctx);
  const value = fieldValue(capture, frame, expr.field);
  if (value === null || !Number.isInteger(value)) return null;
  const out: AnswerForms = { step, asked: { frame, field: expr.field }, values: [value], raw: [] };
  const rawName = RAW_OF[expr.field];
  if (rawName) {
    // nxtseq's raw form: the raw Seq moved on as far as the relative one.
    const rel = fieldValue(capture, frame, expr.field === 'tcp.nxtseq' ? 'tcp.seq' : expr.field);
    const raw = fieldValue(capture, frame, rawName);
    if (rel !== null && raw !== null) out.raw.push((raw + value - rel) >>> 0);
  }
  const relName = RELATIVE_OF[expr.field];
  if (relName) {
    const rel = fieldValue(capture, frame, relName);
    if (rel !== null) out.values.push(rel);
    out.raw.push(value);
  }
  for (const r of out.raw) if (!out.values.includes(r)) out.values.push(r);
  return out;
}

function* walk(fs: Field[]): Generator<Field> {
  for (const f of fs) {
    yield f;
    yield* walk(f.children);
  }
}

/** Fields whose values are numbers of the sequence space (what a Seq, an Ack, a SACK edge is compared with). */
const SEQUENCE = /^tcp\.(seq|ack|nxtseq|seq_raw|ack_raw|options\.sack_(le|re))$/;
/** The graph that plots a field, by the point's y. */
const PLOTS: Record<string, string> = { 'tcp.seq': 'stevens', 'tcp.seq_raw': 'stevens', 'tcp.ack': 'acks', 'tcp.ack_raw': 'acks', 'tcp.len': 'segments', 'tcp.window_size': 'window' };

/**
 * Where what was sent shows one of the answer's forms. At the asked frame: the asked field in any form
 * (tree, raw or relative twin, Info, ladder label, the raw number's bytes, the graph that plots it). For a
 * number of the sequence space, also every "[Next Sequence Number]" of the connection that can equal it
 * (Wireshark's own Seq + Len: an Ack's, of the peer's segments; a Seq's or a next sequence number's, of
 * the same sender's) and the Stevens graph's upper ends (the same sum). Values read from other segments'
 * headers (the peer's Ack that says where the next Seq starts) are what the student reasons from.
 */
export function findAnswer(sent: Sent, a: AnswerForms, capture: LessonCapture): string[] {
  const out: string[] = [];
  const at = `step ${a.step + 1}'s answer`;
  const asked = a.asked;
  const twins = [asked.field, RAW_OF[asked.field], RELATIVE_OF[asked.field]].filter(Boolean);
  const sequence = SEQUENCE.test(asked.field);
  const whose = capture.frames[asked.frame - 1];
  // Whose next sequence number an answer of this field is: the peer's for an Ack or a SACK edge, the sender's own otherwise.
  const sender = /^tcp\.(ack|options\.sack)/.test(asked.field) ? (whose.from === 'client' ? 'server' : 'client') : whose.from;
  const restating = (n: number) => sequence && capture.frames[n - 1].decoded.stream === whose.decoded.stream && capture.frames[n - 1].from === sender;
  for (const d of sent.details) {
    const n = d.frame.frame;
    const own = n === asked.frame;
    for (const l of d.frame.layers) {
      for (const f of walk(l.fields)) {
        const v = num(f.value);
        if (v === null || !a.values.includes(v)) continue;
        if ((own && twins.includes(f.name)) || (f.name === 'tcp.nxtseq' && restating(n))) out.push(`${at} in frame ${n}'s tree: ${f.name} "${f.display}"`);
      }
    }
    if (!own) continue;
    for (const r of a.raw) {
      const hex = (r >>> 0).toString(16).padStart(8, '0');
      for (let i = d.bytes.indexOf(hex); i >= 0; i = d.bytes.indexOf(hex, i + 1)) {
        if (i % 2 === 0) out.push(`${at} in frame ${n}'s bytes at offset ${i / 2}`);
      }
    }
  }
  const label = /^tcp\.ack/.test(asked.field) ? 'Ack' : /^tcp\.seq/.test(asked.field) ? 'Seq' : null;
  const printed = (text: string, v: number) => label !== null && new RegExp(`\\b${label}=${v}(?!\\d)`).test(text);
  for (const r of sent.rows) for (const v of a.values) if (r.number === asked.frame && printed(r.info, v)) out.push(`${at} in frame ${r.number}'s Info: "${r.info}"`);
  for (const p of sent.ladders) {
    for (const s of p.segments) for (const v of a.values) if (s.frame === asked.frame && printed(s.label, v)) out.push(`${at} in frame ${s.frame}'s ladder label: "${s.label}"`);
  }
  for (const s of sent.series) {
    s.frames.forEach((f, i) => {
      const points: [string, number | undefined][] = [
        ['upper', s.kind === 'stevens' && restating(f) ? s.upper?.[i] : undefined],
        ['y', f === asked.frame && PLOTS[asked.field] === s.kind ? s.y[i] : undefined],
      ];
      for (const [what, v] of points) if (v !== undefined && a.values.includes(v)) out.push(`${at} in the ${s.kind} graph (${s.direction}) at frame ${f}: ${what} ${v}`);
    });
  }
  return out;
}
