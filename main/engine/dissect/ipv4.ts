// IPv4 (RFC 791) as Wireshark's "ip" dissector shows it: header fields, options, fragments marked
// (not reassembled), then the payload by protocol number.
import type { Field } from '../types';
import { defineField } from '../fields/registry';
import { bitsDisplay, generated, hidden, leaf, unwanted } from '../fields/tree';
import { hex, ipv4 } from '../fields/format';
import type { Ctx } from './context';
import { expert, defineExpert } from './expert';
import { dissectIpPayload, ipProtoName } from './ip-proto';
import { dsfieldItem } from './dscp';
import { dissectIpv4Options } from './ipv4-options';
import { sourceRouteFinal } from './ipv4-opt-routes';
import { dissectData } from './payload';
import { dissectIpv6 } from './ipv6';
import { fragmentTree, reassemble } from './fragments';
import { dissectState } from './state';

const F = {
  version: defineField('ip.version', 'Version', 'uint'),
  hdrLen: defineField('ip.hdr_len', 'Header Length', 'uint'),
  len: defineField('ip.len', 'Total Length', 'uint'),
  id: defineField('ip.id', 'Identification', 'hex', { digits: 4 }),
  flags: defineField('ip.flags', 'Flags', 'hex', { digits: 2 }),
  rb: defineField('ip.flags.rb', 'Reserved bit', 'bool'),
  df: defineField('ip.flags.df', "Don't fragment", 'bool'),
  mf: defineField('ip.flags.mf', 'More fragments', 'bool'),
  fragOffset: defineField('ip.frag_offset', 'Fragment Offset', 'uint'),
  ttl: defineField('ip.ttl', 'Time to Live', 'uint'),
  proto: defineField('ip.proto', 'Protocol', 'uint'),
  checksum: defineField('ip.checksum', 'Header Checksum', 'hex', { digits: 4 }),
  checksumStatus: defineField('ip.checksum.status', 'Header checksum status', 'uint'),
  src: defineField('ip.src', 'Source Address', 'ipv4'),
  dst: defineField('ip.dst', 'Destination Address', 'ipv4'),
};
defineField('ip', 'Internet Protocol Version 4', 'protocol');
defineField('ip.addr', 'Source or Destination Address', 'ipv4');
const BAD_HDR_LEN = defineExpert('ip.bogus_header_length', 'Bogus IP header length');
const BAD_LEN = defineExpert('ip.bogus_ip_length', 'Bogus IP length');
const BAD_VERSION = defineExpert('ip.bogus_ip_version', 'Bogus IP version');
const TTL_SMALL = defineExpert('ip.ttl.too_small', 'Time To Live');
const TTL_LNCB = defineExpert('ip.ttl.lncb', 'Time To Live');


/** Dissects an IPv4 packet at `off`; `end` is where the carrier says its data ends. */
export function dissectIpv4(c: Ctx, off: number, end: number): void {
  c.setProtocol('IPv4');
  if (c.colWritable) c.info = '';
  // Wireshark names the columns, then reads the first byte before it adds the IPv4 item: with none,
  // only the exception shows.
  const h = c.openAfter(1, end, 'ip', 'IPv4', 'Internet Protocol Version 4', 3, 3, off, 20);
  const d = c.d, v = c.v, t = h.fields;
  c.need(off, 1, end);
  const b0 = d[off];
  const version = b0 >> 4, hlen = (b0 & 15) * 4;
  const vi = leaf(t, F.version.name, version, bitsDisplay(b0, 0xf0, 8, 'Version', String(version)), off, 1);
  if (version !== 4) {
    h.length = 1;
    expert(c, vi.children, off, 'error', 'protocol', 'Bogus IPv4 version', BAD_VERSION);
    // Wireshark hands a version-6 header on to IPv6.
    if (version === 6) dissectIpv6(c, off, end);
    else c.setInfo(`Bogus IPv4 version (${version}, must be 4)`);
    return;
  }
  const hl = leaf(t, F.hdrLen.name, hlen, bitsDisplay(b0, 0x0f, 8, 'Header Length', `${hlen} bytes (${hlen >> 2})`), off, 1);
  if (hlen < 20) {
    h.length = 1;
    const msg = `Bogus IP header length (${hlen}, must be at least 20)`;
    expert(c, hl.children, off, 'error', 'protocol', msg, BAD_HDR_LEN);
    c.malformed = true;
    c.setInfo(msg);
    return;
  }
  h.length = hlen;
  // Fields are read one by one, as Wireshark does: a cut header shows what was captured.
  c.need(off + 1, 1, end);
  dsfieldItem(t, 'ip.dsfield', 'Differentiated Services Field', d[off + 1], off + 1, 1, 8);
  c.need(off + 2, 2, end);
  let totalLen = v.getUint16(off + 2);
  const tso = totalLen === 0;
  let lenItem: Field;
  if (tso) {
    // A total length of 0 is what a capture of a TCP segmentation offload (TSO) super-packet shows:
    // Wireshark (its ip.tso_support, on by default) takes the datagram to run to the end of the
    // carrier's data, and says so in a generated item.
    totalLen = end - off;
    lenItem = generated(t, F.len.name, totalLen, `Total Length: ${totalLen} bytes (reported as 0, presumed to be because of "TCP segmentation offload" (TSO))`, off + 2, 2);
  } else {
    lenItem = leaf(t, F.len.name, totalLen, `Total Length: ${totalLen}`, off + 2, 2);
  }
  if (totalLen < hlen && !tso) {
    const msg = `Bogus IP length (${totalLen}, less than header length ${hlen})`;
    lenItem.display = `Total Length: ${totalLen} bytes (bogus, less than header length ${hlen})`;
    // The expert says only "Bogus IP length"; the Info column gives the numbers.
    expert(c, lenItem.children, off + 2, 'error', 'protocol', 'Bogus IP length', BAD_LEN);
    c.malformed = true;
    c.setInfo(msg);
    return;
  }
  if (totalLen > end - off && c.colWritable) {
    expert(c, lenItem.children, off + 2, 'error', 'protocol', `IPv4 total length exceeds packet length (${end - off} bytes)`, BAD_LEN);
  }
  c.need(off + 4, 2, end);
  const id = v.getUint16(off + 4);
  leaf(t, F.id.name, hex(id, 4), `Identification: ${hex(id, 4)} (${id})`, off + 4, 2);
  c.need(off + 6, 2, end);
  const fw = v.getUint16(off + 6);
  const flags = fw >> 13, fragUnits = fw & 0x1fff, fragOff = fragUnits * 8;
  const flagNames: string[] = [];
  if (flags & 4) flagNames.push('Reserved bit');
  if (flags & 2) flagNames.push("Don't fragment");
  if (flags & 1) flagNames.push('More fragments');
  const fi = leaf(t, F.flags.name, hex(flags, 2), bitsDisplay(d[off + 6], 0xe0, 8, 'Flags', `0x${flags.toString(16)}${flagNames.length ? ', ' + flagNames.join(', ') : ''}`), off + 6, 1);
  leaf(fi.children, F.rb.name, (flags >> 2) & 1, bitsDisplay(d[off + 6], 0x80, 8, 'Reserved bit', flags & 4 ? 'Set' : 'Not set'), off + 6, 1);
  leaf(fi.children, F.df.name, (flags >> 1) & 1, bitsDisplay(d[off + 6], 0x40, 8, "Don't fragment", flags & 2 ? 'Set' : 'Not set'), off + 6, 1);
  leaf(fi.children, F.mf.name, flags & 1, bitsDisplay(d[off + 6], 0x20, 8, 'More fragments', flags & 1 ? 'Set' : 'Not set'), off + 6, 1);
  // tshark 4.0's value is in 8-byte units (as on the wire), its text in bytes.
  leaf(t, F.fragOffset.name, fragUnits, bitsDisplay(fw, 0x1fff, 16, 'Fragment Offset', String(fragUnits * 8)), off + 6, 2);
  c.need(off + 8, 1, end);
  const ttl = d[off + 8];
  const ttlItem = leaf(t, F.ttl.name, ttl, `Time to Live: ${ttl}`, off + 8, 1);
  c.need(off + 9, 1, end);
  const proto = d[off + 9];
  leaf(t, F.proto.name, proto, `Protocol: ${ipProtoName(proto)} (${proto})`, off + 9, 1);
  c.need(off + 10, 2, end);
  const sum = v.getUint16(off + 10);
  leaf(t, F.checksum.name, hex(sum, 4), `Header Checksum: ${hex(sum, 4)} [validation disabled]`, off + 10, 2);
  generated(t, F.checksumStatus.name, 2, 'Header checksum status: Unverified', off + 10, 0);
  c.need(off + 12, 4, end);
  const src = ipv4(d, off + 12);
  leaf(t, F.src.name, src, `Source Address: ${src}`, off + 12, 4);
  // Wireshark adds hidden ip.addr items after each address: tshark -e ip.addr prints both.
  if (!unwanted('ip.addr')) hidden(t, 'ip.addr', src, `Source or Destination Address: ${src}`, off + 12, 4);
  // The title grows as Wireshark's does: a header cut before the destination still names the source.
  if (!c.lean) h.title = `Internet Protocol Version 4, Src: ${src}`;
  // So does the Source column (the Destination column keeps the link layer's until the destination is read).
  c.setAddresses(src, c.dst);
  c.need(off + 16, 4, end);
  // A source route not yet followed to its end (LSRR, SSRR): the header's destination is only the current
  // hop ("Current Route"); the packet's destination is the route's last address, shown inside the option.
  const finalAt = hlen > 20 && c.avail(off + 20, end) >= hlen - 20 ? sourceRouteFinal(d, off + 20, hlen - 20) : -1;
  const hop = ipv4(d, off + 16);
  const dst = finalAt >= 0 ? ipv4(d, finalAt) : hop;
  if (finalAt >= 0) {
    leaf(t, 'ip.cur_rt', hop, `Current Route: ${hop}`, off + 16, 4);
    if (!unwanted('ip.cur_rt_host')) hidden(t, 'ip.cur_rt_host', hop, `Current Route Host: ${hop}`, off + 16, 4);
  } else {
    leaf(t, F.dst.name, dst, `Destination Address: ${dst}`, off + 16, 4);
    if (!unwanted('ip.addr')) hidden(t, 'ip.addr', dst, `Source or Destination Address: ${dst}`, off + 16, 4);
  }
  // Wireshark notes a TTL other than the expected one to the Local Network Control Block (224.0.0.0/24,
  // RFC 3171: 1, but 255 for VRRP, GLBP and mDNS), and a TTL below 5 (0 included) to a unicast
  // address (traceroute probes, the TTL-1 packets ICMP "time exceeded" quotes); PIM and OSPF use small
  // TTLs by design.
  const lncbTtl = lncbValidTtl(d, off + 16);
  if (lncbTtl !== null) {
    if (ttl !== lncbTtl) expert(c, ttlItem.children, off + 8, 'note', 'sequence', `"Time To Live" != ${lncbTtl} for a packet sent to the Local Network Control Block (see RFC 3171)`, TTL_LNCB);
  } else if (ttl < 5 && (d[off + 16] & 0xf0) !== 0xe0 && proto !== 103 && proto !== 89) {
    expert(c, ttlItem.children, off + 8, 'note', 'sequence', `"Time To Live" only ${ttl}`, TTL_SMALL);
  }
  if (!c.lean) h.title += finalAt >= 0 ? `, Dst: ${dst}, Via: ${hop}` : `, Dst: ${dst}`;
  c.setAddresses(src, dst);
  if (hlen > 20) {
    c.need(off + 20, hlen - 20, end);
    // A broken option ends the option walk only: the payload is dissected (Wireshark's dissect_ipopt returns).
    dissectIpv4Options(c, t, off + 20, hlen - 20, ttl);
  }

  // The datagram ends where its total length says (the rest is link-layer trailer); a length
  // beyond the frame leaves the frame's end as the limit, as Wireshark's set_actual_length does.
  const pduEnd = off + totalLen < end ? off + totalLen : end;
  if (c.colWritable || c.actualEnd < 0) c.actualEnd = pduEnd;
  c.netSrc = src;
  c.netDst = dst;
  c.netVersion = 4;
  c.netSrcOff = off + 12;
  c.netDstOff = off + 16;
  c.ttl = ttl;
  const payload = off + hlen;
  if (fragOff > 0 || (flags & 1)) {
    // tshark reassembles fragments whose payload was captured whole (never inside an ICMP error);
    // the frame that completes the datagram dissects the transport from the reassembled bytes.
    if (c.colWritable && totalLen > hlen && pduEnd <= c.cap) {
      const key = `${src}|${dst}|${proto}|${id}`;
      const r = reassemble(c, dissectState(c.session).ipFragments, key, payload, fragOff, pduEnd - payload, (flags & 1) === 1);
      if (r) {
        fragmentTree(c, t, false, r, c.sources.length + 1);
        c.inSource('Reassembled IPv4', r.data, () => dissectIpPayload(c, proto, 0, r.data.length));
        return;
      }
    }
    c.fragmented = true;
    // A fragment of a datagram not complete yet: its payload is shown as data.
    c.setProtocol('IPv4');
    c.setInfo(`Fragmented IP protocol (proto=${ipProtoName(proto)} ${proto}, off=${fragOff}, ID=${hex(id, 4).slice(2)})`);
    dissectData(c, payload, pduEnd);
    return;
  }
  // A datagram that is all header carries nothing to hand on (Wireshark calls no transport dissector).
  if (totalLen === hlen) return;
  dissectIpPayload(c, proto, payload, pduEnd);
}

/**
 * The TTL Wireshark 4.0 expects of a packet to the Local Network Control Block (224.0.0.0/24) at `at`: 1,
 * but 255 for VRRP (224.0.0.18), GLBP (224.0.0.102) and mDNS (224.0.0.251); null for other addresses.
 */
function lncbValidTtl(d: Uint8Array, at: number): number | null {
  if (d[at] !== 224 || d[at + 1] !== 0 || d[at + 2] !== 0) return null;
  const last = d[at + 3];
  return last === 18 || last === 102 || last === 251 ? 255 : 1;
}
