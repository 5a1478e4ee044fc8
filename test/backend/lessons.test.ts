// The lessons catalogue behind the API, on the real engine: shipped lessons in the client's language, a
// user folder and `--lessons` folders, invalid files listed with the validator's reasons (and refused when
// opened), a lesson's steps from getLesson (its answers stay on the back end: lesson-player.test.ts), a
// live lesson falling back to its recorded sample without capture rights, and "Import lesson…" copying a
// valid lesson and its capture into the user folder.
import { afterAll, describe, expect, it } from 'vitest';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Service } from '../../main/backend/service';
import { lessonView, parseLesson } from '../../main/lessons/index';
import { failure, RecordingClient } from './service-helpers';

const shipped = join(__dirname, '..', '..', 'assets', 'lessons');
const tmp = mkdtempSync(join(tmpdir(), 'hl-lessons-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const logs: string[] = [];

function service(extra: Partial<ConstructorParameters<typeof Service>[0]> = {}, data = join(tmp, 'data')) {
  return new Service({ transport: 'websocket', log: (l) => logs.push(l), pushIntervalMs: 0, dataDir: data, capture: null, lessonsDir: shipped, ...extra });
}

const lessonJson = (id: string) => JSON.parse(readFileSync(join(shipped, `${id}.json`), 'utf8')) as Record<string, unknown> & { steps: Record<string, unknown>[] };

describe('lessons from the back end', () => {
  it('lists every shipped lesson in the client\'s language, with both languages\' texts', async () => {
    const ids = readdirSync(shipped).filter((n) => n.endsWith('.json')).map((n) => n.slice(0, -5));
    const en = await service({ locale: 'en-US' }).handle('listLessons', {}, new RecordingClient('a'));
    expect(en.map((l) => l.id).sort()).toEqual(ids.sort());
    expect(en[0].id).toBe('classic-linux'); // the curriculum's order
    for (const l of en) {
      const def = lessonJson(l.id) as { title: Record<string, string>; steps: unknown[] };
      expect(l).toMatchObject({ title: def.title.en, steps: def.steps.length, origin: 'shipped', texts: { 'zh-CN': { title: def.title['zh-CN'] } } });
      expect(l.problems).toBeUndefined();
    }
    const zh = await service({ locale: 'zh-CN' }).handle('listLessons', {}, new RecordingClient('a'));
    expect(zh[0].title).toBe((lessonJson('classic-linux').title as Record<string, string>)['zh-CN']);
  });

  it('opens a lesson\'s capture and lays its steps over it, sending what the page may know', async () => {
    const s = service({ canOpen: () => false });
    const c = new RecordingClient('a');
    expect(await failure(s.handle('getLesson', { id: 'classic-linux' }, c))).toMatchObject({ code: 'not_found' });
    const p = await s.handle('openLesson', { id: 'classic-linux' }, c);
    // The capture has 8 frames; the first question (step 1, frame 1) holds the rest back.
    expect(p).toMatchObject({ done: true, frames: 1 });
    const play = await s.handle('getLesson', { id: 'classic-linux' }, c);
    expect(play.problems).toEqual([]);
    expect(play.recorded).toBe(false);
    // The steps up to the open question's (the first: lesson-ahead.test.ts has the rest).
    expect(play.steps.map((x) => x.frame)).toEqual((lessonJson('classic-linux').steps as { frame: number }[]).map((x) => x.frame).slice(0, 1));
    const lesson = parseLesson(lessonJson('classic-linux'));
    if (!lesson.ok) throw new Error('invalid');
    const view = lessonView(lesson.lesson);
    expect(play.lesson).toEqual({ ...view, steps: view.steps.slice(0, 1) });
    expect(play.stepCount).toBe(lesson.lesson.steps.length);
    expect(play.state).toMatchObject({ id: 'classic-linux', step: 0, gate: 0, horizon: 1, teacher: false });
    // Another capture opened since: the lesson is no longer the one on screen.
    await s.handle('openLesson', { id: 'four-segment-close' }, c);
    expect(await failure(s.handle('getLesson', { id: 'classic-linux' }, c))).toMatchObject({ code: 'not_found' });
    expect(await failure(s.handle('openLesson', { id: 'no-such-lesson' }, c))).toMatchObject({ code: 'not_found' });
  });

  it('without capture rights, a live lesson opens its recorded sample and says so', async () => {
    const s = service();
    const c = new RecordingClient('a');
    await s.handle('openLesson', { id: 'own-traffic' }, c);
    const play = await s.handle('getLesson', { id: 'own-traffic' }, c);
    expect(play.recorded).toBe(true);
    expect(play.problems).toEqual([]);
    expect(play.steps.every((x) => x.frame !== null)).toBe(true);
  });

  it('lists invalid files of the user folder and of --lessons folders with the validator\'s reasons, and refuses to open them', async () => {
    const data = mkdtempSync(join(tmp, 'data-'));
    const user = join(data, 'lessons');
    const extra = mkdtempSync(join(tmp, 'extra-'));
    mkdirSync(user, { recursive: true });
    writeFileSync(join(user, 'broken.json'), '{');
    const l = lessonJson('classic-linux');
    (l.steps[8] as { frame: number }).frame = 99;
    writeFileSync(join(extra, 'bad-frame.json'), JSON.stringify({ ...l, id: 'bad-frame' }));
    copyFileSync(join(shipped, 'classic-linux.pcap'), join(extra, 'classic-linux.pcap'));
    writeFileSync(join(extra, 'mine.json'), JSON.stringify({ ...lessonJson('classic-linux'), id: 'mine' }));
    const s = service({ extraLessonDirs: [extra] }, data);
    const c = new RecordingClient('a');
    const list = await s.handle('listLessons', {}, c);
    expect(list.find((x) => x.id === 'broken')).toMatchObject({ origin: 'user', file: 'broken.json', problems: ['not valid JSON: the text ends too early'] });
    expect(list.find((x) => x.id === 'bad-frame')).toMatchObject({ origin: 'folder', problems: ['steps[8].frame: frame 99 is not in the capture (8 frames)'] });
    expect(list.find((x) => x.id === 'mine')).toMatchObject({ origin: 'folder' });
    expect(list.find((x) => x.id === 'mine')?.problems).toBeUndefined();
    expect(await failure(s.handle('openLesson', { id: 'bad-frame' }, c))).toEqual({ code: 'bad_request', message: 'lesson bad-frame cannot be opened: steps[8].frame: frame 99 is not in the capture (8 frames)' });
    // A shipped id used again is a problem of the later file.
    writeFileSync(join(extra, 'classic-linux.json'), JSON.stringify(lessonJson('classic-linux')));
    const again = (await s.handle('listLessons', {}, c)).filter((x) => x.id === 'classic-linux');
    expect(again).toHaveLength(2);
    expect(again[1].problems?.[0]).toMatch(/^id: "classic-linux" is already the id of .*assets\/lessons\/classic-linux\.json$/);
  });

  it('imports a valid lesson and its capture into the user folder; an invalid one is refused with its reasons', async () => {
    const data = mkdtempSync(join(tmp, 'data-'));
    const from = mkdtempSync(join(tmp, 'from-'));
    writeFileSync(join(from, 'my-lesson.json'), JSON.stringify({ ...lessonJson('seq-ack'), id: 'my-lesson' }));
    const elsewhere = join(from, 'upload-123-seq-ack.pcap');
    copyFileSync(join(shipped, 'seq-ack.pcap'), elsewhere);
    const s = service({}, data);
    const c = new RecordingClient('a');
    expect(await failure(s.handle('importLesson', { path: join(from, 'my-lesson.json') }, c))).toEqual({
      code: 'bad_request', message: `cannot import ${join(from, 'my-lesson.json')}: capture: cannot read seq-ack.pcap: no such file`,
    });
    expect(existsSync(join(data, 'lessons', 'my-lesson.json'))).toBe(false);
    const summary = await s.handle('importLesson', { path: join(from, 'my-lesson.json'), capture: elsewhere }, c);
    expect(summary).toMatchObject({ id: 'my-lesson', origin: 'user' });
    expect(summary.problems).toBeUndefined();
    expect(readFileSync(join(data, 'lessons', 'seq-ack.pcap'))).toEqual(readFileSync(elsewhere));
    expect((await s.handle('listLessons', {}, c)).some((x) => x.id === 'my-lesson' && x.origin === 'user')).toBe(true);
    await s.handle('openLesson', { id: 'my-lesson' }, c);
    expect((await s.handle('getLesson', { id: 'my-lesson' }, c)).problems).toEqual([]);
    // An import may not take a shipped lesson's id.
    writeFileSync(join(from, 'classic-linux.json'), JSON.stringify(lessonJson('classic-linux')));
    copyFileSync(join(shipped, 'classic-linux.pcap'), join(from, 'classic-linux.pcap'));
    expect((await failure(s.handle('importLesson', { path: join(from, 'classic-linux.json') }, c))).message).toMatch(/"classic-linux" is already the id of/);
  });
});

describe('the lessons catalogue under a class', () => {
  it('opening a lesson again within a couple of seconds does not look at the folders; a new or fixed lesson is seen at once', async () => {
    const { LessonCatalogue } = await import('../../main/backend/lessons');
    const folder = join(tmp, 'class-folder');
    mkdirSync(folder);
    copyFileSync(join(shipped, 'classic-linux.pcap'), join(folder, 'classic-linux.pcap'));
    const write = (id: string, title: string) => writeFileSync(join(folder, `${id}.json`), JSON.stringify({ ...lessonJson('classic-linux'), id, title: { en: title, 'zh-CN': title } }));
    write('mine', 'First');
    let now = 1_000_000;
    const catalogue = new LessonCatalogue([{ dir: folder, origin: 'folder' }], () => undefined, () => now);
    expect(catalogue.find('mine')?.lesson?.title.en).toBe('First');
    // Changed on disk: 50 students answering within the next two seconds are answered from the last scan
    // (before, each of their requests listed the folder and stat'ed every lesson and capture).
    write('mine', 'Second, longer');
    now += 1500;
    expect(catalogue.find('mine')?.lesson?.title.en).toBe('First');
    // A lesson that was not there at the last scan is looked for on the disk at once.
    write('other', 'Other');
    expect(catalogue.find('other')?.lesson?.title.en).toBe('Other');
    // Later, or listed (entries()), the disk is read again.
    now += 2500;
    expect(catalogue.find('mine')?.lesson?.title.en).toBe('Second, longer');
    write('mine', 'Third');
    expect(catalogue.entries().find((e) => e.id === 'mine')?.lesson?.title.en).toBe('Third');
    // An invalid entry of the last scan is not trusted: fixed, it opens at once.
    writeFileSync(join(folder, 'broken.json'), '{');
    expect(catalogue.any('broken')?.lesson).toBeNull();
    write('broken', 'Fixed');
    expect(catalogue.find('broken')?.lesson?.title.en).toBe('Fixed');
  });
});

describe('lessons checked ahead of a class', () => {
  it('warm() checks one lesson file per turn of the event loop, before anyone lists them', async () => {
    const { LessonCatalogue } = await import('../../main/backend/lessons');
    const folder = join(tmp, 'warm-folder');
    mkdirSync(folder);
    for (const n of ['a', 'b', 'c']) writeFileSync(join(folder, `${n}.json`), '{');
    const seen: string[] = [];
    const catalogue = new LessonCatalogue([{ dir: folder, origin: 'folder' }], (l) => seen.push(l));
    catalogue.warm();
    expect(seen).toHaveLength(0);
    const turn = () => new Promise((r) => setImmediate(r));
    await turn();
    expect(seen).toHaveLength(1);
    await turn();
    await turn();
    expect(seen.map((l) => /[abc]\.json/.exec(l)?.[0])).toEqual(['a.json', 'b.json', 'c.json']);
    // Listed afterwards, nothing is checked (or logged) again.
    expect(catalogue.entries()).toHaveLength(3);
    expect(seen).toHaveLength(3);
    // Cancelled, it stops.
    writeFileSync(join(folder, 'd.json'), '{');
    const other = new LessonCatalogue([{ dir: folder, origin: 'folder' }], (l) => seen.push(l));
    other.warm()();
    await turn();
    expect(seen).toHaveLength(3);
  });
});
