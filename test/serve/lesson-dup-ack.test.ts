// A teacher's question on a duplicate ACK's Ack: Wireshark's marks on that segment ("[TCP Dup ACK 19#2]",
// "[Duplicate to the ACK in frame: 19]", its expert note and analysis flag) say the Ack is frame 19's, so
// while the question is open a student is sent none of them, and no filter finds them there. No shipped
// lesson asks this; the lesson is the teacher's own, on the shipped loss-recovery capture. What the marks
// are, and where, comes from the engine's decode of the capture.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FrameDetail, FrameRow, LadderPage, LessonPlay } from '../../main/api/types';
import { decodeCapture, fieldsNamed } from '../../main/lessons/index';
import { startUploadServer, type UploadServer } from '../helpers/upload-server';
import { itemTexts } from '../helpers/fields';

const shipped = join(__dirname, '..', '..', 'assets', 'lessons');
const dir = mkdtempSync(join(tmpdir(), 'hl-dup-ack-'));
const lessons = join(dir, 'lessons');
const capture = decodeCapture(readFileSync(join(shipped, 'loss-recovery.pcap')));
const dup = (n: number) => fieldsNamed(capture.frames[n - 1].decoded, 'tcp.analysis.duplicate_ack_frame').length > 0;
/** The second duplicate ACK: one before it is on screen too. */
const asked = capture.frames.map((f) => f.decoded.frame).filter(dup)[1];
let srv: UploadServer;

beforeAll(async () => {
  mkdirSync(lessons, { recursive: true });
  copyFileSync(join(shipped, 'loss-recovery.pcap'), join(lessons, 'loss-recovery.pcap'));
  const text = { en: 'Look at this segment.', 'zh-CN': '看这个报文段。' };
  writeFileSync(join(lessons, 'dup-own.json'), JSON.stringify({
    id: 'dup-own', title: text, summary: text, capture: 'loss-recovery.pcap',
    steps: [{ frame: 5, text }, { frame: asked, text, question: { kind: 'number', value: { field: 'tcp.ack' }, prompt: { en: 'Which Ack?', 'zh-CN': '哪个 Ack？' }, explanation: text } }],
  }));
  srv = await startUploadServer(join(dir, 'server'), { lessonsDir: lessons });
});
afterAll(() => srv.close());

describe('a masked Ack on a duplicate ACK', () => {
  it('is not given away by the duplicate ACK\'s marks, on screen or through a filter', { timeout: 60_000 }, async () => {
    expect(dup(asked)).toBe(true);
    const s = await srv.student();
    await s.ok('identify', { learner: 'dup-0001', name: 'Dup' });
    await s.ok('openLesson', { id: 'dup-own' });
    const play = await s.ok<LessonPlay>('getLesson', { id: 'dup-own' });
    expect(play.state.horizon).toBe(asked);

    const row = (await s.ok<{ rows: FrameRow[] }>('getFrames', { start: 0, count: 10_000 })).rows.find((r) => r.number === asked)!;
    expect(row.info).not.toMatch(/Dup ACK/);
    expect(row.analysis).not.toContain('duplicate_ack');
    const d = await s.ok<FrameDetail>('getFrame', { number: asked });
    expect(d.frame.info).not.toMatch(/Dup ACK/);
    expect(itemTexts(d.frame.layers.flatMap((l) => l.fields)).filter((x) => /duplicate|Dup/i.test(x))).toEqual([]);
    expect(d.frame.expert.filter((e) => /duplicate/i.test(e.message))).toEqual([]);
    expect(d.frame.analysis).not.toContain('duplicate_ack');
    const stream = capture.frames[asked - 1].decoded.stream!;
    const seg = (await s.ok<LadderPage>('getLadder', { stream, start: 0, count: 10_000 })).segments.find((x) => x.frame === asked)!;
    expect(seg.info).not.toMatch(/Dup ACK/);
    expect(seg.analysis).not.toContain('duplicate_ack');
    // The duplicate ACK before it keeps its marks.
    const before = (await s.ok<FrameDetail>('getFrame', { number: asked - 1 }));
    expect(dup(asked - 1) && before.frame.info).toMatch(/Dup ACK/);

    // A step back opens the filter: the duplicate ACKs before the question's segment, not it.
    await s.ok('lessonProgress', { lesson: 'dup-own', step: 0 });
    const earlier = Array.from({ length: asked - 1 }, (_, i) => i + 1).filter(dup);
    for (const expression of ['tcp.analysis.duplicate_ack', 'tcp.analysis.duplicate_ack_frame', 'tcp.analysis.flags && tcp.len == 0 && tcp.ack > 1']) {
      expect((await s.ok<{ ok: boolean }>('setFilter', { expression })).ok, expression).toBe(true);
      const rows = (await s.ok<{ rows: FrameRow[] }>('getFrames', { start: 0, count: 10_000 })).rows.map((r) => r.number);
      expect(rows, expression).not.toContain(asked);
      if (!expression.includes('&&')) expect(rows, expression).toEqual(earlier);
    }
    s.close();
  });
});
