// The program behind each end of a live connection, in the app: the back end matches the captured
// connections with the OS's sockets (the accepted/connecting socket, else the server's listener) and the
// Connections panel, the ladder and `watch` show it. Live: a Python server and a curl client started by
// the test, captured on lo, named with their pids.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConnectionOwners, ownerOf } from '../../main/backend/connection-owners';
import { Service } from '../../main/backend/service';
import { readCaptureFile } from '../../main/capture/file-source';
import { chooseCapture } from '../../main/capture/choose-capture';
import type { KernelSocket } from '../../main/capture/sockets';
import { CaptureReader } from '../../main/engine/io/reader';
import { FrameStore } from '../../main/engine/store/frame-store';
import { cliBuilt } from '../helpers/cli';
import { RecordingClient } from './service-helpers';
import { PYTHON, serverAndClient, type ServerAndClient } from '../helpers/server-and-client';

const repo = join(__dirname, '..', '..');
// One connection left open (ESTABLISHED both ways): 127.0.0.1:33356 → 127.0.0.1:12345.
const OPEN = join(repo, 'test', 'corpus', 'format', 'pcapng-options.pcapng');

function storeOf(file: string): FrameStore {
  const store = new FrameStore();
  const reader = new CaptureReader();
  readCaptureFile(file, (raw) => store.add({ ...raw, data: raw.data.slice() }, reader.dataOffset), reader);
  return store;
}

const sock = (local: string, remote: string, state: KernelSocket['state'], pid: number | null, program: string): KernelSocket => ({ local, remote, state, pid, program });

describe('matching captured connections with the OS\'s sockets', () => {
  const c = { client: '127.0.0.1:33356', server: '127.0.0.1:12345' };

  it('takes each end\'s own socket, else the server\'s listener (any address, same port)', () => {
    const sockets = [
      sock('0.0.0.0:12345', '0.0.0.0:*', 'LISTEN', 10, 'python3'),
      sock('127.0.0.1:12345', '127.0.0.1:33356', 'ESTABLISHED', 11, 'python3'),
      sock('127.0.0.1:33356', '127.0.0.1:12345', 'ESTABLISHED', 20, 'curl'),
      sock('127.0.0.1:33357', '127.0.0.1:12345', 'ESTABLISHED', 21, 'other'),
    ];
    expect(ownerOf(c, 'client', sockets)).toEqual({ pid: 20, program: 'curl' });
    expect(ownerOf(c, 'server', sockets)).toEqual({ pid: 11, program: 'python3' });
    expect(ownerOf(c, 'server', sockets.filter((s) => s.pid !== 11))).toEqual({ pid: 10, program: 'python3' });
    // A dual-stack [::] listener takes IPv4 connections too (Linux's default); a v4 one never takes IPv6.
    expect(ownerOf(c, 'server', [sock('[::]:12345', '[::]:*', 'LISTEN', 12, 'v6')])).toEqual({ pid: 12, program: 'v6' });
    expect(ownerOf({ client: '[::1]:5', server: '[::1]:80' }, 'server', [sock('0.0.0.0:80', '0.0.0.0:*', 'LISTEN', 13, 'v4')])).toBeNull();
    expect(ownerOf(c, 'server', [sock('127.0.0.2:12345', '0.0.0.0:*', 'LISTEN', 14, 'elsewhere')])).toBeNull();
    expect(ownerOf({ client: '[::1]:5', server: '[::1]:80' }, 'server', [sock('[::]:80', '[::]:*', 'LISTEN', 12, 'v6')])).toEqual({ pid: 12, program: 'v6' });
    expect(ownerOf(c, 'client', [sock('127.0.0.1:33356', '0.0.0.0:*', 'LISTEN', 9, 'x')])).toBeNull();
  });

  it('records them in the store, tells which connections changed, and keeps an answer once found', async () => {
    const store = storeOf(OPEN);
    expect(store.connection(0)?.programs).toBeUndefined();
    const changed: number[] = [];
    let sockets: KernelSocket[] = [sock('127.0.0.1:33356', '127.0.0.1:12345', 'ESTABLISHED', null, 'unknown')];
    const owners = new ConnectionOwners(store, (s) => changed.push(s), { sockets: async () => sockets });
    await owners.refresh();
    expect(store.connection(0)?.programs).toEqual({ client: { pid: null, program: 'unknown' }, server: null });
    expect(changed).toEqual([0]);
    sockets = [sock('127.0.0.1:12345', '127.0.0.1:33356', 'ESTABLISHED', 7, 'python3'), sock('127.0.0.1:33356', '127.0.0.1:12345', 'ESTABLISHED', 8, 'curl')];
    await owners.refresh();
    expect(store.connection(0)?.programs).toEqual({ client: { pid: null, program: 'unknown' }, server: { pid: 7, program: 'python3' } });
    expect(changed).toEqual([0, 0]);
    // Both ends known: the OS is not asked again.
    let asked = 0;
    const quiet = new ConnectionOwners(store, () => undefined, { sockets: async () => { asked++; return sockets; } });
    await quiet.refresh();
    await quiet.refresh();
    expect(asked).toBe(1);
  });

  it('does not ask about connections whose ends are both closed, and survives an OS that will not tell', async () => {
    const closed = storeOf(join(repo, 'test', 'corpus', 'lab', 'ipv4-3seg.pcap'));
    let asked = 0;
    await new ConnectionOwners(closed, () => undefined, { sockets: async () => { asked++; return []; } }).refresh();
    expect(asked).toBe(0);
    const lines: string[] = [];
    const failing = new ConnectionOwners(storeOf(OPEN), () => undefined, { sockets: async () => { throw new Error('lsof: not found'); }, log: (l) => lines.push(l) });
    await failing.refresh();
    await failing.refresh();
    expect(lines).toEqual(['cannot tell which programs hold the connections: lsof: not found']);
  });
});

// ---------------------------------------------------------------- live

const root = process.getuid?.() === 0;
const hasCurl = spawnSync('curl', ['--version'], { stdio: 'ignore' }).status === 0;
const liveWhy = process.platform !== 'linux' ? 'not Linux' : !root ? 'not root (capture on lo)' : !PYTHON ? 'no python3' : !hasCurl ? 'no curl' : '';
if (liveWhy) console.log(`skipping the live program tests: ${liveWhy}`);

describe.skipIf(!!liveWhy)('live: the Connections panel\'s programs (the back end\'s connection summaries)', () => {
  const data = mkdtempSync(join(tmpdir(), 'hl-owners-'));
  let service: Service;
  let procs: ServerAndClient;
  beforeAll(async () => {
    service = new Service({ transport: 'websocket', capture: chooseCapture(), dataDir: data, log: () => undefined, pushIntervalMs: 0 });
  });
  afterAll(async () => {
    procs?.stop();
    await service?.dispose();
    rmSync(data, { recursive: true, force: true });
  });

  it('names the Python server and the curl client with their pids, and pushes the change', async () => {
    const c = new RecordingClient('ui');
    await service.handle('startCapture', { interface: 'lo', filter: 'tcp port 24805' }, c);
    procs = await serverAndClient(24805);
    let conns: Awaited<ReturnType<typeof service.handle<'listConnections'>>> = [];
    for (let i = 0; i < 100; i++) {
      service.tick();
      conns = await service.handle('listConnections', {}, c);
      if (conns[0]?.programs?.client && conns[0]?.programs?.server) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(conns).toHaveLength(1);
    expect(conns[0].programs).toEqual({ client: { pid: procs.client.pid, program: 'curl' }, server: { pid: procs.server.pid, program: expect.stringMatching(/^python/) } });
    // The ladder's header comes from the same summary.
    expect((await service.handle('getLadder', { stream: conns[0].stream }, c)).summary.programs).toEqual(conns[0].programs);
    service.tick();
    const pushed = c.of('connections').flatMap((p) => p.connections).filter((x) => x.programs?.client);
    expect(pushed.at(-1)?.programs).toEqual(conns[0].programs);
    await service.handle('stopCapture', {}, c);
  });
});

describe.skipIf(!!liveWhy || !cliBuilt)('live: watch names the programs in its lines', () => {
  it('a state change of the curl connection shows "curl PID" and "python3 PID"', async () => {
    const data = mkdtempSync(join(tmpdir(), 'hl-owners-watch-'));
    const watch = spawn(process.execPath, [join(repo, 'bin', 'handshake-lab.js'), 'watch', '--filter', 'tcp port 24806'], { env: { ...process.env, HANDSHAKE_LAB_DATA_DIR: data }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    watch.stdout.on('data', (d) => { out += d; });
    watch.stderr.on('data', (d) => { out += d; });
    let p: ServerAndClient | null = null;
    try {
      for (let i = 0; i < 100 && !out.includes('# watching'); i++) await new Promise((r) => setTimeout(r, 50));
      p = await serverAndClient(24806);
      await new Promise((r) => setTimeout(r, 1500));
      p.client.kill('SIGTERM'); // curl's end closes: FIN, a state change watch prints
      for (let i = 0; i < 100 && !/FIN_WAIT_1/.test(out); i++) await new Promise((r) => setTimeout(r, 50));
      const line = out.split('\n').find((l) => /FIN_WAIT_1/.test(l));
      expect(line, out).toMatch(new RegExp(`\\(curl ${p.client.pid}\\) ⇄ 127\\.0\\.0\\.1:24806 \\(python3?[\\d.]* ${p.server.pid}\\)`));
    } finally {
      p?.stop();
      watch.kill('SIGINT');
      await new Promise((r) => watch.on('exit', r));
      rmSync(data, { recursive: true, force: true });
    }
  });
});
