// Guessing is slow (DECISIONS "Grading"): a script answered 5,000 times in 2.6 s and solved every lesson.
// Three wrong answers to a question cost nothing; then each wrong one doubles the wait before the next is
// graded (1 s, 2 s, 4 s … up to 30 s), per learner (a new tab does not start over) and per session (a new
// learner key in the same tab does not either), refused as `rate_limited` with the wait. A session of the
// class URL says who it is before it plays a lesson. Teacher mode is not slowed.
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Service } from '../../main/backend/service';
import { ADDRESS_FREE_WRONG, ADDRESS_PACE, AnswerThrottle } from '../../main/backend/answer-throttle';
import { computeAnswer, decodeCapture, parseLesson } from '../../main/lessons/index';
import { failure, RecordingClient } from './service-helpers';

const shipped = join(__dirname, '..', '..', 'assets', 'lessons');
const tmp = mkdtempSync(join(tmpdir(), 'hl-throttle-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
afterEach(() => { vi.useRealTimers(); });

const service = () => new Service({ transport: 'websocket', log: () => undefined, pushIntervalMs: 0, dataDir: mkdtempSync(join(tmp, 'data-')), capture: null, lessonsDir: shipped, locale: 'en' });
const parsed = parseLesson(JSON.parse(readFileSync(join(shipped, 'classic-linux.json'), 'utf8')));
if (!parsed.ok) throw new Error('classic-linux is invalid');
const lesson = parsed.lesson;
const right = computeAnswer(lesson, 0, decodeCapture(readFileSync(join(shipped, lesson.capture!))));
if (right.kind !== 'state') throw new Error('step 1 asks a state');
const WRONG = right.wrong[0].value;
const student = { role: 'student', loopback: false } as const;

describe('wrong answers slow the next ones down', () => {
  it('waits nothing for three wrong answers, then 1 s, doubling up to 30 s', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 20].map((n) => AnswerThrottle.waitAfter(n))).toEqual([0, 0, 0, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
  });

  it('refuses an anonymous class session a lesson, and answers past the wait as rate_limited, per learner and per session', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const s = service();
    const a = new RecordingClient('student-a');
    s.connect(a, student);
    expect(await failure(s.handle('openLesson', { id: 'classic-linux' }, a))).toMatchObject({ code: 'forbidden', message: expect.stringContaining('identify') });
    await s.handle('identify', { learner: 'learner-slow-0001' }, a);
    expect(await failure(s.handle('openLesson', { id: 'classic-linux' }, a))).toMatchObject({ code: 'forbidden' });
    await s.handle('identify', { learner: 'learner-slow-0001', name: 'Sam' }, a);
    await s.handle('openLesson', { id: 'classic-linux' }, a);
    const ask = (c: RecordingClient, answer: string) => s.handle('answerQuestion', { lesson: 'classic-linux', step: 0, answer }, c);

    for (let i = 0; i < 3; i++) expect((await ask(a, WRONG)).correct).toBe(false);
    // The fourth answer, at once: refused (not graded, nor recorded), with the wait in its message.
    expect(await failure(ask(a, right.value))).toMatchObject({ code: 'rate_limited', message: expect.stringContaining('wait 1 s') });
    vi.advanceTimersByTime(1000);
    expect((await ask(a, WRONG)).correct).toBe(false);
    expect(await failure(ask(a, WRONG))).toMatchObject({ code: 'rate_limited', message: expect.stringContaining('wait 2 s') });

    // Another tab of the same learner waits too; so does this tab under a new learner key.
    const b = new RecordingClient('student-b');
    s.connect(b, student);
    await s.handle('identify', { learner: 'learner-slow-0001', name: 'Sam' }, b);
    await s.handle('openLesson', { id: 'classic-linux' }, b);
    expect(await failure(ask(b, WRONG))).toMatchObject({ code: 'rate_limited' });
    await s.handle('identify', { learner: 'learner-fresh-0002', name: 'Sam again' }, a);
    await s.handle('openLesson', { id: 'classic-linux' }, a);
    expect(await failure(ask(a, WRONG))).toMatchObject({ code: 'rate_limited' });

    // Once the wait is over, the right answer is graded and recorded.
    vi.advanceTimersByTime(2000);
    const r = await ask(b, right.value);
    expect(r).toMatchObject({ correct: true });
    expect(r.state.questions[0]).toMatchObject({ solved: true, firstCorrect: false });
    // Only graded answers were recorded: the first (wrong) one stays the learner's first.
    const record = (await s.handle('getLesson', { id: 'classic-linux' }, b)).state.score;
    expect(record).toMatchObject({ answered: 1, right: 0 });
  });

  it('counts per address group too, so throwaway identities share it, more gently than a learner\'s', async () => {
    // Fresh eyes: new tabs with made-up learners got 3 free guesses each (a state in 11 guesses over 4 tabs in 96 ms).
    expect([0, 5, 6, 7, 8, 9, 10, 30].map((n) => AnswerThrottle.waitAfter(n, ADDRESS_PACE))).toEqual([0, 0, 1000, 2000, 4000, 8000, 10000, 10000]);
    vi.useFakeTimers({ toFake: ['Date'] });
    const s = service();
    const ask = (c: RecordingClient, answer: string) => s.handle('answerQuestion', { lesson: 'classic-linux', step: 0, answer }, c);
    const tab = async (id: string, address: string) => {
      const c = new RecordingClient(id);
      s.connect(c, { ...student, address });
      await s.handle('identify', { learner: `throwaway-${id}-xxxxxxxx`, name: id }, c);
      await s.handle('openLesson', { id: 'classic-linux' }, c);
      return c;
    };
    // Tabs of made-up learners from one /64, each taking its learner's free wrong answers: 6 in all, then a wait.
    let graded = 0;
    for (let i = 0; i < 4; i++) {
      const c = await tab(`t${i}`, `fd00:99::${i + 1}`);
      for (let k = 0; k < 3; k++) {
        try {
          expect((await ask(c, WRONG)).correct).toBe(false);
          graded++;
        } catch (e) {
          expect(e).toMatchObject({ code: 'rate_limited', message: expect.stringContaining('wait 1 s') });
        }
      }
    }
    expect(graded).toBe(ADDRESS_FREE_WRONG);
    // Another address's student is not held up; after the wait the address is graded again.
    expect((await ask(await tab('elsewhere', '10.0.0.9'), WRONG)).correct).toBe(false);
    vi.advanceTimersByTime(1000);
    expect((await ask(await tab('t9', 'fd00:99::9'), right.value)).correct).toBe(true);
  });

  it('does not slow teacher mode (it records nothing)', async () => {
    const s = service();
    const t = new RecordingClient('teacher');
    await s.handle('setTeacherMode', { on: true }, t);
    await s.handle('openLesson', { id: 'classic-linux' }, t);
    for (let i = 0; i < 10; i++) expect((await s.handle('answerQuestion', { lesson: 'classic-linux', step: 0, answer: WRONG }, t)).correct).toBe(false);
  });
});
