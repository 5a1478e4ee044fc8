// IPv4 options (RFC 791 and later): each option as a subtree with its type (copy / class / number),
// length and pointer; an End of Options List stops the walk, as in Wireshark.
import type { Field } from '../types';
import { defineField } from '../fields/registry';
import { bitsDisplay, generated, hidden, leaf, unwanted } from '../fields/tree';
import { QS_RATES } from './tcp-options';
import { hex, ipv4 } from '../fields/format';
import type { Ctx } from './context';
import { expert, defineExpert } from './expert';

const F = {
  type: defineField('ip.opt.type', 'Type', 'uint'),
  copy: defineField('ip.opt.type.copy', 'Copy on fragmentation', 'bool'),
  cls: defineField('ip.opt.type.class', 'Class', 'uint'),
  number: defineField('ip.opt.type.number', 'Number', 'uint'),
  len: defineField('ip.opt.len', 'Length', 'uint'),
  ptr: defineField('ip.opt.ptr', 'Pointer', 'uint'),
  rt: defineField('ip.rec_rt', 'Recorded Route', 'ipv4'),
  emptyRt: defineField('ip.empty_rt', 'Empty Route', 'ipv4'),
  curRt: defineField('ip.cur_rt', 'Current Route', 'ipv4'),
  srcRt: defineField('ip.src_rt', 'Source Route', 'ipv4'),
  qsFunc: defineField('ip.opt.qs_func', 'Function', 'uint'),
  qsRate: defineField('ip.opt.qs_rate', 'Rate', 'uint'),
  qsTtl: defineField('ip.opt.qs_ttl', 'QS TTL', 'uint'),
  qsTtlDiff: defineField('ip.opt.qs_ttl_diff', 'TTL Diff', 'uint'),
  qsUnused: defineField('ip.opt.qs_unused', 'Not Used', 'uint'),
  qsNonce: defineField('ip.opt.qs_nonce', 'QS Nonce', 'hex', { digits: 8 }),
  qsReserved: defineField('ip.opt.qs_reserved', 'Reserved', 'hex', { digits: 8 }),
  ts: defineField('ip.opt.time_stamp', 'Time stamp', 'uint'),
  ra: defineField('ip.opt.ra', 'Router Alert', 'uint'),
  overflow: defineField('ip.opt.overflow', 'Overflow', 'uint'),
  flag: defineField('ip.opt.flag', 'Flag', 'hex', { digits: 2 }),
};
const BAD_OPT_LEN = defineExpert('ip.opt.len.invalid', 'Invalid length for option');

/** Option names by type byte, as Wireshark's IPv4 option table; the number's name in the type subtree. */
const NAMES: Record<number, [string, string]> = {
  0: ['End of Options List (EOL)', 'End of Option List (EOL)'], 1: ['No-Operation (NOP)', 'No-Operation (NOP)'],
  7: ['Record Route', 'Record route'], 68: ['Time Stamp', 'Time stamp'], 130: ['Security', 'Security'],
  131: ['Loose Source Route', 'Loose source route'], 137: ['Strict Source Route', 'Strict source route'],
  136: ['Stream ID', 'Stream identifier'], 148: ['Router Alert', 'Router Alert'], 82: ['Traceroute', 'Traceroute'],
  133: ['Extended Security', 'Extended security'], 134: ['Commercial Security', 'Commercial IP security option'],
  25: ['Quick-Start', 'Quick-Start'],
};
/** The time stamp option's flag (RFC 791): what each entry holds. */
const TS_FLAGS: Record<number, string> = { 0: 'Time stamps only', 1: 'Time stamp and address', 3: 'Time stamps for prespecified addresses' };
const CLASSES = ['Control', 'Reserved for future use', 'Debugging and measurement', 'Reserved for future use'];


/**
 * Where the final destination of a source route not yet followed to its end sits (the last address of
 * the first LSRR/SSRR whose pointer is inside it), or -1: the options in [off, off+len) walked as Wireshark does.
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
    if ((type === 131 || type === 137) && optLen >= 7) {
      const ptr = d[p + 2];
      if (ptr >= 4 && ptr + 3 <= optLen) return p + optLen - 4 - ((optLen - 3) % 4);
    }
    p += optLen;
  }
  return -1;
}

/** Returns false when an option's length is impossible (the walk stops there). `finalAt`: see sourceRouteFinal. */
export function dissectIpv4Options(c: Ctx, tree: Field[], off: number, len: number, finalAt = -1, ttl = 0): boolean {
  const d = c.d;
  const head = leaf(tree, '', null, `Options: (${len} bytes)`, off, len);
  const names: string[] = [];
  const end = off + len;
  let p = off;
  while (p < end) {
    const type = d[p];
    const [name, numberName] = NAMES[type] ?? [`Unknown (0x${type.toString(16).padStart(2, '0')})`, 'Unknown'];
    const single = type === 0 || type === 1;
    let optLen = 1;
    if (!single) {
      // Wireshark's option walker stops at a length it cannot walk, with a warning in its place.
      const msg = p + 1 >= end ? `${name} (length byte past end of options)`
        : d[p + 1] < 2 ? `${name} (with too-short option length = ${d[p + 1]} byte${d[p + 1] === 1 ? '' : 's'})`
          : p + d[p + 1] > end ? `${name} (option length = ${d[p + 1]} bytes says option goes past end of options)` : '';
      if (msg) {
        const item = leaf(head.children, '', null, msg, p, Math.min(2, end - p));
        expert(c, item.children, p, 'warning', 'protocol', msg, BAD_OPT_LEN);
        if (names.length) head.display += ', ' + names.join(', ');
        return false;
      }
      optLen = d[p + 1];
    }
    const item = leaf(head.children, '', null, single ? `IP Option - ${name}` : `IP Option - ${name} (${optLen} bytes)`, p, optLen);
    typeItem(item.children, type, numberName, p);
    if (!single) {
      leaf(item.children, F.len.name, optLen, `Length: ${optLen}`, p + 1, 1);
      const summary = optionBody(item.children, d, type, p, optLen, finalAt, ttl);
      if (summary) item.display += `: ${summary}`;
      names.push(name);
    }
    p += optLen;
    if (type === 0) break;
  }
  if (names.length) head.display += ', ' + names.join(', ');
  return true;
}

function typeItem(tree: Field[], type: number, numberName: string, p: number): void {
  const t = leaf(tree, F.type.name, type, `Type: ${type}`, p, 1);
  leaf(t.children, F.copy.name, type >> 7, bitsDisplay(type, 0x80, 8, 'Copy on fragmentation', type & 0x80 ? 'Yes' : 'No'), p, 1);
  leaf(t.children, F.cls.name, (type >> 5) & 3, bitsDisplay(type, 0x60, 8, 'Class', `${CLASSES[(type >> 5) & 3]} (${(type >> 5) & 3})`), p, 1);
  leaf(t.children, F.number.name, type & 31, bitsDisplay(type, 0x1f, 8, 'Number', `${numberName} (${type & 31})`), p, 1);
}

/** The body of the options students meet (route records, timestamps, router alert); returns what the option's title adds, if anything. */
function optionBody(tree: Field[], d: Uint8Array, type: number, p: number, optLen: number, finalAt: number, ttl: number): string {
  const dv = new DataView(d.buffer, d.byteOffset, d.byteLength);
  if (type === 7 || type === 131 || type === 137) {
    if (optLen < 3) return '';
    const ptr = d[p + 2];
    leaf(tree, F.ptr.name, ptr, `Pointer: ${ptr}`, p + 2, 1);
    for (let q = 3; q + 4 <= optLen; q += 4) {
      const a = ipv4(d, p + q);
      const recorded = q + 1 < ptr;
      if (p + q === finalAt) {
        // The source route's last address: the packet's destination (ip.dst), as Wireshark shows it.
        leaf(tree, 'ip.dst', a, `Destination Address: ${a}`, p + q, 4);
        if (!unwanted('ip.addr')) hidden(tree, 'ip.addr', a, `Source or Destination Address: ${a}`, p + q, 4);
      } else if (!recorded && finalAt >= 0 && type !== 7) {
        leaf(tree, F.srcRt.name, a, `Source Route: ${a}${q + 1 === ptr ? ' <- (next)' : ''}`, p + q, 4);
      } else {
        leaf(tree, recorded ? F.rt.name : F.emptyRt.name, a, `${recorded ? 'Recorded Route' : 'Empty Route'}: ${a}${q + 1 === ptr ? ' <- (next)' : ''}`, p + q, 4);
      }
    }
  } else if (type === 25 && optLen === 8) {
    // RFC 4782 Quick-Start: function and rate, then the TTL (a request) and a 30-bit nonce.
    const func = d[p + 2] >> 4, rate = d[p + 2] & 0x0f;
    const funcName = func === 0 ? 'Rate request' : func === 8 ? 'Rate report' : 'Unknown';
    leaf(tree, F.qsFunc.name, func, bitsDisplay(d[p + 2], 0xf0, 8, 'Function', `${funcName} (${func})`), p + 2, 1);
    leaf(tree, F.qsRate.name, rate, bitsDisplay(d[p + 2], 0x0f, 8, 'Rate', `${QS_RATES[rate]} (${rate})`), p + 2, 1);
    let summary = `${funcName} (${func}), ${QS_RATES[rate]}`;
    if (func === 0) {
      const qsTtl = d[p + 3];
      const diff = (ttl - qsTtl) & 0xff;
      leaf(tree, F.qsTtl.name, qsTtl, `QS TTL: ${qsTtl}`, p + 3, 1);
      generated(tree, F.qsTtlDiff.name, diff, `TTL Diff: ${diff}`, p + 3, 1);
      summary += `, QS TTL ${qsTtl}, QS TTL diff ${diff}`;
    } else {
      leaf(tree, F.qsUnused.name, d[p + 3], `Not Used: ${d[p + 3]}`, p + 3, 1);
    }
    const w = dv.getUint32(p + 4);
    leaf(tree, F.qsNonce.name, hex(w >>> 2, 8), bitsDisplay(w, 0xfffffffc, 32, 'QS Nonce', hex(w >>> 2, 8)), p + 4, 4);
    leaf(tree, F.qsReserved.name, hex(w & 3, 8), bitsDisplay(w, 0x3, 32, 'Reserved', `0x${(w & 3).toString(16)}`), p + 4, 4);
    return summary;
  } else if (type === 68) {
    if (optLen < 4) return '';
    leaf(tree, F.ptr.name, d[p + 2], `Pointer: ${d[p + 2]}`, p + 2, 1);
    const of = d[p + 3];
    leaf(tree, F.overflow.name, of >> 4, bitsDisplay(of, 0xf0, 8, 'Overflow', String(of >> 4)), p + 3, 1);
    const flag = of & 0x0f;
    leaf(tree, F.flag.name, hex(flag, 2), bitsDisplay(of, 0x0f, 8, 'Flag', `${TS_FLAGS[flag] ?? 'Unknown'} (0x${flag.toString(16)})`), p + 3, 1);
    for (let q = 4; q + 4 <= optLen; q += 4) {
      const ts = dv.getUint32(p + q);
      leaf(tree, F.ts.name, ts, `Time stamp: ${ts}`, p + q, 4);
    }
  } else if (type === 148 && optLen === 4) {
    const v = dv.getUint16(p + 2);
    const shown = `${v === 0 ? 'Router shall examine packet' : 'Reserved'} (${v})`;
    leaf(tree, F.ra.name, v, `Router Alert: ${shown}`, p + 2, 2);
    return shown;
  }
  return '';
}
