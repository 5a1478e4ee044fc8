// Growable arrays in fixed-size chunks, for what `stats` keeps per connection to the end of a capture.
// A plain array grows by copying itself (about 1.5× each time): every copy but the last is garbage that
// lived long enough to be promoted, and V8 counts whatever survives a young collection when it decides
// to double the young generation (a capture of 30,000 short connections grew it from 8 to 16 MiB each
// way, half of its memory per connection). A chunk is written once and never copied.

const CHUNK_BITS = 10;
const CHUNK = 1 << CHUNK_BITS;
const MASK = CHUNK - 1;

/** References by index (from 0), `empty` where none was set. */
export class ChunkedArray<T> {
  private readonly chunks: T[][] = [];

  constructor(private readonly empty: T) {}

  get(i: number): T {
    const c = this.chunks[i >> CHUNK_BITS];
    return c === undefined ? this.empty : c[i & MASK];
  }

  set(i: number, v: T): void {
    const k = i >> CHUNK_BITS;
    while (this.chunks.length <= k) this.chunks.push(new Array<T>(CHUNK).fill(this.empty));
    this.chunks[k][i & MASK] = v;
  }
}

/**
 * Records of `stride` numbers by index (from 0), zero until set, in typed chunks of 1,024 records: a typed
 * array grown by doubling left its former copies allocated until a full collection (rare in `stats`: one
 * or two per run), as much again as the records themselves at the peak. `chunk(i)` is the array holding
 * record i (made when first needed), `at(i)` where in it the record starts.
 */
export class ChunkedRecords<A extends Int32Array | Float64Array> {
  private readonly chunks: A[] = [];

  constructor(private readonly stride: number, private readonly make: (length: number) => A) {}

  chunk(i: number): A {
    const k = i >> CHUNK_BITS;
    while (this.chunks.length <= k) this.chunks.push(this.make(CHUNK * this.stride));
    return this.chunks[k];
  }

  at(i: number): number {
    return (i & MASK) * this.stride;
  }
}
