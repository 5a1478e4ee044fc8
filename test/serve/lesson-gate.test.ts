// A lesson's gate over the real WebSocket API, as a raw client (not the page) would use it: after opening
// a lesson, nothing past the open question's segment comes back, whatever it asks (rows, any frame by
// number, ladders, graphs, connections, a filter) and whatever is pushed; the right answer moves the
// gate to the next question. The client is a student on the class URL: it cannot lift its gate by
// turning teacher mode on or by authoring (a draft's preview or computed answers), and a teacher's session
// on the same capture, in teacher mode, is not held by it nor lifts it. Real engine, shipped lessons; the
// expected frames come from the lesson file and the engine's decode of its capture.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { Service } from '../../main/backend/service';
import { startServer, type RunningServer } from '../../main/serve/server';
import type { WsEvent, WsResponse } from '../../main/api/contract';
import { computeAnswer, decodeCapture, parseLesson, resolveSteps } from '../../main/lessons/index';

const shipped = join(__dirname, '..', '..', 'assets', 'lessons');
const dir = mkdtempSync(join(tmpdir(), 'hl-gate-'));
let server: RunningServer;
let service: Service;

beforeAll(async () => {
  mkdirSync(join(dir, 'renderer'), { recursive: true });
  writeFileSync(join(dir, 'renderer', 'index.html'), '<!doctype html><html><body></body></html>');
  service = new Service({ transport: 'websocket', capture: null, dataDir: join(dir, 'data'), lessonsDir: shipped, log: () => undefined });
  server = await startServer({ service, rootDir: join(dir, 'renderer'), log: () => undefined });
});

afterAll(async () => {
  await service.dispose();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

class Raw {
  private next = 1;
  readonly events: WsEvent[] = [];
  private readonly waiting = new Map<number, (r: WsResponse) => void>();
  constructor(readonly ws: WebSocket) {
    ws.on('message', (d) => {
      const m = JSON.parse(String(d)) as WsResponse | WsEvent;
      if ('event' in m) this.events.push(m);
      else this.waiting.get(m.id)?.(m);
    });
  }
  static async connect(token = server.classToken): Promise<Raw> {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws?token=${token}`, { origin: `http://127.0.0.1:${server.port}` });
    await new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject); });
    return new Raw(ws);
  }
  call(method: string, params: unknown = {}): Promise<WsResponse> {
    const id = this.next++;
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      this.ws.send(JSON.stringify({ id, method, params }));
    });
  }
  async ok<T>(method: string, params: unknown = {}): Promise<T> {
    const r = await this.call(method, params);
    if ('error' in r) throw new Error(`${method}: ${r.error.code}: ${r.error.message}`);
    return r.result as T;
  }
  /** Every frame number this client was ever pushed or told of. */
  pushedFrames(): number[] {
    const out: number[] = [];
    for (const e of this.events) {
      const p = e.payload as Record<string, unknown>;
      if (e.event === 'frames') out.push(...(p.rows as { number: number }[]).map((r) => r.number), p.total as number);
      if (e.event === 'transitions') out.push(...(e.payload as { frame: number }[]).map((t) => t.frame));
      if (e.event === 'connections') out.push(...(p.connections as { lastFrame: number; frames: number }[]).flatMap((c) => [c.lastFrame, c.frames]));
      if (e.event === 'progress') out.push(p.frames as number);
      if (e.event === 'status') out.push((p.counters as { decoded: number }).decoded);
    }
    return out;
  }
}

describe('a lesson\'s gate over the WebSocket API', () => {
  it('sends a raw client nothing past the open question\'s segment, and moves on when it is answered right', { timeout: 60_000 }, async () => {
    const parsed = parseLesson(JSON.parse(readFileSync(join(shipped, 'seq-ack.json'), 'utf8')));
    if (!parsed.ok) throw new Error('seq-ack is invalid');
    const lesson = parsed.lesson;
    const capture = decodeCapture(readFileSync(join(shipped, lesson.capture!)));
    const steps = resolveSteps(lesson, capture).map((r) => r.frame!);
    const total = capture.frames.length;
    const first = lesson.steps.findIndex((s) => s.question);
    const limit = steps[first];
    expect(limit).toBeLessThan(total);

    const raw = await Raw.connect();
    await raw.ok('identify', { learner: 'raw-client-0001', name: 'Raw' });
    await raw.ok('openLesson', { id: 'seq-ack' });
    await new Promise((r) => setTimeout(r, 300)); // pushes of the load have gone out
    expect(Math.max(...raw.pushedFrames())).toBeLessThanOrEqual(limit);

    const rows = await raw.ok<{ total: number; rows: { number: number }[] }>('getFrames', { start: 0, count: 10_000 });
    expect(rows.total).toBe(limit);
    expect(Math.max(...rows.rows.map((r) => r.number))).toBe(limit);
    for (let n = limit + 1; n <= total; n++) {
      const r = await raw.call('getFrame', { number: n });
      expect('error' in r && r.error.code, `frame ${n}`).toBe('forbidden');
      expect((await raw.ok<{ index: number }>('indexOfFrame', { number: n })).index).toBe(-1);
    }
    const conns = await raw.ok<{ stream: number; lastFrame: number; states: unknown }[]>('listConnections');
    for (const c of conns) {
      expect(c.lastFrame).toBeLessThanOrEqual(limit);
      const ladder = await raw.ok<{ total: number; segments: { frame: number }[] }>('getLadder', { stream: c.stream, start: 0, count: 10_000 });
      expect(ladder.segments.every((s) => s.frame <= limit)).toBe(true);
      expect(ladder.total).toBe(ladder.segments.length);
      for (const kind of ['stevens', 'throughput', 'window', 'rtt']) {
        const series = await raw.ok<{ frames: number[] }[]>('getSeries', { stream: c.stream, kind });
        expect(series.flatMap((s) => s.frames).every((f) => f <= limit), kind).toBe(true);
      }
    }
    expect(conns.find((c) => c.lastFrame === limit)?.states).toEqual(capture.frames[limit - 1].decoded.states);
    const filter = await raw.call('setFilter', { expression: 'frame.number > 0' });
    expect('error' in filter && filter.error.code).toBe(first === 0 ? 'forbidden' : false);
    expect('error' in await raw.call('lessonProgress', { lesson: 'seq-ack', step: first + 1 })).toBe(true);
    // Nothing a student may ask lifts the gate: no teacher mode, no draft of their own over the capture.
    const draft = { id: 'mine', title: { en: 'x', 'zh-CN': 'x' }, summary: { en: 'x', 'zh-CN': 'x' }, capture: 'x.pcapng', steps: [{ frame: limit + 1, text: { en: 'x', 'zh-CN': 'x' } }] };
    for (const [m, p] of [['setTeacherMode', { on: true }], ['checkLesson', { lesson: draft }], ['previewLesson', { lesson: draft }]] as const) {
      const r = await raw.call(m, p);
      expect('error' in r && r.error.code, m).toBe('forbidden');
    }
    expect(await raw.ok('closeLesson')).toEqual({ closed: false });
    expect((await raw.ok<{ total: number }>('getFrames', { start: 0, count: 1 })).total).toBe(limit);

    // Answered right: the gate moves to the next question's segment, and the frames up to it are pushed.
    const a = computeAnswer(lesson, first, capture);
    const answer = a.kind === 'bytes' ? [a.value[0], a.value[1]] : a.value;
    const graded = await raw.ok<{ correct: boolean; state: { horizon: number } }>('answerQuestion', { lesson: 'seq-ack', step: first, answer });
    expect(graded.correct).toBe(true);
    const next = lesson.steps.findIndex((s, i) => i > first && s.question);
    expect(graded.state.horizon).toBe(steps[next]);
    await new Promise((r) => setTimeout(r, 300));
    expect((await raw.ok<{ frame: { frame: number } }>('getFrame', { number: steps[next] })).frame.frame).toBe(steps[next]);
    expect(Math.max(...raw.pushedFrames())).toBe(steps[next]);

    // The teacher's session on the same capture, in teacher mode, sees it all; the student is still held.
    const other = await Raw.connect(server.token);
    await other.ok('identify', { learner: 'raw-client-0002' });
    await other.ok('setTeacherMode', { on: true });
    await other.ok('openLesson', { id: 'seq-ack' });
    expect((await other.ok<{ total: number }>('getFrames', { start: 0, count: 1 })).total).toBe(total);
    expect((await raw.ok<{ total: number }>('getFrames', { start: 0, count: 1 })).total).toBe(steps[next]);
    expect(Math.max(...raw.pushedFrames())).toBe(steps[next]);
    raw.ws.close();
    other.ws.close();
  });
});
