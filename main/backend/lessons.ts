// The lessons catalogue: lesson files from the shipped folder (assets/lessons, or HANDSHAKE_LAB_LESSONS_DIR),
// the user's lessons folder in the app data folder, and folders given with `serve --lessons DIR`. Every
// file is validated against its capture (main/lessons): a valid lesson can be opened, an invalid one is
// listed with the validator's reasons instead of being hidden. "Import lesson…" copies a lesson and its
// capture into the user folder once they validate.
import { closeSync, constants, copyFileSync, existsSync, fstatSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LessonSummary } from '../api/types';
import {
  captureOf, decodeCapture, problemLine, validateLesson, type LessonCapture, type LessonFile, type LessonLocale, type Problem,
} from '../lessons/index';
import { appDataDir } from './data-dir';
import { jsonProblem } from './json-error';

export type LessonOrigin = LessonSummary['origin'];

export interface LessonDir {
  dir: string;
  origin: LessonOrigin;
}

/** The shipped lessons: HANDSHAKE_LAB_LESSONS_DIR, else assets/lessons of this installation; null if none. */
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

/** Where "Import lesson…" puts lessons, and where a teacher may drop lesson files: <app data>/lessons. */
export function userLessonsDir(dataDir = appDataDir()): string {
  return join(dataDir, 'lessons');
}

/** The folders a catalogue lists, in order: shipped, user, then any given (`--lessons`). */
export function lessonDirs(opts: { shipped?: string | null; dataDir?: string; extra?: readonly string[] } = {}): LessonDir[] {
  const out: LessonDir[] = [];
  const shipped = opts.shipped === undefined ? lessonsDir() : opts.shipped;
  if (shipped) out.push({ dir: resolve(shipped), origin: 'shipped' });
  out.push({ dir: resolve(userLessonsDir(opts.dataDir)), origin: 'user' });
  for (const d of opts.extra ?? []) out.push({ dir: resolve(d), origin: 'folder' });
  return out.filter((d, i) => out.findIndex((e) => e.dir === d.dir) === i);
}

/** Lesson captures are small: a bigger file is the wrong one. */
const MAX_CAPTURE_BYTES = 64 * 1024 * 1024;
const MAX_LESSON_BYTES = 1024 * 1024;

export interface LessonEntry {
  /** The lesson's id, or the file name without ".json" when the file has none. */
  id: string;
  file: string;
  origin: LessonOrigin;
  /** The lesson, when it is valid (problems empty). */
  lesson: LessonFile | null;
  problems: Problem[];
  notes: Problem[];
  /** The capture validate checked it against (a live lesson's sample). */
  capturePath: string | null;
}

/** Reads and validates one lesson file against the capture next to it. Never throws. */
export function checkLessonFile(file: string, origin: LessonOrigin = 'folder', capturePath?: string): LessonEntry {
  const fileId = basename(file).replace(/\.json$/i, '');
  const entry = (problems: Problem[], lesson: LessonFile | null = null, notes: Problem[] = [], cap: string | null = null): LessonEntry =>
    ({ id: lesson?.id ?? fileId, file, origin, lesson: problems.length ? null : lesson, problems, notes, capturePath: cap });
  let text: string;
  let fd: number | null = null;
  try {
    // Opened without waiting and read only as a regular file: /dev/zero (size 0) was read until the
    // server held 14 GB, and a FIFO held it in open(), waiting for a writer.
    fd = openSync(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
    const st = fstatSync(fd);
    if (!st.isFile()) return entry([{ path: '', message: 'not a regular file' }]);
    if (st.size > MAX_LESSON_BYTES) return entry([{ path: '', message: `larger than ${MAX_LESSON_BYTES} bytes: not a lesson file` }]);
    text = readFileSync(fd, 'utf8');
  } catch (e) {
    return entry([{ path: '', message: `cannot read the file (${(e as NodeJS.ErrnoException).code ?? String(e)})` }]);
  } finally {
    if (fd !== null) closeSync(fd);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return entry([{ path: '', message: jsonProblem(text) }]);
  }
  let cap: string | null = null;
  const v = validateLesson({
    value,
    fileId,
    capture: (lesson) => {
      cap = capturePath ?? join(dirname(file), captureOf(lesson));
      return readLessonCapture(cap);
    },
  });
  return entry(v.problems, v.lesson, v.notes, cap);
}

/** Decoded captures by path, while the file is unchanged (lessons share captures; validation is repeated). */
const decoded = new Map<string, { stamp: string; capture: LessonCapture }>();

/** Decodes a lesson's capture file, or says why it cannot. */
export function readLessonCapture(path: string): LessonCapture | { error: string } {
  const hit = decoded.get(path);
  if (hit && hit.stamp === stamp(path)) return hit.capture;
  const c = decodeLessonCapture(path);
  if (!('error' in c)) {
    decoded.set(path, { stamp: stamp(path), capture: c });
    // A handful of small captures at a time: the oldest goes first.
    if (decoded.size > 32) decoded.delete(decoded.keys().next().value!);
  }
  return c;
}

function decodeLessonCapture(path: string): LessonCapture | { error: string } {
  let bytes: Uint8Array;
  let fd: number | null = null;
  try {
    // The file checked is the file read, and a FIFO put there is not waited on (as lesson files).
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
    const st = fstatSync(fd);
    if (!st.isFile()) return { error: 'not a file' };
    if (st.size > MAX_CAPTURE_BYTES) return { error: `larger than ${MAX_CAPTURE_BYTES / 1024 / 1024} MiB; a lesson capture should hold one or a few connections` };
    bytes = readFileSync(fd);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return { error: code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : String(code ?? e) };
  } finally {
    if (fd !== null) closeSync(fd);
  }
  try {
    const c = decodeCapture(bytes);
    if (!c.frames.length) return { error: 'the capture holds no frames' };
    return c;
  } catch (e) {
    return { error: `not a capture file the engine can read (${e instanceof Error ? e.message : String(e)})` };
  }
}

/** The *.json files of a folder, by name (none when it does not exist). */
export function lessonFilesIn(dir: string): string[] {
  try {
    return readdirSync(dir).filter((n) => n.toLowerCase().endsWith('.json')).sort().map((n) => join(dir, n));
  } catch {
    return [];
  }
}

/** Lines of `lesson validate`: "FILE: steps[3].question: problem". */
export function problemLines(e: LessonEntry): string[] {
  return e.problems.map((p) => `${e.file}: ${problemLine(p)}`);
}

/**
 * How long a scan of the lesson folders answers find/any (a lesson opened, a step, an answer) without
 * looking at the disk again: a scan lists the folders and stats every lesson and capture, and 50 students
 * answering made thousands of them a second. A lesson added since is still found (a miss scans again).
 */
const RESCAN_MS = 2000;

export class LessonCatalogue {
  private cache = new Map<string, { key: string; entry: LessonEntry }>();
  private lastScan: { at: number; entries: LessonEntry[] } | null = null;

  constructor(readonly dirs: readonly LessonDir[], private readonly log: (line: string) => void = () => undefined, private readonly now: () => number = Date.now) {}

  /**
   * Checks every lesson file ahead of the first request, one file per turn of the event loop (the first
   * listLessons of a class, checking them all in one go, held it for 0.5 to 1.8 s). Returns a cancel.
   */
  warm(): () => void {
    const files = this.dirs.flatMap((d) => lessonFilesIn(d.dir).map((file) => ({ file, origin: d.origin })));
    let cancelled = false;
    const next = () => {
      const f = files.shift();
      if (cancelled || !f) return;
      this.checked(f.file, f.origin);
      setImmediate(next);
    };
    setImmediate(next);
    return () => { cancelled = true; };
  }

  /** The next find/any looks at the disk again (a lesson was saved or imported). */
  forget(): void {
    this.lastScan = null;
  }

  /** Every lesson file of every folder, valid or not, as they are now; a repeated id is a problem of the later file. */
  entries(): LessonEntry[] {
    const out = this.scan();
    this.lastScan = { at: this.now(), entries: out };
    return out;
  }

  /**
   * The entries of the last scan while it is recent (RESCAN_MS), else of a new one: for what is asked per
   * student (a lesson's siblings), where a lesson added a moment ago may be seen a moment later.
   */
  recentEntries(): LessonEntry[] {
    return this.lastScan && this.now() - this.lastScan.at < RESCAN_MS ? this.lastScan.entries : this.entries();
  }

  /**
   * The entry of `id` that `ok` accepts: a valid one from the last scan if that is recent, else from a new
   * scan (so a lesson added, or one with problems fixed since, is seen at once).
   */
  private lookup(id: string, ok: (e: LessonEntry) => boolean): LessonEntry | null {
    const recent = this.lastScan && this.now() - this.lastScan.at < RESCAN_MS ? this.lastScan.entries : null;
    return recent?.find((e) => e.id === id && e.lesson !== null) ?? this.entries().find((e) => e.id === id && ok(e)) ?? null;
  }

  private scan(): LessonEntry[] {
    const out: LessonEntry[] = [];
    const byId = new Map<string, LessonEntry>();
    for (const d of this.dirs) {
      for (const file of lessonFilesIn(d.dir)) {
        let e = this.checked(file, d.origin);
        const first = byId.get(e.id);
        if (first) {
          e = { ...e, lesson: null, problems: [...e.problems, { path: 'id', message: `"${e.id}" is already the id of ${first.file}` }] };
        } else byId.set(e.id, e);
        out.push(e);
      }
    }
    return out.sort((a, b) => (a.lesson?.order ?? 1e9) - (b.lesson?.order ?? 1e9) || a.id.localeCompare(b.id));
  }

  /** A valid lesson by id (null when there is none or it has problems). */
  find(id: string): LessonEntry | null {
    return this.lookup(id, (e) => e.lesson !== null);
  }

  /** The entry of an id even when it is invalid (to say why it cannot be opened). */
  any(id: string): LessonEntry | null {
    return this.lookup(id, () => true);
  }

  summary(e: LessonEntry, locale: string): LessonSummary {
    const lang: LessonLocale = locale.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
    const l = e.lesson;
    const base = { id: e.id, origin: e.origin, file: basename(e.file) };
    if (!l) {
      const texts = { en: { title: e.id, summary: '' }, 'zh-CN': { title: e.id, summary: '' } };
      return { ...base, title: e.id, summary: '', texts, steps: 0, questions: 0, kind: 'capture', problems: problemLines(e).map((line) => line.slice(e.file.length + 2)) };
    }
    return {
      ...base,
      texts: { en: { title: l.title.en, summary: l.summary.en }, 'zh-CN': { title: l.title['zh-CN'], summary: l.summary['zh-CN'] } },
      title: l.title[lang],
      summary: l.summary[lang],
      steps: l.steps.length,
      questions: l.steps.filter((s) => s.question).length,
      kind: l.experiment ? 'experiment' : l.watch ? 'watch' : 'capture',
    };
  }

  /**
   * Copies a lesson file (and its capture: next to it, or `capture`) into the user folder, once it validates.
   * Returns the new entry, or the entry with its problems (nothing copied).
   */
  import(file: string, capture?: string): LessonEntry {
    const e = checkLessonFile(resolve(file), 'user', capture ? resolve(capture) : undefined);
    if (!e.lesson || !e.capturePath) return e;
    const dest = this.dirs.find((d) => d.origin === 'user')?.dir;
    if (!dest) return { ...e, lesson: null, problems: [{ path: '', message: 'there is no user lessons folder to import into' }] };
    const clash = this.entries().find((x) => x.id === e.id && x.origin !== 'user');
    if (clash) return { ...e, lesson: null, problems: [{ path: 'id', message: `"${e.id}" is already the id of ${clash.file}` }] };
    mkdirSync(dest, { recursive: true, mode: 0o700 });
    this.forget();
    // The capture first, then the lesson, each through a temporary name: a half-copied lesson is never listed.
    const capName = captureOf(e.lesson);
    copyFileSync(e.capturePath, join(dest, `.${capName}.tmp`));
    renameSync(join(dest, `.${capName}.tmp`), join(dest, capName));
    writeFileSync(join(dest, `.${e.id}.json.tmp`), readFileSync(e.file));
    renameSync(join(dest, `.${e.id}.json.tmp`), join(dest, `${e.id}.json`));
    this.log(`imported lesson ${e.id} into ${dest}`);
    return this.checked(join(dest, `${e.id}.json`), 'user');
  }

  /** A file's entry, validated again only when it or its capture changed. */
  private checked(file: string, origin: LessonOrigin): LessonEntry {
    const hit = this.cache.get(file);
    if (hit && hit.key === stampWith(file, hit.entry.capturePath)) return hit.entry;
    const entry = checkLessonFile(file, origin);
    if (entry.problems.length) this.log(`lesson ${file}: ${entry.problems.map(problemLine).join('; ')}`);
    this.cache.set(file, { key: stampWith(file, entry.capturePath), entry });
    return entry;
  }
}

function stamp(file: string): string {
  try {
    const st = statSync(file);
    return `${st.mtimeMs}:${st.size}`;
  } catch {
    return 'gone';
  }
}

/** A lesson file's and its capture's modification stamps: the validation holds while they are unchanged. */
function stampWith(file: string, capture: string | null): string {
  return `${stamp(file)}|${capture ? stamp(capture) : ''}`;
}
