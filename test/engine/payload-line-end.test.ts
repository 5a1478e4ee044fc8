// The HTTP heuristic's search for the first line end reads long payloads four bytes at a time: it must
// find the same first LF and CR as reading byte by byte, wherever they lie (any alignment in the
// buffer, at the payload's edges, one byte past it, in a view on a larger buffer), and say HTTP or
// not exactly as packet-http.c's rule does (the rule spelled out here, byte by byte, as tshark reads it).
import { describe, expect, it } from 'vitest';
import { payloadIsData } from '../../main/engine/dissect/tcp-payload';
import { prng } from '../helpers/fuzz';

/** packet-http.c's heuristic, byte by byte: the first complete line starts or ends with "HTTP/1." (any case). */
function looksLikeHttpByBytes(d: Uint8Array, off: number, end: number): boolean {
  let lf = -1, cr = -1;
  for (let i = off; i < end; i++) {
    if (d[i] === 0x0a) { lf = i; break; }
    if (d[i] === 0x0d && cr < 0) cr = i;
  }
  if (cr >= end - 1) cr = -1;
  const len = cr >= 0 ? cr - off : lf >= 0 ? lf - off : -1;
  if (len < 0 || len === 8) return false;
  const tail = len >= 8 ? off + len - 8 : end + len - 8;
  const at = (pos: number) => {
    if (pos < off || pos + 7 > end) return false;
    const want = 'HTTP/1.';
    for (let i = 0; i < 7; i++) {
      const b = d[pos + i], w = want.charCodeAt(i);
      if (b !== w && !(w >= 0x41 && w <= 0x5a && b === w + 0x20)) return false;
    }
    return true;
  };
  return at(tail) || at(off);
}

describe('the HTTP heuristic\'s first line end', () => {
  it('finds the same line end as a byte-by-byte read, at every alignment and edge', () => {
    const rnd = prng(7);
    let http = 0, checked = 0;
    for (let round = 0; round < 4000; round++) {
      const size = 64 + Math.floor(rnd() * 2000);
      // A view that starts anywhere in a larger buffer (the reader's chunk, a batch), so words are unaligned.
      const whole = new Uint8Array(size + 16);
      const d = whole.subarray(Math.floor(rnd() * 8), size + 8);
      for (let i = 0; i < d.length; i++) d[i] = 0x41 + Math.floor(rnd() * 26);
      const off = Math.floor(rnd() * 40), end = d.length - Math.floor(rnd() * 40);
      // Line ends (and CRs, LFs just outside the payload) at random places, sometimes none.
      const marks = Math.floor(rnd() * 3);
      for (let k = 0; k < marks; k++) d[Math.floor(rnd() * d.length)] = rnd() < 0.5 ? 0x0a : 0x0d;
      if (rnd() < 0.2) d[end] = 0x0a;
      if (rnd() < 0.2) d[end - 1] = 0x0d;
      if (rnd() < 0.3) {
        // "HTTP/1.x" (any case) before a line end, or at the start.
        const text = rnd() < 0.5 ? 'HTTP/1.1' : 'http/1.0';
        const at = rnd() < 0.5 ? off : off + Math.floor(rnd() * (end - off - 10));
        for (let i = 0; i < 8; i++) d[at + i] = text.charCodeAt(i);
        if (rnd() < 0.7) d[at + 8] = rnd() < 0.5 ? 0x0a : 0x0d;
      }
      const want = !looksLikeHttpByBytes(d, off, end);
      if (!want) http++;
      // (Ports no dissector is registered on: 443 is TLS's, whose payloads are never "data".)
      expect(payloadIsData(d, off, end, 40000, 40001), `round ${round}`).toBe(want);
      checked++;
    }
    expect(checked).toBe(4000);
    // Both answers were met many times.
    expect(http).toBeGreaterThan(200);
    expect(checked - http).toBeGreaterThan(200);
  });
});
