// Growable columns of numbers in fixed-size typed-array chunks: appending never copies what is
// already stored, and the slack is at most one chunk (so 1M frames cost what they hold, not 2×).

type TypedArray = Uint8Array | Uint16Array | Uint32Array | Int32Array | Float64Array;
type Ctor = new (length: number) => TypedArray;

export class Column {
  private chunks: TypedArray[] = [];
  length = 0;
  private readonly shift: number;
  private readonly mask: number;

  /** `shift`: log2 of the chunk length (16 for per-frame columns; smaller for per-stream ones). */
  constructor(private readonly ctor: Ctor, private readonly fill = 0, shift = 16) {
    this.shift = shift;
    this.mask = (1 << shift) - 1;
  }

  push(v: number): number {
    const i = this.length;
    if ((i & this.mask) === 0 && (i >>> this.shift) === this.chunks.length) {
      const c = new this.ctor(this.mask + 1);
      if (this.fill !== 0) c.fill(this.fill);
      this.chunks.push(c);
    }
    this.chunks[i >>> this.shift][i & this.mask] = v;
    this.length = i + 1;
    return i;
  }

  /** The value at `i` (the fill value past the end: per-stream columns are filled lazily). */
  get(i: number): number {
    if (i >= this.length) return this.fill;
    return this.chunks[i >>> this.shift][i & this.mask];
  }

  set(i: number, v: number): void {
    // Writing past the end extends the column (streams can be numbered before they are stored).
    while (i >= this.length) this.push(this.fill);
    this.chunks[i >>> this.shift][i & this.mask] = v;
  }

  clear(): void {
    this.chunks = [];
    this.length = 0;
  }

  /** Bytes allocated (for the memory budget). */
  get bytes(): number {
    let n = 0;
    for (const c of this.chunks) n += c.byteLength;
    return n;
  }
}

export const u8 = (fill = 0, shift = 16) => new Column(Uint8Array, fill, shift);
export const u16 = (fill = 0, shift = 16) => new Column(Uint16Array, fill, shift);
export const u32 = (fill = 0, shift = 16) => new Column(Uint32Array, fill, shift);
export const i32 = (fill = 0, shift = 16) => new Column(Int32Array, fill, shift);
export const f64 = (fill = 0, shift = 16) => new Column(Float64Array, fill, shift);

/** Strings stored once, referred to by a small number (addresses, protocol names, Info prefixes). */
export class Interner {
  private readonly ids = new Map<string, number>();
  private readonly values: string[] = [];

  id(s: string): number {
    let id = this.ids.get(s);
    if (id === undefined) {
      id = this.values.length;
      this.values.push(s);
      this.ids.set(s, id);
    }
    return id;
  }

  value(id: number): string {
    return this.values[id];
  }

  get size(): number {
    return this.values.length;
  }

  /** Rough bytes held (strings as UTF-16 plus map overhead), for the memory budget. */
  get bytes(): number {
    let n = 0;
    for (const v of this.values) n += 2 * v.length + 64;
    return n;
  }
}
