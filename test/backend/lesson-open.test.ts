// Opening a lesson, as the class shares it: its capture is loaded once for everyone who opens it, so no
// student may cut that load short for the others (a student alone on it cancelled it, and every student
// after got a capture of 0 frames: "frame 1 is not in the capture"), and a capture whose load was cut short
// or failed is never handed to the next one. An opening overtaken by another while its capture loads
// (two lessons at once) lays no player over the other's capture: that left a lesson's capture on screen
// under another lesson's gate, or none. Real engine, shipped lessons; the expected frames and steps come
// from the lesson file and its capture.
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Service } from '../../main/backend/service';
import { Source } from '../../main/backend/source';
import { decodeCapture, layOut, parseLesson, type LessonFile } from '../../main/lessons/index';
import { failure, RecordingClient } from './service-helpers';

const shipped = join(__dirname, '..', '..', 'assets', 'lessons');
const tmp = mkdtempSync(join(tmpdir(), 'hl-open-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
afterEach(() => { vi.restoreAllMocks(); });

function service() {
  return new Service({ transport: 'websocket', log: () => undefined, pushIntervalMs: 0, dataDir: mkdtempSync(join(tmp, 'data-')), capture: null, lessonsDir: shipped, locale: 'en' });
}

function lesson(id: string): LessonFile {
  const r = parseLesson(JSON.parse(readFileSync(join(shipped, `${id}.json`), 'utf8')));
  if (!r.ok) throw new Error(`${id} is invalid`);
  return r.lesson;
}

const captureOf = (l: LessonFile) => decodeCapture(readFileSync(join(shipped, l.capture!)));

async function student(s: Service, id: string): Promise<RecordingClient> {
  const c = new RecordingClient(id);
  s.connect(c, { role: 'student', loopback: true });
  await s.handle('identify', { learner: `learner-${id}`, name: id }, c);
  return c;
}

/** Runs `during` right after each file load starts (the load is then in progress, its source on screen). */
function whileLoading(during: (src: Source) => void): void {
  const load = Source.prototype.load;
  vi.spyOn(Source.prototype, 'load').mockImplementation(function (this: Source, o) {
    const done = load.call(this, o);
    during(this);
    return done;
  });
}

/** What a session with teacher mode on is sent of a lesson's capture: every frame it holds. */
async function framesSeen(s: Service, id: string): Promise<number> {
  const t = new RecordingClient(`teacher-${Math.random()}`);
  await s.handle('setTeacherMode', { on: true }, t);
  await s.handle('openLesson', { id }, t);
  return (await s.handle('getFrames', { start: 0, count: 10_000 }, t)).total;
}

describe('a lesson\'s shared capture', () => {
  it('cannot be cancelled by the student loading it: the next student plays the whole capture', async () => {
    const id = 'seq-ack';
    const l = lesson(id);
    const capture = captureOf(l);
    const s = service();
    const mallory = await student(s, 'mallory');
    const cancels: Promise<{ cancelled: boolean }>[] = [];
    // The first student is alone on the capture while it loads, and asks to cancel it then.
    whileLoading((src) => { if (src.kind === 'lesson') cancels.push(s.handle('cancelLoad', {}, mallory)); });
    const opened = await s.handle('openLesson', { id }, mallory);
    vi.restoreAllMocks();
    const bob = await student(s, 'bob');
    await s.handle('openLesson', { id }, bob);
    const play = await s.handle('getLesson', { id }, bob);
    expect(play.problems).toEqual([]);
    expect(play.state.questions.filter((q) => q !== null).every((q) => q!.available)).toBe(true);
    expect(play.state.horizon).toBe(layOut(l, capture).steps[play.state.gate!].frame);
    expect(await framesSeen(s, id)).toBe(capture.frames.length);
    // Her cancel was refused: the load was not hers alone.
    expect(cancels.length).toBe(1);
    expect(await Promise.all(cancels)).toEqual([{ cancelled: false }]);
    expect(opened.cancelled).toBeUndefined();
  });

  it('cut short or failed, is not handed to the next one: it loads the file afresh', async () => {
    const id = 'seq-ack';
    const capture = captureOf(lesson(id));
    const s = service();
    const first = await student(s, 'first');
    // However a load comes to be cancelled (the source freed while it loads…), its store holds part of the file.
    whileLoading((src) => { if (src.loading) src.loading.cancel = true; });
    expect((await s.handle('openLesson', { id }, first)).cancelled).toBe(true);
    const cut = s.sessionOf('first')!.source;
    expect(cut.store.total).toBeLessThan(capture.frames.length);
    vi.restoreAllMocks();
    const next = await student(s, 'next');
    await s.handle('openLesson', { id }, next);
    expect(s.sessionOf('next')!.source).not.toBe(cut);
    expect(s.sessionOf('next')!.source.store.total).toBe(capture.frames.length);
    expect((await s.handle('getLesson', { id }, next)).problems).toEqual([]);
    // …and that whole one is the one shared from then on.
    expect(await framesSeen(s, id)).toBe(capture.frames.length);
  });
});

/** Holds back the end of the loads of `file` (the load runs; the opening waits for it until `release`). */
function holdLoadsOf(file: string): { started: Promise<void>; release: () => void } {
  let release!: () => void, started!: () => void;
  const held = new Promise<void>((r) => { release = r; });
  const start = new Promise<void>((r) => { started = r; });
  const load = Source.prototype.load;
  vi.spyOn(Source.prototype, 'load').mockImplementation(function (this: Source, o) {
    const done = load.call(this, o);
    if (this.file !== file) return done;
    started();
    return done.then(async (p) => { await held; return p; });
  });
  return { started: start, release };
}

describe('an opening overtaken by another', () => {
  it('two lessons opened at once: the later one is on screen, held at its own gate; the earlier is dropped', async () => {
    const decoy = 'cumulative-acks', target = 'three-segment-close';
    const t = lesson(target);
    const layout = layOut(t, captureOf(t));
    const s = service();
    const eve = await student(s, 'eve');
    // The decoy's capture finishes loading after the target's lesson is open.
    const hold = holdLoadsOf(join(shipped, lesson(decoy).capture!));
    const first = failure(s.handle('openLesson', { id: decoy }, eve));
    await hold.started;
    await s.handle('openLesson', { id: target }, eve);
    hold.release();
    await first;
    const session = s.sessionOf('eve')!;
    expect(session.source.file).toBe(join(shipped, t.capture!));
    expect((await s.handle('getSession', {}, eve)).lesson?.id).toBe(target);
    const { state } = await s.handle('getLesson', { id: target }, eve);
    expect(state.horizon).toBe(layout.steps[state.gate!].frame);
    expect((await s.handle('getFrames', { start: 0, count: 1000 }, eve)).total).toBe(state.horizon);
    expect(await first).toMatchObject({ code: 'cancelled' });
  });

  it('a lesson overtaken by a file opened meanwhile lays no gate over the file', async () => {
    const id = 'three-segment-close';
    const other = lesson('four-segment-close');
    expect(other.capture).not.toBe(lesson(id).capture);
    const s = service();
    const c = new RecordingClient('desk');
    const hold = holdLoadsOf(join(shipped, lesson(id).capture!));
    const opening = failure(s.handle('openLesson', { id }, c));
    await hold.started;
    await s.handle('openFile', { path: join(shipped, other.capture!) }, c);
    hold.release();
    await opening;
    expect((await s.handle('getSession', {}, c)).lesson).toBeNull();
    expect((await s.handle('getFrames', { start: 0, count: 1000 }, c)).total).toBe(captureOf(other).frames.length);
    expect(await opening).toMatchObject({ code: 'cancelled' });
  });
});
