// handshake-lab lesson validate [FILE|DIR…]: every check of main/lessons/validate.ts over lesson files,
// one line per problem ("FILE: steps[3].question: problem") and exit code 2 when there is any. Notes
// (conceptual questions) go to stderr, so stdout holds only problems.
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { checkLessonFile, lessonDirs, lessonFilesIn, problemLines, type LessonEntry } from '../backend/lessons';
import { problemLine } from '../lessons/validate';
import { parseArgs } from './args';
import type { LessonIo } from './lesson';

export async function runValidate(args: string[], io: LessonIo): Promise<number> {
  const { positionals } = parseArgs('lesson validate', args, { positionals: [0, Infinity] });
  const targets = positionals.length ? positionals : lessonDirs().map((d) => d.dir);
  const explicit = positionals.length > 0;
  const problems: string[] = [];
  const entries: LessonEntry[] = [];
  const ids = new Map<string, string>();
  for (const t of targets) {
    const files = filesOf(t, explicit);
    if (files === null) { problems.push(`${t}: no such file or folder`); continue; }
    for (const file of files) {
      const e = checkLessonFile(resolve(file));
      entries.push(e);
      problems.push(...problemLines(e));
      if (e.lesson) {
        const first = ids.get(e.id);
        if (first) problems.push(`${e.file}: id: "${e.id}" is already the id of ${first}`);
        else ids.set(e.id, e.file);
      }
      for (const n of e.notes) io.err(`${e.file}: note: ${problemLine(n)}\n`);
    }
  }
  for (const p of problems) io.out(`${p}\n`);
  const bad = entries.filter((e) => !e.lesson).length;
  io.err(`${entries.length} lesson file${entries.length === 1 ? '' : 's'} checked: ${entries.length - bad} valid, ${problems.length} problem${problems.length === 1 ? '' : 's'}\n`);
  return problems.length ? 2 : 0;
}

/** The lesson files a target names: the file itself, or a folder's *.json (null: it does not exist). */
function filesOf(target: string, explicit: boolean): string[] | null {
  try {
    return statSync(target).isDirectory() ? lessonFilesIn(target) : [target];
  } catch {
    // The user's lessons folder need not exist; a path typed on the command line must.
    return explicit ? null : [];
  }
}
