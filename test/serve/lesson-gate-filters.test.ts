// A gated student's display filter (a step back from the open question opens it) sees every frame up to the
// question's segment whose values it can read on screen, and none whose masked value it would compare
// (filter-gate.ts). three-segment-close runs on classic-linux's capture, so classic-linux's unanswered
// questions mask values there too: every filter, even "tcp", once matched nothing at all. Real server,
// shipped lesson; what a filter should match comes from the engine's decode of the capture and from the
// trees the student is sent.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FrameDetail, FrameRow, LessonPlay } from '../../main/api/types';
import type { Field } from '../../main/engine/types';
import { decodeCapture, fieldsNamed, parseLesson } from '../../main/lessons/index';
import { startUploadServer, type UploadServer } from '../helpers/upload-server';
import type { Api } from '../helpers/ws-api';

const shipped = join(__dirname, '..', '..', 'assets', 'lessons');
let srv: UploadServer;

beforeAll(async () => {
  srv = await startUploadServer(mkdtempSync(join(tmpdir(), 'hl-gate-filters-')), { lessonsDir: shipped });
});
afterAll(() => srv.close());

const id = 'three-segment-close';
const parsed = parseLesson(JSON.parse(readFileSync(join(shipped, `${id}.json`), 'utf8')));
if (!parsed.ok) throw new Error(`${id} is invalid`);
const capture = decodeCapture(readFileSync(join(shipped, parsed.lesson.capture!)));

async function matches(s: Api, expression: string): Promise<number[]> {
  const set = await s.ok<{ ok: boolean; total: number }>('setFilter', { expression });
  expect(set.ok, expression).toBe(true);
  const rows = (await s.ok<{ rows: FrameRow[] }>('getFrames', { start: 0, count: 10_000 })).rows.map((r) => r.number);
  expect(rows.length, expression).toBe(set.total);
  return rows;
}

function shown(d: FrameDetail, name: string): (string | number | boolean | null)[] {
  const out: (string | number | boolean | null)[] = [];
  const walk = (fs: Field[]) => fs.forEach((f) => { if (f.name === name) out.push(f.value as string | number | boolean | null); walk(f.children); });
  d.frame.layers.forEach((l) => walk(l.fields));
  return out;
}

describe('a gated student\'s filters', () => {
  it('match the frames before the open question\'s segment, and never by a masked value', { timeout: 60_000 }, async () => {
    const s = await srv.student();
    await s.ok('identify', { learner: 'filters-0001', name: 'Fil' });
    await s.ok('openLesson', { id });
    const play = await s.ok<LessonPlay>('getLesson', { id });
    const horizon = play.state.horizon!;
    expect(play.state.gate).toBeGreaterThan(0);
    await s.ok('lessonProgress', { lesson: id, step: 0 });
    const before = Array.from({ length: horizon }, (_, i) => i + 1);
    const details = new Map<number, FrameDetail>();
    for (const n of before) details.set(n, await s.ok<FrameDetail>('getFrame', { number: n }));

    // A presence test reads no value: every TCP segment up to the gate.
    expect(await matches(s, 'tcp')).toEqual(before.filter((n) => capture.frames[n - 1].decoded.stream !== null));
    expect(await matches(s, 'frame')).toEqual(before);

    // By each value a frame before the gate holds: exactly the frames whose tree shows it, so a masked Ack
    // (classic-linux's, on the same capture) or a next sequence number that restates one matches nowhere.
    let hidden = 0;
    for (const name of ['tcp.ack', 'tcp.ack_raw', 'tcp.nxtseq', 'tcp.seq']) {
      for (const n of before) {
        const v = fieldsNamed(capture.frames[n - 1].decoded, name)[0]?.value;
        if (typeof v !== 'number') continue;
        const expected = before.filter((m) => shown(details.get(m)!, name).includes(v));
        if (!expected.includes(n)) hidden++;
        expect(await matches(s, `${name} == ${v}`), `${name} == ${v}`).toEqual(expected);
      }
    }
    // The lessons on this capture do mask values before the gate (else this checks nothing).
    expect(hidden).toBeGreaterThan(0);
    s.close();
  });
});
