// Link layers by pcap link type: Ethernet, Linux cooked capture v1/v2, BSD loopback (NULL, LOOP),
// raw IP. Everything else is shown as data, as tshark does for an encapsulation it can't dissect.
import type { Field } from '../types';
import { leaf } from '../fields/tree';
import { defineField } from '../fields/registry';
import { hex, mac, ipv4, bytesHex } from '../fields/format';
import type { Ctx } from './context';
import { dissectEth, dissectLlc } from './eth';
import { dissectEthertype, ethertypeShown } from './ethertype';
import { dissectIpv4 } from './ipv4';
import { dissectIpv6 } from './ipv6';
import { dissectData } from './payload';

// Protocol items: tshark -T fields prints their labels (fields/occurrences.ts).
defineField('sll', 'Linux cooked-mode capture', 'protocol');
defineField('null', 'Null/Loopback', 'protocol');
defineField('raw', 'Raw packet data', 'protocol');

const F = {
  pkttype: defineField('sll.pkttype', 'Packet type', 'uint'),
  hatype: defineField('sll.hatype', 'Link-layer address type', 'uint'),
  halen: defineField('sll.halen', 'Link-layer address length', 'uint'),
  srcEth: defineField('sll.src.eth', 'Source', 'mac'),
  srcIpv4: defineField('sll.src.ipv4', 'Source', 'ipv4'),
  srcOther: defineField('sll.src.other', 'Source', 'bytes'),
  unused: defineField('sll.unused', 'Unused', 'bytes'),
  etype: defineField('sll.etype', 'Protocol', 'hex', { digits: 4 }),
  ltype: defineField('sll.ltype', 'Protocol', 'hex', { digits: 4 }),
  gretype: defineField('sll.gretype', 'Protocol', 'hex', { digits: 4 }),
  ifindex: defineField('sll.ifindex', 'Interface index', 'uint'),
  family: defineField('null.family', 'Family', 'uint'),
  nullType: defineField('null.type', 'Type', 'hex', { digits: 4 }),
};

const PKTTYPES = ['Unicast to us', 'Broadcast', 'Multicast', 'Unicast to another host', 'Sent by us'];
/** Link-layer address types (Linux ARPHRD_*), named as Wireshark 4.0's ARP hardware types. */
const HATYPES: Record<number, string> = {
  0: 'NET/ROM pseudo', 1: 'Ethernet', 2: 'Experimental Ethernet', 3: 'AX.25', 4: 'ProNET', 5: 'Chaos', 6: 'IEEE 802',
  7: 'ARCNET', 8: 'Hyperchannel', 9: 'Lanstar', 10: 'Autonet Short Address', 11: 'Localtalk', 12: 'LocalNet',
  13: 'Ultra link', 14: 'SMDS', 15: 'Frame Relay DLCI', 16: 'ATM', 17: 'HDLC', 18: 'Fibre Channel',
  19: 'ATM (RFC 2225)', 20: 'Serial Line', 21: 'ATM', 22: 'MIL-STD-188-220', 23: 'Metricom STRIP',
  24: 'IEEE 1394.1995', 25: 'MAPOS', 26: 'Twinaxial', 27: 'EUI-64', 28: 'HIPARP', 29: 'IP and ARP over ISO 7816-3',
  30: 'ARPSec', 31: 'IPsec tunnel', 32: 'InfiniBand', 33: 'TIA-102 Project 25 CAI', 34: 'Wiegand Interface',
  35: 'Pure IP', 36: 'Experimental 1', 37: 'HFI', 256: 'Experimental 2', 257: 'AEthernet', 260: 'Notional KISS type',
  264: 'ADAPT', 270: 'ROSE', 271: 'CCITT X.25', 272: 'Boards with X.25 in firmware', 280: 'Controller Area Network',
  512: 'PPP', 513: 'Cisco HDLC', 516: 'LAPB', 517: "Digital's DDCMP protocol", 518: 'Raw HDLC', 519: 'Raw IP',
  768: 'IPIP tunnel', 769: 'IP6IP6 tunnel', 770: 'Frame Relay Access Device', 771: 'SKIP vif', 772: 'Loopback',
  774: 'Fiber Distributed Data Interface', 775: 'AP1000 BIF', 776: 'sit0 device - IPv6-in-IPv4',
  777: 'IP over DDP tunneller', 778: 'GRE over IP', 779: 'PIMSM register interface',
  780: 'High Performance Parallel Interface', 781: 'Nexus 64Mbps Ash', 782: 'Acorn Econet', 783: 'Linux-IrDA',
  784: 'Point to point fibrechannel', 785: 'Fibrechannel arbitrated loop', 786: 'Fibrechannel public loop',
  787: 'Fibrechannel fabric', 800: 'Magic type ident for TR', 801: 'IEEE 802.11', 802: 'IEEE 802.11 + Prism2 header',
  803: 'IEEE 802.11 + radiotap header', 804: 'IEEE 802.15.4', 805: 'IEEE 802.15.4 network monitor',
  820: 'PhoNet media type', 821: 'PhoNet pipe header', 822: 'CAIF media type', 823: 'GRE over IPv6', 824: 'Netlink',
  825: 'IPv6 over LoWPAN', 826: 'Vsock monitor header', 65534: 'zero header length',
  65535: 'Void type, nothing is known',
};
const LTYPES: Record<number, string> = {
  1: 'Raw 802.3', 2: 'AX.25', 3: 'Ethernet', 4: '802.2 LLC', 0xc: 'CAN', 0xd: 'CAN FD', 0x10: 'PPPTALK', 0x19: 'HDLC',
  0xf5: 'PHONET', 0xf6: 'IEEE 802.15.4', 0xf7: 'CAIF', 0xf8: 'XDSA', 0xf9: 'Qualcomm MAP',
};
const FAMILIES: Record<number, string> = { 2: 'IP', 7: 'OSI', 16: 'Appletalk', 23: 'Netware IPX/SPX', 24: 'IPv6', 28: 'IPv6', 30: 'IPv6' };


/** Dissects the frame from its link layer up. */
export function dissectLink(c: Ctx): void {
  // A frame length below the captured length is an error; the captured bytes still count (as tshark).
  const end = c.raw.len > c.cap ? c.raw.len : c.cap;
  // A pcapng custom block's bytes: data, under the columns the frame layer set (PCAPNG, its PEN).
  if (c.raw.custom) {
    dissectData(c, 0, end);
    return;
  }
  switch (c.raw.linktype) {
    case 1: dissectEth(c, end); return;
    case 113: dissectSll(c, end); return;
    case 276: dissectSll2(c, end); return;
    case 0: case 108: dissectNull(c, end, c.raw.linktype === 108); return;
    case 101: case 12: case 14: dissectRaw(c, end); return;
    case 228: dissectIpv4(c, 0, end); return;
    case 229: dissectIpv6(c, 0, end); return;
    default:
      c.setProtocol('WTAP_ENCAP = ' + c.raw.linktype);
      dissectData(c, 0, end);
  }
}

function sllAddress(c: Ctx, t: Field[], halen: number, off: number): void {
  const d = c.d;
  let used = 0;
  // Wireshark goes by the length alone: 6 bytes are a MAC address and 4 an IPv4 address, whatever the type.
  if (halen === 6) {
    const a = mac(d, off);
    leaf(t, F.srcEth.name, a, `Source: ${a}`, off, 6);
    c.setAddresses(a, '');
    used = 6;
  } else if (halen === 4) {
    const a = ipv4(d, off);
    leaf(t, F.srcIpv4.name, a, `Source: ${a}`, off, 4);
    c.setAddresses(a, '');
    used = 4;
  } else if (halen > 0) {
    used = halen > 8 ? 8 : halen;
    const h = bytesHex(d, off, used);
    leaf(t, F.srcOther.name, h, `Source: ${h}`, off, used);
  }
  if (used < 8) {
    const h = bytesHex(d, off + used, 8 - used);
    leaf(t, F.unused.name, h, `Unused: ${h}`, off + used, 8 - used);
  }
}

/** The cooked header's protocol item: a GRE type, a Linux-internal protocol number (≤ 1536), or an Ethernet type. */
function sllProtoItem(t: Field[], hatype: number, proto: number, off: number): void {
  if (hatype === 778) leaf(t, F.gretype.name, hex(proto, 4), `Protocol: ${proto === 0x0800 ? 'IP' : 'Unknown'} (${hex(proto, 4)})`, off, 2);
  else if (proto <= 1536) leaf(t, F.ltype.name, hex(proto, 4), `Protocol: ${LTYPES[proto] ?? 'Unknown'} (${hex(proto, 4)})`, off, 2);
  else leaf(t, F.etype.name, hex(proto, 4), `Protocol: ${ethertypeShown(proto)}`, off, 2);
}

/** The payload after a cooked header, by the protocol item's kind. */
function sllPayload(c: Ctx, t: Field[], hatype: number, proto: number, off: number, end: number): void {
  if (hatype === 778) {
    // GRE tunnels: IP goes straight to IP (no "ethertype" step).
    if (proto === 0x0800) dissectIpv4(c, off, end);
    else dissectData(c, off, end);
  } else if (proto <= 1536) {
    if (proto === 4) dissectLlc(c, off, end);
    else dissectData(c, off, end);
  } else {
    dissectEthertype(c, proto, off, end, { tree: t, prefix: 'sll', fcs: false, frameLen: end });
  }
}

function pkttypeItem(c: Ctx, t: Field[], pkttype: number, off: number, size: number): void {
  leaf(t, F.pkttype.name, pkttype, `Packet type: ${PKTTYPES[pkttype] ?? 'Unknown'} (${pkttype})`, off, size);
  c.setProtocol('SLL');
  c.setInfo(PKTTYPES[pkttype] ?? `Unknown (${pkttype})`);
}

/** Linux cooked capture v1 (link type 113), 16 bytes. */
function dissectSll(c: Ctx, end: number): void {
  const h = c.open('sll', 'SLL', 'Linux cooked capture v1', 2, 2, 0, 16);
  c.need(0, 16, end);
  const v = c.v, t = h.fields;
  const pkttype = v.getUint16(0), hatype = v.getUint16(2), halen = v.getUint16(4), proto = v.getUint16(14);
  pkttypeItem(c, t, pkttype, 0, 2);
  leaf(t, F.hatype.name, hatype, `Link-layer address type: ${HATYPES[hatype] ?? 'Unknown'} (${hatype})`, 2, 2);
  leaf(t, F.halen.name, halen, `Link-layer address length: ${halen}`, 4, 2);
  sllAddress(c, t, halen, 6);
  sllProtoItem(t, hatype, proto, 14);
  sllPayload(c, t, hatype, proto, 16, end);
}

/** Linux cooked capture v2 (link type 276), 20 bytes; the protocol comes first. */
function dissectSll2(c: Ctx, end: number): void {
  const h = c.open('sll', 'SLL', 'Linux cooked capture v2', 2, 2, 0, 20);
  c.need(0, 20, end);
  const v = c.v, t = h.fields;
  const proto = v.getUint16(0), ifindex = v.getUint32(4), hatype = v.getUint16(8), pkttype = c.d[10], halen = c.d[11];
  sllProtoItem(t, hatype, proto, 0);
  leaf(t, F.ifindex.name, ifindex, `Interface index: ${ifindex}`, 4, 4);
  leaf(t, F.hatype.name, hatype, `Link-layer address type: ${HATYPES[hatype] ?? 'Unknown'} (${hatype})`, 8, 2);
  pkttypeItem(c, t, pkttype, 10, 1);
  leaf(t, F.halen.name, halen, `Link-layer address length: ${halen}`, 11, 1);
  sllAddress(c, t, halen, 12);
  sllPayload(c, t, hatype, proto, 20, end);
}

/**
 * BSD loopback: a 4-byte address family in the capturing host's byte order (NULL), or in network
 * order (LOOP). Wireshark reads NULL's as little-endian and swaps it when the upper half is set.
 */
function dissectNull(c: Ctx, end: number, loop: boolean): void {
  const h = c.open('null', 'NULL', 'Null/Loopback', 2, 2, 0, 4);
  c.setProtocol('N/A');
  c.setAddresses('N/A', 'N/A');
  c.setInfo('Null/Loopback');
  if (!loop && c.cap >= 2 && c.d[0] === 0xff && c.d[1] === 0x03) {
    // PPP in HDLC framing (tshark hands it to PPP, which we don't dissect).
    dissectData(c, 0, end);
    return;
  }
  c.need(0, 4, end);
  let fam = loop ? c.v.getUint32(0) : c.v.getUint32(0, true);
  if (!loop) {
    if ((fam & 0xffff0000) !== 0) {
      if ((fam & 0xff000000) === 0 && (fam & 0x00ff0000) < 0x00060000) fam >>>= 16;
      else fam = c.v.getUint32(0, false);
    } else if ((fam & 0xff) === 0 && (fam & 0xff00) < 0x600) {
      fam = ((fam & 0xff00) >> 8) | ((fam & 0xff) << 8);
    }
  }
  fam >>>= 0;
  const t = h.fields;
  if (!loop && fam > 1500) {
    leaf(t, F.nullType.name, hex(fam & 0xffff, 4), `Type: ${ethertypeShown(fam & 0xffff)}`, 0, 4);
    const type = fam & 0xffff;
    if (type === 0x0800) dissectIpv4(c, 4, end);
    else if (type === 0x86dd) dissectIpv6(c, 4, end);
    else dissectData(c, 4, end);
    return;
  }
  leaf(t, F.family.name, fam, `Family: ${FAMILIES[fam] ?? 'Unknown'} (${fam})`, 0, 4);
  if (fam === 2) dissectIpv4(c, 4, end);
  else if (fam === 24 || fam === 28 || fam === 30) dissectIpv6(c, 4, end);
  else dissectData(c, 4, end);
}

/** Raw IP (link types 101, 12, 14): a "raw" item, then IPv4 or IPv6 by the version nibble. */
function dissectRaw(c: Ctx, end: number): void {
  c.open('raw', 'Raw', 'Raw packet data', 2, 2, 0, c.cap);
  c.setProtocol('N/A');
  c.setAddresses('N/A', 'N/A');
  c.setInfo('Raw packet data');
  c.need(0, 1, end);
  const version = c.d[0] >> 4;
  if (version === 4) dissectIpv4(c, 0, end);
  else if (version === 6) dissectIpv6(c, 0, end);
  else dissectData(c, 0, end);
}
