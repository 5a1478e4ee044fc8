// The fast path of `stats`: pulls the TCP segment out of a common frame (Ethernet/VLAN, SLL, SLL2,
// NULL/LOOP, raw IP → plain IPv4 or IPv6 → a well-formed TCP header) with a few byte reads,
// without building a field tree. Anything unusual (fragments, IPv6 extension headers, ICMP errors,
// truncation) returns FALLBACK so the full dissector decides: both paths then agree by construction.
import type { RawFrame, TcpSegment } from '../types';
import { ipv6 } from '../fields/format';
import { WindowFrame } from '../io/reader';
import { ChunkedArray } from '../chunked';
import { REACHES_TCP } from '../dissect/ip-proto';

/** The frame carries no TCP and cannot affect TCP tracking: skip it. */
export const SKIP = 0;
/** The frame needs the full dissector. */
export const FALLBACK = 1;

const ETH = 1, NULL = 0, LOOP = 108, SLL = 113, SLL2 = 276, RAW = 101, RAW12 = 12, RAW14 = 14, IPV4 = 228, IPV6 = 229;

/**
 * IPv4 address strings by address, bounded so a scan of random addresses can't grow it without end: an
 * open-addressing table in typed arrays (the address as a signed 32-bit number, then 1 + the index of its
 * string in `names`). A Map was garbage promoted at every growth: a capture of 30,000 hosts made it copy
 * itself into 1.6 MB, on top of the strings (see ChunkedArray for why that counts).
 */
export class V4Names {
  static readonly MAX = 1 << 16;
  private keys = new Int32Array(0);
  private vals = new Int32Array(0);
  private names = new ChunkedArray('');
  /** Names held, in a typed array (a field first changed late in a run deoptimizes: see Clocks in tcp/conversation.ts). */
  private readonly count = new Int32Array(1);
  private shift = 32;

  constructor() {
    // Replaced at once, before anything is compiled.
    this.resize(1 << 12);
  }

  get(addr: number): string {
    // Keyed by the signed 32-bit form: a small integer for V8, where addresses ≥ 128.0.0.0 as unsigned
    // numbers would be heap numbers.
    const key = addr | 0, keys = this.keys, vals = this.vals, mask = keys.length - 1;
    let i = Math.imul(key, 0x9e3779b1) >>> this.shift;
    for (let v = vals[i]; v !== 0; v = vals[i]) {
      if (keys[i] === key) return this.names.get(v - 1);
      i = (i + 1) & mask;
    }
    return this.add(key, addr, i);
  }

  /** Adds the name of `addr` at empty slot `i` (or, full, starts again empty). */
  private add(key: number, addr: number, i: number): string {
    const s = this.text(addr);
    let n = this.count[0];
    if (n >= V4Names.MAX || (n + 1) * 2 > this.keys.length) {
      if (n >= V4Names.MAX) {
        this.names = new ChunkedArray('');
        n = this.count[0] = 0;
        this.resize(this.keys.length);
      } else this.resize(this.keys.length * 2);
      i = this.slot(key);
    }
    this.names.set(n, s);
    this.keys[i] = key;
    this.vals[i] = n + 1;
    this.count[0] = n + 1;
    return s;
  }

  /** Dotted-quad bytes of the address being named, and views of their first 7 to 15 bytes. */
  private readonly digits = new Uint8Array(15);
  private readonly views = Array.from({ length: 16 }, (_, n) => this.digits.subarray(0, n));
  private readonly latin1 = new TextDecoder('latin1');

  /**
   * ipv4FromNumber(addr), decoded from its bytes as one string: the template's concatenations made a string
   * per step, garbage for every new address (a scan, a capture of many hosts) that added young collections.
   */
  private text(addr: number): string {
    const d = this.digits;
    let n = 0;
    for (let shift = 24; shift >= 0; shift -= 8) {
      const b = (addr >>> shift) & 255;
      if (b >= 100) d[n++] = 48 + ((b / 100) | 0);
      if (b >= 10) d[n++] = 48 + (((b / 10) | 0) % 10);
      d[n++] = 48 + (b % 10);
      if (shift) d[n++] = 46;
    }
    return this.latin1.decode(this.views[n]);
  }

  private slot(key: number): number {
    const keys = this.keys, vals = this.vals, mask = keys.length - 1;
    let i = Math.imul(key, 0x9e3779b1) >>> this.shift;
    while (vals[i] !== 0 && keys[i] !== key) i = (i + 1) & mask;
    return i;
  }

  /** `size` slots (a power of two), the names held (count > 0) kept. */
  private resize(size: number): void {
    const keys = this.keys, vals = this.vals, keep = this.count[0] > 0;
    this.keys = new Int32Array(size);
    this.vals = new Int32Array(size);
    this.shift = 32 - Math.log2(size);
    if (!keep) return;
    for (let i = 0; i < keys.length; i++) {
      if (vals[i] === 0) continue;
      const j = this.slot(keys[i]);
      this.keys[j] = keys[i];
      this.vals[j] = vals[i];
    }
  }
}

const v4Names = new V4Names();
/** The dotted-quad name of an IPv4 address (as a number), from the bounded table. */
export const v4 = (addr: number): string => v4Names.get(addr);

// Big-endian reads straight from the bytes: a DataView per frame would be one more allocation.
const u16 = (d: Uint8Array, i: number): number => (d[i] << 8) | d[i + 1];
const u32 = (d: Uint8Array, i: number): number => ((d[i] << 24) | (d[i + 1] << 16) | (d[i + 2] << 8) | d[i + 3]) >>> 0;
const u32le = (d: Uint8Array, i: number): number => ((d[i + 3] << 24) | (d[i + 2] << 16) | (d[i + 1] << 8) | d[i]) >>> 0;

const NOT_IP = -1, UNUSUAL = -2;
/** Ethertypes that never carry TCP. */
const NON_IP_TYPES = new Set([0x0806, 0x8035, 0x88cc, 0x888e, 0x88f7, 0x8809, 0x22f0, 0x893a]);

/** Offset in `d` of the IP header of the frame at d[b, end), or NOT_IP / UNUSUAL. */
function ipStart(d: Uint8Array, b: number, end: number, linktype: number): number {
  const n = end - b;
  let off: number;
  let type: number;
  switch (linktype) {
    case ETH: {
      if (n < 14) return UNUSUAL;
      off = 12;
      type = u16(d, b + off);
      // 802.1Q / 802.1ad / QinQ tags, stacked.
      while (type === 0x8100 || type === 0x88a8 || type === 0x9100) {
        off += 4;
        if (n < off + 2) return UNUSUAL;
        type = u16(d, b + off);
      }
      off += 2;
      break;
    }
    case SLL:
      if (n < 16) return UNUSUAL;
      type = u16(d, b + 14);
      off = 16;
      break;
    case SLL2:
      if (n < 20) return UNUSUAL;
      type = u16(d, b);
      off = 20;
      break;
    case NULL:
    case LOOP: {
      if (n < 4) return UNUSUAL;
      // NULL's family is in the capturing host's byte order; LOOP's in network order.
      let fam = linktype === LOOP ? u32(d, b) : u32le(d, b);
      if (linktype === NULL && (fam & 0xffff) === 0 && fam !== 0) fam = u32(d, b);
      if (fam === 2) type = 0x0800;
      else if (fam === 24 || fam === 28 || fam === 30 || fam === 10 || fam === 23) type = 0x86dd;
      else return UNUSUAL;
      off = 4;
      break;
    }
    case RAW: case RAW12: case RAW14: case IPV4: case IPV6:
      if (n < 1) return UNUSUAL;
      type = d[b] >> 4 === 4 ? 0x0800 : d[b] >> 4 === 6 ? 0x86dd : 0;
      if (!type) return UNUSUAL;
      off = 0;
      break;
    default:
      return UNUSUAL;
  }
  if (type === 0x0800 || type === 0x86dd) return b + off;
  return NON_IP_TYPES.has(type) ? NOT_IP : UNUSUAL;
}

/**
 * Where the last segment fastSegment returned lies in its buffer (offsets in `buf`): the frame store's
 * fast path checks the IP header and the payload from here. One object, refilled per segment.
 */
export const fastLayout: { buf: Uint8Array; ip: number; tcp: number; payload: number; payloadEnd: number; end: number } = { buf: new Uint8Array(0), ip: 0, tcp: 0, payload: 0, payloadEnd: 0, end: 0 };

/**
 * A segment with every field present from the start: one object shape for every segment keeps the
 * tracker's property reads monomorphic (several times faster than a shape per mix of options).
 */
export function emptySegment(): TcpSegment {
  return {
    frame: 0, time: 0, src: '', dst: '', srcPort: 0, dstPort: 0, seq: 0, ack: 0, flags: 0, window: 0, len: 0, urgentPointer: 0,
    mss: undefined, wscaleShift: undefined, sackPerm: undefined, sack: undefined, tsval: undefined, tsecr: undefined,
    accEcnOption: undefined,
  };
}

/**
 * Fills a TcpSegment for `raw` (frame number `frame`), or returns SKIP / FALLBACK. Given `into`, fills
 * that one: a caller that keeps nothing of a segment saves an allocation per frame. It fills what the
 * tracker and the state machine read: not `time` (the caller's to set: a double passed in would be
 * boxed on every call), and of the options only the window scale and SACK blocks (MSS, SACK_PERM and
 * timestamps are checked for their length, as the dissector does, but not kept).
 */
export function fastSegment(raw: RawFrame, frame: number, into?: TcpSegment): TcpSegment | typeof SKIP | typeof FALLBACK {
  // The reader's reused frame is a window on its buffer: read it there, without making a view.
  let d: Uint8Array, end: number;
  let b = 0;
  if (raw instanceof WindowFrame) {
    d = raw.buf;
    b = raw.start;
    end = b + raw.caplen;
  } else {
    d = raw.data;
    end = d.length;
  }
  const ip = ipStart(d, b, end, raw.linktype);
  if (ip === NOT_IP) return SKIP;
  if (ip < 0) return FALLBACK;
  if (end < ip + 20) return FALLBACK;
  const version = d[ip] >> 4;
  let tcp: number;
  let payloadEnd: number; // end of the IP payload as the IP header reports it
  let src: string, dst: string;
  if (version === 4) {
    const ihl = (d[ip] & 15) * 4;
    const total = u16(d, ip + 2);
    const frag = u16(d, ip + 6);
    const proto = d[ip + 9];
    if (proto !== 6) return REACHES_TCP.has(proto) ? FALLBACK : SKIP;
    // Options go to the full dissector: a source route not yet followed to its end (LSRR, SSRR) makes the
    // route's last hop the packet's destination, not the header's.
    if (ihl !== 20 || total < ihl || (frag & 0x3fff) !== 0) return FALLBACK;
    tcp = ip + ihl;
    payloadEnd = ip + total;
    src = v4(u32(d, ip + 12));
    dst = v4(u32(d, ip + 16));
  } else if (version === 6) {
    if (end < ip + 40) return FALLBACK;
    const nxt = d[ip + 6];
    if (nxt !== 6) return nxt === 17 || nxt === 59 ? SKIP : FALLBACK;
    tcp = ip + 40;
    payloadEnd = tcp + u16(d, ip + 4);
    src = ipv6(d, ip + 8);
    dst = ipv6(d, ip + 24);
  } else {
    return FALLBACK;
  }
  if (end < tcp + 20) return FALLBACK;
  const hdr = (d[tcp + 12] >> 4) * 4;
  if (hdr < 20 || end < tcp + hdr || payloadEnd < tcp + hdr) return FALLBACK;
  const seg = into ?? emptySegment();
  seg.frame = frame;
  seg.src = src;
  seg.dst = dst;
  seg.srcPort = u16(d, tcp);
  seg.dstPort = u16(d, tcp + 2);
  seg.seq = u32(d, tcp + 4);
  seg.ack = u32(d, tcp + 8);
  seg.flags = u16(d, tcp + 12) & 0x0fff;
  seg.window = u16(d, tcp + 14);
  seg.len = payloadEnd - tcp - hdr;
  seg.urgentPointer = u16(d, tcp + 18);
  seg.wscaleShift = undefined;
  seg.sack = undefined;
  seg.accEcnOption = undefined;
  if (hdr > 20 && !readOptions(d, tcp + 20, tcp + hdr, seg)) return FALLBACK;
  const at = fastLayout;
  at.buf = d;
  at.ip = ip;
  at.tcp = tcp;
  at.payload = tcp + hdr;
  at.payloadEnd = payloadEnd;
  at.end = end;
  return seg;
}

/**
 * The TCP options the tracker uses into the segment; false when they are malformed (the full dissector flags
 * that) or carry Multipath TCP (which keeps state across frames in the dissector).
 */
function readOptions(d: Uint8Array, pos: number, end: number, seg: TcpSegment): boolean {
  while (pos < end) {
    const kind = d[pos];
    if (kind === 0) return true; // EOL
    if (kind === 1) { pos++; continue; } // NOP
    if (pos + 1 >= end) return false;
    const len = d[pos + 1];
    if (len < 2 || pos + len > end) return false;
    switch (kind) {
      case 2: if (len !== 4) return false; break;
      case 3: if (len !== 3) return false; seg.wscaleShift = d[pos + 2]; break;
      case 4: if (len !== 2) return false; break;
      case 5: {
        // Without a whole block (length 2) the full dissector reads one past the option's end: malformed.
        if (len < 10 || (len - 2) % 8 !== 0) return false;
        const blocks: number[] = seg.sack ?? [];
        for (let p = pos + 2; p + 8 <= pos + len; p += 8) blocks.push(u32(d, p), u32(d, p + 4));
        seg.sack = blocks;
        break;
      }
      case 8: if (len !== 10) return false; break;
      // Accurate ECN (lengths 2, 5, 8 or 11): the tracker shows the ECN bits as ACE from the next segment on.
      case 172: case 174: if (len <= 11 && (len - 2) % 3 === 0) seg.accEcnOption = true; break;
      // Multipath TCP: its connections and subflows are the dissector's state (tcp-mptcp.ts), so it decides.
      case 30: return false;
      default: break;
    }
    pos += len;
  }
  return true;
}
