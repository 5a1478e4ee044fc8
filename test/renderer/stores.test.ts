// @vitest-environment happy-dom
// Stores over a fake back end: pages pulled on demand, the display filter (ok and error), connections
// filtered by address/port/state, stepping through a connection, and a lesson held at its open question
// while the back end (its real player) grades.
import { afterEach, describe, expect, it } from 'vitest';
import type { ConnectionSummary } from '../../renderer/src/api';
import { matches, useConnectionsStore } from '../../renderer/src/stores/connections';
import { useLadderStore } from '../../renderer/src/stores/ladder';
import { useLessonsStore } from '../../renderer/src/stores/lessons';
import { lessonPlayer, shippedCatalogue } from './lesson-plays';
import { computeAnswer, feedbackText, layOut } from '../../main/lessons/index';
import { focusFrame } from '../../renderer/src/stores/study';
import { usePacketsStore } from '../../renderer/src/stores/packets';
import { useSelectionStore } from '../../renderer/src/stores/selection';
import { useStepStore } from '../../renderer/src/stores/step';
import { pickLocale } from '../../renderer/src/stores/settings';
import { PageCache, pagesFor } from '../../renderer/src/lib/page-cache';
import { fixture, harness, settle, type Harness } from './helpers';

let h: Harness | null = null;
afterEach(() => { h?.stop(); h = null; });

describe('packets store', () => {
  it('pulls only the pages on screen, and knows the view total', async () => {
    h = await harness(fixture('http'));
    const packets = usePacketsStore();
    expect(packets.total).toBe(20);
    packets.ensure(0, 5);
    await settle();
    expect(packets.rowAt(0)?.number).toBe(1);
    expect(packets.rowAt(19)?.number).toBe(20);
  });

  it('applies a valid filter and shows an invalid one\'s error span', async () => {
    const fx = fixture('http');
    h = await harness(fx);
    const packets = usePacketsStore();
    expect(await packets.applyFilter('tcp.flags.syn == 1')).toBe(true);
    expect(packets.total).toBe(fx.filters['tcp.flags.syn == 1'].length);
    packets.ensure(0, 10);
    await settle();
    expect(packets.rowAt(0)?.number).toBe(fx.filters['tcp.flags.syn == 1'][0]);
    packets.filterText = 'tcp.bogus == 1';
    expect(await packets.applyFilter()).toBe(false);
    expect(packets.filterError).toMatchObject({ start: 0, end: 'tcp.bogus'.length });
    expect(packets.appliedFilter).toBe('tcp.flags.syn == 1');
  });

  it('page maths', () => {
    expect(pagesFor(0, 450, 200, 1000)).toEqual([0, 1, 2]);
    expect(pagesFor(0, 450, 200, 300)).toEqual([0, 1]);
    const c = new PageCache<number>(2, 2);
    c.set(0, [1, 2]); c.set(1, [3]); c.set(2, [5, 6]);
    expect(c.has(0)).toBe(false);
    c.dropIncomplete();
    expect(c.has(1)).toBe(false);
    expect(c.get(5)).toBe(6);
    // Appending: only where the held rows end; pages filled, then new ones started.
    const a = new PageCache<number>(3, 8);
    a.set(0, [0, 1]);
    expect(a.append(3, [3])).toBe(false);
    expect(a.append(2, [2, 3, 4, 5, 6])).toBe(true);
    expect([0, 1, 2, 3, 4, 5, 6].map((i) => a.get(i))).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect([a.size(0), a.size(1), a.size(2)]).toEqual([3, 3, 1]);
    expect(a.append(6, [9])).toBe(false);
  });
});

describe('connections', () => {
  const c = { stream: 3, client: '127.0.0.1:33356', server: '127.0.0.1:12345', states: { client: 'TIME_WAIT', server: 'CLOSED' } } as ConnectionSummary;
  it('filters by address, port and state', () => {
    expect(matches(c, '12345', '')).toBe(true);
    expect(matches(c, ':33356', '')).toBe(true);
    expect(matches(c, '1234', '')).toBe(false);
    expect(matches(c, '127.0.0', 'TIME_WAIT')).toBe(true);
    expect(matches(c, '', 'ESTABLISHED')).toBe(false);
    expect(matches(c, '10.0.0.1', '')).toBe(false);
  });

  it('selects the first connection and loads its ladder', async () => {
    h = await harness(fixture('http'));
    const conns = useConnectionsStore();
    expect(conns.list.length).toBe(3);
    expect(conns.selected).toBe(0);
    await settle();
    expect(useLadderStore().total).toBe((fixture('http').ladder['0']).length);
  });
});

describe('stepping', () => {
  it('walks the 4-segment close: states before and after each segment, one animation per step', async () => {
    const fx = fixture('four');
    h = await harness(fx);
    const step = useStepStore();
    await settle();
    expect(step.index).toBe(0);
    expect(step.statesBefore).toEqual({ client: 'CLOSED', server: 'LISTEN' });
    const seen: string[] = [];
    const t0 = step.travelId;
    for (let i = 1; i < step.total; i++) {
      await step.forward();
      seen.push(`${step.current!.states.client}/${step.current!.states.server}`);
    }
    expect(step.travelId - t0).toBe(fx.frames.length - 1);
    const segs = fx.ladder['0'] as { states: { client: string; server: string } }[];
    expect(seen).toEqual(segs.slice(1).map((s) => `${s.states.client}/${s.states.server}`));
    expect(step.atEnd).toBe(true);
    expect(useSelectionStore().frame).toBe(9);
    await step.first();
    expect(step.index).toBe(0);
    const before = step.travelId;
    await step.last();
    expect(step.travelId).toBe(before); // a jump, not a travel
  });
});

describe('lessons', () => {
  it('lists the back end\'s catalogue, holds everything at an open question, and lets the back end grade', async () => {
    const four = fixture('four');
    const catalogue = shippedCatalogue();
    const player = lessonPlayer('four-segment-close');
    h = await harness(fixture('classic'), { lessons: { 'four-segment-close': four }, catalogue, players: { 'four-segment-close': player } });
    const lessons = useLessonsStore();
    await lessons.refresh();
    expect(lessons.catalogue.map((d) => d.id)).toEqual(catalogue.map((d) => d.id));
    await lessons.open('four-segment-close');
    await settle();
    expect(lessons.active?.id).toBe('four-segment-close');
    // Every step counts in the progress display; the steps themselves come up to the open question's.
    const layout = layOut(player.lesson, player.capture);
    const gate = player.lesson.steps.findIndex((x) => x.question);
    expect(lessons.stepCount).toBe(player.lesson.steps.length);
    expect(lessons.active?.steps.length).toBe(gate + 1);
    const step = useStepStore();
    const frames = player.play().steps.map((x) => x.frame);
    expect(step.current?.frame).toBe(frames[0]);
    expect(lessons.awaitingAnswer).toBe(false);
    await lessons.goToStep(1);
    expect(step.current?.frame).toBe(frames[1]);
    expect(lessons.awaitingAnswer).toBe(true);
    // Nothing moves on: →, End, Space, ←, Home, a click on a row or a point.
    await step.forward();
    await step.last();
    step.toggle();
    await step.back();
    await step.first();
    await focusFrame(frames[0]!, 0);
    await settle();
    expect(step.current?.frame).toBe(frames[1]);
    expect(step.playing).toBe(false);
    // A wrong answer: the text aimed at it, and the question stays open; going on is refused.
    const right = computeAnswer(player.lesson, 1, player.capture);
    if (right.kind !== 'state') throw new Error('step 2 asks a state');
    const wrong = right.wrong[0];
    await lessons.answer(wrong.value);
    expect(lessons.outcome).toEqual({ correct: false, feedback: { en: feedbackText(player.lesson.steps[1].question!, wrong.feedback, 'en'), 'zh-CN': feedbackText(player.lesson.steps[1].question!, wrong.feedback, 'zh-CN') } });
    expect(lessons.awaitingAnswer).toBe(true);
    expect(lessons.status?.reveal).toBeNull();
    await lessons.goToStep(2);
    expect(lessons.stepIndex).toBe(1);
    // The right one: the answer and the explanation come from the back end; the first answer is the score.
    await lessons.answer(right.value);
    expect(lessons.awaitingAnswer).toBe(false);
    expect(lessons.status?.reveal?.answer.en).toBe(right.value);
    expect(lessons.score).toEqual({ right: 0, answered: 1, total: player.lesson.steps.filter((x) => x.question).length });
    // The gate moved on: the steps up to the next question came, and the next step shows its segment.
    const next = player.lesson.steps.findIndex((x, i) => i > gate && x.question);
    expect(lessons.active?.steps.length).toBe(next + 1);
    expect(lessons.active?.steps[next].text).toEqual(player.lesson.steps[next].text);
    await lessons.goToStep(2);
    expect(lessons.stepIndex).toBe(2);
    expect(step.current?.frame).toBe(layout.steps[2].frame);
  });

  it('every lesson step finds its segment in the capture it ships with', async () => {
    for (const [id, fx] of [['classic-linux', fixture('classic')], ['three-segment-close', fixture('classic')], ['four-segment-close', fixture('four')]] as const) {
      h?.stop();
      h = await harness(null, { lessons: { [id]: fx }, players: { [id]: lessonPlayer(id) } });
      const lessons = useLessonsStore();
      await lessons.open(id);
      await settle();
      expect(lessons.segmentIndex.length).toBe(lessons.active!.steps.length);
      expect(lessons.segmentIndex.every((i) => i >= 0)).toBe(true);
    }
  });

  it('steps through "your own traffic" at the frames the back end found by pattern', async () => {
    const player = lessonPlayer('own-traffic', 'classic-linux.pcap');
    h = await harness(null, { lessons: { 'own-traffic': fixture('classic') }, players: { 'own-traffic': player } });
    const lessons = useLessonsStore();
    await lessons.open('own-traffic');
    await settle();
    // Answered right one after another, each question brings the steps up to the next.
    for (let gate = lessons.state?.gate ?? null; gate !== null; gate = lessons.state?.gate ?? null) {
      expect(lessons.active?.steps.length).toBe(gate + 1);
      await lessons.goToStep(gate);
      await lessons.answer(computeAnswer(player.lesson, gate, player.capture).value as string);
      await settle();
      expect(lessons.status?.solved).toBe(true);
    }
    const segs = fixture('classic').ladder['0'] as { frame: number }[];
    const steps = layOut(player.lesson, player.capture).steps;
    expect(lessons.active?.steps.length).toBe(player.lesson.steps.length);
    expect(lessons.segmentIndex.map((i) => segs[i].frame)).toEqual(steps.map((s) => s.frame));
    expect(steps.map((s) => s.frame)).toEqual([1, 2, 3, 4, 6, 7, 8]);
  });
});

describe('settings', () => {
  it('picks the language from the OS locale', () => {
    expect(pickLocale('zh_CN'.replace('_', '-'))).toBe('zh-CN');
    expect(pickLocale('zh-Hans-CN')).toBe('zh-CN');
    expect(pickLocale('de-DE', 'en-US')).toBe('en');
    expect(pickLocale(undefined)).toBe('en');
  });
});

describe('live pushes', () => {
  it('extend the cached rows without pulling them, and follow the newest segment', async () => {
    const fx = fixture('classic');
    h = await harness(null, { experiment: fx, liveDelayMs: 5 });
    const packets = usePacketsStore();
    let pulls = 0;
    const real = h.client.getFrames.bind(h.client);
    h.client.getFrames = async (p) => { pulls++; return real(p); };
    packets.ensure(0, 50);
    await h.client.runExperiment({ variant: 'classic' });
    await settle(6);
    expect(packets.total).toBe(fx.frames.length);
    for (let i = 0; i < fx.frames.length; i++) expect(packets.rowAt(i)?.number).toBe(i + 1);
    expect(pulls).toBe(0);
    expect(useLadderStore().total).toBe((fx.ladder['0']).length);
    expect(useStepStore().index).toBe(useLadderStore().total - 1);
  });

  it('follow the newest segment when the connection first shows up with several segments already', async () => {
    // A busy back end pushes the connection late: its ladder loads with three segments at once.
    const fx = fixture('classic');
    h = await harness(null, { experiment: fx, liveDelayMs: 40, firstPushAfter: 3 });
    const step = useStepStore();
    const seen: number[] = [];
    const run = h.client.runExperiment({ variant: 'classic' });
    while (seen.length < 200) {
      await new Promise((r) => setTimeout(r, 10));
      if (step.index >= 0 && seen[seen.length - 1] !== step.index) seen.push(step.index);
      if (useConnectionsStore().selected !== null && useLadderStore().total === fx.ladder['0'].length && step.index === useLadderStore().total - 1) break;
    }
    await run;
    await settle(6);
    // It never sat at the first segment while newer ones were there, and it ends at the newest.
    expect(seen[0]).toBeGreaterThanOrEqual(2);
    expect(step.index).toBe(fx.ladder['0'].length - 1);
  });
});

describe('ladder store, live', () => {
  // A connection of `n` segments the test grows; every getLadder asked is recorded.
  async function growing(n: number) {
    h = await harness(null);
    const segs = (k: number) => Array.from({ length: k }, (_, i) => ({ frame: i + 1, states: { client: 'ESTABLISHED', server: 'ESTABLISHED' } }));
    let all = segs(n);
    const summary = (k: number) => ({ stream: 0, frames: k }) as unknown as ConnectionSummary;
    const asked: { start: number; count: number }[] = [];
    h.client.getLadder = (async (p: { stream: number; start: number; count: number }) => {
      asked.push({ start: p.start, count: p.count });
      return { summary: summary(all.length), total: all.length, start: Math.min(p.start, all.length), segments: all.slice(p.start, p.start + p.count), events: [] };
    }) as unknown as typeof h.client.getLadder;
    const ladder = useLadderStore();
    await ladder.load(0);
    return {
      ladder, asked, summary,
      // New segments carry the states the last one had (as a live connection's do).
      grow: (k: number) => { all = all.concat(segs(k).slice(all.length).map((s) => ({ ...s, states: { ...all[all.length - 1].states } }))); },
      revise: (fromFrame: number, server: string) => { all = all.map((s) => (s.frame >= fromFrame ? { ...s, states: { ...s.states, server } } : s)); },
    };
  }

  it('asks only for the segments after those it holds, and appends them', async () => {
    const t = await growing(990);
    expect(t.asked).toEqual([{ start: 0, count: 1000 }]);
    // Across the end of the first page, then within the second.
    for (const k of [995, 1003, 1010, 1500]) {
      t.grow(k);
      await t.ladder.grow(t.summary(k), true);
    }
    expect(t.asked.slice(1).map((a) => a.start)).toEqual([990, 995, 1003, 1010]);
    expect(t.ladder.total).toBe(1500);
    for (let i = 0; i < 1500; i++) expect(t.ladder.segmentAt(i)?.frame).toBe(i + 1);
  });

  it('pulls the last page whole when it does not hold the end (far behind), and only the corrected segments after a revision', async () => {
    const t = await growing(10);
    t.grow(2500);
    await t.ladder.grow(t.summary(2500), true);
    expect(t.asked.at(-1)).toEqual({ start: 2000, count: 1000 });
    expect(t.ladder.segmentAt(2499)?.frame).toBe(2500);
    // States corrected from frame 2400: the page is pulled again, then growth asks from its end again.
    t.revise(2400, 'CLOSE_WAIT');
    await t.ladder.revise(0, 2400);
    // Only the corrected segments (frames 2400 to 2500) are asked again.
    expect(t.asked.at(-1)).toEqual({ start: 2399, count: 101 });
    expect(t.ladder.segmentAt(2450)?.states.server).toBe('CLOSE_WAIT');
    expect(t.ladder.segmentAt(2300)?.states.server).toBe('ESTABLISHED');
    t.grow(2510);
    await t.ladder.grow(t.summary(2510), true);
    expect(t.asked.at(-1)).toEqual({ start: 2500, count: 1000 });
    expect(t.ladder.segmentAt(2509)?.states.server).toBe('CLOSE_WAIT');
  });

  it('grows asked back to back are pulled one after the other, each from where the last ended', async () => {
    const t = await growing(100);
    t.grow(150);
    // The pushed count may lag behind (a busy page handles pushes late): the answer's total is the count.
    const a = t.ladder.grow(t.summary(120), true);
    const b = t.ladder.grow(t.summary(120), true);
    await Promise.all([a, b]);
    expect(t.asked.slice(1)).toEqual([{ start: 100, count: 1000 }, { start: 150, count: 1000 }]);
    expect(t.ladder.total).toBe(150);
    for (let i = 0; i < 150; i++) expect(t.ladder.segmentAt(i)?.frame).toBe(i + 1);
  });
});

describe('ladder store, live, with pages pulled elsewhere', () => {
  it('keeps growing from the held end after a page further back was pulled (which brings a newer count)', async () => {
    h = await harness(null);
    let all = Array.from({ length: 3500 }, (_, i) => ({ frame: i + 1, states: { client: 'ESTABLISHED', server: 'ESTABLISHED' } }));
    const asked: { start: number; count: number }[] = [];
    h.client.getLadder = (async (p: { stream: number; start: number; count: number }) => {
      asked.push({ start: p.start, count: p.count });
      return { summary: { stream: 0, frames: all.length }, total: all.length, start: Math.min(p.start, all.length), segments: all.slice(p.start, p.start + p.count), events: [] };
    }) as unknown as typeof h.client.getLadder;
    const ladder = useLadderStore();
    await ladder.load(0);
    await ladder.grow({ stream: 0, frames: 3500 } as unknown as ConnectionSummary, true);
    expect(asked.at(-1)).toEqual({ start: 3000, count: 1000 });
    // More arrive; the view scrolls back to a page not held: its answer says 3,600.
    all = all.concat(Array.from({ length: 100 }, (_, i) => ({ frame: 3501 + i, states: { client: 'ESTABLISHED', server: 'ESTABLISHED' } })));
    await ladder.ensure(1500, 1600);
    expect(ladder.total).toBe(3600);
    // The view at the end, and the next push: only what is after the held 3,500 is asked.
    await ladder.ensure(3550, 3599);
    await ladder.grow({ stream: 0, frames: 3600 } as unknown as ConnectionSummary, true);
    expect(asked.slice(-3)).toEqual([{ start: 1000, count: 1000 }, { start: 3500, count: 1000 }, { start: 3600, count: 1000 }]);
    for (let i = 3400; i < 3600; i++) expect(ladder.segmentAt(i)?.frame).toBe(i + 1);
  });
});
