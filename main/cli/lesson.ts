// handshake-lab lesson [NAME]: the app's lessons in a terminal. Without NAME, lists them. With NAME, opens
// the lesson's capture (or runs its experiment) through the back end and steps through it: each step's
// text, its question, then the segments it covers as the experiment's annotated trace (states of both
// endpoints, transitions) and the answer, waiting for Enter between steps unless --no-wait.
import { createInterface, type Interface } from 'node:readline';
import type { Readable } from 'node:stream';
import { ApiError } from '../api/contract';
import type { LadderSegment } from '../api/types';
import { Lessons, lessonsDir } from '../backend/lessons';
import { permissionHelp } from '../capture/permission-help';
import { Service } from '../backend/service';
import { segmentLines, traceHeader, traceLine } from '../capture/experiment/trace';
import { flagList } from '../engine/store/labels';
import { stateAnswer, type LessonDef, type LessonLocale, type LessonStep } from '../engine/ui/lesson';
import { parseArgs } from './args';
import { UsageError, type Command } from './command';

const help = `usage: handshake-lab lesson [NAME] [--no-wait] [--lang en|zh-CN]

Without NAME, lists the lessons that come with Handshake Lab.

With NAME, steps through that lesson in the terminal: each step's explanation and
question, then the segments it is about (time, direction, flags/seq/ack/len and
the state of both endpoints after each, as \`handshake-lab experiment\` prints
them) and the answer. Press Enter to go on, q and Enter to stop. Lessons on your
own traffic run the experiment first (this needs permission to capture).

  --no-wait      print every step at once, without waiting for Enter
  --lang L       en or zh-CN (default: from LANG)`;

export interface LessonIo {
  out(s: string): void;
  /** Prompts go here, so piped output holds only the lesson. */
  err(s: string): void;
  /** Where Enter comes from (null: never wait). */
  input: Readable | null;
}

const processIo = (): LessonIo => ({
  out: (s) => process.stdout.write(s),
  err: (s) => process.stderr.write(s),
  input: process.stdin,
});

export const lessonCommand: Command = {
  help,
  run: (args) => runLesson(args, processIo()),
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
  const { flags, positionals } = parseArgs('lesson', args, { values: { lang: 'string' }, booleans: ['no-wait'], positionals: [0, 1] });
  const lang = lessonLang(flags.lang as string | undefined);
  const debug = (line: string) => { if (process.env.HANDSHAKE_LAB_DEBUG) io.err(`handshake-lab: ${line}\n`); };
  const dir = lessonsDir();
  const lessons = new Lessons(dir, debug);
  const all = lessons.all();
  const [name] = positionals;
  if (!name) {
    if (!all.length) throw new UsageError(`lesson: no lessons found${dir ? ` in ${dir}` : ''} (set HANDSHAKE_LAB_LESSONS_DIR)`);
    const width = Math.max(...all.map((d) => d.id.length));
    for (const d of all) {
      const s = lessons.summary(d, lang);
      io.out(`${d.id.padEnd(width)}  ${s.title} (${s.steps} steps${d.experiment ? ', runs the experiment' : ''})\n${' '.repeat(width)}  ${s.summary}\n`);
    }
    io.out(`\nRun \`handshake-lab lesson ${all[0].id}\` to start one.\n`);
    return 0;
  }
  const def = lessons.read(name);
  if (!def) throw new UsageError(`lesson: there is no lesson named '${name}' (one of: ${all.map((d) => d.id).join(', ') || 'none installed'})`);

  const capture = def.experiment ? (await import('../capture/choose-capture')).chooseCapture() : null;
  const service = new Service({ transport: 'ipc', capture, pushIntervalMs: 0, log: debug, lessonsDir: dir });
  const cli = { id: 'cli', emit: () => undefined };
  let segments: LadderSegment[];
  try {
    const p = await service.handle('openLesson', { id: def.id }, cli);
    if (p.error) throw new UsageError(`lesson: ${p.error.message}`);
    const conns = await service.handle('listConnections', {}, cli);
    const stream = def.experiment ? conns[0]?.stream : def.stream ?? 0;
    if (stream === undefined || !conns.some((c) => c.stream === stream)) throw new UsageError(`lesson: the lesson's TCP stream ${stream ?? 0} is not in its capture`);
    segments = (await service.handle('getLadder', { stream, start: 0, count: 10_000 }, cli)).segments;
  } catch (e) {
    if (e instanceof ApiError) {
      const hint = e.code === 'permission_denied' || e.code === 'capture_unavailable' ? ` ${permissionHelp().commands[0] ?? ''}`.trimEnd() : '';
      throw new UsageError(`lesson: ${e.message}${hint}`);
    }
    throw e;
  } finally {
    await service.dispose();
  }

  const title = lessons.summary(def, lang);
  io.out(`${title.title}\n${title.summary}\n`);
  const waiter = flags['no-wait'] === true || !io.input ? null : new EnterWaiter(io.input);
  try {
    await stepThrough(def, segments, lang, io, waiter);
  } finally {
    waiter?.close();
  }
  return 0;
}

/** Index in `segments` of each step's segment (-1 when the capture has none that matches). */
export function resolveSteps(def: LessonDef, segments: readonly LadderSegment[]): number[] {
  return def.steps.map((s) => {
    if (s.frame !== undefined) return segments.findIndex((seg) => seg.frame === s.frame);
    const m = s.match!;
    let seen = 0;
    return segments.findIndex((seg) => (seg.direction === 'c2s' ? 'client' : 'server') === m.from && flagList(seg.flags) === m.flags && ++seen === (m.nth ?? 1));
  });
}

async function stepThrough(def: LessonDef, segments: LadderSegment[], lang: LessonLocale, io: LessonIo, waiter: EnterWaiter | null): Promise<void> {
  const at = resolveSteps(def, segments);
  const t0 = segments.length ? segments[0].time : 0;
  let shown = -1;
  for (let i = 0; i < def.steps.length; i++) {
    const step = def.steps[i];
    io.out(`\n── Step ${i + 1} of ${def.steps.length} ──\n${step.text[lang]}\n`);
    if (step.question) io.out(questionText(step, lang));
    if (step.question && waiter && !(await waiter.wait(io, 'Enter: see the segment and the answer'))) return;
    const idx = at[i];
    if (idx < 0) {
      io.out('\n(The capture has no segment for this step.)\n');
    } else {
      // Everything since the last step's segment, so no segment goes unseen; a step pointing back shows just its own.
      const from = idx > shown ? shown + 1 : idx;
      io.out('\n' + traceHeader() + '\n');
      for (let k = from; k <= idx; k++) {
        io.out(traceLine(segments[k], t0) + '\n');
        for (const l of segmentLines(segments[k])) io.out(`${' '.repeat(8)}${l}\n`);
      }
      shown = Math.max(shown, idx);
    }
    if (step.question) io.out(answerText(step, idx >= 0 ? segments[idx] : null, lang));
    if (i < def.steps.length - 1 && waiter && !(await waiter.wait(io, 'Enter: next step, q: quit'))) return;
  }
  io.out('\nEnd of the lesson.\n');
}

function questionText(step: LessonStep, lang: LessonLocale): string {
  const q = step.question!;
  const choices = q.kind === 'state' ? q.choices.map((c) => c as string) : q.choices.map((c) => c.text[lang]);
  return `\nQuestion: ${q.prompt[lang]}\n${choices.map((c, j) => `  ${String.fromCharCode(97 + j)}) ${c}\n`).join('')}`;
}

function answerText(step: LessonStep, seg: LadderSegment | null, lang: LessonLocale): string {
  const q = step.question!;
  let answer: string;
  if (q.kind === 'state') answer = seg ? stateAnswer(q, seg.states) : '(not in the capture)';
  else answer = q.choices.find((c) => c.id === q.answer)?.text[lang] ?? q.answer;
  return `\nAnswer: ${answer}\n${q.explanation[lang]}\n`;
}

/** Reads Enter presses; stops waiting for good once input ends (e.g. </dev/null). */
class EnterWaiter {
  private readonly rl: Interface;
  private lines: string[] = [];
  private waiting: ((line: string | null) => void) | null = null;
  private ended = false;

  constructor(input: Readable) {
    this.rl = createInterface({ input, terminal: false });
    this.rl.on('line', (l) => {
      if (this.waiting) { const w = this.waiting; this.waiting = null; w(l); } else this.lines.push(l);
    });
    this.rl.on('close', () => {
      this.ended = true;
      if (this.waiting) { const w = this.waiting; this.waiting = null; w(null); }
    });
  }

  /** False when the user typed q. */
  async wait(io: LessonIo, prompt: string): Promise<boolean> {
    if (this.ended && !this.lines.length) return true;
    io.err(`\n[${prompt}] `);
    const line = this.lines.length ? this.lines.shift()! : await new Promise<string | null>((r) => { this.waiting = r; });
    return line === null || line.trim().toLowerCase() !== 'q';
  }

  close(): void {
    this.rl.close();
  }
}
