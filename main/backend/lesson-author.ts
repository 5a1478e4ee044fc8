// "Make a lesson from this capture": a teacher's draft lesson checked by the same validator as any lesson
// file, against the capture on screen, with each question's answer computed by the engine (shown to the
// author, never typed); then saved into the user's lessons folder with a copy of the capture (desktop), or
// handed back for the browser to download (serve). Its capture is always the one on screen: the draft's
// `capture` names the copy it will travel with.
import { copyFileSync, mkdirSync, openSync, readSync, closeSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  answerText, computeAnswer, problemLine, validateLesson, type LessonCapture, type LessonFile, type Localized,
} from '../lessons/index';

export interface DraftCheck {
  /** The validator's lines ("steps[2].question: …"); empty when the lesson is good to save. */
  problems: string[];
  /** Each step's computed answer as a student reads it (null: nothing asked, or it cannot be computed). */
  answers: (Localized | null)[];
  lesson: LessonFile | null;
}

/** Validates a draft against the capture on screen (its `capture` name is where the copy will go). */
export function checkDraft(value: unknown, capture: LessonCapture): DraftCheck {
  const v = validateLesson({ value, capture: () => capture });
  const lesson = v.lesson;
  const answers = (lesson?.steps ?? []).map((s, i): Localized | null => {
    if (!s.question || !lesson) return null;
    try {
      const c = computeAnswer(lesson, i, capture);
      return { en: answerText(s.question, c, 'en'), 'zh-CN': answerText(s.question, c, 'zh-CN') };
    } catch {
      return null;
    }
  });
  return { problems: v.problems.map(problemLine), answers, lesson: v.problems.length ? null : lesson };
}

/** pcapng or pcap, by the file's first bytes (the copy keeps its format, so its name must say which). */
export function captureExtension(file: string): 'pcapng' | 'pcap' {
  const fd = openSync(file, 'r');
  try {
    const head = Buffer.alloc(4);
    readSync(fd, head, 0, 4, 0);
    return head.readUInt32BE(0) === 0x0a0d0d0a ? 'pcapng' : 'pcap';
  } finally {
    closeSync(fd);
  }
}

/** The draft with its capture named after it and the format of the file on screen. */
export function withCaptureName(value: unknown, captureFile: string): unknown {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return value;
  const id = (value as { id?: unknown }).id;
  if (typeof id !== 'string' || !/^[a-z0-9]+(-[a-z0-9]+)*$/.test(id)) return value;
  return { ...value, capture: `${id}.${captureExtension(captureFile)}` };
}

/** Writes a checked lesson and a copy of its capture into `dir` (each through a temporary name). */
export function writeLesson(dir: string, lesson: LessonFile, captureFile: string): string {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const cap = lesson.capture!;
  copyFileSync(captureFile, join(dir, `.${cap}.tmp`));
  renameSync(join(dir, `.${cap}.tmp`), join(dir, cap));
  const file = join(dir, `${lesson.id}.json`);
  writeFileSync(join(dir, `.${lesson.id}.json.tmp`), `${JSON.stringify(lesson, null, 2)}\n`, { mode: 0o600 });
  renameSync(join(dir, `.${lesson.id}.json.tmp`), file);
  return file;
}
