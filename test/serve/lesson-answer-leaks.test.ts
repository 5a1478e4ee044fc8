// No open question's answer reaches a gated student in another field's clothes (DECISIONS "Grading").
// For every shipped lesson, at each of its gates, a student on the class URL fetches everything the API
// answers (rows and their Info, every frame's tree and bytes, ladders, every graph) and it is searched for
// each open question's answer in every form a field prints it (lesson answers: computed from the capture;
// forms: test/helpers/answer-leaks.ts): "[Next Sequence Number: 15]" of the segment a masked Ack
// acknowledges, the Stevens graph's upper end of it, and the like. The asked frame's acknowledgment
// analysis ("[This is an ACK to the segment in frame: N]", its RTT) says which segment it covers, so it
// must be masked with the Ack. Filters (a step back opens them): a filter `FIELD == VALUE` may match only
// frames whose tree shows FIELD with that value.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Service } from '../../main/backend/service';
import { startServer, type RunningServer } from '../../main/serve/server';
import type { FrameDetail, FrameRow, LadderPage, LessonPlay, Series, SeriesKind } from '../../main/api/types';
import type { Field } from '../../main/engine/types';
import { computeAnswer, decodeCapture, parseLesson, type LessonCapture, type LessonFile } from '../../main/lessons/index';
import { Api, openWs } from '../helpers/ws-api';
import { answerForms, findAnswer, type AnswerForms, type Sent } from '../helpers/answer-leaks';

const shipped = join(__dirname, '..', '..', 'assets', 'lessons');
const dir = mkdtempSync(join(tmpdir(), 'hl-leaks-'));
let service: Service;
let server: RunningServer;

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

const KINDS: SeriesKind[] = ['stevens', 'acks', 'segments', 'throughput', 'window', 'rtt'];

function lesson(id: string): LessonFile {
  const r = parseLesson(JSON.parse(readFileSync(join(shipped, `${id}.json`), 'utf8')));
  if (!r.ok) throw new Error(`${id} is invalid`);
  return r.lesson;
}
const captureOf = (l: LessonFile) => decodeCapture(readFileSync(join(shipped, l.capture ?? l.experiment?.sample ?? l.watch!.sample)));

async function sent(s: Api, streams: number): Promise<Sent> {
  const rows = (await s.ok<{ rows: FrameRow[] }>('getFrames', { start: 0, count: 10_000 })).rows;
  const details: FrameDetail[] = [];
  for (const r of rows) details.push(await s.ok<FrameDetail>('getFrame', { number: r.number }));
  const ladders: LadderPage[] = [];
  const series: Series[] = [];
  for (let stream = 0; stream < streams; stream++) {
    const page = await s.call('getLadder', { stream, start: 0, count: 10_000 });
    if ('error' in page) continue;
    ladders.push(page.result as LadderPage);
    for (const kind of KINDS) {
      const r = await s.call('getSeries', { stream, kind });
      if (!('error' in r)) series.push(...(r.result as Series[]));
    }
  }
  return { rows, details, ladders, series };
}

function* walk(fs: Field[]): Generator<Field> {
  for (const f of fs) {
    yield f;
    yield* walk(f.children);
  }
}

/** The acknowledgment analysis of a frame whose Ack is asked: which segment it covers, and its RTT. */
function ackAnalysisShown(s: Sent, a: AnswerForms): string[] {
  if (!/^tcp\.ack(_raw)?$/.test(a.asked.field)) return [];
  const d = s.details.find((x) => x.frame.frame === a.asked.frame);
  if (!d) return [];
  const out: string[] = [];
  for (const l of d.frame.layers) {
    for (const f of walk(l.fields)) {
      if ((f.name === 'tcp.analysis.acks_frame' || f.name === 'tcp.analysis.ack_rtt') && f.value !== null) out.push(`step ${a.step + 1}'s Ack is masked, frame ${a.asked.frame}'s tree shows ${f.name} "${f.display}"`);
    }
  }
  return out;
}

/**
 * Filters `FIELD == VALUE` for each answer form and each numeric field the student's trees hold: every frame
 * one matches must show FIELD with that value in its tree (anything else is a masked value found by filtering).
 */
async function filterLeaks(s: Api, got: Sent, forms: AnswerForms[]): Promise<string[]> {
  const shown = new Map<string, Set<number>>();
  const names = new Set<string>();
  for (const d of got.details) {
    for (const l of d.frame.layers) {
      for (const f of walk(l.fields)) {
        if (!/^[a-z][\w.]*$/.test(f.name)) continue;
        names.add(f.name);
        if (f.value !== null) {
          const key = `${f.name}==${String(f.value)}`;
          if (!shown.has(key)) shown.set(key, new Set());
          shown.get(key)!.add(d.frame.frame);
        }
      }
    }
  }
  const out: string[] = [];
  const numeric = [...names].filter((n) => got.details.some((d) => d.frame.layers.some((l) => [...walk(l.fields)].some((f) => f.name === n && (typeof f.value === 'number' || f.value === null)))));
  for (const a of forms) {
    for (const v of a.values) {
      for (const name of numeric) {
        const expression = `${name} == ${v}`;
        const set = await s.call('setFilter', { expression });
        if ('error' in set || !(set.result as { ok: boolean }).ok) continue;
        const rows = (await s.ok<{ rows: FrameRow[] }>('getFrames', { start: 0, count: 10_000 })).rows;
        for (const r of rows) if (!shown.get(`${name}==${v}`)?.has(r.number)) out.push(`filter "${expression}" matches frame ${r.number}, whose tree does not show it`);
      }
    }
  }
  await s.ok('setFilter', { expression: '' });
  return out;
}

/** Steps a student through lesson `id`, answering right; at each gate, where the open questions' answers show. */
async function leaksOf(id: string): Promise<{ gates: number; leaks: string[] }> {
  const l = lesson(id);
  const capture: LessonCapture = captureOf(l);
  const streams = new Set(capture.frames.map((f) => f.decoded.stream).filter((x) => x !== null)).size;
  const s = new Api(await openWs(server.port, `?token=${server.classToken}`));
  await s.ok('identify', { learner: `leak-${id}-0001`, name: 'Lee' });
  await s.ok('openLesson', { id });
  const leaks: string[] = [];
  let gates = 0;
  for (;;) {
    const play = await s.ok<LessonPlay>('getLesson', { id });
    const { gate, horizon } = play.state;
    if (gate === null || horizon === null) break;
    gates++;
    const solved = new Set(play.state.questions.filter((q) => q?.solved).map((q) => q!.step));
    const forms = l.steps.map((_, i) => (i >= gate && !solved.has(i) ? answerForms(l, i, capture) : null)).filter((x): x is AnswerForms => x !== null);
    const at = `${id} at step ${gate + 1} (frame ${horizon})`;
    const got = await sent(s, streams);
    for (const a of forms) leaks.push(...[...findAnswer(got, a, capture), ...ackAnalysisShown(got, a)].map((x) => `${at}: ${x}`));
    if (gate > 0 && forms.length) {
      await s.ok('lessonProgress', { lesson: id, step: 0 });
      leaks.push(...(await filterLeaks(s, got, forms)).map((x) => `${at}: ${x}`));
      await s.ok('lessonProgress', { lesson: id, step: gate });
    }
    const a = computeAnswer(l, gate, capture);
    const answer = a.kind === 'bytes' ? [a.value[0], a.value[1]] : a.value;
    expect((await s.ok<{ correct: boolean }>('answerQuestion', { lesson: id, step: gate, answer })).correct, at).toBe(true);
  }
  s.close();
  return { gates, leaks };
}

describe('no open question\'s answer shows in another field, a graph or a filter', () => {
  const ids = readdirSync(shipped).filter((n) => n.endsWith('.json')).map((n) => n.slice(0, -5));
  it.each(ids)('%s', { timeout: 240_000 }, async (id) => {
    const { gates, leaks } = await leaksOf(id);
    expect(gates).toBeGreaterThan(0);
    expect(leaks).toEqual([]);
  });
});
