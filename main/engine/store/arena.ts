// An append-only byte arena of variable-length records (unsigned LEB128 varints and raw doubles),
// in 1 MiB chunks. A record never straddles chunks, so it is read back from one contiguous array.

const CHUNK = 1 << 20;
/** Largest record we write; a record bigger than this would not fit a chunk. */
export const MAX_RECORD = 64 * 1024;

export class ArenaWriter {
  private chunks: Uint8Array[] = [];
  private cur: Uint8Array = new Uint8Array(0);
  private pos = 0;
  private start = 0;
  private scratch = new Uint8Array(MAX_RECORD);
  /** Bytes used of each chunk before the current one (where a delta of them ends). */
  private readonly ends: number[] = [];
  /**
   * Where the record being written goes: straight into the current chunk at `pos` while a record of any
   * size still fits it (nearly always), else into `scratch`, copied into the next chunk by end(). Copying
   * every record from a scratch buffer cost as much as encoding it.
   */
  private out: Uint8Array = this.scratch;
  /** The record's first byte in `out`, and the next byte to write. */
  private from = 0;
  private at = 0;
  private readonly f64 = new Float64Array(1);
  private readonly f64b = new Uint8Array(this.f64.buffer);

  /** Starts a record. */
  begin(): void {
    const direct = this.pos + MAX_RECORD <= this.cur.length;
    this.out = direct ? this.cur : this.scratch;
    this.from = this.at = direct ? this.pos : 0;
  }

  uint(v: number): void {
    // Values up to 2^53 (frame numbers, 32-bit sequence numbers, byte counts); below 2^31 (nearly all) with
    // integer shifts, where division and floor on every byte were a tenth of the storing thread's records.
    const s = this.out;
    let at = this.at;
    while (v >= 0x80000000) {
      s[at++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    while (v >= 0x80) {
      s[at++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    s[at++] = v;
    this.at = at;
  }

  /** Signed integers, zigzag-encoded. */
  int(v: number): void {
    this.uint(v >= 0 ? v * 2 : -v * 2 - 1);
  }

  double(v: number): void {
    this.f64[0] = v;
    this.out.set(this.f64b, this.at);
    this.at += 8;
  }

  /** Ends the record; returns its address (for ArenaReader.at). */
  end(): number {
    const n = this.at - this.from;
    if (this.out === this.cur) {
      const addr = this.start + this.pos;
      this.pos += n;
      return addr;
    }
    // Written aside: into the next chunk if it does not fit this one.
    if (this.pos + n > this.cur.length) {
      if (this.chunks.length) this.ends[this.chunks.length - 1] = this.pos;
      this.cur = new Uint8Array(CHUNK);
      this.chunks.push(this.cur);
      this.pos = 0;
      this.start = (this.chunks.length - 1) * CHUNK;
    }
    this.cur.set(this.scratch.subarray(0, n), this.pos);
    const addr = this.start + this.pos;
    this.pos += n;
    return addr;
  }

  /** True if `bytes` more fit the current record. */
  room(bytes: number): boolean {
    return this.at - this.from + bytes <= MAX_RECORD;
  }

  reader(): ArenaReader {
    return new ArenaReader(this.chunks);
  }

  /** Where the next record goes: its chunk and its offset in it (a store's delta starts there next time). */
  get mark(): { chunk: number; pos: number } {
    return { chunk: this.chunks.length - 1, pos: this.pos };
  }

  /**
   * Copies of the bytes written since `mark` (chunk, offset in it, bytes), so another arena given them by
   * `adopt` holds every record at the same address.
   */
  since(mark: { chunk: number; pos: number }): { chunk: number; from: number; bytes: Uint8Array }[] {
    const out: { chunk: number; from: number; bytes: Uint8Array }[] = [];
    const last = this.chunks.length - 1;
    for (let c = Math.max(0, mark.chunk); c <= last; c++) {
      const from = c === mark.chunk ? mark.pos : 0;
      const to = c === last ? this.pos : this.ends[c];
      if (to > from) out.push({ chunk: c, from, bytes: this.chunks[c].slice(from, to) });
    }
    return out;
  }

  /** Takes bytes another arena wrote at (chunk, from) (ArenaWriter.since); records go on after them. */
  adopt(chunk: number, from: number, bytes: Uint8Array): void {
    while (this.chunks.length <= chunk) {
      if (this.chunks.length) this.ends[this.chunks.length - 1] = this.pos;
      this.cur = new Uint8Array(CHUNK);
      this.chunks.push(this.cur);
      this.pos = 0;
      this.start = (this.chunks.length - 1) * CHUNK;
    }
    this.chunks[chunk].set(bytes, from);
    if (chunk === this.chunks.length - 1) this.pos = Math.max(this.pos, from + bytes.length);
  }

  clear(): void {
    this.ends.length = 0;
    this.chunks = [];
    this.cur = new Uint8Array(0);
    this.pos = 0;
    this.start = 0;
  }

  get bytes(): number {
    return this.chunks.length * CHUNK;
  }

  /** Bytes actually used (the last chunk's unused tail excluded). */
  get used(): number {
    return this.chunks.length ? (this.chunks.length - 1) * CHUNK + this.pos : 0;
  }
}

export class ArenaReader {
  private buf: Uint8Array = new Uint8Array(0);
  private p = 0;
  private readonly f64 = new Float64Array(1);
  private readonly f64b = new Uint8Array(this.f64.buffer);

  constructor(private readonly chunks: Uint8Array[]) {}

  at(addr: number): this {
    this.buf = this.chunks[Math.floor(addr / CHUNK)];
    this.p = addr % CHUNK;
    return this;
  }

  uint(): number {
    let v = 0, mul = 1, b: number;
    do {
      b = this.buf[this.p++];
      v += (b & 0x7f) * mul;
      mul *= 0x80;
    } while (b & 0x80);
    return v;
  }

  int(): number {
    const z = this.uint();
    return z % 2 === 0 ? z / 2 : -(z + 1) / 2;
  }

  double(): number {
    this.f64b.set(this.buf.subarray(this.p, this.p + 8));
    this.p += 8;
    return this.f64[0];
  }
}
