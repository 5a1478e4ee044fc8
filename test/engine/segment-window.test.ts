// SegmentWindow packs what the tracker reads of a segment into ten Int32 slots (flags, window scale and
// window in one; both ports in another). Every field must come back as it went in, at the edges of each
// packed range (ports and windows of 32768 and up set the sign bit of their slot), and a shift above 14
// as 14, the most the tracker uses (it caps the option there, as Wireshark).
import { describe, expect, it } from 'vitest';
import { SegmentWindow } from '../../main/engine/stats/segment-window';
import { emptySegment } from '../../main/engine/stats/fast-segment';
import type { TcpSegment } from '../../main/engine/types';

const seg = (over: Partial<TcpSegment>): TcpSegment => ({ ...emptySegment(), src: '10.0.0.1', dst: '10.0.0.2', ...over });

/** The fields the tracker and the state machine read, as drained. */
const readBack = (s: TcpSegment, bytes: number) => ({
  frame: s.frame, time: s.time, src: s.src, dst: s.dst, srcPort: s.srcPort, dstPort: s.dstPort, seq: s.seq, ack: s.ack,
  flags: s.flags, window: s.window, len: s.len, wscaleShift: s.wscaleShift, sack: s.sack ? [...s.sack] : undefined, bytes,
});

describe('SegmentWindow', () => {
  it('gives back every field at the edges of its packed ranges', () => {
    const cases: TcpSegment[] = [
      seg({ frame: 1, time: 0.5, srcPort: 0, dstPort: 65535, seq: 0, ack: 0xffffffff, flags: 0xfff, window: 65535, len: 0, wscaleShift: 0 }),
      seg({ frame: 2, time: 1e9 + 0.25, srcPort: 65535, dstPort: 0, seq: 0x80000000, ack: 1, flags: 0x002, window: 0, len: 65495, wscaleShift: 14 }),
      seg({ frame: 0xfffffffe, time: 3, srcPort: 32768, dstPort: 32767, seq: 0xffffffff, ack: 0x7fffffff, flags: 0x010, window: 32768, len: 1, sack: [1, 2, 0xffffffff, 5] }),
      seg({ frame: 4, time: 4, srcPort: 443, dstPort: 50000, seq: 12345, ack: 678, flags: 0x018, window: 512, len: 1448, wscaleShift: undefined }),
    ];
    const window = new SegmentWindow(16);
    const bytes = [54, 65549, 0x7fffffff, 1502];
    cases.forEach((c, i) => window.push(c, bytes[i]));
    const out: ReturnType<typeof readBack>[] = [];
    window.drain(emptySegment(), (s, b) => out.push(readBack(s, b)));
    const expected = cases.map((c, i) => readBack(c, bytes[i]));
    // Drained bucket by bucket: compare in frame order.
    expect(out.sort((a, b) => a.frame - b.frame)).toEqual(expected.sort((a, b) => a.frame - b.frame));
  });

  it('keeps a window scale shift above 14 as 14 (the tracker caps it there)', () => {
    const window = new SegmentWindow(4);
    window.push(seg({ frame: 1, srcPort: 1, dstPort: 2, flags: 0x002, wscaleShift: 200 }), 60);
    window.push(seg({ frame: 2, srcPort: 1, dstPort: 2, flags: 0x002, wscaleShift: 15 }), 60);
    const shifts: (number | undefined)[] = [];
    window.drain(emptySegment(), (s) => shifts.push(s.wscaleShift));
    expect(shifts).toEqual([14, 14]);
  });

  it('gives back every segment once, each connection in frame order, across block chains, growth and refills', () => {
    // 3,000 connections (more buckets than blocks at first: the window grows while filling), one with
    // far more segments than a block holds; filled, drained, then filled again (chains start over).
    const window = new SegmentWindow(40_000);
    const pairs = Array.from({ length: 3000 }, (_, i) => [1024 + i, 443 + (i % 7)] as const);
    for (const round of [0, 1]) {
      const pushed: TcpSegment[] = [];
      for (let f = 1; !window.full; f++) {
        const [a, b] = f % 3 === 0 ? pairs[0] : pairs[(f * 7919) % pairs.length];
        const s = seg({ frame: round * 1e6 + f, time: f / 1000, srcPort: f % 2 ? a : b, dstPort: f % 2 ? b : a, seq: f, len: f % 1460 });
        pushed.push(s);
        window.push(s, 60 + (f % 1400));
      }
      const byConn = new Map<string, number[]>();
      let drained = 0;
      window.drain(emptySegment(), (s, bytes) => {
        drained++;
        const key = [s.srcPort, s.dstPort].sort((x, y) => x - y).join('-');
        byConn.set(key, [...(byConn.get(key) ?? []), s.frame]);
        expect(bytes).toBe(60 + ((s.frame - round * 1e6) % 1400));
      });
      expect(drained).toBe(pushed.length);
      const expected = new Map<string, number[]>();
      for (const s of pushed) {
        const key = [s.srcPort, s.dstPort].sort((x, y) => x - y).join('-');
        expected.set(key, [...(expected.get(key) ?? []), s.frame]);
      }
      expect(byConn).toEqual(expected);
      expect(window.full).toBe(false);
    }
  });
});

