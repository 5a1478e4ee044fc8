// The UI works for every student, in browser mode on the seed's lab (Linux's 3-segment close): axe-core finds
// no serious or critical violation in any view, theme, language and text size, and the SVG text drawn keeps
// its contrast; at 1280×720 (and 1440×900) frame 4's Info shows "Len=14" whole; the graphs' cursor follows the
// stepper to tshark's time of each segment; keyboard and screen-reader paths through a lesson; and the
// smaller mends (pills clear of the times, Packets → Ladder scrolls, filter errors, favicon, remembered columns).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import zh from '../../renderer/src/i18n/zh-CN';
import en from '../../renderer/src/i18n/en';
import { blurActive, openBrowser, type Browser } from './support/browser';
import { axeViolations, svgTextContrastFailures } from './support/axe';
import { engineMissing, hasTshark } from './support/oracles';
import { buildMissing, ROOT, serve, type Served } from './support/serve';
import { tshark } from '../helpers/tshark';

const FILE = join(ROOT, 'test', 'corpus', 'lab', 'ipv4-3seg.pcap');
const why = buildMissing() ?? (hasTshark() ? null : 'tshark is not installed') ?? engineMissing(FILE);
if (why) console.log(`skipping the UI end-to-end tests: ${why}`);

const VIEWS = ['ladder', 'states', 'layers', 'packets', 'graphs'] as const;
type Settings = { locale: 'en' | 'zh-CN'; theme: 'light' | 'dark'; largeText: boolean };

describe.skipIf(!!why)('the UI in browser mode, for every student', () => {
  let served: Served;
  let empty: Served;
  let b: Browser;
  beforeAll(async () => {
    served = await serve(['--open', FILE]);
    empty = await serve();
    b = await openBrowser({ reducedMotion: true });
  });
  afterAll(async () => {
    await b?.close();
    await served?.stop();
    await empty?.stop();
  });

  async function open(s: Settings, size = { width: 1280, height: 720 }, url = served.url, extra: Record<string, unknown> = {}): Promise<Page> {
    const page = await b.context.newPage();
    await page.setViewportSize(size);
    const saved = JSON.stringify({ ...s, tab: 'ladder', ...extra });
    await page.addInitScript({ content: `if (!sessionStorage.getItem('hl-e2e')) { sessionStorage.setItem('hl-e2e', '1'); localStorage.setItem('handshake-lab.settings', ${JSON.stringify(saved)}); }` });
    await page.goto(url);
    return page;
  }

  async function stepTo(page: Page, index: number): Promise<void> {
    await blurActive(page);
    await page.keyboard.press('Home');
    for (let i = 0; i < index; i++) await page.keyboard.press('ArrowRight');
    await page.waitForFunction(`document.querySelector('[data-testid=step-position]')?.getAttribute('data-index') === '${index}'`);
  }

  const COMBOS: Settings[] = [];
  for (const theme of ['light', 'dark'] as const) for (const locale of ['en', 'zh-CN'] as const) for (const largeText of [false, true]) COMBOS.push({ theme, locale, largeText });

  for (const s of COMBOS) {
    it(`axe-core: no serious or critical violation, SVG text readable — ${s.theme}, ${s.locale}, ${s.largeText ? 'large' : 'normal'} text`, { timeout: 180_000 }, async () => {
      const page = await open(s);
      await page.waitForSelector('[data-testid=ladder-arrow]');
      const found: string[] = [];
      const check = async (where: string, p: Page = page) => {
        for (const v of await axeViolations(p)) found.push(`${where}: ${v.id} (${v.impact}) ${v.help}\n    ${v.nodes.join('\n    ')}`);
        for (const f of await svgTextContrastFailures(p)) found.push(`${where}: SVG text ${f}`);
      };
      for (const view of VIEWS) {
        await page.click(`[data-testid=tab-${view}]`);
        if (view === 'ladder' || view === 'states') await stepTo(page, 6);
        if (view === 'layers') await stepTo(page, 3);
        if (view === 'packets') await page.click('[data-testid=packet-row][data-frame="4"]');
        if (view === 'graphs') await page.waitForSelector('[data-testid=graph-stevens] canvas');
        await page.waitForTimeout(150);
        await check(view);
      }
      // Menus and the experiment editor.
      await page.click('[data-testid=lessons-menu]');
      await check('lessons menu');
      await page.keyboard.press('Escape');
      if (await page.isEnabled('[data-testid=experiment-variants]')) {
        await page.click('[data-testid=experiment-variants]');
        await check('experiment menu');
        await page.click('[data-testid=experiment-edit]');
        await page.waitForSelector('[data-testid=experiment-editor][open]');
        await check('experiment editor');
        await page.click('[data-testid=editor-cancel]');
      }
      await page.close();
      // The empty state, from a server with nothing loaded.
      const blank = await open(s, undefined, empty.url);
      await blank.waitForSelector('[data-testid=empty-state]');
      await check('empty state', blank);
      await blank.close();
      expect(found).toEqual([]);
    });
  }

  for (const size of [{ width: 1280, height: 720 }, { width: 1440, height: 900 }]) {
    for (const s of [{ theme: 'light', locale: 'en', largeText: false }, { theme: 'light', locale: 'en', largeText: true }, { theme: 'dark', locale: 'zh-CN', largeText: true }] as Settings[]) {
      it(`at ${size.width}×${size.height}, ${s.largeText ? 'large' : 'normal'} text, ${s.locale}: frame 4's Info shows "Len=14" whole`, async () => {
        const page = await open(s, size);
        await page.click('[data-testid=tab-packets]');
        const cell = page.locator('[data-testid=packet-row][data-frame="4"] [data-testid=packet-info]');
        await cell.waitFor();
        const tsharkInfo = tshark(['-r', FILE, '-Y', 'frame.number == 4', '-T', 'fields', '-e', '_ws.col.Info']).trim();
        expect(await cell.textContent()).toBe(tsharkInfo);
        // The text up to the end of "Len=14" lies inside the cell's box, and the cell inside the list.
        const seen = await page.evaluate(`(() => {
          const el = document.querySelector('[data-testid=packet-row][data-frame="4"] [data-testid=packet-info]');
          const text = el.firstChild;
          const end = (text.textContent || '').indexOf('Len=14') + 'Len=14'.length;
          const range = document.createRange();
          range.setStart(text, 0);
          range.setEnd(text, end);
          const r = range.getBoundingClientRect();
          const c = el.getBoundingClientRect();
          const list = el.closest('[data-testid=packet-scroll]').getBoundingClientRect();
          return { textRight: r.right, cellRight: c.right, listRight: list.right, listLeft: list.left, cellLeft: c.left };
        })()`) as { textRight: number; cellRight: number; listRight: number; listLeft: number; cellLeft: number };
        expect(seen.textRight).toBeLessThanOrEqual(seen.cellRight + 0.5);
        expect(seen.cellLeft).toBeGreaterThanOrEqual(seen.listLeft - 0.5);
        expect(seen.textRight).toBeLessThanOrEqual(seen.listRight);
        await page.close();
      });
    }
  }

  it('the connections filter\'s placeholder is whole at 1280×720, normal and large text, en and zh-CN', async () => {
    for (const s of [{ theme: 'light', locale: 'en', largeText: false }, { theme: 'light', locale: 'en', largeText: true }, { theme: 'light', locale: 'zh-CN', largeText: true }] as Settings[]) {
      const page = await open(s, undefined, served.url, { sidebar: true });
      const input = page.locator('[data-testid=conn-filter]');
      await input.waitFor();
      const fit = await page.evaluate(`(() => {
        const el = document.querySelector('[data-testid=conn-filter]');
        const cs = getComputedStyle(el);
        const ctx = document.createElement('canvas').getContext('2d');
        ctx.font = cs.font;
        const room = el.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
        return { text: el.placeholder, need: ctx.measureText(el.placeholder).width, room };
      })()`) as { text: string; need: number; room: number };
      expect(fit.text).toBe((s.locale === 'zh-CN' ? zh : en).connections.filterPlaceholder);
      expect(fit.need, `${s.locale} ${s.largeText ? 'large' : 'normal'}`).toBeLessThanOrEqual(fit.room);
      await page.close();
    }
  });

  it("the graphs' cursor moves with the step, to tshark's time of each segment", { timeout: 90_000 }, async () => {
    const page = await open({ theme: 'light', locale: 'en', largeText: false });
    await page.waitForSelector('[data-testid=ladder-arrow]');
    await page.click('[data-testid=tab-graphs]');
    await page.waitForSelector('[data-testid=graph-stevens] canvas');
    // The lab's 8 segments are drawn one by one (a throughput of 14 bytes would be a single dot).
    expect(await page.textContent('[data-testid=graph-throughput]')).toContain(en.graphs.perSegment);
    const rel = tshark(['-r', FILE, '-T', 'fields', '-e', 'tcp.time_relative']).trim().split('\n').map(Number);
    const xs: number[] = [];
    for (let i = 0; i < rel.length; i++) {
      await stepTo(page, i);
      for (const g of ['stevens', 'throughput', 'window', 'rtt']) {
        await expect.poll(() => page.getAttribute(`[data-testid=graph-${g}]`, 'data-cursor-frame')).toBe(String(i + 1));
        expect(Number(await page.getAttribute(`[data-testid=graph-${g}]`, 'data-cursor-time'))).toBeCloseTo(rel[i], 6);
      }
      await expect.poll(async () => Number(await page.getAttribute('[data-testid=graph-stevens]', 'data-cursor-x'))).toBeGreaterThan(0);
      xs.push(Number(await page.getAttribute('[data-testid=graph-stevens]', 'data-cursor-x')));
    }
    // On screen the line moves right as time goes on, and stands still only where tshark's times are equal.
    for (let i = 1; i < xs.length; i++) {
      if (rel[i] > rel[i - 1]) expect(xs[i]).toBeGreaterThan(xs[i - 1]);
    }
    await page.close();
  });

  it('state pills never cover a frame number or time, normal and large text', async () => {
    for (const largeText of [false, true]) {
      const page = await open({ theme: 'light', locale: 'en', largeText });
      await page.waitForSelector('[data-testid=ladder-arrow]');
      await blurActive(page);
      await page.keyboard.press('End');
      await page.waitForTimeout(200);
      const overlaps = await page.evaluate(`(() => {
        const boxes = (sel) => Array.from(document.querySelectorAll(sel)).map((e) => ({ r: e.getBoundingClientRect(), t: e.textContent }));
        const pills = boxes('[data-testid=ladder-pill]');
        const texts = [...boxes('[data-testid=ladder-time-text]'), ...boxes('[data-testid=ladder-fno]')];
        const hit = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
        return pills.flatMap((p) => texts.filter((x) => hit(p.r, x.r)).map((x) => 'pill over "' + x.t + '"'));
      })()`) as string[];
      expect(overlaps, largeText ? 'large' : 'normal').toEqual([]);
      // Frame 7 moves the client through FIN_WAIT_2 to TIME_WAIT: both states are written.
      const states = await page.locator('[data-testid=ladder-arrow][data-frame="7"] [data-testid=ladder-state][data-endpoint=client]').textContent();
      expect(states).toContain('FIN_WAIT_2');
      expect(states).toContain('TIME_WAIT');
      await page.close();
    }
  });

  it('a frame picked in Packets is in view on the Ladder', async () => {
    const page = await open({ theme: 'light', locale: 'en', largeText: true }, { width: 1280, height: 520 });
    await page.click('[data-testid=tab-packets]');
    await page.click('[data-testid=packet-row][data-frame="8"]');
    await page.click('[data-testid=tab-ladder]');
    const arrow = page.locator('[data-testid=ladder-arrow][data-frame="8"]');
    await arrow.waitFor();
    await expect.poll(() => arrow.evaluate((el) => {
      const a = el.getBoundingClientRect();
      const s = el.closest('.scroll')!.getBoundingClientRect();
      return a.top >= s.top - 1 && a.top <= s.bottom;
    })).toBe(true);
    await page.close();
  });

  it('an invalid filter says the list still shows the previous view, and its error is in zh-CN', async () => {
    const page = await open({ theme: 'light', locale: 'zh-CN', largeText: false });
    await page.click('[data-testid=tab-packets]');
    await page.fill('[data-testid=display-filter]', 'tcp.flags.syn == 1');
    await page.press('[data-testid=display-filter]', 'Enter');
    await expect.poll(() => page.locator('[data-testid=packet-row]').count()).toBe(2);
    await page.fill('[data-testid=display-filter]', 'tcp.portt == 80');
    await page.press('[data-testid=display-filter]', 'Enter');
    await page.waitForSelector('[data-testid=filter-error]');
    const counts = await page.textContent('[data-testid=packet-counts]');
    expect(counts).toBe(zh.packets.notAppliedKept.replace('{shown}', '2').replace('{total}', '8').replace('{filter}', 'tcp.flags.syn == 1'));
    expect(await page.textContent('[data-testid=filter-error-message]')).toBe(`${zh.filter.error}: ${zh.filter.errors.unknown_field.replace('{field}', 'tcp.portt')}`);
    expect(await page.textContent('[data-testid=filter-error-message]')).not.toContain(en.filter.error);
    await page.click('[data-testid=filter-clear]');
    await page.close();
  });

  it('column widths are remembered; /favicon.ico is served', async () => {
    const page = await open({ theme: 'light', locale: 'en', largeText: false });
    await page.click('[data-testid=tab-packets]');
    const handle = page.locator('[data-testid=col-resize-src]');
    await handle.focus();
    const before = await page.locator('[data-testid=col-src]').evaluate((e) => e.getBoundingClientRect().width);
    for (let i = 0; i < 4; i++) await page.keyboard.press('ArrowRight');
    const after = await page.locator('[data-testid=col-src]').evaluate((e) => e.getBoundingClientRect().width);
    expect(after).toBeGreaterThan(before + 20);
    await page.reload();
    await page.click('[data-testid=tab-packets]');
    expect(await page.locator('[data-testid=col-src]').evaluate((e) => e.getBoundingClientRect().width)).toBeCloseTo(after, 0);
    const ico = await fetch(`${served.origin}/favicon.ico`);
    expect(ico.status).toBe(200);
    expect(ico.headers.get('content-type')).toBe('image/x-icon');
    expect([...new Uint8Array(await ico.arrayBuffer()).subarray(0, 4)]).toEqual([0, 0, 1, 0]);
    await page.close();
  });

  it("Layers: the data card is the payload as text (hex on demand) and its length; the physical row says what a capture cannot hold, in bits", async () => {
    const [hex, len, frameLen] = tshark(['-r', FILE, '-Y', 'frame.number == 4', '-T', 'fields', '-e', 'tcp.payload', '-e', 'tcp.len', '-e', 'frame.len']).trim().split('\t');
    const page = await open({ theme: 'light', locale: 'en', largeText: false });
    await page.waitForSelector('[data-testid=ladder-arrow]');
    await page.click('[data-testid=tab-layers]');
    await stepTo(page, 3); // frame 4, the client's data
    const text = page.locator('[data-testid=layer-payload-text]');
    expect(await text.textContent()).toBe(Buffer.from(hex, 'hex').toString('utf8'));
    const card = page.locator('[data-testid=layer-data]');
    expect(await card.textContent()).toContain(en.layers.payloadBytes.replace('{n}', len));
    expect(await card.textContent()).not.toMatch(/header/i);
    await page.click('[data-testid=layer-payload-toggle]');
    expect((await page.textContent('[data-testid=layer-payload-hex]'))!.replace(/[^0-9a-f]/gi, '').toLowerCase()).toBe(hex);
    const physical = await page.textContent('[data-testid=layer-physical]');
    expect(physical).toContain(en.layers.physicalBody);
    expect(physical).toContain(en.layers.physicalLoopback); // the lab's capture is on loopback
    expect(await page.textContent('[data-testid=layer-bits]')).toBe(en.layers.bits.replace('{bytes}', frameLen).replace('{bits}', String(Number(frameLen) * 8)));
    await page.close();
  });

  it('the state diagram\'s pane keeps its place and size from step to step, normal and large text', async () => {
    for (const largeText of [false, true]) {
      const page = await open({ theme: 'light', locale: 'en', largeText });
      await page.waitForSelector('[data-testid=ladder-arrow]');
      await page.click('[data-testid=tab-states]');
      const boxes = new Set<string>();
      for (let i = 0; i < 8; i++) {
        await stepTo(page, i);
        await page.waitForTimeout(50);
        // The pane and the drawing's size (when the pane is smaller than the drawing, it scrolls to follow the
        // tokens: a deliberate move, not the layout's).
        boxes.add(await page.evaluate(`(() => {
          const c = document.querySelector('[data-testid=sm-canvas]').getBoundingClientRect();
          const s = document.querySelector('[data-testid=sm-canvas] svg').getBoundingClientRect();
          return [c.left, c.top, c.width, c.height, s.width, s.height].map(Math.round).join(',');
        })()`) as string);
      }
      expect([...boxes], largeText ? 'large' : 'normal').toHaveLength(1);
      await page.close();
    }
  });

  it('zh-CN in large text at 1280×720 never stacks a name one character per line', { timeout: 90_000 }, async () => {
    const page = await open({ theme: 'light', locale: 'zh-CN', largeText: true });
    await page.waitForSelector('[data-testid=ladder-arrow]');
    const stacked: string[] = [];
    for (const view of VIEWS) {
      await page.click(`[data-testid=tab-${view}]`);
      await stepTo(page, 3);
      await page.waitForTimeout(150);
      // A text broken one character per line has as many line boxes as characters, each about a character wide.
      stacked.push(...(await page.evaluate(`(() => {
        const out = [];
        const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
        for (let n = walker.nextNode(); n; n = walker.nextNode()) {
          const s = (n.textContent || '').trim();
          if (s.length < 2 || !/[\u4e00-\u9fff]/.test(s)) continue;
          const range = document.createRange();
          range.selectNodeContents(n);
          const rects = Array.from(range.getClientRects()).filter((r) => r.width > 0 && r.height > 0);
          if (rects.length < 2) continue;
          const em = parseFloat(getComputedStyle(n.parentElement).fontSize);
          if (rects.every((r) => r.width < em * 1.6)) out.push('${view}: "' + s + '" in ' + rects.length + ' lines');
        }
        return out;
      })()`) as string[]));
    }
    expect(stacked).toEqual([]);
    // …nor pushes a sentence out of its pane: the segment panel is never wider inside than out, at any step.
    await page.click('[data-testid=tab-ladder]');
    const wide: string[] = [];
    for (let i = 0; i < 8; i++) {
      await stepTo(page, i);
      const w = await page.evaluate(`(() => { const e = document.querySelector('[data-testid=now-panel]'); return [e.scrollWidth, e.clientWidth]; })()`) as number[];
      if (w[0] > w[1] + 1) wide.push(`segment ${i + 1}: ${w[0]} > ${w[1]} px`);
    }
    expect(wide).toEqual([]);
    await page.close();
  });

  // Last: a lesson replaces the capture every page looks at.
  it('a lesson by keyboard: focus moves into the panel and to each question, arrows move between choices, steps are announced', { timeout: 90_000 }, async () => {
    const page = await open({ theme: 'light', locale: 'en', largeText: false });
    await page.waitForSelector('[data-testid=ladder-arrow]');
    // Steps are announced through the live region.
    await stepTo(page, 2);
    await expect.poll(() => page.textContent('[data-testid=live-region]')).toContain('Segment 3 of 8');
    expect(await page.textContent('[data-testid=live-region]')).toContain('[ACK] Seq=1 Ack=1');
    await page.click('[data-testid=lessons-menu]');
    await page.click('[data-testid=lesson-classic-linux]');
    await page.waitForSelector('[data-testid=lesson-panel]');
    await expect.poll(() => page.evaluate('document.activeElement?.closest("[data-testid=lesson-panel]") !== null')).toBe(true);
    // Go to the first step with a question.
    for (let i = 0; i < 12 && !(await page.locator('[data-testid=lesson-question]').count()); i++) await page.click('[data-testid=lesson-next]');
    await page.waitForSelector('[data-testid=lesson-question]');
    await expect.poll(() => page.evaluate('document.activeElement?.getAttribute("data-testid")')).toBe('lesson-prompt');
    // Tab reaches the choices once; arrow keys move between them.
    await page.keyboard.press('Tab');
    const first = await page.evaluate('document.activeElement?.getAttribute("data-testid")') as string;
    expect(first).toMatch(/^choice-/);
    await page.keyboard.press('ArrowDown');
    const second = await page.evaluate('document.activeElement?.getAttribute("data-testid")') as string;
    expect(second).toMatch(/^choice-/);
    expect(second).not.toBe(first);
    await page.keyboard.press('ArrowUp');
    expect(await page.evaluate('document.activeElement?.getAttribute("data-testid")')).toBe(first);
    // While the question is open, the announcement keeps the states back.
    expect(await page.textContent('[data-testid=live-region]')).not.toMatch(/Client [A-Z_]+, server/);
    await page.keyboard.press('Enter');
    await expect.poll(() => page.evaluate('document.activeElement?.getAttribute("data-testid")')).toBe('lesson-feedback');
    expect(b.errors).toEqual([]);
    await page.close();
  });
});
