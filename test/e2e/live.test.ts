// Live in browser mode: one click on the classic experiment (in slow motion) captures the seed's lab on
// loopback; frames must arrive while it runs and the endpoints' states must change on screen, ending in
// the states the engine gives for the saved capture. Needs root, cap and the engine; skipped otherwise.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type AddressInfo, type Server } from 'node:net';
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
    /** Each socket call of the lane, when it first appeared (ms since the click), while the run went on. */
    const calls = new Map<number, { who: string; call: string; at: number }>();
    const started = Date.now();
    for (;;) {
      for (const c of await page.locator('[data-testid=ladder-call]').evaluateAll((els) => els.map((e) => ({ seq: Number(e.getAttribute('data-seq')), who: e.getAttribute('data-endpoint') ?? '', call: e.getAttribute('data-call') ?? '' })))) {
        if (!calls.has(c.seq)) calls.set(c.seq, { who: c.who, call: c.call, at: Date.now() - started });
      }
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
    // The run is over and the view had followed it live: it stays there (no snap back to segment 1).
    const at = await page.getAttribute('[data-testid=step-position]', 'data-index');
    expect(Number(at)).toBeGreaterThanOrEqual(5);
    await page.waitForTimeout(1500);
    expect(await page.getAttribute('[data-testid=step-position]', 'data-index')).toBe(at);
    // Frames came in over time, not all at once at the end…
    expect(counts.filter((c) => c > 0).length).toBeGreaterThanOrEqual(3);
    // …and so did the programs' calls: the classic run's five (listen, connect, send, the client's close, the
    // server's close) in that order on the lane, each shown well after the one before (the pause is 1 s; the
    // lane is polled every 100 ms, and listen() is pushed once the capture runs).
    const seen = [...calls.entries()].sort((a, b) => a[0] - b[0]).map(([seq, c]) => ({ seq, ...c }));
    const five = ['server listen', 'client connect', 'client send', 'client close', 'server close'];
    const lane = seen.filter((c) => five.includes(`${c.who} ${c.call}`) && !(c.who === 'server' && c.call === 'close' && seen.some((x) => x.seq < c.seq && x.who === 'server' && x.call === 'close')));
    expect(lane.map((c) => `${c.who} ${c.call}`)).toEqual(five);
    for (let i = 1; i < lane.length; i++) expect(lane[i].at - lane[i - 1].at, `${five[i - 1]} → ${five[i]}`).toBeGreaterThanOrEqual(400);
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

describe.skipIf(!!why)('browser mode, live: a busy port', () => {
  let served: Served;
  let b: Browser;
  let blocker: Server | null = null;
  /** The second port the class's server allows experiments on (a browser may use no other). */
  let spare = 0;
  beforeAll(async () => {
    // A student's own server left running on the default port.
    blocker = createServer();
    await new Promise<void>((resolve) => {
      blocker!.once('error', () => { blocker = null; resolve(); }); // already taken by something else: busy anyway
      blocker!.listen(12345, '127.0.0.1', () => resolve());
    });
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    spare = (probe.address() as AddressInfo).port;
    await new Promise((r) => probe.close(r));
    served = await serve(['--experiment-ports', `12345,${spare}`]);
    b = await openBrowser({ reducedMotion: true });
    await b.page.goto(served.url);
    await b.page.waitForSelector('[data-testid=empty-state]');
  });
  afterAll(async () => {
    await b?.close();
    await served?.stop();
    await new Promise<void>((r) => (blocker ? blocker.close(() => r()) : r()));
  });

  it('12345 in use: the experiment runs on the other port the server allows and says so', { timeout: 60_000 }, async () => {
    const page = b.page;
    await page.click('[data-testid=run-classic]');
    const note = page.locator('[data-testid=notice][data-code="info.portBusy"]');
    await note.waitFor({ timeout: 45_000 });
    const text = await note.textContent();
    const m = /port (\d+) instead/.exec(text ?? '');
    expect(text).toContain('12345');
    expect(m).not.toBeNull();
    const used = Number(m![1]);
    expect(used).toBe(spare);
    // A working experiment on that port: its connection, its segments, its calls.
    await expect.poll(() => page.locator('[data-testid=ladder-arrow]').count(), { timeout: 20_000 }).toBeGreaterThanOrEqual(7);
    expect(await page.textContent('[data-testid=ladder]')).toContain(`127.0.0.1:${used}`);
    expect(await page.locator('[data-testid=ladder-call]').count()).toBeGreaterThan(0);
    expect(await page.locator('[data-testid=notice][data-code=busy]').count()).toBe(0);
    expect(b.errors).toEqual([]);
  });
});

