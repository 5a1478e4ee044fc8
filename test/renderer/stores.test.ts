// @vitest-environment happy-dom
// Stores over a fake back end: pages pulled on demand, the display filter (ok and error), connections
// filtered by address/port/state, stepping through a connection, and a lesson's committed predictions.
import { afterEach, describe, expect, it } from 'vitest';
import type { ConnectionSummary } from '../../renderer/src/api';
import { matches, useConnectionsStore } from '../../renderer/src/stores/connections';
import { useLadderStore } from '../../renderer/src/stores/ladder';
import { useLessonsStore } from '../../renderer/src/stores/lessons';
import { lessonPlay, shippedCatalogue } from './lesson-plays';
import { usePacketsStore } from '../../renderer/src/stores/packets';
import { useSelectionStore } from '../../renderer/src/stores/selection';
import { useStepStore } from '../../renderer/src/stores/step';
import { useAppStore } from '../../renderer/src/stores/app';
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
  it('lists the back end\'s catalogue, hides the answer until the student commits, and grades it', async () => {
    const four = fixture('four');
    const catalogue = shippedCatalogue();
    h = await harness(fixture('classic'), { lessons: { 'four-segment-close': four }, catalogue, plays: { 'four-segment-close': lessonPlay('four-segment-close') } });
    const lessons = useLessonsStore();
    await lessons.refresh();
    expect(lessons.catalogue.map((d) => d.id)).toEqual(catalogue.map((d) => d.id));
    await lessons.open('four-segment-close');
    await settle();
    expect(lessons.active?.id).toBe('four-segment-close');
    expect(useAppStore().total).toBe(9);
    const step = useStepStore();
    expect(step.current?.frame).toBe(5);
    expect(lessons.awaitingAnswer).toBe(false);
    await lessons.goToStep(1);
    expect(step.current?.frame).toBe(6);
    expect(lessons.awaitingAnswer).toBe(true);
    await step.forward(); // blocked until answered
    expect(step.current?.frame).toBe(6);
    expect(lessons.correctAnswer).toBe('CLOSE_WAIT');
    lessons.answer('LAST_ACK');
    expect(lessons.awaitingAnswer).toBe(false);
    expect(lessons.grade?.correct).toBe(false);
    expect(lessons.score).toEqual({ right: 0, asked: 1 });
    await lessons.goToStep(2);
    const c = lessons.computedAnswer;
    expect(c?.kind).toBe('number');
    lessons.answer(String(c!.value));
    expect(lessons.score).toEqual({ right: 1, asked: 2 });
  });

  it('every lesson step finds its segment in the capture it ships with', async () => {
    for (const [id, fx] of [['classic-linux', fixture('classic')], ['three-segment-close', fixture('classic')], ['four-segment-close', fixture('four')]] as const) {
      h?.stop();
      h = await harness(null, { lessons: { [id]: fx }, plays: { [id]: lessonPlay(id) } });
      const lessons = useLessonsStore();
      await lessons.open(id);
      await settle();
      expect(lessons.segmentIndex.length).toBe(lessons.active!.steps.length);
      expect(lessons.segmentIndex.every((i) => i >= 0)).toBe(true);
    }
  });

  it('steps through "your own traffic" at the frames the back end found by pattern', async () => {
    const play = lessonPlay('own-traffic', 'classic-linux.pcap');
    h = await harness(null, { lessons: { 'own-traffic': fixture('classic') }, plays: { 'own-traffic': play } });
    const lessons = useLessonsStore();
    await lessons.open('own-traffic');
    await settle();
    const segs = fixture('classic').ladder['0'] as { frame: number }[];
    expect(lessons.segmentIndex.map((i) => segs[i].frame)).toEqual(play.steps.map((s) => s.frame));
    expect(play.steps.map((s) => s.frame)).toEqual([1, 2, 3, 4, 6, 7, 8]);
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
  });
});
