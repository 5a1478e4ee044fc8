// End to end in browser mode: `handshake-lab serve --open` on real loopback recordings of the seed's lab
// (Linux's 3-segment close and a 4-segment close like the blog's), driven in Debian's Chromium.
// Every expectation is computed at test time from tshark or from the engine (`decode --jsonl`).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { existsSync, readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import zh from '../../renderer/src/i18n/zh-CN';
import type { DecodedFrame, TcpState } from '../../main/engine/types';
import { blurActive, openBrowser, type Browser } from './support/browser';
import { engineDecode, engineMissing, hasTshark, tsharkCount, tsharkFieldPos, tsharkFrames } from './support/oracles';
import { buildMissing, ROOT, serve, type Served } from './support/serve';

const LAB = join(ROOT, 'test', 'corpus', 'lab');
const CAPTURES = [
  { name: '4-segment close', file: join(LAB, 'ipv4-4seg.pcap'), fallback: join(ROOT, 'assets', 'lessons', 'four-segment-close.pcap'), fourSegment: true },
  { name: 'Linux 3-segment close', file: join(LAB, 'ipv4-3seg.pcap'), fallback: join(ROOT, 'assets', 'lessons', 'classic-linux.pcap'), fourSegment: false },
].map((c) => ({ ...c, file: existsSync(c.file) ? c.file : c.fallback }));

const why = buildMissing() ?? (hasTshark() ? null : 'tshark is not installed') ?? engineMissing(CAPTURES[0].file);
if (why) console.log(`skipping the browser end-to-end lab tests: ${why}`);

/** The states the issue names for the seed's 4-segment close, in the order they first appear. */
const FOUR_SEGMENT_STATES: TcpState[] = ['SYN_SENT', 'SYN_RECEIVED', 'ESTABLISHED', 'FIN_WAIT_1', 'CLOSE_WAIT', 'FIN_WAIT_2', 'LAST_ACK', 'TIME_WAIT'];

async function tokens(page: Page): Promise<{ client: string | null; server: string | null }> {
  return {
    client: await page.getAttribute('[data-testid=token-client]', 'data-state'),
    server: await page.getAttribute('[data-testid=token-server]', 'data-state'),
  };
}

async function stepIndex(page: Page): Promise<number> {
  return Number(await page.getAttribute('[data-testid=step-position]', 'data-index'));
}

for (const cap of CAPTURES) {
  describe.skipIf(!!why)(`browser mode: the seed's lab, ${cap.name}`, () => {
    let served: Served;
    let b: Browser;
    let engine: DecodedFrame[];

    beforeAll(async () => {
      engine = engineDecode(cap.file);
      served = await serve(['--open', cap.file]);
      b = await openBrowser({ reducedMotion: true });
      await b.page.goto(served.url);
      await b.page.waitForSelector('[data-testid=ladder-arrow]');
    });
    afterAll(async () => {
      await b?.close();
      await served?.stop();
    });

    it('lists one row per frame, as tshark counts them', async () => {
      const expected = tsharkFrames(cap.file);
      await b.page.click('[data-testid=tab-packets]');
      await b.page.waitForSelector('[data-testid=packet-row]');
      await expect.poll(() => b.page.locator('[data-testid=packet-row]').count()).toBe(expected.length);
      const numbers = await b.page.locator('[data-testid=packet-row]').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-frame'))));
      expect(numbers).toEqual(expected.map((f) => f.number));
      const infos = await b.page.locator('[data-testid=packet-info]').evaluateAll((els) => els.map((e) => e.textContent));
      expect(infos).toEqual(expected.map((f) => f.info));
    });

    it('draws SYN, SYN-ACK, ACK, data and FINs on the ladder with the labels in tshark\'s Info', async () => {
      await b.page.click('[data-testid=tab-ladder]');
      const info = new Map(tsharkFrames(cap.file).map((f) => [f.number, f.info]));
      const arrows = await b.page.locator('[data-testid=ladder-arrow]').evaluateAll((els) => els.map((e) => ({ frame: Number(e.getAttribute('data-frame')), label: e.getAttribute('data-label') ?? '' })));
      expect(arrows.map((a) => a.frame)).toEqual(engine.filter((f) => f.stream === 0).map((f) => f.frame));
      for (const a of arrows) expect(info.get(a.frame), `frame ${a.frame}`).toContain(a.label);
      const labels = arrows.map((a) => a.label);
      expect(labels.some((l) => l.startsWith('[SYN] Seq=0'))).toBe(true);
      expect(labels.some((l) => l.startsWith('[SYN, ACK] Seq=0 Ack=1'))).toBe(true);
      expect(labels.some((l) => l.startsWith('[ACK] Seq=1 Ack=1'))).toBe(true);
      expect(labels.some((l) => /Len=14$/.test(l))).toBe(true);
      expect(labels.filter((l) => l.startsWith('[FIN, ACK]')).length).toBe(2);
    });

    it('stepping moves the client and server tokens through exactly the engine\'s states', async () => {
      const page = b.page;
      await page.click('[data-testid=tab-states]');
      await blurActive(page);
      await page.keyboard.press('Home');
      await expect.poll(() => stepIndex(page)).toBe(0);
      const segments = engine.filter((f) => f.stream === 0);
      const seen: { client: string | null; server: string | null }[] = [];
      for (let i = 0; i < segments.length; i++) {
        if (i > 0) {
          await page.keyboard.press('ArrowRight');
          await expect.poll(() => stepIndex(page)).toBe(i);
        }
        await expect.poll(() => tokens(page)).toEqual(segments[i].states);
        seen.push(await tokens(page));
      }
      // The states each token passed through (transitions included: FIN_WAIT_2 on the way to TIME_WAIT)…
      // (Within one segment the order of the two endpoints' changes is the engine's choice: rank them as the issue does.)
      const rank = (s: string) => { const i = FOUR_SEGMENT_STATES.indexOf(s as TcpState); return i < 0 ? 99 : i; };
      const visited: string[] = [];
      for (const f of segments) {
        const fresh = (f.transitions ?? []).map((t) => t.to as string).filter((s, k, a) => !visited.includes(s) && a.indexOf(s) === k);
        visited.push(...fresh.sort((a, b) => rank(a) - rank(b)));
      }
      const shown = await page.locator('[data-testid=sm-taken]').count();
      expect(shown).toBe((segments[segments.length - 1].transitions ?? []).length);
      if (cap.fourSegment) {
        // …are exactly the seed's, in order.
        expect(visited.filter((s) => s !== 'CLOSED')).toEqual(FOUR_SEGMENT_STATES);
      }
      expect(seen.length).toBe(segments.length);
    });

    it('clicking tcp.srcport in the tree highlights exactly its 2 bytes', async () => {
      const page = b.page;
      await page.click('[data-testid=tab-packets]');
      await page.click('[data-testid=packet-row][data-frame="1"]');
      const item = page.locator('[data-testid=tree-item][data-field="tcp.srcport"]');
      await item.first().click();
      const { pos, size } = tsharkFieldPos(cap.file, 1, 'tcp.srcport');
      expect(size).toBe(2);
      const hl = await page.locator('[data-testid=hex-view] .b[data-hl]').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-offset'))));
      expect(hl).toEqual([pos, pos + 1]);
      expect(await page.textContent('[data-testid=tree-status]')).toContain('tcp.srcport');
    });

    it('the display filter narrows the rows to what tshark -Y keeps', async () => {
      const page = b.page;
      await page.click('[data-testid=tab-packets]');
      for (const f of ['tcp.flags.syn == 1', 'tcp.len > 0', 'tcp.flags.fin == 1']) {
        await page.fill('[data-testid=display-filter]', f);
        await page.press('[data-testid=display-filter]', 'Enter');
        const n = tsharkCount(cap.file, f);
        expect(n).toBeLessThan(engine.length);
        await expect.poll(() => page.locator('[data-testid=packet-row]').count()).toBe(n);
      }
      await page.fill('[data-testid=display-filter]', 'tcp.port ==');
      await page.press('[data-testid=display-filter]', 'Enter');
      await page.waitForSelector('[data-testid=filter-error]');
      await page.click('[data-testid=filter-clear]');
      await expect.poll(() => page.locator('[data-testid=packet-row]').count()).toBe(engine.length);
    });

    it('switching to zh-CN translates the UI', async () => {
      const page = b.page;
      await page.selectOption('[data-testid=language]', 'zh-CN');
      for (const t of ['ladder', 'states', 'layers', 'packets', 'graphs'] as const) {
        await expect.poll(() => page.textContent(`[data-testid=tab-${t}]`)).toContain(zh.tabs[t]);
      }
      expect(await page.textContent('[data-testid=run-classic]')).toContain(zh.toolbar.runClassic);
      expect(await page.getAttribute('html', 'lang')).toBe('zh-CN');
      await page.selectOption('[data-testid=language]', 'en');
    });

    it('exports the ladder as SVG and PNG', async () => {
      const page = b.page;
      await page.click('[data-testid=tab-ladder]');
      await page.click('[data-testid=ladder-export]');
      const [svg] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=export-svg]')]);
      const text = readFileSync((await svg.path())!, 'utf8');
      expect(text.startsWith('<svg')).toBe(true);
      for (const f of engine.filter((x) => x.stream === 0)) {
        const label = await page.getAttribute(`[data-testid=ladder-arrow][data-frame="${f.frame}"]`, 'data-label');
        expect(text).toContain(label!.replace(/&/g, '&amp;'));
      }
      await page.click('[data-testid=ladder-export]');
      const [png] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=export-png]')]);
      const bytes = readFileSync((await png.path())!);
      expect([...bytes.subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
    });

    it('raised no page errors', () => {
      expect(b.errors).toEqual([]);
    });
  });
}
