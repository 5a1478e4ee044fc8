// Segments held back so that each connection's are analysed together. With thousands of connections
// interleaved, analysing frames in file order fetches a different connection's state from memory for
// almost every frame, and those fetches, not the arithmetic, were most of `stats`' time. Connections
// are independent of each other, so a window of frames can be replayed connection by connection, each
// connection's segments still in frame order, with the same result: only the order in which streams
// are created changes, and the caller numbers streams by the frame that created them.
import type { TcpSegment } from '../types';

/**
 * Int32 slots per segment: one record is 40 bytes, its time a Float64 in slots 8-9. I_FLAGS packs the TCP
 * flags (12 bits), the window scale shift plus one (4 bits, 0: no option) and the raw window (16 bits);
 * I_PORTS the source port (high 16 bits) and the destination port. I_SACK is the index of the segment's
 * SACK blocks in `sackList`, -1 without any (most segments): a reference per segment cost more than the
 * few blocks themselves.
 */
const STRIDE = 10;
const I_FRAME = 0, I_SEQ = 1, I_ACK = 2, I_FLAGS = 3, I_PORTS = 4, I_LEN = 5, I_BYTES = 6, I_SACK = 7;
const WSCALE_SHIFT = 12, WINDOW_SHIFT = 16;
const F_TIME = 4;
/** Buckets segments are grouped in, by their port pair; a bucket may hold several connections (still in frame order). */
const GROUP_BITS = 12;
const GROUPS = 1 << GROUP_BITS;
/**
 * Records per block. Each bucket's segments are written straight into its own chain of blocks, so the
 * drain reads them bucket by bucket without sorting or copying anything (a counting sort and a copy of
 * every record in bucket order were a sixth of `stats`' time). Pushing keeps one partly filled block
 * per bucket in use: 4,096 blocks' current lines stay in the cache.
 */
const BLOCK_BITS = 4;
const BLOCK = 1 << BLOCK_BITS;

export class SegmentWindow {
  private ints!: Int32Array;
  private floats!: Float64Array;
  /** Source and destination address of each record slot (interned strings, compared by the tracker). */
  private addrs: string[] = [];
  /** SACK blocks of the segments held that have any, in push order (see I_SACK). */
  private sackList: number[][] = [];
  /** Each bucket's first and last block (-1: empty), and how many records its last block holds. */
  private readonly heads = new Int32Array(GROUPS).fill(-1);
  private readonly tails = new Int32Array(GROUPS);
  private readonly fill = new Int32Array(GROUPS);
  /** The block after each block in its bucket's chain (-1: the last). */
  private next!: Int32Array;
  /** Blocks handed out since the last drain, and blocks allocated. */
  private blocks = 0;
  private room = 0;
  private n = 0;
  /** Blocks needed at most: every record in full blocks, plus one partly filled block per bucket. */
  private readonly maxBlocks: number;

  /**
   * `capacity`: the most segments held. The more connections are interleaved, the larger a window it
   * takes for each connection to have several segments in it; 2^17 segments take about 8 MiB (the
   * records in blocks, and the address references).
   */
  constructor(readonly capacity = 1 << 17) {
    this.maxBlocks = Math.ceil(capacity / BLOCK) + Math.min(GROUPS, capacity);
    // A small capture needs little room; a large one gets all of it at the first refill. (Fresh memory
    // costs here to touch, about a millisecond per MiB on this VM: growing in steps copied and touched
    // twice as much.)
    this.grow(Math.min(this.maxBlocks, 512));
  }

  /** Room for `blocks` blocks, the records held kept in place (block numbers stay valid). */
  private grow(blocks: number): void {
    const slots = blocks * BLOCK;
    const buf = new ArrayBuffer(slots * STRIDE * 4);
    const ints = new Int32Array(buf);
    if (this.ints) ints.set(this.ints);
    this.ints = ints;
    this.floats = new Float64Array(buf);
    const next = new Int32Array(blocks);
    if (this.next) next.set(this.next);
    this.next = next;
    // The reference array is lengthened and filled natively, in one step per growth.
    const addrs = this.addrs, was = addrs.length;
    addrs.length = 2 * slots;
    addrs.fill('', was);
    this.room = blocks;
  }

  get full(): boolean {
    return this.n === this.capacity;
  }

  /** Keeps what the tracker and the state machine read of `seg` (and `bytes`, the frame's length). */
  push(seg: TcpSegment, bytes: number): void {
    // The same bucket both ways round.
    const g = Math.imul((seg.srcPort ^ seg.dstPort) + 1, 0x9e3779b1) >>> (32 - GROUP_BITS);
    let block = this.tails[g], k = this.fill[g];
    if (this.heads[g] < 0 || k === BLOCK) {
      if (this.blocks === this.room) this.grow(this.maxBlocks);
      const fresh = this.blocks++;
      if (this.heads[g] < 0) this.heads[g] = fresh;
      else this.next[block] = fresh;
      this.next[fresh] = -1;
      this.tails[g] = block = fresh;
      k = 0;
    }
    this.fill[g] = k + 1;
    this.n++;
    const i = (block << BLOCK_BITS) + k;
    const o = i * STRIDE;
    const d = this.ints;
    d[o + I_FRAME] = seg.frame;
    d[o + I_SEQ] = seg.seq;
    d[o + I_ACK] = seg.ack;
    // (The fast path's flags hold 12 bits, its window and ports 16; a shift above 14 is kept as 14, as
    // the tracker caps it, so it fits 4 bits.)
    const ws = seg.wscaleShift === undefined ? 0 : (seg.wscaleShift > 14 ? 14 : seg.wscaleShift) + 1;
    d[o + I_FLAGS] = (seg.flags & 0xfff) | (ws << WSCALE_SHIFT) | (seg.window << WINDOW_SHIFT);
    d[o + I_PORTS] = (seg.srcPort << 16) | seg.dstPort;
    d[o + I_LEN] = seg.len;
    d[o + I_BYTES] = bytes;
    this.floats[i * (STRIDE / 2) + F_TIME] = seg.time;
    this.addrs[2 * i] = seg.src;
    this.addrs[2 * i + 1] = seg.dst;
    if (seg.sack === undefined) d[o + I_SACK] = -1;
    else d[o + I_SACK] = this.sackList.push(seg.sack) - 1;
  }

  /**
   * Refills `seg` with every segment held, bucket by bucket and in frame order within a bucket, calls
   * `fn` for each, and empties the window. `fn` may not keep `seg`. `bucketDone`, if given, is called
   * between buckets: every segment of the connections seen so far in this drain has then been handed
   * over (a connection's segments are all in one bucket).
   */
  drain(seg: TcpSegment, fn: (seg: TcpSegment, bytes: number) => void, bucketDone?: () => void): void {
    if (this.n === 0) return;
    const heads = this.heads, tails = this.tails, fill = this.fill, next = this.next, sackList = this.sackList;
    const d = this.ints, f = this.floats, addrs = this.addrs;
    let first = true;
    for (let g = 0; g < GROUPS; g++) {
      const head = heads[g];
      if (head < 0) continue;
      if (!first && bucketDone !== undefined) bucketDone();
      first = false;
      const tail = tails[g];
      for (let block = head; block >= 0; block = next[block]) {
        const start = block << BLOCK_BITS, end = start + (block === tail ? fill[g] : BLOCK);
        for (let i = start; i < end; i++) {
          const o = i * STRIDE;
          seg.frame = d[o + I_FRAME] >>> 0;
          seg.time = f[i * (STRIDE / 2) + F_TIME];
          seg.src = addrs[2 * i];
          seg.dst = addrs[2 * i + 1];
          const ports = d[o + I_PORTS];
          seg.srcPort = ports >>> 16;
          seg.dstPort = ports & 0xffff;
          seg.seq = d[o + I_SEQ] >>> 0;
          seg.ack = d[o + I_ACK] >>> 0;
          const flags = d[o + I_FLAGS];
          seg.flags = flags & 0xfff;
          seg.window = flags >>> WINDOW_SHIFT;
          seg.len = d[o + I_LEN];
          const ws = (flags >>> WSCALE_SHIFT) & 15;
          seg.wscaleShift = ws === 0 ? undefined : ws - 1;
          const sack = d[o + I_SACK];
          seg.sack = sack < 0 ? undefined : sackList[sack];
          fn(seg, d[o + I_BYTES] >>> 0);
        }
      }
      heads[g] = -1;
    }
    this.n = 0;
    this.blocks = 0;
    sackList.length = 0;
  }
}
