// Uploads load a few at a time (fresh eyes: eight uploads of one-SYN connections loading at once took a
// server to 3.7 GB, though each stopped at its share of the memory budget: every loading thread's heap
// and read-ahead adds up). A load waits for a turn; a cancelled one stops waiting.
import { describe, expect, it } from 'vitest';
import { LoadBudget, LOADS_AT_ONCE } from '../../main/backend/load-budget';

describe('turns to load', () => {
  it(`${LOADS_AT_ONCE} at once; the next waits until one ends; a cancelled one stops waiting`, async () => {
    const budget = new LoadBudget(1 << 20);
    const turns = await Promise.all(Array.from({ length: LOADS_AT_ONCE }, () => budget.turn(() => false)));
    let got = false;
    const next = budget.turn(() => false).then((release) => { got = true; return release; });
    let cancel = false;
    const cancelled = budget.turn(() => cancel);
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
    expect(got).toBe(false);
    turns[0]();
    turns[0](); // a second call releases nothing more
    (await next)();
    cancel = true;
    (await cancelled)();
    // Every turn given back: as many as before may load at once again.
    const again = await Promise.all(Array.from({ length: LOADS_AT_ONCE - 1 }, () => budget.turn(() => false)));
    expect(again.length).toBe(LOADS_AT_ONCE - 1);
  });
});
