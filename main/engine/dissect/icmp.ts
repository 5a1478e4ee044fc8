// ICMP (RFC 792) as Wireshark shows it: type, code, verified checksum, echo identifiers (both byte
// orders) with request/reply matching, and the IP header + transport header an error quotes.
import { generated, leaf } from '../fields/tree';
import { defineField } from '../fields/registry';
import { bytesHex, hex, ipv4 } from '../fields/format';
import type { Field } from '../types';
import type { Ctx } from './context';
import { checksumItems, dissectQuoted, echoReply, echoRequest } from './icmp-common';
import { defineExpert } from './expert';
import { dissectIpv4 } from './ipv4';
import { dissectData } from './payload';
import { dissectIcmpExtension } from './icmp-ext';

const F = {
  type: defineField('icmp.type', 'Type', 'uint'),
  code: defineField('icmp.code', 'Code', 'uint'),
  ident: defineField('icmp.ident', 'Identifier (BE)', 'uint'),
  identLe: defineField('icmp.ident_le', 'Identifier (LE)', 'uint'),
  seq: defineField('icmp.seq', 'Sequence Number (BE)', 'uint'),
  seqLe: defineField('icmp.seq_le', 'Sequence Number (LE)', 'uint'),
  respTo: defineField('icmp.resp_to', 'Request frame', 'uint'),
  respTime: defineField('icmp.resptime', 'Response time', 'double'),
  unused: defineField('icmp.unused', 'Unused', 'bytes'),
  mtu: defineField('icmp.mtu', 'MTU of next hop', 'uint'),
  gw: defineField('icmp.redir_gw', 'Gateway Address', 'ipv4'),
  pointer: defineField('icmp.pointer', 'Pointer', 'uint'),
  length: defineField('icmp.length', 'Length', 'uint'),
  origLen: defineField('icmp.length.original_datagram', 'Length of original datagram', 'uint'),
};
defineField('icmp', 'Internet Control Message Protocol', 'protocol');
defineField('icmp.checksum', 'Checksum', 'hex', { digits: 4 });
defineField('icmp.checksum.status', 'Checksum Status', 'uint');
defineExpert('icmp.checksum_bad', 'Bad checksum');

const TYPES: Record<number, string> = {
  0: 'Echo (ping) reply', 3: 'Destination unreachable', 4: 'Source quench (flow control)', 5: 'Redirect',
  8: 'Echo (ping) request', 9: 'Router advertisement', 10: 'Router solicitation', 11: 'Time-to-live exceeded',
  12: 'Parameter problem', 13: 'Timestamp request', 14: 'Timestamp reply', 15: 'Information request',
  16: 'Information reply', 17: 'Address mask request', 18: 'Address mask reply',
};
const CODES: Record<number, Record<number, string>> = {
  3: {
    0: 'Network unreachable', 1: 'Host unreachable', 2: 'Protocol unreachable', 3: 'Port unreachable',
    4: 'Fragmentation needed', 5: 'Source route failed', 6: 'Destination network unknown', 7: 'Destination host unknown',
    8: 'Source host isolated', 9: 'Network administratively prohibited', 10: 'Host administratively prohibited',
    11: 'Network unreachable for TOS', 12: 'Host unreachable for TOS', 13: 'Communication administratively filtered',
    14: 'Host precedence violation', 15: 'Precedence cutoff in effect',
  },
  5: { 0: 'Redirect for network', 1: 'Redirect for host', 2: 'Redirect for TOS and network', 3: 'Redirect for TOS and host' },
  11: { 0: 'Time to live exceeded in transit', 1: 'Fragment reassembly time exceeded' },
  12: { 0: 'Pointer indicates the error', 1: 'Required option missing', 2: 'Bad length' },
};
const ERRORS = new Set([3, 4, 5, 11, 12]);


function swap16(n: number): number {
  return ((n & 0xff) << 8) | (n >> 8);
}

function unused(c: Ctx, t: Field[], at: number, n: number): void {
  const b = bytesHex(c.d, at, n);
  leaf(t, F.unused.name, b, `Unused: ${b}`, at, n);
}

/** The RFC 4884 length (32-bit words) and what it means in bytes. */
function lengthItems(t: Field[], origLen: number, off: number): void {
  leaf(t, F.length.name, origLen, `Length: ${origLen}`, off + 5, 1);
  generated(t, F.origLen.name, origLen * 4, `Length of original datagram: ${origLen * 4}`, off + 5, 1);
}

/**
 * Where the quoted datagram's bytes end, as Wireshark limits them: a redirect quotes the header and
 * 64 bits of data; an RFC 4884 length shorter than the quoted datagram's own total length keeps the
 * quote to the header and that many bytes (what follows is the extension structure).
 */
function quoteLimit(c: Ctx, type: number, origLen: number, off: number, end: number): number {
  let n = -1;
  if (type === 5) {
    c.need(off + 8, 1, end);
    n = (c.d[off + 8] & 0x0f) * 4 + 8;
  } else if (origLen && end - off > 8 + origLen * 4) {
    c.need(off + 10, 2, end);
    if (c.v.getUint16(off + 10) > origLen * 4) n = ((c.d[off + 8] & 0x0f) + origLen) * 4;
  }
  return n >= 0 && off + 8 + n < end ? off + 8 + n : end;
}

export function dissectIcmp(c: Ctx, off: number, end: number): void {
  const n = c.avail(off, end);
  c.setProtocol('ICMP');
  // Wireshark reads type, code and checksum before it adds the ICMP item.
  const h = c.openAfter(4, end, 'icmp', 'ICMP', 'Internet Control Message Protocol', 3, 3, off, n);
  const d = c.d, v = c.v, t = h.fields;
  c.need(off, 4, end);
  const type = d[off], code = d[off + 1];
  const typeName = TYPES[type] ?? 'Unknown ICMP (obsolete or malformed?)';
  const codeName = CODES[type]?.[code];
  leaf(t, F.type.name, type, `Type: ${type} (${typeName})`, off, 1);
  leaf(t, F.code.name, code, codeName ? `Code: ${code} (${codeName})` : `Code: ${code}`, off + 1, 1);
  checksumItems(c, t, 'icmp', off, end, 0, true);
  let info = typeName.padEnd(20) + (codeName ? ` (${codeName})` : '');
  if (type === 0 || type === 8 || type === 13 || type === 14 || type === 17 || type === 18 || type === 15 || type === 16) {
    c.need(off + 4, 4, end);
    const id = v.getUint16(off + 4), seq = v.getUint16(off + 6);
    leaf(t, F.ident.name, id, `Identifier (BE): ${id} (${hex(id, 4)})`, off + 4, 2);
    leaf(t, F.identLe.name, swap16(id), `Identifier (LE): ${swap16(id)} (${hex(swap16(id), 4)})`, off + 4, 2);
    leaf(t, F.seq.name, seq, `Sequence Number (BE): ${seq} (${hex(seq, 4)})`, off + 6, 2);
    leaf(t, F.seqLe.name, swap16(seq), `Sequence Number (LE): ${swap16(seq)} (${hex(swap16(seq), 4)})`, off + 6, 2);
    if (type === 0 || type === 8) {
      info += ` id=${hex(id, 4)}, seq=${seq}/${swap16(seq)}, ttl=${c.ttl}`;
      if (type === 8) echoRequest(c, 'icmp', id, seq);
      else {
        const r = echoReply(c, 'icmp', id, seq);
        if (r) {
          generated(t, F.respTo.name, r.frame, `Request frame: ${r.frame}`, off, 0);
          generated(t, F.respTime.name, r.value, `Response time: ${r.ms} ms`, off, 0);
          info += ` (request in ${r.frame})`;
        }
      }
    }
    c.setInfo(info);
    if (off + 8 < end) dissectData(c, off + 8, end, t);
    return;
  }
  c.setInfo(info);
  if (ERRORS.has(type)) {
    c.need(off + 4, 4, end);
    // RFC 4884: the quote's length in 32-bit words (0: not given), which Wireshark 4.0 reads in
    // destination unreachable, time exceeded and parameter problem messages only.
    const origLen = type === 3 || type === 11 || type === 12 ? d[off + 5] : 0;
    if (type === 5) {
      const gw = ipv4(d, off + 4);
      leaf(t, F.gw.name, gw, `Gateway Address: ${gw}`, off + 4, 4);
    } else if (type === 12) {
      leaf(t, F.pointer.name, d[off + 4], `Pointer: ${d[off + 4]}`, off + 4, 1);
      if (origLen) {
        lengthItems(t, origLen, off);
        unused(c, t, off + 6, 2);
      } else unused(c, t, off + 5, 3);
    } else if (type === 3 || type === 11) {
      if (origLen) {
        unused(c, t, off + 4, 1);
        lengthItems(t, origLen, off);
      }
      if (type === 3 && code === 4) {
        if (!origLen) unused(c, t, off + 4, 2);
        const mtu = v.getUint16(off + 6);
        leaf(t, F.mtu.name, mtu, `MTU of next hop: ${mtu}`, off + 6, 2);
      } else if (origLen) unused(c, t, off + 6, 2);
      else unused(c, t, off + 4, 4);
    }
    // Source quench has nothing in its second word.
    // An error quoting nothing shows nothing (Wireshark's IPv4 reads its first byte before its item,
    // and in an error packet that is no fault); a quote cut by the snap length is reported.
    const quoteEnd = quoteLimit(c, type, origLen, off, end);
    if (off + 8 < end) dissectQuoted(c, t, 'IPv4', () => dissectIpv4(c, off + 8, quoteEnd));
    // Extensions follow a quote of 128 bytes or more (the quote's length, when given), when the
    // quoted datagram is not longer than 128 bytes (else those bytes are taken as more of it).
    if (end - off > 8 + 128) {
      c.need(off + 10, 2, end);
      if (v.getUint16(off + 10) <= 128) {
        const ext = off + 8 + (origLen ? origLen * 4 : 128);
        if (ext > end) c.fail();
        dissectIcmpExtension(c, t, ext, end);
      }
    }
    return;
  }
  if (off + 4 < end) dissectData(c, off + 4, end);
}
