// DEFLATE (RFC 1951) decoding, and tvb_uncompress's way of trying it on an HTTP body (epan/tvbuff_zlib.c in
// Wireshark 4.0 with zlib): first as a zlib stream; on a data error with nothing out yet, a gzip header is
// skipped and the rest tried again; then raw deflate. A stream cut short gives what was decoded (none: no
// result); a data error keeps only the output of zlib's whole earlier passes (each fills a buffer of twice the
// compressed size, 32 KiB to 10 MiB). Checks follow zlib's: over-subscribed or (but for a single one-bit code)
// incomplete code sets, too many symbols, a repeat with nothing before it, a missing end-of-block code, a
// distance before the output's start, a wrong Adler-32 after a zlib stream.

type Status = 'end' | 'truncated' | 'error';
interface Result { out: Uint8Array; status: Status }

class Truncated extends Error {}
class Bad extends Error {}

/**
 * Output beyond this is not decoded (a small body can expand a thousandfold): the body is then shown as far
 * as this, as if cut short. tshark has no such limit; a capture of a student's machine never reaches it.
 */
export const MAX_OUTPUT = 16 * 1048576;

/** A growing byte buffer (a JS array of numbers would take 8 bytes a byte). */
class Out {
  buf = new Uint8Array(65536);
  length = 0;
  push(b: number): void {
    if (this.length === this.buf.length) {
      if (this.length >= MAX_OUTPUT) throw new Truncated();
      const bigger = new Uint8Array(Math.min(this.buf.length * 2, MAX_OUTPUT));
      bigger.set(this.buf);
      this.buf = bigger;
    }
    this.buf[this.length++] = b;
  }
  at(i: number): number {
    return this.buf[i];
  }
  bytes(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

/** A canonical Huffman code: per length, how many codes; symbols in code order. */
interface Code { counts: Uint16Array; symbols: Uint16Array }

function buildCode(lengths: ArrayLike<number>, n: number, kind: 'codes' | 'lens' | 'dists'): Code {
  const counts = new Uint16Array(16);
  for (let i = 0; i < n; i++) counts[lengths[i]]++;
  counts[0] = 0;
  let max = 0;
  for (let l = 1; l < 16; l++) if (counts[l]) max = l;
  let left = 1;
  for (let l = 1; l < 16; l++) {
    left = left * 2 - counts[l];
    if (left < 0) throw new Bad();
  }
  // inflate_table: an incomplete set only for a single code of one bit (and none at all is a table of nothing).
  if (max > 0 && left > 0 && (kind === 'codes' || max !== 1)) throw new Bad();
  const offs = new Uint16Array(16);
  for (let l = 1; l < 15; l++) offs[l + 1] = offs[l] + counts[l];
  const symbols = new Uint16Array(n);
  for (let i = 0; i < n; i++) if (lengths[i]) symbols[offs[lengths[i]]++] = i;
  return { counts, symbols };
}

const LEN_BASE = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258];
const LEN_EXTRA = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];
const DIST_BASE = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577];
const DIST_EXTRA = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13];
const ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];

let fixed: { lens: Code; dists: Code } | null = null;
function fixedCodes(): { lens: Code; dists: Code } {
  if (!fixed) {
    const l = new Uint8Array(288);
    l.fill(8, 0, 144);
    l.fill(9, 144, 256);
    l.fill(7, 256, 280);
    l.fill(8, 280, 288);
    // (32 distance codes of 5 bits make the set complete; 30 and 31 are invalid when met.)
    fixed = { lens: buildCode(l, 288, 'lens'), dists: buildCode(new Uint8Array(32).fill(5), 32, 'dists') };
  }
  return fixed;
}

class Inflater {
  private pos = 0;
  private bit = 0;
  private bits = 0;
  out = new Out();
  constructor(private readonly d: Uint8Array) {}

  /** Bytes read so far (whole bytes: the bit buffer's leftovers given back). */
  get consumed(): number {
    return this.pos - (this.bits >> 3);
  }

  private need(n: number): number {
    while (this.bits < n) {
      if (this.pos >= this.d.length) throw new Truncated();
      this.bit |= this.d[this.pos++] << this.bits;
      this.bits += 8;
    }
    const v = this.bit & ((1 << n) - 1);
    this.bit >>>= n;
    this.bits -= n;
    return v;
  }

  private decode(c: Code): number {
    let code = 0, first = 0, index = 0;
    for (let len = 1; len < 16; len++) {
      code |= this.need(1);
      const count = c.counts[len];
      if (code - count < first) return c.symbols[index + (code - first)];
      index += count;
      first = (first + count) << 1;
      code <<= 1;
    }
    throw new Bad();
  }

  /** Decodes blocks until the last one ends. */
  run(): void {
    for (let last = 0; !last;) {
      last = this.need(1);
      const type = this.need(2);
      if (type === 0) this.stored();
      else if (type === 1) this.codes(fixedCodes().lens, fixedCodes().dists);
      else if (type === 2) this.dynamic();
      else throw new Bad();
    }
  }

  private stored(): void {
    this.bit = 0;
    this.bits = 0;
    if (this.pos + 4 > this.d.length) throw new Truncated();
    const len = this.d[this.pos] | (this.d[this.pos + 1] << 8);
    const nlen = this.d[this.pos + 2] | (this.d[this.pos + 3] << 8);
    if (len !== (~nlen & 0xffff)) throw new Bad();
    this.pos += 4;
    for (let i = 0; i < len; i++) {
      if (this.pos >= this.d.length) throw new Truncated();
      this.out.push(this.d[this.pos++]);
    }
  }

  private dynamic(): void {
    const nlen = this.need(5) + 257, ndist = this.need(5) + 1, ncode = this.need(4) + 4;
    if (nlen > 286 || ndist > 30) throw new Bad();
    const cl = new Uint8Array(19);
    for (let i = 0; i < ncode; i++) cl[ORDER[i]] = this.need(3);
    const cc = buildCode(cl, 19, 'codes');
    const lengths = new Uint8Array(nlen + ndist);
    for (let i = 0; i < nlen + ndist;) {
      const sym = this.decode(cc);
      if (sym < 16) {
        lengths[i++] = sym;
        continue;
      }
      let len = 0, rep: number;
      if (sym === 16) {
        if (i === 0) throw new Bad();
        len = lengths[i - 1];
        rep = 3 + this.need(2);
      } else if (sym === 17) rep = 3 + this.need(3);
      else rep = 11 + this.need(7);
      if (i + rep > nlen + ndist) throw new Bad();
      while (rep--) lengths[i++] = len;
    }
    if (lengths[256] === 0) throw new Bad();
    this.codes(buildCode(lengths, nlen, 'lens'), buildCode(lengths.subarray(nlen), ndist, 'dists'));
  }

  private codes(lens: Code, dists: Code): void {
    for (;;) {
      const sym = this.decode(lens);
      if (sym < 256) {
        this.out.push(sym);
        continue;
      }
      if (sym === 256) return;
      const li = sym - 257;
      if (li >= 29) throw new Bad();
      const len = LEN_BASE[li] + this.need(LEN_EXTRA[li]);
      const di = this.decode(dists);
      if (di >= 30) throw new Bad();
      const dist = DIST_BASE[di] + this.need(DIST_EXTRA[di]);
      if (dist > this.out.length) throw new Bad();
      for (let k = 0; k < len; k++) this.out.push(this.out.at(this.out.length - dist));
    }
  }
}

function adler32(b: ArrayLike<number>): number {
  let a = 1, s = 0;
  for (let i = 0; i < b.length; i++) {
    a = (a + b[i]) % 65521;
    s = (s + a) % 65521;
  }
  return ((s << 16) | a) >>> 0;
}

function attempt(d: Uint8Array, zlib: boolean): Result {
  let from = 0;
  if (zlib) {
    if (d.length < 2) return { out: new Uint8Array(0), status: 'truncated' };
    const cmf = d[0], flg = d[1];
    // A preset dictionary (FDICT) is Z_NEED_DICT: no result, like a data error with nothing out.
    if ((cmf & 0x0f) !== 8 || cmf >> 4 > 7 || ((cmf << 8) | flg) % 31 !== 0 || flg & 0x20) return { out: new Uint8Array(0), status: 'error' };
    from = 2;
  }
  const inf = new Inflater(d.subarray(from));
  try {
    inf.run();
  } catch (e) {
    if (e instanceof Truncated) return { out: inf.out.bytes(), status: 'truncated' };
    if (e instanceof Bad) return { out: inf.out.bytes(), status: 'error' };
    throw e;
  }
  const out = inf.out.bytes();
  if (!zlib) return { out, status: 'end' };
  const at = from + inf.consumed;
  if (at + 4 > d.length) return { out, status: 'truncated' };
  const check = ((d[at] << 24) | (d[at + 1] << 16) | (d[at + 2] << 8) | d[at + 3]) >>> 0;
  return { out, status: check === adler32(out) ? 'end' : 'error' };
}

/** tvb_uncompress on a body: its decompressed bytes, or null where tshark has none ("Decompression failed"). */
export function uncompress(data: Uint8Array): Uint8Array | null {
  if (data.length === 0) return null;
  const bufsiz = Math.min(Math.max(data.length * 2, 32768), 10 * 1048576);
  let next = data, zlib = true, inits = 1;
  for (;;) {
    const r = attempt(next, zlib);
    if (r.status === 'end') return r.out;
    if (r.status === 'truncated') return r.out.length ? r.out : null;
    const kept = Math.floor(r.out.length / bufsiz) * bufsiz;
    if (kept > 0) return r.out.subarray(0, kept);
    if (inits === 1 && data.length >= 2 && data[0] === 0x1f && data[1] === 0x8b) {
      const rest = gzipBody(data);
      if (!rest) return null;
      next = rest;
      inits++;
      continue;
    }
    if (inits > 3) return null;
    zlib = false;
    inits++;
  }
}

/** What follows a gzip header (skipped by hand, as tvb_uncompress does), or null when it is too short. */
function gzipBody(d: Uint8Array): Uint8Array | null {
  if (d.length < 10 || d[2] !== 8) return null;
  const flags = d[3];
  let c = 10;
  if (flags & 4) {
    let xsize = 0;
    if (c < d.length) xsize += d[c++];
    if (c < d.length) xsize += d[c++] << 8;
    c += xsize;
  }
  if (flags & 8) {
    while (c < d.length && d[c] !== 0) c++;
    c++;
  }
  if (flags & 16) {
    while (c < d.length && d[c] !== 0) c++;
    c++;
  }
  if (c > d.length) return null;
  return d.subarray(c);
}
