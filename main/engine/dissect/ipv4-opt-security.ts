// The IPv4 security option (type 130) in its two forms: RFC 791's (11 bytes, a known security level) and
// RFC 1108's (a classification level and protection authority flag bytes), as Wireshark 4.0 tells them apart.
import type { Field } from '../types';
import { defineField } from '../fields/registry';
import { bitsDisplay, leaf } from '../fields/tree';
import { asciiText, asciiValue, hex } from '../fields/format';
import type { Ctx } from './context';
import { expert } from './expert';

const F = {
  sec: defineField('ip.opt.sec_rfc791_sec', 'Security', 'hex', { digits: 4 }),
  comp: defineField('ip.opt.sec_rfc791_comp', 'Compartments', 'uint'),
  hr: defineField('ip.opt.sec_rfc791_hr', 'Handling Restrictions', 'string'),
  tcc: defineField('ip.opt.sec_rfc791_tcc', 'Transmission Control Code', 'string'),
  cl: defineField('ip.opt.sec_cl', 'Classification Level', 'hex', { digits: 2 }),
  flags: defineField('ip.opt.sec_prot_auth_flags', 'Protection Authority Flags', 'hex', { digits: 2 }),
  unassigned: defineField('ip.opt.sec_prot_auth_unassigned', 'Unassigned', 'hex', { digits: 2 }),
  fti: defineField('ip.opt.sec_prot_auth_fti', 'Field Termination Indicator', 'bool'),
};
/** The authorities of the first flags byte, high bit first (RFC 1108). */
const AUTHORITIES: [string, string][] = [
  ['ip.opt.sec_prot_auth_genser', 'GENSER'], ['ip.opt.sec_prot_auth_siop_esi', 'SIOP-ESI'], ['ip.opt.sec_prot_auth_sci', 'SCI'],
  ['ip.opt.sec_prot_auth_nsa', 'NSA'], ['ip.opt.sec_prot_auth_doe', 'DOE'],
];
for (const [name, label] of AUTHORITIES) defineField(name, label, 'bool');

/** RFC 791's security levels (an 11-byte option with another value is read as RFC 1108's). */
const RFC791_LEVELS: Record<number, string> = {
  0x0000: 'Unclassified', 0xf135: 'Confidential', 0x789a: 'EFTO', 0xbc4d: 'MMMM', 0x5e26: 'PROG', 0xaf13: 'Restricted',
  0xd788: 'Secret', 0x6bc5: 'Top secret', 0x35e2: 'Reserved', 0x9af1: 'Reserved', 0x4d78: 'Reserved', 0x24bd: 'Reserved',
  0x135e: 'Reserved', 0x89af: 'Reserved', 0xc4d6: 'Reserved', 0xe26b: 'Reserved',
};
/** RFC 1108's classification levels. */
const LEVELS: Record<number, string> = {
  0x01: 'Reserved 4', 0x3d: 'Top secret', 0x5a: 'Secret', 0x96: 'Confidential', 0x66: 'Reserved 3', 0xcc: 'Reserved 2',
  0xab: 'Unclassified', 0xf1: 'Reserved 1',
};
const PROTECTED = ['Datagram not protected in accordance with its rules', 'Datagram protected in accordance with its rules'];

/** An ASCII string field as Wireshark reads one: it ends at the first NUL; its text shows control bytes escaped. */
function asciiItem(tree: Field[], name: string, label: string, d: Uint8Array, at: number, n: number): void {
  let len = 0;
  while (len < n && d[at + len] !== 0) len++;
  leaf(tree, name, asciiValue(d, at, len), `${label}: ${asciiText(d, at, len)}`, at, n);
}

/** A protection authority flags byte: the first names its authorities, later ones are unassigned bits. */
function flagsByte(tree: Field[], b: number, first: boolean, at: number): void {
  const set = first ? AUTHORITIES.filter((_, i) => b & (0x80 >> i)).map(([, label]) => label) : [];
  if (b & 1) set.push('Field Termination Indicator');
  const item = leaf(tree, F.flags.name, hex(b, 2), `Protection Authority Flags: ${[hex(b, 2), ...set].join(', ')}`, at, 1);
  if (first) {
    AUTHORITIES.forEach(([name, label], i) => {
      const bit = (b >> (7 - i)) & 1;
      leaf(item.children, name, bit, bitsDisplay(b, 0x80 >> i, 8, label, PROTECTED[bit]), at, 1);
    });
    leaf(item.children, F.unassigned.name, hex((b >> 1) & 3, 2), bitsDisplay(b, 0x06, 8, 'Unassigned', `0x${(b >> 1) & 3}`), at, 1);
  } else {
    leaf(item.children, F.unassigned.name, hex(b >> 1, 2), bitsDisplay(b, 0xfe, 8, 'Unassigned', hex(b >> 1, 2)), at, 1);
  }
  leaf(item.children, F.fti.name, b & 1, bitsDisplay(b, 0x01, 8, 'Field Termination Indicator', b & 1 ? 'Additional octet present' : 'Final octet'), at, 1);
}

/** The security option's body into its subtree `tree` (its warnings too); `lenField`: the field tshark 4.0 gives those warnings. */
export function securityBody(c: Ctx, tree: Field[], p: number, optLen: number, lenField: string): void {
  const d = c.d;
  const dv = new DataView(d.buffer, d.byteOffset, d.byteLength);
  if (optLen === 11 && RFC791_LEVELS[dv.getUint16(p + 2)] !== undefined) {
    const level = dv.getUint16(p + 2);
    leaf(tree, F.sec.name, hex(level, 4), `Security: ${RFC791_LEVELS[level]} (${hex(level, 4)})`, p + 2, 2);
    leaf(tree, F.comp.name, dv.getUint16(p + 4), `Compartments: ${dv.getUint16(p + 4)}`, p + 4, 2);
    asciiItem(tree, F.hr.name, 'Handling Restrictions', d, p + 6, 2);
    asciiItem(tree, F.tcc.name, 'Transmission Control Code', d, p + 8, 3);
    return;
  }
  c.need(p + 2, 1, p + optLen);
  leaf(tree, F.cl.name, hex(d[p + 2], 2), `Classification Level: ${LEVELS[d[p + 2]] ?? 'Unknown'} (${hex(d[p + 2], 2)})`, p + 2, 1);
  let q = p + 3;
  if (q >= p + optLen) return;
  let b = d[q];
  flagsByte(tree, b, true, q++);
  // Each byte with its termination bit set is followed by another, up to the option's end.
  while (b & 1) {
    if (q === p + optLen) {
      expert(c, tree, p, 'warning', 'protocol', 'Field Termination Indicator set to 1 for last byte of option', lenField);
      break;
    }
    b = d[q];
    flagsByte(tree, b, false, q++);
  }
  if (q < p + optLen) expert(c, tree, p, 'warning', 'protocol', 'Extraneous data in option', lenField);
}
