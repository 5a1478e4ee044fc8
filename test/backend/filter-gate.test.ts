// What a filter reads while a lesson masks values (filter-gate.ts), and a view's positions closed up over
// the frames it may not look at (gated-view.ts).
import { describe, expect, it } from 'vitest';
import { filterReads, unfilterable } from '../../main/backend/filter-gate';
import { gatedPositions } from '../../main/backend/gated-view';
import { FrameView } from '../../main/engine/store/view';
import type { Exposure } from '../../main/lessons/index';

const mask: Exposure = {
  frames: [9],
  fields: [{ frame: 2, field: 'tcp.ack' }, { frame: 1, field: 'tcp.nxtseq' }, { frame: 5, field: 'tcp.options.sack_le' }],
  states: [{ endpoint: 'client', from: 1 }], byteLinks: [], series: [],
};

describe('which masked frames a filter may not look at', () => {
  it('a presence test reads no value: only whole-masked segments are left out', () => {
    expect(unfilterable(mask, filterReads('tcp && tcp.analysis.acks_frame && !tcp.ack'), null)).toEqual([9]);
  });

  it('a compared field leaves out the frames where it, or what it holds, is masked', () => {
    expect(unfilterable(mask, filterReads('tcp.ack == 16'), null)).toEqual([2, 9]);
    expect(unfilterable(mask, filterReads('tcp.ack_raw > 0 || tcp.nxtseq == 1'), null)).toEqual([1, 9]);
    // The SACK option holds its edges; a layer's bytes hold every field in it.
    expect(unfilterable(mask, filterReads('tcp.options.sack contains 00:00'), null)).toEqual([5, 9]);
    expect(unfilterable(mask, filterReads('tcp contains 00:00:00:10'), null)).toEqual([1, 2, 5, 9]);
    expect(unfilterable(mask, filterReads('frame contains "x"'), 4)).toEqual([1, 2]);
  });

  it('an item left out when masked (a duplicate ACK\'s marks): its presence, and any analysis or expert test, leave the frame out', () => {
    const dup: Exposure = { ...mask, frames: [], fields: [{ frame: 3, field: 'tcp.analysis.duplicate_ack' }] };
    for (const e of ['tcp.analysis.duplicate_ack', 'tcp.analysis.flags', '_ws.expert.message contains "Dup"']) expect(unfilterable(dup, filterReads(e), null), e).toEqual([3]);
    expect(unfilterable(dup, filterReads('tcp && tcp.len == 0'), null)).toEqual([]);
  });

  it('no mask, or no filter: nothing', () => {
    expect(unfilterable(null, filterReads('tcp.ack == 1'), null)).toEqual([]);
    expect(unfilterable(mask, filterReads(''), null)).toEqual([]);
  });
});

describe('a view\'s positions without hidden frames', () => {
  const view = new FrameView('tcp', true);
  for (let n = 1; n <= 10; n++) view.checked(n, n % 2 === 0 || n === 5); // 2 4 5 6 8 10

  it('closes up over the hidden frames and stops at the limit', () => {
    const p = gatedPositions(view, 10, 8, [4, 7, 8, 10]);
    const frames = Array.from({ length: p.total }, (_, i) => p.at(i));
    expect(frames).toEqual([2, 5, 6]);
    expect(frames.map((n) => p.indexOf(n))).toEqual([0, 1, 2]);
    for (const n of [1, 4, 7, 8, 10]) expect(p.indexOf(n)).toBe(-1);
    expect(p.holes).toBe(true);
  });

  it('with nothing hidden, is the view up to the limit', () => {
    const p = gatedPositions(view, 10, null, []);
    expect(Array.from({ length: p.total }, (_, i) => p.at(i))).toEqual([2, 4, 5, 6, 8, 10]);
    expect(p.indexOf(10)).toBe(5);
    expect(p.holes).toBe(false);
  });
});
