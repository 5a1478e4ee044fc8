// ICMP multi-part extensions (RFC 4884) after the quote of an ICMPv4 error, as Wireshark 4.0 shows them:
// the common header (version, reserved bits, checksum) and each object: MPLS label stacks (RFC 4950)
// entry by entry, any other object as its class, C-Type and data.
import type { Field } from '../types';
import { defineField } from '../fields/registry';
import { bitsDisplay, generated, leaf } from '../fields/tree';
import { bytesHex, hex } from '../fields/format';
import type { Ctx } from './context';
import { checksumItems } from './icmp-common';
import { defineExpert } from './expert';

const F = {
  ext: defineField('icmp.ext', 'ICMP Extensions', 'none'),
  version: defineField('icmp.ext.version', 'Version', 'uint'),
  res: defineField('icmp.ext.res', 'Reserved', 'hex', { digits: 4 }),
  length: defineField('icmp.ext.length', 'Length', 'uint'),
  cls: defineField('icmp.ext.class', 'Class', 'uint'),
  ctype: defineField('icmp.ext.ctype', 'C-Type', 'uint'),
  data: defineField('icmp.ext.data', 'Data', 'bytes'),
  label: defineField('icmp.mpls.label', 'Label', 'uint'),
  exp: defineField('icmp.mpls.exp', 'Experimental', 'uint'),
  s: defineField('icmp.mpls.s', 'Stack bit', 'bool'),
  ttl: defineField('icmp.mpls.ttl', 'Time to live', 'uint'),
  mplsData: defineField('icmp.mpls.data', 'Data', 'bytes'),
};
defineField('icmp.ext.checksum', 'Checksum', 'hex', { digits: 4 });
defineField('icmp.ext.checksum.status', 'Checksum Status', 'uint');
defineExpert('icmp.ext.checksum_bad', 'Bad checksum');

const CLASSES: Record<number, string> = { 1: 'MPLS Label Stack Class', 2: 'Interface Information Object', 3: 'Interface Identification Object' };

/** The extension structure at [off, end) (end: the ICMP message's end), under the ICMP tree `t`. */
export function dissectIcmpExtension(c: Ctx, t: Field[], off: number, end: number): void {
  const d = c.d, v = c.v;
  // tshark -T fields prints a text-only item (FT_NONE) as 1.
  const head = leaf(t, F.ext.name, 1, 'ICMP Multi-Part Extensions', off, end - off);
  // Shorter than the common header: the item alone.
  if (end - off < 4) return;
  const tree = head.children;
  c.need(off, 4, end);
  const version = d[off] >> 4;
  leaf(tree, F.version.name, version, `Version: ${version}`, off, 1);
  const w = v.getUint16(off);
  leaf(tree, F.res.name, hex(w & 0xfff, 4), bitsDisplay(w, 0x0fff, 16, 'Reserved', hex(w & 0xfff, 3)), off, 2);
  if (v.getUint16(off + 2) === 0) {
    // A checksum of zero means none was computed (RFC 4884 §7).
    generated(tree, 'icmp.ext.checksum', '0x0000', 'Checksum: [missing]', off + 2, 2);
    generated(tree, 'icmp.ext.checksum.status', 3, 'Checksum Status: Not present', off + 2, 2);
  } else {
    checksumItems(c, tree, 'icmp.ext', off, end, 0);
  }
  if (version !== 1 && version !== 2) {
    head.display += ' (unsupported version)';
    return;
  }
  let p = off + 4;
  while (end - p >= 4) {
    c.need(p, 4, end);
    const objLen = v.getUint16(p);
    const trunc = Math.min(objLen, end - p);
    const objEnd = p + trunc;
    const obj = leaf(tree, '', null, 'Unknown object', p, Math.max(trunc, 4));
    const ot = obj.children;
    const cls = d[p + 2], ctype = d[p + 3];
    leaf(ot, F.length.name, objLen, `Length: ${objLen}`, p, 2);
    leaf(ot, F.cls.name, cls, `Class: ${CLASSES[cls] ?? 'Unknown'} (${cls})`, p + 2, 1);
    if (objLen < 4) {
      obj.display = 'Object with bad length';
      break;
    }
    let known = false;
    if (cls === 1) {
      leaf(ot, F.ctype.name, ctype, `C-Type: ${ctype}`, p + 3, 1);
      if (ctype === 1) {
        known = true;
        obj.display = 'MPLS Stack Entry';
        mplsEntries(c, ot, p + 4, objEnd);
      }
    }
    if (!known) {
      // Wireshark adds the C-Type again for a class it knows with a C-Type it does not.
      leaf(ot, F.ctype.name, ctype, `C-Type: ${ctype}`, p + 3, 1);
      obj.display = `Unknown object (${cls}/${ctype})`;
      if (trunc > 4) {
        c.need(p + 4, trunc - 4, end);
        const b = bytesHex(d, p + 4, trunc - 4);
        leaf(ot, F.data.name, b, `Data: ${b}`, p + 4, trunc - 4);
      }
    }
    if (trunc < objLen) obj.display += ' (truncated)';
    p = objEnd;
  }
}

/** MPLS label stack entries in [p, end): label, experimental bits, bottom-of-stack bit, TTL; what is left as data. */
function mplsEntries(c: Ctx, t: Field[], p: number, end: number): void {
  const d = c.d, v = c.v;
  for (; p + 4 <= end; p += 4) {
    c.need(p, 4, end);
    const w = (v.getUint16(p) << 8) | d[p + 2];
    const label = w >>> 4, exp = (d[p + 2] >> 1) & 7, s = d[p + 2] & 1, ttl = d[p + 3];
    const e = leaf(t, '', null, `Label: ${label}, Exp: ${exp}, S: ${s}, TTL: ${ttl}`, p, 4);
    leaf(e.children, F.label.name, label, bitsDisplay(w, 0xfffff0, 24, 'Label', String(label)), p, 3);
    leaf(e.children, F.exp.name, exp, bitsDisplay(w, 0x0e, 24, 'Experimental', String(exp)), p + 2, 1);
    leaf(e.children, F.s.name, s, bitsDisplay(w, 0x01, 24, 'Stack bit', s ? 'Set' : 'Not set'), p + 2, 1);
    leaf(e.children, F.ttl.name, ttl, `Time to live: ${ttl}`, p + 3, 1);
  }
  if (p < end) {
    c.need(p, end - p, end);
    const b = bytesHex(d, p, end - p);
    leaf(t, F.mplsData.name, b, `Data: ${b}`, p, end - p);
  }
}
