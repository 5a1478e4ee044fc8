// ICMPv6 (RFC 4443, RFC 4861) as Wireshark shows it: type, code, checksum verified over the IPv6
// pseudo-header, echo with request/reply matching, neighbour discovery targets, and the packet an
// error quotes.
import { generated, leaf } from '../fields/tree';
import { defineField } from '../fields/registry';
import { bytesHex, hex, ipv6 } from '../fields/format';
import type { Ctx } from './context';
import { checksumItems, dissectQuoted, echoReply, echoRequest, onesSum } from './icmp-common';
import { defineExpert } from './expert';
import { dissectIpv6 } from './ipv6';
import { dissectData } from './payload';

const F = {
  type: defineField('icmpv6.type', 'Type', 'uint'),
  code: defineField('icmpv6.code', 'Code', 'uint'),
  reserved: defineField('icmpv6.reserved', 'Reserved', 'bytes'),
  mtu: defineField('icmpv6.mtu', 'MTU', 'uint'),
  pointer: defineField('icmpv6.pointer', 'Pointer', 'uint'),
  echoId: defineField('icmpv6.echo.identifier', 'Identifier', 'hex', { digits: 4 }),
  echoSeq: defineField('icmpv6.echo.sequence_number', 'Sequence', 'uint'),
  respTo: defineField('icmpv6.resp_to', 'Response To', 'uint'),
  respTime: defineField('icmpv6.resptime', 'Response Time', 'double'),
  ndTarget: defineField('icmpv6.nd.ns.target_address', 'Target Address', 'ipv6'),
  naTarget: defineField('icmpv6.nd.na.target_address', 'Target Address', 'ipv6'),
};
defineField('icmpv6', 'Internet Control Message Protocol v6', 'protocol');
defineField('icmpv6.checksum', 'Checksum', 'hex', { digits: 4 });
defineField('icmpv6.checksum.status', 'Checksum Status', 'uint');
defineExpert('icmpv6.checksum_bad.expert', 'Bad checksum');

const TYPES: Record<number, string> = {
  1: 'Destination Unreachable', 2: 'Packet Too Big', 3: 'Time Exceeded', 4: 'Parameter Problem',
  128: 'Echo (ping) request', 129: 'Echo (ping) reply', 130: 'Multicast Listener Query', 131: 'Multicast Listener Report',
  132: 'Multicast Listener Done', 133: 'Router Solicitation', 134: 'Router Advertisement', 135: 'Neighbor Solicitation',
  136: 'Neighbor Advertisement', 137: 'Redirect', 143: 'Multicast Listener Report Message v2',
};
const CODES: Record<number, Record<number, string>> = {
  1: {
    0: 'no route to destination', 1: 'Administratively prohibited', 2: 'Beyond scope of source address',
    3: 'Address unreachable', 4: 'Port unreachable', 5: 'Source address failed ingress/egress policy',
    6: 'Reject route to destination', 7: 'Error in Source Routing Header',
  },
  3: { 0: 'hop limit exceeded in transit', 1: 'fragment reassembly time exceeded' },
  4: { 0: 'erroneous header field encountered', 1: 'unrecognized Next Header type encountered', 2: 'unrecognized IPv6 option encountered' },
};


/** Sum of the IPv6 pseudo-header (addresses, upper-layer length, next header 58). */
function pseudoSum(c: Ctx, length: number): number {
  if (c.netVersion !== 6) return 0;
  let s = onesSum(c.d, c.netSrcOff, c.netSrcOff + 16);
  s = onesSum(c.d, c.netDstOff, c.netDstOff + 16, s);
  s += Math.floor(length / 0x10000) + (length & 0xffff) + 58;
  while (s > 0xffff) s = (s & 0xffff) + Math.floor(s / 0x10000);
  return s;
}

export function dissectIcmpv6(c: Ctx, off: number, end: number): void {
  const n = c.avail(off, end);
  const h = c.open('icmpv6', 'ICMPv6', 'Internet Control Message Protocol v6', 3, 3, off, n);
  c.setProtocol('ICMPv6');
  const d = c.d, v = c.v, t = h.fields;
  c.need(off, 4, end);
  const type = d[off], code = d[off + 1];
  const typeName = TYPES[type] ?? 'Unknown';
  const codeName = CODES[type]?.[code];
  leaf(t, F.type.name, type, `Type: ${typeName} (${type})`, off, 1);
  leaf(t, F.code.name, code, codeName ? `Code: ${code} (${codeName})` : `Code: ${code}`, off + 1, 1);
  checksumItems(c, t, 'icmpv6', off, end, c.colWritable ? pseudoSum(c, end - off) : 0);
  let info = typeName + (codeName ? ` (${codeName})` : '');
  // Wireshark names the message before reading the rest: a message cut short keeps its name in Info.
  c.setInfo(info);
  if (type === 128 || type === 129) {
    // Item by item: a message cut by the snap length shows the identifier when it was captured.
    c.need(off + 4, 2, end);
    const id = v.getUint16(off + 4);
    leaf(t, F.echoId.name, hex(id, 4), `Identifier: ${hex(id, 4)}`, off + 4, 2);
    c.need(off + 6, 2, end);
    const seq = v.getUint16(off + 6);
    leaf(t, F.echoSeq.name, seq, `Sequence: ${seq}`, off + 6, 2);
    info += ` id=${hex(id, 4)}, seq=${seq}, hop limit=${c.ttl}`;
    if (type === 128) echoRequest(c, 'icmpv6', id, seq);
    else {
      const r = echoReply(c, 'icmpv6', id, seq);
      if (r) {
        generated(t, F.respTo.name, r.frame, `Response To: ${r.frame}`, off, 0);
        generated(t, F.respTime.name, r.value, `Response Time: ${r.ms} ms`, off, 0);
        info += ` (request in ${r.frame})`;
      }
    }
    c.setInfo(info);
    if (off + 8 < end) dissectData(c, off + 8, end, t);
    return;
  }
  if (type === 135 || type === 136) {
    c.need(off + 4, 20, end);
    const target = ipv6(d, off + 8);
    leaf(t, F.reserved.name, bytesHex(d, off + 4, 4), `Reserved: ${bytesHex(d, off + 4, 4)}`, off + 4, 4);
    leaf(t, type === 135 ? F.ndTarget.name : F.naTarget.name, target, `Target Address: ${target}`, off + 8, 16);
    info += type === 135 ? ` for ${target}` : ` ${target}`;
    c.setInfo(info);
    return;
  }
  c.setInfo(info);
  if (type >= 1 && type <= 4) {
    c.need(off + 4, 4, end);
    if (type === 2) leaf(t, F.mtu.name, v.getUint32(off + 4), `MTU: ${v.getUint32(off + 4)}`, off + 4, 4);
    else if (type === 4) leaf(t, F.pointer.name, v.getUint32(off + 4), `Pointer: ${v.getUint32(off + 4)}`, off + 4, 4);
    else leaf(t, F.reserved.name, bytesHex(d, off + 4, 4), `Reserved: ${bytesHex(d, off + 4, 4)}`, off + 4, 4);
    // An error quoting nothing is malformed in ICMPv6 itself, as in Wireshark (a short quote is not).
    c.need(off + 8, 1, end);
    dissectQuoted(c, t, 'IPv6', () => dissectIpv6(c, off + 8, end));
    return;
  }
  if (off + 4 < end) dissectData(c, off + 4, end);
}
