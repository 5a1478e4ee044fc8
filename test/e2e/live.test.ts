// Live in browser mode: one click on the classic experiment (in slow motion) captures the seed's lab on
// loopback; frames must arrive while it runs and the endpoints' states must change on screen, ending in
// the states the engine gives for the saved capture. Needs root, cap and the engine; skipped otherwise.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CapCapture } from '../../main/capture/cap-capture';
import { openBrowser, type Browser } from './support/browser';
import { engineDecode, engineMissing } from './support/oracles';
import { buildMissing, ROOT, serve, type Served } from './support/serve';

const root = process.getuid?.() === 0;
const missing = buildMissing();
const capOk = !missing && root && (await new CapCapture().availability()).available;
const why = missing ?? (!root ? 'not root' : !capOk ? 'the cap module cannot capture here' : engineMissing(join(ROOT, 'assets', 'lessons', 'classic-linux.pcap')));
if (why) console.log(`skipping the live browser test: ${why}`);

describe.skipIf(!!why)('browser mode, live: the classic experiment', () => {
  let served: Served;
  let b: Browser;
  beforeAll(async () => {
    served = await serve();
    b = await openBrowser();
    await b.page.goto(served.url);
    await b.page.waitForSelector('[data-testid=empty-state]');
  });
  afterAll(async () => {
    await b?.close();
    await served?.stop();
  });

  it('frames arrive and the states change as the experiment runs', { timeout: 90_000 }, async () => {
    const page = b.page;
    await page.click('[data-testid=experiment-variants]');
    await page.selectOption('.slow select', '1000');
    await page.click('[data-testid=variant-classic]');
    const counts: number[] = [];
    const client: string[] = [];
    const server: string[] = [];
    const started = Date.now();
    for (;;) {
      const n = await page.locator('[data-testid=ladder-arrow]').count();
      if (counts[counts.length - 1] !== n) counts.push(n);
      for (const [who, seen] of [['client', client], ['server', server]] as const) {
        const s = await page.getAttribute(`[data-testid=ladder-${who}-state]`, 'data-state').catch(() => null);
        if (s && seen[seen.length - 1] !== s) seen.push(s);
      }
      const running = await page.locator('[data-testid=run-classic]').isDisabled().catch(() => true);
      if (!running && n >= 8) break;
      if (Date.now() - started > 75_000) throw new Error(`the experiment did not finish: arrows ${counts.join(',')}; notices: ${await page.textContent('[data-testid=notices]')}\n${served.log()}`);
      await page.waitForTimeout(100);
    }
    // Frames came in over time, not all at once at the end…
    expect(counts.filter((c) => c > 0).length).toBeGreaterThanOrEqual(3);
    // …and each endpoint was seen in several states while they came.
    expect(client.length).toBeGreaterThanOrEqual(3);
    expect(server.length).toBeGreaterThanOrEqual(3);

    // The states on screen at the end are the engine's for the saved capture.
    // What this page's session recorded (the page keeps its session id in sessionStorage).
    const session = await page.evaluate('sessionStorage.getItem("handshake-lab.session")') as string;
    const res = await fetch(`${served.origin}/capture?token=${encodeURIComponent(served.token)}&session=${encodeURIComponent(session)}`);
    expect(res.status).toBe(200);
    const dir = mkdtempSync(join(tmpdir(), 'hl-e2e-live-'));
    try {
      const file = join(dir, 'experiment.pcapng');
      writeFileSync(file, Buffer.from(await res.arrayBuffer()));
      const frames = engineDecode(file).filter((f) => f.stream !== null);
      const last = frames[frames.length - 1];
      await page.keyboard.press('End');
      await expect.poll(() => page.getAttribute('[data-testid=ladder-client-state]', 'data-state')).toBe(last.states!.client);
      await expect.poll(() => page.getAttribute('[data-testid=ladder-server-state]', 'data-state')).toBe(last.states!.server);
      const engineClient = frames.flatMap((f) => (f.transitions ?? []).filter((t) => t.endpoint === 'client').map((t) => t.to));
      for (const s of client.slice(1)) expect(engineClient).toContain(s);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(b.errors).toEqual([]);
  });
});
