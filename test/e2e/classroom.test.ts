// The classroom end to end in Chromium: `serve --open` prints a teacher URL and a class URL; a student's
// page asks for a name, shows no capture controls, lists what the teacher shared, and steps through a
// lesson; the teacher's dashboard shows the student by that name with lesson, step and score, the answer
// counts, and exports them as CSV. The right answer is the engine's state (decode --jsonl), not typed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openBrowser, type Browser } from './support/browser';
import { engineDecode, engineMissing } from './support/oracles';
import { buildMissing, ROOT, serve, type Served } from './support/serve';

const LESSON = join(ROOT, 'assets', 'lessons', 'classic-linux.json');
const lesson = JSON.parse(readFileSync(LESSON, 'utf8')) as { capture: string; title: { en: string }; steps: { frame: number; question?: { kind: string; endpoint: 'client' | 'server'; choices: string[] } }[] };
const capture = join(ROOT, 'assets', 'lessons', lesson.capture);
const why = buildMissing() ?? engineMissing(capture);
if (why) console.log(`skipping the classroom end-to-end test: ${why}`);

describe.skipIf(!!why)('browser mode: a teacher and a student', () => {
  let served: Served;
  let teacher: Browser;
  let student: Browser;

  beforeAll(async () => {
    served = await serve(['--open', capture]);
    [teacher, student] = await Promise.all([openBrowser({ reducedMotion: true }), openBrowser({ reducedMotion: true })]);
  });
  afterAll(async () => {
    await teacher?.close();
    await student?.close();
    await served?.stop();
  });

  it('the student names themself, sees no capture controls, answers a lesson question; the teacher sees it all and exports it', { timeout: 120_000 }, async () => {
    expect(served.classUrl).toMatch(/\?token=[A-Za-z0-9_-]{43}$/);
    expect(new URL(served.classUrl).searchParams.get('token')).not.toBe(served.token);
    const t = teacher.page, s = student.page;
    await t.goto(served.url);
    await t.click('[data-testid=class-dashboard-toggle]');
    await expect.poll(() => t.inputValue('[data-testid=class-url]')).toBe(served.classUrl);

    await s.goto(served.classUrl);
    await s.waitForSelector('[data-testid=name-prompt]');
    await s.fill('[data-testid=student-name]', 'Ada Lovelace');
    await s.click('[data-testid=student-join]');
    await s.waitForSelector('[data-testid=name-prompt]', { state: 'detached' });
    // A student has no capture controls and no dashboard.
    expect(await s.locator('[data-testid=capture-start], [data-testid=capture-stop], [data-testid=class-dashboard-toggle]').count()).toBe(0);
    // What serve --open loaded is shared.
    await s.click('[data-testid=shared-menu]');
    await expect.poll(() => s.locator('[data-testid^=shared-]').count()).toBeGreaterThan(1);

    // The first question of the lesson, answered wrongly on purpose: the right answer is the engine's state.
    const at = lesson.steps.findIndex((x) => x.question?.kind === 'state');
    const q = lesson.steps[at].question!;
    const right = engineDecode(capture)[lesson.steps[at].frame - 1].states![q.endpoint];
    const wrong = q.choices.find((c) => c !== right)!;
    await s.keyboard.press('Escape');
    await s.click('[data-testid=lessons-menu]');
    // Nor making lessons (a draft's computed answers would answer the student's questions).
    await s.waitForSelector('[data-testid=lesson-classic-linux]');
    expect(await s.locator('[data-testid=make-lesson]').count()).toBe(0);
    await s.click('[data-testid=lesson-classic-linux]');
    await s.waitForSelector('[data-testid=lesson-question]');
    // On the class URL there is no teacher mode (the back end refuses it to a student too).
    expect(await s.locator('[data-testid=teacher-mode]').count()).toBe(0);
    for (let i = 0; i < at; i++) await s.click('[data-testid=lesson-next]');
    await s.click(`[data-testid=choice-${wrong}]`);
    await s.waitForSelector('[data-testid=lesson-feedback]');

    const row = t.locator('[data-testid=class-student]', { hasText: 'Ada Lovelace' });
    await expect.poll(() => row.textContent(), { timeout: 10_000 }).toContain(lesson.title.en);
    await expect.poll(() => row.textContent(), { timeout: 10_000 }).toContain('0 / 1');
    await expect.poll(() => t.locator('[data-testid=class-question]').first().textContent(), { timeout: 10_000 }).toContain(`${wrong} × 1`);

    const [download] = await Promise.all([t.waitForEvent('download'), t.click('[data-testid=export-csv]')]);
    const csv = readFileSync(await download.path(), 'utf8').trim().split('\r\n');
    expect(csv[0]).toBe('name,learner,lesson,step,question,answer,correct,seconds,answered_at,lesson_score');
    expect(csv[1]).toMatch(new RegExp(`^Ada Lovelace,[A-Za-z0-9_-]+,classic-linux,${at + 1},step-${at + 1},${wrong},no,`));
    expect(teacher.errors).toEqual([]);
    expect(student.errors).toEqual([]);
  });

  it('a reload keeps the student\'s session: same name, same lesson step', { timeout: 60_000 }, async () => {
    const s = student.page;
    const before = await s.evaluate('sessionStorage.getItem("handshake-lab.session")');
    const text = await s.textContent('[data-testid=lesson-text]');
    await s.reload();
    await s.waitForSelector('[data-testid=lesson-panel]');
    expect(await s.evaluate('sessionStorage.getItem("handshake-lab.session")')).toBe(before);
    await expect.poll(() => s.textContent('[data-testid=lesson-text]')).toBe(text);
    expect(await s.locator('[data-testid=name-prompt]').count()).toBe(0);
  });
});
