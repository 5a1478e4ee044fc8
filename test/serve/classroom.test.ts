// Classroom mode, attacked as issue 13 attacked it, over the real HTTP + WebSocket server: each attack
// it lists is a test here (they all succeeded before sessions and roles existed). A teacher and students
// connect with their own tokens; students cannot capture, open server paths or download what was not
// shared; sessions do not see each other; files are checked before they are opened; captures and
// experiments are one at a time; a client that never reads cannot grow the server. Runs on the stand-in
// engine (test/backend/fake-engine.ts) and a stand-in capture.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { Worker } from 'node:worker_threads';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { request as httpRequest } from 'node:http';

// "Allow capture" would ask pkexec for root: here only whether it was asked, and by whom.
const elevations = vi.hoisted(() => ({ n: 0 }));
vi.mock('../../main/capture/enable', async (importOriginal) => ({
  ...(await importOriginal<typeof EnableModule>()),
  enableCapture: async () => { elevations.n++; return { outcome: 'cancelled', message: 'the stand-in prompt was dismissed' }; },
}));
vi.mock('../../main/engine/dissect/index', async () => await import('../backend/fake-engine'));
vi.mock('../../main/engine/tcp/tracker', async () => ({ TcpTracker: (await import('../backend/fake-engine')).TcpTracker }));
vi.mock('../../main/engine/tcp/states', async () => ({ StateTracker: (await import('../backend/fake-engine')).StateTracker }));

const { Service } = await import('../../main/backend/service');
const { startServer } = await import('../../main/serve/server');
const { startUploadServer } = await import('../helpers/upload-server');
const { FakeCapture } = await import('../backend/fake-capture');
const { synthFrames, writePcap } = await import('../backend/synth');
const { decodeFile, rawFrames } = await import('../helpers/decode');
import { Api, httpGet, openWs } from '../helpers/ws-api';
import type { RunningServer } from '../../main/serve/server';
import type { UploadServer } from '../helpers/upload-server';
import type * as EnableModule from '../../main/capture/enable';
import type { ClassSnapshot, SessionInfo, Share, StatusSnapshot } from '../../main/api/types';

const dir = mkdtempSync(join(tmpdir(), 'hl-class-'));
const root = join(dir, 'renderer');
const data = join(dir, 'data');
const lessonsDir = join(dir, 'lessons');
const capture = join(dir, 'lab.pcap');
const big = join(dir, 'big.pcap');
const secret = join(dir, 'shadow');
const SECRET = 'root:$6$saltsalt$not-a-capture:19000:0:99999:7:::\n';
const logs: string[] = [];
let server: RunningServer;
/** The wrong answer lesson "one" names a misconception for. */
let WRONG = 'CLOSED';
let service: InstanceType<typeof Service>;
let running: UploadServer;
const cap = new FakeCapture();

beforeAll(async () => {
  writePcap(capture, synthFrames({ connections: 6 }));
  writePcap(big, synthFrames({ connections: 7300, dataSegments: 2, payload: 100 }));
  writeFileSync(secret, SECRET);
  mkdirSync(lessonsDir);
  writeFileSync(join(lessonsDir, 'lab.pcap'), readFileSync(capture));
  const text = { en: 'x', 'zh-CN': 'x' };
  // The second step asks the client's state after frame 2; its choices hold the engine's answer and a
  // wrong one with the misconception the dashboard shows.
  const right = decodeFile(capture)[1].states!.client;
  WRONG = right === 'CLOSED' ? 'LISTEN' : 'CLOSED';
  const question = {
    kind: 'state', endpoint: 'client', prompt: text, explanation: text, choices: [right, WRONG],
    feedback: [{ state: WRONG, text: { en: 'A SYN was sent: the client is no longer there', 'zh-CN': '已发送 SYN' } }],
  };
  writeFileSync(join(lessonsDir, 'one.json'), JSON.stringify({ id: 'one', title: text, summary: text, capture: 'lab.pcap', steps: [{ frame: 1, text }, { frame: 2, text, question }] }));
  writeFileSync(join(lessonsDir, 'two.json'), JSON.stringify({ id: 'two', title: text, summary: text, capture: 'lab.pcap', steps: [{ frame: 3, text }] }));
  running = await startUploadServer(dir, { capture: cap, lessonsDir, log: (l) => logs.push(l), limits: { uploadFileBytes: 300_000, uploadTotalBytes: 400_000 } });
  ({ server, service } = running);
});

afterAll(async () => {
  await running.close();
});

/** Files under the autosave folder this process holds open for writing (/proc/self/fdinfo: access mode). */
function autosavesOpenForWriting(): string[] {
  const out: string[] = [];
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      const target = readlinkSync(`/proc/self/fd/${fd}`);
      const flags = parseInt(/^flags:\s+(\d+)/m.exec(readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8'))?.[1] ?? '0', 8);
      if (target.startsWith(join(data, 'captures')) && (flags & 3) !== 0) out.push(target);
    } catch { /* closed meanwhile */ }
  }
  return out;
}

const teacher = () => running.teacher();
const student = () => running.student();
const get = (path: string, opts: Parameters<typeof httpGet>[2] = {}) => httpGet(server.port, path, opts);
const upload = (api: Api, bytes: Buffer, name = 'mine.pcap') => running.post(api, bytes, { name });
const download = async (api: Api, token: string) => get(`/capture?token=${token}&session=${await api.session()}`);

describe('teacher and class URLs', () => {
  it('prints two URLs with different tokens; the class token gives the student role', async () => {
    expect(server.classToken).not.toBe(server.token);
    expect(server.classUrl).toBe(`http://127.0.0.1:${server.port}/?token=${server.classToken}`);
    const t = await teacher(), s = await student();
    await t.session();
    await s.session();
    expect(t.of<SessionInfo>('session')[0]).toMatchObject({ role: 'teacher', can: { capture: true, dashboard: true, openPath: true } });
    expect(s.of<SessionInfo>('session')[0]).toMatchObject({ role: 'student', can: { capture: false, experiment: false, openPath: false, dashboard: false, share: false } });
    t.close(); s.close();
  });
});

describe('a class client cannot sniff the teacher\'s machine (issue 13, 1)', () => {
  it('cannot list interfaces, capture, stop or reset a capture, save, or see the dashboard', async () => {
    const s = await student();
    for (const [m, p] of [['listInterfaces', {}], ['startCapture', { interface: 'eth0' }], ['startCapture', { interface: 'any' }], ['stopCapture', {}],
      ['saveCapture', { path: join(dir, 'authorized_keys') }], ['getClass', {}], ['exportClassCsv', {}], ['setClassPolicy', { experiments: true }],
      ['share', { what: 'view' }]] as const) {
      expect(await s.code(m, p), m).toBe('forbidden');
    }
    expect((await s.ok<{ capture: { available: boolean } }>('getAppInfo')).capture.available).toBe(false);
    expect(existsSync(join(dir, 'authorized_keys'))).toBe(false);
    s.close();
  });

  it('sees nothing of the teacher\'s live capture (frames, bytes, download) until it is shared; downloads only when allowed', async () => {
    const t = await teacher(), s = await student();
    await t.ok('startCapture', { interface: 'lo' });
    cap.deliver(rawFrames(capture));
    service.tick();
    const n = rawFrames(capture).length;
    expect((await t.ok<StatusSnapshot>('getStatus')).total).toBe(n);
    expect((await s.ok<StatusSnapshot>('getStatus')).total).toBe(0);
    expect(await s.code('getFrame', { number: 1 })).toBe('not_found');
    expect((await download(s, server.classToken)).status).toBe(404);
    // Shared without download: the student follows it, read-only, and still cannot download it.
    const share = await t.ok<Share>('share', { what: 'view', download: false });
    expect(share).toMatchObject({ kind: 'capture', title: 'lo', live: true, download: false });
    await expect.poll(() => s.of<Share[]>('shared').at(-1)?.map((x) => x.id)).toContain(share.id);
    await s.ok('openShared', { id: share.id });
    expect((await s.ok<StatusSnapshot>('getStatus')).total).toBe(n);
    expect((await s.ok<StatusSnapshot>('getStatus')).capture.file).toBeUndefined();
    expect(await s.code('stopCapture')).toBe('forbidden');
    const refused = await download(s, server.classToken);
    expect(refused.status).toBe(403);
    await t.ok('unshare', { id: share.id });
    const withDownload = await t.ok<Share>('share', { what: 'view', download: true });
    await s.ok('openShared', { id: withDownload.id });
    const got = await download(s, server.classToken);
    expect(got.status).toBe(200);
    expect(got.headers['content-disposition']).toBe('attachment; filename="lo.pcapng"');
    expect(decodeFile((() => { const f = join(dir, 'got.pcapng'); writeFileSync(f, got.body); return f; })()).length).toBe(n);
    // A student's token never downloads a teacher's session, even named.
    expect((await get(`/capture?token=${server.classToken}&session=${await t.session()}`)).status).toBe(400);
    await t.ok('stopCapture');
    await t.ok('unshare', { id: withDownload.id });
    t.close(); s.close();
  });

  it('one client opening a file or a lesson changes no other client\'s view', async () => {
    const a = await student(), b = await student(), t = await teacher();
    // A class session says who it is before it plays a lesson (one of the dashboard test's learners: that
    // test lists every learner the server knows).
    await a.ok('identify', { learner: 'learner-0-abcdefgh', name: 'Ada' });
    await a.ok('openLesson', { id: 'one' });
    const before = { b: await b.ok<StatusSnapshot>('getStatus'), t: await t.ok<StatusSnapshot>('getStatus') };
    b.events.length = 0;
    t.events.length = 0;
    await a.ok('openLesson', { id: 'two' });
    const up = await upload(a, readFileSync(capture));
    expect(up.status).toBe(200);
    await a.ok('openFile', { path: (JSON.parse(up.body.toString()) as { path: string }).path });
    expect(await b.ok<StatusSnapshot>('getStatus')).toEqual(before.b);
    expect(await t.ok<StatusSnapshot>('getStatus')).toEqual(before.t);
    expect(b.of('reset')).toEqual([]);
    expect(t.of('reset')).toEqual([]);
    a.close(); b.close(); t.close();
  });
});

describe('Allow capture (pkexec on the host) is the teacher\'s, at the computer', () => {
  it('a student is refused and never offered it; the teacher on loopback may; a server that does not allow it refuses everyone', async () => {
    const allowing = new Service({ transport: 'websocket', capture: cap, dataDir: data, lessonsDir, log: (l) => logs.push(l), canEnableCapture: true });
    const srv = await startServer({ service: allowing, rootDir: root, log: (l) => logs.push(l) });
    try {
      const s = new Api(await openWs(srv.port, `?token=${srv.classToken}`));
      const t = new Api(await openWs(srv.port, `?token=${srv.token}`));
      elevations.n = 0;
      expect(await s.code('enableCapture', {})).toBe('forbidden');
      expect(elevations.n, 'a student made the host ask for root').toBe(0);
      expect((await s.ok<{ capture: { help: { canFix: boolean } } }>('getAppInfo')).capture.help.canFix).toBe(false);
      expect(await t.ok<{ outcome: string }>('enableCapture', {})).toMatchObject({ outcome: 'cancelled' });
      expect(elevations.n).toBe(1);
      s.close(); t.close();
      // The classroom server above was not told this computer's user may be asked: nobody may.
      const t2 = await teacher();
      expect(await t2.code('enableCapture', {})).toBe('forbidden');
      expect(elevations.n).toBe(1);
      t2.close();
    } finally {
      await allowing.dispose();
      await srv.close();
    }
  });
});

describe('files confined (issue 13, 2)', () => {
  it('openFile of a file that is not a capture fails without changing the session, and /capture serves nothing of it', async () => {
    const t = await teacher();
    await t.ok('openFile', { path: capture });
    const r = await t.call('openFile', { path: secret });
    expect(r).toMatchObject({ error: { code: 'file_error' } });
    const message = 'error' in r ? r.error.message : '';
    expect(message).toBe(`${secret}: is not a pcap or pcapng capture file`);
    expect(message).not.toMatch(/0x|bytes|root/);
    expect((await t.ok<StatusSnapshot>('getStatus')).total).toBe(decodeFile(capture).length);
    const d = await download(t, server.token);
    expect(d.body.toString('latin1')).not.toContain('root:');
    expect(d.body.equals(readFileSync(capture))).toBe(true);
    // A fresh session that only tried the secret has nothing to download.
    const u = await teacher();
    expect(await u.code('openFile', { path: secret })).toBe('file_error');
    expect((await download(u, server.token)).status).toBe(404);
    t.close(); u.close();
  });

  it('a FIFO or a device is refused at once: nothing waits on a pipe nobody writes to (fresh eyes: four such opens stalled every upload)', { timeout: 20_000 }, async () => {
    const t = await teacher();
    const fifos = [1, 2, 3, 4, 5].map((i) => join(dir, `fifo${i}`));
    for (const f of fifos) spawnSync('mkfifo', [f]);
    const answers = await Promise.all(fifos.map((f) => t.call('openFile', { path: f })));
    for (const [i, r] of answers.entries()) expect(r, fifos[i]).toMatchObject({ error: { code: 'file_error', message: `${fifos[i]}: is not a regular file` } });
    expect(await t.call('openFile', { path: '/dev/zero' })).toMatchObject({ error: { code: 'file_error', message: '/dev/zero: is not a regular file' } });
    // The file threads are free: a real open still works.
    await t.ok('openFile', { path: capture });
    t.close();
  });

  it('importLesson of a FIFO or a device is refused at once (fresh eyes: /dev/zero grew the server to 14 GB, a FIFO froze it)', { timeout: 20_000 }, async () => {
    const t = await teacher();
    const fifo = join(dir, 'lesson-fifo.json');
    spawnSync('mkfifo', [fifo]);
    // A writer after 3 s on a thread of its own, so that a server blocked on the pipe comes back (and the test fails).
    const writer = new Worker(`setTimeout(() => require('node:fs').closeSync(require('node:fs').openSync(${JSON.stringify(fifo)}, 'w')), 3000)`, { eval: true });
    await new Promise((r) => writer.once('online', r));
    try {
      const t0 = performance.now();
      expect(await t.call('importLesson', { path: fifo })).toMatchObject({ error: { code: 'bad_request', message: `cannot import ${fifo}: not a regular file` } });
      expect(performance.now() - t0).toBeLessThan(1000);
    } finally {
      await writer.terminate();
    }
    expect(await t.call('importLesson', { path: '/dev/zero' })).toMatchObject({ error: { code: 'bad_request', message: 'cannot import /dev/zero: not a regular file' } });
    t.close();
  });

  it('saveCapture never writes a file on the server for a browser', async () => {
    const t = await teacher();
    await t.ok('openFile', { path: capture });
    const target = join(dir, 'authorized_keys');
    expect(await t.code('saveCapture', { path: target })).toBe('forbidden');
    expect(existsSync(target)).toBe(false);
    t.close();
  });

  it('a student opens only its own uploads: no server path, no other student\'s upload', async () => {
    const a = await student(), b = await student();
    expect(await a.code('openFile', { path: capture })).toBe('forbidden');
    expect(await a.code('openFile', { path: '/etc/passwd' })).toBe('forbidden');
    const up = await upload(a, readFileSync(capture));
    const handle = (JSON.parse(up.body.toString()) as { path: string }).path;
    expect(handle).toMatch(/^upload:/);
    expect(await b.code('openFile', { path: handle })).toBe('not_found');
    const p = await a.ok<{ file: string; frames: number }>('openFile', { path: handle });
    expect(p).toMatchObject({ file: 'mine.pcap', frames: decodeFile(capture).length });
    const st = await a.ok<StatusSnapshot>('getStatus');
    expect(JSON.stringify(st)).not.toContain(dir);
    a.close(); b.close();
  });

  it('a small gzip upload that decompresses past the upload limit stops there, saying so (fresh eyes: 400 KB opened as 26 million frames)', async () => {
    const a = await student();
    // A pcap header, then 2 MB of zeros: empty records, 16 bytes each, gzipped to a few kilobytes.
    const header = Buffer.alloc(24);
    header.writeUInt32LE(0xa1b2c3d4, 0); header.writeUInt16LE(2, 4); header.writeUInt16LE(4, 6);
    header.writeUInt32LE(65535, 16); header.writeUInt32LE(1, 20);
    const bomb = gzipSync(Buffer.concat([header, Buffer.alloc(2_000_000)]), { level: 9 });
    expect(bomb.length).toBeLessThan(10_000);
    const up = await upload(a, bomb, 'bomb.pcap.gz');
    const handle = (JSON.parse(up.body.toString()) as { path: string }).path;
    const r = await a.call('openFile', { path: handle });
    const said = JSON.stringify(r);
    expect(said).toContain('bomb.pcap.gz: decompresses to more than 0.3 MB, the largest capture this server opens from a browser');
    // It stopped near the limit: 300,000 bytes hold at most 18,750 empty records.
    const st = await a.ok<StatusSnapshot>('getStatus');
    expect(st.total).toBeLessThanOrEqual(300_000 / 16);
    // Its decompressed copy counts against the upload quota as the upload does, until the capture goes.
    const used = service.uploads!.used;
    expect(used).toBeGreaterThan(250_000);
    const id = await a.session();
    a.close();
    service.hub.free(service.sessionById(id)!);
    expect(service.uploads!.used).toBeLessThan(used - 250_000);
  });

  it('uploads are limited per file and in total, with the limit named', async () => {
    const a = await student(), b = await student();
    const tooBig = await upload(a, Buffer.alloc(300_001));
    expect(tooBig.status).toBe(413);
    expect(tooBig.body.toString()).toMatch(/larger than the 300000-byte limit/);
    expect((await upload(a, Buffer.alloc(250_000))).status).toBe(200);
    const over = await upload(b, Buffer.alloc(250_000));
    expect(over.status).toBe(413);
    expect(over.body.toString()).toMatch(/limited to 400000 bytes in total/);
    a.close(); b.close();
  });

  it('an upload that arrives for a session freed meanwhile is refused and removed, its bytes uncounted (fresh eyes: committed to the gone session, kept and counted for ever)', async () => {
    const a = await student();
    const id = await a.session();
    const uploads = service.uploads!;
    const before = readdirSync(uploads.dir).sort();
    const usedBefore = uploads.used;
    const bytes = readFileSync(capture);
    // Half the body, then the session goes (idle too long, or evicted), then the rest.
    const reply = new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port: server.port, method: 'POST', path: `/upload?token=${server.classToken}&session=${id}&name=late.pcap`, headers: { 'Content-Length': String(bytes.length) } }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => { body += c; });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.write(bytes.subarray(0, 100));
      setTimeout(() => {
        a.close();
        service.hub.free(service.sessionById(id)!);
        req.end(bytes.subarray(100));
      }, 100);
    });
    const r = await reply;
    expect(r.status).toBe(410);
    expect(r.body).toMatch(/session ended while the upload arrived/);
    await new Promise((res) => setTimeout(res, 50));
    expect(readdirSync(uploads.dir).sort()).toEqual(before);
    expect(uploads.used).toBe(usedBefore);
  });
});

describe('one capture and one experiment at a time (issue 13, 3)', () => {
  it('concurrent startCapture gives one capture and busy; stop leaves no capture and no open autosave', async () => {
    const t = await teacher();
    const starts = cap.started.length;
    const codes = await Promise.all([1, 2, 3, 4].map(() => t.code('startCapture', { interface: 'lo' })));
    expect(codes.filter((c) => c === 'ok')).toHaveLength(1);
    expect(codes.filter((c) => c === 'busy')).toHaveLength(3);
    expect(cap.started.length - starts).toBe(1);
    await t.ok('stopCapture');
    expect(cap.running).toBe(0);
    expect(autosavesOpenForWriting()).toEqual([]);
    t.close();
  });

  it('the server\'s own port is left out of a capture on the interface that carries it', async () => {
    const t = await teacher();
    await t.ok('startCapture', { interface: 'lo', filter: 'tcp' });
    expect(cap.options?.filter).toBe(`(tcp) and not (tcp port ${server.port})`);
    expect((await t.ok<StatusSnapshot>('getStatus')).capture).toMatchObject({ filter: 'tcp', excluded: `tcp port ${server.port}` });
    await t.ok('stopCapture');
    await t.ok('startCapture', { interface: 'eth0' });
    expect(cap.options?.filter).toBe('');
    await t.ok('stopCapture');
    t.close();
  });
});

describe('no client can exhaust or freeze the server (issue 13, 4)', () => {
  it('a client that never reads has at most a few requests handled: its socket is not read meanwhile', async () => {
    const t = await teacher();
    await t.ok('openFile', { path: big });
    const handled = { n: 0 };
    const real = service.handle.bind(service);
    const spy = vi.spyOn(service, 'handle').mockImplementation((m, p, c) => { if (m === 'getFrames') handled.n++; return real(m, p, c); });
    const rss0 = process.memoryUsage.rss();
    (t.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket.pause();
    for (let i = 0; i < 150; i++) t.ws.send(JSON.stringify({ id: 1000 + i, method: 'getFrames', params: { start: i * 500, count: 10_000 } }));
    await new Promise((r) => setTimeout(r, 1500));
    // 8 in flight at most, plus the answers the kernel's socket buffers took (a few megabytes); without
    // the limit all 150 would have been taken up at once.
    expect(handled.n).toBeLessThanOrEqual(16);
    // 150 answers of 10,000 rows would be over a gigabyte; a handful is tens of megabytes. RSS also holds
    // garbage not yet collected (up to ~250 MB seen on a loaded machine), so the bound sits between the two.
    expect(process.memoryUsage.rss() - rss0).toBeLessThan(500 * 1024 * 1024);
    spy.mockRestore();
    t.close();
  });

  it('a client that never reads is bounded in bytes too: no new request is taken while megabytes of its answers wait (fresh eyes: 8 × 16 MB answers per socket)', async () => {
    const t = await teacher();
    const handled = { n: 0 };
    const real = service.handle.bind(service);
    // Answers of 16 MB each, as 10,000 rows with 1,400-character URIs in Info were.
    const spy = vi.spyOn(service, 'handle').mockImplementation(async (m, p, c) => {
      if (m !== 'getFrames') return real(m, p, c);
      handled.n++;
      return { total: 1, start: 0, rows: [], note: 'x'.repeat(16 * 1024 * 1024) } as never;
    });
    (t.ws as unknown as { _socket: { pause(): void } })._socket.pause();
    // One request every 100 ms, as a page that keeps pulling sends them (a burst read at once is bounded by number).
    for (let i = 0; i < 12; i++) {
      t.ws.send(JSON.stringify({ id: 5000 + i, method: 'getFrames', params: { start: 0, count: 10 } }));
      await new Promise((r) => setTimeout(r, 100));
    }
    await new Promise((r) => setTimeout(r, 500));
    // The first answer alone is more than the kernel's socket buffers take: the rest wait unread. Eight
    // (the limit in number) would be 128 MB held for one socket.
    expect(handled.n).toBeGreaterThanOrEqual(1);
    expect(handled.n).toBeLessThanOrEqual(2);
    spy.mockRestore();
    t.close();
  });

  it('a burst of large pulls from a client that never reads is taken one at a time (fresh eyes: 20 sockets × 8 listConnections of 7 MB held 2.2 GB)', async () => {
    const t = await teacher();
    const taken: string[] = [];
    const real = service.handle.bind(service);
    // Answers of 16 MB each: a connection list of 30,000 connections, a series of a long connection, 10,000 long rows.
    const spy = vi.spyOn(service, 'handle').mockImplementation(async (m, p, c) => {
      if (m !== 'listConnections' && m !== 'getSeries' && m !== 'getFrames' && m !== 'getLadder') return real(m, p, c);
      taken.push(m);
      return Array.from({ length: 2000 }, (_, i) => ({ stream: i, note: 'x'.repeat(8 * 1024) })) as never;
    });
    try {
      (t.ws as unknown as { _socket: { pause(): void } })._socket.pause();
      // Read by the server in one go, before any answer is made: the limit in number alone took all eight.
      const burst = [
        ...Array.from({ length: 4 }, () => ({ method: 'listConnections', params: {} })),
        { method: 'getSeries', params: { stream: 0, kind: 'stevens' } },
        { method: 'getFrames', params: { start: 0, count: 10_000 } },
        { method: 'getLadder', params: { stream: 0, count: 10_000 } },
        { method: 'getLadder', params: { stream: 0 } },
      ];
      for (const [i, b] of burst.entries()) t.ws.send(JSON.stringify({ id: 7000 + i, ...b }));
      await new Promise((r) => setTimeout(r, 1500));
      // The first answer alone is more than the kernel's socket buffers take: the others wait unread.
      expect(taken.length).toBe(1);
    } finally {
      spy.mockRestore();
      t.close();
    }
  });

  it('a large answer held back by a client that stopped reading arrives whole once it reads, and the requests behind it are answered', async () => {
    const s = await student();
    await s.session();
    const real = service.handle.bind(service);
    const spy = vi.spyOn(service, 'handle').mockImplementation(async (m, p, c) => {
      if (m !== 'listConnections') return real(m, p, c);
      return Array.from({ length: 2000 }, (_, i) => ({ stream: i, note: 'x'.repeat(8 * 1024) })) as never;
    });
    try {
      const socket = (s.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket;
      socket.pause();
      const big = s.call('listConnections');
      await new Promise((r) => setTimeout(r, 300));
      const behind = [s.call('getStatus'), s.call('listConnections'), s.call('getStatus')];
      await new Promise((r) => setTimeout(r, 300));
      socket.resume();
      // Both answered, in full, once the client reads again.
      for (const r of [big, behind[1]]) expect(((await r) as { result: unknown[] }).result).toHaveLength(2000);
      for (const r of [behind[0], behind[2]]) expect(await r).toHaveProperty('result.capture');
    } finally {
      spy.mockRestore();
      s.close();
    }
  });

  it('a live push is serialized and encoded once for every student following it: each socket is handed the same bytes', async () => {
    const { default: WebSocket } = await import('ws');
    const t = await teacher();
    await t.ok('startCapture', { interface: 'lo' });
    const frames = rawFrames(capture);
    cap.deliver(frames.slice(0, 10));
    service.tick();
    const share = await t.ok<Share>('share', { what: 'view', download: false });
    const students = await Promise.all(Array.from({ length: 5 }, () => student()));
    for (const s of students) await s.ok('openShared', { id: share.id });
    // Everyone has caught up: the next round's rows are the same for all six (their cursors are alike).
    service.tick();
    await new Promise((r) => setTimeout(r, 200));
    const sent: unknown[] = [];
    // What the server hands each socket to send (the server's sockets and these clients' share the class).
    const real = WebSocket.prototype.send;
    WebSocket.prototype.send = function (this: InstanceType<typeof WebSocket>, ...args: unknown[]) {
      if (String(args[0]).startsWith('{"event":"frames"')) sent.push(args[0]);
      return (real as (...a: unknown[]) => void).apply(this, args);
    } as typeof real;
    try {
      const got = students.map((s) => s.events.length);
      cap.deliver(frames.slice(10, 20));
      service.tick();
      await expect.poll(() => students.every((s, i) => s.events.slice(got[i]).some((e) => e.event === 'frames'))).toBe(true);
    } finally {
      WebSocket.prototype.send = real;
    }
    // Six sockets (the teacher and five students) at the same place: one Buffer, the same for all of them.
    expect(sent.length).toBeGreaterThanOrEqual(6);
    expect(sent.every((d) => Buffer.isBuffer(d))).toBe(true);
    expect(new Set(sent).size).toBe(1);
    await t.ok('stopCapture');
    t.close();
    for (const s of students) s.close();
  });

  it('GET / keeps answering while another client pulls 50,000 rows at a time', { timeout: 240_000 }, async () => {
    // The puller runs in a process of its own, so that only the server's work is measured here.
    const script = `
      const WebSocket = require('ws');
      const [port, token, file, want] = process.argv.slice(1);
      const ws = new WebSocket('ws://127.0.0.1:' + port + '/ws?token=' + token, { origin: 'http://127.0.0.1:' + port });
      let next = 1; const waiting = new Map();
      ws.on('message', (d) => { const m = JSON.parse(String(d)); if (m.id && waiting.has(m.id)) { waiting.get(m.id)(m); waiting.delete(m.id); } });
      const call = (method, params) => new Promise((r) => { const id = next++; waiting.set(id, r); ws.send(JSON.stringify({ id, method, params })); });
      ws.on('open', async () => {
        const opened = await call('openFile', { path: file });
        process.stdout.write('opened ' + opened.result.frames + '\\n');
        const total = opened.result.frames;
        let pulled = 0, k = 0;
        while (pulled < Number(want)) {
          const batch = await Promise.all([0, 1, 2, 3].map(() => call('getFrames', { start: ((k++) * 10000) % (total - 10000), count: 10000 })));
          pulled += batch.reduce((n, b) => n + b.result.rows.length, 0);
        }
        process.stdout.write('pulled ' + pulled + '\\n');
        ws.close();
      });`;
    // The prober runs in a process of its own too, open loop: a request every 20 ms whether or not the
    // last was answered, so a server that stops answering for a second is charged for every request that
    // waited (a prober sharing the server's event loop could not even send them).
    const prober = `
      const http = require('http');
      const [port] = process.argv.slice(1);
      const waits = []; let open = 0;
      const timer = setInterval(() => {
        const t0 = performance.now(); open++;
        http.get({ host: '127.0.0.1', port, path: '/' }, (res) => { res.resume(); res.on('end', () => { waits.push(performance.now() - t0); open--; }); });
      }, 20);
      process.on('SIGTERM', () => { clearInterval(timer); const done = () => open ? setTimeout(done, 20) : process.stdout.write(JSON.stringify(waits), () => process.exit(0)); done(); });`;
    /** GET / waits, sorted, while another process pulls `rows` rows in 10,000-row requests, four at a time. */
    const waitsWhilePulling = async (rows: number): Promise<number[]> => {
      const child = spawn(process.execPath, ['-e', script, String(server.port), server.token, big, String(rows)], { cwd: join(__dirname, '..', '..'), stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      child.stdout.on('data', (d) => { out += d; });
      while (!/opened/.test(out) && child.exitCode === null) await new Promise((r) => setTimeout(r, 50));
      const probe = spawn(process.execPath, ['-e', prober, String(server.port)], { stdio: ['ignore', 'pipe', 'inherit'] });
      let probed = '';
      probe.stdout.on('data', (d) => { probed += d; });
      const probeDone = new Promise((r) => probe.on('exit', r));
      while (!/pulled/.test(out) && child.exitCode === null) await new Promise((r) => setTimeout(r, 50));
      probe.kill('SIGTERM');
      await probeDone;
      expect(out).toMatch(/pulled \d+/);
      return (JSON.parse(probed) as number[]).sort((a, b) => a - b);
    };
    const p90 = (w: number[]) => w[Math.floor(w.length * 0.9)];
    const slicedBefore = await waitsWhilePulling(50_000);
    // The same pulls with every slice run to its end at once, as before slicing: measured in between, so
    // the machine's load (which stretches every wait) is alike for both.
    const slicer = service.hub.slicer;
    const run = slicer.run.bind(slicer);
    slicer.run = async (task) => { while (task.step()); };
    const whole = await waitsWhilePulling(50_000);
    slicer.run = run;
    const slicedAfter = await waitsWhilePulling(50_000);
    const worst = Math.max(p90(slicedBefore), p90(slicedAfter));
    console.log(`GET / p90 while another client pulls: ${p90(slicedBefore).toFixed(0)} / ${p90(slicedAfter).toFixed(0)} ms sliced, ${p90(whole).toFixed(0)} ms with each pull done in one go (${slicedBefore.length}, ${whole.length}, ${slicedAfter.length} requests)`);
    // The 100 ms target is measured in npm run bench; here the mechanism: far shorter waits than unsliced.
    expect(Math.min(slicedBefore.length, slicedAfter.length, whole.length)).toBeGreaterThan(10);
    expect(worst).toBeLessThan(p90(whole) / 2);
  });

  it('GET / keeps answering while another client graphs one connection of 500,000 frames, six series kinds (fresh eyes: GET / waited 6 s)', { timeout: 600_000 }, async () => {
    const long = join(dir, 'one-long.pcap');
    // One connection: the handshake, 124,998 rounds of four segments, the close.
    writePcap(long, synthFrames({ connections: 1, dataSegments: 124_998, payload: 100, arpEvery: 0, ipv6Every: 0 }));
    // The grapher runs in a process of its own: it opens the file, then asks the graphs tab's six kinds, one after another.
    const script = `
      const WebSocket = require('ws');
      const [port, token, file] = process.argv.slice(1);
      const ws = new WebSocket('ws://127.0.0.1:' + port + '/ws?token=' + token, { origin: 'http://127.0.0.1:' + port });
      let next = 1; const waiting = new Map();
      ws.on('message', (d) => { const m = JSON.parse(String(d)); if (m.id && waiting.has(m.id)) { waiting.get(m.id)(m); waiting.delete(m.id); } });
      const call = (method, params) => new Promise((r) => { const id = next++; waiting.set(id, r); ws.send(JSON.stringify({ id, method, params })); });
      const go = (what) => new Promise((r) => { process.stdout.write(what + '\\n'); process.stdin.once('data', r); });
      ws.on('open', async () => {
        const opened = await call('openFile', { path: file });
        await go('opened ' + opened.result.frames);
        const points = [];
        for (const kind of ['stevens', 'acks', 'segments', 'throughput', 'window', 'rtt']) {
          const r = await call('getSeries', { stream: 0, kind });
          points.push(r.error ? r.error.code : r.result.map((s) => s.frames.length).join('+'));
        }
        process.stdout.write('graphed ' + points.join(' ') + '\\n');
        ws.close();
      });`;
    const prober = `
      const http = require('http');
      const [port] = process.argv.slice(1);
      const waits = []; let open = 0;
      const timer = setInterval(() => {
        const t0 = performance.now(); open++;
        http.get({ host: '127.0.0.1', port, path: '/' }, (res) => { res.resume(); res.on('end', () => { waits.push(performance.now() - t0); open--; }); });
      }, 20);
      process.on('SIGTERM', () => { clearInterval(timer); const done = () => open ? setTimeout(done, 20) : process.stdout.write(JSON.stringify(waits), () => process.exit(0)); done(); });`;
    let graphed = '';
    /** Streams whose points were made in the run's capture (one session, one store). */
    let made: number[] = [];
    /** GET / waits, sorted, while another process asks the six series of the long connection (the file opened first, unmeasured). */
    const waitsWhileGraphing = async (): Promise<number[]> => {
      const child = spawn(process.execPath, ['-e', script, String(server.port), server.token, long], { cwd: join(__dirname, '..', '..'), stdio: ['pipe', 'pipe', 'inherit'] });
      let out = '';
      child.stdout.on('data', (d) => { out += d; });
      while (!/opened/.test(out) && child.exitCode === null) await new Promise((r) => setTimeout(r, 50));
      const probe = spawn(process.execPath, ['-e', prober, String(server.port)], { stdio: ['ignore', 'pipe', 'inherit'] });
      let probed = '';
      probe.stdout.on('data', (d) => { probed += d; });
      const probeDone = new Promise((r) => probe.on('exit', r));
      await new Promise((r) => setTimeout(r, 200));
      child.stdin.write('go\n');
      while (!/graphed/.test(out) && child.exitCode === null) await new Promise((r) => setTimeout(r, 50));
      probe.kill('SIGTERM');
      await probeDone;
      child.stdin.end();
      // Its session (kept for a reload) goes, and its capture with it: the runs do not pile up half a million frames each.
      made = [];
      for (const x of [...service.hub.allSessions()]) {
        if (x.source.file !== long) continue;
        made.push(service.hub.series.made(x.source.store));
        service.hub.free(x);
      }
      expect(out).toMatch(/opened 499998\n/);
      graphed = /graphed (.*)/.exec(out)?.[1] ?? '';
      return (JSON.parse(probed) as number[]).sort((a, b) => a - b);
    };
    const max = (w: number[]) => w[w.length - 1];
    const slicedBefore = await waitsWhileGraphing();
    const slicedGraphs = graphed;
    // The stream's points were made once for the six kinds (each file opened is a store of its own).
    expect(made).toEqual([1]);
    // The same requests with every slice run to its end at once, as before slicing, measured in between.
    const slicer = service.hub.slicer;
    const run = slicer.run.bind(slicer);
    slicer.run = async (task) => { while (task.step()); };
    const whole = await waitsWhileGraphing();
    const wholeGraphs = graphed;
    slicer.run = run;
    const slicedAfter = await waitsWhileGraphing();
    // Six answers, the same sliced or not (every series, both directions, all its points).
    expect(slicedGraphs.split(' ')).toHaveLength(6);
    expect(slicedGraphs).not.toMatch(/[a-z]/);
    expect(wholeGraphs).toBe(slicedGraphs);
    expect(graphed).toBe(slicedGraphs);
    const p99 = (w: number[]) => w[Math.floor(w.length * 0.99)];
    const worst = Math.max(p99(slicedBefore), p99(slicedAfter));
    console.log(`GET / while another client graphs 500,000 frames: p99 ${p99(slicedBefore).toFixed(0)} / ${p99(slicedAfter).toFixed(0)} ms sliced, ${p99(whole).toFixed(0)} ms with each step run to its end at once; max ${max(slicedBefore).toFixed(0)} / ${max(slicedAfter).toFixed(0)} and ${max(whole).toFixed(0)} ms (${slicedBefore.length}, ${whole.length}, ${slicedAfter.length} requests)`);
    // The waits are measured in npm run bench; here the mechanism: far shorter waits than unsliced, on a machine however loaded.
    expect(Math.min(slicedBefore.length, slicedAfter.length, whole.length)).toBeGreaterThan(10);
    expect(worst).toBeLessThan(p99(whole) / 2);
  });
});

describe('limits on disk (issue 13, 5)', () => {
  it('a capture stops at its size limit with a note, keeping every frame it took', async () => {
    const s2 = new Service({ transport: 'websocket', capture: new FakeCapture(), dataDir: join(dir, 'data-limit'), lessonsDir: null, log: () => undefined, pushIntervalMs: 0, limits: { captureBytes: 2000 } });
    const c = { id: 'x', emit: () => undefined };
    await s2.handle('startCapture', { interface: 'lo' }, c);
    const fc = (s2.hub.capture as InstanceType<typeof FakeCapture>);
    // Frames keep coming until the capture stops at its limit.
    for (let i = 0; i < 5 && fc.events; i++) fc.deliver(rawFrames(capture));
    expect(fc.events).toBeNull();
    await new Promise((r) => setTimeout(r, 20));
    const st = await s2.handle('getStatus', {}, c);
    expect(st.capture).toMatchObject({ state: 'idle', limit: { kind: 'bytes', value: 2000 } });
    expect(decodeFile(st.capture.file as string).length).toBe(st.total);
    expect(fc.running).toBe(0);
    await s2.dispose();
  });

  it('a capture stops at its time limit too', async () => {
    const fc = new FakeCapture();
    const s2 = new Service({ transport: 'websocket', capture: fc, dataDir: join(dir, 'data-seconds'), lessonsDir: null, log: () => undefined, pushIntervalMs: 0, limits: { captureSeconds: 0.2 } });
    const c = { id: 'x', emit: () => undefined };
    await s2.handle('startCapture', { interface: 'lo' }, c);
    fc.deliver(rawFrames(capture));
    await new Promise((r) => setTimeout(r, 500));
    expect((await s2.handle('getStatus', {}, c)).capture).toMatchObject({ state: 'idle', limit: { kind: 'seconds', value: 0.2 } });
    expect(fc.running).toBe(0);
    await s2.dispose();
  });

  it('autosaves beyond the retention go oldest first, never the capture in progress', async () => {
    const fc = new FakeCapture();
    const d = join(dir, 'data-retention');
    const s2 = new Service({ transport: 'websocket', capture: fc, dataDir: d, lessonsDir: null, log: () => undefined, pushIntervalMs: 0, limits: { autosaveFiles: 3 } });
    const c = { id: 'x', emit: () => undefined };
    const files: string[] = [];
    for (let i = 0; i < 6; i++) {
      const st = await s2.handle('startCapture', { interface: 'lo' }, c);
      files.push(st.file as string);
      fc.deliver(rawFrames(capture).slice(0, 3));
      await new Promise((r) => setTimeout(r, 30));
      if (i < 5) await s2.handle('stopCapture', {}, c);
    }
    await new Promise((r) => setTimeout(r, 100));
    const left = readdirSync(join(d, 'captures')).map((f) => join(d, 'captures', f)).sort();
    expect(left).toEqual(files.slice(-3).sort());
    await s2.dispose();
  });
});

describe('sessions do not pile up', () => {
  it('a session without a connection is freed after the idle time, its uploads with it (unless a capture still reads them)', async () => {
    mkdirSync(join(dir, 'up-idle'));
    const s2 = new Service({ transport: 'websocket', dataDir: join(dir, 'data-idle'), lessonsDir: null, log: () => undefined, pushIntervalMs: 0, uploadDir: join(dir, 'up-idle'), limits: { sessionIdleMs: 1000 } });
    const a = s2.connect({ id: 'a', emit: () => undefined }, { role: 'student', loopback: true })!;
    const b = s2.connect({ id: 'b', emit: () => undefined }, { role: 'student', loopback: true })!;
    const store = (sess: typeof a, name: string) => {
      const path = join(dir, 'up-idle', name);
      writeFileSync(path, readFileSync(capture));
      const t = s2.uploads!.begin();
      t.add(readFileSync(capture).length);
      sess.uploads.add(path);
      return { path, handle: s2.uploads!.commit(path, sess.id, readFileSync(capture).length) };
    };
    const ua = store(a, 'a.pcap'), ub = store(b, 'b.pcap');
    await s2.handle('openFile', { path: ub.handle }, { id: 'b', emit: () => undefined });
    const share = s2.classroom.add('file', 'b.pcap', { source: s2.sessionById(b.id)!.source, download: false });
    s2.detach('a');
    s2.detach('b');
    s2.hub.sweep(Date.now() + 500);
    expect(s2.sessionById(a.id)).toBeDefined();
    s2.hub.sweep(Date.now() + 1500);
    expect(s2.sessionById(a.id)).toBeUndefined();
    expect(s2.sessionById(b.id)).toBeUndefined();
    await new Promise((r) => setTimeout(r, 50));
    expect(existsSync(ua.path)).toBe(false);
    // b's upload is still shared (its capture open): it goes when the share does.
    expect(existsSync(ub.path)).toBe(true);
    s2.classroom.remove(share.id);
    await new Promise((r) => setTimeout(r, 50));
    expect(existsSync(ub.path)).toBe(false);
    expect(s2.uploads!.used).toBe(0);
    await s2.dispose();
  });
});

describe('a student cannot take every place (fresh eyes: 310 sockets from one class token locked the teacher out)', () => {
  it('students never take the teacher\'s reserve, one address holds a bounded number, and a session identifies as a few learners at most', async () => {
    const s2 = new Service({
      transport: 'websocket', dataDir: join(dir, 'data-room'), lessonsDir: null, log: () => undefined, pushIntervalMs: 0,
      limits: { maxSessions: 12, teacherReserve: 4, studentSessionsPerAddress: 3, learnersPerSession: 2 },
    });
    const client = (id: string) => ({ id, emit: () => undefined });
    // From one classroom address: three sessions, then refused; another address gets its own.
    const fromA = [0, 1, 2, 3].map((i) => s2.connect(client(`a${i}`), { role: 'student', loopback: false, address: '10.0.0.5' }));
    expect(fromA.map((x) => x !== null)).toEqual([true, true, true, false]);
    // Loopback (one machine, as tests and the bench run a class) is not counted per address, but the
    // students' share still ends before the teacher's reserve: 8 places for students in all.
    const local = Array.from({ length: 10 }, (_, i) => s2.connect(client(`l${i}`), { role: 'student', loopback: true }));
    expect(local.filter((x) => x !== null).length).toBe(8 - 3);
    for (let i = 0; i < 4; i++) expect(s2.connect(client(`t${i}`), { role: 'teacher', loopback: true }), `teacher ${i}`).not.toBeNull();
    // A session may identify as two learners; a third made-up key is refused, the known ones still work.
    const c = client('a0');
    await s2.handle('identify', { learner: 'learner-one-0001', name: 'One' }, c);
    await s2.handle('identify', { learner: 'learner-two-0002', name: 'Two' }, c);
    await expect(s2.handle('identify', { learner: 'learner-fake-0003', name: 'Bot' }, c)).rejects.toMatchObject({ code: 'busy' });
    await s2.handle('identify', { learner: 'learner-one-0001' }, c);
    expect(s2.classroom.progress.learners().map((r) => r.learner).sort()).toEqual(['learner-one-0001', 'learner-two-0002']);
    await s2.dispose();
  });

  it('a student is let in while idle sessions can be freed, however many the teacher\'s tabs left (fresh eyes: refused with 299 idle sessions)', async () => {
    const s2 = new Service({
      transport: 'websocket', dataDir: join(dir, 'data-room2'), lessonsDir: null, log: () => undefined, pushIntervalMs: 0,
      limits: { maxSessions: 12, teacherReserve: 4 },
    });
    const client = (id: string) => ({ id, emit: () => undefined });
    // The teacher's tabs take every place, then all of them close (a break, a reload of every tab).
    const tabs = Array.from({ length: 12 }, (_, i) => `t${i}`);
    for (const id of tabs) expect(s2.connect(client(id), { role: 'teacher', loopback: true })).not.toBeNull();
    for (const id of tabs) s2.detach(id);
    // Twelve idle sessions, eight places for students: the first student frees what it takes to get one.
    expect(s2.connect(client('s0'), { role: 'student', loopback: true })).not.toBeNull();
    expect([...s2.hub.allSessions()].length).toBeLessThanOrEqual(8);
    await s2.dispose();
  });

  it('a student cycling sockets recycles its own sessions, never another student\'s idle one (fresh eyes: new sockets evicted the class\'s idle sessions, oldest first)', async () => {
    const s2 = new Service({
      transport: 'websocket', dataDir: join(dir, 'data-room3'), lessonsDir: null, log: () => undefined, pushIntervalMs: 0,
      limits: { maxSessions: 12, teacherReserve: 4, studentSessionsPerAddress: 3 },
    });
    const client = (id: string) => ({ id, emit: () => undefined });
    const from = (address: string) => ({ role: 'student' as const, loopback: false, address });
    // Two classmates lose their connection for a moment (a reload, the wifi): their sessions wait for them.
    const others = ['10.0.0.7', '10.0.0.8'].map((address, i) => {
      const s = s2.connect(client(`o${i}`), from(address))!;
      s2.detach(`o${i}`);
      return s.id;
    });
    // One student opens and drops 50 sockets without resuming: each is let in, on a session of its own address.
    for (let i = 0; i < 50; i++) {
      expect(s2.connect(client(`x${i}`), from('10.0.0.5')), `socket ${i}`).not.toBeNull();
      s2.detach(`x${i}`);
    }
    // The classmates' sessions are still there to resume; the cycler holds at most its address's share.
    for (const id of others) expect(s2.sessionById(id), id).toBeDefined();
    expect([...s2.hub.allSessions()].filter((s) => s.address === '10.0.0.5').length).toBe(3);
    // Its sessions all connected, a fourth socket from that address is refused, as before.
    const held = [0, 1, 2].map((i) => s2.connect(client(`h${i}`), from('10.0.0.5')));
    expect(held.every((s) => s !== null)).toBe(true);
    expect(s2.connect(client('h3'), from('10.0.0.5'))).toBeNull();
    // When the students' places are full, a newcomer frees the oldest idle session of its own address before a classmate's.
    const y0 = s2.connect(client('y0'), from('10.0.0.9'))!;
    s2.detach('y0');
    expect(s2.connect(client('y1'), from('10.0.0.9'))).not.toBeNull();
    expect(s2.connect(client('f0'), from('10.0.1.1'))).not.toBeNull();
    expect([...s2.hub.allSessions()].length).toBe(8);
    expect(s2.connect(client('y2'), from('10.0.0.9'))).not.toBeNull();
    expect(s2.sessionById(y0.id)).toBeUndefined();
    for (const id of others) expect(s2.sessionById(id), id).toBeDefined();
    await s2.dispose();
  });
});

describe('no synchronous process spawn where requests are served', () => {
  it('the back end, serve and the capture layer start processes asynchronously only', () => {
    const here = join(__dirname, '..', '..', 'main');
    const offenders: string[] = [];
    for (const d of ['backend', 'serve', 'capture', 'capture/experiment']) {
      for (const f of readdirSync(join(here, d)).filter((n) => n.endsWith('.ts'))) {
        if (/\b(spawnSync|execSync|execFileSync)\b/.test(readFileSync(join(here, d, f), 'utf8'))) offenders.push(`${d}/${f}`);
      }
    }
    expect(offenders).toEqual([]);
  });
});

describe('experiments only as the class policy allows (issue 13, 6)', () => {
  it('students may not run experiments unless the teacher enables them; a teacher only on allowed ports', async () => {
    const t = await teacher(), s = await student();
    expect(await s.code('runExperiment', { variant: 'classic' })).toBe('forbidden');
    expect(await t.code('runExperiment', { variant: 'classic', port: 22 })).toBe('forbidden');
    expect(await t.code('runExperiment', { variant: 'refused', port: 1 })).toBe('forbidden');
    await t.ok('setClassPolicy', { experiments: true });
    await new Promise((r) => setTimeout(r, 50));
    expect(s.of<SessionInfo>('session').at(-1)?.can.experiment).toBe(true);
    await t.ok('setClassPolicy', { experiments: false });
    t.close(); s.close();
  });

  it('enabled, students\' experiments run one at a time on free ports the server picks, slow motion capped', { timeout: 60_000 }, async () => {
    const fc = new FakeCapture();
    const s2 = new Service({ transport: 'websocket', capture: fc, dataDir: join(dir, 'data-exp'), lessonsDir: null, log: () => undefined, pushIntervalMs: 0, limits: { studentSlowMotionMs: 20 } });
    s2.setPolicy(true);
    const st = (id: string) => s2.connect({ id, emit: () => undefined }, { role: 'student', loopback: true })!;
    const a = st('a'), b = st('b');
    const t0 = Date.now();
    const [ra, rb] = await Promise.all([
      s2.handle('runExperiment', { variant: 'classic', port: 22, slowMotionMs: 60_000 }, { id: 'a', emit: () => undefined }),
      s2.handle('runExperiment', { variant: 'classic', slowMotionMs: 60_000 }, { id: 'b', emit: () => undefined }),
    ]);
    // Capped at 20 ms a step: done in seconds, not minutes.
    expect(Date.now() - t0).toBeLessThan(30_000);
    const ports = fc.started.map((o) => Number(/tcp port (\d+)/.exec(o.filter)?.[1]));
    expect(ports).toHaveLength(2);
    expect(ports).not.toContain(22);
    expect(ports).not.toContain(12345);
    expect(ra.file).toBeUndefined();
    expect(rb.variant).toBe('classic');
    void a; void b;
    await s2.dispose();
  });
});

describe('smaller holes (issue 13, 7)', () => {
  it('a filter of 1,500 parentheses is a filter error, not an internal one', async () => {
    const t = await teacher();
    await t.ok('openFile', { path: capture });
    const r = await t.ok<{ ok: boolean; error?: { message: string } }>('setFilter', { expression: `${'('.repeat(1500)}tcp${')'.repeat(1500)}` });
    expect(r.ok).toBe(false);
    expect(r.error?.message).toMatch(/more than 64 levels deep/);
    expect(logs.some((l) => /Maximum call stack/.test(l))).toBe(false);
    t.close();
  });
});

describe('the class dashboard', () => {
  it('shows each student by the name typed, their lesson, step and score, answer counts with the misconception, and exports CSV', async () => {
    const t = await teacher();
    const students = await Promise.all([0, 1, 2].map(() => student()));
    const names = ['Ada', 'Grace', '=HYPERLINK("http://evil")'];
    const right = decodeFile(capture)[1].states!.client;
    const wrong = WRONG;
    for (const [i, s] of students.entries()) {
      await s.ok('identify', { learner: `learner-${i}-abcdefgh`, name: names[i] });
      await s.ok('openLesson', { id: 'one' });
      await s.ok('lessonProgress', { lesson: 'one', step: 1 });
      const r = await s.ok<{ correct: boolean; first: boolean }>('answerQuestion', { lesson: 'one', step: 1, answer: i === 0 ? right : wrong });
      expect(r).toMatchObject({ correct: i === 0, first: true });
      // Only the first answer counts.
      expect(await s.ok('answerQuestion', { lesson: 'one', step: 1, answer: right })).toMatchObject({ correct: true, first: false });
    }
    const snap = await t.ok<ClassSnapshot>('getClass');
    expect(snap.students.map((x) => x.name).sort()).toEqual([...names].sort());
    for (const row of snap.students) expect(row).toMatchObject({ connected: 1, lesson: 'one', step: 1, steps: 2, score: { asked: 1 } });
    expect(snap.students.find((x) => x.name === 'Ada')?.score).toEqual({ right: 1, asked: 1 });
    expect(snap.questions).toEqual([{
      lesson: 'one', step: 1, question: 'step-2', answered: 3, right: 1,
      counts: [{ answer: wrong, count: 2, correct: false }, { answer: right, count: 1, correct: true }],
      topWrong: { answer: wrong, count: 2, misconception: { en: 'A SYN was sent: the client is no longer there', 'zh-CN': '已发送 SYN' } },
    }]);
    expect(snap.classUrl).toBe(server.classUrl);
    // Teachers get it pushed as it changes.
    await new Promise((r) => setTimeout(r, 1200));
    expect(t.of<ClassSnapshot>('classroom').at(-1)?.students.length).toBe(3);
    const csv = (await t.ok<{ csv: string }>('exportClassCsv')).csv.trim().split('\r\n');
    expect(csv[0]).toBe('name,learner,lesson,step,question,answer,correct,seconds,answered_at,lesson_score');
    expect(csv).toHaveLength(4);
    expect(csv.find((l) => l.includes('HYPERLINK'))).toMatch(/^"'=HYPERLINK\(""http:\/\/evil""\)",/);
    expect(csv.find((l) => l.startsWith('Ada,'))).toMatch(new RegExp(`^Ada,learner-0-abcdefgh,one,2,step-2,${right},yes,\\d+\\.\\d,`));
    for (const s of students) s.close();
    t.close();
  });

  it('a reload resumes the session (same id, same capture); a second tab naming it gets its own', async () => {
    const a = await student();
    const id = await a.session();
    await a.ok('identify', { learner: 'learner-reload-aaaa', name: 'Ann' });
    await a.ok('openLesson', { id: 'one' });
    // What the lesson lets it see (its question's gate holds it at frame 2), the same after the reload.
    const seen = (await a.ok<StatusSnapshot>('getStatus')).total;
    expect(seen).toBe(2);
    const dup = new Api(await openWs(server.port, `?token=${server.classToken}&session=${id}`));
    expect(await dup.session()).not.toBe(id);
    dup.close();
    a.close();
    await new Promise((r) => setTimeout(r, 100));
    const again = new Api(await openWs(server.port, `?token=${server.classToken}&session=${id}`));
    expect(await again.session()).toBe(id);
    expect((await again.ok<StatusSnapshot>('getStatus')).total).toBe(seen);
    expect((await again.ok<{ lesson: { id: string; step: number } }>('getSession')).lesson).toEqual({ id: 'one', step: 0 });
    // The teacher's token cannot take a student's session, nor the other way round.
    const t = new Api(await openWs(server.port, `?token=${server.token}&session=${id}`));
    expect(await t.session()).not.toBe(id);
    t.close();
    again.close();
  });
});
