// DNS (RFC 1034/1035), mDNS (RFC 6762) and LLMNR (RFC 4795) messages as Wireshark 4.0's packet-dns.c
// shows them: the header and flags, the question and record sections (record data in dns-rdata.ts),
// the Info column ("Standard query response 0x4c41 A handshake.lab A 127.0.0.1"), and request/response
// matching within a conversation (dns.response_to, dns.time, retransmissions, unsolicited answers).
import type { Field } from '../types';
import { defineField } from '../fields/registry';
import { bitsDisplay, bytesText, leaf, generated } from '../fields/tree';
import { bytesHex, hex, labelNamed, labelText } from '../fields/format';
import type { Ctx } from './context';
import { defineExpert, expert } from './expert';
import { readDnsName, type DnsName } from './dns-name';
import { dissectRdata } from './dns-rdata';
import { appendTitle } from './dns-rdata-util';
import { trackDns } from './dns-track';
import { DNS_CLASSES, DNS_OPCODES, DNS_RCODES, DNS_TYPE_DESCRIPTIONS, DNS_TYPE_NAMES } from './value-names';
import { durationText } from '../fields/format';

export type DnsKind = 'dns' | 'mdns' | 'llmnr';

const F = {
  length: defineField('dns.length', 'Length', 'uint'),
  id: defineField('dns.id', 'Transaction ID', 'hex', { digits: 4 }),
  flags: defineField('dns.flags', 'Flags', 'hex', { digits: 4 }),
  response: defineField('dns.flags.response', 'Response', 'bool'),
  opcode: defineField('dns.flags.opcode', 'Opcode', 'uint'),
  authoritative: defineField('dns.flags.authoritative', 'Authoritative', 'bool'),
  conflict: defineField('dns.flags.conflict', 'Conflict', 'bool'),
  truncated: defineField('dns.flags.truncated', 'Truncated', 'bool'),
  recdesired: defineField('dns.flags.recdesired', 'Recursion desired', 'bool'),
  tentative: defineField('dns.flags.tentative', 'Tentative', 'bool'),
  recavail: defineField('dns.flags.recavail', 'Recursion available', 'bool'),
  z: defineField('dns.flags.z', 'Z', 'bool'),
  authenticated: defineField('dns.flags.authenticated', 'Answer authenticated', 'bool'),
  checkdisable: defineField('dns.flags.checkdisable', 'Non-authenticated data', 'bool'),
  rcode: defineField('dns.flags.rcode', 'Reply code', 'uint'),
  queries: defineField('dns.count.queries', 'Questions', 'uint'),
  zones: defineField('dns.count.zones', 'Zones', 'uint'),
  answers: defineField('dns.count.answers', 'Answer RRs', 'uint'),
  prerequisites: defineField('dns.count.prerequisites', 'Prerequisites', 'uint'),
  authRr: defineField('dns.count.auth_rr', 'Authority RRs', 'uint'),
  updates: defineField('dns.count.updates', 'Updates', 'uint'),
  addRr: defineField('dns.count.add_rr', 'Additional RRs', 'uint'),
  qryName: defineField('dns.qry.name', 'Name', 'string'),
  qryNameLen: defineField('dns.qry.name.len', 'Name Length', 'uint'),
  labels: defineField('dns.count.labels', 'Label Count', 'uint'),
  qryType: defineField('dns.qry.type', 'Type', 'uint'),
  qryClass: defineField('dns.qry.class', 'Class', 'hex', { digits: 4 }),
  qu: defineField('dns.qry.qu', '"QU" question', 'bool'),
  respName: defineField('dns.resp.name', 'Name', 'string'),
  respType: defineField('dns.resp.type', 'Type', 'uint'),
  respClass: defineField('dns.resp.class', 'Class', 'hex', { digits: 4 }),
  cacheFlush: defineField('dns.resp.cache_flush', 'Cache flush', 'bool'),
  ttl: defineField('dns.resp.ttl', 'Time to live', 'uint'),
  rdlen: defineField('dns.resp.len', 'Data length', 'uint'),
  srvService: defineField('dns.srv.service', 'Service', 'string'),
  srvProto: defineField('dns.srv.proto', 'Protocol', 'string'),
  srvName: defineField('dns.srv.name', 'Name', 'string'),
  payloadSize: defineField('dns.rr.udp_payload_size', 'UDP payload size', 'uint'),
  extRcode: defineField('dns.resp.ext_rcode', 'Higher bits in extended RCODE', 'hex', { digits: 2 }),
  ednsVersion: defineField('dns.resp.edns0_version', 'EDNS0 version', 'uint'),
  rrZ: defineField('dns.resp.z', 'Z', 'hex', { digits: 4 }),
  rrZDo: defineField('dns.resp.z.do', 'DO bit', 'bool'),
  rrZReserved: defineField('dns.resp.z.reserved', 'Reserved', 'hex', { digits: 4 }),
  extraneous: defineField('dns.extraneous.data', 'Extraneous Data Bytes', 'bytes'),
  extraneousLen: defineField('dns.extraneous.length', 'Extraneous Data Length', 'int'),
};
defineField('dns', 'Domain Name System', 'protocol');
defineField('mdns', 'Multicast Domain Name System', 'protocol');
defineField('llmnr', 'Link-local Multicast Name Resolution', 'protocol');
const E = {
  ttlHigh: defineExpert('dns.ttl.high_bit_set', 'The uppermost bit of the TTL is set (RFC 2181, section 8)'),
  extraneous: defineExpert('dns.extraneous', 'Extraneous data'),
};

const F_RESPONSE = 0x8000, F_AUTHENTIC = 0x0020;
const T_OPT = 41, T_SRV = 33, T_AXFR = 252, T_IXFR = 251;
const OPCODE_UPDATE = 5;
const TITLES: Record<DnsKind, string> = {
  dns: 'Domain Name System', mdns: 'Multicast Domain Name System', llmnr: 'Link-local Multicast Name Resolution',
};
const PROTOCOLS: Record<DnsKind, string> = { dns: 'DNS', mdns: 'MDNS', llmnr: 'LLMNR' };
/** The protocols' short names, which name an exception ("[Malformed Packet: mDNS]"): mDNS's is not its column's. */
const SHORT_NAMES: Record<DnsKind, string> = { dns: 'DNS', mdns: 'mDNS', llmnr: 'LLMNR' };

/** A record type's short name ("A", "Unknown (1234)"), as Info and record titles show it. */
export function typeName(t: number): string {
  return DNS_TYPE_NAMES[t] ?? `Unknown (${t})`;
}

function typeShown(t: number): string {
  return `${DNS_TYPE_DESCRIPTIONS[t] ?? 'Unknown'} (${t})`;
}

function classShown(k: number): string {
  return `${DNS_CLASSES[k] ?? 'Unknown'} (${hex(k, 4)})`;
}

function flagBit(t: Field[], name: string, flags: number, mask: number, label: string, on: string, off: string, at: number): void {
  const set = (flags & mask) !== 0;
  leaf(t, name, set ? 1 : 0, bitsDisplay(flags, mask, 16, label, set ? on : off), at, 2);
}

/** What a message's dissection needs to know of where it runs. */
export interface DnsContext {
  kind: DnsKind;
  /** Over TCP the message starts with its 2-byte length. */
  tcp: boolean;
  /** A further message of the same TCP segment (frame.protocols names DNS once). */
  again?: boolean;
}

/**
 * Dissects the DNS message at [off, end) (for TCP, [off, end) starts with the 2-byte length; end is
 * the reported end of the message). Sets the Protocol and Info columns.
 */
export function dissectDns(c: Ctx, off: number, end: number, x: DnsContext): void {
  const msg = x.tcp ? off + 2 : off;
  const d = c.d, v = c.v;
  c.setProtocol(PROTOCOLS[x.kind]);
  c.setInfo('');
  if (c.avail(msg, end) < 4) {
    // tshark has called DNS before it reads the ID and flags: frame.protocols names it (once per
    // segment) and the exception is DNS's, though there is no DNS tree.
    if (x.again) c.current = SHORT_NAMES[x.kind];
    else c.enter(x.kind, SHORT_NAMES[x.kind], 7, 5);
    c.need(msg, 4, end);
  }
  const id = v.getUint16(msg), flags = v.getUint16(msg + 2);
  const isResponse = (flags & F_RESPONSE) !== 0;
  const opcode = (flags >> 11) & 15, rcode = flags & 15;
  let info = `${DNS_OPCODES[opcode] ?? `Unknown operation (${opcode})`}${isResponse ? ' response' : ''} 0x${id.toString(16).padStart(4, '0')}`;
  if (isResponse && rcode !== 0) info += ` ${DNS_RCODES[rcode] ?? `Unknown error (${rcode})`}`;
  c.setInfo(info);
  const h = c.open(x.kind, SHORT_NAMES[x.kind], `${TITLES[x.kind]} (${isResponse ? 'response' : 'query'})`, 7, 5, off, c.avail(off, end), !x.again);
  const t = h.fields;
  const track = trackDns(c, x.kind, id, isResponse);
  if (x.tcp) leaf(t, F.length.name, v.getUint16(off), `Length: ${v.getUint16(off)}`, off, 2);
  const idItem = leaf(t, F.id.name, hex(id, 4), `Transaction ID: ${hex(id, 4)}`, msg, 2);
  flagsTree(t, x.kind, flags, msg + 2);
  const update = opcode === OPCODE_UPDATE;
  c.need(msg + 4, 2, end);
  const qd = v.getUint16(msg + 4);
  leaf(t, update ? F.zones.name : F.queries.name, qd, `${update ? 'Zones' : 'Questions'}: ${qd}`, msg + 4, 2);
  c.need(msg + 6, 2, end);
  const an = v.getUint16(msg + 6);
  leaf(t, update ? F.prerequisites.name : F.answers.name, an, `${update ? 'Prerequisites' : 'Answer RRs'}: ${an}`, msg + 6, 2);
  c.need(msg + 8, 2, end);
  const ns = v.getUint16(msg + 8);
  leaf(t, update ? F.updates.name : F.authRr.name, ns, `${update ? 'Updates' : 'Authority RRs'}: ${ns}`, msg + 8, 2);
  c.need(msg + 10, 2, end);
  const ar = v.getUint16(msg + 10);
  leaf(t, F.addRr.name, ar, `Additional RRs: ${ar}`, msg + 10, 2);
  let p = msg + 12;
  const mdns = x.kind === 'mdns';
  if (qd > 0) {
    const section = sectionItem(c, t, update ? 'Zone' : 'Queries', p, end);
    const start = p;
    let multiple = false;
    for (let i = 0; i < qd; i++) {
      const q = question(c, section.children, p, msg, end, mdns);
      p += q.used;
      if (q.type === T_AXFR || q.type === T_IXFR) multiple = true;
    }
    section.length = p - start;
    track.multipleAnswers(multiple);
  }
  const sections: [number, string][] = [[an, update ? 'Prerequisites' : 'Answers'], [ns, update ? 'Updates' : 'Authoritative nameservers'], [ar, 'Additional records']];
  for (const [count, label] of sections) {
    if (count <= 0) continue;
    const section = sectionItem(c, t, label, p, end);
    const start = p;
    for (let i = 0; i < count; i++) p += record(c, section.children, p, msg, end, mdns);
    section.length = p - start;
  }
  track.items(t, idItem);
  const rest = end - p;
  if (rest > 0) {
    const ex = leaf(t, '', null, `Extraneous Data (${rest} bytes)`, p, rest);
    leaf(ex.children, F.extraneous.name, bytesHex(d, p, c.avail(p, end)), `Extraneous Data Bytes: ${bytesText(bytesHex(d, p, c.avail(p, end)))}`, p, rest);
    generated(ex.children, F.extraneousLen.name, rest, `Extraneous Data Length: ${rest}`, p, 0);
    expert(c, ex.children, p, 'note', 'undecoded', 'Extraneous data', E.extraneous, true);
  }
}

/**
 * A section's subtree ("Queries", "Answers", …): tshark adds it running to the end of the message (length
 * -1), which throws when no byte is left there, so a count with nothing after it shows no section at all.
 */
function sectionItem(c: Ctx, t: Field[], label: string, p: number, end: number): Field {
  c.need(p, 1, end);
  return leaf(t, '', null, label, p, 0);
}

function flagsTree(t: Field[], kind: DnsKind, flags: number, at: number): void {
  const response = (flags & F_RESPONSE) !== 0;
  const opcode = (flags >> 11) & 15, rcode = flags & 15;
  let shown = `${hex(flags, 4)} ${DNS_OPCODES[opcode] ?? 'Unknown operation'}`;
  if (response) shown += ` response, ${DNS_RCODES[rcode] ?? 'Unknown error'}`;
  const item = leaf(t, F.flags.name, hex(flags, 4), `Flags: ${shown}`, at, 2);
  const f = item.children;
  flagBit(f, F.response.name, flags, 0x8000, 'Response', 'Message is a response', 'Message is a query', at);
  leaf(f, F.opcode.name, opcode, bitsDisplay(flags, 0x7800, 16, 'Opcode', `${DNS_OPCODES[opcode] ?? 'Unknown'} (${opcode})`), at, 2);
  const rcodeItem = (): void => {
    leaf(f, F.rcode.name, rcode, bitsDisplay(flags, 0x000f, 16, 'Reply code', `${DNS_RCODES[rcode] ?? 'Unknown'} (${rcode})`), at, 2);
  };
  if (kind === 'llmnr') {
    if (response) flagBit(f, F.conflict.name, flags, 0x0400, 'Conflict', 'The name is not considered unique', 'The name is considered unique', at);
    else flagBit(f, F.conflict.name, flags, 0x0400, 'Conflict', 'The sender received multiple responses', 'None', at);
    flagBit(f, F.truncated.name, flags, 0x0200, 'Truncated', 'Message is truncated', 'Message is not truncated', at);
    flagBit(f, F.tentative.name, flags, 0x0100, 'Tentative', 'Tentative', 'Not tentative', at);
    if (response) rcodeItem();
    return;
  }
  if (response) flagBit(f, F.authoritative.name, flags, 0x0400, 'Authoritative', 'Server is an authority for domain', 'Server is not an authority for domain', at);
  flagBit(f, F.truncated.name, flags, 0x0200, 'Truncated', 'Message is truncated', 'Message is not truncated', at);
  flagBit(f, F.recdesired.name, flags, 0x0100, 'Recursion desired', 'Do query recursively', 'Don\'t do query recursively', at);
  if (response) flagBit(f, F.recavail.name, flags, 0x0080, 'Recursion available', 'Server can do recursive queries', 'Server can\'t do recursive queries', at);
  flagBit(f, F.z.name, flags, 0x0040, 'Z', 'reserved - incorrect!', 'reserved (0)', at);
  if (response) flagBit(f, F.authenticated.name, flags, 0x0020, 'Answer authenticated', 'Answer/authority portion was authenticated by the server', 'Answer/authority portion was not authenticated by the server', at);
  else if (flags & F_AUTHENTIC) flagBit(f, F.authenticated.name, flags, 0x0020, 'AD bit', 'Set', 'Not set', at);
  flagBit(f, F.checkdisable.name, flags, 0x0010, 'Non-authenticated data', 'Acceptable', 'Unacceptable', at);
  if (response) rcodeItem();
}

function nameTypeClass(c: Ctx, p: number, msg: number, end: number): { name: DnsName; type: number; cls: number; used: number } {
  const name = readDnsName(c, p, msg, end);
  const at = p + name.used;
  c.need(at, 2, end);
  const type = c.v.getUint16(at);
  c.need(at + 2, 2, end);
  const cls = c.v.getUint16(at + 2);
  return { name, type, cls, used: name.used + 4 };
}

function question(c: Ctx, tree: Field[], p: number, msg: number, end: number, mdns: boolean): { used: number; type: number } {
  const { name, type, cls: raw, used } = nameTypeClass(c, p, msg, end);
  const qu = mdns ? raw & 0x8000 : 0;
  const cls = mdns ? raw & 0x7fff : raw;
  const tn = typeName(type);
  c.appendInfo(` ${tn} ${name.text}`);
  if (mdns) c.appendInfo(`, "${qu ? 'QU' : 'QM'}" question`);
  const item = leaf(tree, '', null, labelText(`${name.text}: type ${tn}, class ${DNS_CLASSES[cls] ?? 'Unknown'}`), p, used);
  // Appended to the title, so a title cut for length ("[truncated]") still gets its start.
  if (mdns) appendTitle(item, `, "${qu ? 'QU' : 'QM'}" question`);
  const q = item.children;
  leaf(q, F.qryName.name, name.text, labelNamed('Name', name.text), p, used - 4);
  const shownLen = name.len > 1 ? name.len : 0;
  generated(q, F.qryNameLen.name, shownLen, `Name Length: ${shownLen}`, p, used - 4);
  generated(q, F.labels.name, name.labels, `Label Count: ${name.labels}`, p, used - 4);
  const at = p + used - 4;
  leaf(q, F.qryType.name, type, `Type: ${typeShown(type)}`, at, 2);
  if (mdns) {
    leaf(q, F.qryClass.name, hex(cls, 4), bitsDisplay(raw, 0x7fff, 16, 'Class', classShown(cls)), at + 2, 2);
    leaf(q, F.qu.name, qu ? 1 : 0, bitsDisplay(raw, 0x8000, 16, '"QU" question', qu ? 'True' : 'False'), at + 2, 2);
  } else {
    leaf(q, F.qryClass.name, hex(cls, 4), `Class: ${classShown(cls)}`, at + 2, 2);
  }
  return { used, type };
}

/** One resource record at `p`; returns the bytes it takes. */
function record(c: Ctx, tree: Field[], p: number, msg: number, end: number, mdns: boolean): number {
  const { name, type, cls: raw, used } = nameTypeClass(c, p, msg, end);
  const flush = mdns ? raw & 0x8000 : 0;
  const cls = mdns ? raw & 0x7fff : raw;
  const tn = typeName(type);
  const at = p + used;
  c.need(at + 4, 2, end);
  const rdlen = c.v.getUint16(at + 4);
  const data = at + 6;
  c.appendInfo(` ${tn}`);
  if (mdns && flush) c.appendInfo(', cache flush');
  // The record's item spans its data: tshark adds it before reading any, so data past the message (or
  // past the capture) ends the dissection here, after Info got the type but before the record shows.
  c.need(p, data - p + rdlen, end);
  const title = type === T_OPT ? `${name.text}: type ${tn}` : `${name.text}: type ${tn}, class ${DNS_CLASSES[cls] ?? 'Unknown'}`;
  const rr = leaf(tree, '', null, labelText(title), p, data - p + rdlen);
  const t = rr.children;
  const nameLen = used - 4;
  if (type === T_OPT) optHeader(c, t, p, nameLen, name.text, mdns);
  else rrHeader(c, t, p, nameLen, name.text, type, mdns);
  if (mdns && flush) appendTitle(rr, ', cache flush');
  if (rdlen === 0) return data - p;
  dissectRdata(c, { tree: t, item: rr, type, cls, owner: name, at: data, len: rdlen, msg, end, mdns });
  return data - p + rdlen;
}

/** add_rr_to_tree: owner name (split for SRV), type, class, TTL, data length. */
function rrHeader(c: Ctx, t: Field[], p: number, nameLen: number, owner: string, type: number, mdns: boolean): void {
  if (type === T_SRV && owner) {
    // "_sip._tcp.example.org": service, protocol, and the rest.
    const parts = owner.split('.');
    leaf(t, F.srvService.name, parts[0], labelNamed('Service', parts[0]), p, nameLen);
    if (parts.length > 1) {
      leaf(t, F.srvProto.name, parts[1], labelNamed('Protocol', parts[1]), p, nameLen);
      if (parts.length > 2) {
        const rest = parts.slice(2).join('.');
        leaf(t, F.srvName.name, rest, labelNamed('Name', rest), p, nameLen);
      }
    }
  } else {
    leaf(t, F.respName.name, owner, labelNamed('Name', owner), p, nameLen);
  }
  const at = p + nameLen;
  const type2 = c.v.getUint16(at), raw = c.v.getUint16(at + 2);
  leaf(t, F.respType.name, type2, `Type: ${typeShown(type2)}`, at, 2);
  if (mdns) {
    leaf(t, F.respClass.name, hex(raw & 0x7fff, 4), bitsDisplay(raw, 0x7fff, 16, 'Class', classShown(raw & 0x7fff)), at + 2, 2);
    leaf(t, F.cacheFlush.name, raw & 0x8000 ? 1 : 0, bitsDisplay(raw, 0x8000, 16, 'Cache flush', raw & 0x8000 ? 'True' : 'False'), at + 2, 2);
  } else {
    leaf(t, F.respClass.name, hex(raw, 4), `Class: ${classShown(raw)}`, at + 2, 2);
  }
  const ttl = c.v.getUint32(at + 4);
  const ti = leaf(t, F.ttl.name, ttl, `Time to live: ${ttl} (${durationText(ttl)})`, at + 4, 4);
  if (ttl >= 0x80000000) expert(c, ti.children, at + 4, 'warning', 'protocol', 'The uppermost bit of the TTL is set (RFC 2181, section 8)', E.ttlHigh);
  const rdlen = c.v.getUint16(at + 8);
  leaf(t, F.rdlen.name, rdlen, `Data length: ${rdlen}`, at + 8, 2);
}

/** add_opt_rr_to_tree: the OPT pseudo-record's owner, type, payload size, extended RCODE, version, Z, length. */
function optHeader(c: Ctx, t: Field[], p: number, nameLen: number, owner: string, mdns: boolean): void {
  const v = c.v;
  leaf(t, F.respName.name, owner, labelNamed('Name', owner), p, nameLen);
  const at = p + nameLen;
  const type = v.getUint16(at), size = v.getUint16(at + 2);
  leaf(t, F.respType.name, type, `Type: ${typeShown(type)}`, at, 2);
  if (mdns) {
    // mDNS's variant of the field is hexadecimal: -T fields prints 0x05a0.
    leaf(t, F.payloadSize.name, hex(size & 0x7fff, 4), bitsDisplay(size, 0x7fff, 16, 'UDP payload size', hex(size & 0x7fff, 4)), at + 2, 2);
    leaf(t, F.cacheFlush.name, size & 0x8000 ? 1 : 0, bitsDisplay(size, 0x8000, 16, 'Cache flush', size & 0x8000 ? 'True' : 'False'), at + 2, 2);
  } else {
    leaf(t, F.payloadSize.name, size, `UDP payload size: ${size}`, at + 2, 2);
  }
  const ext = c.d[at + 4], version = c.d[at + 5], z = v.getUint16(at + 6);
  leaf(t, F.extRcode.name, hex(ext, 2), `Higher bits in extended RCODE: ${hex(ext, 2)}`, at + 4, 1);
  leaf(t, F.ednsVersion.name, version, `EDNS0 version: ${version}`, at + 5, 1);
  const zi = leaf(t, F.rrZ.name, hex(z, 4), `Z: ${hex(z, 4)}`, at + 6, 2);
  leaf(zi.children, F.rrZDo.name, z & 0x8000 ? 1 : 0, bitsDisplay(z, 0x8000, 16, 'DO bit', z & 0x8000 ? 'Accepts DNSSEC security RRs' : 'Cannot handle DNSSEC security RRs'), at + 6, 2);
  leaf(zi.children, F.rrZReserved.name, hex(z & 0x7fff, 4), bitsDisplay(z, 0x7fff, 16, 'Reserved', hex(z & 0x7fff, 4)), at + 6, 2);
  const rdlen = v.getUint16(at + 8);
  leaf(t, F.rdlen.name, rdlen, `Data length: ${rdlen}`, at + 8, 2);
}
