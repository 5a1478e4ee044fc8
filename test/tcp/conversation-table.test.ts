// The conversation table finds a segment's conversation by its 4-tuple in either direction, keeps
// only the latest conversation per 4-tuple, and stays correct when many address pairs share a port
// pair (the bucket turns into a map) or when only the addresses are swapped.
import { describe, expect, it } from 'vitest';
import { Clocks, Conv, ConvTable, Flow, ParkedFlows } from '../../main/engine/tcp/conversation';

const clocks = new Clocks();
const flows = (c: Clocks): [Flow, Flow] => [new Flow(c), new Flow(c)];
const conv = (stream: number, a: string, pa: number, b: string, pb: number) => new Conv(clocks, stream, a, pa, b, pb, 0, flows(clocks));

describe('ConvTable', () => {
  it('finds a conversation from both ends and nothing for other 4-tuples', () => {
    const t = new ConvTable();
    const c = conv(0, '10.0.0.1', 40000, '10.0.0.2', 80);
    t.set(c);
    expect(t.get('10.0.0.1', '10.0.0.2', 40000, 80)).toBe(c);
    expect(t.get('10.0.0.2', '10.0.0.1', 80, 40000)).toBe(c);
    expect(t.get('10.0.0.1', '10.0.0.3', 40000, 80)).toBeUndefined();
    expect(t.get('10.0.0.1', '10.0.0.2', 40001, 80)).toBeUndefined();
  });

  it('does not confuse swapped addresses with swapped ports', () => {
    const t = new ConvTable();
    const c = conv(0, '10.0.0.1', 80, '10.0.0.2', 1000);
    t.set(c);
    // Same port pair in the same order, addresses the other way round: another connection.
    expect(t.get('10.0.0.2', '10.0.0.1', 80, 1000)).toBeUndefined();
    const d = conv(1, '10.0.0.2', 80, '10.0.0.1', 1000);
    t.set(d);
    expect(t.get('10.0.0.2', '10.0.0.1', 80, 1000)).toBe(d);
    expect(t.get('10.0.0.1', '10.0.0.2', 1000, 80)).toBe(d);
    expect(t.get('10.0.0.1', '10.0.0.2', 80, 1000)).toBe(c);
    expect(t.get('10.0.0.2', '10.0.0.1', 1000, 80)).toBe(c);
  });

  it('replaces the conversation of a reused 4-tuple, whichever side opened it', () => {
    const t = new ConvTable();
    const first = conv(0, '10.0.0.1', 5000, '10.0.0.2', 6000);
    t.set(first);
    const second = conv(1, '10.0.0.2', 6000, '10.0.0.1', 5000);
    t.set(second);
    expect(t.get('10.0.0.1', '10.0.0.2', 5000, 6000)).toBe(second);
    expect(t.get('10.0.0.2', '10.0.0.1', 6000, 5000)).toBe(second);
  });

  it('keeps every address pair that shares one port pair, beyond the list size', () => {
    const t = new ConvTable();
    const convs = Array.from({ length: 40 }, (_, i) => conv(i, `10.1.0.${i}`, 12345, '10.2.0.1', 80));
    for (const c of convs) t.set(c);
    // Reuse a few 4-tuples after the bucket became a map.
    const again = conv(100, '10.2.0.1', 80, '10.1.0.3', 12345);
    t.set(again);
    for (const [i, c] of convs.entries()) {
      const want = i === 3 ? again : c;
      expect(t.get(`10.1.0.${i}`, '10.2.0.1', 12345, 80)).toBe(want);
      expect(t.get('10.2.0.1', `10.1.0.${i}`, 80, 12345)).toBe(want);
    }
    expect(t.get('10.1.0.99', '10.2.0.1', 12345, 80)).toBeUndefined();
  });

  it('handles equal ports on both ends and a self-connection', () => {
    const t = new ConvTable();
    const same = conv(0, '10.0.0.1', 7000, '10.0.0.2', 7000);
    const self = conv(1, '127.0.0.1', 9000, '127.0.0.1', 9000);
    t.set(same);
    t.set(self);
    expect(t.get('10.0.0.1', '10.0.0.2', 7000, 7000)).toBe(same);
    expect(t.get('10.0.0.2', '10.0.0.1', 7000, 7000)).toBe(same);
    expect(t.get('127.0.0.1', '127.0.0.1', 9000, 9000)).toBe(self);
    // Many pairs on the equal-ports bucket: both orientations survive the switch to a map.
    const more = Array.from({ length: 12 }, (_, i) => conv(10 + i, `10.3.0.${i}`, 7000, '10.4.0.1', 7000));
    for (const c of more) t.set(c);
    expect(t.get('10.0.0.2', '10.0.0.1', 7000, 7000)).toBe(same);
    for (const [i, c] of more.entries()) {
      expect(t.get(`10.3.0.${i}`, '10.4.0.1', 7000, 7000)).toBe(c);
      expect(t.get('10.4.0.1', `10.3.0.${i}`, 7000, 7000)).toBe(c);
    }
  });
});

describe('ConvTable against a map by 4-tuple', () => {
  it('finds what a map keyed by the whole 4-tuple finds, through reuse, shared port pairs and growth', () => {
    // A deterministic mix: few hosts and ports (shared port pairs, buckets, maps), reused 4-tuples from
    // either end, equal ports, self-connections, and enough connections for the slots to grow many times.
    let seed = 12345;
    const rnd = (n: number) => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8) % n;
    const hosts = Array.from({ length: 40 }, (_, i) => `10.0.${i >> 4}.${i & 15}`);
    const t = new ConvTable();
    const want = new Map<string, Conv>();
    const key = (a: string, pa: number, b: string, pb: number) => `${a}:${pa}>${b}:${pb}`;
    const probes: [string, number, string, number][] = [];
    for (let i = 0; i < 20000; i++) {
      const a = hosts[rnd(hosts.length)], b = rnd(50) === 0 ? a : hosts[rnd(hosts.length)];
      const pa = rnd(4) === 0 ? 80 : 1000 + rnd(3000), pb = rnd(3) === 0 ? pa : [80, 443, 8080][rnd(3)];
      const c = conv(i, a, pa, b, pb);
      t.set(c);
      want.set(key(a, pa, b, pb), c);
      want.set(key(b, pb, a, pa), c);
      probes.push([a, pa, b, pb], [hosts[rnd(hosts.length)], pa, b, pb]);
    }
    for (const [a, pa, b, pb] of probes) {
      expect(t.get(a, b, pa, pb)).toBe(want.get(key(a, pa, b, pb)));
      expect(t.get(b, a, pb, pa)).toBe(want.get(key(b, pb, a, pa)));
    }
  });
});

describe('Clocks', () => {
  it('keeps every connection\'s times apart, across the array growing', () => {
    const own = new Clocks();
    // Past 2^31 ns, where these times live (a second or more into a capture), and past the first 1,024 connections.
    const convs = Array.from({ length: 3000 }, (_, i) => new Conv(own, i, '10.0.0.1', i, '10.0.0.2', 80, 5e9 + i, flows(own)));
    convs.forEach((c, i) => {
      c.tsPrev = 6e9 + i;
      c.firstRtt = i + 1;
      c.flows[0].lastackTime = 7e9 + i;
      c.flows[1].nextseqTime = 8e9 + i;
    });
    convs.forEach((c, i) => {
      expect([c.tsFirst, c.tsPrev, c.tsMruSyn, c.firstRtt]).toEqual([5e9 + i, 6e9 + i, 0, i + 1]);
      expect([c.flows[0].lastackTime, c.flows[0].nextseqTime, c.flows[1].lastackTime, c.flows[1].nextseqTime]).toEqual([7e9 + i, 0, 0, 8e9 + i]);
    });
  });
});

/** Every field a Flow carries, its clocks included. */
const state = (f: Flow) => ({
  baseSet: f.baseSet, base: f.base, window: f.window, winScale: f.winScale, isFirstAck: f.isFirstAck, validBif: f.validBif,
  pushBytesSent: f.pushBytesSent, pushSetLast: f.pushSetLast, lastSegmentFlags: f.lastSegmentFlags, unackedLen: f.unackedLen,
  lastack: f.lastack, lastackTime: f.lastackTime, lastNonDupAck: f.lastNonDupAck, dupAckNum: f.dupAckNum, nextseq: f.nextseq,
  nextseqFrame: f.nextseqFrame, nextseqTime: f.nextseqTime, maxSeqToBeAcked: f.maxSeqToBeAcked, numSack: f.numSack, sackBytes: f.sackBytes,
});

/** Sets every field of `f` to a value of its own (none at a new flow's value), derived from `seed`, packed fields at the ends of their ranges. */
function scribble(f: Flow, seed: number): void {
  f.baseSet = true; f.base = -seed - 1; f.window = seed + 1; f.winScale = seed % 3 === 0 ? -2 : seed % 3 === 1 ? 14 : 7; f.isFirstAck = true; f.validBif = false;
  f.pushBytesSent = 0x80000000 + seed; f.pushSetLast = true; f.lastSegmentFlags = 0x7fff - (seed & 0x3ff); // every TCP_A_* bit, some cleared f.lastack = seed + 2; f.lastackTime = 9e9 + seed;
  f.lastNonDupAck = 0xfffffff0; f.dupAckNum = -1; f.nextseq = seed + 3; f.nextseqFrame = 0xfffffff1; f.nextseqTime = 1e10 + seed;
  f.maxSeqToBeAcked = seed + 4; f.numSack = 1 + (seed % 3); f.sackBytes = seed + 5;
}

describe('ParkedFlows', () => {
  it('brings parked flows back exactly, in reused Flow objects, and hands out reused ones in a new flow\'s state', () => {
    const own = new Clocks();
    const store = new ParkedFlows();
    const fresh = state(new Flow(own));
    // More connections than the first allocation of slots (256), each parked with flows of its own values.
    const convs = Array.from({ length: 700 }, (_, i) => new Conv(own, i, '10.0.0.1', 1000 + i, '10.0.0.2', 80, 5e9 + i, [store.take(own), store.take(own)]));
    const before = convs.map((c, i) => {
      scribble(c.flows[0], 2 * i);
      scribble(c.flows[1], 2 * i + 1);
      return [state(c.flows[0]), state(c.flows[1])];
    });
    const objects = new Set(convs.flatMap((c) => c.flows));
    convs.forEach((c) => c.park(store));
    // New connections now get the parked connections' Flow objects, reset: nothing of the old values.
    const reused = Array.from({ length: 300 }, () => store.take(own));
    expect(reused.every((f) => objects.has(f))).toBe(true);
    for (const f of reused) expect(state(f)).toEqual(fresh);
    // Their use does not touch the parked values (clocks included: a reused Flow keeps its own clocks' place).
    reused.forEach((f, i) => scribble(f, 100000 + i));
    convs.forEach((c, i) => {
      c.unpark(store);
      expect([state(c.flows[0]), state(c.flows[1])], `connection ${i}`).toEqual(before[i]);
    });
    // Slots freed by connections brought back are reused: parking them all again needs no new room and still restores exactly.
    convs.forEach((c) => c.park(store));
    convs.forEach((c, i) => {
      c.unpark(store);
      expect([state(c.flows[0]), state(c.flows[1])]).toEqual(before[i]);
    });
  });
});
