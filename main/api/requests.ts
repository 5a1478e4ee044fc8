// Every request the renderer can make, with the schema its parameters are validated against on receipt.
// Types are inferred from the schemas, so the contract and its validation cannot drift apart.
import { z } from 'zod';
import { API_METHOD_NAMES, type ApiMethodName } from './methods';

const port = z.number().int().min(1).max(65535);
const frameNumber = z.number().int().min(1).max(2 ** 32);
const count = z.number().int().min(0).max(10_000);
const path = z.string().min(1).max(4096);
const lessonId = z.string().min(1).max(100).regex(/^[a-z0-9-]+$/);
const stepIndex = z.number().int().min(0).max(1000);
/** A random key the page keeps in localStorage: progress is saved under it (no accounts, no passwords). */
const learnerKey = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'a learner key is 8 to 64 letters, digits, "-" or "_"');
/** The name a student types (shown to the teacher and in reports), so no control or formatting characters. */
const displayName = z.string().trim().min(1).max(40).regex(/^[^\p{C}]+$/u, 'a name may not hold control characters');
/** A student's answer: a state, a choice id or a typed number; a byte range [first, end); item ids in order. */
const givenAnswer = z.union([
  z.string().min(1).max(200),
  z.number().finite(),
  z.tuple([z.number().int().min(0).max(65535), z.number().int().min(1).max(65536)]),
  z.array(z.string().min(1).max(100)).min(1).max(50),
], { error: 'an answer: a text, a number, a byte range [first, end) or a list of item ids' });
const shareId = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/);

export const requestSchemas = {
  getAppInfo: z.object({}).strict(),
  getStatus: z.object({}).strict(),
  listInterfaces: z.object({}).strict(),
  startCapture: z.object({
    interface: z.string().min(1).max(256),
    filter: z.string().max(4096).default(''),
    snaplen: z.number().int().min(64).max(262144).default(262144),
  }).strict(),
  stopCapture: z.object({}).strict(),
  openFile: z.object({ path }).strict(),
  cancelLoad: z.object({}).strict(),
  saveCapture: z.object({ path }).strict(),
  /**
   * The variant gives the programs; the other choices change them (the experiment editor). When the port
   * is in use, the experiment runs on a free one and says so (ExperimentResult.portNote).
   */
  runExperiment: z.object({
    variant: z.enum(['classic', 'server-first', 'half-close', 'rst', 'refused', 'ipv6']).default('classic'),
    port: port.default(12345),
    /** Pause after each socket call, so a class can watch each state change live. */
    slowMotionMs: z.number().int().min(0).max(60_000).default(0),
    /** What the client sends, and the server's answer ('' for none). */
    message: z.string().min(1).max(200).optional(),
    reply: z.string().max(200).optional(),
    /** Who closes first, and how: close(), shutdown(SHUT_WR) (half-close) or close() with SO_LINGER 0 (RST). */
    closer: z.enum(['client', 'server']).optional(),
    how: z.enum(['close', 'shutdown', 'linger0']).optional(),
    ipv6: z.boolean().optional(),
  }).strict(),
  getFrames: z.object({ start: z.number().int().min(0), count }).strict(),
  getFrame: z.object({ number: frameNumber }).strict(),
  /** Position of a frame in the current view (for "go to frame"), or -1 when filtered out. */
  indexOfFrame: z.object({ number: frameNumber }).strict(),
  setFilter: z.object({ expression: z.string().max(4096) }).strict(),
  listConnections: z.object({}).strict(),
  getLadder: z.object({ stream: z.number().int().min(0), start: z.number().int().min(0).default(0), count: count.default(2000) }).strict(),
  getSeries: z.object({ stream: z.number().int().min(0), kind: z.enum(['stevens', 'acks', 'segments', 'throughput', 'window', 'rtt']) }).strict(),
  listLessons: z.object({}).strict(),
  openLesson: z.object({ id: lessonId }).strict(),
  getSession: z.object({}).strict(),
  /** Who this page is: the learner key progress is kept under (and the name the student typed). */
  identify: z.object({ learner: learnerKey, name: displayName.optional() }).strict(),
  listShared: z.object({}).strict(),
  openShared: z.object({ id: shareId }).strict(),
  /** Shares what the teacher's session looks at (`view`), or a lesson. */
  share: z.object({ what: z.enum(['view', 'lesson']), lesson: lessonId.optional(), download: z.boolean().default(false) }).strict(),
  unshare: z.object({ id: shareId }).strict(),
  setClassPolicy: z.object({ experiments: z.boolean() }).strict(),
  getClass: z.object({}).strict(),
  exportClassCsv: z.object({}).strict(),
  /** The open lesson's texts, its steps resolved in its capture, and where this session is in it (never an answer not yet given). */
  getLesson: z.object({ id: lessonId }).strict(),
  /** Copies a lesson file (and its capture, next to it or at `capture`) into the user's lessons folder, once it validates. */
  importLesson: z.object({ path, capture: path.optional() }).strict(),
  /** Goes to a step of the open lesson (a student not past the first question not yet answered right). */
  lessonProgress: z.object({ lesson: lessonId, step: stepIndex }).strict(),
  /** A student's answer to the question of a step: graded and recorded by the back end. */
  answerQuestion: z.object({ lesson: lessonId, step: stepIndex, answer: givenAnswer }).strict(),
  /** Teacher mode: lessons' navigation free and answers shown (not on the class URL). */
  setTeacherMode: z.object({ on: z.boolean() }).strict(),
  /** A lesson being written on the capture on screen (the validator checks it; the page sends it whole). */
  checkLesson: z.object({ lesson: z.record(z.string(), z.unknown()) }).strict(),
  previewLesson: z.object({ lesson: z.record(z.string(), z.unknown()) }).strict(),
  /** Saves it, with a copy of the capture, into the user's lessons folder. */
  saveLesson: z.object({ lesson: z.record(z.string(), z.unknown()) }).strict(),
  /** Leaves the lesson on screen (a preview's gate goes; a lesson's stays until it is answered). */
  closeLesson: z.object({}).strict(),
  /** Gives Wireshark's dumpcap its capture rights, with the system's own password prompt. */
  enableCapture: z.object({}).strict(),
// `satisfies`: a schema missing from, or extra to, the plain list in methods.ts fails to compile.
} as const satisfies Record<ApiMethodName, z.ZodType>;

export type ApiMethod = keyof typeof requestSchemas;
/** Parameters as the caller may pass them (defaults optional). */
export type RequestInput<M extends ApiMethod> = z.input<(typeof requestSchemas)[M]>;
/** Parameters after validation (defaults filled in). */
export type RequestParams<M extends ApiMethod> = z.output<(typeof requestSchemas)[M]>;

export const API_METHODS: ApiMethod[] = [...API_METHOD_NAMES];

export function isApiMethod(name: unknown): name is ApiMethod {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(requestSchemas, name);
}

/** Validates a request on receipt. Returns the parsed parameters or a readable reason. */
export function parseRequest<M extends ApiMethod>(method: M, params: unknown):
  { ok: true; params: RequestParams<M> } | { ok: false; reason: string } {
  const r = requestSchemas[method].safeParse(params ?? {});
  if (r.success) return { ok: true, params: r.data as RequestParams<M> };
  const first = r.error.issues[0];
  const where = first && first.path.length ? first.path.join('.') + ': ' : '';
  return { ok: false, reason: `invalid parameters for ${method}: ${where}${first ? first.message : 'rejected'}` };
}
