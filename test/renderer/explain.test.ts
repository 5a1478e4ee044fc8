// @vitest-environment happy-dom
// The teaching notes for each segment of the seed's lab, on tshark's own values (fixtures): Ack = Seq + 1
// only after SYN/FIN, Ack = Seq + Len for data, client ESTABLISHED first, TIME_WAIT only for the active
// closer, and the 3- vs 4-segment close.
import { describe, expect, it } from 'vitest';
import type { LadderSegment } from '../../renderer/src/api';
import { explainSegment } from '../../renderer/src/lib/explain';
import { fixture } from './helpers';

function notesAt(name: 'classic' | 'four', frame: number) {
  const segs = fixture(name).ladder['0'] as LadderSegment[];
  const i = segs.findIndex((s) => s.frame === frame);
  return explainSegment(segs[i], segs.slice(0, i));
}
const keys = (n: { key: string }[]) => n.map((x) => x.key);

describe('segment notes', () => {
  it('SYN-ACK: Ack = client Seq + 1 because of the SYN', () => {
    const n = notesAt('classic', 2);
    expect(keys(n)).toContain('synAck');
    const a = n.find((x) => x.key === 'ackOfSyn')!;
    expect(a.params).toMatchObject({ ack: 1, seq: 0, frame: 1 });
  });

  it('data ACK: Ack = Seq + Len, not Seq + 1', () => {
    const d = notesAt('classic', 4);
    expect(d.find((x) => x.key === 'data')!.params).toMatchObject({ len: 14, seq: 1, end: 15 });
    const a = notesAt('classic', 5).find((x) => x.key === 'ackOfData')!;
    expect(a.params).toMatchObject({ ack: 15, seq: 1, len: 14, frame: 4 });
  });

  it('does not re-explain an Ack that did not move', () => {
    expect(keys(notesAt('four', 6))).not.toContain('ackOfSyn');
  });

  it('the client is ESTABLISHED before the server', () => {
    const all = [2, 3].flatMap((f) => keys(notesAt('classic', f)));
    expect(all).toContain('clientEstablishedFirst');
    expect(all).toContain('serverEstablishedLast');
  });

  it('Linux 3-segment close is named when the FIN rides on the ACK', () => {
    expect(keys(notesAt('classic', 7))).toContain('threeSegmentClose');
    expect(keys(notesAt('four', 8))).not.toContain('threeSegmentClose');
    expect(keys(notesAt('four', 7))).toContain('fourSegmentClose');
  });

  it('TIME_WAIT only for the active closer, with the 2×MSL note', () => {
    const tw = notesAt('four', 8).find((x) => x.key === 'timeWait')!;
    expect(tw.params).toMatchObject({ who: 'client', other: 'server' });
    expect(keys(notesAt('four', 9))).toContain('lastAckClosed');
  });
});

describe('refused vs reset', () => {
  const seg = (over: Partial<LadderSegment>): LadderSegment => ({
    frame: 2, time: 0, direction: 's2c', flags: 0x14, seq: 1, ack: 1, seqRaw: 0, ackRaw: 1, len: 0, window: 0, analysis: [],
    label: '[RST, ACK] Seq=1 Ack=1 Win=0 Len=0', info: '', states: { client: 'CLOSED', server: 'CLOSED' }, transitions: [], ...over,
  });

  it('a RST answering the SYN where nothing listens is a refusal, not a reset: no server existed', () => {
    const refused = seg({ transitions: [{ endpoint: 'client', from: 'SYN_SENT', to: 'CLOSED', cause: 'refused', text: '' }], notes: [{ endpoint: 'server', code: 'no_listener', text: '' }] });
    expect(keys(explainSegment(refused, []))).toContain('refused');
    expect(keys(explainSegment(refused, []))).not.toContain('rst');
  });

  it('a RST from an established connection resets it', () => {
    const abort = seg({ direction: 'c2s', transitions: [{ endpoint: 'client', from: 'ESTABLISHED', to: 'CLOSED', cause: 'snd_rst', text: '' }, { endpoint: 'server', from: 'ESTABLISHED', to: 'CLOSED', cause: 'rcv_rst', text: '' }] });
    expect(keys(explainSegment(abort, []))).toContain('rst');
    expect(keys(explainSegment(abort, []))).not.toContain('refused');
  });
});
