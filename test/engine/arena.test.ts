// The frame store's arena (store/arena.ts) writes numbers as unsigned LEB128: 7 bits a byte, low bits first,
// the high bit set on every byte but the last. Its writer takes a faster path below 2^31; every width, and
// the values on both sides of each byte boundary and of 2^31, 2^32 and 2^53, must read back as written and
// take LEB128's length (by its definition, with BigInt).
import { describe, expect, it } from 'vitest';
import { ArenaWriter } from '../../main/engine/store/arena';

/** LEB128 of v by its definition (v < 2^53, with BigInt: no floating-point shortcut shared with the writer). */
function leb128(v: number): number[] {
  let x = BigInt(v);
  const out: number[] = [];
  do {
    const b = Number(x & 0x7fn);
    x >>= 7n;
    out.push(x ? b | 0x80 : b);
  } while (x);
  return out;
}

const VALUES: number[] = [0, 1, 2 ** 31 - 1, 2 ** 31, 2 ** 31 + 1, 2 ** 32 - 1, 2 ** 32, 2 ** 32 + 1, 2 ** 53 - 1, Number.MAX_SAFE_INTEGER];
for (let bits = 7; bits <= 52; bits += 7) VALUES.push(2 ** bits - 1, 2 ** bits, 2 ** bits + 1);
for (let k = 0; k < 200; k++) VALUES.push(Math.floor(Math.random() * 2 ** (1 + (k % 53))));

describe('ArenaWriter.uint', () => {
  it('writes LEB128 and reads back every width, 0 to 2^53 - 1', () => {
    const w = new ArenaWriter();
    const r = w.reader();
    for (const v of VALUES) {
      w.begin();
      w.uint(v);
      w.uint(7); // a second number after it: the first one's length is right
      const addr = w.end();
      // Its length is LEB128's (where the writer goes on), and the reader, unchanged, decodes it.
      expect(w.mark.pos - (addr % 2 ** 20), `${v}`).toBe(leb128(v).length + 1);
      r.at(addr);
      expect(r.uint(), `${v}`).toBe(v);
      expect(r.uint()).toBe(7);
    }
  });

  it('keeps records whole across its chunks (a record that does not fit starts the next one)', () => {
    const w = new ArenaWriter();
    const r = w.reader();
    const addrs: number[] = [];
    // 300,000 records of 3 to 9 bytes: well past the first 1 MiB chunk.
    for (let i = 0; i < 300_000; i++) {
      w.begin();
      w.uint(i * 977);
      w.uint(2 ** 40 + i);
      addrs.push(w.end());
    }
    for (let i = 0; i < addrs.length; i += 997) {
      r.at(addrs[i]);
      expect(r.uint()).toBe(i * 977);
      expect(r.uint()).toBe(2 ** 40 + i);
    }
  });
});
