// Playing shipped lessons in the browser, shared by the lessons end-to-end test and the screenshots: the
// lessons with their captures and computed answers (main/lessons over the engine's decode), the app's
// words as the page writes them, and how a student enters an answer of each kind.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import en from '../../../renderer/src/i18n/en';
import zh from '../../../renderer/src/i18n/zh-CN';
import {
  computeAnswer, decodeCapture, parseLesson, resolveSteps, TCP_STATES,
  type ComputedAnswer, type GivenAnswer, type LessonCapture, type LessonFile, type LessonLocale, type Question,
} from '../../../main/lessons/index';
import { ROOT } from './serve';

export const SHIPPED = join(ROOT, 'assets', 'lessons');

export interface Shipped {
  id: string;
  lesson: LessonFile;
  capture: LessonCapture;
  frames: number[];
  answers: (ComputedAnswer | null)[];
}

export function shipped(): Shipped[] {
  return readdirSync(SHIPPED).filter((n) => n.endsWith('.json')).map((n) => {
    const r = parseLesson(JSON.parse(readFileSync(join(SHIPPED, n), 'utf8')));
    if (!r.ok) throw new Error(`${n} is invalid`);
    const lesson = r.lesson;
    const capture = decodeCapture(readFileSync(join(SHIPPED, lesson.capture ?? lesson.experiment?.sample ?? lesson.watch!.sample)));
    return {
      id: lesson.id, lesson, capture,
      frames: resolveSteps(lesson, capture).map((x) => x.frame!),
      answers: lesson.steps.map((s, i) => (s.question ? computeAnswer(lesson, i, capture) : null)),
    };
  }).sort((a, b) => (a.lesson.order ?? 1e9) - (b.lesson.order ?? 1e9) || a.id.localeCompare(b.id));
}

/** The app's own words, as the page writes them (vue-i18n's {name} placeholders). */
export function tr(lang: LessonLocale, key: string, params: Record<string, unknown> = {}): string {
  const text = key.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], lang === 'en' ? en : zh) as string;
  return text.replace(/\{(\w+)\}/g, (_m, k: string) => String(params[k]));
}

/**
 * Enters an answer as a student does: in the lesson panel, or (`inView`) where the question points: a state
 * on the state diagram, a byte range in the hex view of the question's segment (click, Shift+click).
 */
export async function give(page: Page, q: Question, given: GivenAnswer, opts: { inView?: boolean } = {}): Promise<void> {
  if (opts.inView && q.kind === 'state') {
    await page.click('[data-testid=tab-states]');
    await page.click(`[data-testid=sm-node][role=button][data-node=${String(given)}]`);
    return;
  }
  if (opts.inView && q.kind === 'bytes') {
    const [a, b] = given as [number, number];
    await page.click('[data-testid=tab-packets]');
    await page.waitForSelector('[data-testid=hex-view].choosing');
    await page.click(`[data-testid=hex-view] .b[data-offset="${a}"]`);
    await page.click(`[data-testid=hex-view] .b[data-offset="${b - 1}"]`, { modifiers: ['Shift'] });
    await page.waitForFunction(([x, y]) => {
      const d = (globalThis as unknown as { document: { querySelector(s: string): { value: string } | null } }).document;
      return d.querySelector('[data-testid=lesson-first-byte]')?.value === x && d.querySelector('[data-testid=lesson-last-byte]')?.value === y;
    }, [String(a), String(b - 1)] as const);
    await page.click('[data-testid=lesson-check]');
    return;
  }
  switch (q.kind) {
    case 'state':
    case 'choice':
      await page.click(`[data-testid=choice-${String(given)}]`);
      return;
    case 'number':
      await page.fill('[data-testid=lesson-number]', String(given));
      await page.click('[data-testid=lesson-check]');
      return;
    case 'bytes': {
      const [a, b] = given as [number, number];
      await page.fill('[data-testid=lesson-first-byte]', String(a));
      await page.fill('[data-testid=lesson-last-byte]', String(b - 1));
      await page.click('[data-testid=lesson-check]');
      return;
    }
    case 'order':
      if (await page.isEnabled('[data-testid=order-clear]')) await page.click('[data-testid=order-clear]');
      for (const id of given as string[]) await page.click(`[data-testid=order-${id}]`);
      await page.click('[data-testid=lesson-check]');
  }
}

/** A wrong answer: one the grader knows the mistake behind when there is one. */
export function wrongAnswer(q: Question, c: ComputedAnswer): GivenAnswer {
  const known = c.wrong[0]?.value as GivenAnswer | undefined;
  switch (c.kind) {
    case 'state': {
      const offered = q.kind === 'state' ? q.choices ?? TCP_STATES : TCP_STATES;
      const w = c.wrong.find((x) => (offered as readonly string[]).includes(x.value));
      return w?.value ?? offered.find((s) => s !== c.value)!;
    }
    case 'number': return known ?? c.value + 7919;
    case 'bytes': return known ?? [c.value[0] + 1, c.value[1] + 1];
    case 'order': return known ?? [...c.value].reverse();
    case 'choice': return known ?? (q as Extract<Question, { kind: 'choice' }>).choices.find((x) => x.id !== c.value)!.id;
  }
}

export const rightAnswer = (c: ComputedAnswer): GivenAnswer => c.value as GivenAnswer;
