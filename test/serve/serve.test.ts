// `serve`: token, Host and Origin checks, message validation, static files (traversal, MIME, CSP),
// upload/download, and the API over a real WebSocket: a file opened and its frames pulled, and a
// live capture on lo streamed (root + cap). Runs on the stand-in engine (test/backend/fake-engine.ts).
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Api, httpGet, openWs as openWsAt } from '../helpers/ws-api';

vi.mock('../../main/engine/dissect/index', async () => await import('../backend/fake-engine'));
vi.mock('../../main/engine/tcp/tracker', async () => ({ TcpTracker: (await import('../backend/fake-engine')).TcpTracker }));
vi.mock('../../main/engine/tcp/states', async () => ({ StateTracker: (await import('../backend/fake-engine')).StateTracker }));

const { Service } = await import('../../main/backend/service');
const { CapCapture } = await import('../../main/capture/cap-capture');
const { startServer } = await import('../../main/serve/server');
const { synthFrames, writePcap } = await import('../backend/synth');
const { decodeFile } = await import('../helpers/decode');
import type { RunningServer } from '../../main/serve/server';

const CSP = "default-src 'self'; script-src 'self'; object-src 'none'; frame-ancestors 'none'";
const dir = mkdtempSync(join(tmpdir(), 'hl-serve-'));
const root = join(dir, 'renderer');
const secret = join(dir, 'secret.txt');
const capture = join(dir, 'lab.pcap');
const logs: string[] = [];
let server: RunningServer;
let service: InstanceType<typeof Service>;

beforeAll(async () => {
  mkdirSync(join(root, 'assets'), { recursive: true });
  writeFileSync(join(root, 'index.html'), `<!doctype html><html><head><meta http-equiv="Content-Security-Policy" content="${CSP}" /></head><body></body></html>`);
  writeFileSync(join(root, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(root, 'assets', 'app.css'), 'body{}');
  writeFileSync(join(root, 'assets', 'logo.svg'), '<svg/>');
  writeFileSync(secret, 'top secret');
  symlinkSync(secret, join(root, 'assets', 'link.txt'));
  writePcap(capture, synthFrames({ connections: 8 }));
  mkdirSync(join(dir, 'uploads'));
  service = new Service({ transport: 'websocket', capture: new CapCapture(), dataDir: join(dir, 'data'), log: (l) => logs.push(l), uploadDir: join(dir, 'uploads'), limits: { uploadFileBytes: 100_000 } });
  server = await startServer({ service, rootDir: root, log: (l) => logs.push(l) });
});

afterAll(async () => {
  await service.dispose();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

const origin = () => `http://127.0.0.1:${server.port}`;

const get = (path: string, opts: Parameters<typeof httpGet>[2] = {}) => httpGet(server.port, path, opts);
const openWs = (query = `?token=${server.token}`, wsOrigin: string | null = origin()) => openWsAt(server.port, query, wsOrigin);

describe('serve: who may connect', () => {
  it('refuses API requests without the token (401) or with a wrong one (403)', async () => {
    expect((await get('/capture')).status).toBe(401);
    expect((await get('/capture?token=nope')).status).toBe(403);
    expect((await get('/upload', { method: 'POST', body: Buffer.from('x') })).status).toBe(401);
    await expect(openWs('')).rejects.toThrow('HTTP 401');
    await expect(openWs('?token=wrong')).rejects.toThrow('HTTP 403');
    expect(logs.some((l) => /refused WebSocket: no token/.test(l))).toBe(true);
  });

  it('refuses WebSocket upgrades from another origin, or without one', async () => {
    await expect(openWs(undefined, 'http://evil.example')).rejects.toThrow('HTTP 403');
    await expect(openWs(undefined, `http://127.0.0.1:${server.port + 1}`)).rejects.toThrow('HTTP 403');
    await expect(openWs(undefined, 'null')).rejects.toThrow('HTTP 403');
    await expect(openWs(undefined, null)).rejects.toThrow('HTTP 403');
    expect(logs.some((l) => /origin "http:\/\/evil.example" is not this server's/.test(l))).toBe(true);
    const ws = await openWs(undefined, `http://localhost:${server.port}`);
    ws.close();
  });

  it('refuses requests naming another host (DNS rebinding)', async () => {
    expect((await get('/', { headers: { Host: `evil.example:${server.port}` } })).status).toBe(403);
  });

  it('uses a token of at least 128 random bits in the printed URL', () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/?token=${server.token}`);
    expect(Buffer.from(server.token, 'base64url').length).toBeGreaterThanOrEqual(16);
  });
});

describe('serve: static files', () => {
  it('serves the renderer with MIME types and the page\'s own CSP', async () => {
    const index = await get('/');
    expect(index.status).toBe(200);
    expect(index.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(index.headers['content-security-policy']).toBe(CSP);
    expect(index.headers['x-content-type-options']).toBe('nosniff');
    expect(index.headers['referrer-policy']).toBe('no-referrer');
    expect((await get('/assets/app.js')).headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect((await get('/assets/app.css')).headers['content-type']).toBe('text/css; charset=utf-8');
    expect((await get('/assets/logo.svg')).headers['content-type']).toBe('image/svg+xml');
    expect((await get('/assets/app.js', { method: 'HEAD' })).status).toBe(200);
    expect((await get('/assets/app.js', { method: 'POST' })).status).toBe(405);
  });

  it('never leaves its folder and never lists one', async () => {
    for (const p of ['/../secret.txt', '/..%2fsecret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt', '/assets/%2e%2e/%2e%2e/secret.txt',
      '/assets/link.txt', '/%00', '/%E0%A4%A', '/..\\secret.txt', '/assets/..%5c..%5csecret.txt', '//etc/passwd', '/assets/', '/assets', '/nope.js']) {
      const r = await get(p);
      expect(r.status, p).toBe(404);
      expect(r.body.toString()).not.toContain('top secret');
    }
  });
});

describe('serve: the API over WebSocket', () => {
  it('opens a file and pulls its frames', async () => {
    const api = new Api(await openWs());
    const expected = decodeFile(capture);
    const p = await api.ok<{ done: boolean; frames: number }>('openFile', { path: capture });
    expect(p).toMatchObject({ done: true, frames: expected.length });
    const page = await api.ok<{ total: number; rows: { number: number; info: string }[] }>('getFrames', { start: 0, count: 20 });
    expect(page.total).toBe(expected.length);
    expect(page.rows.map((r) => r.info)).toEqual(expected.slice(0, 20).map((f) => f.info));
    const detail = await api.ok<{ frame: { frame: number; info: string } }>('getFrame', { number: 3 });
    expect(detail.frame).toMatchObject({ frame: 3, info: expected[2].info });
    expect(api.events.some((e) => e.event === 'reset')).toBe(true);
    expect(api.events.some((e) => e.event === 'progress')).toBe(true);
    api.ws.close();
  });

  it('rejects invalid payloads with a logged reason and keeps serving', async () => {
    const api = new Api(await openWs());
    logs.length = 0;
    api.ws.send('not json');
    expect(await api.nextStray()).toEqual({ id: -1, error: { code: 'bad_request', message: 'message is not valid JSON' } });
    api.ws.send(JSON.stringify({ id: 5, method: 'getStatus', extra: true }));
    expect(await api.nextStray()).toMatchObject({ id: 5, error: { code: 'bad_request' } });
    api.ws.send(JSON.stringify([1, 2]));
    expect(await api.nextStray()).toMatchObject({ id: -1, error: { code: 'bad_request' } });
    api.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    expect(await api.nextStray()).toMatchObject({ id: -1, error: { code: 'bad_request', message: expect.stringMatching(/binary/) } });
    api.ws.send(JSON.stringify({ id: 6, method: 'getStatus', params: { x: 'y'.repeat(70_000) } }));
    expect(await api.nextStray()).toMatchObject({ id: -1, error: { code: 'bad_request', message: expect.stringMatching(/larger than/) } });
    expect(await api.call('dropTables', {})).toMatchObject({ error: { code: 'bad_request', message: expect.stringMatching(/unknown method/) } });
    expect(await api.call('getFrames', { start: 'a', count: 1 })).toMatchObject({ error: { code: 'bad_request', message: expect.stringMatching(/getFrames: start/) } });
    expect(await api.call('openFile', { path: '' })).toMatchObject({ error: { code: 'bad_request' } });
    expect(logs.length).toBeGreaterThanOrEqual(8);
    // Still alive and answering.
    expect(await api.call('getStatus', {})).toHaveProperty('result');
    // A message beyond the transport's hard limit closes that socket only.
    const closed = new Promise<number>((r) => api.ws.once('close', (code) => r(code)));
    api.ws.send('x'.repeat(300_000));
    expect(await closed).toBe(1009);
    const again = new Api(await openWs());
    expect(await again.call('getStatus', {})).toHaveProperty('result');
    again.ws.close();
  });

  it('accepts an upload (size-limited) that the client then opens, and downloads the capture', async () => {
    const bytes = readFileSync(capture);
    const api = new Api(await openWs());
    const session = await api.session();
    const upload = `/upload?token=${server.token}&session=${session}`;
    expect((await get(`${upload}&name=lab.pcap`, { method: 'POST', body: Buffer.alloc(100_001), headers: { 'Content-Type': 'application/octet-stream' } })).status).toBe(413);
    expect((await get(`${upload}&name=lab.pcap`, { method: 'POST', body: bytes, headers: { Origin: 'http://evil.example' } })).status).toBe(403);
    expect((await get(`/upload?token=${server.token}&name=lab.pcap`, { method: 'POST', body: bytes })).status).toBe(400);
    const up = await get(`${upload}&name=${encodeURIComponent('../../lab.pcap')}`, { method: 'POST', body: bytes, headers: { Origin: origin() } });
    expect(up.status).toBe(200);
    const { path } = JSON.parse(up.body.toString()) as { path: string };
    // The page opens the upload by a name that says nothing of where the server keeps it.
    expect(path).toMatch(/^upload:[A-Za-z0-9_-]+$/);
    expect(await api.ok('openFile', { path })).toMatchObject({ done: true, frames: decodeFile(capture).length });
    const down = await get(`/capture?token=${server.token}&session=${session}`);
    expect(down.status).toBe(200);
    expect(down.headers['content-disposition']).toBe('attachment; filename="lab.pcap"');
    expect(down.body.equals(bytes)).toBe(true);
    api.ws.close();
  });
});

const canCapture = process.getuid?.() === 0 && (await new CapCapture().availability()).available;
if (!canCapture) console.log('skipping live serve test: needs root and the cap module');

describe('serve: live capture', () => {
  it.skipIf(!canCapture)('streams a live capture on lo to a WebSocket client', async () => {
    const api = new Api(await openWs());
    const port = 24011;
    const st = await api.ok<{ state: string; file: string }>('startCapture', { interface: 'lo', filter: `tcp port ${port}` });
    expect(st.state).toBe('running');
    const srv = createServer((s) => s.on('data', () => s.end()));
    await new Promise<void>((r) => srv.listen(port, '127.0.0.1', () => r()));
    await new Promise<void>((resolve) => {
      const c = createConnection({ host: '127.0.0.1', port }, () => c.end("I'm TCP client"));
      c.on('close', () => resolve());
    });
    await new Promise((r) => setTimeout(r, 400));
    srv.close();
    await api.ok('stopCapture', {});
    const rows = api.events.filter((e) => e.event === 'frames').flatMap((e) => (e.payload as { rows: { number: number; protocol: string }[] }).rows);
    expect(rows.length).toBeGreaterThanOrEqual(6);
    expect(rows.every((r) => r.protocol === 'TCP')).toBe(true);
    expect(decodeFile(st.file).length).toBe(rows.length);
    api.ws.close();
  });
});
