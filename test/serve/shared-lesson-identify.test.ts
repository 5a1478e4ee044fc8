// A lesson the teacher shares is played on the record, as any lesson: a student of the class URL says who
// they are first (fresh eyes: openShared of a lesson share opened it for a student who had not identified,
// whose answers then counted against nobody, while openLesson of the same lesson was refused). Real
// engine, real server, a shipped lesson; the gate's frame comes from the lesson file resolved in the
// engine's decode of its capture.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Service } from '../../main/backend/service';
import { startServer, type RunningServer } from '../../main/serve/server';
import type { Share } from '../../main/api/types';
import { decodeCapture, parseLesson, resolveSteps } from '../../main/lessons/index';
import { Api, openWs } from '../helpers/ws-api';

const shipped = join(__dirname, '..', '..', 'assets', 'lessons');
const dir = mkdtempSync(join(tmpdir(), 'hl-share-lesson-'));
let server: RunningServer;
let service: Service;

beforeAll(async () => {
  mkdirSync(join(dir, 'renderer'));
  writeFileSync(join(dir, 'renderer', 'index.html'), '<!doctype html><title>t</title>');
  service = new Service({ transport: 'websocket', capture: null, dataDir: join(dir, 'data'), lessonsDir: shipped, log: () => undefined });
  server = await startServer({ service, rootDir: join(dir, 'renderer'), log: () => undefined });
});

afterAll(async () => {
  await service.dispose();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The first question's frame of a shipped lesson, from the lesson file resolved in the engine's decode of its capture. */
function firstGate(id: string): { limit: number; frames: number } {
  const parsed = parseLesson(JSON.parse(readFileSync(join(shipped, `${id}.json`), 'utf8')));
  if (!parsed.ok) throw new Error(`${id} is invalid`);
  const capture = decodeCapture(readFileSync(join(shipped, parsed.lesson.capture!)));
  const first = parsed.lesson.steps.findIndex((s) => s.question);
  return { limit: resolveSteps(parsed.lesson, capture)[first].frame!, frames: capture.frames.length };
}

describe('a shared lesson', () => {
  // Fresh eyes: a teacher playing a lesson who shared "my view" gave every student the whole capture,
  // states and all: the answers to every question of the lesson.
  it('shared as the teacher\'s view, holds a student at its first question as the lesson itself does', { timeout: 60_000 }, async () => {
    const { limit, frames } = firstGate('classic-linux');
    expect(limit).toBeLessThan(frames);
    const teacher = new Api(await openWs(server.port, `?token=${server.token}`));
    await teacher.ok('openLesson', { id: 'classic-linux' });
    const share = await teacher.ok<Share>('share', { what: 'view', download: false });
    // Fresh eyes: a new class connection started on the newest share, whole, before any gate or identify.
    const viewer = new Api(await openWs(server.port, `?token=${server.classToken}`));
    expect((await viewer.ok<{ total: number }>('getFrames', { start: 0, count: 1 })).total).toBe(0);
    viewer.close();
    const student = new Api(await openWs(server.port, `?token=${server.classToken}`));
    const refused = await student.call('openShared', { id: share.id });
    expect('error' in refused && refused.error.code).toBe('forbidden');
    await student.ok('identify', { learner: 'student-0002', name: 'V' });
    await student.ok('openShared', { id: share.id });
    const rows = await student.ok<{ total: number; rows: { number: number }[] }>('getFrames', { start: 0, count: 100 });
    expect(rows.total).toBe(limit);
    expect((await student.call('getFrame', { number: limit + 1 }) as { error?: { code: string } }).error?.code).toBe('forbidden');
    // The teacher's own other windows are not students: they still see the capture whole.
    const window2 = new Api(await openWs(server.port, `?token=${server.token}`));
    await window2.ok('openShared', { id: share.id });
    expect((await window2.ok<{ total: number }>('getFrames', { start: 0, count: 1 })).total).toBe(frames);
    teacher.close();
    student.close();
    window2.close();
  });

  it('is refused to a student who has not said who they are, and once they have, held at its first question', { timeout: 60_000 }, async () => {
    const parsed = parseLesson(JSON.parse(readFileSync(join(shipped, 'classic-linux.json'), 'utf8')));
    if (!parsed.ok) throw new Error('classic-linux is invalid');
    const capture = decodeCapture(readFileSync(join(shipped, parsed.lesson.capture!)));
    const first = parsed.lesson.steps.findIndex((s) => s.question);
    const limit = resolveSteps(parsed.lesson, capture)[first].frame!;
    expect(limit).toBeLessThan(capture.frames.length);

    const teacher = new Api(await openWs(server.port, `?token=${server.token}`));
    const share = await teacher.ok<Share>('share', { what: 'lesson', lesson: 'classic-linux' });
    const student = new Api(await openWs(server.port, `?token=${server.classToken}`));
    for (const [method, params] of [['openLesson', { id: 'classic-linux' }], ['openShared', { id: share.id }]] as const) {
      const r = await student.call(method, params);
      expect('error' in r && r.error.code, method).toBe('forbidden');
      expect('error' in r && r.error.message, method).toMatch(/identify/);
    }
    await student.ok('identify', { learner: 'student-0001', name: 'S' });
    await student.ok('openShared', { id: share.id });
    const rows = await student.ok<{ total: number; rows: { number: number }[] }>('getFrames', { start: 0, count: 100 });
    expect(rows.total).toBe(limit);
    expect(rows.rows.map((r) => r.number)).toEqual(Array.from({ length: limit }, (_, i) => i + 1));
    expect((await student.call('getFrame', { number: limit + 1 }) as { error?: { code: string } }).error?.code).toBe('forbidden');
    teacher.close();
    student.close();
  });
});
