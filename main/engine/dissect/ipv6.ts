// IPv6 (RFC 8200) as Wireshark's "ipv6" dissector shows it: the fixed header, then the extension
// headers walked one by one (each its own protocol in frame.protocols, a subtree of the IPv6 header's
// in the tree), then the payload.
// Fragments are marked, not reassembled.
import { defineField } from '../fields/registry';
import { bitsDisplay, generated, hidden, leaf, unwanted } from '../fields/tree';
import { hex, ipv6, bytesHex } from '../fields/format';
import type { Field } from '../types';
import type { Ctx } from './context';
import { dsfieldItem } from './dscp';
import { dissectIpPayload, ipProtoName } from './ip-proto';
import { dissectData } from './payload';
import { expert, defineExpert } from './expert';
import { fragmentTree, reassemble } from './fragments';
import { dissectState } from './state';

// Protocol items: tshark -T fields prints their labels (fields/occurrences.ts).
defineField('ipv6.hopopts', 'IPv6 Hop-by-Hop Option', 'protocol');
defineField('ipv6.routing', 'Routing Header for IPv6', 'protocol');
defineField('ipv6.fraghdr', 'Fragment Header for IPv6', 'protocol');
defineField('ipv6.dstopts', 'Destination Options for IPv6', 'protocol');

const F = {
  version: defineField('ipv6.version', 'Version', 'uint'),
  flow: defineField('ipv6.flow', 'Flow Label', 'hex', { digits: 6 }),
  plen: defineField('ipv6.plen', 'Payload Length', 'uint'),
  nxt: defineField('ipv6.nxt', 'Next Header', 'uint'),
  hlim: defineField('ipv6.hlim', 'Hop Limit', 'uint'),
  src: defineField('ipv6.src', 'Source Address', 'ipv6'),
  dst: defineField('ipv6.dst', 'Destination Address', 'ipv6'),
  opt: defineField('ipv6.opt', 'IPv6 Option', 'none'),
  pad1: defineField('ipv6.opt.pad1', 'Pad1', 'none'),
  optType: defineField('ipv6.opt.type', 'Type', 'hex', { digits: 2 }),
  optAction: defineField('ipv6.opt.type.action', 'Action', 'uint'),
  optChange: defineField('ipv6.opt.type.change', 'May Change', 'bool'),
  optRest: defineField('ipv6.opt.type.rest', 'Low-Order Bits', 'hex', { digits: 2 }),
  optLen: defineField('ipv6.opt.length', 'Length', 'uint'),
  padn: defineField('ipv6.opt.padn', 'PadN', 'bytes'),
  ra: defineField('ipv6.opt.router_alert', 'Router Alert', 'uint'),
  rtType: defineField('ipv6.routing.type', 'Type', 'uint'),
  rtSegleft: defineField('ipv6.routing.segleft', 'Segments Left', 'uint'),
  srhLastEntry: defineField('ipv6.routing.srh.last_entry', 'Last Entry', 'uint'),
  srhFlags: defineField('ipv6.routing.srh.flags', 'Flags', 'hex', { digits: 2 }),
  srhTag: defineField('ipv6.routing.srh.tag', 'Tag', 'bytes'),
  srhAddr: defineField('ipv6.routing.srh.addr', 'Address', 'ipv6'),
  rt0Reserved: defineField('ipv6.routing.src.reserved', 'Reserved', 'bytes'),
  rt0Addr: defineField('ipv6.routing.src.addr', 'Address', 'ipv6'),
  mipv6Reserved: defineField('ipv6.routing.mipv6.reserved', 'Reserved', 'bytes'),
  mipv6Home: defineField('ipv6.routing.mipv6.home_address', 'Home Address', 'ipv6'),
  homeAddress: defineField('ipv6.opt.mipv6.home_address', 'MIPv6 Home Address', 'ipv6'),
  fragReserved: defineField('ipv6.fraghdr.reserved_octet', 'Reserved octet', 'hex', { digits: 2 }),
  fragOffset: defineField('ipv6.fraghdr.offset', 'Offset', 'uint'),
  fragReservedBits: defineField('ipv6.fraghdr.reserved_bits', 'Reserved bits', 'uint'),
  fragMore: defineField('ipv6.fraghdr.more', 'More Fragments', 'bool'),
  fragIdent: defineField('ipv6.fraghdr.ident', 'Identification', 'hex', { digits: 8 }),
  jumbo: defineField('ipv6.opt.jumbo', 'Payload Length', 'uint'),
  experimental: defineField('ipv6.opt.experimental', 'Experimental Option', 'bytes'),
  unknownOpt: defineField('ipv6.opt.unknown', 'Unknown Option Payload', 'bytes'),
};
defineField('ipv6', 'Internet Protocol Version 6', 'protocol');
defineField('ipv6.addr', 'Source or Destination Address', 'ipv6');
const HDR40 = defineExpert('ipv6.invalid_header', 'IPv6 header must be exactly 40 bytes');
const RT_DEPRECATED = defineExpert('ipv6.routing.deprecated', 'Routing header type is deprecated');
const PLEN = defineExpert('ipv6.plen_exceeds_framing', 'IPv6 payload length exceeds framing length');
const HBH_NOT_FIRST = defineExpert('ipv6.hopopts.not_first', 'IPv6 Hop-by-Hop extension header must appear immediately after IPv6 header');
const RT2_SEGLEFT = defineExpert('ipv6.routing.invalid_segleft', 'IPv6 Type 2 Routing Header segments left field must equal 1');
const BAD_VERSION = defineExpert('ipv6.bogus_ipv6_version', 'Bogus IPv6 version');
const PLEN_ZERO = defineExpert('ipv6.plen_zero', 'IPv6 payload length equals 0 (maybe because of "TCP segmentation offload" (TSO))');
const JUMBO_MISSING = defineExpert('ipv6.opt.jumbo.missing', 'IPv6 payload length equals 0 and Hop-By-Hop present and Jumbo Payload option missing');

/**
 * Extension headers: protocol filter name, title, the name ipv6.nxt gives them, the short name an exception
 * names, and the words each appends to Info (seen only when nothing after it sets Info: a header cut short).
 */
const EXT: Record<number, [string, string, string, string, string]> = {
  0: ['ipv6.hopopts', 'IPv6 Hop-by-Hop Option', 'IPv6 Hop-by-Hop Option', 'IPv6 Hop-by-Hop', 'IPv6 hop-by-hop options'],
  43: ['ipv6.routing', 'Routing Header for IPv6', 'Routing Header for IPv6', 'IPv6 Routing', 'IPv6 routing'],
  44: ['ipv6.fraghdr', 'Fragment Header for IPv6', 'Fragment Header for IPv6', 'IPv6 Fragment', 'IPv6 fragment'],
  60: ['ipv6.dstopts', 'Destination Options for IPv6', 'Destination Options for IPv6', 'IPv6 Destination', 'IPv6 destination options'],
};
for (const [name] of Object.values(EXT)) {
  defineField(`${name}.nxt`, 'Next Header', 'uint');
  // The fragment header has a fixed size: no length fields (Wireshark registers none).
  if (name === 'ipv6.fraghdr') continue;
  defineField(`${name}.len`, 'Length', 'uint');
  defineField(`${name}.len_oct`, 'Length', 'uint');
}
const OPTIONS: Record<number, string> = { 0: 'Pad1', 1: 'PadN', 5: 'Router Alert', 0xc2: 'Jumbo Payload', 4: 'Tunnel Encapsulation Limit', 0xc9: 'Home Address' };
// RFC 4727's experimental option types (low-order bits 0x1e, any action and change bits).
for (const t of [0x1e, 0x3e, 0x5e, 0x7e, 0x9e, 0xbe, 0xde, 0xfe]) OPTIONS[t] = `Experimental (0x${t.toString(16).toUpperCase()})`;
const JUMBO_SHORT = defineExpert('ipv6.opt.jumbo.truncated', 'Jumbo Payload option present and jumbo length < 65536');
const JUMBO_PROHIBITED = defineExpert('ipv6.opt.jumbo.prohibited', 'When IPv6 payload length does not equal 0 a Jumbo Payload option must not be present');
const UNKNOWN_DATA = defineExpert('ipv6.opt.unknown_data.expert', 'Unknown Data (not interpreted)');
/** What a node that does not know an option does with it (RFC 8200 §4.2), as Wireshark words it. */
const ACTIONS = ['Skip and continue', 'Discard', 'Discard and send ICMP Parameter Problem', 'Discard and send ICMP if not multicast'];
const ROUTING: Record<number, string> = { 0: 'Source Route', 2: 'Type 2 Routing', 3: 'RPL Source Route', 4: 'Segment Routing' };

/** A next-header value as ipv6.nxt displays it. */
export function nxtName(n: number): string {
  return EXT[n]?.[2] ?? (n === 59 ? 'No Next Header for IPv6' : ipProtoName(n));
}


/**
 * The IPv6 packet at `off`; false when its version is not 6: Wireshark then keeps the version item with
 * its expert, takes IPv6 out of the protocol list, and the caller shows the bytes as data.
 */
export function dissectIpv6(c: Ctx, off: number, end: number): boolean {
  const h = c.open('ipv6', 'IPv6', 'Internet Protocol Version 6', 3, 3, off, 40);
  c.setProtocol('IPv6');
  if (c.colWritable) c.info = '';
  const d = c.d, v = c.v, t = h.fields;
  c.need(off, 1, end);
  const version = d[off] >> 4;
  const vi = leaf(t, F.version.name, version, bitsDisplay(d[off], 0xf0, 8, 'Version', String(version)), off, 1);
  if (version !== 6) expert(c, vi.children, off, 'error', 'malformed', 'Bogus IPv6 version', BAD_VERSION);
  // Wireshark's hidden twin, so that "ip.version == 6" matches.
  hidden(t, 'ip.version', version, `Version: ${version} [This field makes the filter match on "ip.version == 6" possible]`, off, 1);
  if (version !== 6) {
    c.protos.splice(c.protos.lastIndexOf('ipv6'), 1);
    return false;
  }
  if (end - off < 40) {
    expert(c, t, off, 'error', 'malformed', 'IPv6 header must be exactly 40 bytes', HDR40);
    c.setInfo(`Invalid IPv6 header (${end - off} bytes, need exactly 40)`);
  }
  c.need(off, 4, end);
  const w = v.getUint32(off);
  const tclass = (w >>> 20) & 0xff, flow = w & 0xfffff;
  dsfieldItem(t, 'ipv6.tclass', 'Traffic Class', tclass, off, 4, 32, w, 20, hex(tclass, 8));
  leaf(t, F.flow.name, hex(flow, 6), bitsDisplay(w & 0xffffff, 0xfffff, 24, 'Flow Label', hex(flow, 5)), off + 1, 3);
  c.need(off + 4, 2, end);
  const plen = v.getUint16(off + 4);
  // A payload length of 0 is a jumbogram (RFC 2675) only with a Hop-by-Hop Jumbo Payload option over
  // 65,535; otherwise, as tshark 4.0 reads it, the payload is empty (what follows is the link's trailer).
  const hopByHop = plen === 0 && off + 6 < end && d[off + 6] === 0;
  const jumbo = hopByHop ? jumboLength(d, off + 40, end) : 0;
  const payload = plen === 0 ? (jumbo > 65535 ? jumbo : 0) : plen;
  const pi = leaf(t, F.plen.name, plen, `Payload Length: ${plen}${jumbo > 65535 ? ' (Jumbogram)' : ''}`, off + 4, 2);
  if (payload > end - off - 40 && end - off >= 40 && c.colWritable) {
    expert(c, pi.children, off + 4, 'warning', 'protocol', `IPv6 payload length exceeds framing length (${end - off - 40} bytes)`, PLEN);
  }
  if (plen === 0 && !hopByHop && !(off + 6 < end && d[off + 6] === 59)) expert(c, pi.children, off + 4, 'chat', 'protocol', 'IPv6 payload length equals 0 (maybe because of "TCP segmentation offload" (TSO))', PLEN_ZERO);
  if (hopByHop && payload === 0) {
    expert(c, pi.children, off + 4, 'error', 'malformed', 'IPv6 payload length equals 0 and Hop-By-Hop present and Jumbo Payload option missing', JUMBO_MISSING);
    c.setInfo('Invalid IPv6 payload length');
  }
  c.need(off + 6, 1, end);
  const nxt = d[off + 6];
  leaf(t, F.nxt.name, nxt, `Next Header: ${nxtName(nxt)} (${nxt})`, off + 6, 1);
  c.need(off + 7, 1, end);
  const hlim = d[off + 7];
  leaf(t, F.hlim.name, hlim, `Hop Limit: ${hlim}`, off + 7, 1);
  c.need(off + 8, 16, end);
  const src = ipv6(d, off + 8);
  leaf(t, F.src.name, src, `Source Address: ${src}`, off + 8, 16);
  // Wireshark adds hidden ipv6.addr items after each address: tshark -e ipv6.addr prints both.
  if (!unwanted('ipv6.addr')) hidden(t, 'ipv6.addr', src, `Source or Destination Address: ${src}`, off + 8, 16);
  c.need(off + 24, 16, end);
  const dst = ipv6(d, off + 24);
  leaf(t, F.dst.name, dst, `Destination Address: ${dst}`, off + 24, 16);
  if (!unwanted('ipv6.addr')) hidden(t, 'ipv6.addr', dst, `Source or Destination Address: ${dst}`, off + 24, 16);
  h.title = `Internet Protocol Version 6, Src: ${src}, Dst: ${dst}`;
  c.setAddresses(src, dst);
  const pduEnd = off + 40 + payload < end ? off + 40 + payload : end;
  if (c.colWritable || c.actualEnd < 0) c.actualEnd = pduEnd;
  c.netSrc = src;
  c.netDst = dst;
  c.netVersion = 6;
  c.netSrcOff = off + 8;
  c.netDstOff = off + 24;
  c.ttl = hlim;

  headersAndPayload(c, t, nxt, off + 40, pduEnd, plen, src, dst, off + 40);
  return true;
}

/**
 * The extension headers from `p` on, then the payload they lead to. `firstAt`: where a Hop-by-Hop header
 * may stand (right after the IPv6 header; -1 in reassembled data, which follows a fragment header).
 */
function headersAndPayload(c: Ctx, t: Field[], nxt: number, p: number, pduEnd: number, plen: number, src: string, dst: string, firstAt: number): void {
  for (;;) {
    const ext = EXT[nxt];
    if (!ext) break;
    if (nxt === 44) {
      const r = fragmentHeader(c, t, p, pduEnd);
      if (r.fragmented) {
        // Reassembled as IPv4 fragments are (see ipv4.ts); the fragment list joins the IPv6 header's items.
        if (c.colWritable && pduEnd <= c.cap) {
          const key = `${src}|${dst}|${r.ident}`;
          const done = reassemble(c, dissectState(c.session).ip6Fragments, key, p + 8, r.offset, pduEnd - p - 8, r.more);
          if (done) {
            fragmentTree(c, t, true, done, c.sources.length + 1);
            // The fragmentable part may begin with more extension headers (destination options, routing).
            c.inSource('Reassembled IPv6', done.data, () => headersAndPayload(c, t, r.nxt, 0, done.data.length, plen, src, dst, -1));
            return;
          }
        }
        c.fragmented = true;
        c.setProtocol('IPv6');
        c.setInfo(`IPv6 fragment (off=${r.offset} more=${r.more ? 'y' : 'n'} ident=${hex(r.ident, 8)} nxt=${r.nxt})`);
        dissectData(c, p + 8, pduEnd);
        return;
      }
      nxt = r.nxt;
      p += 8;
      continue;
    }
    const n = optionsOrRouting(c, t, nxt, p, pduEnd, plen, nxt === 0 && p !== firstAt);
    nxt = c.d[p];
    p += n;
  }
  if (nxt === 59) {
    c.setInfo('IPv6 no next header');
    if (p < pduEnd) dissectData(c, p, pduEnd);
    return;
  }
  dissectIpPayload(c, nxt, p, pduEnd);
}

/**
 * The Jumbo Payload option's length in the Hop-by-Hop header at `p` (the captured part of it), or 0 when it
 * has none.
 */
function jumboLength(d: Uint8Array, p: number, end: number): number {
  if (p + 2 > end) return 0;
  const stop = Math.min(p + (d[p + 1] + 1) * 8, end);
  for (let q = p + 2; q < stop;) {
    if (d[q] === 0) { q++; continue; } // Pad1
    if (q + 1 >= stop) break;
    const len = d[q + 1];
    if (d[q] === 0xc2 && len === 4 && q + 6 <= stop) return ((d[q + 2] << 24) | (d[q + 3] << 16) | (d[q + 4] << 8) | d[q + 5]) >>> 0;
    q += 2 + len;
  }
  return 0;
}

/**
 * The addresses of a type 0 (deprecated), type 2 (Mobile IPv6: the home address) or segment routing (4)
 * header, as Wireshark lists them. While
 * segments are left, the packet's destination is the route's final one: the Destination column shows it.
 */
function routeAddresses(c: Ctx, t: Field[], rt: number, segLeft: number, p: number, len: number, end: number): void {
  const d = c.d;
  c.need(p + 4, 4, end);
  if (rt === 4) {
    leaf(t, F.srhLastEntry.name, d[p + 4], `Last Entry: ${d[p + 4]}`, p + 4, 1);
    leaf(t, F.srhFlags.name, hex(d[p + 5], 2), `Flags: ${hex(d[p + 5], 2)}`, p + 5, 1);
    const tag = bytesHex(d, p + 6, 2);
    leaf(t, F.srhTag.name, tag, `Tag: ${tag}`, p + 6, 2);
  } else {
    const r = bytesHex(d, p + 4, 4);
    leaf(t, rt === 2 ? F.mipv6Reserved.name : F.rt0Reserved.name, r, `Reserved: ${r}`, p + 4, 4);
  }
  let final = '';
  // Segment routing lists the final segment first (Address[0]); type 0 numbers its addresses from 1, the final one last.
  for (let i = rt === 4 ? 0 : 1, q = p + 8; q + 16 <= p + len; i++, q += 16) {
    c.need(q, 16, end);
    const a = ipv6(d, q);
    leaf(t, rt === 4 ? F.srhAddr.name : rt === 2 ? F.mipv6Home.name : F.rt0Addr.name, a, `Address[${i}]: ${a}`, q, 16);
    if (rt !== 4 || i === 0) final = a;
  }
  if (segLeft > 0 && final) {
    c.setAddresses(c.src, final);
    if (c.colWritable) c.netDst = final;
  }
}

/**
 * Hop-by-hop, destination options or routing header at `p`, a subtree of the IPv6 header's; returns its
 * length in bytes. `plen`: the IPv6 payload length field (a Jumbo Payload option needs it 0).
 */
function optionsOrRouting(c: Ctx, under: Field[], type: number, p: number, end: number, plen: number, misplaced = false): number {
  const [proto, title, , short, info] = EXT[type];
  const d = c.d;
  // Wireshark names the header in Info and the protocol list before it reads a byte of it.
  c.appendInfoSep(' , ', info);
  // The routing header's item comes with its first byte (Next Header), the options headers' with two.
  const first = type === 43 ? 1 : 2;
  if (c.avail(p, end) < first) {
    c.enter(proto, short, 3, 3);
    c.need(p, first, end);
  }
  // (A routing header cut after its first byte is shown as that byte.)
  const len = c.avail(p, end) >= 2 ? (d[p + 1] + 1) * 8 : 1;
  const h = c.openIn(under, proto, short, title, p, len);
  const t = h.fields;
  // RFC 8200 §4.1: a Hop-by-Hop header only right after the IPv6 header.
  if (misplaced) expert(c, t, p, 'error', 'protocol', 'IPv6 Hop-by-Hop extension header must appear immediately after IPv6 header', HBH_NOT_FIRST);
  const nxt = d[p];
  leaf(t, `${proto}.nxt`, nxt, `Next Header: ${nxtName(nxt)} (${nxt})`, p, 1);
  c.need(p + 1, 1, end);
  leaf(t, `${proto}.len`, d[p + 1], `Length: ${d[p + 1]}`, p + 1, 1);
  generated(t, `${proto}.len_oct`, len, `Length: ${len} bytes`, p + 1, 1);
  if (type === 43) {
    c.need(p + 2, 2, end);
    const rt = d[p + 2];
    h.title = `${title} (${ROUTING[rt] ?? 'Unknown'})`;
    const ti = leaf(t, F.rtType.name, rt, `Type: ${ROUTING[rt] ?? 'Unknown'} (${rt})`, p + 2, 1);
    if (rt === 0) expert(c, ti.children, p + 2, 'note', 'deprecated', 'Routing header type is deprecated', RT_DEPRECATED);
    const segLeft = d[p + 3];
    const si = leaf(t, F.rtSegleft.name, segLeft, `Segments Left: ${segLeft}`, p + 3, 1);
    // RFC 6275 §6.4: a type 2 header carries one address, so one segment is left.
    if (rt === 2 && segLeft !== 1) expert(c, si.children, p + 3, 'warning', 'protocol', 'IPv6 Type 2 Routing Header segments left field must equal 1', RT2_SEGLEFT);
    if (rt === 0 || rt === 2 || rt === 4) routeAddresses(c, t, rt, segLeft, p, len, end);
    c.need(p, len, end);
    return len;
  }
  // Options are read one by one, as Wireshark does: a header running past the packet shows the options before.
  let q = p + 2;
  while (q < p + len) {
    c.need(q, 1, end);
    const ot = d[q];
    if (ot === 0) {
      // ipv6.opt and ipv6.opt.pad1 are FT_NONE: tshark -T fields prints 1.
      const o = leaf(t, F.opt.name, 1, 'Pad1', q, 1);
      leaf(o.children, F.optType.name, hex(ot, 2), 'Type: Pad1 (0x00)', q, 1);
      leaf(o.children, F.pad1.name, 1, 'Pad1', q, 1);
      q++;
      continue;
    }
    const name = OPTIONS[ot];
    c.need(q + 1, 1, end);
    const ol = d[q + 1];
    const o = leaf(t, F.opt.name, 1, name ?? `Unknown IPv6 Option (${ot})`, q, 2 + ol);
    optionType(o.children, ot, name ?? 'Unknown', q);
    leaf(o.children, F.optLen.name, ol, `Length: ${ol}`, q + 1, 1);
    c.need(q + 2, ol, Math.min(end, p + len));
    if (ot === 1) {
      // Empty padding: tshark prints "<none>" for the value as in the label.
      const bytes = ol ? bytesHex(d, q + 2, ol) : '<none>';
      leaf(o.children, F.padn.name, bytes, `PadN: ${bytes}`, q + 2, ol);
    } else if (ot === 0xc9 && ol === 16) {
      // Mobile IPv6 home address (RFC 6275): the packet's real source, as the Source column shows it.
      const home = ipv6(d, q + 2);
      leaf(o.children, F.homeAddress.name, home, `MIPv6 Home Address: ${home}`, q + 2, 16);
      c.setAddresses(home, c.dst);
      if (c.colWritable) c.netSrc = home;
    } else if (ot === 0xc2 && ol === 4) {
      // RFC 2675: the real payload length, for a payload length field of 0 (tshark 4.0 only warns here).
      const jumbo = c.v.getUint32(q + 2);
      const ji = leaf(o.children, F.jumbo.name, jumbo, `Payload Length: ${jumbo}`, q + 2, 4);
      if (jumbo < 65536) expert(c, ji.children, q + 2, 'warning', 'protocol', 'Jumbo Payload option present and jumbo length < 65536', JUMBO_SHORT);
      if (plen !== 0) expert(c, o.children, q, 'warning', 'protocol', 'When IPv6 payload length does not equal 0 a Jumbo Payload option must not be present', JUMBO_PROHIBITED);
    } else if ((ot & 0x1f) === 0x1e) {
      const bytes = ol ? bytesHex(d, q + 2, ol) : '<MISSING>';
      leaf(o.children, F.experimental.name, bytes, `Experimental Option: ${bytes}`, q + 2, ol);
    } else if (!name) {
      const bytes = ol ? bytesHex(d, q + 2, ol) : '<MISSING>';
      const ui = leaf(o.children, F.unknownOpt.name, bytes, `Unknown Option Payload: ${bytes}`, q + 2, ol);
      expert(c, ui.children, q + 2, 'note', 'undecoded', 'Unknown Data (not interpreted)', UNKNOWN_DATA);
    } else if (ot === 5 && ol === 2) {
      const ra = (d[q + 2] << 8) | d[q + 3];
      leaf(o.children, F.ra.name, ra, `Router Alert: ${ra === 0 ? 'MLD' : ra === 1 ? 'RSVP' : ra === 2 ? 'Active Networks' : 'Unknown'} (${ra})`, q + 2, 2);
    }
    q += 2 + ol;
  }
  return len;
}

/** An option's type byte and the three parts RFC 8200 §4.2 gives its bits. */
function optionType(t: Field[], ot: number, name: string, q: number): void {
  const it = leaf(t, F.optType.name, hex(ot, 2), `Type: ${name} (${hex(ot, 2)})`, q, 1);
  const action = ot >> 6;
  leaf(it.children, F.optAction.name, action, bitsDisplay(ot, 0xc0, 8, 'Action', `${ACTIONS[action]} (${action})`), q, 1);
  leaf(it.children, F.optChange.name, (ot >> 5) & 1, bitsDisplay(ot, 0x20, 8, 'May Change', ot & 0x20 ? 'Yes' : 'No'), q, 1);
  leaf(it.children, F.optRest.name, hex(ot & 0x1f, 2), bitsDisplay(ot, 0x1f, 8, 'Low-Order Bits', hex(ot & 0x1f, 2)), q, 1);
}

function fragmentHeader(c: Ctx, under: Field[], p: number, end: number): { nxt: number; offset: number; more: boolean; ident: number; fragmented: boolean } {
  const h = c.openIn(under, 'ipv6.fraghdr', 'IPv6 Fragment', 'Fragment Header for IPv6', p, 8);
  c.need(p, 8, end);
  const d = c.d, t = h.fields;
  const nxt = d[p];
  const w = c.v.getUint16(p + 2);
  const units = w >> 3, more = (w & 1) === 1, ident = c.v.getUint32(p + 4);
  leaf(t, 'ipv6.fraghdr.nxt', nxt, `Next header: ${nxtName(nxt)} (${nxt})`, p, 1);
  leaf(t, F.fragReserved.name, hex(d[p + 1], 2), `Reserved octet: ${hex(d[p + 1], 2)}`, p + 1, 1);
  leaf(t, F.fragOffset.name, units, bitsDisplay(w, 0xfff8, 16, 'Offset', `${units} (${units * 8} bytes)`), p + 2, 2);
  leaf(t, F.fragReservedBits.name, (w >> 1) & 3, bitsDisplay(w, 6, 16, 'Reserved bits', String((w >> 1) & 3)), p + 2, 2);
  leaf(t, F.fragMore.name, more ? 1 : 0, bitsDisplay(w, 1, 16, 'More Fragments', more ? 'Yes' : 'No'), p + 2, 2);
  leaf(t, F.fragIdent.name, hex(ident, 8), `Identification: ${hex(ident, 8)}`, p + 4, 4);
  // An atomic fragment (offset 0, no more) is a whole datagram (RFC 6946).
  return { nxt, offset: units * 8, more, ident, fragmented: units > 0 || more };
}
