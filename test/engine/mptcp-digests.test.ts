// The engine's own SHA-256 and SHA-1 (MPTCP v1 and v0 tokens and IDSNs) against Node's, over lengths around the padding edges.
import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { sha256 } from '../../main/engine/dissect/sha256';
import { sha1 } from '../../main/engine/dissect/sha1';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe('sha256', () => {
  it('equals node:crypto for every length from 0 to 200 bytes', () => {
    for (let n = 0; n <= 200; n++) {
      const msg = new Uint8Array(n).map((_, i) => (i * 131 + n * 7) & 0xff);
      expect(hex(sha256(msg)), `length ${n}`).toBe(createHash('sha256').update(msg).digest('hex'));
    }
  });

  it('equals node:crypto on an 8-byte MPTCP key and a large buffer', () => {
    const key = Uint8Array.from([0xaf, 0xa4, 0x2b, 0x71, 0xc9, 0x65, 0xf5, 0xd6]);
    expect(hex(sha256(key))).toBe(createHash('sha256').update(key).digest('hex'));
    const big = new Uint8Array(100_003).map((_, i) => (i * 7919) & 0xff);
    expect(hex(sha256(big))).toBe(createHash('sha256').update(big).digest('hex'));
  });
});

describe('sha1', () => {
  it('equals node:crypto for every length from 0 to 200 bytes and on a large buffer', () => {
    for (let n = 0; n <= 200; n++) {
      const msg = new Uint8Array(n).map((_, i) => (i * 61 + n * 3) & 0xff);
      expect(hex(sha1(msg)), `length ${n}`).toBe(createHash('sha1').update(msg).digest('hex'));
    }
    const big = new Uint8Array(65_537).map((_, i) => (i * 7919) & 0xff);
    expect(hex(sha1(big))).toBe(createHash('sha1').update(big).digest('hex'));
  });
});
