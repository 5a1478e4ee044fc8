// Wireshark's "ethertype" dissector: hands a payload to the protocol its Ethernet type names, catches a
// bounds exception in it (so the link layer still shows its trailer), and reports the trailer.
import type { Field } from '../types';
import type { Ctx } from './context';
import { BoundsSignal, SHORT } from './context';
import { showException } from './exception';
import { dissectIpv4 } from './ipv4';
import { dissectIpv6 } from './ipv6';
import { dissectArp } from './arp';
import { dissectVlan, dissectIeee8021ad } from './vlan';
import { bytesShown, dissectData } from './payload';
import { expert, defineExpert } from './expert';
import { defineField } from '../fields/registry';
import { atMark, generated, leaf, sinkMark } from '../fields/tree';
import { bytesHex as hexOf } from '../fields/format';

/** Ethernet type names, as Wireshark's etype_vals shows them. */
export const ETHERTYPES: Readonly<Record<number, string>> = {
  0x0800: 'IPv4', 0x0806: 'ARP', 0x0842: 'Wake on LAN', 0x22f0: 'IEEE 1722 Audio Video Bridging Transport Protocol',
  0x22f3: 'TRILL', 0x6558: 'Transparent Ethernet bridging', 0x8035: 'RARP', 0x809b: 'AppleTalk LLAP bridging',
  0x80f3: 'AARP', 0x8100: '802.1Q Virtual LAN', 0x8137: 'Netware IPX/SPX', 0x8204: 'QNX 6 QNET protocol',
  0x86dd: 'IPv6', 0x8808: 'MAC Control', 0x8809: 'Slow Protocols', 0x8819: 'CobraNet',
  0x8847: 'MPLS label switched packet', 0x8848: 'MPLS multicast label switched packet', 0x8863: 'PPPoE Discovery',
  0x8864: 'PPPoE Session', 0x886d: 'Intel ANS probe', 0x887b: 'HomePlug', 0x888e: '802.1X Authentication',
  0x8892: 'PROFINET', 0x889a: 'SCSI over Ethernet (HyperSCSI)', 0x88a2: 'ATA over Ethernet',
  0x88a4: 'EtherCAT frame', 0x88a8: '802.1ad Provider Bridge (Q-in-Q)', 0x88ab: 'Ethernet Powerlink v2',
  0x88b5: 'Local Experimental Ethertype 1', 0x88b6: 'Local Experimental Ethertype 2', 0x88b8: 'IEC 61850/GOOSE',
  0x88cc: '802.1 Link Layer Discovery Protocol (LLDP)', 0x88cd: 'SERCOS III', 0x88e1: 'HomePlug AV',
  0x88e3: 'Media Redundancy Protocol (IEC62439-2)', 0x88e5: '802.1AE (MACsec)', 0x88e7: '802.1ah Provider Backbone Bridge (mac-in-mac)',
  0x88f7: 'PTPv2 over Ethernet (IEEE1588)', 0x88fb: 'Parallel Redundancy Protocol (PRP) and HSR Supervision (IEC62439 Part 3)',
  0x8902: '802.1ag Connectivity Fault Management (CFM) Protocol', 0x8906: 'Fibre Channel over Ethernet',
  0x8914: 'FCoE Initialization Protocol', 0x8915: 'RDMA over Converged Ethernet', 0x892f: 'High-availability Seamless Redundancy (IEC62439 Part 3)',
  0x9000: 'Configuration Test Protocol (loopback)', 0x9100: 'VLAN-tagged frame (Q-in-Q)', 0x88ee: 'Ethernet Local Management Interface (MEF-16)',
};

/** "IPv4 (0x0800)" / "Unknown (0x1234)", as a type field displays. */
export function ethertypeShown(type: number): string {
  let h = type.toString(16);
  while (h.length < 4) h = '0' + h;
  return `${ETHERTYPES[type] ?? 'Unknown'} (0x${h})`;
}

export interface TrailerSpec {
  /** Tree the trailer items go to (the link layer's fields). */
  tree: Field[];
  /** Filter-name prefix of the trailer fields: "eth", "vlan", "sll". */
  prefix: string;
  /** Whether an FCS may be guessed at the end (Ethernet with an unknown FCS length). */
  fcs: boolean;
  /** Reported length of the whole frame (for the 60 / 64 byte rules). */
  frameLen: number;
}

/**
 * Dissects the payload of type `type` in [off, end) (end = reported end of the link layer's data),
 * then shows the bytes after the payload's own length as padding / trailer / FCS.
 */
export function dissectEthertype(c: Ctx, type: number, off: number, end: number, trailer: TrailerSpec | null): void {
  c.protos.push('ethertype');
  const saved = c.current;
  c.actualEnd = -1;
  // The trailer's items belong before the payload's in tree order (values collected without a tree too).
  const mark = trailer ? sinkMark() : null;
  try {
    dispatch(c, type, off, end);
  } catch (e) {
    if (!(e instanceof BoundsSignal)) throw e;
    c.colWritable = true;
    c.quoteInto = null;
    showException(c, e);
  }
  c.current = saved;
  const actual = c.actualEnd;
  c.actualEnd = -1;
  if (trailer && actual >= 0 && actual < end) atMark(mark, () => addTrailer(c, trailer, actual, end));
}

function dispatch(c: Ctx, type: number, off: number, end: number): void {
  switch (type) {
    case 0x0800: dissectIpv4(c, off, end); return;
    // An IPv6 dissector that rejects the packet (not version 6) leaves it to the default below.
    case 0x86dd: if (dissectIpv6(c, off, end)) return; break;
    case 0x0806: case 0x8035: dissectArp(c, off, end, type === 0x8035); return;
    case 0x8100: case 0x9100: dissectVlan(c, off, end); return;
    case 0x88a8: dissectIeee8021ad(c, off, end); return;
  }
  // No dissector for the type: Wireshark shows the type in the Protocol column and its name as Info.
  let h = type.toString(16);
  while (h.length < 4) h = '0' + h;
  c.setProtocol('0x' + h);
  c.setInfo(ETHERTYPES[type] ?? '');
  dissectData(c, off, end);
  c.actualEnd = end;
}

/** Wireshark's add_ethernet_trailer: zero padding up to 60 bytes, an FCS guessed on frames ≥ 64 bytes, the rest a trailer. */
function addTrailer(c: Ctx, t: TrailerSpec, start: number, end: number): void {
  const d = c.d;
  const capEnd = c.capturedEnd(end);
  if (start >= capEnd) return;
  let pos = start;
  let rest = end - start;
  let badPadding = false;
  if (t.frameLen >= 60 && start < 60) {
    const padLen = Math.min(rest, 60 - start);
    let zero = true;
    for (let i = start; i < start + padLen && i < capEnd; i++) if (d[i] !== 0) { zero = false; break; }
    // Wireshark reads the padding byte by byte for zeros: zeros up to where the capture was cut end in a
    // bounds error of the Ethertype dissector (no padding item), as tshark shows a frame cut by the snap length.
    if (zero && start + padLen > capEnd) {
      c.current = 'Ethertype';
      throw SHORT;
    }
    if (zero) {
      const n = Math.min(padLen, capEnd - pos);
      // Wireshark's add_ethernet_trailer names padding eth.padding whoever calls it (VLAN, SLL); trailers are the caller's.
      leaf(t.tree, 'eth.padding', hexOf(d, pos, n), `Padding: ${bytesShown(d, pos, n)}`, pos, n);
      pos += padLen;
      rest -= padLen;
    } else {
      badPadding = true;
    }
  }
  const fcs = t.fcs && t.frameLen >= 64 && rest >= 4 ? 4 : 0;
  const trailerLen = rest - fcs;
  if (trailerLen > 0 && pos < capEnd) {
    const n = Math.min(trailerLen, capEnd - pos);
    const item = leaf(t.tree, `${t.prefix}.trailer`, hexOf(d, pos, n), `Trailer: ${bytesShown(d, pos, n)}`, pos, n);
    if (badPadding) {
      expertPadding(c, item.children, pos);
    }
  }
  pos += trailerLen;
  if (fcs && pos + 4 <= capEnd) {
    const v = c.v.getUint32(pos);
    let h = v.toString(16);
    while (h.length < 8) h = '0' + h;
    leaf(t.tree, `${t.prefix}.fcs`, '0x' + h, `Frame check sequence: 0x${h} [unverified]`, pos, 4);
    generated(t.tree, `${t.prefix}.fcs.status`, 2, 'FCS Status: Unverified', pos, 0);
  }
}

function expertPadding(c: Ctx, under: Field[], pos: number): void {
  expert(c, under, pos, 'note', 'protocol', "Didn't find padding of zeros, and an undecoded trailer exists. There may be padding of non-zeros.", 'eth.padding_bad');
}

defineField('eth.padding', 'Padding', 'bytes');
for (const p of ['eth', 'vlan', 'sll']) defineField(`${p}.trailer`, 'Trailer', 'bytes');
defineField('eth.fcs', 'Frame check sequence', 'hex', { digits: 8 });
defineField('eth.fcs.status', 'FCS Status', 'uint');
defineExpert('eth.padding_bad', 'Padding was not zero');
