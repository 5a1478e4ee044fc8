// The fast path's IPv4 names (a table in typed arrays, bounded at 65,536 names, then emptied) and the
// chunked arrays `stats` keeps per connection: what they answer must not depend on how they store it.
import { describe, expect, it } from 'vitest';
import { V4Names } from '../../main/engine/stats/fast-segment';
import { ipv4FromNumber } from '../../main/engine/fields/format';
import { ChunkedArray } from '../../main/engine/chunked';

describe('V4Names', () => {
  it('names every address as ipv4FromNumber does, the same string for a repeated address, past growth and the bound', () => {
    const names = new V4Names();
    let seed = 99;
    const rnd = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
    const edges = [0, 1, 0x7f000001, 0x80000000, 0xffffffff, 0x0a00fe01, 0x64640a00, 0xc0a86464, 0x01020304, 0x09090909];
    const addrs = [...edges, ...Array.from({ length: 150_000 }, rnd)];
    const first = new Map<number, string>();
    for (const a of addrs) {
      const s = names.get(a);
      expect(s).toBe(ipv4FromNumber(a));
      // Within the bound, a repeated address gets the very string it got first (the tracker compares them).
      if (first.size < V4Names.MAX / 2) {
        if (first.has(a)) expect(s).toBe(first.get(a));
        else first.set(a, s);
      }
    }
    for (const a of edges) expect(names.get(a)).toBe(ipv4FromNumber(a));
  });
});

describe('ChunkedArray', () => {
  it('answers what was set, and its empty value elsewhere, across chunks', () => {
    const a = new ChunkedArray('');
    const want: string[] = [];
    for (let i = 0; i < 5000; i += 3) {
      a.set(i, `v${i}`);
      want[i] = `v${i}`;
    }
    a.set(20000, 'far');
    for (let i = 0; i < 5000; i++) expect(a.get(i)).toBe(want[i] ?? '');
    expect(a.get(20000)).toBe('far');
    expect(a.get(19999)).toBe('');
    expect(a.get(1 << 20)).toBe('');
  });
});
