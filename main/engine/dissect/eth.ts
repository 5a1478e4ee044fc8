// Ethernet II and IEEE 802.3 (with LLC / SNAP), as Wireshark's eth and llc dissectors show them.
import type { Field } from '../types';
import { defineField } from '../fields/registry';
import { bitsDisplay, leaf } from '../fields/tree';
import { mac, hex } from '../fields/format';
import type { Ctx } from './context';
import { dissectEthertype, ethertypeShown } from './ethertype';
import { dissectData } from './payload';

// Protocol items: tshark -T fields prints their labels (fields/occurrences.ts).
defineField('eth', 'Ethernet', 'protocol');
defineField('llc', 'Logical-Link Control', 'protocol');

const F = {
  dst: defineField('eth.dst', 'Destination', 'mac'),
  src: defineField('eth.src', 'Source', 'mac'),
  addr: defineField('eth.addr', 'Address', 'mac'),
  dstLg: defineField('eth.dst.lg', 'LG bit', 'bool'),
  dstIg: defineField('eth.dst.ig', 'IG bit', 'bool'),
  srcLg: defineField('eth.src.lg', 'LG bit', 'bool'),
  srcIg: defineField('eth.src.ig', 'IG bit', 'bool'),
  type: defineField('eth.type', 'Type', 'hex', { digits: 4 }),
  len: defineField('eth.len', 'Length', 'uint'),
  llcDsap: defineField('llc.dsap', 'DSAP', 'hex', { digits: 2 }),
  llcDsapSap: defineField('llc.dsap.sap', 'SAP', 'uint'),
  llcDsapIg: defineField('llc.dsap.ig', 'IG Bit', 'bool'),
  llcSsap: defineField('llc.ssap', 'SSAP', 'hex', { digits: 2 }),
  llcSsapSap: defineField('llc.ssap.sap', 'SAP', 'uint'),
  llcSsapCr: defineField('llc.ssap.cr', 'CR Bit', 'bool'),
  llcControl: defineField('llc.control', 'Control field', 'hex', { digits: 4 }),
  llcOui: defineField('llc.oui', 'Organization Code', 'uint'),
  llcPid: defineField('llc.pid', 'Protocol ID', 'hex', { digits: 4 }),
  llcType: defineField('llc.type', 'Type', 'hex', { digits: 4 }),
};

const SAPS: Record<number, string> = {
  0x00: 'NULL LSAP', 0x02: 'LLC Sub-Layer Management Individual', 0x06: 'ARPANET Internet Protocol (IPv4)',
  0x42: 'Spanning Tree BPDU', 0x7e: 'ISO 8208 (X.25 over 802.2 Type 2)', 0x80: 'XNS', 0xaa: 'SNAP',
  0xe0: 'NetWare', 0xf0: 'NetBIOS', 0xf4: 'IBM Net Management', 0xfe: 'ISO Network Layer (OSLAN 1)', 0xff: 'Global LSAP',
};


/** A MAC address item with its Address / LG / IG children, as Wireshark shows eth.dst and eth.src. */
function macItem(c: Ctx, tree: Field[], off: number, label: string, name: string, lg: string, ig: string): string {
  const a = mac(c.d, off);
  const item = leaf(tree, name, a, `${label}: ${a}`, off, 6);
  leaf(item.children, F.addr.name, a, `Address: ${a}`, off, 6);
  const word = (c.d[off] << 16) | (c.d[off + 1] << 8) | c.d[off + 2];
  const l = (c.d[off] >> 1) & 1, i = c.d[off] & 1;
  leaf(item.children, lg, l, bitsDisplay(word, 0x020000, 24, 'LG bit', l ? 'Locally administered address (this is NOT the factory default)' : 'Globally unique address (factory default)'), off, 3);
  leaf(item.children, ig, i, bitsDisplay(word, 0x010000, 24, 'IG bit', i ? 'Group address (multicast/broadcast)' : 'Individual address (unicast)'), off, 3);
  return a;
}

/** Ethernet (link type 1): the whole frame, reported length `end`. */
export function dissectEth(c: Ctx, end: number): void {
  if (c.avail(0, end) < 14) {
    // A runt frame: Wireshark fills the destination column, then fails to add the header's item,
    // so the tree has no Ethernet subtree (only the exception's).
    c.enter('eth', 'Ethernet', 2, 2);
    c.setProtocol('Ethernet');
    c.need(0, 6, end);
    if (c.colWritable) c.dst = mac(c.d, 0);
    c.need(0, 14, end);
  }
  const h = c.open('eth', 'Ethernet', 'Ethernet II', 2, 2, 0, 14);
  c.setProtocol('Ethernet');
  const t = h.fields;
  if (c.colWritable) c.dst = mac(c.d, 0);
  const dst = macItem(c, t, 0, 'Destination', F.dst.name, F.dstLg.name, F.dstIg.name);
  const src = macItem(c, t, 6, 'Source', F.src.name, F.srcLg.name, F.srcIg.name);
  c.setAddresses(src, dst);
  c.setProtocol('Ethernet');
  const type = c.v.getUint16(12);
  if (type <= 1500) {
    // IEEE 802.3: a length, then LLC.
    h.title = 'IEEE 802.3 Ethernet ';
    leaf(t, F.len.name, type, `Length: ${type}`, 12, 2);
    const pduEnd = Math.min(end, 14 + type);
    dissectLlc(c, 14, pduEnd);
    return;
  }
  h.title = `Ethernet II, Src: ${src}, Dst: ${dst}`;
  leaf(t, F.type.name, hex(type, 4), `Type: ${ethertypeShown(type)}`, 12, 2);
  dissectEthertype(c, type, 14, end, { tree: t, prefix: 'eth', fcs: true, frameLen: end });
}

/** IEEE 802.2 LLC (and SNAP); the payload is shown as data unless SNAP names an Ethernet type. */
export function dissectLlc(c: Ctx, off: number, end: number): void {
  const h = c.open('llc', 'LLC', 'Logical-Link Control', 2, 2, off, 3);
  c.setProtocol('LLC');
  c.need(off, 3, end);
  const t = h.fields;
  const d = c.d;
  const dsap = d[off], ssap = d[off + 1];
  const dn = SAPS[dsap & 0xfe] ?? 'Unknown', sn = SAPS[ssap & 0xfe] ?? 'Unknown';
  const di = leaf(t, F.llcDsap.name, hex(dsap, 2), `DSAP: ${dn} (${hex(dsap, 2)})`, off, 1);
  leaf(di.children, F.llcDsapSap.name, dsap >> 1, bitsDisplay(dsap, 0xfe, 8, 'SAP', dn), off, 1);
  leaf(di.children, F.llcDsapIg.name, dsap & 1, bitsDisplay(dsap, 1, 8, 'IG Bit', dsap & 1 ? 'Group' : 'Individual'), off, 1);
  const si = leaf(t, F.llcSsap.name, hex(ssap, 2), `SSAP: ${sn} (${hex(ssap, 2)})`, off + 1, 1);
  leaf(si.children, F.llcSsapSap.name, ssap >> 1, bitsDisplay(ssap, 0xfe, 8, 'SAP', sn), off + 1, 1);
  leaf(si.children, F.llcSsapCr.name, ssap & 1, bitsDisplay(ssap, 1, 8, 'CR Bit', ssap & 1 ? 'Response' : 'Command'), off + 1, 1);
  const ctl = d[off + 2];
  // U frames have a 1-byte control field; I and S frames (low bits 0, 01) a 2-byte one.
  let ctlLen = 1;
  let ctlValue = ctl;
  if ((ctl & 3) !== 3) {
    c.need(off + 2, 2, end);
    ctlLen = 2;
    ctlValue = c.v.getUint16(off + 2, true);
  }
  leaf(t, F.llcControl.name, hex(ctlValue, 4), `Control field: ${hex(ctlValue, ctlLen * 2)}`, off + 2, ctlLen);
  let pos = off + 2 + ctlLen;
  h.title = 'Logical-Link Control';
  if (dsap === 0xaa && ssap === 0xaa && ctl === 3) {
    c.need(pos, 5, end);
    const oui = (d[pos] << 16) | (d[pos + 1] << 8) | d[pos + 2];
    const pid = c.v.getUint16(pos + 3);
    leaf(t, F.llcOui.name, oui, `Organization Code: ${hex(oui, 6).slice(2).replace(/(..)(?=.)/g, '$1:')}`, pos, 3);
    if (oui === 0) {
      leaf(t, F.llcType.name, hex(pid, 4), `Type: ${ethertypeShown(pid)}`, pos + 3, 2);
      h.length = pos + 5 - off;
      dissectEthertype(c, pid, pos + 5, end, null);
      return;
    }
    leaf(t, F.llcPid.name, hex(pid, 4), `Protocol ID: ${hex(pid, 4)}`, pos + 3, 2);
    pos += 5;
  }
  h.length = pos - off;
  c.setInfo(`${ctlLen === 1 ? 'U' : 'I/S'}, DSAP ${hex(dsap, 2)}, SSAP ${hex(ssap, 2)}`);
  if (pos < end) dissectData(c, pos, end);
}
