// flow-control asks "What window does this ACK offer?" on the receiver's zero-window ACK: Wireshark's marks on
// that segment ("[TCP ZeroWindow]", its expert note and analysis flag) say the answer, 0, while the window
// itself is masked. While the question is open a student is sent none of them, and no filter finds them there;
// the segments before keep theirs; nor the raw Window field, nor a graph's mark. Which segment and which marks
// come from the engine's decode of the capture.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FrameDetail, FrameRow, LadderPage, LessonPlay, Series } from '../../main/api/types';
import { computeAnswer, decodeCapture, fieldsNamed, parseLesson } from '../../main/lessons/index';
import { startUploadServer, type UploadServer } from '../helpers/upload-server';
import { itemTexts } from '../helpers/fields';

const shipped = join(__dirname, '..', '..', 'assets', 'lessons');
const dir = mkdtempSync(join(tmpdir(), 'hl-zero-window-'));
const lessons = join(dir, 'lessons');
const parsed = parseLesson(JSON.parse(readFileSync(join(shipped, 'flow-control.json'), 'utf8')));
if (!parsed.ok) throw new Error('flow-control.json does not parse');
const lesson = parsed.lesson;
const capture = decodeCapture(readFileSync(join(shipped, lesson.capture!)));
/** The first step that asks a window the capture says is 0. */
const step = lesson.steps.findIndex((s) => s.question?.kind === 'number' && JSON.stringify(s.question.value) === '{"field":"tcp.window_size"}'
  && s.frame !== undefined && fieldsNamed(capture.frames[s.frame - 1].decoded, 'tcp.window_size')[0]?.value === 0);
const asked = lesson.steps[step].frame as number;
const zero = (n: number) => capture.frames[n - 1].decoded.analysis.includes('zero_window');
let srv: UploadServer;

beforeAll(async () => {
  mkdirSync(lessons, { recursive: true });
  copyFileSync(join(shipped, 'flow-control.json'), join(lessons, 'flow-control.json'));
  copyFileSync(join(shipped, lesson.capture!), join(lessons, lesson.capture!));
  srv = await startUploadServer(join(dir, 'server'), { lessonsDir: lessons });
});
afterAll(() => srv.close());

describe('a masked zero window', () => {
  it('is not given away by the segment\'s ZeroWindow marks, on screen or through a filter', { timeout: 60_000 }, async () => {
    expect(step).toBeGreaterThan(0);
    expect(zero(asked)).toBe(true);
    const s = await srv.student();
    await s.ok('identify', { learner: 'zero-win-0001', name: 'Zoe' });
    await s.ok('openLesson', { id: lesson.id });
    for (let i = 0; i < step; i++) {
      if (!lesson.steps[i].question) continue;
      const a = computeAnswer(lesson, i, capture);
      expect((await s.ok<{ correct: boolean }>('answerQuestion', { lesson: lesson.id, step: i, answer: a.value })).correct).toBe(true);
    }
    const play = await s.ok<LessonPlay>('getLesson', { id: lesson.id });
    expect(play.state.horizon).toBe(asked);

    const marks = /ZeroWindow|Zero Window|zero_window/i;
    const row = (await s.ok<{ rows: FrameRow[] }>('getFrames', { start: 0, count: 10_000 })).rows.find((r) => r.number === asked)!;
    expect(row.info).not.toMatch(marks);
    expect(row.analysis).not.toContain('zero_window');
    const d = await s.ok<FrameDetail>('getFrame', { number: asked });
    expect(d.frame.info).not.toMatch(marks);
    expect(itemTexts(d.frame.layers.flatMap((l) => l.fields)).filter((x) => marks.test(x))).toEqual([]);
    expect(d.frame.expert.filter((e) => marks.test(e.message))).toEqual([]);
    const stream = capture.frames[asked - 1].decoded.stream!;
    const seg = (await s.ok<LadderPage>('getLadder', { stream, start: 0, count: 10_000 })).segments.find((x) => x.frame === asked)!;
    expect(seg.info).not.toMatch(marks);
    expect(seg.analysis).not.toContain('zero_window');

    // Nor the raw Window field, which is the window itself (not scaled here: fresh eyes saw "Window: 0").
    const raw = fieldsNamed(capture.frames[asked - 1].decoded, 'tcp.window_size_value')[0];
    expect(raw?.value).toBe(0);
    expect(itemTexts(d.frame.layers.flatMap((l) => l.fields)).filter((x) => x.startsWith('tcp.window_size_value') && !x.endsWith('?'))).toEqual([]);
    // Nor a graph's mark on its point (fresh eyes: the segments graph marked it zero_window).
    for (const kind of ['segments', 'acks', 'window', 'stevens'] as const) {
      const r = await s.ok<Series | Series[] | { series: Series[] }>('getSeries', { stream, kind });
      const list = Array.isArray(r) ? r : 'series' in r ? r.series : [r];
      for (const se of list) for (const m of se.marks ?? []) expect(`${kind} ${se.frames[m.index]} ${m.kind}`).not.toBe(`${kind} ${asked} zero_window`);
    }

    // A filter for the marks, or on the raw field, finds the zero windows before the question's segment, not it.
    const earlier = Array.from({ length: asked - 1 }, (_, i) => i + 1).filter(zero);
    for (const expression of ['tcp.analysis.zero_window', 'tcp.window_size_value == 0']) {
      expect((await s.ok<{ ok: boolean }>('setFilter', { expression })).ok).toBe(true);
      const rows = (await s.ok<{ rows: FrameRow[] }>('getFrames', { start: 0, count: 10_000 })).rows.map((r) => r.number);
      expect(rows, expression).not.toContain(asked);
      if (expression.startsWith('tcp.analysis')) expect(rows).toEqual(earlier);
    }
    s.close();
  });
});
