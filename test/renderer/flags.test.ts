// The Now panel's flag words: the segment label's (the Info column's), so an Accurate ECN connection shows ACE=n.
import { describe, expect, it } from 'vitest';
import { segmentFlags } from '../../renderer/src/lib/flags';

describe('the Now panel\'s flag words', () => {
  it('are the label\'s (ACE=n on an Accurate ECN connection), else the bits\' names', () => {
    // 0x1d0: AE, CWR and ACK set: on an AccECN connection the label says ACE=6.
    expect(segmentFlags({ flags: 0x1d0, label: '[ACK, ACE=6] Seq=1 Ack=1 Win=512 Len=0' })).toBe('ACK, ACE=6');
    expect(segmentFlags({ flags: 0x000, label: '[, ACE=0] Seq=5 Win=512 Len=0' })).toBe('ACE=0');
    expect(segmentFlags({ flags: 0x0c2, label: '[SYN, ECE, CWR] Seq=0 Win=512 Len=0' })).toBe('SYN, ECE, CWR');
    // A label a lesson masked says nothing of the flags: the bits' names.
    expect(segmentFlags({ flags: 0x012, label: '•••' })).toBe('SYN, ACK');
  });
});
