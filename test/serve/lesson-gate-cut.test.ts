// A student held at a lesson's open question learns nothing the capture cut at that question's frame would
// not say (DECISIONS "Grading"). For every shipped lesson, at each of its gates, a student on the class URL
// asks the real WebSocket server everything the API answers (status and counters, rows, every frame,
// "go to frame", connections, ladders, every graph, filters and their counts, errors for what it may not
// see); a teacher's session asks the same of the lesson's capture cut after the gate's frame (a file the
// engine reads afresh: nothing past the gate exists there), and that answer, redacted with the student's
// own mask (what the open questions would give away; lesson-redact.ts, tested against the capture in
// test/backend/lesson-redact.test.ts), must equal the student's; its graphs are the engine's of the points
// the mask leaves (a later point's smoothed RTT or sliding throughput must not carry a masked one's value:
// cumulative-acks showed rtt-throughput's masked RTT samples so). Accepted and kept (DECISIONS, first
// point): a state at a frame is decided with the receiver's later evidence, so the reference takes the
// states the engine gives the whole capture.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Service } from '../../main/backend/service';
import { startServer, type RunningServer } from '../../main/serve/server';
import type { ConnectionSummary, FrameDetail, FrameRow, LadderPage, LessonPlay, LoadProgress, Series, SeriesKind, SessionInfo, StatusSnapshot } from '../../main/api/types';
import { computeAnswer, decodeCapture, parseLesson, type LessonCapture, type LessonFile } from '../../main/lessons/index';
import { DROPPED, Reveal } from '../../main/lessons/reveal';
import { cutConnections, cutLadder } from '../../main/backend/lesson-gate';
import { redactDetail, redactLadder, redactRows, redactSummaries } from '../../main/backend/lesson-redact';
import { seriesBuilder } from '../../main/engine/store/series';
import type { FrameStore } from '../../main/engine/store/frame-store';
import { Api, httpGet, openWs } from '../helpers/ws-api';
import { cutCapture } from '../helpers/cut-capture';

const shipped = join(__dirname, '..', '..', 'assets', 'lessons');
const corpus = join(__dirname, '..', 'corpus');
const dir = mkdtempSync(join(tmpdir(), 'hl-gate-cut-'));
/** A teacher's own lessons: what the shipped captures do not hold (segments lost after a gate). */
const ownLessons = join(dir, 'lessons');
const running: { service: Service; server: RunningServer }[] = [];

async function serve(lessonsDir: string): Promise<{ service: Service; server: RunningServer }> {
  const root = join(dir, `renderer-${running.length}`);
  mkdirSync(root, { recursive: true });
  writeFileSync(join(root, 'index.html'), '<!doctype html><html><body></body></html>');
  const service = new Service({ transport: 'websocket', capture: null, dataDir: join(dir, `data-${running.length}`), lessonsDir, log: () => undefined });
  const server = await startServer({ service, rootDir: root, log: () => undefined });
  running.push({ service, server });
  return { service, server };
}

beforeAll(() => {
  mkdirSync(ownLessons, { recursive: true });
  copyFileSync(join(corpus, 'tcp', 'lossy-drop.pcap'), join(ownLessons, 'lossy-drop.pcap'));
  const text = { en: 'Look at this segment.', 'zh-CN': '看这个报文段。' };
  const ask = { kind: 'number', value: { field: 'tcp.ack' }, prompt: { en: 'Which Ack?', 'zh-CN': '哪个 Ack？' }, explanation: text };
  // Gates before the lost segment (frames 14-16 say one was not captured) and after it.
  writeFileSync(join(ownLessons, 'lost-later.json'), JSON.stringify({
    id: 'lost-later', title: text, summary: text, capture: 'lossy-drop.pcap',
    steps: [{ frame: 5, text, question: ask }, { frame: 13, text, question: ask }, { frame: 16, text, question: ask }, { frame: 20, text, question: ask }],
  }));
});

afterAll(async () => {
  for (const r of running) {
    await r.service.dispose();
    await r.server.close();
  }
  rmSync(dir, { recursive: true, force: true });
});

const KINDS: SeriesKind[] = ['stevens', 'acks', 'segments', 'throughput', 'window', 'rtt'];
/** Filters a student might try to learn what comes: their counts and rows. */
const FILTERS = ['frame', 'tcp', 'tcp.flags.fin == 1', 'tcp.flags.reset == 1', 'tcp.analysis.retransmission', 'tcp.analysis.flags', 'tcp.analysis.zero_window', 'tcp.len > 0', 'tcp.stream == 1'];

function lesson(lessonsDir: string, id: string): LessonFile {
  const r = parseLesson(JSON.parse(readFileSync(join(lessonsDir, `${id}.json`), 'utf8')));
  if (!r.ok) throw new Error(`${id} is invalid`);
  return r.lesson;
}
const captureFile = (lessonsDir: string, l: LessonFile) => join(lessonsDir, l.capture ?? l.experiment?.sample ?? l.watch!.sample);

/** Everything a session is told of what it looks at, asked the same way of both. */
interface Told {
  status: Omit<StatusSnapshot, 'counters'> & { counters: Omit<StatusSnapshot['counters'], 'skippedPush'> };
  rows: FrameRow[];
  details: FrameDetail[];
  index: number[];
  connections: ConnectionSummary[];
  ladders: (LadderPage | string)[];
  series: (Series[] | string)[];
}

async function answer<T>(api: Api, method: string, params: unknown): Promise<T | string> {
  const r = await api.call(method, params);
  return 'error' in r ? `${r.error.code}: ${r.error.message}` : r.result as T;
}

/** What `api` is told; `frames`: how many frames the whole capture has (asked past them too), `streams` likewise. */
async function told(api: Api, frames: number, streams: number): Promise<Told> {
  const s = await api.ok<StatusSnapshot>('getStatus');
  const { skippedPush: _skipped, ...counters } = s.counters;
  const { file: _file, ...capture } = s.capture;
  const rows = (await api.ok<{ rows: FrameRow[] }>('getFrames', { start: 0, count: 10_000 })).rows;
  const details: FrameDetail[] = [];
  for (const r of rows) details.push(await api.ok<FrameDetail>('getFrame', { number: r.number }));
  const index: number[] = [];
  for (let n = 1; n <= frames + 1; n++) index.push((await api.ok<{ index: number }>('indexOfFrame', { number: n })).index);
  const connections = await api.ok<ConnectionSummary[]>('listConnections');
  const ladders: (LadderPage | string)[] = [];
  const series: (Series[] | string)[] = [];
  for (let stream = 0; stream <= streams; stream++) {
    ladders.push(await answer<LadderPage>(api, 'getLadder', { stream, start: 0, count: 10_000 }));
    for (const kind of KINDS) series.push(await answer<Series[]>(api, 'getSeries', { stream, kind }));
  }
  return { status: { ...s, capture, counters }, rows, details, index, connections, ladders, series };
}

/** The states the engine gives the whole capture (the accepted look-ahead), laid over the cut capture's. */
function withWholeStates(t: Told, whole: LessonCapture): Told {
  const at = (n: number) => whole.frames[n - 1].decoded;
  const summary = (c: ConnectionSummary): ConnectionSummary => ({ ...c, states: at(c.lastFrame).states ?? c.states, startStates: at(c.firstFrame).start ?? c.startStates });
  return {
    ...t,
    rows: t.rows.map((r) => ({ ...r, states: at(r.number).states })),
    details: t.details.map((d) => {
      const w = at(d.frame.frame);
      const { notes: _n, start: _s, ...rest } = d.frame;
      return { ...d, frame: { ...rest, states: w.states, transitions: w.transitions, ...(w.notes ? { notes: w.notes } : {}), ...(w.start ? { start: w.start } : {}) } };
    }),
    connections: t.connections.map(summary),
    ladders: t.ladders.map((p) => typeof p === 'string' ? p : {
      ...p, summary: summary(p.summary),
      segments: p.segments.map(({ notes: _n, ...s }) => { const w = at(s.frame); return { ...s, states: w.states!, transitions: w.transitions ?? [], ...(w.notes ? { notes: w.notes } : {}) }; }),
    }),
  };
}

/**
 * The cut capture's answers with what the student's mask hides taken out, as the server takes it out; a
 * whole-masked segment's own analysis (its flags are the question) is not counted in the missed segments.
 */
function redacted(t: Told, mask: Reveal, store: FrameStore, whole: LessonCapture): Told {
  const lost = (n: number) => whole.frames[n - 1].decoded.analysis.some((f) => f === 'lost_segment' || f === 'ack_lost_segment');
  const hidden = Array.from({ length: store.total }, (_, i) => i + 1).filter((n) => mask.frameMasked(n) && lost(n)).length;
  return {
    ...t,
    status: { ...t.status, counters: { ...t.status.counters, missedSegments: t.status.counters.missedSegments - hidden } },
    rows: redactRows(mask, t.rows),
    details: t.details.map((d) => redactDetail(mask, d)),
    connections: redactSummaries(mask, cutConnections(t.connections, store, null, mask)),
    ladders: t.ladders.map((p) => typeof p === 'string' ? p : redactLadder(mask, cutLadder(p, store, null, mask)!)),
    series: t.series.map((s) => typeof s === 'string' ? s : visiblePointsOnly(s, mask, store)),
  };
}

/**
 * A graph as the engine makes it of the points the mask leaves, on the cut capture: a point that plots a
 * masked value is not there, and neither is what it would add to the points after it (the throughput's
 * sliding sum, the RTT's smoothed estimate: either would give the masked value back).
 */
function visiblePointsOnly(list: Series[], mask: Reveal, store: FrameStore): Series[] {
  if (!list.length || !mask.active) return list;
  const { stream, kind } = list[0];
  const b = seriesBuilder(store, stream, kind)!;
  const points = store.streamPoints(stream).filter((p) => !mask.pointMasked(kind, p.frame));
  b.add(points, 0, points.length);
  // Marks whose presence says a masked value (reveal.ts's DROPPED: a zero window's while its window is asked) are not drawn.
  return b.finish().map((se) => {
    const marks = (se.marks ?? []).filter((m) => !mask.dropped(se.frames[m.index], `tcp.analysis.${m.kind}`));
    const { marks: _all, ...rest } = se;
    return marks.length ? { ...rest, marks } : rest;
  });
}

/** Where two answers differ, one line per value (path: student's vs the cut capture's). */
function differences(a: unknown, b: unknown, path: string, out: string[] = []): string[] {
  if (out.length > 400) return out;
  if (a === b) return out;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) {
    out.push(`${path}: ${JSON.stringify(a)?.slice(0, 120)} vs ${JSON.stringify(b)?.slice(0, 120)}`);
    return out;
  }
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of keys) differences((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`, out);
  return out;
}


const given = (l: LessonFile, step: number, capture: LessonCapture) => computeAnswer(l, step, capture).value;

/** Waits until nothing has been pushed to `api` for a while (the pushes of the last answer, or of the load, are in). */
async function quiet(api: Api): Promise<void> {
  let seen = -1;
  for (let i = 0; i < 40 && seen !== api.events.length; i++) {
    seen = api.events.length;
    await new Promise((r) => setTimeout(r, 60));
  }
}

/**
 * What was pushed since the last answer (or the opening) that the pulls at this gate do not say: rows,
 * totals, counters, connections and state changes as getFrames, getStatus, listConnections and getFrame
 * give them; a load's progress with no frame past the gate and no byte count.
 */
function pushLeaks(api: Api, mine: Told, horizon: number, at: string): string[] {
  const out: string[] = [];
  for (const e of api.events) {
    const where = `${at} pushed ${e.event}`;
    switch (e.event) {
      case 'frames': {
        const p = e.payload as { rows: FrameRow[]; total: number };
        for (const r of p.rows) differences(r, mine.rows.find((m) => m.number === r.number), `${where} row ${r.number}`, out);
        if (p.total > mine.status.viewTotal) out.push(`${where}: total ${p.total} (${mine.status.viewTotal} at the gate)`);
        break;
      }
      case 'status': {
        const { skippedPush: _skipped, ...counters } = (e.payload as StatusSnapshot).counters;
        for (const [k, v] of Object.entries(counters)) if (v > mine.status.counters[k as keyof typeof counters]) out.push(`${where}: ${k} ${v} (${mine.status.counters[k as keyof typeof counters]} at the gate)`);
        break;
      }
      case 'connections':
        for (const c of (e.payload as { connections: ConnectionSummary[] }).connections) differences(c, mine.connections.find((m) => m.stream === c.stream), `${where} stream ${c.stream}`, out);
        break;
      case 'transitions':
        for (const t of e.payload as { stream: number; frame: number; states: unknown; transitions: unknown }[]) {
          // States pushed as the load stored them, then corrected by a later segment: a statesRevised
          // pushed after them makes the page pull them again (DECISIONS, "Live corrections").
          const revised = api.events.slice(api.events.indexOf(e)).some((x) => x.event === 'statesRevised' && (x.payload as { stream: number; fromFrame: number }[]).some((r) => r.stream === t.stream && r.fromFrame <= t.frame));
          if (revised) continue;
          const d = mine.details.find((x) => x.frame.frame === t.frame);
          differences({ states: t.states, transitions: t.transitions }, { states: d?.frame.states, transitions: d?.frame.transitions }, `${where} frame ${t.frame}`, out);
        }
        break;
      case 'statesRevised':
        for (const r of e.payload as { fromFrame: number }[]) if (r.fromFrame > horizon) out.push(`${where}: from frame ${r.fromFrame}`);
        break;
      case 'progress': {
        const p = e.payload as LoadProgress;
        if (p.frames > horizon || p.bytesRead || p.totalBytes) out.push(`${where}: ${JSON.stringify(p)}`);
        break;
      }
      case 'reset': case 'session': case 'shared':
        break;
      default:
        out.push(`${where}: ${JSON.stringify(e.payload).slice(0, 120)}`);
    }
  }
  api.events.length = 0;
  return out;
}

/**
 * Steps a student through lesson `id` of `lessonsDir`, answering each question right; at each gate compares
 * everything it is told with what a teacher is told of the capture cut there. Returns the differences.
 */
async function gatesAgainstCut(lessonsDir: string, id: string): Promise<{ gates: number; problems: string[] }> {
  const { service, server } = running.find((r) => r.service.hub.lessons.steps(id) !== null) ?? await serve(lessonsDir);
  const student = async () => new Api(await openWs(server.port, `?token=${server.classToken}`));
  const teacher = async () => new Api(await openWs(server.port, `?token=${server.token}`));
  const l = lesson(lessonsDir, id);
  const bytes = readFileSync(captureFile(lessonsDir, l));
  const whole = decodeCapture(bytes);
  const frames = whole.frames.length;
  const streams = new Set(whole.frames.map((f) => f.decoded.stream).filter((s) => s !== null)).size;
  const s = await student();
  await s.ok('identify', { learner: `cut-${id}-0001`, name: 'Cut' });
  await s.ok('openLesson', { id });
  const t = await teacher();
  const problems: string[] = [];
  let gates = 0;
  for (;;) {
    const play = await s.ok<LessonPlay>('getLesson', { id });
    const { gate, horizon, mask } = play.state;
    if (gate === null || horizon === null) break;
    gates++;
    const at = `${id} step ${gate + 1} (frame ${horizon} of ${frames})`;
    const file = join(dir, `${id}-${horizon}${captureFile(lessonsDir, l).endsWith('.pcapng') ? '.pcapng' : '.pcap'}`);
    writeFileSync(file, cutCapture(bytes, horizon));
    await t.ok('openFile', { path: file });
    const store = service.sessionById(await t.session())!.source.store;
    expect(store.total, at).toBe(horizon);
    const reveal = new Reveal(mask);
    await quiet(s);
    const mine = await told(s, frames, streams);
    const cut = redacted(withWholeStates(await told(t, frames, streams), whole), reveal, store, whole);
    problems.push(...differences(mine, cut, at));
    problems.push(...pushLeaks(s, mine, horizon, at));
    // A frame past the gate, one past the capture's end: refused alike (the number asked aside).
    const refusals = new Set<string>();
    for (let n = horizon + 1; n <= frames + 2; n++) refusals.add(String(await answer(s, 'getFrame', { number: n })).replaceAll(String(n), 'N'));
    if (refusals.size > 1) problems.push(`${at}: frames past the gate are refused in ${refusals.size} ways: ${[...refusals].join(' | ')}`);
    // Filters (locked at the open question: a step back opens them): a filtered view leaves out the
    // whole-masked segments and the frames where the field it compares is masked (a filter on a masked
    // value would tell it), and keeps every other frame up to the gate, as the cut capture's view has them.
    if (gate > 0) {
      await s.ok('lessonProgress', { lesson: id, step: 0 });
      for (const expression of FILTERS) {
        const compared = /^([\w.]+) *(==|>)/.exec(expression)?.[1];
        // Marks whose presence says a masked value (a duplicate ACK's while its Ack is asked, "[TCP ZeroWindow]"
        // while its window is) are left out there, not shown masked: no analysis test looks there.
        const analysis = expression.startsWith('tcp.analysis');
        const dropped = (n: number) => [...DROPPED].some((d) => reveal.fieldMasked(n, d));
        const kept = (n: number) => !reveal.frameMasked(n) && !(compared && reveal.fieldMasked(n, compared)) && !(analysis && dropped(n));
        const mineSet = await answer<{ total: number }>(s, 'setFilter', { expression });
        const cutSet = await answer<{ total: number }>(t, 'setFilter', { expression });
        const mineRows = (await s.ok<{ rows: FrameRow[] }>('getFrames', { start: 0, count: 10_000 })).rows.map((r) => r.number);
        const cutRows = (await t.ok<{ rows: FrameRow[] }>('getFrames', { start: 0, count: 10_000 })).rows.map((r) => r.number).filter((n) => n <= horizon && kept(n));
        const cutTotal = typeof cutSet === 'string' ? cutSet : { ...cutSet, total: cutRows.length };
        problems.push(...differences({ set: mineSet, rows: mineRows }, { set: cutTotal, rows: cutRows }, `${at} filter "${expression}"`));
      }
      await s.ok('setFilter', { expression: '' });
      await t.ok('setFilter', { expression: '' });
      await s.ok('lessonProgress', { lesson: id, step: gate });
    }
    const graded = await s.ok<{ correct: boolean }>('answerQuestion', { lesson: id, step: gate, answer: given(l, gate, whole) });
    expect(graded.correct, at).toBe(true);
  }
  s.close();
  t.close();
  return { gates, problems };
}

describe('a gated student learns only what the capture cut at the gate says', () => {
  const ids = readdirSync(shipped).filter((n) => n.endsWith('.json')).map((n) => n.slice(0, -5));
  it.each(ids)('%s: at every gate, every answer equals the cut capture\'s', { timeout: 240_000 }, async (id) => {
    const { gates, problems } = await gatesAgainstCut(shipped, id);
    expect(gates, id).toBeGreaterThan(0);
    expect(problems).toEqual([]);
  });

  it('a teacher\'s lesson on a capture that loses a segment after a gate: the missed-segment counter stops at the gate too', { timeout: 60_000 }, async () => {
    const { gates, problems } = await gatesAgainstCut(ownLessons, 'lost-later');
    expect(gates).toBe(4);
    expect(problems).toEqual([]);
  });
});

describe('a gated student downloads nothing of the lesson\'s capture', () => {
  it('is refused the capture a teacher shared for download, and told it may not, until every question is answered', { timeout: 60_000 }, async () => {
    const { server } = await serve(shipped);
    const id = 'seq-ack';
    const l = lesson(shipped, id);
    const bytes = readFileSync(captureFile(shipped, l));
    const whole = decodeCapture(bytes);
    const t = new Api(await openWs(server.port, `?token=${server.token}`));
    await t.ok('setTeacherMode', { on: true });
    await t.ok('openLesson', { id });
    await t.ok('share', { what: 'view', download: true });
    const s = new Api(await openWs(server.port, `?token=${server.classToken}`));
    await s.ok('identify', { learner: 'download-0001', name: 'Dee' });
    await s.ok('openLesson', { id });
    const get = async () => httpGet(server.port, `/capture?token=${server.classToken}&session=${await s.session()}`);
    const can = () => s.of<SessionInfo>('session').at(-1)!.can.download;
    // The file holds every frame after the open question (and the answers).
    const held = await get();
    expect(held.status).toBe(403);
    expect(held.body.length).toBeLessThan(bytes.length);
    expect(can()).toBe(false);
    expect((await s.ok<SessionInfo>('getSession')).can.download).toBe(false);
    for (let gate = (await s.ok<LessonPlay>('getLesson', { id })).state.gate; gate !== null; gate = (await s.ok<LessonPlay>('getLesson', { id })).state.gate) {
      expect((await get()).status, `step ${gate + 1}`).toBe(403);
      expect((await s.ok<{ correct: boolean }>('answerQuestion', { lesson: id, step: gate, answer: given(l, gate, whole) })).correct).toBe(true);
    }
    const free = await get();
    expect(free.status).toBe(200);
    expect(Buffer.compare(free.body, bytes)).toBe(0);
    for (let i = 0; i < 100 && !can(); i++) await new Promise((r) => setTimeout(r, 10));
    expect(can()).toBe(true);
    s.close();
    t.close();
  });
});
