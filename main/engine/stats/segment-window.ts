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
 * SACK blocks in `sackList`, -1 without any (most segments): a reference per segment, copied and cleared
 * at every drain, cost more than the few blocks themselves. (Ten slots, not twelve: the copy in bucket
 * order at each drain is most of the window's cost, and it is per slot.)
 */
const STRIDE = 10;
const I_FRAME = 0, I_SEQ = 1, I_ACK = 2, I_FLAGS = 3, I_PORTS = 4, I_LEN = 5, I_BYTES = 6, I_SACK = 7;
const WSCALE_SHIFT = 12, WINDOW_SHIFT = 16;
const F_TIME = 4;
/** Buckets segments are grouped in, by their port pair; a bucket may hold several connections (still in frame order). */
const GROUP_BITS = 12;
const GROUPS = 1 << GROUP_BITS;

export class SegmentWindow {
  private ints!: Int32Array;
  private floats!: Float64Array;
  /** Source and destination address of each segment (interned strings, compared by the tracker). */
  private addrs: string[] = [];
  /** SACK blocks of the segments held that have any, in push order (see I_SACK). */
  private sackList: number[][] = [];
  private groups!: Uint16Array;
  private readonly starts = new Int32Array(GROUPS + 1);
  /**
   * The same segments copied in bucket order, then read in sequence: reading them in place, one
   * scattered record after another, waited on memory for each; the copy's scattered writes overlap.
   */
  private sortedInts!: Int32Array;
  private sortedFloats!: Float64Array;
  private sortedAddrs: string[] = [];
  private n = 0;
  /** Room allocated so far: it grows up to `capacity` as segments come (a small capture needs little). */
  private room = 0;

  /**
   * `capacity`: the most segments held. The more connections are interleaved, the larger a window it
   * takes for each connection to have several segments in it; 2^17 segments take about 16 MiB (the
   * records, their copy in bucket order, and the address and SACK references of both).
   */
  constructor(readonly capacity = 1 << 17) {
    // A small capture needs little room; a large one gets all of it at the first refill. (Fresh memory
    // costs here to touch, about a millisecond per MiB on this VM: growing in steps copied and touched
    // twice as much.)
    this.grow(Math.min(capacity, 8192));
  }

  private grow(room: number): void {
    const buf = new ArrayBuffer(room * STRIDE * 4);
    const ints = new Int32Array(buf);
    if (this.ints) ints.set(this.ints);
    this.ints = ints;
    this.floats = new Float64Array(buf);
    const groups = new Uint16Array(room);
    if (this.groups) groups.set(this.groups);
    this.groups = groups;
    const sorted = new ArrayBuffer(room * STRIDE * 4);
    this.sortedInts = new Int32Array(sorted);
    this.sortedFloats = new Float64Array(sorted);
    // The reference arrays are lengthened and filled natively, in one step per growth.
    for (const a of [this.addrs, this.sortedAddrs]) {
      a.length = 2 * room;
      a.fill('', 2 * this.room);
    }
    this.room = room;
  }

  get full(): boolean {
    return this.n === this.capacity;
  }

  /** Keeps what the tracker and the state machine read of `seg` (and `bytes`, the frame's length). */
  push(seg: TcpSegment, bytes: number): void {
    if (this.n === this.room) this.grow(this.capacity);
    const i = this.n++;
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
    // The same bucket both ways round.
    this.groups[i] = Math.imul((seg.srcPort ^ seg.dstPort) + 1, 0x9e3779b1) >>> (32 - GROUP_BITS);
  }

  /**
   * Refills `seg` with every segment held, bucket by bucket and in frame order within a bucket, calls
   * `fn` for each, and empties the window. `fn` may not keep `seg`. `bucketDone`, if given, is called after
   * each bucket: every segment of the connections seen so far in this drain has then been handed over
   * (a connection's segments are all in one bucket).
   */
  drain(seg: TcpSegment, fn: (seg: TcpSegment, bytes: number) => void, bucketDone?: () => void): void {
    const n = this.n;
    if (n === 0) return;
    // Counting sort by bucket: stable, so each bucket keeps frame order.
    const starts = this.starts, groups = this.groups;
    starts.fill(0);
    for (let i = 0; i < n; i++) starts[groups[i] + 1]++;
    for (let g = 0; g < GROUPS; g++) starts[g + 1] += starts[g];
    const from = this.ints, fromAddrs = this.addrs, sackList = this.sackList;
    const d = this.sortedInts, f = this.sortedFloats, addrs = this.sortedAddrs;
    for (let i = 0; i < n; i++) {
      const k = starts[groups[i]]++;
      const o = i * STRIDE, p = k * STRIDE;
      // Unrolled: a loop over the slots cost a third more.
      d[p] = from[o]; d[p + 1] = from[o + 1]; d[p + 2] = from[o + 2]; d[p + 3] = from[o + 3]; d[p + 4] = from[o + 4];
      d[p + 5] = from[o + 5]; d[p + 6] = from[o + 6]; d[p + 7] = from[o + 7]; d[p + 8] = from[o + 8]; d[p + 9] = from[o + 9];
      addrs[2 * k] = fromAddrs[2 * i];
      addrs[2 * k + 1] = fromAddrs[2 * i + 1];
    }
    // (After the sort, starts[g] is where bucket g ends.)
    let g = 0;
    for (let i = 0; i < n; i++) {
      if (bucketDone !== undefined && i === starts[g]) {
        bucketDone();
        while (starts[g] === i) g++;
      }
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
    this.n = 0;
    sackList.length = 0;
  }
}
