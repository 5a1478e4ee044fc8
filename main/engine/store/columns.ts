// Growable columns of numbers in fixed-size typed-array chunks: appending never copies what is
// already stored, and the slack is at most one chunk (so 1M frames cost what they hold, not 2×).

export type TypedArray = Uint8Array | Uint16Array | Uint32Array | Int32Array | Float64Array;
type Ctor = new (length: number) => TypedArray;

export class Column {
  protected chunks: TypedArray[] = [];
  length = 0;
  protected readonly shift: number;
  protected readonly mask: number;

  /** `shift`: log2 of the chunk length (16 for per-frame columns; smaller for per-stream ones). */
  constructor(private readonly ctor: Ctor, protected readonly fill = 0, shift = 16) {
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

  /** A copy of values [from, to) in one typed array (a store's delta: store-delta.ts). */
  slice(from: number, to: number): TypedArray {
    const out = new this.ctor(Math.max(0, to - from));
    let k = 0;
    for (let i = from; i < to;) {
      const c = this.chunks[i >>> this.shift], o = i & this.mask;
      const m = Math.min(to - i, c.length - o);
      out.set(c.subarray(o, o + m), k);
      k += m;
      i += m;
    }
    return out;
  }

  /** Appends every value of `values` (chunk by chunk: one bulk copy per chunk touched). */
  append(values: TypedArray): void {
    let k = 0;
    while (k < values.length) {
      const i = this.length;
      if ((i >>> this.shift) === this.chunks.length) {
        const c = new this.ctor(this.mask + 1);
        if (this.fill !== 0) c.fill(this.fill);
        this.chunks.push(c);
      }
      const o = i & this.mask;
      const m = Math.min(values.length - k, this.mask + 1 - o);
      this.chunks[i >>> this.shift].set(values.subarray(k, k + m), o);
      k += m;
      this.length = i + m;
    }
  }

  /** Bytes allocated (for the memory budget). */
  get bytes(): number {
    let n = 0;
    for (const c of this.chunks) n += c.byteLength;
    return n;
  }
}

// One subclass per element type, each with its own copy of push/get/set: a single Column class read
// Uint8Array, Uint32Array and Float64Array chunks through the same code, whose element accesses V8 then
// could not specialise (megamorphic); with a copy per type each stays monomorphic, which made storing
// a frame (about twenty column writes) markedly cheaper.
class Uint8Column extends Column {
  override push(v: number): number {
    const i = this.length;
    const chunks = this.chunks as Uint8Array[];
    if ((i & this.mask) === 0 && (i >>> this.shift) === chunks.length) {
      const c = new Uint8Array(this.mask + 1);
      if (this.fill !== 0) c.fill(this.fill);
      chunks.push(c);
    }
    chunks[i >>> this.shift][i & this.mask] = v;
    this.length = i + 1;
    return i;
  }

  override get(i: number): number {
    if (i >= this.length) return this.fill;
    return (this.chunks as Uint8Array[])[i >>> this.shift][i & this.mask];
  }

  override set(i: number, v: number): void {
    while (i >= this.length) this.push(this.fill);
    (this.chunks as Uint8Array[])[i >>> this.shift][i & this.mask] = v;
  }
}

class Uint16Column extends Column {
  override push(v: number): number {
    const i = this.length;
    const chunks = this.chunks as Uint16Array[];
    if ((i & this.mask) === 0 && (i >>> this.shift) === chunks.length) {
      const c = new Uint16Array(this.mask + 1);
      if (this.fill !== 0) c.fill(this.fill);
      chunks.push(c);
    }
    chunks[i >>> this.shift][i & this.mask] = v;
    this.length = i + 1;
    return i;
  }

  override get(i: number): number {
    if (i >= this.length) return this.fill;
    return (this.chunks as Uint16Array[])[i >>> this.shift][i & this.mask];
  }

  override set(i: number, v: number): void {
    while (i >= this.length) this.push(this.fill);
    (this.chunks as Uint16Array[])[i >>> this.shift][i & this.mask] = v;
  }
}

class Uint32Column extends Column {
  override push(v: number): number {
    const i = this.length;
    const chunks = this.chunks as Uint32Array[];
    if ((i & this.mask) === 0 && (i >>> this.shift) === chunks.length) {
      const c = new Uint32Array(this.mask + 1);
      if (this.fill !== 0) c.fill(this.fill);
      chunks.push(c);
    }
    chunks[i >>> this.shift][i & this.mask] = v;
    this.length = i + 1;
    return i;
  }

  override get(i: number): number {
    if (i >= this.length) return this.fill;
    return (this.chunks as Uint32Array[])[i >>> this.shift][i & this.mask];
  }

  override set(i: number, v: number): void {
    while (i >= this.length) this.push(this.fill);
    (this.chunks as Uint32Array[])[i >>> this.shift][i & this.mask] = v;
  }
}

class Int32Column extends Column {
  override push(v: number): number {
    const i = this.length;
    const chunks = this.chunks as Int32Array[];
    if ((i & this.mask) === 0 && (i >>> this.shift) === chunks.length) {
      const c = new Int32Array(this.mask + 1);
      if (this.fill !== 0) c.fill(this.fill);
      chunks.push(c);
    }
    chunks[i >>> this.shift][i & this.mask] = v;
    this.length = i + 1;
    return i;
  }

  override get(i: number): number {
    if (i >= this.length) return this.fill;
    return (this.chunks as Int32Array[])[i >>> this.shift][i & this.mask];
  }

  override set(i: number, v: number): void {
    while (i >= this.length) this.push(this.fill);
    (this.chunks as Int32Array[])[i >>> this.shift][i & this.mask] = v;
  }
}

class Float64Column extends Column {
  override push(v: number): number {
    const i = this.length;
    const chunks = this.chunks as Float64Array[];
    if ((i & this.mask) === 0 && (i >>> this.shift) === chunks.length) {
      const c = new Float64Array(this.mask + 1);
      if (this.fill !== 0) c.fill(this.fill);
      chunks.push(c);
    }
    chunks[i >>> this.shift][i & this.mask] = v;
    this.length = i + 1;
    return i;
  }

  override get(i: number): number {
    if (i >= this.length) return this.fill;
    return (this.chunks as Float64Array[])[i >>> this.shift][i & this.mask];
  }

  override set(i: number, v: number): void {
    while (i >= this.length) this.push(this.fill);
    (this.chunks as Float64Array[])[i >>> this.shift][i & this.mask] = v;
  }
}

export const u8 = (fill = 0, shift = 16): Column => new Uint8Column(Uint8Array, fill, shift);
export const u16 = (fill = 0, shift = 16): Column => new Uint16Column(Uint16Array, fill, shift);
export const u32 = (fill = 0, shift = 16): Column => new Uint32Column(Uint32Array, fill, shift);
export const i32 = (fill = 0, shift = 16): Column => new Int32Column(Int32Array, fill, shift);
export const f64 = (fill = 0, shift = 16): Column => new Float64Column(Float64Array, fill, shift);

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

  /** The strings from number `from` on (a store's delta: store-delta.ts). */
  valuesFrom(from: number): string[] {
    return this.values.slice(from);
  }

  /** Adds strings another interner numbered from this one's size on (they keep their numbers). */
  appendValues(values: readonly string[]): void {
    for (const v of values) {
      this.ids.set(v, this.values.length);
      this.values.push(v);
    }
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
