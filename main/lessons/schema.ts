// The lesson file format: ONE zod schema, shared by the back end (catalogue, grading), the renderer and the
// CLI (`lesson validate`). A lesson is data: texts in every language, the capture it is bound to (or the
// experiment it runs on the student's own packets), and steps that select a segment, say something and
// may ask. Answers are never written in the file: each question names what is asked (a state, a field,
// a derived value, a byte range, an order of segments) and the engine's decode of the capture computes
// it (answers.ts). What the schema cannot see (frames, fields, computed answers) validate.ts checks.
import { z } from 'zod';

export const LESSON_LOCALES = ['en', 'zh-CN'] as const;
export type LessonLocale = (typeof LESSON_LOCALES)[number];

export const TCP_STATES = [
  'CLOSED', 'LISTEN', 'SYN_SENT', 'SYN_RECEIVED', 'ESTABLISHED', 'FIN_WAIT_1', 'FIN_WAIT_2', 'CLOSE_WAIT', 'CLOSING', 'LAST_ACK', 'TIME_WAIT',
] as const;

export const EXPERIMENT_VARIANTS = ['classic', 'server-first', 'half-close', 'rst', 'refused', 'ipv6'] as const;

/** Views of the app a step may bring to the front. */
export const LESSON_VIEWS = ['ladder', 'states', 'layers', 'packets', 'graphs'] as const;

/**
 * Known wrong answers with a text of their own (misconceptions.ts): a question's feedback names one, and
 * the wrong value it stands for is computed from the capture like the right answer.
 */
export const MISCONCEPTION_KEYS = [
  'ack_is_seq_plus_one', 'ack_is_seq', 'ack_is_len', 'raw_vs_relative', 'relative_vs_raw', 'unscaled_window',
  'scale_not_multiplier', 'state_other_endpoint', 'state_before', 'state_too_far', 'established_together',
  'close_always_four', 'both_time_wait', 'fin_closes_both', 'ack_per_segment', 'refused_is_reset', 'isn_unique',
  'bytes_partial', 'bytes_elsewhere', 'order_textbook', 'msl_is_linux', 'rtt_last_sample',
] as const;
export type MisconceptionKey = (typeof MISCONCEPTION_KEYS)[number];

const words = (list: readonly string[]) => list.join(', ');

const textIn = (lang: LessonLocale) =>
  z.string({ error: (iss) => (iss.input === undefined ? `missing ${lang} translation` : `the ${lang} text must be a string`) })
    .refine((s) => s.trim() !== '', `the ${lang} text is empty`);

/** A text in every language the app speaks. */
export const localized = z.object({ en: textIn('en'), 'zh-CN': textIn('zh-CN') }, { error: 'a text in en and zh-CN, e.g. {"en": "…", "zh-CN": "…"}' }).strict();
export type Localized = z.infer<typeof localized>;

const endpoint = z.enum(['client', 'server'], { error: 'client or server' });
const tcpState = z.enum(TCP_STATES, { error: `a TCP state (${words(TCP_STATES)})` });
/** A display-filter field name (validate checks that the engine knows it and the frame has it). */
const fieldName = z.string({ error: 'a field name, e.g. "tcp.ack"' }).regex(/^[a-z][a-z0-9_-]*(\.[a-z0-9_-]+)*$/, 'a field name as Wireshark writes it, e.g. "tcp.ack"');
const protocolName = z.string().regex(/^[a-z][a-z0-9_]*$/, 'a protocol name as Wireshark writes it, e.g. "tcp"');

/**
 * A segment of the lesson's connection found by what it is, not by its number: live lessons run on the
 * student's own packets, whose frame numbers nobody knows in advance.
 */
const flagName = z.enum(['FIN', 'SYN', 'RST', 'PSH', 'ACK', 'URG', 'ECE', 'CWR', 'AE'], { error: 'a TCP flag (FIN, SYN, RST, PSH, ACK, URG, ECE, CWR, AE)' });
export const segmentPattern = z.object({
  /** Who sent it (default: either side). */
  from: endpoint.optional(),
  /** The flags exactly as the ladder lists them: "SYN", "SYN, ACK", "FIN, ACK", "PSH, ACK", "RST, ACK"… */
  flags: z.string().regex(/^[A-Z]+(, [A-Z]+)*$/, 'flags as the ladder lists them, e.g. "SYN, ACK"').optional(),
  /** …or flags it has among others (["FIN"] matches FIN, ACK and FIN, PSH, ACK): what a live run may vary. */
  has: z.array(flagName).min(1).optional(),
  /** 1 for the first segment that matches (default), 2 for the second… */
  nth: z.number().int().min(1).optional(),
  /** The last segment that matches (instead of nth). */
  last: z.literal(true).optional(),
  /** true: only segments with payload; false: only segments without. */
  data: z.boolean().optional(),
}).strict()
  .refine((p) => (p.flags === undefined) !== (p.has === undefined), 'a pattern needs exactly one of "flags" and "has"')
  .refine((p) => !(p.last && p.nth !== undefined), 'a pattern takes "nth" or "last", not both');
export type SegmentPattern = z.infer<typeof segmentPattern>;

/** A frame: its number (lessons on a shipped capture), the frame of another step, or a segment pattern. */
export const frameRef = z.union([
  z.number().int().min(1),
  z.object({ step: z.number().int().min(0) }).strict(),
  z.object({ match: segmentPattern }).strict(),
], { error: 'a frame number, {"step": N} or {"match": {…}}' });
export type FrameRef = z.infer<typeof frameRef>;

export const DERIVED_VALUES = [
  /** Sequence numbers newly acknowledged: this segment's Ack minus the last Ack its sender sent before (0 before any). */
  'bytes_acked',
  /** Segments of the connection from `frame` to `to`, both included. */
  'segments',
  /** Payload bytes sent by `of` (default: both) from `frame` to `to`. */
  'payload_bytes',
  /** Milliseconds from `frame` to `to`. */
  'time_ms',
  /** tcp.analysis.ack_rtt of the frame, in milliseconds. */
  'sample_rtt_ms',
  /** RFC 6298's smoothed RTT (α = 1/8) of `of`'s segments (default client), over the samples up to `frame`, in ms. */
  'estimated_rtt_ms',
  /** Who sent the frame: "client" or "server". */
  'sender',
  /** The frame's flags as the ladder lists them ("FIN, ACK"). */
  'flags',
  /** Who entered `state` first: "client", "server", "both" (in the same frame) or "none". */
  'first_to',
  /** Who is in `state` after the frame: "client", "server", "both" or "none". */
  'endpoints_in',
] as const;
export type DerivedName = (typeof DERIVED_VALUES)[number];

/** A value computed from the capture (or a constant), as `decode --jsonl` and the engine's states give it. */
export type ValueExpr =
  | { const: number | string }
  | { field: string; frame?: FrameRef; occurrence?: number }
  | { state: 'client' | 'server'; frame?: FrameRef }
  | { derived: DerivedName; frame?: FrameRef; to?: FrameRef; of?: 'client' | 'server'; state?: (typeof TCP_STATES)[number] }
  | { add: ValueExpr[] }
  | { sub: [ValueExpr, ValueExpr] }
  | { mul: ValueExpr[] }
  | { div: [ValueExpr, ValueExpr] }
  | { round: ValueExpr; digits?: number };

export const valueExpr: z.ZodType<ValueExpr> = z.lazy(() => z.union([
  z.object({ const: z.union([z.number(), z.string()]) }).strict(),
  z.object({ field: fieldName, frame: frameRef.optional(), occurrence: z.number().int().min(0).optional() }).strict(),
  z.object({ state: endpoint, frame: frameRef.optional() }).strict(),
  z.object({
    derived: z.enum(DERIVED_VALUES, { error: `a derived value (${words(DERIVED_VALUES)})` }),
    frame: frameRef.optional(), to: frameRef.optional(), of: endpoint.optional(), state: tcpState.optional(),
  }).strict(),
  z.object({ add: z.array(valueExpr).min(2) }).strict(),
  z.object({ sub: z.tuple([valueExpr, valueExpr]) }).strict(),
  z.object({ mul: z.array(valueExpr).min(2) }).strict(),
  z.object({ div: z.tuple([valueExpr, valueExpr]) }).strict(),
  z.object({ round: valueExpr, digits: z.number().int().min(0).max(9).optional() }).strict(),
], { error: 'a value: {"const"}, {"field"}, {"state"}, {"derived"}, {"add"}, {"sub"}, {"mul"}, {"div"} or {"round"}' }));

/** Feedback aimed at one wrong answer: a known misconception's text, the lesson's own text, or both. */
const feedbackText = { key: z.enum(MISCONCEPTION_KEYS, { error: `a misconception (${words(MISCONCEPTION_KEYS)})` }).optional(), text: localized.optional() };
const needsText = (f: { key?: unknown; text?: unknown }) => f.key !== undefined || f.text !== undefined;
const NEEDS_TEXT = 'feedback needs a "key" (a known misconception) or a "text"';

const common = {
  prompt: localized,
  explanation: localized,
  /**
   * A question about ideas, not about this capture: its answer is typed in the file. At most one question
   * in four may be conceptual, and `lesson validate` lists them.
   */
  conceptual: z.boolean().optional(),
};

/** "Which state is the endpoint in after this segment?" — answered by the engine's state after the frame. */
export const stateQuestion = z.object({
  kind: z.literal('state'),
  endpoint,
  frame: frameRef.optional(),
  /** States offered (default: the whole diagram). */
  choices: z.array(tcpState).min(2).optional(),
  feedback: z.array(z.object({ state: tcpState, ...feedbackText }).strict().refine(needsText, NEEDS_TEXT)).optional(),
  ...common,
}).strict();

/** A typed number: a field's value or a derived value. */
export const numberQuestion = z.object({
  kind: z.literal('number'),
  value: valueExpr,
  /** A typed constant: accepted only where `lesson validate` proves it equal to the computed value. */
  answer: z.number().optional(),
  /** Accept answers within ± this much (times and rates; default 0: exact). */
  tolerance: z.number().min(0).optional(),
  unit: localized.optional(),
  feedback: z.array(z.object({ value: valueExpr, ...feedbackText }).strict().refine(needsText, NEEDS_TEXT)).optional(),
  ...common,
}).strict();

/** "Click the bytes of this field" in the hex view: the answer is the field's [offset, offset + length). */
export const bytesQuestion = z.object({
  kind: z.literal('bytes'),
  field: fieldName,
  frame: frameRef.optional(),
  occurrence: z.number().int().min(0).optional(),
  /** Feedback when the student picks exactly another field's bytes. */
  feedback: z.array(z.object({ field: fieldName, ...feedbackText }).strict().refine(needsText, NEEDS_TEXT)).optional(),
  ...common,
}).strict();

/** "Put these segments in order": the answer is their capture order. */
export const orderQuestion = z.object({
  kind: z.literal('order'),
  items: z.array(z.object({ id: z.string().regex(/^[a-z0-9-]+$/, 'lower-case words and dashes'), text: localized, frame: frameRef }).strict()).min(2),
  feedback: z.array(z.object({ order: z.array(z.string()).min(2), ...feedbackText }).strict().refine(needsText, NEEDS_TEXT)).optional(),
  ...common,
}).strict();

/**
 * Multiple choice: the question's `value` is evaluated against the capture, and so is each choice's; the
 * right choice is the one whose value equals it. A conceptual question types its `answer` (a choice id).
 */
export const choiceQuestion = z.object({
  kind: z.literal('choice'),
  value: valueExpr.optional(),
  choices: z.array(z.object({
    id: z.string().regex(/^[a-z0-9-]+$/, 'lower-case words and dashes'),
    text: localized,
    value: valueExpr.optional(),
    feedback: z.object(feedbackText).strict().refine(needsText, NEEDS_TEXT).optional(),
  }).strict()).min(2),
  /** The right choice's id: required for a conceptual question; elsewhere accepted only where validate proves it. */
  answer: z.string().optional(),
  ...common,
}).strict();

export const QUESTION_KINDS = ['state', 'number', 'bytes', 'order', 'choice'] as const;

export const question = z.discriminatedUnion('kind', [stateQuestion, numberQuestion, bytesQuestion, orderQuestion, choiceQuestion], {
  error: (iss) => (iss.code === 'invalid_union' && (iss as { note?: string }).note === 'No matching discriminator' ? `kind must be one of ${words(QUESTION_KINDS)}` : undefined),
});
export type Question = z.infer<typeof question>;
export type StateQuestion = z.infer<typeof stateQuestion>;
export type NumberQuestion = z.infer<typeof numberQuestion>;
export type BytesQuestion = z.infer<typeof bytesQuestion>;
export type OrderQuestion = z.infer<typeof orderQuestion>;
export type ChoiceQuestion = z.infer<typeof choiceQuestion>;

/** What a step draws attention to (validate checks each exists in the step's frame). */
export const highlight = z.object({
  /** A field: its row in the detail tree and its bytes in the hex view. */
  field: fieldName.optional(),
  /** A byte range of the frame. */
  bytes: z.object({ offset: z.number().int().min(0), length: z.number().int().min(1) }).strict().optional(),
  /** A protocol layer (frame, eth, ip, tcp…). */
  layer: protocolName.optional(),
  /** A transition of the state diagram that this frame causes. */
  edge: z.object({ endpoint, from: tcpState, to: tcpState }).strict().optional(),
}).strict();
export type Highlight = z.infer<typeof highlight>;

export const step = z.object({
  /** The frame the step shows (lessons on a capture)… */
  frame: z.number().int().min(1).optional(),
  /** …or the segment it shows, found by pattern (live lessons; allowed on captures too). */
  match: segmentPattern.optional(),
  view: z.enum(LESSON_VIEWS, { error: `a view (${words(LESSON_VIEWS)})` }).optional(),
  highlight: highlight.optional(),
  text: localized,
  question: question.optional(),
}).strict().refine((s) => (s.frame === undefined) !== (s.match === undefined), 'a step needs exactly one of "frame" and "match"');
export type LessonStep = z.infer<typeof step>;

const captureName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*\.(pcap|pcapng)$/, 'a capture file name next to the lesson (….pcap or ….pcapng)');

/** A recorded capture of the live lesson's traffic: what validate checks the patterns against, and the fallback. */
const sample = captureName;

export const lessonFile = z.object({
  /** Lower-case words and dashes; also the file name without ".json". */
  id: z.string({ error: 'missing id' }).regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'id: lower-case words and dashes'),
  title: localized,
  summary: localized,
  /** Position in the lesson list (lower first; then by id). */
  order: z.number().optional(),
  /** The capture the lesson is bound to, next to the lesson file… */
  capture: captureName.optional(),
  /** …with the script in the repository that recorded it (shipped lessons), so anyone can record it again. */
  recordedBy: z.string().regex(/^[A-Za-z0-9._/-]+$/, 'a path in the repository').optional(),
  /** …or the experiment it runs on the student's own packets… */
  experiment: z.object({ variant: z.enum(EXPERIMENT_VARIANTS, { error: `an experiment variant (${words(EXPERIMENT_VARIANTS)})` }), slowMotionMs: z.number().int().min(0).max(60_000).optional(), sample }).strict().optional(),
  /** …or a connection the student opens (e.g. curl to a local server on `port`). */
  watch: z.object({ port: z.number().int().min(1024).max(65535), instructions: localized, sample }).strict().optional(),
  /** tcp.stream the lesson follows (default 0; live lessons: the student's first connection). */
  stream: z.number().int().min(0).optional(),
  steps: z.array(step).min(1, 'a lesson needs at least one step'),
}).strict()
  .refine((d) => [d.capture, d.experiment, d.watch].filter((x) => x !== undefined).length === 1, { message: 'a lesson needs exactly one of "capture", "experiment" and "watch"', path: [] });
export type LessonFile = z.infer<typeof lessonFile>;

/** Live lessons run on the student's own packets: frame numbers are unknown until then. */
export function isLive(def: LessonFile): boolean {
  return def.experiment !== undefined || def.watch !== undefined;
}

/** The capture validate checks a lesson against: its own, or a live lesson's recorded sample. */
export function captureOf(def: LessonFile): string {
  return (def.capture ?? def.experiment?.sample ?? def.watch?.sample) as string;
}

export interface SchemaProblem {
  /** Where in the file: "steps[3].question.prompt.zh-CN" ("" for the whole file). */
  path: string;
  message: string;
}

/** "steps[3].question.prompt" from zod's ["steps", 3, "question", "prompt"]. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const k of path) out += typeof k === 'number' ? `[${k}]` : out ? `.${String(k)}` : String(k);
  return out;
}

/** Parses a lesson file's JSON value: the lesson, or every problem the schema finds. */
export function parseLesson(value: unknown): { ok: true; lesson: LessonFile } | { ok: false; problems: SchemaProblem[] } {
  const r = lessonFile.safeParse(value);
  if (r.success) return { ok: true, lesson: r.data };
  const seen = new Set<string>();
  const problems: SchemaProblem[] = [];
  for (const i of r.error.issues) {
    const p = { path: formatPath(i.path), message: issueMessage(i) };
    const key = `${p.path}\n${p.message}`;
    if (!seen.has(key)) { seen.add(key); problems.push(p); }
  }
  return { ok: false, problems };
}

function issueMessage(i: z.core.$ZodIssue): string {
  if (i.code === 'unrecognized_keys') return `unknown ${i.keys.length > 1 ? 'keys' : 'key'} ${i.keys.map((k) => `"${k}"`).join(', ')}`;
  return i.message;
}
