// The student's report (lib/report.ts) over the back end's real player state: one self-contained HTML
// document (no script), the name escaped as text, each question with the first answer given, the right
// answer only once it was found, the time, the score counting unanswered questions as wrong, the SVG.
import { describe, expect, it } from 'vitest';
import en from '../../renderer/src/i18n/en';
import { buildReport } from '../../renderer/src/lib/report';
import { answerText, computeAnswer } from '../../main/lessons/index';
import { lessonPlayer } from './lesson-plays';

const t = (key: string, params: Record<string, unknown> = {}) =>
  (key.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], en) as string).replace(/\{(\w+)\}/g, (_m, k: string) => String(params[k]));

describe('the lesson report', () => {
  it('lists every question with its first answer, the right answer once found, and the score', () => {
    const p = lessonPlayer('classic-linux');
    const right = computeAnswer(p.lesson, 0, p.capture);
    // Not answered at all, once the page has the step: counted, and said (teacher mode sends every step).
    p.teacher(true);
    const all = p.play();
    const unanswered = /<tr class="\w+" data-step="3">([\s\S]*?)<\/tr>/.exec(buildReport({ lesson: all.lesson, state: all.state, lang: 'en', name: '', date: new Date(), ladderSvg: null, t }))?.[1] ?? '';
    expect(unanswered).toContain('not answered');
    p.teacher(false);
    p.answer(0, 'LISTEN');
    p.answer(0, right.value as string);
    p.go(1);
    p.answer(1, 999);
    const { lesson, state } = p.play();
    const html = buildReport({ lesson, state, lang: 'en', name: 'Ada <b>Lovelace</b>', date: new Date('2026-12-03T10:00:00Z'), ladderSvg: '<svg xmlns="http://www.w3.org/2000/svg"><text>ladder</text></svg>', t });
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).not.toMatch(/<script|<link|src=/i);
    expect(html).toContain('value="Ada &lt;b&gt;Lovelace&lt;/b&gt;"');
    expect(html).toContain('December 3, 2026');
    expect(html).toContain('<svg xmlns="http://www.w3.org/2000/svg"><text>ladder</text></svg>');
    const row = (n: number) => new RegExp(`<tr class="\\w+" data-step="${n}">([\\s\\S]*?)</tr>`).exec(html)?.[1] ?? '';
    // Step 1: first answer wrong, the right one found later.
    expect(row(1)).toContain('LISTEN');
    expect(row(1)).toContain(answerText(p.lesson.steps[0].question!, right, 'en'));
    expect(row(1)).toContain('wrong');
    // Step 2: answered wrong, not found yet: its right answer is not in the report.
    const r2 = computeAnswer(p.lesson, 1, p.capture);
    expect(row(2)).toContain('999');
    expect(row(2)).toContain('not found yet');
    expect(row(2)).not.toContain(`>${answerText(p.lesson.steps[1].question!, r2, 'en')}<`);
    // The questions after the open one are not sent to the page (their prompts would tell what comes):
    // not listed, but counted.
    expect(row(3)).toBe('');
    expect(html).toContain(`0 of ${state.score.total}`);
    expect(state.score.total).toBe(9);
  });
});
