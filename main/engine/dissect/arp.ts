// ARP and RARP, as Wireshark's arp dissector shows them (Info: "Who has 10.0.0.1? Tell 10.0.0.2").
import type { Field } from '../types';
import { generated, leaf } from '../fields/tree';
import { defineField } from '../fields/registry';
import { hex, mac, ipv4, bytesHex } from '../fields/format';
import { MALFORMED, type Ctx } from './context';
import { ETHERTYPES } from './ethertype';

// Protocol items: tshark -T fields prints their labels (fields/occurrences.ts).
defineField('arp', 'Address Resolution Protocol', 'protocol');

const F = {
  hwType: defineField('arp.hw.type', 'Hardware type', 'uint'),
  protoType: defineField('arp.proto.type', 'Protocol type', 'hex', { digits: 4 }),
  hwSize: defineField('arp.hw.size', 'Hardware size', 'uint'),
  protoSize: defineField('arp.proto.size', 'Protocol size', 'uint'),
  opcode: defineField('arp.opcode', 'Opcode', 'uint'),
  isGratuitous: defineField('arp.isgratuitous', 'Is gratuitous', 'bool'),
  isProbe: defineField('arp.isprobe', 'Is probe', 'bool'),
  isAnnouncement: defineField('arp.isannouncement', 'Is announcement', 'bool'),
  srcHwMac: defineField('arp.src.hw_mac', 'Sender MAC address', 'mac'),
  srcHw: defineField('arp.src.hw', 'Sender hardware address', 'bytes'),
  srcIpv4: defineField('arp.src.proto_ipv4', 'Sender IP address', 'ipv4'),
  srcProto: defineField('arp.src.proto', 'Sender protocol address', 'bytes'),
  dstHwMac: defineField('arp.dst.hw_mac', 'Target MAC address', 'mac'),
  dstHw: defineField('arp.dst.hw', 'Target hardware address', 'bytes'),
  dstIpv4: defineField('arp.dst.proto_ipv4', 'Target IP address', 'ipv4'),
  dstProto: defineField('arp.dst.proto', 'Target protocol address', 'bytes'),
};

const OPCODES: Record<number, string> = {
  1: 'request', 2: 'reply', 3: 'reverse request', 4: 'reverse reply', 5: 'DRARP-Request', 6: 'DRARP-Reply',
  7: 'DRARP-Error', 8: 'InARP request', 9: 'InARP reply', 10: 'ARP-NAK', 11: 'MARS request', 12: 'MARS multi',
  13: 'MARS mserv', 14: 'MARS join', 15: 'MARS leave', 16: 'MARS NAK', 17: 'MARS unserv', 18: 'MARS sjoin',
  19: 'MARS sleave', 20: 'MARS grouplist request', 21: 'MARS grouplist reply', 22: 'MARS redirect map',
  23: 'MAPOS UNARP', 24: 'OP_EXP1', 25: 'OP_EXP2',
};
const HW_TYPES: Record<number, string> = {
  1: 'Ethernet', 2: 'Experimental Ethernet', 3: 'AX.25', 4: 'ProNET', 5: 'Chaos', 6: 'IEEE 802', 7: 'ARCNET',
  8: 'Hyperchannel', 9: 'Lanstar', 10: 'Autonet', 11: 'Localtalk', 12: 'LocalNet', 13: 'Ultra link', 14: 'SMDS',
  15: 'Frame Relay', 16: 'ATM', 17: 'HDLC', 18: 'Fibre Channel', 19: 'ATM', 20: 'Serial Line', 21: 'ATM',
  22: 'MIL-STD-188-220', 23: 'Metricom', 24: 'IEEE 1394.1995', 25: 'MAPOS', 26: 'Twinaxial', 27: 'EUI-64',
  28: 'HIPARP', 29: 'IP and ARP over ISO 7816-3', 30: 'ARPSec', 31: 'IPsec tunnel', 32: 'InfiniBand',
  33: 'TIA-102 Project 25 Common Air Interface', 34: 'Wiegand Interface', 35: 'Pure IP', 36: 'HW_EXP1', 256: 'HW_EXP2',
};


function equal(d: Uint8Array, a: number, b: number, n: number): boolean {
  for (let i = 0; i < n; i++) if (d[a + i] !== d[b + i]) return false;
  return true;
}

function zero(d: Uint8Array, a: number, n: number): boolean {
  for (let i = 0; i < n; i++) if (d[a + i] !== 0) return false;
  return true;
}

export function dissectArp(c: Ctx, off: number, end: number, rarp: boolean): void {
  void rarp;
  c.setProtocol('ARP');
  c.setInfo('');
  const h = c.open('arp', 'ARP/RARP', 'Address Resolution Protocol', 3, 3, off, c.avail(off, end));
  const d = c.d, v = c.v, t = h.fields;
  c.need(off, 8, end);
  const hrd = v.getUint16(off), pro = v.getUint16(off + 2), hln = d[off + 4], pln = d[off + 5], op = v.getUint16(off + 6);
  leaf(t, F.hwType.name, hrd, `Hardware type: ${HW_TYPES[hrd] ?? 'Unknown'} (${hrd})`, off, 2);
  leaf(t, F.protoType.name, hex(pro, 4), `Protocol type: ${ETHERTYPES[pro] ?? 'Unknown'} (${hex(pro, 4)})`, off + 2, 2);
  leaf(t, F.hwSize.name, hln, `Hardware size: ${hln}`, off + 4, 1);
  leaf(t, F.protoSize.name, pln, `Protocol size: ${pln}`, off + 5, 1);
  leaf(t, F.opcode.name, op, `Opcode: ${OPCODES[op] ?? 'Unknown'} (${op})`, off + 6, 2);
  const total = 8 + 2 * hln + 2 * pln;
  h.length = total;
  // ARP cuts its data to its own length (the rest is the link layer's padding); a frame shorter than that is malformed.
  if (off + total > end) throw MALFORMED;
  c.actualEnd = off + total;
  end = off + total;
  if (op === 3 || op === 4) c.setProtocol('RARP');
  else if (op >= 5 && op <= 7) c.setProtocol('DRARP');
  else if (op === 8 || op === 9) c.setProtocol('Inverse ARP');
  else if (op >= 11 && op <= 22) c.setProtocol('MARS');
  else if (op === 23) c.setProtocol('MAPOS');
  const sha = off + 8, spa = sha + hln, tha = spa + pln, tpa = tha + hln;
  const isEther = (hrd === 1 || hrd === 6) && hln === 6;
  const isIpv4 = (pro === 0x0800 || pro === 0xcc) && pln === 4;
  const hwStr = (at: number) => { c.need(at, hln, end); return isEther ? mac(d, at) : hln ? bytesColon(d, at, hln) : '<No address>'; };
  const protoStr = (at: number) => { c.need(at, pln, end); return isIpv4 ? ipv4(d, at) : pln ? bytesColon(d, at, pln) : '<No address>'; };
  let gratuitous = false, probe = false, announcement = false;
  if (op === 1 || op === 2) {
    c.need(spa, pln, end);
    c.need(tpa, pln, end);
    if (equal(d, spa, tpa, pln)) {
      gratuitous = true;
      if (op === 1) { c.need(tha, 6, end); announcement = zero(d, tha, 6); }
    } else if (op === 1) {
      c.need(tha, 6, end);
      c.need(spa, 4, end);
      probe = zero(d, tha, 6) && zero(d, spa, 4);
    }
  }
  switch (op) {
    case 1:
      if (gratuitous) c.setInfo(announcement ? `ARP Announcement for ${protoStr(tpa)}` : `Gratuitous ARP for ${protoStr(tpa)} (Request)`);
      else if (probe) c.setInfo(`Who has ${protoStr(tpa)}? (ARP Probe)`);
      else c.setInfo(`Who has ${protoStr(tpa)}? Tell ${protoStr(spa)}`);
      break;
    case 2:
      c.setInfo(gratuitous ? `Gratuitous ARP for ${protoStr(spa)} (Reply)` : `${protoStr(spa)} is at ${hwStr(sha)}`);
      break;
    case 3: case 8: case 5: c.setInfo(`Who is ${hwStr(tha)}? Tell ${hwStr(sha)}`); break;
    case 4: case 6: c.setInfo(`${hwStr(tha)} is at ${protoStr(tpa)}`); break;
    case 7: c.setInfo('DRARP Error'); break;
    case 9: c.setInfo(`${hwStr(sha)} is at ${protoStr(spa)}`); break;
    case 10: c.setInfo('ARP NAK'); break;
    case 0: case 65535: c.setInfo(`Reserved opcode ${op}`); break;
    case 24: c.setInfo(`Experimental 1 ( opcode ${op} )`); break;
    case 25: c.setInfo(`Experimental 2 ( opcode ${op} )`); break;
    default:
      if (op < 11 || op > 23) c.setInfo(`Unknown ARP opcode ${hex(op, 4)}`);
      else c.setInfo(`${OPCODES[op]} from ${hwStr(sha)} at ${protoStr(spa)}`);
  }
  let opStr = OPCODES[op];
  if (opStr !== undefined) {
    if (gratuitous && op === 1) opStr = 'request/gratuitous ARP';
    if (gratuitous && op === 2) opStr = 'reply/gratuitous ARP';
    if (probe) opStr = 'ARP Probe';
    if (announcement) opStr = 'ARP Announcement';
    h.title = `Address Resolution Protocol (${opStr})`;
  } else {
    h.title = `Address Resolution Protocol (opcode ${hex(op, 4)})`;
  }
  if (gratuitous) generated(t, F.isGratuitous.name, 1, 'Is gratuitous: True', off, 0);
  if (probe) generated(t, F.isProbe.name, 1, 'Is probe: True', off, 0);
  if (announcement) generated(t, F.isAnnouncement.name, 1, 'Is announcement: True', off, 0);
  if (hln) addr(c, t, sha, hln, end, isEther, F.srcHwMac.name, F.srcHw.name, 'Sender MAC address', 'Sender hardware address');
  if (pln) addrP(c, t, spa, pln, end, isIpv4, F.srcIpv4.name, F.srcProto.name, 'Sender IP address', 'Sender protocol address');
  if (hln) addr(c, t, tha, hln, end, isEther, F.dstHwMac.name, F.dstHw.name, 'Target MAC address', 'Target hardware address');
  if (pln) addrP(c, t, tpa, pln, end, isIpv4, F.dstIpv4.name, F.dstProto.name, 'Target IP address', 'Target protocol address');
}

function bytesColon(d: Uint8Array, off: number, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += (i ? ':' : '') + (d[off + i] < 16 ? '0' : '') + d[off + i].toString(16);
  return s;
}

function addr(c: Ctx, t: Field[], at: number, n: number, end: number, ether: boolean, macName: string, rawName: string, macLabel: string, rawLabel: string): void {
  c.need(at, n, end);
  if (ether) {
    const a = mac(c.d, at);
    leaf(t, macName, a, `${macLabel}: ${a}`, at, n);
  } else {
    const a = bytesHex(c.d, at, n);
    leaf(t, rawName, a, `${rawLabel}: ${a}`, at, n);
  }
}

function addrP(c: Ctx, t: Field[], at: number, n: number, end: number, ip: boolean, ipName: string, rawName: string, ipLabel: string, rawLabel: string): void {
  c.need(at, n, end);
  if (ip) {
    const a = ipv4(c.d, at);
    leaf(t, ipName, a, `${ipLabel}: ${a}`, at, n);
  } else {
    const a = bytesHex(c.d, at, n);
    leaf(t, rawName, a, `${rawLabel}: ${a}`, at, n);
  }
}
