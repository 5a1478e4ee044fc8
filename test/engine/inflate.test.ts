// The HTTP body inflater against Node's zlib (the library tshark itself uses): every level, strategy and
// wrapper zlib writes decodes to the original bytes; corrupted and cut streams never throw, and a cut one
// gives a prefix of the original; a body that expands a thousandfold stops at the output limit quickly.
import { describe, expect, it } from 'vitest';
import { constants, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { MAX_OUTPUT, uncompress } from '../../main/engine/dissect/inflate';
import { int, prng } from '../helpers/fuzz';

function sample(r: () => number, n: number): Uint8Array {
  // Text-like runs (matches and literals both), then noise.
  const words = ['tcp ', 'handshake ', 'segment ', 'ack ', 'window ', '\n', '{"k": 1}'];
  let s = '';
  while (s.length < n) s += r() < 0.8 ? words[int(r, words.length)] : String.fromCharCode(int(r, 256));
  return Buffer.from(s.slice(0, n), 'latin1');
}

describe('inflate (tvb_uncompress)', () => {
  it('decodes what zlib writes: gzip, zlib-wrapped and raw deflate, every level and strategy', () => {
    const r = prng(7);
    const strategies = [constants.Z_DEFAULT_STRATEGY, constants.Z_FILTERED, constants.Z_HUFFMAN_ONLY, constants.Z_RLE, constants.Z_FIXED];
    for (let i = 0; i < 60; i++) {
      const data = sample(r, [0, 1, 10, 300, 5000, 70000][i % 6]);
      const opts = { level: i % 10, strategy: strategies[i % strategies.length] };
      for (const pack of [gzipSync, deflateSync, deflateRawSync]) {
        const out = uncompress(new Uint8Array(pack(data, opts)));
        // An empty raw stream decodes to nothing; gzip and zlib ones too (tshark: "-> 0 bytes").
        expect(out && Buffer.from(out).equals(Buffer.from(data)), `${pack.name} ${i}`).toBe(true);
      }
    }
  });

  it('gives a prefix of the original for a stream cut short, null when nothing was decoded', () => {
    const r = prng(8);
    const data = sample(r, 20000);
    const packed = new Uint8Array(gzipSync(data));
    for (const cut of [1, 10, 11, 12, 50, 200, packed.length - 9]) {
      const out = uncompress(packed.subarray(0, cut));
      if (out) expect(Buffer.from(data.subarray(0, out.length)).equals(Buffer.from(out))).toBe(true);
      if (cut <= 10) expect(out).toBeNull();
    }
    expect(uncompress(packed.subarray(0, packed.length - 9))?.length).toBeGreaterThan(0);
  });

  it('never throws on corrupted streams', () => {
    const r = prng(9);
    const packed = [gzipSync(sample(r, 4000)), deflateSync(sample(r, 4000)), deflateRawSync(sample(r, 4000))];
    for (let i = 0; i < 3000; i++) {
      const b = new Uint8Array(packed[i % 3]);
      for (let k = 0; k < 1 + int(r, 4); k++) b[int(r, b.length)] ^= 1 << int(r, 8);
      expect(() => uncompress(b.subarray(0, int(r, b.length + 1)))).not.toThrow();
    }
  });

  it('stops a body that expands a thousandfold at its output limit', () => {
    const bomb = new Uint8Array(deflateSync(new Uint8Array(200 * 1048576), { level: 9 }));
    const out = uncompress(bomb);
    expect(out?.length).toBe(MAX_OUTPUT);
    expect(MAX_OUTPUT).toBeLessThan(200 * 1048576);
  });
});
