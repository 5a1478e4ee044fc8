// Every shipped lesson played in Chromium against `handshake-lab serve`, in English and in Chinese, as a
// student would: each question answered once wrongly (the feedback aimed at that answer must show, and
// the question stay open) and once rightly (the right answer and its explanation then show), to the
// summary and the exported report. Before each answer, nothing on the page may give the answer away: no
// element of a frame after the question's segment exists, and the asked value, state, segment or byte
// place is not printed anywhere outside the lesson panel (page text, SVG text, attributes). At the first
// question of each lesson, End, Space, →, Home, a click on a packet row, Next and Finish must not pass it.
// Wrong answers to state and bytes questions are given on the state diagram and in the hex view.
// Expected answers, feedback and the printed forms of the values come from the engine's decode of each
// capture (main/lessons, whose answers test/lessons/answers.test.ts checks against tshark), never from the
// page. Live lessons play their recorded sample (serve is given no capture here).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import {
  answerKey, answerKeyText, answerText, feedbackText, fieldsNamed, grade, resolveFrame, stepContext, streamFrames, TCP_STATES,
  type ComputedAnswer, type LessonLocale, type ValueExpr,
} from '../../main/lessons/index';
import { blurActive, openBrowser, type Browser } from './support/browser';
import { engineMissing } from './support/oracles';
import { buildMissing, serve, type Served } from './support/serve';
import { give, rightAnswer, shipped, SHIPPED, tr, wrongAnswer, type Shipped } from './support/lessons';

const why = buildMissing() ?? engineMissing(join(SHIPPED, 'classic-linux.pcap'));
if (why) console.log(`skipping the lessons end-to-end test: ${why}`);

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Info's and the ladder's short names of a field (Wireshark's Info column). */
const SHORT: Record<string, string> = {
  'tcp.seq': 'Seq', 'tcp.ack': 'Ack', 'tcp.len': 'Len', 'tcp.window_size': 'Win', 'tcp.options.mss_val': 'MSS',
  'tcp.options.wscale.multiplier': 'WS', 'tcp.options.timestamp.tsval': 'TSval', 'tcp.options.timestamp.tsecr': 'TSecr',
  'tcp.options.sack_le': 'SLE', 'tcp.options.sack_re': 'SRE',
};

/** What the page would print if it leaked a question's answer, found from the question and the capture. */
type Leak =
  | { kind: 'text'; frame: number; patterns: RegExp[]; why: string }
  | { kind: 'state'; endpoint: 'client' | 'server'; from: number; state: string; why: string }
  | { kind: 'stateAt'; endpoint: 'client' | 'server'; frame: number; why: string }
  | { kind: 'segment'; frame: number; why: string }
  | { kind: 'bytes'; text: string; why: string };

const reEsc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function leaksOf(L: Shipped, step: number, lang: LessonLocale): Leak[] {
  const q = L.lesson.steps[step].question!;
  const c = L.capture;
  const ctx = stepContext(L.lesson, step, c);
  const at = (ref: Parameters<typeof resolveFrame>[0]): number => resolveFrame(ref, ctx);
  const out: Leak[] = [];
  const field = (name: string, frame: number) => {
    const f = fieldsNamed(c.frames[frame - 1].decoded, name)[0];
    if (!f) return;
    const patterns = [new RegExp(reEsc(f.display))];
    if (SHORT[name] && f.value !== null) patterns.push(new RegExp(`\\b${SHORT[name]}[=:] ?${reEsc(String(f.value))}\\b`));
    out.push({ kind: 'text', frame, patterns, why: `${name} of frame ${frame}` });
  };
  const stateOf = (endpoint: 'client' | 'server', frame: number) => {
    const s = c.frames[frame - 1].decoded.states![endpoint];
    // The state shown from the frame it was entered on would tell it too.
    let from = frame;
    const frames = streamFrames(c, c.frames[frame - 1].decoded.stream!);
    for (let k = frames.indexOf(frame) - 1; k >= 0 && c.frames[frames[k] - 1].decoded.states?.[endpoint] === s; k--) from = frames[k];
    out.push({ kind: 'state', endpoint, from, state: s, why: `the ${endpoint}'s state after frame ${frame}` });
  };
  const value = (e: ValueExpr): void => {
    if ('const' in e) return;
    if ('add' in e) return e.add.forEach(value);
    if ('mul' in e) return e.mul.forEach(value);
    if ('sub' in e) return e.sub.forEach(value);
    if ('div' in e) return e.div.forEach(value);
    if ('round' in e) return value(e.round);
    const m = at(e.frame);
    if ('field' in e) return field(e.field, m);
    if (!('derived' in e)) return stateOf(e.state, m);
    switch (e.derived) {
      case 'sender': case 'flags': out.push({ kind: 'segment', frame: m, why: `who sent frame ${m} and its flags` }); return;
      case 'sample_rtt_ms': field('tcp.analysis.ack_rtt', m); return;
      case 'endpoints_in':
        out.push({ kind: 'stateAt', endpoint: 'client', frame: m, why: `who is in ${e.state} after frame ${m}` }, { kind: 'stateAt', endpoint: 'server', frame: m, why: `who is in ${e.state} after frame ${m}` });
        return;
      case 'first_to': {
        const first = streamFrames(c, c.frames[m - 1].decoded.stream!).find((f) => { const s = c.frames[f - 1].decoded.states; return s?.client === e.state || s?.server === e.state; });
        if (first) out.push({ kind: 'stateAt', endpoint: 'client', frame: first, why: `who is ${e.state} first` }, { kind: 'stateAt', endpoint: 'server', frame: first, why: `who is ${e.state} first` });
        return;
      }
      default: return; // worked out from what is on screen
    }
  };
  switch (q.kind) {
    case 'state': stateOf(q.endpoint, at(q.frame)); break;
    case 'number': value(q.value); break;
    case 'choice': if (q.value && !q.conceptual) value(q.value); break;
    case 'order': for (const it of q.items) out.push({ kind: 'segment', frame: at(it.frame), why: `the place of ${it.id}` }); break;
    case 'bytes': {
      const a = L.answers[step] as Extract<ComputedAnswer, { kind: 'bytes' }>;
      out.push({ kind: 'bytes', text: tr(lang, 'tree.bytesAt', { n: a.value[1] - a.value[0], at: a.value[0] }), why: `where ${q.field} is` });
      break;
    }
  }
  return out;
}

/** What the page shows outside the lesson panel: every element with a frame, its text, attributes and masks. */
interface Shown {
  frames: number[];
  elements: { frame: number | null; reveal: string | null; endpoint: string | null; masked: boolean; text: string; state: string | null; label: string | null; testid: string | null }[];
  attributes: string;
  text: string;
  highlightedBytes: number;
}

// Runs in the page (a string: this file is typechecked without the DOM's types).
const SHOWN = `(() => {
  const panel = document.querySelector('[data-testid=lesson-panel]');
  const outside = (e) => !panel || !panel.contains(e);
  const all = [...document.querySelectorAll('body *')].filter(outside);
  const num = (v) => (v === null || v === '' ? null : Number(v));
  const elements = all.filter((e) => e.hasAttribute('data-frame') || e.hasAttribute('data-reveal')).map((e) => ({
    frame: num(e.getAttribute('data-frame')), reveal: e.getAttribute('data-reveal'), endpoint: e.getAttribute('data-endpoint'),
    masked: e.hasAttribute('data-masked'), text: e.textContent || '', state: e.getAttribute('data-state'), label: e.getAttribute('data-label'), testid: e.getAttribute('data-testid'),
  }));
  return {
    frames: elements.map((e) => e.frame).filter((f) => f !== null && f > 0),
    elements,
    attributes: all.flatMap((e) => [...e.attributes].map((a) => a.value)).join('\\n'),
    text: [...document.body.children].filter(outside).map((e) => e.innerText || '').join('\\n'),
    highlightedBytes: document.querySelectorAll('[data-testid=hex-view] [data-hl]').length,
  };
})()`;

async function shown(page: Page): Promise<Shown> {
  return page.evaluate(SHOWN) as Promise<Shown>;
}

/** The page's document, as far as the waits below use it (a function runs in the page; the CSP forbids strings). */
type PageDoc = { document: { querySelector(s: string): { textContent: string | null; getAttribute(a: string): string | null } | null; querySelectorAll(s: string): { length: number }; documentElement: { classList: { contains(c: string): boolean } } } };

/** Waits until an element's text is exactly `text`. */
async function textIs(page: Page, selector: string, text: string): Promise<void> {
  await page.waitForFunction(([sel, want]) => (globalThis as unknown as PageDoc).document.querySelector(sel)?.textContent === want, [selector, text] as const);
}

function checkNoLeak(s: Shown, leaks: Leak[], horizon: number, where: string): void {
  expect(Math.max(0, ...s.frames), `${where}: an element of a frame after the question's segment ${horizon}`).toBeLessThanOrEqual(horizon);
  for (const l of leaks) {
    const msg = `${where}: ${l.why}`;
    switch (l.kind) {
      case 'text':
        for (const e of s.elements.filter((x) => x.frame === l.frame)) {
          for (const p of l.patterns) {
            expect(e.text, `${msg} in ${e.testid ?? e.reveal}`).not.toMatch(p);
            expect(e.label ?? '', `${msg} in ${e.testid ?? e.reveal}'s label`).not.toMatch(p);
          }
        }
        break;
      case 'state':
        for (const e of s.elements.filter((x) => x.endpoint === l.endpoint && x.frame !== null && x.frame >= l.from && (x.reveal === 'state' || x.reveal === 'transition'))) {
          expect(e.state ?? '', `${msg} (${e.testid ?? e.reveal})`).not.toBe(l.state);
          if (e.reveal === 'state') expect(e.text.trim(), `${msg} (${e.testid ?? e.reveal})`).not.toBe(l.state);
          else expect(e.text, `${msg} (${e.testid})`).not.toContain(`→ ${l.state}`);
        }
        for (const e of s.elements.filter((x) => x.testid === 'packet-row' && x.frame !== null && x.frame >= l.from)) {
          const cell = l.endpoint === 'client' ? `${l.state} / ` : ` / ${l.state}`;
          expect(e.text, `${msg} (row ${e.frame})`).not.toContain(cell);
        }
        break;
      case 'stateAt':
        for (const e of s.elements.filter((x) => x.endpoint === l.endpoint && x.frame === l.frame && x.reveal === 'state')) {
          expect(TCP_STATES as readonly string[], `${msg} (${e.testid ?? e.reveal})`).not.toContain(e.text.trim());
        }
        break;
      case 'segment':
        for (const e of s.elements.filter((x) => x.frame === l.frame && (x.testid === 'ladder-arrow' || x.testid === 'packet-row'))) {
          expect(e.masked, `${msg} (${e.testid} is not masked)`).toBe(true);
          if (e.testid === 'ladder-arrow') expect(e.label, msg).toBe('?');
          if (e.testid === 'packet-row') expect(e.text, msg).not.toMatch(/\[(SYN|FIN|RST|ACK|PSH)/);
        }
        break;
      case 'bytes':
        expect(s.attributes, msg).not.toContain(l.text);
        expect(s.text, msg).not.toContain(l.text);
        expect(s.highlightedBytes, `${msg}: bytes highlighted in the hex view`).toBe(0);
        break;
    }
  }
}

const TABS = ['ladder', 'states', 'layers', 'packets', 'graphs'] as const;

async function showTab(page: Page, tab: (typeof TABS)[number]): Promise<void> {
  await page.click(`[data-testid=tab-${tab}]`);
  if (tab === 'packets') await page.waitForSelector('[data-testid=packet-row]');
  if (tab === 'ladder') await page.waitForSelector('[data-testid=ladder-arrow]');
  await page.waitForTimeout(60);
}

/** Looks at the views (all of them, or the step's and the packets) and checks that none shows the answer. */
async function noLeakAnywhere(page: Page, leaks: Leak[], horizon: number, where: string, tabs: readonly (typeof TABS)[number][]): Promise<void> {
  const back = await page.getAttribute('[role=tab][aria-selected=true]', 'data-testid');
  for (const tab of tabs) {
    await showTab(page, tab);
    checkNoLeak(await shown(page), leaks, horizon, `${where}, ${tab}`);
  }
  if (back) await page.click(`[data-testid=${back}]`);
}

async function stepIndex(page: Page): Promise<string | null> {
  return page.getAttribute('[data-testid=step-position]', 'data-index');
}

/** End, Space, →, Home and a click on another packet row leave an open question where it is. */
async function lockHolds(page: Page, L: Shipped, step: number, lang: LessonLocale): Promise<void> {
  const before = await stepIndex(page);
  const lessonStep = tr(lang, 'lesson.stepOf', { n: step + 1, total: L.lesson.steps.length });
  await blurActive(page);
  for (const key of ['End', 'Space', 'ArrowRight', 'Home']) {
    await page.keyboard.press(key);
    await page.waitForTimeout(40);
    expect(await stepIndex(page), `${L.id}: ${key} moved past an open question`).toBe(before);
  }
  expect(await page.getAttribute('[data-testid=step-play]', 'aria-label')).toBe(tr(lang, 'step.play'));
  await showTab(page, 'packets');
  const other = page.locator(`[data-testid=packet-row]:not([data-frame="${L.frames[step]}"])`).first();
  if (await other.count()) {
    await other.click();
    await page.waitForTimeout(60);
    expect(await stepIndex(page), `${L.id}: a row click moved the lesson`).toBe(before);
  }
  await showTab(page, 'ladder');
  expect(await page.textContent('[data-testid=lesson-step]')).toBe(lessonStep);
  const next = (await page.locator('[data-testid=lesson-next]').count()) ? 'lesson-next' : 'lesson-finish';
  expect(await page.isDisabled(`[data-testid=${next}]`), `${L.id}: ${next} is enabled under an open question`).toBe(true);
}

async function walk(page: Page, L: Shipped, lang: LessonLocale, opts: { links: boolean }): Promise<void> {
  const total = L.lesson.steps.length;
  await page.click('[data-testid=lessons-menu]');
  await page.click(`[data-testid=lesson-${L.id}]`);
  await textIs(page, '[data-testid=lesson-panel] h2', L.lesson.title[lang]);
  const asked: number[] = [];
  let first = true;
  for (let i = 0; i < total; i++) {
    await textIs(page, '[data-testid=lesson-step]', tr(lang, 'lesson.stepOf', { n: i + 1, total }));
    expect(await page.textContent('[data-testid=lesson-text]')).toBe(L.lesson.steps[i].text[lang]);
    const q = L.lesson.steps[i].question;
    const c = L.answers[i];
    if (q && c) {
      asked.push(i);
      await page.waitForSelector('[data-testid=lesson-question][data-open=true]');
      const where = `${L.id} (${lang}) step ${i + 1}`;
      const leaks = leaksOf(L, i, lang);
      const tabs = first ? TABS : ([...new Set([L.lesson.steps[i].view ?? 'ladder', 'packets'])] as (typeof TABS)[number][]);
      await noLeakAnywhere(page, leaks, L.frames[i], `${where}, before answering`, tabs);
      if (first) await lockHolds(page, L, i, lang);
      first = false;

      const wrong = wrongAnswer(q, c);
      const g = grade(q, c, wrong);
      expect(g.correct, `${where}: the wrong answer picked is right`).toBe(false);
      // The wrong answer where the question points (state diagram, hex view), the right one in the panel.
      await give(page, q, wrong, { inView: true });
      await page.waitForSelector('[data-testid=lesson-feedback][data-correct=false]');
      const aimed = feedbackText(q, g.feedbackKey, lang);
      if (aimed) expect(await page.textContent('[data-testid=lesson-targeted]'), `${where}: feedback`).toBe(aimed);
      else expect(await page.locator('[data-testid=lesson-targeted]').count()).toBe(0);
      expect(await page.getAttribute('[data-testid=lesson-question]', 'data-open'), `${where}: open after a wrong answer`).toBe('true');
      await noLeakAnywhere(page, leaks, L.frames[i], `${where}, after a wrong answer`, [L.lesson.steps[i].view ?? 'ladder']);

      await give(page, q, rightAnswer(c));
      await page.waitForSelector('[data-testid=lesson-feedback][data-correct=true]');
      expect(await page.textContent('[data-testid=lesson-answer]')).toBe(tr(lang, 'lesson.answerIs', { answer: answerText(q, c, lang) }));
      expect(await page.textContent('[data-testid=lesson-explanation]')).toBe(q.explanation[lang]);
    }
    if (i < total - 1) await page.click('[data-testid=lesson-next]');
    else await page.click('[data-testid=lesson-finish]');
  }

  // The summary: every first answer was wrong, and each is listed with a link back to its step.
  await page.waitForSelector('[data-testid=lesson-summary]');
  expect(await page.textContent('[data-testid=summary-score]')).toBe(tr(lang, 'summary.score', { right: 0, total: asked.length }));
  expect(await page.locator('[data-testid=summary-missed]').count()).toBe(asked.length);
  if (opts.links) {
    await page.click(`[data-testid=summary-goto-${asked[0]}]`);
    await textIs(page, '[data-testid=lesson-step]', tr(lang, 'lesson.stepOf', { n: asked[0] + 1, total }));
    // One step at a time: a click while the back end is still moving the lesson would be taken from the old step.
    for (let i = asked[0]; i < total - 1; i++) {
      await page.click('[data-testid=lesson-next]');
      await textIs(page, '[data-testid=lesson-step]', tr(lang, 'lesson.stepOf', { n: i + 2, total }));
    }
    await page.click('[data-testid=lesson-finish]');
    await page.waitForSelector('[data-testid=lesson-summary]');
  }

  // The report: name, date, lesson, each question's first answer, right answer and time, the score, the ladder.
  const name = lang === 'en' ? 'Ada Lovelace' : '李雷';
  await page.fill('[data-testid=report-name]', name);
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=export-report]')]);
  const html = readFileSync((await download.path())!, 'utf8');
  expect(download.suggestedFilename()).toMatch(new RegExp(`^handshake-lab-${L.id}-.*\\.html$`));
  expect(html).toContain(`value="${esc(name)}"`);
  expect(html).toContain(`<h1>${esc(L.lesson.title[lang])}</h1>`);
  expect(html).toContain(esc(tr(lang, 'report.scoreValue', { right: 0, total: asked.length })));
  expect(html).toMatch(/<svg[\s\S]*<\/svg>/);
  expect(html).not.toMatch(/<script/i);
  for (const i of asked) {
    const q = L.lesson.steps[i].question!;
    const row = new RegExp(`<tr class="no" data-step="${i + 1}">([\\s\\S]*?)</tr>`).exec(html)?.[1] ?? '';
    expect(row, `${L.id}: report row of step ${i + 1}`).toContain(esc(q.prompt[lang]));
    expect(row).toContain(esc(answerKeyText(q, answerKey(q, wrongAnswer(q, L.answers[i]!)), lang)));
    expect(row).toContain(esc(answerText(q, L.answers[i]!, lang)));
    expect(row).toMatch(/\d+\.\d s|\d+ min \d+ s/);
  }
  await page.click('[data-testid=summary-close]');
}

describe.skipIf(!!why)('every lesson in the browser, in both languages', () => {
  // HL_E2E_LESSONS=id,id… plays only those (while working on them); the suite plays every lesson.
  const only = process.env.HL_E2E_LESSONS?.split(',');
  const lessons = why ? [] : shipped().filter((x) => !only || only.includes(x.id));
  let served: Served;
  let b: Browser;

  beforeAll(async () => {
    // No capture here: live lessons play their recorded sample, whose answers the test computes.
    served = await serve([], { HANDSHAKE_LAB_CAPTURE: 'helper', HANDSHAKE_LAB_DUMPCAP: '/nonexistent/dumpcap' });
    b = await openBrowser({ reducedMotion: true });
    b.page.setDefaultTimeout(20_000);
  });
  afterAll(async () => {
    await b?.close();
    await served?.stop();
  });

  for (const lang of ['en', 'zh-CN'] as const) {
    it(`walks all ${lessons.length} lessons in ${lang}: feedback, masks, locks, summary and report`, { timeout: 30 * 60_000 }, async () => {
      const page = b.page;
      const settings = JSON.stringify({ locale: lang, theme: 'light', largeText: false, tab: 'ladder', sidebar: true });
      // A learner of its own per language: progress from the other walk must not open the gates.
      await page.goto(served.url);
      await page.evaluate(`localStorage.clear(); sessionStorage.clear(); localStorage.setItem('handshake-lab.settings', ${JSON.stringify(settings)}); localStorage.setItem('handshake-lab.learner', 'e2e-learner-${lang}')`);
      await page.goto(served.url);
      await page.waitForSelector('[data-testid=lessons-menu]');
      for (const [k, L] of lessons.entries()) {
        await walk(page, L, lang, { links: k === 0 });
        await page.click('[data-testid=lessons-menu]');
        expect(await page.getAttribute(`[data-testid=lesson-${L.id}]`, 'data-done'), `${L.id} is marked done`).toBe('true');
        await page.keyboard.press('Escape');
      }
      expect(b.errors).toEqual([]);
    });
  }

  it('a reload and a reopened lesson resume where the learner was, with the gate and the marks', { timeout: 120_000 }, async () => {
    const page = b.page;
    const L = lessons.find((x) => x.id === 'classic-linux')!;
    const total = L.lesson.steps.length;
    const settings = JSON.stringify({ locale: 'en', theme: 'light', largeText: false, tab: 'ladder', sidebar: true });
    await page.goto(served.url);
    await page.evaluate(`localStorage.setItem('handshake-lab.settings', ${JSON.stringify(settings)}); localStorage.setItem('handshake-lab.learner', 'e2e-learner-resume'); sessionStorage.clear()`);
    await page.goto(served.url);
    await page.click('[data-testid=lessons-menu]');
    await page.click('[data-testid=lesson-classic-linux]');
    // The first two questions answered right, the third left open.
    for (const i of [0, 1]) {
      await textIs(page, '[data-testid=lesson-step]', tr('en', 'lesson.stepOf', { n: i + 1, total }));
      await page.waitForSelector('[data-testid=lesson-question][data-open=true]');
      await give(page, L.lesson.steps[i].question!, rightAnswer(L.answers[i]!));
      await page.waitForSelector('[data-testid=lesson-feedback][data-correct=true]');
      await page.click('[data-testid=lesson-next]');
    }
    const atThird = async (where: string) => {
      await textIs(page, '[data-testid=lesson-step]', tr('en', 'lesson.stepOf', { n: 3, total }));
      await page.waitForSelector('[data-testid=lesson-question][data-open=true]');
      expect(await page.textContent('[data-testid=lesson-score]'), where).toBe(tr('en', 'lesson.score', { right: 2, total: L.answers.filter(Boolean).length }));
      expect(await page.isDisabled('[data-testid=lesson-next]'), `${where}: Next under the open question`).toBe(true);
      await showTab(page, 'packets');
      await page.waitForFunction((n) => (globalThis as unknown as PageDoc).document.querySelectorAll('[data-testid=packet-row]').length === n, L.frames[2]);
      await showTab(page, 'ladder');
    };
    await atThird('before the reload');
    await page.reload();
    await page.waitForSelector('[data-testid=lesson-panel] h2');
    await atThird('after the reload');
    // Closed and opened again (a new session of the same learner): the same place, and the list's mark.
    await page.click('[data-testid=lesson-close]');
    await page.evaluate('sessionStorage.clear()');
    await page.goto(served.url);
    await page.click('[data-testid=lessons-menu]');
    expect(await page.textContent('[data-testid=lesson-classic-linux] [data-testid=lesson-progress]')).toContain(tr('en', 'lessons.progress', { solved: 2, questions: L.answers.filter(Boolean).length }));
    expect(await page.getAttribute('[data-testid=lesson-classic-linux]', 'data-done')).toBeNull();
    await page.click('[data-testid=lesson-classic-linux]');
    await atThird('after reopening');
    expect(b.errors).toEqual([]);
  });

  it('teacher mode shows the answers, frees the steps and uses the large font; off again, the gate is back', { timeout: 120_000 }, async () => {
    const page = b.page;
    const L = lessons.find((x) => x.id === 'classic-linux')!;
    const settings = JSON.stringify({ locale: 'en', theme: 'light', largeText: false, tab: 'ladder', sidebar: true });
    await page.evaluate(`localStorage.setItem('handshake-lab.settings', ${JSON.stringify(settings)}); localStorage.setItem('handshake-lab.learner', 'e2e-learner-teacher'); sessionStorage.clear()`);
    await page.goto(served.url);
    await page.click('[data-testid=lessons-menu]');
    await page.click('[data-testid=lesson-classic-linux]');
    await page.waitForSelector('[data-testid=lesson-question][data-open=true]');
    await page.check('[data-testid=teacher-mode]');
    await page.waitForSelector('[data-testid=lesson-feedback][data-correct=teacher]');
    expect(await page.textContent('[data-testid=lesson-answer]')).toBe(tr('en', 'lesson.answerIs', { answer: answerText(L.lesson.steps[0].question!, L.answers[0]!, 'en') }));
    expect(await page.evaluate("document.documentElement.classList.contains('large-text')")).toBe(true);
    await showTab(page, 'packets');
    expect(await page.locator('[data-testid=packet-row]').count()).toBe(L.capture.frames.length);
    await blurActive(page);
    await page.keyboard.press('End');
    await page.waitForFunction((last) => (globalThis as unknown as PageDoc).document.querySelector('[data-testid=step-position]')?.getAttribute('data-index') === last, String(streamFrames(L.capture, 0).length - 1));
    await page.uncheck('[data-testid=teacher-mode]');
    await page.waitForFunction(() => !(globalThis as unknown as PageDoc).document.documentElement.classList.contains('large-text'));
    // Back at the first question (its step shows the ladder): the packet list holds its segment alone again.
    await textIs(page, '[data-testid=lesson-step]', tr('en', 'lesson.stepOf', { n: 1, total: L.lesson.steps.length }));
    await showTab(page, 'packets');
    await page.waitForFunction((n) => (globalThis as unknown as PageDoc).document.querySelectorAll('[data-testid=packet-row]').length === n, L.frames[0]);
  });
});
