// handshake-lab lesson [NAME] | lesson validate [FILE|DIR…]: the app's lessons in a terminal.
// Without NAME, lists them (invalid files too, with their problem count). With NAME, opens the lesson's
// capture (or runs its experiment) through the back end and steps through it: each step's text and
// question, the student's answer graded against the answer computed from the capture (targeted feedback
// on a wrong one, asked again until right), then the segments the step covers with both endpoints'
// states, the answer and its explanation. `validate` is in lesson-validate.ts.
import { createInterface, type Interface } from 'node:readline';
import type { Readable } from 'node:stream';
import { ApiError } from '../api/contract';
import type { LadderSegment } from '../api/types';
import { LessonCatalogue, lessonDirs } from '../backend/lessons';
import { permissionHelp } from '../capture/permission-help';
import { Service } from '../backend/service';
import {
  answerText, captureFromStore, feedbackText, grade, layOut, TCP_STATES,
  type ComputedAnswer, type GivenAnswer, type LessonFile, type LessonLayout, type LessonLocale, type Question,
} from '../lessons/index';
import type { Transition } from '../engine/types';
import { parseArgs } from './args';
import { UsageError, type Command } from './command';
import { stdoutClosed } from './output';
import { lessonWords, type LessonWords } from './lesson-words';
import { runValidate } from './lesson-validate';

const help = `usage: handshake-lab lesson [NAME] [--no-wait] [--sample] [--lang en|zh-CN] [--lessons DIR]
       handshake-lab lesson validate [FILE|DIR…]

Without NAME, lists the lessons: those that come with Handshake Lab, those in
your lessons folder (<data folder>/lessons) and those in --lessons DIR. A file
with problems is listed with their number; \`lesson validate\` prints them.

With NAME, steps through that lesson in the terminal: each step's explanation
and question. Type your answer: it is checked against the answer computed from
the capture, with feedback aimed at a wrong one (then try again). Then the
segments the step is about (time, direction, flags/seq/ack/len and the state of
both endpoints after each) and the explanation. Press Enter to go on, q to stop.
Lessons on your own traffic run the experiment first (this needs permission to
capture; without it you step through the lesson's recorded run).

  --no-wait      print every step with its answer at once, asking nothing
  --sample       for a live lesson, step through its recorded run instead of
                 capturing your own (no permission to capture needed)
  --lang L       en or zh-CN (default: from LANG)
  --lessons DIR  also list the lessons in DIR

lesson validate checks lesson files (or every *.json in a folder; with no
argument the shipped lessons, HANDSHAKE_LAB_LESSONS_DIR and your lessons
folder): the schema, that frames and fields exist, every answer computed from
the capture, typed constants, the right answer among the choices, both
languages, at most one conceptual question in four. One line per problem
(FILE: steps[3].question: problem), exit code 2 when there is one.`;

export interface LessonIo {
  out(s: string): void;
  /** Prompts go here, so piped output holds only the lesson. */
  err(s: string): void;
  /** Where answers and Enter come from (null: never ask). */
  input: Readable | null;
  /** Aborted when nobody reads the lesson any more (`lesson NAME | head`): it stops. */
  closed?: AbortSignal;
}

const processIo = (): LessonIo => ({
  out: (s) => process.stdout.write(s),
  err: (s) => process.stderr.write(s),
  input: process.stdin,
  closed: stdoutClosed.signal,
});

export const lessonCommand: Command = {
  help,
  run: (args) => (args[0] === 'validate' ? runValidate(args.slice(1), processIo()) : runLesson(args, processIo())),
};

export function lessonLang(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): LessonLocale {
  if (flag !== undefined) {
    if (flag === 'en' || flag === 'zh-CN') return flag;
    throw new UsageError(`lesson: --lang must be en or zh-CN, got '${flag}'`);
  }
  const l = env.LC_ALL || env.LC_MESSAGES || env.LANG || '';
  return /^zh/i.test(l) ? 'zh-CN' : 'en';
}

export async function runLesson(args: string[], io: LessonIo): Promise<number> {
  if (args[0] === 'validate') return runValidate(args.slice(1), io);
  const { flags, positionals } = parseArgs('lesson', args, { values: { lang: 'string', lessons: 'string' }, booleans: ['no-wait', 'sample'], positionals: [0, 1] });
  const lang = lessonLang(flags.lang as string | undefined);
  const w = lessonWords(lang);
  const debug = (line: string) => { if (process.env.HANDSHAKE_LAB_DEBUG) io.err(`handshake-lab: ${line}\n`); };
  const extra = flags.lessons === undefined ? [] : [String(flags.lessons)];
  const catalogue = new LessonCatalogue(lessonDirs({ extra }), debug);
  const entries = catalogue.entries();
  const [name] = positionals;
  if (!name) {
    if (!entries.length) throw new UsageError(`lesson: no lessons found in ${catalogue.dirs.map((d) => d.dir).join(', ')} (set HANDSHAKE_LAB_LESSONS_DIR)`);
    const width = Math.max(...entries.map((e) => e.id.length));
    for (const e of entries) {
      const s = catalogue.summary(e, lang);
      if (!e.lesson) { io.out(`${e.id.padEnd(width)}  ${w.invalid(e.problems.length)}\n`); continue; }
      const kind = e.lesson.experiment ? `, ${w.runsExperiment}` : e.lesson.watch ? `, ${w.opensConnection}` : '';
      io.out(`${e.id.padEnd(width)}  ${s.title} (${w.steps(s.steps)}${kind})\n${' '.repeat(width)}  ${s.summary}\n`);
    }
    const first = entries.find((e) => e.lesson);
    if (first) io.out(`\n${w.start(first.id)}\n`);
    return 0;
  }
  const entry = catalogue.any(name);
  if (!entry) throw new UsageError(`lesson: there is no lesson named '${name}' (one of: ${entries.map((e) => e.id).join(', ') || 'none installed'})`);
  if (!entry.lesson) throw new UsageError(`lesson: ${name} cannot be opened: ${entry.problems.length} problem${entry.problems.length === 1 ? '' : 's'} (run \`handshake-lab lesson validate ${entry.file}\`)`);

  const capture = entry.lesson.experiment && flags.sample !== true ? (await import('../capture/choose-capture')).chooseCapture() : null;
  const service = new Service({ transport: 'ipc', capture, pushIntervalMs: 0, log: debug, extraLessonDirs: extra });
  const cli = { id: 'cli', emit: () => undefined };
  let play: CliPlay;
  const ladders = new Map<number, LadderSegment[]>();
  const bytes = new Map<number, string>();
  try {
    // The terminal prints each step's segments only after its question, and the student has the files:
    // the back end's gate (for the app's pages) is not needed, and the answers are computed right here.
    await service.handle('setTeacherMode', { on: true }, cli);
    await service.handle('openLesson', { id: name }, cli);
    const served = await service.handle('getLesson', { id: name }, cli);
    play = { lesson: entry.lesson, ...layOut(entry.lesson, captureFromStore(service.frames)), recorded: served.recorded };
    for (const s of play.steps) {
      if (s.stream !== null && !ladders.has(s.stream)) ladders.set(s.stream, (await service.handle('getLadder', { stream: s.stream, start: 0, count: 10_000 }, cli)).segments);
    }
    for (const [i, s] of play.lesson.steps.entries()) {
      const a = play.answers[i];
      if (s.question?.kind === 'bytes' && a?.kind === 'bytes') bytes.set(a.frame, (await service.handle('getFrame', { number: a.frame }, cli)).bytes);
    }
  } catch (e) {
    if (e instanceof ApiError) {
      const hint = e.code === 'permission_denied' || e.code === 'capture_unavailable' ? ` ${permissionHelp().commands[0] ?? ''}`.trimEnd() : '';
      throw new UsageError(`lesson: ${e.message}${hint}`);
    }
    throw e;
  } finally {
    await service.dispose();
  }

  const lesson = play.lesson;
  io.out(`${lesson.title[lang]}\n${lesson.summary[lang]}\n`);
  if (play.recorded) io.out(`${w.recorded}\n`);
  const reader = flags['no-wait'] === true || !io.input ? null : new LineReader(io.input, io.closed);
  try {
    const score = await stepThrough(play, ladders, bytes, lang, io, reader);
    if (score.asked) io.out(`${w.score(score.right, score.asked)}\n`);
  } finally {
    reader?.close();
  }
  return 0;
}

/** The lesson laid over the capture the back end opened, with its computed answers. */
interface CliPlay extends LessonLayout {
  lesson: LessonFile;
  recorded: boolean;
}

async function stepThrough(play: CliPlay, ladders: Map<number, LadderSegment[]>, bytes: Map<number, string>, lang: LessonLocale, io: LessonIo, reader: LineReader | null): Promise<{ right: number; asked: number }> {
  const w = lessonWords(lang);
  const { lesson } = play;
  const shown = new Map<number, number>();
  let right = 0, asked = 0;
  for (let i = 0; i < lesson.steps.length; i++) {
    if (io.closed?.aborted) return { right, asked };
    const step = lesson.steps[i];
    io.out(`\n── ${w.step(i + 1, lesson.steps.length)} ──\n${step.text[lang]}\n`);
    const q = step.question;
    const computed = play.answers[i];
    if (q) {
      io.out(questionText(q, computed, bytes, lang));
      if (reader && computed) {
        asked++;
        const r = await ask(q, computed, lang, io, reader);
        if (r === 'quit') return { right, asked };
        if (r === 'right') right++;
      } else if (reader && !(await reader.enter(io, w.enterToSee))) return { right, asked };
    }
    const { frame, stream } = play.steps[i];
    const segs = stream === null ? [] : ladders.get(stream) ?? [];
    const idx = frame === null ? -1 : segs.findIndex((s) => s.frame === frame);
    if (idx < 0) io.out(`\n${w.noSegment}\n`);
    else {
      // Everything since the last step's segment of this connection, so no segment goes unseen.
      const last = shown.get(stream!) ?? -1;
      const from = idx > last ? last + 1 : idx;
      const t0 = segs[0].time;
      io.out(`\n${traceHeader(w)}\n`);
      for (let k = from; k <= idx; k++) {
        io.out(`${traceLine(segs[k], t0, w)}\n`);
        for (const l of transitionLines(segs[k].transitions, w)) io.out(`${' '.repeat(8)}${l}\n`);
        for (const n of segs[k].notes ?? []) io.out(`${' '.repeat(8)}${w.endpoint[n.endpoint]}: ${w.note[n.code]}\n`);
      }
      shown.set(stream!, Math.max(last, idx));
    }
    if (q) io.out(`\n${labelled(w.answer, computed ? answerText(q, computed, lang) : '?')}\n${q.explanation[lang]}\n`);
    if (i < lesson.steps.length - 1 && reader && !(await reader.enter(io, w.enterNext))) return { right, asked };
  }
  io.out(`\n${w.end}\n`);
  return { right, asked };
}

/** Asks until the answer is right (the first answer is the one scored); 'revealed' when input ends. */
async function ask(q: Question, computed: ComputedAnswer, lang: LessonLocale, io: LessonIo, reader: LineReader): Promise<'right' | 'wrong' | 'quit' | 'revealed'> {
  const w = lessonWords(lang);
  let first: boolean | null = null;
  for (let tries = 0; ; tries++) {
    const line = await reader.line(io, tries ? `${w.tryAgain} — ${w.answerPrompt[q.kind]}` : w.answerPrompt[q.kind]);
    if (line === null) { io.out(`\n${w.revealed}\n`); return first === null ? 'revealed' : first ? 'right' : 'wrong'; }
    if (line.trim().toLowerCase() === 'q') return 'quit';
    const given = parseGiven(q, computed, line);
    if (given === null) { io.out(`${w.unreadable}\n`); continue; }
    const g = grade(q, computed, given);
    first ??= g.correct;
    if (g.correct) { io.out(`\n${w.right}\n`); return first ? 'right' : 'wrong'; }
    const fb = feedbackText(q, g.feedbackKey, lang);
    io.out(`\n${w.notQuite}${fb ? ` ${fb}` : ''}\n`);
  }
}

const letter = (j: number) => String.fromCharCode(97 + j);

/** "Answer: 15", "答案：15" (a full-width colon needs no space). */
const labelled = (label: string, text: string) => `${label}${label.endsWith('：') ? '' : ' '}${text}`;

/** The options a question offers, lettered, in the order printed. */
function options(q: Question): string[] {
  if (q.kind === 'state') return [...(q.choices ?? TCP_STATES)];
  if (q.kind === 'choice') return q.choices.map((c) => c.id);
  if (q.kind === 'order') return q.items.map((it) => it.id);
  return [];
}

/** A typed line as an answer of the question's kind (null: not readable as one). */
export function parseGiven(q: Question, computed: ComputedAnswer, line: string): GivenAnswer | null {
  const t = line.trim();
  const opts = options(q);
  const byLetter = (s: string) => (/^[a-z]$/i.test(s) && opts[s.toLowerCase().charCodeAt(0) - 97] !== undefined ? opts[s.toLowerCase().charCodeAt(0) - 97] : null);
  switch (q.kind) {
    case 'state': return byLetter(t) ?? (t ? t : null);
    case 'choice': return byLetter(t) ?? (opts.includes(t) ? t : null);
    case 'number': return t ? t : null;
    case 'bytes': {
      const m = /^(\d+)\s*(?:-|–|\.\.)\s*(\d+)$/.exec(t) ?? /^(\d+)$/.exec(t);
      if (!m) return null;
      const a = Number(m[1]), b = Number(m[2] ?? m[1]);
      return b >= a ? [a, b + 1] : null;
    }
    case 'order': {
      const ids = t.split(/[\s,]+/).filter(Boolean).map((x) => byLetter(x) ?? x);
      return ids.length === opts.length ? ids : null;
    }
  }
  void computed;
}

function questionText(q: Question, computed: ComputedAnswer | null, bytes: Map<number, string>, lang: LessonLocale): string {
  const w = lessonWords(lang);
  let out = `\n${labelled(w.question, q.prompt[lang])}\n`;
  if (q.kind === 'state') out += (q.choices ?? TCP_STATES).map((c, j) => `  ${letter(j)}) ${c}\n`).join('');
  if (q.kind === 'choice') out += q.choices.map((c, j) => `  ${letter(j)}) ${c.text[lang]}\n`).join('');
  if (q.kind === 'order') out += q.items.map((it, j) => `  ${letter(j)}) ${it.text[lang]}\n`).join('');
  if (q.kind === 'bytes' && computed?.kind === 'bytes') out += `\n${w.hexTitle(computed.frame)}\n${hexDump(bytes.get(computed.frame) ?? '')}`;
  return out;
}

/** "0000  45 00 00 3c …" lines, 16 bytes each. */
export function hexDump(hex: string): string {
  let out = '';
  for (let off = 0; off * 2 < hex.length; off += 16) {
    const row = hex.slice(off * 2, off * 2 + 32).match(/../g) ?? [];
    out += `${off.toString(16).padStart(4, '0')}  ${row.slice(0, 8).join(' ')}${row.length > 8 ? `  ${row.slice(8).join(' ')}` : ''}\n`;
  }
  return out;
}

/** Display width: CJK characters take two columns. */
function width(s: string): number {
  let n = 0;
  for (const ch of s) n += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(ch) ? 2 : 1;
  return n;
}
const pad = (s: string, n: number) => s + ' '.repeat(Math.max(0, n - width(s)));

function traceHeader(w: LessonWords): string {
  const [no, time, dir, seg, client, server] = w.traceHead;
  return `${' '.repeat(Math.max(0, 4 - width(no)))}${no}  ${pad(time, 10)}  ${pad(dir, 18)}  ${pad(seg, 48)}  ${pad(client, 12)}  ${server}`;
}

function traceLine(seg: LadderSegment, t0: number, w: LessonWords): string {
  const marks = seg.analysis.length ? ` [${seg.analysis.join(', ')}]` : '';
  return `${String(seg.frame).padStart(4)}  ${pad((seg.time - t0).toFixed(6), 10)}  ${pad(seg.direction === 'c2s' ? w.c2s : w.s2c, 18)}  ${pad(seg.label + marks, 48)}  ${pad(seg.states.client, 12)}  ${seg.states.server}`;
}

/** "client: FIN_WAIT_1 → FIN_WAIT_2 → TIME_WAIT (FIN acknowledged, received FIN)": one line per endpoint. */
function transitionLines(transitions: readonly Transition[], w: LessonWords): string[] {
  const lines: string[] = [];
  for (const who of ['client', 'server'] as const) {
    const mine = transitions.filter((t) => t.endpoint === who);
    if (!mine.length) continue;
    const chain = [mine[0].from, ...mine.map((t) => t.to)].join(' → ');
    lines.push(`${w.endpoint[who]}: ${chain} (${mine.map((t) => w.cause[t.cause] ?? t.text).join(', ')})`);
  }
  return lines;
}

/** Reads lines for answers and Enter presses; once input ends (e.g. </dev/null) it asks no more. */
class LineReader {
  private readonly rl: Interface;
  private lines: string[] = [];
  private waiting: ((line: string | null) => void) | null = null;
  private ended = false;

  constructor(input: Readable, private readonly closed?: AbortSignal) {
    this.rl = createInterface({ input, terminal: false });
    // Nobody reads the lesson any more: stop asking, as if q was typed.
    closed?.addEventListener('abort', () => {
      if (this.waiting) { const w = this.waiting; this.waiting = null; w('q'); }
    }, { once: true });
    this.rl.on('line', (l) => {
      if (this.waiting) { const w = this.waiting; this.waiting = null; w(l); } else this.lines.push(l);
    });
    this.rl.on('close', () => {
      this.ended = true;
      if (this.waiting) { const w = this.waiting; this.waiting = null; w(null); }
    });
  }

  /** The next line, or null once input has ended. */
  async line(io: LessonIo, prompt: string): Promise<string | null> {
    if (this.closed?.aborted) return 'q';
    if (this.ended && !this.lines.length) return null;
    io.err(`\n[${prompt}] `);
    return this.lines.length ? this.lines.shift()! : new Promise<string | null>((r) => { this.waiting = r; });
  }

  /** False when the user typed q. */
  async enter(io: LessonIo, prompt: string): Promise<boolean> {
    const l = await this.line(io, prompt);
    return l === null || l.trim().toLowerCase() !== 'q';
  }

  close(): void {
    this.rl.close();
  }
}
