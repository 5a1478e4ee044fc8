// The engine's own MD5 (JA3 / JA3S) against Node's: every length around the 64-byte block edges, and text.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { md5Hex } from '../../main/engine/dissect/md5';

const node = (b: Uint8Array) => createHash('md5').update(b).digest('hex');

describe('md5Hex', () => {
  it('equals node:crypto for 0..200 bytes of varied content', () => {
    for (let n = 0; n <= 200; n++) {
      const b = Uint8Array.from({ length: n }, (_, i) => (i * 131 + n * 7) & 0xff);
      expect(md5Hex(b), `length ${n}`).toBe(node(b));
    }
  });
  it('equals node:crypto for a JA3 string and a long input', () => {
    const ja3 = new TextEncoder().encode('771,4866-4867-4865-49196,0-11-10-35-22-23-13-43-45-51,29-23-30-25-24,0-1-2');
    expect(md5Hex(ja3)).toBe(node(ja3));
    const big = Uint8Array.from({ length: 100_000 }, (_, i) => (i * 2654435761) >>> 24);
    expect(md5Hex(big)).toBe(node(big));
  });
});
