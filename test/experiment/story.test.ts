// The experiment's story: the socket calls the runner makes are the ones the Python programs shown in the
// editor make (run both, compare what each recv() got), and they travel with the capture as pcapng
// comments that tshark reads (frame.comment on the frame each call sent first; the rest in the section
// header, as capinfos shows). Python and tshark are the oracles. The live part needs root; the rest runs anywhere.
import { afterAll, describe, expect, it } from 'vitest';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  eventComment, experimentScript, parseEventComment, planFor, pyBytes, pythonPrograms, type PlanChoices,
} from '../../main/api/experiment';
import { runScenario } from '../../main/capture/experiment/scenarios';
import { Service } from '../../main/backend/service';
import { CapCapture } from '../../main/capture/cap-capture';
import type { ExperimentEvent } from '../../main/api/types';
import { hasTshark, tshark } from '../helpers/tshark';

const python = spawnSync('python3', ['-c', 'pass']).status === 0;
if (!python) console.log('skipping the Python comparisons: python3 is not installed');
const dir = mkdtempSync(join(tmpdir(), 'hl-story-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A port nobody uses right now (the kernel's pick). */
async function freePort(host = '127.0.0.1'): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, host, r));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

const TEXTS = ["I'm TCP client", 'say "hi"', 'both \' and "', 'back\\slash\ttab\nnewline', '你好 → TCP', '\u0001\u007f'];

describe('the Python shown is what runs', () => {
  it.skipIf(!python)("pyBytes is Python's repr of the text's UTF-8 bytes", () => {
    const out = execFileSync('python3', ['-c', 'import sys, json\nfor t in json.load(sys.stdin): print(repr(t.encode("utf-8")))'], { input: JSON.stringify(TEXTS), encoding: 'utf8' });
    expect(TEXTS.map(pyBytes)).toEqual(out.trim().split('\n'));
  });

  const PLANS: [string, PlanChoices][] = [
    ['classic', { variant: 'classic' }],
    ['server-first', { variant: 'server-first' }],
    ['half-close', { variant: 'half-close' }],
    ['rst', { variant: 'rst' }],
    ['refused', { variant: 'refused' }],
    ['ipv6', { variant: 'ipv6' }],
    ['a reply, the server closing with RST', { message: 'ping 你好', reply: 'pong "ok"', closer: 'server', how: 'linger0' }],
    ['the server half-closes after its reply', { reply: 'bye', closer: 'server', how: 'shutdown' }],
  ];
  for (const [name, choices] of PLANS) {
    it.skipIf(!python)(`${name}: the two Python programs receive what the runner's recv() calls received`, async () => {
      const plan = planFor(choices);
      const node = await runScenario({ plan: { ...plan }, port: await freePort(plan.family === 6 ? '::1' : '127.0.0.1'), timeoutMs: 20_000 });
      // What each program printed: every recv's result, and the errors calls raised (a refused connect).
      const nodeSaw = node.events.filter((e) => e.call === 'recv' || /Error: /.test(e.result)).map((e) => `${e.endpoint} ${normal(e.result)}`);
      const port = await freePort(plan.family === 6 ? '::1' : '127.0.0.1');
      const py = pythonPrograms(plan, port);
      writeFileSync(join(dir, 'server.py'), py.server);
      writeFileSync(join(dir, 'client.py'), py.client);
      const server = spawn('python3', [join(dir, 'server.py')], { stdio: ['ignore', 'pipe', 'pipe'] });
      let serverOut = '';
      server.stdout.on('data', (d: Buffer) => { serverOut += d.toString(); });
      const serverDone = new Promise<number | null>((r) => server.on('exit', r));
      // Wait until the server listens (the refused plan has none).
      if (plan.listen) await waitListening(port, plan.family === 6 ? '::1' : '127.0.0.1');
      const client = spawnSync('python3', [join(dir, 'client.py')], { encoding: 'utf8', timeout: 20_000 });
      expect(client.status, client.stderr).toBe(0);
      expect(await serverDone, serverOut).toBe(0);
      const pySaw = (serverOut + client.stdout).split('\n').filter(Boolean).map((l) => l.replace(/^(client|server)(?: received|:) /, '$1 '));
      // Each program's own order is the script's; the two programs' lines are compared per side.
      for (const who of ['client', 'server']) {
        expect(pySaw.filter((l) => l.startsWith(who)), `${who} (python)`).toEqual(nodeSaw.filter((l) => l.startsWith(who)));
      }
      if (!plan.listen) expect(client.stdout).toContain('Connection refused');
      else expect(nodeSaw).toContain(`server ${pyBytes(plan.message)}`);
    });
  }
});

/** Python prints an error as its message only; the runner reports it as Python's "Type: message". */
const normal = (result: string): string => result.replace(/^[A-Za-z]+Error: /, '');

async function waitListening(port: number, host: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const ss = spawnSync('ss', ['-Htln', `sport = :${port}`], { encoding: 'utf8' }).stdout;
    if (ss.includes(`:${port}`)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`the Python server did not listen on ${host} port ${port}`);
}

describe('calls as pcapng comments', () => {
  it('a comment gives back the call it was made from, whatever the message holds', () => {
    for (const text of TEXTS) {
      const plan = planFor({ message: text, reply: text, how: 'shutdown' });
      experimentScript(plan, 12345).forEach((c, seq) => {
        const e: ExperimentEvent = { seq, time: 1764790000.123456, endpoint: c.endpoint, call: c.call, text: c.python.replace(/\n/g, '; '), result: c.call === 'recv' ? pyBytes(text) : '', frame: 7 };
        expect(parseEventComment(eventComment(e), 7)).toEqual(e);
      });
    }
    expect(parseEventComment('a comment someone wrote in Wireshark', 3)).toBeNull();
    expect(parseEventComment('Handshake Lab, call 1 (client, explode) at 1.0: x', 3)).toBeNull();
  });
});

const root = process.getuid?.() === 0;
const capOk = root && hasTshark() && (await new CapCapture().availability()).available;
if (!capOk) console.log('skipping the live story checks: they need root, cap and tshark');

describe.skipIf(!capOk)('a live experiment records its calls (root)', () => {
  let blocker: Server | null = null;
  afterAll(() => blocker?.close());

  it('each call is the comment of the first frame it sent, the rest are in the section header; a busy port is replaced, with a note', async () => {
    // Someone else's server on the port asked for (a student's own Python server, say).
    const asked = await freePort();
    blocker = createServer();
    await new Promise<void>((r) => blocker!.listen(asked, '127.0.0.1', r));
    const dataDir = mkdtempSync(join(dir, 'data-'));
    const pushed: ExperimentEvent[][] = [];
    const elsewhere: unknown[] = [];
    const service = new Service({ transport: 'ipc', capture: new CapCapture(), dataDir, pushIntervalMs: 0, log: () => undefined });
    const t = { id: 't', emit: (event: string, payload: unknown) => { if (event === 'experiment') pushed.push((payload as { events: ExperimentEvent[] }).events); } };
    service.attach(t);
    // Another window, looking at something else: the experiment's calls are not its business.
    service.attach({ id: 'other', emit: (event, payload) => { if (event === 'experiment') elsewhere.push(payload); } });
    try {
      const r = await service.handle('runExperiment', { variant: 'classic', port: asked, slowMotionMs: 60 }, t);
      expect(r.port).not.toBe(asked);
      expect(r.portNote).toEqual({ requested: asked, used: r.port, reason: 'in_use' });
      const file = join(dir, 'story.pcapng');
      await service.handle('saveCapture', { path: file }, t);
      // The capture is the experiment's, on the new port.
      const ports = tshark(['-r', file, '-T', 'fields', '-e', 'tcp.srcport', '-e', 'tcp.dstport']).trim().split('\n');
      expect(ports.length).toBe(r.frames);
      for (const l of ports) expect(l.split('\t')).toContain(String(r.port));
      // tshark: which frames carry which call.
      const rows = tshark(['-r', file, '-T', 'fields', '-E', 'separator=|', '-e', 'frame.number', '-e', 'tcp.srcport', '-e', 'tcp.flags', '-e', 'tcp.len', '-e', 'frame.comment']).trim().split('\n')
        .map((l) => { const [n, sport, flags, len, comment] = l.split('|'); return { n: Number(n), fromServer: Number(sport) === r.port, flags: Number(flags), len: Number(len), comment }; });
      const withFrame = r.events.filter((e) => e.frame !== null);
      expect(withFrame.map((e) => `${e.endpoint} ${e.call}`)).toEqual(['client connect', 'client send', 'client close', 'server close']);
      for (const e of withFrame) {
        const row = rows.find((x) => x.n === e.frame)!;
        expect(parseEventComment(row.comment, e.frame)).toMatchObject({ seq: e.seq, call: e.call, endpoint: e.endpoint });
        // The first frame from the caller's side with the flag the call sends.
        const want = e.call === 'connect' ? (x: typeof row) => (x.flags & 0x12) === 0x02 : e.call === 'send' ? (x: typeof row) => x.len > 0 : (x: typeof row) => (x.flags & 0x01) !== 0;
        const first = rows.find((x) => x.fromServer === (e.endpoint === 'server') && want(x));
        expect(first?.n, `${e.endpoint} ${e.call}`).toBe(e.frame);
      }
      expect(rows.filter((x) => x.comment).length).toBe(withFrame.length);
      // capinfos: the section header names the connection and holds the calls that sent nothing.
      const caps = execFileSync('capinfos', [file], { encoding: 'utf8' }).split('\n').filter((l) => l.startsWith('Capture comment:')).map((l) => l.replace(/^Capture comment:\s+/, ''));
      expect(caps[0]).toMatch(new RegExp(`port ${r.port}; client port \\d+$`));
      const noFrame = caps.slice(1).map((c) => parseEventComment(c, null)!);
      expect(noFrame.map((e) => `${e.endpoint} ${e.call}`)).toEqual(['server listen', 'server accept', 'server recv', 'server recv', 'server close']);
      expect(noFrame[2].result).toBe(pyBytes("I'm TCP client"));
      // Opening the saved file gives the same calls back on the ladder, in order.
      await service.handle('openFile', { path: file }, t);
      const page = await service.handle('getLadder', { stream: 0 }, t);
      expect(page.events.map((e) => e.seq)).toEqual(r.events.map((e) => e.seq));
      expect(page.events.map((e) => e.frame)).toEqual(r.events.map((e) => e.frame));
      // Pushed live, a call at a time: the first push had only listen.
      expect(pushed[0].map((e) => e.call)).toEqual(['listen']);
      expect(pushed[pushed.length - 1].length).toBe(r.events.length);
      expect(elsewhere).toEqual([]);
    } finally {
      await service.dispose();
    }
  });
});
