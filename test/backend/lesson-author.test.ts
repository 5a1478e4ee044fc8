// "Make a lesson from this capture" on the back end: a draft checked by the validator against the capture
// on screen, its answers computed by the engine; previewed as a student would play it; saved with a copy
// of the capture into the user's lessons folder, where it is listed and plays like any lesson. Expected
// answers come from computeAnswer over the capture file (answers.test.ts checks those against tshark).
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Service } from '../../main/backend/service';
import { ApiError } from '../../main/api/contract';
import { answerText, computeAnswer, decodeCapture, lessonView, parseLesson } from '../../main/lessons/index';
import { RecordingClient } from './service-helpers';

const shipped = join(__dirname, '..', '..', 'assets', 'lessons');
const tmp = mkdtempSync(join(tmpdir(), 'hl-author-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const pcap = join(shipped, 'classic-linux.pcap');

const t = (en: string) => ({ en, 'zh-CN': `${en}（中文）` });
function draft(id = 'my-handshake') {
  return {
    id, title: t('My handshake'), summary: t('Made from a capture'),
    steps: [
      { frame: 1, text: t('The client opens.') },
      { frame: 2, view: 'ladder', text: t('The server answers.'), question: { kind: 'number', value: { field: 'tcp.ack' }, prompt: t('Which Ack?'), explanation: t('Seq + 1.') } },
      { frame: 7, text: t('The server closes.'), question: { kind: 'state', endpoint: 'client', prompt: t('Client state?'), explanation: t('It waits.') } },
    ],
  };
}

async function failure(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ApiError) return `${e.code}: ${e.message}`;
    throw e;
  }
  return 'ok';
}

describe('a lesson made from the capture on screen', () => {
  it('is checked by the validator, with each answer computed by the engine, then previewed and saved', async () => {
    const data = mkdtempSync(join(tmp, 'data-'));
    const s = new Service({ transport: 'ipc', log: () => undefined, pushIntervalMs: 0, dataDir: data, capture: null, lessonsDir: shipped });
    const c = new RecordingClient('author');
    expect(await failure(s.handle('checkLesson', { lesson: draft() }, c))).toBe('not_found: there is no capture on screen: open one to make a lesson of it');
    await s.handle('openFile', { path: pcap }, c);

    const checked = await s.handle('checkLesson', { lesson: draft() }, c);
    expect(checked.problems).toEqual([]);
    expect(checked.capture).toBe('my-handshake.pcap');
    const parsed = parseLesson({ ...draft(), capture: 'my-handshake.pcap' });
    if (!parsed.ok) throw new Error('the draft does not parse');
    const capture = decodeCapture(readFileSync(pcap));
    expect(checked.answers).toEqual(parsed.lesson.steps.map((x, i) => (x.question ? { en: answerText(x.question, computeAnswer(parsed.lesson, i, capture), 'en'), 'zh-CN': answerText(x.question, computeAnswer(parsed.lesson, i, capture), 'zh-CN') } : null)));

    // The validator's own words for what is wrong.
    const bad = draft();
    (bad.steps[2] as { frame: number }).frame = 99;
    delete (bad.steps[0].text as Partial<Record<string, string>>)['zh-CN'];
    expect((await s.handle('checkLesson', { lesson: bad }, c)).problems).toEqual(['steps[0].text.zh-CN: missing zh-CN translation']);
    const far = draft();
    (far.steps[2] as { frame: number }).frame = 99;
    expect((await s.handle('checkLesson', { lesson: far }, c)).problems).toEqual(['steps[2].frame: frame 99 is not in the capture (8 frames)']);
    expect(await failure(s.handle('saveLesson', { lesson: far }, c))).toMatch(/^bad_request: the lesson has problems: steps\[2\]\.frame/);

    // Previewed as a student plays it: its first question holds the gate.
    const preview = await s.handle('previewLesson', { lesson: draft() }, c);
    const view = lessonView(parsed.lesson);
    expect(preview.lesson).toEqual({ ...view, steps: view.steps.slice(0, 2) });
    expect(preview.state).toMatchObject({ gate: 1, horizon: 2 });
    const a = computeAnswer(parsed.lesson, 1, capture);
    expect((await s.handle('answerQuestion', { lesson: 'my-handshake', step: 1, answer: a.value as number }, c)).correct).toBe(true);
    expect((await s.handle('getFrames', { start: 0, count: 100 }, c)).total).toBe(7);
    // Leaving the preview lifts its gate.
    expect(await s.handle('closeLesson', {}, c)).toEqual({ closed: true });
    expect((await s.handle('getFrames', { start: 0, count: 100 }, c)).total).toBe(8);

    // Saved with a copy of the capture, it is listed and plays like any lesson.
    const saved = await s.handle('saveLesson', { lesson: draft() }, c);
    expect(saved).toMatchObject({ id: 'my-handshake', origin: 'user', file: 'my-handshake.json' });
    expect(saved.problems).toBeUndefined();
    expect(readFileSync(join(data, 'lessons', 'my-handshake.pcap'))).toEqual(readFileSync(pcap));
    expect(JSON.parse(readFileSync(join(data, 'lessons', 'my-handshake.json'), 'utf8'))).toEqual(parsed.lesson);
    await s.handle('openLesson', { id: 'my-handshake' }, c);
    expect((await s.handle('getLesson', { id: 'my-handshake' }, c)).problems).toEqual([]);
    // A shipped lesson's id is not free.
    await s.handle('openFile', { path: pcap }, c);
    expect(await failure(s.handle('saveLesson', { lesson: draft('classic-linux') }, c))).toMatch(/^bad_request: "classic-linux" is already the id of .*classic-linux\.json$/);
    await s.dispose();
  });
});
