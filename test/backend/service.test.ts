// The service behind the API, end to end in-process: validation, file loading (progress, cancel,
// reset), pulls (rows, detail, index, filter, connections, ladder, series), live capture through a
// LiveCapture, autosave and save, error codes. Runs on the stand-in engine (see fake-engine.ts).
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { Worker } from 'node:worker_threads';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server as NetServer } from 'node:net';

vi.mock('../../main/engine/dissect/index', async () => await import('./fake-engine'));
vi.mock('../../main/engine/tcp/tracker', async () => ({ TcpTracker: (await import('./fake-engine')).TcpTracker }));
vi.mock('../../main/engine/tcp/states', async () => ({ StateTracker: (await import('./fake-engine')).StateTracker }));

const { Service } = await import('../../main/backend/service');
const { ApiError } = await import('../../main/api/contract');
const { synthFrames, writePcap } = await import('./synth');
const { rawFrames, decodeFile } = await import('../helpers/decode');
const { FakeCapture } = await import('./fake-capture');
const { RecordingClient } = await import('./service-helpers');
const { experimentScript, planFor } = await import('../../main/api/experiment');

const dir = mkdtempSync(join(tmpdir(), 'hl-service-'));
const small = join(dir, 'small.pcap');
const big = join(dir, 'big.pcap');
/** One connection of 600 data segments (and their ACKs). */
const long = join(dir, 'long.pcap');
const logs: string[] = [];
const log = (l: string) => logs.push(l);

beforeAll(() => {
  writePcap(small, synthFrames({ connections: 10, dataSegments: 2 }));
  writePcap(big, synthFrames({ connections: 7300, dataSegments: 2, payload: 100 }));
  writePcap(long, synthFrames({ connections: 1, dataSegments: 600 }));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function service(extra: Partial<ConstructorParameters<typeof Service>[0]> = {}) {
  return new Service({ transport: 'websocket', log, pushIntervalMs: 0, dataDir: join(dir, 'data'), ...extra });
}

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ApiError) return e.code;
    throw e;
  }
  return 'ok';
}

describe('request validation', () => {
  it('rejects unknown methods and invalid parameters with bad_request and a logged reason', async () => {
    const s = service();
    const c = new RecordingClient('a');
    logs.length = 0;
    expect(await code(s.handle('nope' as 'getStatus', {}, c))).toBe('bad_request');
    expect(await code(s.handle('getFrames', { start: -1, count: 5 }, c))).toBe('bad_request');
    expect(await code(s.handle('getFrames', { start: 0, count: 5, extra: 1 }, c))).toBe('bad_request');
    expect(await code(s.handle('openLesson', { id: '../etc' }, c))).toBe('bad_request');
    expect(await code(s.handle('getFrame', '{"number":1}', c))).toBe('bad_request');
    expect(logs.length).toBe(5);
    expect(logs[0]).toMatch(/unknown method/);
    expect(logs[1]).toMatch(/getFrames: start/);
  });

  it('answers getAppInfo and getStatus', async () => {
    const s = service({ capture: null, locale: 'zh-CN' });
    const c = new RecordingClient('a');
    const info = await s.handle('getAppInfo', {}, c);
    expect(info).toMatchObject({ name: 'Handshake Lab', transport: 'websocket', locale: 'zh-CN', capture: { available: false } });
    expect(info.capture.help.steps.length).toBeGreaterThan(0);
    const st = await s.handle('getStatus', {}, c);
    expect(st).toMatchObject({ total: 0, viewTotal: 0, filter: '', capture: { state: 'idle' } });
  });
});

describe('opening a file', () => {
  it('loads with reset and progress, then serves rows, detail, index, connections, ladder and series', async () => {
    const s = service();
    const c = new RecordingClient('a');
    const expected = decodeFile(small);
    const p = await s.handle('openFile', { path: small }, c);
    expect(p).toMatchObject({ done: true, frames: expected.length, bytesRead: statSync(small).size, totalBytes: statSync(small).size });
    expect(c.of('reset')).toEqual([{ reason: 'file' }]);
    expect(c.of('progress').at(-1)).toMatchObject({ done: true });
    const page = await s.handle('getFrames', { start: 5, count: 10 }, c);
    expect(page.total).toBe(expected.length);
    expect(page.rows.map((r) => r.number)).toEqual(expected.slice(5, 15).map((f) => f.frame));
    expect(page.rows.map((r) => r.info)).toEqual(expected.slice(5, 15).map((f) => f.info));
    const d = await s.handle('getFrame', { number: 7 }, c);
    expect(JSON.parse(JSON.stringify(d.frame))).toEqual(JSON.parse(JSON.stringify(expected[6])));
    expect(d.bytes).toBe(Buffer.from(rawFrames(small)[6].data).toString('hex'));
    expect(await code(s.handle('getFrame', { number: expected.length + 1 }, c))).toBe('not_found');
    expect((await s.handle('indexOfFrame', { number: 9 }, c)).index).toBe(8);
    const conns = await s.handle('listConnections', {}, c);
    expect(conns.length).toBe(10);
    const lad = await s.handle('getLadder', { stream: conns[3].stream }, c);
    expect(lad.total).toBe(conns[3].frames);
    expect(lad.segments[0].label).toMatch(/^\[SYN\] Seq=0 Win=\d+ Len=0$/);
    expect(lad.segments[1].label).toMatch(/^\[SYN, ACK\] Seq=0 Ack=1 Win=\d+ Len=0$/);
    for (const seg of lad.segments) {
      const f = expected[seg.frame - 1];
      expect(f.info).toContain(seg.label);
      expect(seg.states).toEqual(f.states);
      expect(seg.transitions).toEqual(f.transitions);
    }
    const series = await s.handle('getSeries', { stream: conns[3].stream, kind: 'stevens' }, c);
    expect(series.map((x) => x.direction)).toEqual(['c2s', 's2c']);
    expect(series[0].frames.length).toBeGreaterThan(0);
    expect(await code(s.handle('getLadder', { stream: 999 }, c))).toBe('not_found');
    expect(await code(s.handle('getSeries', { stream: 999, kind: 'rtt' }, c))).toBe('not_found');
  });

  it('keeps the current capture when a file cannot be opened', async () => {
    const s = service();
    const c = new RecordingClient('a');
    await s.handle('openFile', { path: small }, c);
    const before = (await s.handle('getStatus', {}, c)).total;
    expect(await code(s.handle('openFile', { path: join(dir, 'missing.pcap') }, c))).toBe('file_error');
    expect(await code(s.handle('openFile', { path: dir }, c))).toBe('file_error');
    expect((await s.handle('getStatus', {}, c)).total).toBe(before);
  });

  it('a file replaced by a FIFO once loaded: the next pull answers at once with the loaded file\'s bytes, nothing waits on the pipe (fresh eyes: the whole server froze)', async () => {
    const s = service();
    const c = new RecordingClient('a');
    const swapped = join(dir, 'swapped.pcap');
    copyFileSync(small, swapped);
    expect(await s.handle('openFile', { path: swapped }, c)).toMatchObject({ done: true });
    // Its frames' bytes are re-read when first shown, by when the path may name anything: they come from
    // the file opened for the load (file-replaced.test.ts), never from the path again.
    rmSync(swapped);
    execFileSync('mkfifo', [swapped]);
    // A writer that comes after 3 s (on a thread of its own), so that a server blocked on the pipe comes back and the test fails.
    const writer = new Worker(`setTimeout(() => require('node:fs').closeSync(require('node:fs').openSync(${JSON.stringify(swapped)}, 'w')), 3000)`, { eval: true });
    await new Promise((r) => writer.once('online', r));
    try {
      const t0 = performance.now();
      const got = await s.handle('getFrame', { number: 2 }, c);
      expect(performance.now() - t0).toBeLessThan(1000);
      expect(got.bytes).toBe(Buffer.from(rawFrames(small)[1].data).toString('hex'));
    } finally {
      await writer.terminate();
    }
  });

  it('reports a damaged file after loading its good frames', async () => {
    const s = service();
    const c = new RecordingClient('a');
    const cut = join(dir, 'cut.pcap');
    const bytes = readFileSync(small);
    await import('node:fs').then((fs) => fs.writeFileSync(cut, bytes.subarray(0, bytes.length - 10)));
    const p = await s.handle('openFile', { path: cut }, c);
    expect(p.error?.code).toBe('file_error');
    expect(p.error?.message).toMatch(/truncated/);
    expect(p.frames).toBe(decodeFile(small).length - 1);
  });

  it('cancels a long load, keeping the frames loaded so far', async () => {
    const s = service();
    const c = new RecordingClient('a');
    const loading = s.handle('openFile', { path: big }, c);
    await new Promise((r) => setTimeout(r, 5));
    expect(await s.handle('cancelLoad', {}, c)).toEqual({ cancelled: true });
    // Also right away, before the file was even checked.
    const s2 = service();
    await s2.handle('openFile', { path: small }, c);
    const quick = s2.handle('openFile', { path: big }, c);
    expect(await s2.handle('cancelLoad', {}, c)).toEqual({ cancelled: true });
    expect((await quick).cancelled).toBe(true);
    expect((await s2.handle('getStatus', {}, c)).total).toBe(decodeFile(small).length); // untouched
    const p = await loading;
    expect(p.cancelled).toBe(true);
    expect(p.frames).toBeLessThan(decodeFile(small).length * 300);
    expect((await s.handle('getStatus', {}, c)).total).toBe(p.frames);
    expect(await s.handle('cancelLoad', {}, c)).toEqual({ cancelled: false });
  });

  it('refuses paths its policy forbids', async () => {
    const s = service({ canOpen: () => false, canSave: () => false });
    const c = new RecordingClient('a');
    expect(await code(s.handle('openFile', { path: small }, c))).toBe('forbidden');
    expect(await code(s.handle('saveCapture', { path: join(dir, 'x.pcap') }, c))).toBe('forbidden');
  });
});

describe('pulls take turns with other work', () => {
  it('a pull of a page of rows (1,000 rows, or a ladder page) lets other work run before it is answered', async () => {
    const s = service();
    const c = new RecordingClient('a');
    const opened = await s.handle('openFile', { path: big }, c);
    expect(opened.frames).toBeGreaterThan(1000);
    // The pull is made in steps handed to the process's slicer, which takes turns with other work between
    // time slices (slicer.test.ts); how many slices it takes depends on the machine, so the steps are
    // counted, not the turns: a pull in one go (the old way) hands it nothing.
    const steps = { n: 0 };
    const run = s.hub.slicer.run.bind(s.hub.slicer);
    const spy = vi.spyOn(s.hub.slicer, 'run').mockImplementation((task) => run({ step: () => { steps.n++; return task.step(); } }));
    await s.handle('getFrames', { start: 0, count: 1000 }, c);
    expect(steps.n, 'getFrames in steps').toBeGreaterThanOrEqual(2);
    await s.handle('openFile', { path: long }, c);
    const stream = (await s.handle('listConnections', {}, c))[0].stream;
    steps.n = 0;
    await s.handle('getLadder', { stream, start: 0, count: 1000 }, c);
    expect(steps.n, 'getLadder in steps').toBeGreaterThanOrEqual(2);
    spy.mockRestore();
    await s.handle('openFile', { path: big }, c);
    // The rows are those a pull in one go gives.
    const whole = await s.handle('getFrames', { start: 0, count: 1000 }, c);
    expect(whole.rows.map((r) => r.number)).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));
  });
});

describe('display filters', () => {
  it('narrows the client\'s view, per client, and reports syntax errors with their position', async () => {
    const s = service();
    const a = new RecordingClient('a'), b = new RecordingClient('b');
    await s.handle('openFile', { path: small }, a);
    await s.handle('openFile', { path: small }, b);
    const expected = decodeFile(small);
    const syns = expected.filter((f) => f.layers.some((l) => l.fields.some((x) => x.name === 'tcp.flags.syn' && x.value === 1)));
    const r = await s.handle('setFilter', { expression: 'tcp.flags.syn == 1' }, a);
    expect(r).toEqual({ ok: true, expression: 'tcp.flags.syn == 1', total: syns.length });
    const rows = await s.handle('getFrames', { start: 0, count: 1000 }, a);
    expect(rows.rows.map((x) => x.number)).toEqual(syns.map((f) => f.frame));
    expect((await s.handle('indexOfFrame', { number: syns[2].frame }, a)).index).toBe(2);
    const notSyn = expected.find((f) => !syns.includes(f)) as (typeof expected)[number];
    expect((await s.handle('indexOfFrame', { number: notSyn.frame }, a)).index).toBe(-1);
    // The other client still sees everything.
    expect((await s.handle('getFrames', { start: 0, count: 0 }, b)).total).toBe(expected.length);
    const bad = await s.handle('setFilter', { expression: 'tcp.flags.syn == ' }, b);
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error.start).toBeGreaterThanOrEqual(0);
    const unknown = await s.handle('setFilter', { expression: 'nosuch.field == 1' }, b);
    expect(unknown).toMatchObject({ ok: false, error: { start: 0, end: 12 } });
    expect((await s.handle('getStatus', {}, b)).filter).toBe('');
    // A new file re-applies the filter to the new frames as they load.
    await s.handle('openFile', { path: small }, a);
    expect((await s.handle('getStatus', {}, a)).viewTotal).toBe(syns.length);
    expect(await s.handle('setFilter', { expression: '' }, a)).toMatchObject({ ok: true, total: expected.length });
  });
});

describe('live capture', () => {
  it('autosaves, stores and pushes frames; stop keeps them; save copies the file', async () => {
    const cap = new FakeCapture();
    const s = service({ capture: cap });
    const c = new RecordingClient('a');
    const st = await s.handle('startCapture', { interface: 'lo', filter: 'tcp port 12345' }, c);
    expect(st).toMatchObject({ state: 'running', source: 'live', interface: 'lo', filter: 'tcp port 12345' });
    expect(cap.options).toEqual({ interface: 'lo', filter: 'tcp port 12345', snaplen: 262144 });
    expect(st.file && st.file.startsWith(join(dir, 'data', 'captures'))).toBe(true);
    expect(c.of('reset')).toEqual([{ reason: 'capture' }]);
    const raws = rawFrames(small);
    cap.deliver(raws.slice(0, 20));
    s.tick();
    cap.deliver(raws.slice(20));
    s.tick();
    const frames = c.of('frames');
    expect(frames.flatMap((f) => f.rows.map((r) => r.number))).toEqual(raws.map((_, i) => i + 1));
    expect(c.of('transitions').flat().length).toBeGreaterThan(0);
    expect(c.of('connections').flatMap((x) => x.connections).length).toBeGreaterThan(0);
    const stopped = await s.handle('stopCapture', {}, c);
    expect(stopped.state).toBe('idle');
    expect(cap.stopped).toBe(1);
    // The autosave holds every frame: opening it gives the same frames.
    const again = decodeFile(st.file as string);
    expect(again.length).toBe(raws.length);
    const target = join(dir, 'saved.pcapng');
    expect(await s.handle('saveCapture', { path: target }, c)).toEqual({ path: target, frames: raws.length });
    expect(readFileSync(target)).toEqual(readFileSync(st.file as string));
    const status = await s.handle('getStatus', {}, c);
    expect(status.counters).toMatchObject({ captured: raws.length, decoded: raws.length, droppedByUs: 0, skippedPush: 0 });
  });

  it('hands a transport each push round\'s events together (a socket writes them in one go)', async () => {
    const cap = new FakeCapture();
    const s = service({ capture: cap });
    /** Each event, with the round (together() call) it was sent in; 0: outside any. */
    const sent: { event: string; round: number }[] = [];
    let round = 0, rounds = 0;
    const c = Object.assign(new RecordingClient('a'), {
      emit(event: string) { sent.push({ event, round }); },
      together(send: () => void) { round = ++rounds; try { send(); } finally { round = 0; } },
    });
    await s.handle('startCapture', { interface: 'lo' }, c);
    cap.deliver(rawFrames(small));
    sent.length = 0;
    s.tick();
    const pushed = sent.filter((x) => ['frames', 'connections', 'transitions'].includes(x.event));
    expect(pushed.map((x) => x.event).sort()).toEqual(['connections', 'frames', 'transitions']);
    expect(new Set(pushed.map((x) => x.round))).toEqual(new Set([1]));
    await s.handle('stopCapture', {}, c);
  });

  it('maps capture errors to codes and reports them in the status', async () => {
    const cap = new FakeCapture();
    const s = service({ capture: cap });
    const c = new RecordingClient('a');
    for (const err of ['permission_denied', 'no_such_interface', 'bad_filter'] as const) {
      cap.failWith = new ApiError(err, `test ${err}`);
      expect(await code(s.handle('startCapture', { interface: 'lo' }, c))).toBe(err);
      expect((await s.handle('getStatus', {}, c)).capture).toMatchObject({ state: 'error', error: { code: err } });
    }
    cap.available = false;
    expect(await code(s.handle('startCapture', { interface: 'lo' }, c))).toBe('capture_unavailable');
    expect(await code(service({ capture: null }).handle('startCapture', { interface: 'lo' }, c))).toBe('capture_unavailable');
    expect(await code(service({ capture: null }).handle('listInterfaces', {}, c))).toBe('capture_unavailable');
  });

  it('a capture error after start stops the capture and is pushed', async () => {
    const cap = new FakeCapture();
    const s = service({ capture: cap });
    const c = new RecordingClient('a');
    await s.handle('startCapture', { interface: 'lo' }, c);
    cap.events?.error({ code: 'capture_unavailable', message: 'interface went down' });
    await new Promise((r) => setTimeout(r, 10));
    expect(c.of('error')).toEqual([{ code: 'capture_unavailable', message: 'interface went down' }]);
    expect((await s.handle('getStatus', {}, c)).capture.state).toBe('error');
  });

  it('opening a file stops a running capture first', async () => {
    const cap = new FakeCapture();
    const s = service({ capture: cap });
    const c = new RecordingClient('a');
    await s.handle('startCapture', { interface: 'lo' }, c);
    await s.handle('openFile', { path: small }, c);
    expect(cap.stopped).toBe(1);
    expect(c.of('reset').map((r) => r.reason)).toEqual(['capture', 'file']);
  });
});

describe('live push batching and backpressure', () => {
  it('delivers a burst of 100k frames in bounded batches; delivered + skipped = total, exactly', async () => {
    const cap = new FakeCapture();
    const s = service({ capture: cap, maxBatchRows: 500 });
    const c = new RecordingClient('a');
    await s.handle('startCapture', { interface: 'lo' }, c);
    const frames = rawFrames(big);
    expect(frames.length).toBeGreaterThanOrEqual(100_000);
    const burst = frames.slice(0, 100_000);
    // 1000 frames per delivery; a push round after each; the client is behind a third of the time.
    for (let i = 0; i < burst.length; i += 1000) {
      cap.deliver(burst.slice(i, i + 1000));
      c.ready = (i / 1000) % 3 !== 1;
      s.tick();
    }
    c.ready = true;
    s.tick();
    const batches = c.of('frames');
    expect(Math.max(...batches.map((b) => b.rows.length))).toBeLessThanOrEqual(500);
    const delivered = batches.reduce((a, b) => a + b.rows.length, 0);
    const skipped = batches.reduce((a, b) => a + b.skipped, 0);
    expect(delivered + skipped).toBe(100_000);
    expect(skipped).toBeGreaterThan(0);
    // Each batch is the newest rows, in order, after the skipped ones.
    let next = 1;
    for (const b of batches) {
      next += b.skipped;
      expect(b.rows.map((r) => r.number)).toEqual(Array.from({ length: b.rows.length }, (_, k) => next + k));
      next += b.rows.length;
      expect(b.total).toBe(next - 1);
    }
    const st = await s.handle('getStatus', {}, c);
    expect(st.counters).toMatchObject({ captured: 100_000, decoded: 100_000, skippedPush: skipped, droppedByUs: 0 });
    // Nothing was dropped from the store: every frame can be pulled.
    const all = await s.handle('getFrames', { start: 99_990, count: 10 }, c);
    expect(all.rows.map((r) => r.number)).toEqual(Array.from({ length: 10 }, (_, k) => 99_991 + k));
    await s.handle('stopCapture', {}, c);
    expect(decodeFile(st.capture.file as string).length).toBe(100_000);
  });

  it('pushes at most ~30 times a second on its own timer', async () => {
    const cap = new FakeCapture();
    const s = service({ capture: cap, pushIntervalMs: 33 });
    const c = new RecordingClient('a');
    await s.handle('startCapture', { interface: 'lo' }, c);
    const raws = rawFrames(small);
    const t0 = Date.now();
    while (Date.now() - t0 < 1000) {
      cap.deliver(raws.slice(0, 5));
      await new Promise((r) => setTimeout(r, 2));
    }
    const elapsed = Date.now() - t0;
    const n = c.of('frames').length;
    // Frames kept coming all along: never more than one push per 33 ms (a busy machine may give fewer).
    expect(n).toBeGreaterThan(3);
    expect(n).toBeLessThanOrEqual(Math.ceil(elapsed / 33) + 1);
    await s.dispose();
    expect(existsSync(join(dir, 'data', 'captures'))).toBe(true);
  });
});


describe('an experiment\'s port and its calls', () => {
  /** Two ports nothing uses now, and a stand-in for a student's own server holding the first. */
  async function ports(): Promise<{ taken: number; spare: number; blocker: NetServer }> {
    const free = async () => {
      const s = createServer();
      await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
      const p = (s.address() as { port: number }).port;
      await new Promise((r) => s.close(r));
      return p;
    };
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    return { taken: (blocker.address() as { port: number }).port, spare: await free(), blocker };
  }
  const close = (s: NetServer) => new Promise((r) => s.close(r));

  it('a browser\'s experiment on a busy allowed port runs on the next allowed one, with a note; its calls go only to who looks at it', async () => {
    const { taken, spare, blocker } = await ports();
    const cap = new FakeCapture();
    const s = service({ capture: cap, experimentPorts: [taken, spare] });
    const t = new RecordingClient('t'), other = new RecordingClient('o');
    s.connect(t, { role: 'teacher', loopback: true });
    s.connect(other, { role: 'teacher', loopback: true });
    try {
      const r = await s.handle('runExperiment', { variant: 'classic', port: taken }, t);
      expect(r.port).toBe(spare);
      expect(r.portNote).toEqual({ requested: taken, used: spare, reason: 'in_use' });
      expect(cap.started.map((o) => o.filter)).toEqual([`tcp port ${spare}`]);
      // Every call, pushed as it was made, to the session that ran it and to nobody else.
      const pushed = t.of('experiment');
      expect(pushed.length).toBeGreaterThan(1);
      expect(pushed[0].events.map((e) => e.call)).toEqual(['listen']);
      expect(pushed.at(-1)).toMatchObject({ serverPort: spare, events: r.events });
      // The calls of the script the editor shows, on the port used.
      const script = experimentScript(planFor({ variant: 'classic' }), spare);
      expect(r.events.map((e) => `${e.endpoint} ${e.call}`)).toEqual(script.map((c) => `${c.endpoint} ${c.call}`));
      expect(r.events.find((e) => e.call === 'listen')?.text).toContain(String(spare));
      expect(other.of('experiment')).toEqual([]);
    } finally {
      await close(blocker);
      await s.dispose();
    }
  });

  it('a browser\'s experiment whose allowed port is busy is refused as such; it binds no other port and the view stays', async () => {
    const { taken, spare, blocker } = await ports();
    const cap = new FakeCapture();
    const s = service({ capture: cap, experimentPorts: [taken] });
    const t = new RecordingClient('t');
    s.connect(t, { role: 'teacher', loopback: true });
    await s.handle('openFile', { path: small }, t);
    t.clear();
    try {
      const err = await s.handle('runExperiment', { variant: 'classic', port: taken }, t).then(() => null, (e: unknown) => e);
      expect(err).toBeInstanceOf(ApiError);
      expect((err as InstanceType<typeof ApiError>).code).toBe('port_in_use');
      expect((err as Error).message).toContain(`port ${taken} on 127.0.0.1 is in use by another program`);
      expect((err as Error).message).toMatch(/--experiment-ports/);
      // Not on a port it was not given: nothing captured, nothing else bound, the open file still shown.
      expect(cap.started).toEqual([]);
      expect(t.of('reset')).toEqual([]);
      expect((await s.handle('getStatus', {}, t)).total).toBe(decodeFile(small).length);
      expect(await code(s.handle('runExperiment', { variant: 'classic', port: spare }, t))).toBe('forbidden');
    } finally {
      await close(blocker);
      await s.dispose();
    }
  });

  it('the desktop and the CLI (any port) get a free port the kernel picks when theirs is busy', async () => {
    const { taken, blocker } = await ports();
    const cap = new FakeCapture();
    const s = service({ capture: cap });
    const c = new RecordingClient('desk');
    try {
      const r = await s.handle('runExperiment', { variant: 'classic', port: taken }, c);
      expect(r.port).not.toBe(taken);
      expect(r.portNote).toEqual({ requested: taken, used: r.port, reason: 'in_use' });
      expect(cap.started.map((o) => o.filter)).toEqual([`tcp port ${r.port}`]);
      expect(c.of('experiment').at(-1)?.serverPort).toBe(r.port);
    } finally {
      await close(blocker);
      await s.dispose();
    }
  });
});
