// Screenshots of every view, light and dark, English and Chinese, at 1280×720, for the README
// (assets/screenshots/, written by `npm run screenshots` only). They show the seed's 4-segment close from
// `handshake-lab serve --open`; while the
// engine cannot decode yet, the same built UI is fed by the tshark-built fixtures (test/renderer/fixtures)
// through the fake client instead, and says so.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { blurActive, openBrowser, type Browser } from './support/browser';
import { engineMissing } from './support/oracles';
import { buildMissing, ROOT, serve, type Served } from './support/serve';
import { give, rightAnswer, shipped, wrongAnswer } from './support/lessons';

const CAPTURE = join(ROOT, 'assets', 'lessons', 'four-segment-close.pcap');
// `npm run screenshots` writes the README's pictures; an ordinary test run writes them to a temporary
// folder, so `npm test` leaves the working tree as it found it.
const WRITE = process.env.HANDSHAKE_LAB_SCREENSHOTS === 'write';
let OUT = join(ROOT, 'assets', 'screenshots');
const VIEWS = ['ladder', 'states', 'layers', 'packets', 'graphs'] as const;
const COMBOS = [['light', 'en'], ['dark', 'en'], ['light', 'zh-CN'], ['dark', 'zh-CN']] as const;

const missing = buildMissing();
const engineWhy = missing ? null : engineMissing(CAPTURE);
if (missing) console.log(`skipping the screenshots: ${missing}`);
else if (engineWhy) console.log(`screenshots use the tshark-built fixtures through the fake client: ${engineWhy}`);

/** Plays the built UI against the fixtures: the fake client becomes window.handshakeLab (the IPC path). */
function fakeInit(): string {
  const fx = (n: string) => readFileSync(join(ROOT, 'test', 'renderer', 'fixtures', `${n}.json`), 'utf8');
  const src = readFileSync(join(ROOT, 'test', 'renderer', 'fake-client.js'), 'utf8').replace(/^export /m, '');
  return `${src}\nwindow.handshakeLab = createFakeClient(${fx('four')}, { lessons: { 'classic-linux': ${fx('classic')}, 'four-segment-close': ${fx('four')} }, experiment: ${fx('classic')} });`;
}

/**
 * The classic lab played to its end: a wrong answer and its feedback, the right ones, the summary, and the
 * exported report (opened as the file it is). Answers are computed from the capture (main/lessons).
 */
async function lessonToReport(page: Page, theme: string, locale: 'en' | 'zh-CN', shot: (page: Page, name: string) => Promise<void>): Promise<void> {
  const L = shipped().find((x) => x.id === 'classic-linux')!;
  const q0 = L.lesson.steps[0].question!;
  await give(page, q0, wrongAnswer(q0, L.answers[0]!));
  await page.waitForSelector('[data-testid=lesson-feedback][data-correct=false]');
  await shot(page, `lesson-feedback-${theme}-${locale}`);
  for (let i = 0; i < L.lesson.steps.length; i++) {
    const q = L.lesson.steps[i].question;
    if (q && L.answers[i]) {
      await page.waitForSelector('[data-testid=lesson-question][data-open=true]');
      await give(page, q, rightAnswer(L.answers[i]!));
      await page.waitForSelector('[data-testid=lesson-feedback][data-correct=true]');
      if (i === 0) await shot(page, `lesson-answer-${theme}-${locale}`);
    }
    await page.click(i < L.lesson.steps.length - 1 ? '[data-testid=lesson-next]' : '[data-testid=lesson-finish]');
  }
  await page.waitForSelector('[data-testid=lesson-summary]');
  await page.fill('[data-testid=report-name]', locale === 'en' ? 'Ada Lovelace' : '李雷');
  await shot(page, `lesson-summary-${theme}-${locale}`);
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=export-report]')]);
  const report = await page.context().newPage();
  await report.goto(pathToFileURL((await download.path())!).href);
  await shot(report, `lesson-report-${locale}`);
  await report.close();
}

async function stepTo(page: Page, index: number): Promise<void> {
  await blurActive(page);
  await page.keyboard.press('Home');
  for (let i = 0; i < index; i++) await page.keyboard.press('ArrowRight');
  await page.waitForFunction(`document.querySelector('[data-testid=step-position]')?.getAttribute('data-index') === '${index}'`);
}

describe.skipIf(!!missing)('screenshots of every view', () => {
  let served: Served;
  let b: Browser;
  beforeAll(async () => {
    if (!WRITE) OUT = mkdtempSync(join(tmpdir(), 'hl-screenshots-'));
    mkdirSync(OUT, { recursive: true });
    served = await serve(engineWhy ? [] : ['--open', CAPTURE]);
    b = await openBrowser({ reducedMotion: true });
  });
  afterAll(async () => {
    await b?.close();
    await served?.stop();
    if (!WRITE) rmSync(OUT, { recursive: true, force: true });
  });

  async function open(theme: string, locale: string, extra = ''): Promise<Page> {
    const page = await b.context.newPage();
    const settings = JSON.stringify({ locale, theme, largeText: false, tab: 'ladder', sidebar: true });
    await page.addInitScript({ content: `localStorage.setItem('handshake-lab.settings', ${JSON.stringify(settings)});\n${engineWhy ? fakeInit() : ''}\n${extra}` });
    await page.goto(served.url);
    return page;
  }

  const shot = async (page: Page, name: string) => {
    const path = join(OUT, `${name}.png`);
    await page.waitForTimeout(250);
    await page.screenshot({ path });
    expect(statSync(path).size).toBeGreaterThan(10_000);
  };

  for (const [theme, locale] of COMBOS) {
    it(`${theme}, ${locale}`, { timeout: 120_000 }, async () => {
      const page = await open(theme, locale);
      await page.waitForSelector('[data-testid=ladder-arrow]');
      const suffix = `${theme}-${locale}`;
      for (const view of VIEWS) {
        await page.click(`[data-testid=tab-${view}]`);
        if (view === 'ladder' || view === 'states') await stepTo(page, 7); // the server's FIN: TIME_WAIT and LAST_ACK
        if (view === 'layers') { await stepTo(page, 3); await page.click('[data-testid=layer-tcp]'); } // the data segment
        if (view === 'packets') {
          await page.click('[data-testid=packet-row][data-frame="4"]');
          await page.locator('[data-testid=tree-item][data-field="tcp.srcport"]').first().click();
        }
        if (view === 'graphs') await page.waitForSelector('[data-testid=graph-rtt] canvas');
        await shot(page, `${view}-${suffix}`);
      }
      await page.close();
    });
  }

  it('empty state and a lesson', { timeout: 120_000 }, async () => {
    for (const [theme, locale] of [['light', 'en'], ['dark', 'zh-CN']] as const) {
      const empty = await b.context.newPage();
      const settings = JSON.stringify({ locale, theme, largeText: false, tab: 'ladder', sidebar: true });
      // The empty state needs a back end without a capture: a fake client with nothing loaded.
      const src = readFileSync(join(ROOT, 'test', 'renderer', 'fake-client.js'), 'utf8').replace(/^export /m, '');
      await empty.addInitScript({ content: `localStorage.setItem('handshake-lab.settings', ${JSON.stringify(settings)});\n${src}\nwindow.handshakeLab = createFakeClient(null, {});` });
      await empty.goto(served.url);
      await empty.waitForSelector('[data-testid=empty-state]');
      await shot(empty, `empty-${theme}-${locale}`);
      await empty.close();

      // A learner of its own, so the lesson starts from its first question.
      const page = await open(theme, locale, `localStorage.setItem('handshake-lab.learner', 'screenshots-${theme}-${locale}');`);
      await page.waitForSelector('[data-testid=ladder-arrow]');
      await page.click('[data-testid=lessons-menu]');
      await page.click('[data-testid=lesson-classic-linux]');
      await page.waitForSelector('[data-testid=lesson-question][data-open=true]');
      await shot(page, `lesson-question-${theme}-${locale}`);
      if (!engineWhy) await lessonToReport(page, theme, locale, shot);
      await page.close();
    }
    expect(b.errors).toEqual([]);
  });

  it('large text at 1280×720 (en and zh-CN), and the experiment told as a story', { timeout: 180_000 }, async () => {
    for (const locale of ['en', 'zh-CN'] as const) {
      const page = await b.context.newPage();
      // No sidebar choice: at large text the connections list makes way for the views by itself.
      const settings = JSON.stringify({ locale, theme: 'light', largeText: true, tab: 'ladder' });
      await page.addInitScript({ content: `localStorage.setItem('handshake-lab.settings', ${JSON.stringify(settings)});\n${engineWhy ? fakeInit() : ''}` });
      await page.goto(served.url);
      await page.waitForSelector('[data-testid=ladder-arrow]');
      await stepTo(page, 7);
      await shot(page, `ladder-large-light-${locale}`);
      await page.click('[data-testid=tab-states]');
      await stepTo(page, 7);
      await shot(page, `states-large-light-${locale}`);
      await page.click('[data-testid=tab-packets]');
      await page.click('[data-testid=packet-row][data-frame="4"]');
      await shot(page, `packets-large-light-${locale}`);
      await page.close();
    }
    if (engineWhy) return;
    // A recording of the classic experiment: its calls come back from the file's pcapng comments.
    const story = await serve(['--open', join(ROOT, 'test', 'corpus', 'lab', 'experiment-classic.pcapng')]);
    try {
      const page = await b.context.newPage();
      const settings = JSON.stringify({ locale: 'en', theme: 'light', largeText: false, tab: 'ladder', sidebar: false, ladderMode: 'rows' });
      await page.addInitScript({ content: `localStorage.setItem('handshake-lab.settings', ${JSON.stringify(settings)});` });
      await page.goto(story.url);
      await page.waitForSelector('[data-testid=ladder-call]');
      await stepTo(page, 3);
      await page.evaluate('document.querySelector("[data-testid=ladder] .scroll").scrollTo(0, 0)');
      await shot(page, 'experiment-lane-light-en');
      await page.click('[data-testid=ladder-time]');
      await stepTo(page, 8);
      await shot(page, 'experiment-time-light-en');
      await page.click('[data-testid=ladder-rows]');
      if (await page.isEnabled('[data-testid=experiment-variants]')) {
        await page.click('[data-testid=experiment-variants]');
        await page.click('[data-testid=experiment-edit]');
        await page.waitForSelector('[data-testid=experiment-editor][open]');
        await page.selectOption('[data-testid=editor-variant]', 'half-close');
        await shot(page, 'experiment-editor-light-en');
      }
      await page.close();
    } finally {
      await story.stop();
    }
    expect(b.errors).toEqual([]);
  });
});

