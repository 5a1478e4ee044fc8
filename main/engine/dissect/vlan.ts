// 802.1Q VLAN tags (Ethernet types 0x8100 and 0x9100) and 802.1ad provider tags (0x88a8), stacked
// as deep as the frame goes: each tag hands its payload back to the ethertype dissector.
import { defineField } from '../fields/registry';
import { bitsDisplay, leaf } from '../fields/tree';
import { hex } from '../fields/format';
import type { Ctx } from './context';
import { dissectEthertype, ethertypeShown } from './ethertype';
import { dissectLlc } from './eth';

// Protocol items: tshark -T fields prints their labels (fields/occurrences.ts).
defineField('vlan', '802.1Q Virtual LAN', 'protocol');
defineField('ieee8021ad', 'IEEE 802.1ad', 'protocol');

const F = {
  priority: defineField('vlan.priority', 'Priority', 'uint'),
  dei: defineField('vlan.dei', 'DEI', 'uint'),
  id: defineField('vlan.id', 'ID', 'uint'),
  etype: defineField('vlan.etype', 'Type', 'hex', { digits: 4 }),
  len: defineField('vlan.len', 'Length', 'uint'),
  adPriority: defineField('ieee8021ad.priority', 'Priority', 'uint'),
  adDei: defineField('ieee8021ad.dei', 'DEI', 'uint'),
  adId: defineField('ieee8021ad.id', 'ID', 'uint'),
  adSvid: defineField('ieee8021ad.svid', 'ID', 'uint'),
  adCvid: defineField('ieee8021ad.cvid', 'ID', 'uint'),
  ahEtype: defineField('ieee8021ah.etype', 'Type', 'hex', { digits: 4 }),
};

const PRIORITIES = [
  'Best Effort (default)', 'Background', 'Excellent Effort', 'Critical Applications',
  'Video, < 100ms latency and jitter', 'Voice, < 10ms latency and jitter', 'Internetwork Control', 'Network Control',
];


/** An 802.1Q tag at `off` (the 2-byte TCI and the 2-byte type / length that follows). */
export function dissectVlan(c: Ctx, off: number, end: number): void {
  c.setProtocol('VLAN');
  const h = c.openAfter(4, end, 'vlan', 'VLAN', '802.1Q Virtual LAN', 2, 2, off, 4);
  c.need(off, 4, end);
  const tci = c.v.getUint16(off);
  const pri = tci >> 13, dei = (tci >> 12) & 1, id = tci & 0xfff;
  h.title = `802.1Q Virtual LAN, PRI: ${pri}, DEI: ${dei}, ID: ${id}`;
  const t = h.fields;
  leaf(t, F.priority.name, pri, bitsDisplay(tci, 0xe000, 16, 'Priority', `${PRIORITIES[pri]} (${pri})`), off, 2);
  leaf(t, F.dei.name, dei, bitsDisplay(tci, 0x1000, 16, 'DEI', dei ? 'Eligible' : 'Ineligible'), off, 2);
  leaf(t, F.id.name, id, bitsDisplay(tci, 0x0fff, 16, 'ID', String(id)), off, 2);
  c.setInfo(`PRI: ${pri}  DEI: ${dei}  ID: ${id}`);
  const type = c.v.getUint16(off + 2);
  if (type <= 1500) {
    leaf(t, F.len.name, type, `Length: ${type}`, off + 2, 2);
    dissectLlc(c, off + 4, Math.min(end, off + 4 + type));
    return;
  }
  leaf(t, F.etype.name, hex(type, 4), `Type: ${ethertypeShown(type)}`, off + 2, 2);
  dissectEthertype(c, type, off + 4, end, { tree: t, prefix: 'vlan', fcs: false, frameLen: c.raw.len });
}

/**
 * An 802.1ad S-tag. Wireshark reads a second tag into the same item when the S-tag's type is again
 * 0x88a8 (S-VID and C-VID), else one tag ("ID").
 */
export function dissectIeee8021ad(c: Ctx, off: number, end: number): void {
  const h = c.open('ieee8021ad', '802.1ad', 'IEEE 802.1ad', 2, 2, off, 4);
  c.setProtocol('802.1ad');
  c.need(off, 4, end);
  const t = h.fields;
  const tci = c.v.getUint16(off);
  let type = c.v.getUint16(off + 2);
  const pri = tci >> 13, dei = (tci >> 12) & 1, id = tci & 0xfff;
  leaf(t, F.adPriority.name, pri, bitsDisplay(tci, 0xe000, 16, 'Priority', String(pri)), off, 1);
  leaf(t, F.adDei.name, dei, bitsDisplay(tci, 0x1000, 16, 'DEI', String(dei)), off, 1);
  let pos = off + 4;
  if (type === 0x88a8) {
    c.need(off, 8, end);
    const ctci = c.v.getUint16(off + 4);
    type = c.v.getUint16(off + 6);
    const cid = ctci & 0xfff;
    leaf(t, F.adSvid.name, id, bitsDisplay(tci, 0x0fff, 16, 'ID', String(id)), off, 2);
    leaf(t, F.adPriority.name, ctci >> 13, bitsDisplay(ctci, 0xe000, 16, 'Priority', String(ctci >> 13)), off + 4, 1);
    leaf(t, F.adDei.name, (ctci >> 12) & 1, bitsDisplay(ctci, 0x1000, 16, 'DEI', String((ctci >> 12) & 1)), off + 4, 1);
    leaf(t, F.adCvid.name, cid, bitsDisplay(ctci, 0x0fff, 16, 'ID', String(cid)), off + 4, 2);
    leaf(t, F.ahEtype.name, hex(type, 4), `Type: ${ethertypeShown(type)}`, off + 6, 2);
    h.title = `IEEE 802.1ad, S-VID: ${id}, C-VID: ${cid}`;
    h.length = 8;
    pos = off + 8;
  } else {
    leaf(t, F.adId.name, id, bitsDisplay(tci, 0x0fff, 16, 'ID', String(id)), off, 2);
    leaf(t, F.ahEtype.name, hex(type, 4), `Type: ${ethertypeShown(type)}`, off + 2, 2);
    h.title = `IEEE 802.1ad, ID: ${id}`;
  }
  dissectEthertype(c, type, pos, end, null);
}
