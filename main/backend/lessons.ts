// Lessons shipped with the app (assets/lessons/*.json, format in main/engine/ui/lesson.ts): listed for
// the UI and opened by id. A lesson names a capture next to it, or the experiment to run.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LessonSummary } from '../api/types';
import { lessonProblems, type LessonDef } from '../engine/ui/lesson';

/** assets/lessons of this installation (HANDSHAKE_LAB_LESSONS_DIR overrides it), or null. */
export function lessonsDir(env: NodeJS.ProcessEnv = process.env): string | null {
  if (env.HANDSHAKE_LAB_LESSONS_DIR) return env.HANDSHAKE_LAB_LESSONS_DIR;
  let d = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(d, 'assets', 'lessons');
    if (existsSync(candidate)) return candidate;
    const up = dirname(d);
    if (up === d) break;
    d = up;
  }
  return null;
}

export class Lessons {
  constructor(private readonly dir: string | null, private readonly log: (line: string) => void) {}

  /** Every well-formed lesson, in file-name order. */
  all(): LessonDef[] {
    if (!this.dir || !existsSync(this.dir)) return [];
    const out: LessonDef[] = [];
    for (const name of readdirSync(this.dir).filter((n) => n.endsWith('.json')).sort()) {
      const def = this.read(name.slice(0, -5));
      if (def) out.push(def);
    }
    return out;
  }

  /** One lesson by id (null when there is none or it is malformed: the reason is logged). */
  read(id: string): LessonDef | null {
    if (!this.dir || !/^[a-z0-9-]+$/.test(id)) return null;
    const file = join(this.dir, `${id}.json`);
    if (!existsSync(file)) return null;
    let def: unknown;
    try {
      def = JSON.parse(readFileSync(file, 'utf8'));
    } catch (e) {
      this.log(`lesson ${file}: not valid JSON (${e instanceof Error ? e.message : String(e)})`);
      return null;
    }
    const problems = lessonProblems(def);
    const d = def as LessonDef;
    if (!problems.length && d.id !== id) problems.push(`id "${d.id}" differs from the file name`);
    if (!problems.length && d.capture !== undefined && basename(d.capture) !== d.capture) problems.push('capture: a file name next to the lesson');
    if (problems.length) {
      this.log(`lesson ${file} skipped: ${problems.join('; ')}`);
      return null;
    }
    return d;
  }

  capturePath(def: LessonDef): string | null {
    return this.dir && def.capture ? join(this.dir, def.capture) : null;
  }

  summary(def: LessonDef, locale: string): LessonSummary {
    const lang = locale.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
    return { id: def.id, title: def.title[lang], summary: def.summary[lang], steps: def.steps.length };
  }
}
