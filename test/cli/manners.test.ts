// The command line's manners, one test each, on the built CLI as a user runs it: a reader that goes away
// (`| head`) ends every command quietly; an error comes before any output; argument errors name the real
// problem; a bad --write path fails before the experiment runs; serve --open of a non-capture fails once;
// watch and serve --capture say where they autosave; gzip-compressed captures read as tshark reads them.
import { afterAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import WebSocket from 'ws';
import { cli, cliBuilt } from '../helpers/cli';
import { Service } from '../../main/backend/service';
import { RecordingClient } from '../backend/service-helpers';

const repo = join(__dirname, '..', '..');
const BIN = join(repo, 'bin', 'handshake-lab.js');
const LAB = join(repo, 'test', 'corpus', 'lab', 'ipv4-4seg.pcap');
const root = process.getuid?.() === 0;
/** serve refuses root without it. */
const ROOT_FLAG = root ? ['--allow-root'] : [];
const has = (cmd: string) => spawnSync(cmd, ['--version'], { stdio: 'ignore' }).status === 0;
const captureWhy = !cliBuilt ? 'the CLI is not built' : !root ? 'not root (capture on lo)' : !has('dumpcap') && !has('tcpdump') ? 'nothing captures here' : '';
if (!cliBuilt) console.log('skipping the CLI manners tests: build first (npm run build)');
else if (captureWhy) console.log(`skipping the CLI manners tests that capture: ${captureWhy}`);

interface Closed { stdout: string; stderr: string; code: number | null; signal: string | null }

/** Runs the CLI, reads `lines` lines of its output, then closes the pipe as `| head -N` does. */
function readThenClose(args: string[], lines: number, env: NodeJS.ProcessEnv = {}): Promise<Closed> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d) => { stderr += d; });
    child.stdout.on('data', (d) => {
      stdout += d;
      if (stdout.split('\n').length > lines) child.stdout.destroy();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ stdout, stderr, code, signal });
    });
  });
}

describe.skipIf(!cliBuilt)('every command survives a closed pipe', () => {
  it('lesson | head -2 and lesson NAME | head -2 end quietly, exit 0', async () => {
    for (const args of [['lesson'], ['lesson', 'classic-linux', '--no-wait']]) {
      const r = await readThenClose(args, 2);
      expect(r.stderr, args.join(' ')).toBe('');
      expect(r.code, args.join(' ')).toBe(0);
    }
  });

  it('lesson NAME waiting for Enter stops once nobody reads it', async () => {
    // stdin stays open (a terminal would). A pipe's reader going away is only seen on the next write (no
    // system call tells a writer earlier), so the learner presses Enter after the reader left: the lesson
    // then ends quietly at its next line, instead of stepping on through the lesson or printing EPIPE.
    const child = spawn(process.execPath, [BIN, 'lesson', 'classic-linux'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => { stderr += d; });
    const exited = new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    // The lesson may end between our check of its exit and our write: that write's EPIPE is ours, not its.
    child.stdin.on('error', () => undefined);
    await new Promise<void>((r) => child.stdout.once('data', () => r()));
    child.stdout.destroy();
    // Enter, a few times (the first may come while the lesson is still printing its first step).
    for (let i = 0; i < 3; i++) {
      await new Promise((r) => setTimeout(r, 200));
      if (child.exitCode === null) child.stdin.write('\n');
    }
    const code = await exited;
    child.stdin.end();
    expect(code).toBe(0);
    expect(stderr).not.toMatch(/EPIPE|Error/);
  });

  it.skipIf(!!captureWhy)('experiment | head -3 ends quietly, exit 0', { timeout: 120_000 }, async () => {
    const data = mkdtempSync(join(tmpdir(), 'hl-manners-'));
    try {
      const r = await readThenClose(['experiment', '--port', '24791', '--slow', '100'], 3, { HANDSHAKE_LAB_DATA_DIR: data });
      expect(r.stdout.split('\n').length).toBeGreaterThan(3);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
    } finally {
      rmSync(data, { recursive: true, force: true });
    }
  });
});

describe.skipIf(!cliBuilt)('errors come before any output', () => {
  it('decode and stats of a missing file or a non-capture print their one error line and nothing else', () => {
    for (const args of [['decode', 'MISSING.pcap'], ['stats', 'MISSING.pcap'], ['decode', join(repo, 'README.md')], ['decode', join(repo, 'README.md'), '--jsonl']]) {
      const r = cli(args);
      expect(r.stdout, args.join(' ')).toBe('');
      expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(r.status).toBe(2);
    }
    expect(cli(['decode', 'MISSING.pcap']).stderr).toBe('handshake-lab: MISSING.pcap: no such file\n');
  });

  it('an empty but valid capture still gets its table header', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hl-manners-'));
    try {
      const header = readFileSync(LAB).subarray(0, 24);
      writeFileSync(join(dir, 'empty.pcap'), header);
      const r = cli(['decode', join(dir, 'empty.pcap')]);
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(/^ +No\. +Time +Source/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe.skipIf(!cliBuilt)('argument errors name the real problem', () => {
  it('a value given to a flag that takes none, a missing FILE', () => {
    expect(cli(['stats', LAB, '--json=1']).stderr).toBe('handshake-lab: stats: option --json takes no value (write --json, not --json=1)\n');
    expect(cli(['decode', LAB, '--jsonl=yes']).stderr).toBe('handshake-lab: decode: option --jsonl takes no value (write --jsonl, not --jsonl=yes)\n');
    expect(cli(['decode']).stderr).toBe('handshake-lab: decode: missing FILE, a pcap or pcapng capture (see handshake-lab decode --help)\n');
    expect(cli(['stats', LAB, '--jsno']).stderr).toBe('handshake-lab: stats: unknown option --jsno (see handshake-lab stats --help)\n');
  });
});

describe.skipIf(!cliBuilt)('experiment --write checks its path before running', () => {
  it('fails at once, naming the missing folder, without capturing anything', () => {
    const data = mkdtempSync(join(tmpdir(), 'hl-manners-'));
    try {
      const r = spawnSync(process.execPath, [BIN, 'experiment', '--port', '24792', '--write', '/nonexistent/dir/x.pcapng'], { encoding: 'utf8', env: { ...process.env, HANDSHAKE_LAB_DATA_DIR: data } });
      expect(r.stderr).toBe('handshake-lab: experiment: cannot save the capture to /nonexistent/dir/x.pcapng: there is no folder /nonexistent/dir\n');
      expect(r.stdout).toBe('');
      expect(r.status).toBe(2);
      // Nothing ran: no capture was autosaved.
      expect(existsSync(join(data, 'captures')) ? readdirSync(join(data, 'captures')) : []).toEqual([]);
      expect(cli(['experiment', '--write', data]).stderr).toBe(`handshake-lab: experiment: cannot save the capture to ${data}: ${data} is a folder\n`);
    } finally {
      rmSync(data, { recursive: true, force: true });
    }
  });
});

describe.skipIf(!cliBuilt)('serve --open with a file that is not a capture', () => {
  it('fails once and clearly, and does not serve', () => {
    const r = spawnSync(process.execPath, [BIN, 'serve', '--no-open-browser', ...ROOT_FLAG, '--open', join(repo, 'README.md')], { encoding: 'utf8', timeout: 30_000 });
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    // As root (with --allow-root) serve first says how it captures; the problem is still said once.
    const lines = r.stderr.trim().split('\n').filter((l) => !/running as root \(--allow-root\)/.test(l));
    expect(lines).toEqual([expect.stringMatching(/^handshake-lab: serve: cannot open .*README\.md: (is )?not a pcap or pcapng capture file/)]);
  });
});

/** Starts a long-running CLI command and collects its output until `until` matches or it exits. */
async function runUntil(args: string[], until: RegExp, env: NodeJS.ProcessEnv): Promise<{ out: string; stop: () => Promise<number | null> }> {
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => { out += d; });
  child.stderr.on('data', (d) => { out += d; });
  const exited = new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
  for (let i = 0; i < 300 && !until.test(out) && child.exitCode === null; i++) await new Promise((r) => setTimeout(r, 50));
  return {
    out,
    stop: async () => {
      child.kill('SIGINT');
      const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
      const code = await exited;
      clearTimeout(t);
      return code;
    },
  };
}

describe.skipIf(!!captureWhy)('watch and serve --capture say where they autosave', () => {
  it('watch (piped) names its autosave file, which exists', async () => {
    const data = mkdtempSync(join(tmpdir(), 'hl-manners-'));
    try {
      const run = await runUntil(['watch', '--filter', 'tcp port 24793'], /saved to \S+\.pcapng/, { HANDSHAKE_LAB_DATA_DIR: data });
      const file = /every frame saved to (\S+\.pcapng);/.exec(run.out)?.[1];
      expect(run.out).toMatch(/^# watching lo \(filter "tcp port 24793"\), every frame saved to /);
      expect(file?.startsWith(join(data, 'captures'))).toBe(true);
      expect(existsSync(file!)).toBe(true);
      expect(await run.stop()).toBe(0);
    } finally {
      rmSync(data, { recursive: true, force: true });
    }
  });

  it('serve --capture names its autosave file, which exists', async () => {
    const data = mkdtempSync(join(tmpdir(), 'hl-manners-'));
    try {
      const run = await runUntil(['serve', '--no-open-browser', ...ROOT_FLAG, '--capture', 'lo'], /autosave: \S+\)/, { HANDSHAKE_LAB_DATA_DIR: data });
      const file = /Capturing on lo \(autosave: (\S+\.pcapng)\)/.exec(run.out)?.[1];
      expect(file?.startsWith(join(data, 'captures')), run.out).toBe(true);
      expect(existsSync(file!)).toBe(true);
      expect(await run.stop()).toBe(0);
    } finally {
      rmSync(data, { recursive: true, force: true });
    }
  });
});

const tshark = has('tshark');

describe.skipIf(!cliBuilt)('gzip-compressed captures read as tshark reads them', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hl-gz-'));
  const plain = LAB;
  const gz = join(dir, 'lab.pcap.gz');
  writeFileSync(gz, gzipSync(readFileSync(plain)));
  const ng = join(repo, 'test', 'corpus', 'format', 'pcapng-editcap-us.pcapng');
  const ngGz = join(dir, 'lab.pcapng.gz');
  // tshark goes by the bytes, not the name: so does Handshake Lab.
  const unnamed = join(dir, 'no-gz-suffix.pcap');
  writeFileSync(unnamed, gzipSync(readFileSync(plain)));
  writeFileSync(ngGz, gzipSync(readFileSync(ng)));

  it('decode and stats of a .pcap.gz equal those of the plain file (and the name does not matter)', () => {
    expect(cli(['decode', gz]).stdout).toBe(cli(['decode', plain]).stdout);
    expect(cli(['decode', gz, '--jsonl']).stdout).toBe(cli(['decode', plain, '--jsonl']).stdout);
    expect(cli(['stats', ngGz, '--json']).stdout).toBe(cli(['stats', ng, '--json']).stdout);
    expect(cli(['stats', unnamed]).stdout).toBe(cli(['stats', plain]).stdout);
    expect(cli(['decode', gz]).stdout.split('\n').length).toBeGreaterThan(5);
  });

  it.skipIf(!tshark)('decode --fields of the compressed file equals tshark -T fields of it', () => {
    const fields = ['frame.number', 'tcp.srcport', 'tcp.flags', 'tcp.seq', 'tcp.ack', 'tcp.len'];
    const mine = cli(['decode', gz, '--fields', fields.join(',')]).stdout;
    const theirs = spawnSync('tshark', ['-r', gz, '-T', 'fields', '-E', 'occurrence=a', ...fields.flatMap((f) => ['-e', f])], { encoding: 'utf8' }).stdout;
    expect(mine).toBe(theirs);
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a truncated .gz: every good frame, then one error line, exit 2', () => {
    const cut = join(dir, 'cut.pcap.gz');
    const whole = readFileSync(gz);
    writeFileSync(cut, whole.subarray(0, whole.length - 60));
    const r = cli(['decode', cut]);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`handshake-lab: ${cut}: the gzip data ends early (the compressed file is truncated)\n`);
    expect(r.stdout.split('\n').length).toBeGreaterThan(3);
  });

  it('the app (serve, the desktop back end) opens a .pcapng.gz and re-reads its frames\' bytes', async () => {
    const data = mkdtempSync(join(tmpdir(), 'hl-gz-data-'));
    const service = new Service({ transport: 'websocket', capture: null, dataDir: data, log: () => undefined, pushIntervalMs: 0 });
    const reference = new Service({ transport: 'websocket', capture: null, dataDir: data, log: () => undefined, pushIntervalMs: 0 });
    try {
      const c = new RecordingClient('gz');
      const p = await service.handle('openFile', { path: ngGz }, c);
      const q = await reference.handle('openFile', { path: ng }, c);
      expect(p.error).toBeUndefined();
      expect(p.frames).toBe(q.frames);
      for (let n = 1; n <= p.frames; n++) {
        expect(await service.handle('getFrame', { number: n }, c)).toEqual(await reference.handle('getFrame', { number: n }, c));
      }
      expect(await service.handle('getFrames', { start: 0, count: 100 }, c)).toEqual(await reference.handle('getFrames', { start: 0, count: 100 }, c));
      // The decompressed copy is temporary: gone once the store is closed.
      const copies = () => readdirSync(tmpdir()).filter((f) => f.startsWith('handshake-lab-gunzip-')).length;
      const before = copies();
      await service.dispose();
      expect(copies()).toBe(before - 1);
    } finally {
      await service.dispose();
      await reference.dispose();
      rmSync(data, { recursive: true, force: true });
    }
  });

  it.skipIf(!existsSync(join(repo, 'out', 'renderer', 'index.html')))('serve --open FILE.pcapng.gz serves its frames', async () => {
    const run = await runUntil(['serve', '--no-open-browser', ...ROOT_FLAG, '--open', ngGz], /Opened .*: \d+ frames/, { HANDSHAKE_LAB_DATA_DIR: dir });
    try {
      const want = cli(['stats', ng, '--json']).stdout;
      const frames = (JSON.parse(want) as { conversations: { frames: number }[] }).conversations.reduce((n, c) => n + c.frames, 0);
      expect(run.out).toContain(`: ${frames} frames`);
      const url = new URL(/serving at (\S+)\n/.exec(run.out)![1]);
      const ws = new WebSocket(`ws://${url.host}/ws?token=${url.searchParams.get('token')}`, { origin: url.origin });
      await new Promise((r, j) => { ws.once('open', r); ws.once('error', j); });
      // The session's own events come first; the answer is the message with the request's id.
      const reply = new Promise<{ result: { frame: { frame: number } } }>((r) => ws.on('message', (d) => { const m = JSON.parse(String(d)) as { id?: number; result: { frame: { frame: number } } }; if (m.id === 1) r(m); }));
      ws.send(JSON.stringify({ id: 1, method: 'getFrame', params: { number: 3 } }));
      expect((await reply).result.frame.frame).toBe(3);
      ws.close();
    } finally {
      expect(await run.stop()).toBe(0);
    }
  });
});
