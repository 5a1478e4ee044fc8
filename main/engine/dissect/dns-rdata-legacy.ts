// Older DNS record types as packet-dns.c (Wireshark 4.0) shows them: WKS, KEY, NXT, A6, APL, IPSECKEY and HIP.
// Fields are read one after the other whatever the record's length says (a short record reads on into what
// follows it, as in tshark); a count of bytes left below zero runs a byte string to the end of the data (-1)
// or is an error, as bytesItem does.
import { defineField } from '../fields/registry';
import { bitsDisplay, generated, leaf } from '../fields/tree';
import { hex, ipv4, ipv6, labelNamed } from '../fields/format';
import type { Ctx } from './context';
import { readDnsName } from './dns-name';
import { keyTag } from './dns-rdata-more';
import { appendTitle, bytesItem, nameItem, u16, u8, type Rdata } from './dns-rdata-util';
import { ipProtoName } from './ip-proto';
import { DNS_TYPE_DESCRIPTIONS, DNSSEC_ALGORITHMS } from './value-names';

const F = {
  wksAddress: defineField('dns.wks.address', 'Address', 'ipv4'),
  wksProtocol: defineField('dns.wks.protocol', 'Protocol', 'uint'),
  wksBits: defineField('dns.wks.bits', 'Bits', 'hex', { digits: 2 }),
  keyFlags: defineField('dns.key.flags', 'Flags', 'hex', { digits: 4 }),
  keyAuth: defineField('dns.key.flags.authentication', 'Key allowed for authentication', 'bool'),
  keyConf: defineField('dns.key.flags.confidentiality', 'Key allowed for confidentiality', 'bool'),
  keyRequired: defineField('dns.key.flags.required', 'Key required', 'bool'),
  keyUser: defineField('dns.key.flags.associated_user', 'Key is associated with a user', 'bool'),
  keyEntity: defineField('dns.key.flags.associated_named_entity', 'Key is associated with the named entity', 'bool'),
  keyIpsec: defineField('dns.key.flags.ipsec', 'Key use with IPSEC', 'bool'),
  keyMime: defineField('dns.key.flags.mime', 'Key use with MIME security multiparts', 'bool'),
  keySignatory: defineField('dns.key.flags.signatory', 'Signatory', 'uint'),
  keyProtocol: defineField('dns.key.protocol', 'Protocol', 'uint'),
  keyAlgorithm: defineField('dns.key.algorithm', 'Algorithm', 'uint'),
  keyId: defineField('dns.key.key_id', 'Key ID', 'uint'),
  keyPublic: defineField('dns.key.public_key', 'Public Key', 'bytes'),
  a6PrefixLen: defineField('dns.a6.prefix_len', 'Prefix len', 'uint'),
  a6Suffix: defineField('dns.a6.address_suffix', 'Address Suffix', 'ipv6'),
  a6PrefixName: defineField('dns.a6.prefix_name', 'Prefix name', 'string'),
  aplFamily: defineField('dns.apl.address_family', 'Address Family', 'uint'),
  aplPrefix: defineField('dns.apl.coded_prefix', 'Prefix Length', 'uint'),
  aplNegation: defineField('dns.apl.negation', 'Negation Flag', 'bool'),
  aplLength: defineField('dns.apl.afdlength', 'Address Length', 'uint'),
  aplIpv4: defineField('dns.apl.afdpart.ipv4', 'Address', 'ipv4'),
  aplIpv6: defineField('dns.apl.afdpart.ipv6', 'Address', 'ipv6'),
  aplData: defineField('dns.apl.afdpart.data', 'Address', 'bytes'),
  gwPrecedence: defineField('dns.ipseckey.gateway_precedence', 'Gateway Precedence', 'uint'),
  gwType: defineField('dns.ipseckey.gateway_type', 'Gateway Type', 'uint'),
  gwAlgorithm: defineField('dns.ipseckey.gateway_algorithm', 'Gateway Algorithm', 'uint'),
  gwIpv4: defineField('dns.ipseckey.gateway_ipv4', 'IPv4 Gateway', 'ipv4'),
  gwIpv6: defineField('dns.ipseckey.gateway_ipv6', 'IPv6 Gateway', 'ipv6'),
  gwDns: defineField('dns.ipseckey.gateway_dns', 'DNS Gateway', 'string'),
  ipsecKey: defineField('dns.ipseckey.public_key', 'Public Key', 'bytes'),
  hitLength: defineField('dns.hip.hit.length', 'HIT length', 'uint'),
  hipAlgo: defineField('dns.hip.hit.pk.algo', 'HIT length', 'uint'),
  pkLength: defineField('dns.hip.pk.length', 'PK length', 'uint'),
  hit: defineField('dns.hip.hit', 'Host Identity Tag', 'bytes'),
  hipKey: defineField('dns.hip.pk', 'HIP Public Key', 'bytes'),
  rendezvous: defineField('dns.hip.rendezvous_server', 'Rendezvous Server', 'string'),
  nxtNext: defineField('dns.nxt.next_domain_name', 'Next Domain Name', 'string'),
  rrType: defineField('dns.resp.type', 'Type', 'uint'),
};

/** Value names as `tshark -G values` lists them for these fields. */
const APL_FAMILIES: Record<number, string> = { 1: 'IPv4', 2: 'IPv6' };
const GATEWAY_TYPES: Record<number, string> = { 0: 'No Gateway', 1: 'IPv4 Gateway', 2: 'IPv6 Gateway', 3: 'DNS Gateway' };
const GATEWAY_ALGORITHMS: Record<number, string> = { 1: 'DSA', 2: 'RSA' };
const HIP_ALGORITHMS: Record<number, string> = { 0: 'Reserved', 1: 'DSA', 2: 'RSA' };

export const LEGACY_TYPES = { WKS: 11, KEY: 25, NXT: 30, A6: 38, APL: 42, IPSECKEY: 45, HIP: 55 } as const;
const T = LEGACY_TYPES;

function named(table: Readonly<Record<number, string>>, n: number): string {
  return `${table[n] ?? 'Unknown'} (${n})`;
}

/** Decodes the data of one of LEGACY_TYPES' record types; false for another type. */
export function dissectLegacyRdata(c: Ctx, r: Rdata): boolean {
  switch (r.type) {
    case T.WKS: wks(c, r); return true;
    case T.KEY: key(c, r); return true;
    case T.NXT: nxt(c, r); return true;
    case T.A6: a6(c, r); return true;
    case T.APL: apl(c, r); return true;
    case T.IPSECKEY: ipseckey(c, r); return true;
    case T.HIP: hip(c, r); return true;
    default: return false;
  }
}

/**
 * WKS (RFC 1035): address, protocol, then a bit map of ports, a "Bits" item for each byte with a bit set naming
 * its ports (numbers, as under -n). The map runs until the record's length is used up, so a record shorter than
 * 5 bytes reads on until the message ends.
 */
function wks(c: Ctx, r: Rdata): void {
  const d = c.d, t = r.tree;
  let p = r.at;
  c.need(p, 4, r.end);
  const addr = ipv4(d, p);
  c.appendInfo(` ${addr}`);
  appendTitle(r.item, `, addr ${addr}`);
  leaf(t, F.wksAddress.name, addr, `Address: ${addr}`, p, 4);
  const proto = u8(c, r, p + 4);
  leaf(t, F.wksProtocol.name, proto, `Protocol: ${ipProtoName(proto)} (${proto})`, p + 4, 1);
  p += 5;
  let left = r.len - 5, port = 0;
  while (left !== 0) {
    const bits = u8(c, r, p);
    if (bits) {
      const ports: number[] = [];
      for (let i = 0; i < 8; i++) if (bits & (0x80 >> i)) ports.push(port + i);
      leaf(t, F.wksBits.name, hex(bits, 2), `Bits: ${hex(bits, 2)} (${ports.join(', ')})`, p, 1);
    }
    port += 8;
    p++;
    left--;
  }
}

/**
 * KEY (RFC 2535): flags (a key-less record, both of the first two bits set, shows those two only), protocol,
 * algorithm, the key id worked out as DNSKEY's, and the public key when bytes are left.
 */
function key(c: Ctx, r: Rdata): void {
  const t = r.tree, p = r.at;
  const flags = u16(c, r, p);
  const fi = leaf(t, F.keyFlags.name, hex(flags, 4), `Flags: ${hex(flags, 4)}`, p, 2);
  const bit = (field: string, mask: number, label: string, on: string, off: string): void => {
    leaf(fi.children, field, flags & mask ? 1 : 0, bitsDisplay(flags, mask, 16, label, flags & mask ? on : off), p, 2);
  };
  bit(F.keyAuth.name, 0x8000, 'Key allowed for authentication', 'Not Allowed', 'Allowed');
  bit(F.keyConf.name, 0x4000, 'Key allowed for confidentiality', 'Not Allowed', 'Allowed');
  if ((flags & 0xc000) !== 0xc000) {
    bit(F.keyRequired.name, 0x2000, 'Key required', 'Experimental or optional', 'Required');
    bit(F.keyUser.name, 0x0400, 'Key is associated with a user', 'Yes', 'No');
    bit(F.keyEntity.name, 0x0200, 'Key is associated with the named entity', 'Yes', 'No');
    bit(F.keyIpsec.name, 0x0080, 'Key use with IPSEC', 'Valid', 'Invalid');
    bit(F.keyMime.name, 0x0040, 'Key use with MIME security multiparts', 'Valid', 'Invalid');
    leaf(fi.children, F.keySignatory.name, flags & 15, bitsDisplay(flags, 0x000f, 16, 'Signatory', String(flags & 15)), p, 2);
  }
  leaf(t, F.keyProtocol.name, u8(c, r, p + 2), `Protocol: ${c.d[p + 2]}`, p + 2, 1);
  const algo = u8(c, r, p + 3);
  leaf(t, F.keyAlgorithm.name, algo, `Algorithm: ${named(DNSSEC_ALGORITHMS, algo)}`, p + 3, 1);
  const id = keyTag(c, r, t, algo);
  if (id !== null) generated(t, F.keyId.name, id, `Key ID: ${id}`, 0, 0);
  if (r.len - 4 !== 0) bytesItem(c, r, t, F.keyPublic.name, 'Public Key', p + 4, r.len - 4);
}

/**
 * NXT (RFC 2535): the next domain name (in Info and the title), then a bit per type from type 0, one byte
 * after the other until the record's length is used up (read on past the record when it is shorter).
 */
function nxt(c: Ctx, r: Rdata): void {
  const t = r.tree;
  let p = r.at;
  const n = readDnsName(c, p, r.msg, r.end);
  c.appendInfo(` ${n.text}`);
  appendTitle(r.item, `, next domain name ${n.text}`);
  leaf(t, F.nxtNext.name, n.text, labelNamed('Next Domain Name', n.text), p, n.used);
  p += n.used;
  for (let left = r.len - n.used, type = 0; left !== 0; left--, p++) {
    const bits = u8(c, r, p);
    for (let bit = 0; bit < 8; bit++, type++) {
      if (bits & (0x80 >> bit)) leaf(t, F.rrType.name, type, `RR type in bit map: ${DNS_TYPE_DESCRIPTIONS[type] ?? `Unknown (${type})`}`, p, 1);
    }
  }
}

/**
 * A6 (RFC 2874): prefix length, the address suffix (the bytes of its 128 - prefix bits, right-aligned in an
 * IPv6 address) and, for a prefix longer than 0, the prefix name. tshark keeps the suffix's bit count in 16
 * bits: a prefix over 128 reads 16 bytes but gives the suffix item a length of thousands, and the dissection
 * stops there (Malformed).
 */
function a6(c: Ctx, r: Rdata): void {
  const d = c.d, t = r.tree;
  let p = r.at;
  const pre = u8(c, r, p);
  p++;
  const sufBits = (128 - pre) & 0xffff;
  const octets = sufBits ? Math.floor((sufBits - 1) / 8) + 1 : 0;
  const suffix = new Uint8Array(16);
  const first = octets <= 16 ? 16 - octets : 0;
  c.need(p, 16 - first, r.end);
  suffix.set(d.subarray(p, p + 16 - first), first);
  p += 16 - first;
  const n = pre > 0 ? readDnsName(c, p, r.msg, r.end) : null;
  const nameText = n ? n.text : '';
  const addr = ipv6(suffix, 0);
  c.appendInfo(` ${pre} ${addr} ${nameText}`);
  leaf(t, F.a6PrefixLen.name, pre, `Prefix len: ${pre}`, r.at, 1);
  if (sufBits) {
    leaf(t, F.a6Suffix.name, addr, `Address Suffix: ${addr}`, r.at + 1, Math.min(octets, c.avail(r.at + 1, r.end)));
    if (octets > 16) c.fail();
  }
  if (n) leaf(t, F.a6PrefixName.name, n.text, labelNamed('Prefix name', n.text), r.at + 1 + octets, n.used);
  appendTitle(r.item, `, addr ${pre} ${addr} ${nameText}`);
}

/**
 * APL (RFC 3123): items of address family, prefix length, negation flag and address length, then the address
 * (IPv4 up to 4 bytes and IPv6 up to 16, zero-filled; anything else as bytes), while more than one byte is left.
 */
function apl(c: Ctx, r: Rdata): void {
  const d = c.d, t = r.tree;
  let p = r.at, left = r.len;
  c.appendInfo(` ${r.owner.raw}`);
  while (left > 1) {
    const family = u16(c, r, p);
    leaf(t, F.aplFamily.name, family, `Address Family: ${named(APL_FAMILIES, family)}`, p, 2);
    const prefix = u8(c, r, p + 2);
    leaf(t, F.aplPrefix.name, prefix, `Prefix Length: ${prefix}`, p + 2, 1);
    const b = u8(c, r, p + 3), n = b & 0x7f;
    leaf(t, F.aplNegation.name, b & 0x80 ? 1 : 0, bitsDisplay(b, 0x80, 8, 'Negation Flag', b & 0x80 ? 'Yes (!)' : 'No (0)'), p + 3, 1);
    leaf(t, F.aplLength.name, n, bitsDisplay(b, 0x7f, 8, 'Address Length', String(n)), p + 3, 1);
    p += 4;
    left -= 4;
    if ((family === 1 && n <= 4) || (family === 2 && n <= 16)) {
      c.need(p, n, r.end);
      const a = new Uint8Array(16);
      a.set(d.subarray(p, p + n));
      const [field, text] = family === 1 ? [F.aplIpv4.name, ipv4(a, 0)] : [F.aplIpv6.name, ipv6(a, 0)];
      leaf(t, field, text, `Address: ${text}`, p, n);
    } else {
      bytesItem(c, r, t, F.aplData.name, 'Address', p, n);
    }
    p += n;
    left -= n;
  }
}

/** IPSECKEY (RFC 4025): precedence, gateway type and algorithm, the gateway as its type says, then the public key. */
function ipseckey(c: Ctx, r: Rdata): void {
  const d = c.d, t = r.tree;
  let p = r.at;
  leaf(t, F.gwPrecedence.name, u8(c, r, p), `Gateway Precedence: ${d[p]}`, p, 1);
  const type = u8(c, r, p + 1);
  leaf(t, F.gwType.name, type, `Gateway Type: ${named(GATEWAY_TYPES, type)}`, p + 1, 1);
  const algo = u8(c, r, p + 2);
  leaf(t, F.gwAlgorithm.name, algo, `Gateway Algorithm: ${named(GATEWAY_ALGORITHMS, algo)}`, p + 2, 1);
  p += 3;
  if (type === 1 || type === 2) {
    const [size, field, label, show] = type === 1 ? [4, F.gwIpv4.name, 'IPv4 Gateway', ipv4] : [16, F.gwIpv6.name, 'IPv6 Gateway', ipv6];
    c.need(p, size, r.end);
    const a = show(d, p);
    leaf(t, field, a, `${label}: ${a}`, p, size);
    p += size;
  } else if (type === 3) {
    p += nameItem(c, r, t, F.gwDns.name, 'DNS Gateway', p).used;
  }
  const left = r.len - (p - r.at);
  if (left !== 0) bytesItem(c, r, t, F.ipsecKey.name, 'Public Key', p, left);
}

/** HIP (RFC 8005): HIT length, PK algorithm and length, the HIT, the public key, then rendezvous servers. */
function hip(c: Ctx, r: Rdata): void {
  const t = r.tree;
  let p = r.at;
  c.appendInfo(` ${r.owner.raw}`);
  const hitLen = u8(c, r, p);
  leaf(t, F.hitLength.name, hitLen, `HIT length: ${hitLen}`, p, 1);
  const algo = u8(c, r, p + 1);
  leaf(t, F.hipAlgo.name, algo, `HIT length: ${named(HIP_ALGORITHMS, algo)}`, p + 1, 1);
  const pkLen = u16(c, r, p + 2);
  leaf(t, F.pkLength.name, pkLen, `PK length: ${pkLen}`, p + 2, 2);
  p += 4;
  bytesItem(c, r, t, F.hit.name, 'Host Identity Tag', p, hitLen);
  p += hitLen;
  bytesItem(c, r, t, F.hipKey.name, 'HIP Public Key', p, pkLen);
  p += pkLen;
  let left = r.len - (p - r.at);
  while (left > 1) {
    const used = nameItem(c, r, t, F.rendezvous.name, 'Rendezvous Server', p).used;
    p += used;
    left -= used;
  }
}
