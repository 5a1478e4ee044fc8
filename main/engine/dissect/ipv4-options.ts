// IPv4 options (RFC 791 and later): each option as a subtree with its type (copy / class / number),
// length and pointer; an End of Options List stops the walk, as in Wireshark.
import type { Field } from '../types';
import { defineField } from '../fields/registry';
import { bitsDisplay, generated, leaf } from '../fields/tree';
import { QS_RATES } from './tcp-options';
import { bytesHex, hex, ipv4 } from '../fields/format';
import { routeBody, timestampBody } from './ipv4-opt-routes';
import { securityBody } from './ipv4-opt-security';
import type { Ctx } from './context';
import { expert, defineExpert } from './expert';

const F = {
  type: defineField('ip.opt.type', 'Type', 'uint'),
  copy: defineField('ip.opt.type.copy', 'Copy on fragmentation', 'bool'),
  cls: defineField('ip.opt.type.class', 'Class', 'uint'),
  number: defineField('ip.opt.type.number', 'Number', 'uint'),
  len: defineField('ip.opt.len', 'Length', 'uint'),
  sid: defineField('ip.opt.sid', 'Stream Identifier', 'uint'),
  qsFunc: defineField('ip.opt.qs_func', 'Function', 'uint'),
  qsRate: defineField('ip.opt.qs_rate', 'Rate', 'uint'),
  qsTtl: defineField('ip.opt.qs_ttl', 'QS TTL', 'uint'),
  qsTtlDiff: defineField('ip.opt.qs_ttl_diff', 'TTL Diff', 'uint'),
  qsUnused: defineField('ip.opt.qs_unused', 'Not Used', 'uint'),
  qsNonce: defineField('ip.opt.qs_nonce', 'QS Nonce', 'hex', { digits: 8 }),
  qsReserved: defineField('ip.opt.qs_reserved', 'Reserved', 'hex', { digits: 8 }),
  ra: defineField('ip.opt.ra', 'Router Alert', 'uint'),
  mtu: defineField('ip.opt.mtu', 'MTU', 'uint'),
  addr: defineField('ip.opt.addr', 'IP Address', 'ipv4'),
  padding: defineField('ip.opt.padding', 'Padding', 'bytes'),
};
const BAD_OPT_LEN = defineExpert('ip.opt.len.invalid', 'Invalid length for option');
const NOPS = defineExpert('ip.nop', '4 NOP in a row - a router may have removed some options');

/** Option names by type byte, as Wireshark's IPv4 option table; the number's name in the type subtree. */
const NAMES: Record<number, [string, string]> = {
  0: ['End of Options List (EOL)', 'End of Option List (EOL)'], 1: ['No-Operation (NOP)', 'No-Operation (NOP)'],
  7: ['Record Route', 'Record route'], 68: ['Time Stamp', 'Time stamp'], 130: ['Security', 'Security'],
  131: ['Loose Source Route', 'Loose source route'], 137: ['Strict Source Route', 'Strict source route'],
  136: ['Stream ID', 'Stream identifier'], 148: ['Router Alert', 'Router Alert'], 82: ['Traceroute', 'Traceroute'],
  133: ['Extended Security', 'Extended security'], 134: ['Commercial Security', 'Commercial IP security option'],
  25: ['Quick-Start', 'Quick-Start'], 11: ['MTU Probe', 'MTU probe'], 12: ['MTU Reply', 'MTU Reply'],
  149: ['Selective Directed Broadcast', 'Selective Directed Broadcast'],
};
/**
 * Options of one fixed length: the title gives that length whatever the length byte says (a wrong one is
 * warned about), and the body is read as if it were right (too short, the packet is malformed).
 */
const FIXED: Record<number, number> = { 136: 4, 11: 4, 12: 4, 148: 4 };
/**
 * Each option Wireshark 4.0 has a dissector for is a protocol item of its own (ip.options.*: tshark -e
 * prints its bytes); an option of another type is a bare "Unknown (0x..)" line.
 */
const ITEMS: Record<number, string> = {
  0: 'eol', 1: 'nop', 7: 'record_route', 11: 'mtu_probe', 12: 'mtu_reply', 25: 'qs', 68: 'timestamp', 82: 'traceroute',
  130: 'security', 131: 'route', 133: 'ext_security', 134: 'cipso', 136: 'sid', 137: 'source_route', 148: 'routeralert', 149: 'sdb',
};
for (const [type, item] of Object.entries(ITEMS)) defineField(`ip.options.${item}`, `IP Option - ${NAMES[+type][0]}`, 'none');
const CLASSES = ['Control', 'Reserved for future use', 'Debugging and measurement', 'Reserved for future use'];


/** Returns false when an option's length is impossible (the walk stops there). */
export function dissectIpv4Options(c: Ctx, tree: Field[], off: number, len: number, ttl = 0): boolean {
  const d = c.d;
  const head = leaf(tree, '', null, `Options: (${len} bytes)`, off, len);
  const names: string[] = [];
  let nops = 0;
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
    const field = ITEMS[type];
    if (!field) {
      // No dissector for it in Wireshark: one line, and the Options summary does not name it.
      leaf(head.children, '', null, `${name} (${optLen} bytes)`, p, optLen);
      p += optLen;
      continue;
    }
    if (type === 1) {
      // Wireshark counts NOPs, the count going on across other options and restarting at an aligned NOP.
      if (nops === 0 || (p - off) % 4) {
        if (++nops === 4) expert(c, head.children, off, 'warning', 'protocol', '4 NOP in a row - a router may have removed some options', NOPS);
      } else nops = 0;
    }
    const fixed = FIXED[type];
    const title = single ? `IP Option - ${name}` : `IP Option - ${name} (${fixed ?? optLen} bytes)`;
    const item = leaf(head.children, `ip.options.${field}`, bytesHex(d, p, optLen), title, p, optLen);
    typeItem(item.children, type, numberName, p);
    if (!single) {
      const lenItem = leaf(item.children, F.len.name, optLen, `Length: ${optLen}`, p + 1, 1);
      if (fixed && optLen !== fixed) {
        const msg = `${name} (with option length = ${optLen} byte${optLen === 1 ? '' : 's'}; should be ${fixed})`;
        expert(c, lenItem.children, p + 1, 'warning', 'protocol', msg, BAD_OPT_LEN);
      }
      const summary = optionBody(c, item.children, type, p, optLen, ttl);
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
function optionBody(c: Ctx, tree: Field[], type: number, p: number, optLen: number, ttl: number): string {
  const d = c.d;
  const dv = new DataView(d.buffer, d.byteOffset, d.byteLength);
  if (type === 7 || type === 131 || type === 137) {
    routeBody(c, tree, type, p, optLen);
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
    timestampBody(c, tree, p, optLen);
  } else if (type === 136) {
    c.need(p + 2, 2, p + optLen);
    leaf(tree, F.sid.name, dv.getUint16(p + 2), `Stream Identifier: ${dv.getUint16(p + 2)}`, p + 2, 2);
  } else if (type === 130) {
    securityBody(c, tree, p, optLen, BAD_OPT_LEN);
  } else if (type === 11 || type === 12) {
    c.need(p + 2, 2, p + optLen);
    leaf(tree, F.mtu.name, dv.getUint16(p + 2), `MTU: ${dv.getUint16(p + 2)}`, p + 2, 2);
  } else if (type === 149) {
    let q = p + 2;
    for (; q + 4 <= p + optLen; q += 4) leaf(tree, F.addr.name, ipv4(d, q), `IP Address: ${ipv4(d, q)}`, q, 4);
    if (q < p + optLen) leaf(tree, F.padding.name, bytesHex(d, q, p + optLen - q), `Padding: ${bytesHex(d, q, p + optLen - q)}`, q, p + optLen - q);
  } else if (type === 148) {
    c.need(p + 2, 2, p + optLen);
    const v = dv.getUint16(p + 2);
    const shown = `${v === 0 ? 'Router shall examine packet' : 'Reserved'} (${v})`;
    leaf(tree, F.ra.name, v, `Router Alert: ${shown}`, p + 2, 2);
    return shown;
  }
  return '';
}
