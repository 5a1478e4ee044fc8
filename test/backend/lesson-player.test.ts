// The lesson player on the back end, on the real engine and the shipped lessons: the page is never sent an
// answer before it is given (nor a lesson file's explanations, feedback or value expressions); while a
// question is not answered right, every request and push stops at its step's frame; answers are graded
// here (targeted feedback, the first answer recorded and scored, the right one still required to go on);
// progress survives a restart under the learner's key; teacher mode frees navigation and shows answers.
// Expected frames, states and answers come from the lesson files and the engine's decode of the captures.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Service } from '../../main/backend/service';
import { answerText, computeAnswer, decodeCapture, feedbackText, parseLesson, resolveSteps, type LessonFile } from '../../main/lessons/index';
import { failure, RecordingClient } from './service-helpers';

const shipped = join(__dirname, '..', '..', 'assets', 'lessons');
const tmp = mkdtempSync(join(tmpdir(), 'hl-player-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function service(data = mkdtempSync(join(tmp, 'data-'))) {
  return new Service({ transport: 'websocket', log: () => undefined, pushIntervalMs: 0, dataDir: data, capture: null, lessonsDir: shipped, locale: 'en' });
}

function lesson(id: string): LessonFile {
  const r = parseLesson(JSON.parse(readFileSync(join(shipped, `${id}.json`), 'utf8')));
  if (!r.ok) throw new Error(`${id} is invalid`);
  return r.lesson;
}

const captureOf = (l: LessonFile) => decodeCapture(readFileSync(join(shipped, l.capture ?? l.experiment?.sample ?? l.watch!.sample)));

describe('the lesson player on the back end', () => {
  it('sends no answer, explanation, feedback or value expression of any shipped lesson before it is answered', async () => {
    const ids = readdirSync(shipped).filter((n) => n.endsWith('.json')).map((n) => n.slice(0, -5));
    const s = service();
    const c = new RecordingClient('a');
    for (const id of ids) {
      await s.handle('openLesson', { id }, c);
      const play = await s.handle('getLesson', { id }, c);
      const text = JSON.stringify(play);
      for (const key of ['"explanation"', '"feedback"', '"value"', '"answer"', '"conceptual"', '"frame":{', '"to"']) expect(text, `${id} sends ${key}`).not.toContain(key);
      expect(play.state.questions.every((q) => q === null || q.reveal === null), id).toBe(true);
      // The first question holds the gate at its step's frame.
      const l = lesson(id);
      const first = l.steps.findIndex((x) => x.question);
      expect(play.state.gate, id).toBe(first);
      expect(play.state.horizon, id).toBe(play.steps[first].frame);
    }
  });

  it('stops every request and push at the open question\'s frame, and grades answers there', async () => {
    const s = service();
    const c = new RecordingClient('a');
    const l = lesson('classic-linux');
    const capture = captureOf(l);
    const frames = resolveSteps(l, capture).map((r) => r.frame!);
    await s.handle('openLesson', { id: 'classic-linux' }, c);
    s.tick();
    const limit = frames[0];
    const pushed = c.of('frames').flatMap((f) => f.rows.map((r) => r.number));
    expect(Math.max(0, ...pushed)).toBeLessThanOrEqual(limit);
    expect(c.of('frames').every((f) => f.total <= limit)).toBe(true);
    expect(c.of('progress').every((p) => p.frames <= limit)).toBe(true);

    expect((await s.handle('getFrames', { start: 0, count: 100 }, c)).rows.map((r) => r.number)).toEqual([1]);
    expect(await failure(s.handle('getFrame', { number: limit + 1 }, c))).toMatchObject({ code: 'forbidden' });
    expect((await s.handle('getFrame', { number: limit }, c)).frame.frame).toBe(limit);
    expect((await s.handle('indexOfFrame', { number: limit + 1 }, c)).index).toBe(-1);
    const ladder = await s.handle('getLadder', { stream: 0, start: 0, count: 100 }, c);
    expect(ladder.segments.map((x) => x.frame)).toEqual([1]);
    expect(ladder.total).toBe(1);
    // The summary as it stood after frame 1: its states are frame 1's, not the capture's last; the client's
    // is the open question's answer, so it is not sent (lesson-redact.ts).
    expect(ladder.summary).toMatchObject({ frames: 1, lastFrame: 1, states: { ...capture.frames[0].decoded.states, client: '?' } });
    for (const kind of ['stevens', 'throughput', 'window', 'rtt'] as const) {
      for (const x of await s.handle('getSeries', { stream: 0, kind }, c)) expect(x.frames.every((f) => f <= limit), kind).toBe(true);
    }
    expect((await s.handle('listConnections', {}, c))[0]).toMatchObject({ frames: 1, lastFrame: 1 });
    expect(await s.handle('getStatus', {}, c)).toMatchObject({ total: 1, viewTotal: 1, counters: { decoded: 1 } });
    expect(await failure(s.handle('setFilter', { expression: 'tcp' }, c))).toMatchObject({ code: 'forbidden' });
    expect(await failure(s.handle('lessonProgress', { lesson: 'classic-linux', step: 1 }, c))).toMatchObject({ code: 'forbidden' });

    // A wrong answer: the feedback aimed at it, recorded as the first answer; the right one is still needed.
    const right = computeAnswer(l, 0, capture);
    if (right.kind !== 'state') throw new Error('step 1 asks a state');
    const wrong = right.wrong[0];
    const w = await s.handle('answerQuestion', { lesson: 'classic-linux', step: 0, answer: wrong.value }, c);
    expect(w).toMatchObject({ correct: false, first: true, feedback: { en: feedbackText(l.steps[0].question!, wrong.feedback, 'en'), 'zh-CN': feedbackText(l.steps[0].question!, wrong.feedback, 'zh-CN') } });
    expect(w.state).toMatchObject({ gate: 0, horizon: limit, score: { right: 0, answered: 1, total: 9 } });
    expect(w.state.questions[0]).toMatchObject({ first: { en: wrong.value }, firstCorrect: false, solved: false, reveal: null });
    expect(await failure(s.handle('lessonProgress', { lesson: 'classic-linux', step: 1 }, c))).toMatchObject({ code: 'forbidden' });
    const r = await s.handle('answerQuestion', { lesson: 'classic-linux', step: 0, answer: right.value }, c);
    expect(r).toMatchObject({ correct: true, first: false, feedback: null });
    expect(r.state.questions[0]).toMatchObject({ solved: true, firstCorrect: false, reveal: { answer: { en: answerText(l.steps[0].question!, right, 'en') }, explanation: l.steps[0].question!.explanation } });
    expect(r.state).toMatchObject({ gate: 1, horizon: frames[1], score: { right: 0, answered: 1 } });

    // The gate moved: the next frames are sent (and pushed), up to the next question's frame.
    c.clear();
    s.tick();
    expect(c.of('frames').flatMap((f) => f.rows.map((x) => x.number))).toEqual([2]);
    expect((await s.handle('getFrames', { start: 0, count: 100 }, c)).total).toBe(frames[1]);
    expect((await s.handle('lessonProgress', { lesson: 'classic-linux', step: 1 }, c)).step).toBe(1);
    // Another session looking at the same capture (shared with it) is not held by this one's lesson.
    const share = await s.handle('share', { what: 'view', download: false }, c);
    const b = new RecordingClient('b');
    await s.handle('openShared', { id: share.id }, b);
    expect(s.sessionOf('b')?.source).toBe(s.sessionOf('a')?.source);
    expect((await s.handle('getFrames', { start: 0, count: 100 }, b)).total).toBe(capture.frames.length);
    expect((await s.handle('getFrames', { start: 0, count: 100 }, c)).total).toBe(frames[1]);
  });

  it('while nothing is asked at the current step, a filter sees every frame up to the gate: a masked state is nothing it reads', async () => {
    const s = service();
    const c = new RecordingClient('a');
    const l = lesson('four-segment-close');
    const capture = captureOf(l);
    await s.handle('openLesson', { id: 'four-segment-close' }, c);
    const play = await s.handle('getLesson', { id: 'four-segment-close' }, c);
    expect(l.steps[0].question).toBeUndefined();
    const q = l.steps[1].question!;
    if (q.kind !== 'state') throw new Error('step 2 asks a state');
    const at = play.steps[1].frame!;
    // The server is in its state after frame `at` from the first frame of that run.
    let from = at;
    while (from > 1 && capture.frames[from - 2].decoded.states?.[q.endpoint] === capture.frames[at - 1].decoded.states?.[q.endpoint]) from--;
    expect(play.state.mask?.states).toContainEqual({ endpoint: q.endpoint, from });
    expect(from).toBeLessThanOrEqual(at); // the view once stopped before frame `from`
    // Every TCP segment up to the gate (the open question's segment), masked states and all.
    const tcp = Array.from({ length: at }, (_, i) => i + 1).filter((n) => capture.frames[n - 1].decoded.stream !== null);
    const f = await s.handle('setFilter', { expression: 'tcp' }, c);
    expect(f).toMatchObject({ ok: true, total: tcp.length });
    expect((await s.handle('getFrames', { start: 0, count: 100 }, c)).rows.map((r) => r.number)).toEqual(tcp);
  });

  it('lays a lesson out once for every student on its capture, and each student\'s mask still follows what they solved', async () => {
    const s = service();
    const id = 'classic-linux';
    const l = lesson(id);
    const capture = captureOf(l);
    const a = new RecordingClient('a'), b = new RecordingClient('b'), a2 = new RecordingClient('a2');
    await s.handle('identify', { learner: 'learner-mask-a' }, a);
    await s.handle('identify', { learner: 'learner-mask-b' }, b);
    await s.handle('identify', { learner: 'learner-mask-a' }, a2);
    for (const c of [a, b, a2]) await s.handle('openLesson', { id }, c);
    // classic-linux, and three-segment-close on the same capture (its answers are masked there too): once each.
    expect(s.hub.lessons.layoutsComputed).toBe(2);
    const before = (await s.handle('getLesson', { id }, a)).state;
    expect((await s.handle('getLesson', { id }, b)).state.mask).toEqual(before.mask);
    // The same learner answers the first question right in another page: this page's gate and mask follow.
    const first = l.steps.findIndex((x) => x.question);
    const right = computeAnswer(l, first, capture);
    expect((await s.handle('answerQuestion', { lesson: id, step: first, answer: right.kind === 'number' ? right.value : right.value as string }, a2)).correct).toBe(true);
    const after = (await s.handle('getLesson', { id }, a)).state;
    expect(after.gate).toBeGreaterThan(before.gate!);
    expect(after.mask).not.toEqual(before.mask);
    expect(after.mask).toEqual((await s.handle('getLesson', { id }, a2)).state.mask);
    // The other learner's is as it was.
    expect((await s.handle('getLesson', { id }, b)).state.mask).toEqual(before.mask);
    await s.dispose();
  });

  it('decodes a lesson\'s ladder once for every session, and masks it for each as before', async () => {
    const id = 'classic-linux';
    const alone = service();
    const b0 = new RecordingClient('b0');
    await alone.handle('openLesson', { id }, b0);
    const maskedAlone = await alone.handle('getLadder', { stream: 0 }, b0);
    await alone.dispose();

    const s = service();
    const teacher = new RecordingClient('t'), b = new RecordingClient('b');
    await s.handle('setTeacherMode', { on: true }, teacher);
    await s.handle('openLesson', { id }, teacher);
    await s.handle('openLesson', { id }, b);
    const before = s.hub.ladders.decoded;
    const full = await s.handle('getLadder', { stream: 0 }, teacher);
    const masked = await s.handle('getLadder', { stream: 0 }, b);
    expect(s.hub.ladders.decoded - before).toBe(1);
    // The teacher sees every segment; the student, after the teacher asked, exactly what a student alone sees.
    expect(masked).toEqual(maskedAlone);
    expect(masked).not.toEqual(full);
    expect(await s.handle('getLadder', { stream: 0 }, teacher)).toEqual(full);
    await s.dispose();
  });

  it('keeps each learner\'s progress across a restart, and lists it with the lessons', async () => {
    const data = mkdtempSync(join(tmp, 'data-'));
    const l = lesson('classic-linux');
    const capture = captureOf(l);
    const s1 = service(data);
    const c = new RecordingClient('tab-1');
    await s1.handle('identify', { learner: 'learner-aaaa-1' }, c);
    await s1.handle('openLesson', { id: 'classic-linux' }, c);
    await s1.handle('answerQuestion', { lesson: 'classic-linux', step: 0, answer: 'ESTABLISHED' }, c);
    for (const step of [0, 1]) {
      const a = computeAnswer(l, step, capture);
      await s1.handle('answerQuestion', { lesson: 'classic-linux', step, answer: a.kind === 'number' ? a.value : a.value as string }, c);
      if (step === 0) await s1.handle('lessonProgress', { lesson: 'classic-linux', step: 1 }, c);
    }
    await s1.dispose();

    const s2 = service(data);
    const again = new RecordingClient('tab-2');
    await s2.handle('identify', { learner: 'learner-aaaa-1' }, again);
    const listed = (await s2.handle('listLessons', {}, again)).find((x) => x.id === 'classic-linux');
    expect(listed?.progress).toEqual({ step: 1, right: 1, answered: 2, solved: 2, questions: 9, done: false });
    await s2.handle('openLesson', { id: 'classic-linux' }, again);
    const { state } = await s2.handle('getLesson', { id: 'classic-linux' }, again);
    expect(state).toMatchObject({ step: 1, gate: 2, score: { right: 1, answered: 2, total: 9 } });
    expect(state.questions[0]).toMatchObject({ first: { en: 'ESTABLISHED' }, firstCorrect: false, solved: true });
    expect(state.questions[0]!.timeMs).toBeGreaterThanOrEqual(0);
    // Someone else starts afresh.
    const other = new RecordingClient('tab-3');
    await s2.handle('identify', { learner: 'learner-bbbb-2' }, other);
    await s2.handle('openLesson', { id: 'classic-linux' }, other);
    expect((await s2.handle('getLesson', { id: 'classic-linux' }, other)).state).toMatchObject({ step: 0, gate: 0, score: { answered: 0 } });
    expect((await s2.handle('listLessons', {}, other)).find((x) => x.id === 'classic-linux')?.progress).toBeUndefined();
  });

  it('holds a reloaded page at the same gate: its session resumed, or a new tab of the same learner once it opens the lesson', async () => {
    const s = service();
    const student = { role: 'student', loopback: true } as const;
    const first = new RecordingClient('before-reload');
    const session = s.connect(first, student)!;
    await s.handle('identify', { learner: 'learner-cccc-3', name: 'Cy' }, first);
    await s.handle('openLesson', { id: 'classic-linux' }, first);
    const before = await s.handle('getLesson', { id: 'classic-linux' }, first);
    s.detach('before-reload');
    // The reloaded page names its session: the lesson and its gate are still there.
    const after = new RecordingClient('after-reload');
    expect(s.connect(after, { ...student, resume: session.id })?.id).toBe(session.id);
    expect((await s.handle('getFrames', { start: 0, count: 100 }, after)).total).toBe(before.state.horizon);
    expect((await s.handle('getLesson', { id: 'classic-linux' }, after)).state).toEqual(before.state);
    // A second tab (a session of its own) has no lesson until it opens it; then the learner's gate holds it.
    const tab = new RecordingClient('second-tab');
    s.connect(tab, student);
    await s.handle('identify', { learner: 'learner-cccc-3', name: 'Cy' }, tab);
    expect(await failure(s.handle('getLesson', { id: 'classic-linux' }, tab))).toMatchObject({ code: 'not_found' });
    await s.handle('openLesson', { id: 'classic-linux' }, tab);
    expect((await s.handle('getLesson', { id: 'classic-linux' }, tab)).state).toMatchObject({ step: before.state.step, gate: before.state.gate, horizon: before.state.horizon });
    expect((await s.handle('getFrames', { start: 0, count: 100 }, tab)).total).toBe(before.state.horizon);
  });

  it('keeps the gate per session: a student may not turn teacher mode on nor author, and another session\'s teacher mode lifts nothing of theirs', async () => {
    const s = service();
    const l = lesson('classic-linux');
    const capture = captureOf(l);
    const limit = resolveSteps(l, capture)[0].frame!;
    const a = new RecordingClient('student-tab');
    s.connect(a, { role: 'student', loopback: false });
    await s.handle('identify', { learner: 'learner-dddd-4', name: 'Di' }, a);
    await s.handle('openLesson', { id: 'classic-linux' }, a);
    for (const [m, p] of [['setTeacherMode', { on: true }], ['checkLesson', { lesson: { id: 'x' } }], ['previewLesson', { lesson: { id: 'x' } }], ['saveLesson', { lesson: { id: 'x' } }]] as const) {
      expect(await failure(s.handle(m, p, a)), m).toMatchObject({ code: 'forbidden' });
    }
    expect(await s.handle('closeLesson', {}, a)).toEqual({ closed: false });
    // A teacher's session on the same capture, in teacher mode (the same learner key, even), sees it all.
    const t = new RecordingClient('teacher-tab');
    await s.handle('identify', { learner: 'learner-dddd-4' }, t);
    await s.handle('setTeacherMode', { on: true }, t);
    await s.handle('openLesson', { id: 'classic-linux' }, t);
    expect(s.sessionOf('teacher-tab')?.source).toBe(s.sessionOf('student-tab')?.source);
    expect((await s.handle('getFrames', { start: 0, count: 100 }, t)).total).toBe(capture.frames.length);
    expect((await s.handle('lessonProgress', { lesson: 'classic-linux', step: 8 }, t)).step).toBe(8);
    const right = computeAnswer(l, 0, capture);
    expect((await s.handle('answerQuestion', { lesson: 'classic-linux', step: 0, answer: right.value as string }, t)).first).toBe(false);
    // The student is where they were: at the gate, sent nothing past it, the question still theirs to answer.
    expect((await s.handle('getLesson', { id: 'classic-linux' }, a)).state).toMatchObject({ teacher: false, step: 0, gate: 0, horizon: limit, score: { answered: 0 } });
    expect((await s.handle('getFrames', { start: 0, count: 100 }, a)).total).toBe(limit);
    expect(await failure(s.handle('lessonProgress', { lesson: 'classic-linux', step: 1 }, a))).toMatchObject({ code: 'forbidden' });
  });

  it('teacher mode frees navigation, shows every answer and records nothing', async () => {
    const s = service();
    const c = new RecordingClient('a');
    const l = lesson('classic-linux');
    const capture = captureOf(l);
    await s.handle('setTeacherMode', { on: true }, c);
    await s.handle('openLesson', { id: 'classic-linux' }, c);
    const { state } = await s.handle('getLesson', { id: 'classic-linux' }, c);
    expect(state).toMatchObject({ teacher: true, horizon: null, mask: null });
    state.questions.forEach((q, i) => expect(q?.reveal?.answer.en).toBe(answerText(l.steps[i].question!, computeAnswer(l, i, capture), 'en')));
    expect((await s.handle('getFrames', { start: 0, count: 100 }, c)).total).toBe(capture.frames.length);
    expect((await s.handle('lessonProgress', { lesson: 'classic-linux', step: 8 }, c)).step).toBe(8);
    expect((await s.handle('answerQuestion', { lesson: 'classic-linux', step: 8, answer: 'LISTEN' }, c)).first).toBe(false);
    await s.handle('setTeacherMode', { on: false }, c);
    // Off again: back at the gate, which holds again.
    expect((await s.handle('getLesson', { id: 'classic-linux' }, c)).state).toMatchObject({ teacher: false, step: 0, gate: 0, score: { answered: 0 } });
    expect((await s.handle('getFrames', { start: 0, count: 100 }, c)).total).toBe(1);
  });
});
