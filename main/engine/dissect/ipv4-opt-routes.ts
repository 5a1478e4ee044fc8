// The IPv4 options that carry lists of addresses (RFC 791): record route, loose and strict source
// routes, and time stamps, each address classified as Wireshark 4.0 does.
import type { Field } from '../types';
import { defineField } from '../fields/registry';
import { bitsDisplay, hidden, leaf, unwanted } from '../fields/tree';
import { hex, ipv4 } from '../fields/format';
import type { Ctx } from './context';
import { expert, defineExpert } from './expert';

const F = {
  ptr: defineField('ip.opt.ptr', 'Pointer', 'uint'),
  rt: defineField('ip.rec_rt', 'Recorded Route', 'ipv4'),
  rtHost: defineField('ip.rec_rt_host', 'Recorded Route Host', 'string'),
  emptyRt: defineField('ip.empty_rt', 'Empty Route', 'ipv4'),
  emptyRtHost: defineField('ip.empty_rt_host', 'Empty Route Host', 'string'),
  curRt: defineField('ip.cur_rt', 'Current Route', 'ipv4'),
  curRtHost: defineField('ip.cur_rt_host', 'Current Route Host', 'string'),
  srcRt: defineField('ip.src_rt', 'Source Route', 'ipv4'),
  srcRtHost: defineField('ip.src_rt_host', 'Source Route Host', 'string'),
  ts: defineField('ip.opt.time_stamp', 'Time stamp', 'uint'),
  tsAddr: defineField('ip.opt.time_stamp_addr', 'Address', 'ipv4'),
  overflow: defineField('ip.opt.overflow', 'Overflow', 'uint'),
  flag: defineField('ip.opt.flag', 'Flag', 'hex', { digits: 2 }),
};
const E = {
  before: defineExpert('ip.opt.ptr.before_address', 'Pointer points before first address'),
  middle: defineExpert('ip.opt.ptr.middle_address', 'Pointer points to middle of address'),
  tooLong: defineExpert('ip.subopt_too_long', 'Suboption would go past end of option'),
};
/** The time stamp option's flag (RFC 791): what each entry holds. */
const TS_FLAGS: Record<number, string> = { 0: 'Time stamps only', 1: 'Time stamp and address', 3: 'Time stamps for prespecified addresses' };

/**
 * Where the packet's final destination sits (the last 4 bytes of the first LSRR/SSRR, when its pointer
 * is still inside it), or -1: Wireshark looks at the first source route only, and a pointer before the
 * first address, inside an address or past the end (the route followed to its end) leaves the header's.
 */
export function sourceRouteFinal(d: Uint8Array, off: number, len: number): number {
  const end = off + len;
  let p = off;
  while (p < end) {
    const type = d[p];
    if (type === 0) return -1;
    if (type === 1) { p++; continue; }
    if (p + 1 >= end) return -1;
    const optLen = d[p + 1];
    if (optLen < 2 || p + optLen > end) return -1;
    if (type === 131 || type === 137) {
      const ptr = d[p + 2];
      return ptr < 4 || ptr & 3 || ptr > optLen ? -1 : p + optLen - 4;
    }
    p += optLen;
  }
  return -1;
}

/** An address with its hidden "…Host" twin (the name; tshark -n: the address again). */
function route(tree: Field[], name: string, label: string, host: string, a: string, next: boolean, at: number): void {
  leaf(tree, name, a, `${label}: ${a}${next ? ' <- (next)' : ''}`, at, 4);
  if (!unwanted(host)) hidden(tree, host, a, `${label} Host: ${a}`, at, 4);
}

/**
 * Record route (7) and source routes (131, 137): recorded addresses before the pointer, the next one at it;
 * a source route's last address is a destination (ip.dst) while its pointer is inside the option.
 * A pointer before the first address or inside one stops there, with a warning, as in Wireshark.
 */
export function routeBody(c: Ctx, tree: Field[], type: number, p: number, optLen: number): void {
  const d = c.d;
  // Each option is read from its own bytes: one too short for what is read of it makes the packet malformed.
  c.need(p + 2, 1, p + optLen);
  const ptr = d[p + 2];
  const ptrItem = leaf(tree, F.ptr.name, ptr, `Pointer: ${ptr}`, p + 2, 1);
  if (ptr < 4 || ptr & 3) {
    if (ptr < 4) expert(c, ptrItem.children, p + 2, 'warning', 'protocol', 'Pointer points before first address', E.before);
    else expert(c, ptrItem.children, p + 2, 'warning', 'protocol', 'Pointer points to middle of address', E.middle);
    return;
  }
  const record = type === 7;
  for (let q = 3; q < optLen; q += 4) {
    if (optLen - q < 4) {
      expert(c, ptrItem.children, p + 2, 'warning', 'protocol', 'Suboption would go past end of option', E.tooLong);
      break;
    }
    const a = ipv4(d, p + q);
    if (ptr > optLen || q + 1 < ptr) route(tree, F.rt.name, 'Recorded Route', F.rtHost.name, a, false, p + q);
    else if (!record && q === optLen - 4) {
      leaf(tree, 'ip.dst', a, `Destination Address: ${a}`, p + q, 4);
      if (!unwanted('ip.addr')) hidden(tree, 'ip.addr', a, `Source or Destination Address: ${a}`, p + q, 4);
    } else if (record) route(tree, F.emptyRt.name, 'Empty Route', F.emptyRtHost.name, a, q + 1 === ptr, p + q);
    else route(tree, F.srcRt.name, 'Source Route', F.srcRtHost.name, a, q + 1 === ptr, p + q);
  }
}

/**
 * Time stamp (68): the pointer with what is odd about it, overflow and flag, then the entries: time stamps,
 * or address and time stamp pairs for flags 1 and 3 (an empty address shown as "-").
 */
export function timestampBody(c: Ctx, tree: Field[], p: number, optLen: number): void {
  const d = c.d;
  const dv = new DataView(d.buffer, d.byteOffset, d.byteLength);
  c.need(p + 2, 1, p + optLen);
  const ptr = d[p + 2];
  const note = ptr === 1 ? ' (header is full)' : ptr < 5 ? ' (points before first address)' : (ptr - 1) & 3 ? ' (points to middle of field)' : '';
  leaf(tree, F.ptr.name, ptr, `Pointer: ${ptr}${note}`, p + 2, 1);
  c.need(p + 3, 1, p + optLen);
  const of = d[p + 3];
  leaf(tree, F.overflow.name, of >> 4, bitsDisplay(of, 0xf0, 8, 'Overflow', String(of >> 4)), p + 3, 1);
  const flag = of & 0x0f;
  leaf(tree, F.flag.name, hex(flag, 2), bitsDisplay(of, 0x0f, 8, 'Flag', `${TS_FLAGS[flag] ?? 'Unknown'} (0x${flag.toString(16)})`), p + 3, 1);
  const pairs = flag === 1 || flag === 3;
  for (let q = 4; q < optLen;) {
    if (optLen - q < (pairs ? 8 : 4)) {
      const item = leaf(tree, '', null, 'Suboption would go past end of option', p + q, optLen - q);
      expert(c, item.children, p + q, 'warning', 'protocol', 'Suboption would go past end of option', E.tooLong);
      break;
    }
    if (pairs) {
      const a = ipv4(d, p + q);
      leaf(tree, F.tsAddr.name, a, `Address: ${a === '0.0.0.0' ? '-' : a}`, p + q, 4);
      q += 4;
    }
    const ts = dv.getUint32(p + q);
    leaf(tree, F.ts.name, ts, `Time stamp: ${ts}`, p + q, 4);
    q += 4;
  }
}
