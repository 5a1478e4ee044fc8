// A lesson's gate over what h/ui added: an experiment's socket calls (the getLadder page's `events` and the
// `experiment` push) and the graphs' analysis marks must stop at the open question's frame like everything else.
import { describe, expect, it } from 'vitest';
import { cutCalls, gateEvent } from '../../main/backend/lesson-gate';
import { keepPoints } from '../../main/backend/lesson-redact';
import type { ExperimentEvent, Series } from '../../main/api/types';
import type { FrameStore } from '../../main/engine/store/frame-store';

const call = (seq: number, endpoint: 'client' | 'server', c: ExperimentEvent['call'], frame: number | null): ExperimentEvent =>
  ({ seq, time: 1000 + seq, endpoint, call: c, text: `sock.${c}()`, result: '', frame });
// The classic run: listen, connect (SYN 1), accept, send (4), recv, send (6), close (8), close (9).
const RUN = [
  call(0, 'server', 'listen', null), call(1, 'client', 'connect', 1), call(2, 'server', 'accept', null),
  call(3, 'client', 'send', 4), call(4, 'server', 'recv', null), call(5, 'server', 'send', 6),
  call(6, 'client', 'close', 8), call(7, 'server', 'close', 9),
];
const store = {} as FrameStore; // the experiment push needs no frames

describe('the gate cuts the experiment\'s calls', () => {
  it('keeps the calls up to the last one that sent a frame within the limit, and no later call without a frame', () => {
    expect(cutCalls(RUN, null)).toEqual(RUN);
    expect(cutCalls(RUN, 5).map((e) => e.seq)).toEqual([0, 1, 2, 3]);
    expect(cutCalls(RUN, 6).map((e) => e.seq)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(cutCalls(RUN, 9).map((e) => e.seq)).toEqual(RUN.map((e) => e.seq));
    expect(cutCalls([...RUN].reverse(), 4).map((e) => e.seq)).toEqual([0, 1, 2, 3]);
  });

  it('sends a session held at a frame only the calls before it in the `experiment` push', () => {
    const push = { events: RUN, serverPort: 8080, clientPort: 50000 };
    expect(gateEvent('experiment', push, store, null)).toBe(push);
    const cut = gateEvent('experiment', push, store, 4);
    expect(cut?.events.map((e) => e.frame)).toEqual([null, 1, null, 4]);
    expect(cut?.serverPort).toBe(8080);
    expect(gateEvent('experiment', { ...push, events: RUN.slice(0, 1) }, store, 4)).toBeNull();
  });
});

describe('a graph without some of its points', () => {
  it('keeps the marks of the points kept, on their new indexes, and no marks list when none is left', () => {
    const s: Series = {
      kind: 'stevens', stream: 0, direction: 'c2s', x: [0, 1, 2, 3], y: [1, 2, 2, 3], frames: [1, 3, 5, 7], upper: [2, 3, 3, 4],
      marks: [{ index: 2, kind: 'retransmission' }, { index: 3, kind: 'retransmission' }],
    };
    const oneGone = keepPoints(s, [true, false, true, true]);
    expect(oneGone.frames).toEqual([1, 5, 7]);
    expect(oneGone.upper).toEqual([2, 3, 4]);
    expect(oneGone.marks).toEqual([{ index: 1, kind: 'retransmission' }, { index: 2, kind: 'retransmission' }]);
    // An empty list would say that a point taken out had a mark.
    const marked = keepPoints(s, [true, true, false, false]);
    expect(marked.frames).toEqual([1, 3]);
    expect('marks' in marked).toBe(false);
  });
});
