// What the page may know of a lesson before its questions are answered: texts, prompts and what can be
// picked, never an answer. A lesson file holds things that give answers away (a conceptual question's
// typed answer, a choice's value expression, explanations, the texts aimed at wrong answers): the back
// end keeps those and sends the explanation and the right answer only once a question is answered right.
// Also how a given answer is written down (one string, as progress records keep it) and read back.
import type { TcpState } from '../engine/types';
import { parseNumber, formatNumber, type GivenAnswer } from './answers';
import { TCP_STATES, type LessonFile, type LessonLocale, type LessonStep, type Localized, type Question } from './schema';

export interface QuestionView {
  kind: Question['kind'];
  prompt: Localized;
  /** State questions: whose state is asked, and the states offered. */
  endpoint?: 'client' | 'server';
  states?: TcpState[];
  /** Choice questions: the choices; order questions: the items to put in order (as the file lists them). */
  choices?: { id: string; text: Localized }[];
  items?: { id: string; text: Localized }[];
  /** Number questions: the unit the answer is in. */
  unit?: Localized;
}

export interface StepView {
  view?: LessonStep['view'];
  highlight?: LessonStep['highlight'];
  text: Localized;
  question?: QuestionView;
}

export interface LessonView {
  id: string;
  title: Localized;
  summary: Localized;
  kind: 'capture' | 'experiment' | 'watch';
  /** A watch lesson: the port and what the student does to make the connection. */
  watch?: { port: number; instructions: Localized };
  steps: StepView[];
}

export function questionView(q: Question): QuestionView {
  const base: QuestionView = { kind: q.kind, prompt: q.prompt };
  switch (q.kind) {
    case 'state': return { ...base, endpoint: q.endpoint, states: [...(q.choices ?? TCP_STATES)] };
    case 'number': return q.unit ? { ...base, unit: q.unit } : base;
    case 'bytes': return base;
    case 'order': return { ...base, items: q.items.map((it) => ({ id: it.id, text: it.text })) };
    case 'choice': return { ...base, choices: q.choices.map((c) => ({ id: c.id, text: c.text })) };
  }
}

export function lessonView(l: LessonFile): LessonView {
  return {
    id: l.id,
    title: l.title,
    summary: l.summary,
    kind: l.experiment ? 'experiment' : l.watch ? 'watch' : 'capture',
    ...(l.watch ? { watch: { port: l.watch.port, instructions: l.watch.instructions } } : {}),
    steps: l.steps.map((s) => ({
      ...(s.view ? { view: s.view } : {}),
      ...(s.highlight ? { highlight: s.highlight } : {}),
      text: s.text,
      ...(s.question ? { question: questionView(s.question) } : {}),
    })),
  };
}

/** A given answer as one string (what progress records keep): "TIME_WAIT", "15", "38-41", "a,b,c", a choice id. */
export function answerKey(q: Question, given: GivenAnswer): string {
  switch (q.kind) {
    case 'state': return String(given).trim().toUpperCase().replace(/[- ]/g, '_');
    case 'number': {
      const n = typeof given === 'number' ? given : parseNumber(String(given));
      return n === null ? String(given).trim().slice(0, 40) : formatNumber(n);
    }
    case 'bytes': return Array.isArray(given) && given.length === 2 ? `${given[0]}-${Number(given[1]) - 1}` : String(given);
    case 'order': return Array.isArray(given) ? (given as readonly unknown[]).map(String).join(',') : String(given);
    case 'choice': return String(given).trim();
  }
}

/** A recorded answer as the student reads it (a choice's text, an order's item texts, a byte range). */
export function answerKeyText(q: Question, key: string, lang: LessonLocale): string {
  switch (q.kind) {
    case 'state': return key;
    case 'number': return `${key}${q.unit ? ` ${q.unit[lang]}` : ''}`;
    case 'bytes': {
      const [a, b] = key.split('-');
      return a === b ? a : `${a}–${b}`;
    }
    case 'order': return key.split(',').map((id) => q.items.find((it) => it.id === id)?.text[lang] ?? id).join(' → ');
    case 'choice': return q.choices.find((c) => c.id === key)?.text[lang] ?? key;
  }
}

/** Both languages' texts of a recorded answer. */
export function answerKeyTexts(q: Question, key: string): Localized {
  return { en: answerKeyText(q, key, 'en'), 'zh-CN': answerKeyText(q, key, 'zh-CN') };
}
