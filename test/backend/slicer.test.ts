// Answers written out in slices (main/backend/slicer.ts): the bytes are exactly JSON.stringify's, and a
// long array is written in pieces that let other work (a GET /, a push) run between them.
import { describe, expect, it } from 'vitest';
import { encodeInSlices, inTurn, Slicer } from '../../main/backend/slicer';

const series = (n: number, marks = false) => ({ kind: 'rtt', stream: 0, direction: 'c2s', x: Array.from({ length: n }, (_, i) => i / 7), y: Array.from({ length: n }, (_, i) => (i % 5 ? i * 1e-6 : -0)),
  frames: Array.from({ length: n }, (_, i) => i + 1), ...(marks ? { marks: [{ index: 3, kind: 'retransmission' }] } : {}), upper: undefined });
const rows = (n: number) => Array.from({ length: n }, (_, i) => ({ number: i + 1, info: `row "${i}" ✓`, fields: [i, null, { x: i % 3 === 0 ? undefined : i }] }));

describe('encodeInSlices', () => {
  it('writes the same JSON as JSON.stringify, long arrays included, at the top or one or two levels down', async () => {
    const values: unknown[] = [
      null, 3, 'text', [], [1, 2], rows(5), rows(2500), { id: 7, result: { total: 2500, start: 0, rows: rows(2500) } },
      { id: 1, result: rows(1200) }, { id: 2, result: { rows: rows(3), note: undefined, f: () => 1 } },
      { a: { b: { c: rows(1500) } } }, [undefined, () => 1, rows(2)],
      // A graph's two series, each with thousands of coordinates (a list of objects holding long arrays).
      { id: 3, result: [series(3000), series(1200, true)] }, [undefined, series(1500), () => 1, null], { a: [{ b: [series(1001)] }] },
    ];
    for (const v of values) expect((await encodeInSlices(v, new Slicer())).toString('utf8')).toBe(JSON.stringify(v));
  });

  it('lets other work run while a long answer is being written, and answers bytes ready to send', async () => {
    const slicer = new Slicer();
    let ranBetween = false;
    const done = encodeInSlices({ id: 1, result: { rows: rows(20_000) } }, slicer).then((b) => { expect(ranBetween).toBe(true); return b; });
    setImmediate(() => { ranBetween = true; });
    const bytes = await done;
    expect(Buffer.isBuffer(bytes)).toBe(true);
    expect(JSON.parse(bytes.toString('utf8')).result.rows).toHaveLength(20_000);
  });
});

describe('inTurn', () => {
  it('starts requests that arrive together a slice at a time, in order, with other work in between', async () => {
    // A clock the requests move: each takes 5 ms, a slice is 8 ms, so two start per turn.
    let clock = 0;
    const slicer = new Slicer(() => clock);
    const seen: string[] = [];
    const requests = Array.from({ length: 6 }, (_, i) => inTurn(slicer, async () => { seen.push(`request ${i}`); clock += 5; return i; }));
    setImmediate(() => seen.push('GET /'));
    expect(await Promise.all(requests)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(seen.indexOf('GET /')).toBe(2);
    expect(seen.filter((x) => x !== 'GET /')).toEqual(Array.from({ length: 6 }, (_, i) => `request ${i}`));
  });

  it('rejects as the request does, synchronously thrown or not', async () => {
    const slicer = new Slicer();
    await expect(inTurn(slicer, async () => { throw new Error('bad'); })).rejects.toThrow('bad');
    await expect(inTurn(slicer, () => { throw new Error('worse'); })).rejects.toThrow('worse');
  });
});
