// Runs `handshake-lab lesson` in this process and parses what it printed (shared by the lesson tests).
import { PassThrough } from 'node:stream';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LessonIo } from '../../main/cli/lesson';
import { parseLesson, type LessonFile } from '../../main/lessons/schema';

export const lessonsDir = join(__dirname, '..', '..', 'assets', 'lessons');
export function lessonDef(id: string): LessonFile {
  const r = parseLesson(JSON.parse(readFileSync(join(lessonsDir, `${id}.json`), 'utf8')));
  if (!r.ok) throw new Error(`${id}: ${JSON.stringify(r.problems)}`);
  return r.lesson;
}

export interface TraceRow { frame: number; label: string; client: string; server: string }
export interface PrintedStep { text: string; rows: TraceRow[]; answer: string | null }

/** Input for the interactive mode: the given lines, then (unless keepOpen) end of input. */
export function input(lines: string[], keepOpen = false): PassThrough {
  const s = new PassThrough();
  for (const l of lines) s.write(`${l}\n`);
  if (!keepOpen) s.end();
  return s;
}

export async function runIn(run: (args: string[], io: LessonIo) => Promise<number>, args: string[], stdin: PassThrough | null = null) {
  let out = '';
  let err = '';
  const code = await run(args, { out: (s) => { out += s; }, err: (s) => { err += s; }, input: stdin });
  return { code, out, err };
}

/** Splits the printed lesson (English) into steps: text, trace rows (No., label, client and server state), answer. */
export function parseSteps(out: string): PrintedStep[] {
  const parts = out.split(/\n── Step \d+ of \d+ ──\n/).slice(1);
  return parts.map((p) => {
    const lines = p.split('\n');
    const rows: TraceRow[] = [];
    for (const l of lines) {
      // "   1  0.000000    client → server     [SYN] Seq=0 Win=65495 Len=0      SYN_SENT      SYN_RECEIVED"
      const m = /^\s*(\d+)\s{2}\d+\.\d{6}\s+client [→←] server\s{2,}(\[.*?)\s{2,}([A-Z_0-9]+)\s{2,}([A-Z_0-9]+)$/.exec(l);
      if (m) rows.push({ frame: Number(m[1]), label: m[2].trim(), client: m[3], server: m[4] });
    }
    const a = /\nAnswer: (.*)\n/.exec(p);
    return { text: lines[0], rows, answer: a ? a[1] : null };
  });
}
