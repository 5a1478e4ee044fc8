// What a student's page is told of a lesson beyond its open question: nothing. A later step's text, prompt
// or frame, a frame a later question asks about (in the mask), or the capture's size in bytes would answer
// the open question (live-rst's "The reset reaches the server." while it asks which flags the closing
// segment will carry; three-segment-close's later frames while it asks how many segments the close takes).
// For every shipped lesson a student is sent the steps up to the gate's, the next ones as each question is
// answered right, until every step has come, equal to the lesson's own texts and to the frames the lesson
// resolves on its capture. Teacher mode is sent every step. Real engine, shipped lessons and captures.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LessonPlay, LoadProgress } from '../../main/api/types';
import { Service } from '../../main/backend/service';
import { computeAnswer, decodeCapture, layOut, lessonView, parseLesson, type ComputedAnswer, type LessonFile } from '../../main/lessons/index';
import { failure, RecordingClient } from './service-helpers';

const shipped = join(__dirname, '..', '..', 'assets', 'lessons');
const tmp = mkdtempSync(join(tmpdir(), 'hl-ahead-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function service() {
  return new Service({ transport: 'websocket', log: () => undefined, pushIntervalMs: 0, dataDir: mkdtempSync(join(tmp, 'data-')), capture: null, lessonsDir: shipped, locale: 'en' });
}

function lesson(id: string): LessonFile {
  const r = parseLesson(JSON.parse(readFileSync(join(shipped, `${id}.json`), 'utf8')));
  if (!r.ok) throw new Error(`${id} is invalid`);
  return r.lesson;
}

const captureOf = (l: LessonFile) => decodeCapture(readFileSync(join(shipped, l.capture ?? l.experiment?.sample ?? l.watch!.sample)));
const given = (a: ComputedAnswer) => a.value as string | number | [number, number] | string[];

/** Every frame number a lesson state's mask names. */
function maskFrames(play: LessonPlay): number[] {
  const m = play.state.mask;
  if (!m) return [];
  return [...m.frames, ...m.fields.map((f) => f.frame), ...m.states.map((s) => s.from), ...m.byteLinks, ...m.series.map((s) => s.frame)];
}

describe('a lesson\'s page is sent nothing past its open question', () => {
  it('sends a student of any shipped lesson the steps up to the gate\'s, no frame a later question asks about and no size, then the next steps as each question is answered', async () => {
    const ids = readdirSync(shipped).filter((n) => n.endsWith('.json')).map((n) => n.slice(0, -5));
    const problems: string[] = [];
    for (const id of ids) {
      const s = service();
      const c = new RecordingClient(`student-${id}`);
      s.connect(c, { role: 'student', loopback: true });
      await s.handle('identify', { learner: `learner-${id}`, name: 'Eve' }, c);
      const l = lesson(id);
      const capture = captureOf(l);
      const view = lessonView(l);
      const layout = layOut(l, capture);
      const opened = await s.handle('openLesson', { id }, c);
      let first = true;
      for (;;) {
        const play = await s.handle('getLesson', { id }, c);
        const { gate, horizon } = play.state;
        const shown = gate === null ? l.steps.length : gate + 1;
        const at = `${id} at step ${gate === null ? 'end' : gate + 1}`;
        expect(play.stepCount, at).toBe(l.steps.length);
        expect(play.state.shown, at).toBe(shown);
        expect(play.lesson.steps, at).toEqual(view.steps.slice(0, shown));
        expect(play.steps, at).toEqual(layout.steps.slice(0, shown));
        expect(play.state.questions.length, at).toBe(shown);
        // No later step's words anywhere in what the page gets (unless a shown step says the same).
        const text = JSON.stringify(play);
        const said = new Set(view.steps.slice(0, shown).flatMap((x) => [x.text.en, x.question?.prompt.en]));
        for (const later of view.steps.slice(shown)) {
          for (const words of [later.text.en, later.question?.prompt.en]) {
            if (words && !said.has(words) && text.includes(JSON.stringify(words))) problems.push(`${at}: sends a later step's "${words.slice(0, 60)}"`);
          }
        }
        if (horizon !== null) {
          const past = maskFrames(play).filter((n) => n > horizon);
          if (past.length) problems.push(`${at}: its mask names frames ${past.join(', ')} past the horizon ${horizon}`);
        }
        // The opening's answer and the load's progress pushes: no byte count of the file, no frame past the gate.
        if (first) {
          for (const p of [opened, ...c.of('progress')] as LoadProgress[]) {
            if (p.bytesRead || p.totalBytes) problems.push(`${at}: progress tells ${p.bytesRead} of ${p.totalBytes} bytes`);
            if (horizon !== null && p.frames > horizon) problems.push(`${at}: progress tells ${p.frames} frames (horizon ${horizon})`);
          }
          first = false;
        }
        if (gate === null) break;
        const r = await s.handle('answerQuestion', { lesson: id, step: gate, answer: given(computeAnswer(l, gate, capture)) }, c);
        expect(r.correct, at).toBe(true);
        expect(r.state.questions.length, at).toBe(r.state.shown);
      }
    }
    expect(problems).toEqual([]);
  }, 300_000);

  it('sends three-segment-close\'s and live-rst\'s later steps only once their questions before are answered', async () => {
    // The two the attack named: the count of segments and the reset are in the steps after the question.
    for (const id of ['three-segment-close', 'live-rst']) {
      const s = service();
      const c = new RecordingClient(`student-${id}`);
      s.connect(c, { role: 'student', loopback: true });
      await s.handle('identify', { learner: `learner-2-${id}`, name: 'Eve' }, c);
      const l = lesson(id);
      const layout = layOut(l, captureOf(l));
      await s.handle('openLesson', { id }, c);
      const play = await s.handle('getLesson', { id }, c);
      const gate = play.state.gate!;
      const later = layout.steps.slice(gate + 1).map((x) => x.frame!).filter((f) => f > play.state.horizon!);
      expect(later.length, id).toBeGreaterThan(0);
      expect(play.steps.map((x) => x.frame), id).toEqual(layout.steps.slice(0, gate + 1).map((x) => x.frame));
      expect(JSON.stringify(play), id).not.toContain(JSON.stringify(l.steps[l.steps.length - 1].text.en));
      expect(maskFrames(play).every((n) => n <= play.state.horizon!), id).toBe(true);
    }
  });

  it('answers an answer to any step past the gate alike, whether the step asks a question or not (what the steps not shown hold stays unsaid)', async () => {
    const ids = readdirSync(shipped).filter((n) => n.endsWith('.json')).map((n) => n.slice(0, -5));
    let mixed = 0;
    for (const id of ids) {
      const s = service();
      const c = new RecordingClient(`student-3-${id}`);
      await s.handle('identify', { learner: `learner-3-${id}`, name: 'Eve' }, c);
      await s.handle('openLesson', { id }, c);
      const play = await s.handle('getLesson', { id }, c);
      const gate = play.state.gate;
      if (gate === null) continue;
      const l = lesson(id);
      const layout = layOut(l, captureOf(l));
      const past = l.steps.map((_, i) => i).filter((i) => i > gate);
      // The lesson's own steps: with and without a question, or one its capture cannot answer.
      if (new Set(past.map((i) => (l.steps[i].question ? (layout.answers[i] ? 'q' : 'none here') : 'no q'))).size > 1) mixed++;
      const errors = await Promise.all(past.map((step) => failure(s.handle('answerQuestion', { lesson: id, step, answer: 'x' }, c))));
      for (const [k, e] of errors.entries()) {
        expect(e.code, `${id} step ${past[k] + 1}`).toBe('forbidden');
        expect(e.message, `${id} step ${past[k] + 1}`).toBe(errors[0].message);
      }
    }
    expect(mixed).toBeGreaterThan(0);
  });

  it('sends teacher mode every step, and the steps up to the gate again once it is off', async () => {
    const s = service();
    const c = new RecordingClient('teacher');
    const l = lesson('three-segment-close');
    const gate = l.steps.findIndex((x) => x.question);
    await s.handle('setTeacherMode', { on: true }, c);
    await s.handle('openLesson', { id: 'three-segment-close' }, c);
    const all = await s.handle('getLesson', { id: 'three-segment-close' }, c);
    expect(all.lesson).toEqual(lessonView(l));
    expect(all.steps).toEqual(layOut(l, captureOf(l)).steps);
    expect(all.state.questions.length).toBe(l.steps.length);
    await s.handle('setTeacherMode', { on: false }, c);
    const held = await s.handle('getLesson', { id: 'three-segment-close' }, c);
    expect(held.lesson.steps.length).toBe(gate + 1);
    expect(held.state.shown).toBe(gate + 1);
  });
});
