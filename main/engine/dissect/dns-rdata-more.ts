// More DNS record types as packet-dns.c (Wireshark 4.0) shows them: CAA, the DNSSEC types (RRSIG and SIG,
// DNSKEY and CDNSKEY, DS, CDS and DLV, NSEC3, NSEC3PARAM), NAPTR, TLSA, SSHFP and LOC. Each reads its fields
// one after the other whatever the record's length says (a short record reads on into what follows it, as in
// tshark); a count of bytes left below zero runs a byte string to the end of the data (-1) or is an error.
import type { Field } from '../types';
import { defineField } from '../fields/registry';
import { bitsDisplay, generated, leaf } from '../fields/tree';
import { asciiText, asciiValue, durationText, formatText, hex, labelNamed } from '../fields/format';
import type { Ctx } from './context';
import { defineExpert, expert } from './expert';
import { arrivalString } from './frame';
import { readDnsName } from './dns-name';
import { appendTitle, bytesItem, converted, cString, nameItem, stringItem, typeBitmap, u16, u32, u8, type Rdata } from './dns-rdata-util';
import { DNS_TYPE_DESCRIPTIONS, DNSSEC_ALGORITHMS, DNSSEC_DIGESTS, NSEC3_HASHES, SSHFP_ALGORITHMS, SSHFP_FINGERPRINTS, TLSA_MATCHING, TLSA_SELECTORS, TLSA_USAGES } from './value-names';

const F = {
  caaFlags: defineField('dns.caa.flags', 'CAA Flags', 'hex', { digits: 2 }),
  caaCritical: defineField('dns.caa.flags.issuer_critical', 'Issuer Critical', 'bool'),
  caaIssue: defineField('dns.caa.issue', 'Issue', 'string'),
  caaIssueWild: defineField('dns.caa.issuewild', 'Issue Wildcard', 'string'),
  caaIodef: defineField('dns.caa.iodef', 'Report URL', 'string'),
  caaUnknown: defineField('dns.caa.unknown', 'Unknown tag', 'string'),
  caaTagLength: defineField('dns.caa.tag_length', 'Tag length', 'uint'),
  caaTag: defineField('dns.caa.tag', 'Tag', 'string'),
  caaValue: defineField('dns.caa.value', 'Value', 'string'),
  rrsigType: defineField('dns.rrsig.type_covered', 'Type Covered', 'uint'),
  rrsigAlgorithm: defineField('dns.rrsig.algorithm', 'Algorithm', 'uint'),
  rrsigLabels: defineField('dns.rrsig.labels', 'Labels', 'uint'),
  rrsigTtl: defineField('dns.rrsig.original_ttl', 'Original TTL', 'uint'),
  rrsigExpiration: defineField('dns.rrsig.signature_expiration', 'Signature Expiration', 'string'),
  rrsigInception: defineField('dns.rrsig.signature_inception', 'Signature Inception', 'string'),
  rrsigKeyTag: defineField('dns.rrsig.key_tag', 'Key Tag', 'uint'),
  rrsigSigner: defineField('dns.rrsig.signers_name', 'Signer\'s name', 'string'),
  rrsigSignature: defineField('dns.rrsig.signature', 'Signature', 'bytes'),
  dnskeyFlags: defineField('dns.dnskey.flags', 'Flags', 'hex', { digits: 4 }),
  dnskeyZone: defineField('dns.dnskey.flags.zone_key', 'Zone Key', 'bool'),
  dnskeyRevoked: defineField('dns.dnskey.flags.key_revoked', 'Key Revoked', 'bool'),
  dnskeySep: defineField('dns.dnskey.flags.secure_entry_point', 'Key Signing Key', 'bool'),
  dnskeyReserved: defineField('dns.dnskey.flags.reserved', 'Key Signing Key', 'hex', { digits: 4 }),
  dnskeyProtocol: defineField('dns.dnskey.protocol', 'Protocol', 'uint'),
  dnskeyAlgorithm: defineField('dns.dnskey.algorithm', 'Algorithm', 'uint'),
  dnskeyKeyId: defineField('dns.dnskey.key_id', 'Key id', 'uint'),
  dnskeyPublicKey: defineField('dns.dnskey.public_key', 'Public Key', 'bytes'),
  dsKeyId: defineField('dns.ds.key_id', 'Key id', 'hex', { digits: 4 }),
  dsAlgorithm: defineField('dns.ds.algorithm', 'Algorithm', 'uint'),
  dsDigestType: defineField('dns.ds.digest_type', 'Digest Type', 'uint'),
  dsDigest: defineField('dns.ds.digest', 'Digest', 'bytes'),
  nsec3Algo: defineField('dns.nsec3.algo', 'Hash algorithm', 'uint'),
  nsec3Flags: defineField('dns.nsec3.flags', 'NSEC3 flags', 'uint'),
  nsec3OptOut: defineField('dns.nsec3.flags.opt_out', 'NSEC3 Opt-out flag', 'bool'),
  nsec3Iterations: defineField('dns.nsec3.iterations', 'NSEC3 iterations', 'uint'),
  nsec3SaltLength: defineField('dns.nsec3.salt_length', 'Salt length', 'uint'),
  nsec3Salt: defineField('dns.nsec3.salt_value', 'Salt value', 'bytes'),
  nsec3HashLength: defineField('dns.nsec3.hash_length', 'Hash length', 'uint'),
  nsec3Hash: defineField('dns.nsec3.hash_value', 'Next hashed owner', 'string'),
  tlsaUsage: defineField('dns.tlsa.certificate_usage', 'Certificate Usage', 'uint'),
  tlsaSelector: defineField('dns.tlsa.selector', 'Selector', 'uint'),
  tlsaMatching: defineField('dns.tlsa.matching_type', 'Matching Type', 'uint'),
  tlsaData: defineField('dns.tlsa.certificate_association_data', 'Certificate Association Data', 'bytes'),
  sshfpAlgorithm: defineField('dns.sshfp.algorithm', 'Algorithm', 'uint'),
  sshfpType: defineField('dns.sshfp.fingerprint.type', 'Fingerprint type', 'uint'),
  sshfpFingerprint: defineField('dns.sshfp.fingerprint', 'Fingerprint', 'bytes'),
  naptrOrder: defineField('dns.naptr.order', 'Order', 'uint'),
  naptrPreference: defineField('dns.naptr.preference', 'Preference', 'uint'),
  naptrFlagsLength: defineField('dns.naptr.flags_length', 'Flags Length', 'uint'),
  naptrFlags: defineField('dns.naptr.flags', 'Flags', 'string'),
  naptrServiceLength: defineField('dns.naptr.service_length', 'Service Length', 'uint'),
  naptrService: defineField('dns.naptr.service', 'Service', 'string'),
  naptrRegexLength: defineField('dns.naptr.regex_length', 'Regex Length', 'uint'),
  naptrRegex: defineField('dns.naptr.regex', 'Regex', 'string'),
  naptrReplacementLength: defineField('dns.naptr.replacement_length', 'Replacement Length', 'uint'),
  naptrReplacement: defineField('dns.naptr.replacement', 'Replacement', 'string'),
  locVersion: defineField('dns.loc.version', 'Version', 'uint'),
  locSize: defineField('dns.loc.size', 'Size', 'uint'),
  locHorizontal: defineField('dns.loc.horizontal_precision', 'Horizontal Precision', 'uint'),
  locVertical: defineField('dns.loc.vertical_precision', 'Vertical Precision', 'uint'),
  locLatitude: defineField('dns.loc.latitude', 'Latitude', 'uint'),
  locLongitude: defineField('dns.loc.longitude', 'Longitude', 'uint'),
  locAltitude: defineField('dns.loc.altitude', 'Altitude', 'uint'),
  locUnknown: defineField('dns.loc.unknown_data', 'Unknown data', 'bytes'),
};
const E = {
  keyIdShort: defineExpert('dns.key_id_buffer_too_short', 'Buffer too short to compute a key id'),
};

export const MORE_TYPES = {
  SIG: 24, LOC: 29, NAPTR: 35, DS: 43, SSHFP: 44, RRSIG: 46, DNSKEY: 48, NSEC3: 50, NSEC3PARAM: 51, TLSA: 52,
  CDS: 59, CDNSKEY: 60, CAA: 257, DLV: 32769,
} as const;
const T = MORE_TYPES;

/** A value of a table as a value_string field shows it: "Name (n)", "Unknown (n)". */
function named(table: Readonly<Record<number, string>>, n: number): string {
  return `${table[n] ?? 'Unknown'} (${n})`;
}

/** Decodes the data of one of MORE_TYPES' record types; false for another type. */
export function dissectMoreRdata(c: Ctx, r: Rdata): boolean {
  switch (r.type) {
    case T.CAA: caa(c, r); return true;
    case T.RRSIG: case T.SIG: rrsig(c, r); return true;
    case T.DNSKEY: case T.CDNSKEY: dnskey(c, r); return true;
    case T.DS: case T.CDS: case T.DLV: ds(c, r); return true;
    case T.NSEC3: case T.NSEC3PARAM: nsec3(c, r); return true;
    case T.TLSA: tlsa(c, r); return true;
    case T.SSHFP: sshfp(c, r); return true;
    case T.NAPTR: naptr(c, r); return true;
    case T.LOC: loc(c, r); return true;
    default: return false;
  }
}

/** strncmp(a, b, n) == 0, a being the bytes of a C string (it ends at its first NUL or its end). */
function sameStart(a: Uint8Array, b: string, n: number): boolean {
  for (let i = 0; i < n; i++) {
    const x = i < a.length ? a[i] : 0, y = i < b.length ? b.charCodeAt(i) : 0;
    if (x !== y) return false;
    if (x === 0) return true;
  }
  return true;
}

/**
 * CAA (RFC 8659): flags, then a tag and its value. The value is the rest of the record (its length wraps as a
 * 16-bit count when the tag runs past the record) and is shown formatted; the tag names the item ("issue"
 * matches as strncmp over the tag's length does, so a tag that starts "issue", or is empty, is an issue).
 */
function caa(c: Ctx, r: Rdata): void {
  const d = c.d, t = r.tree;
  let p = r.at;
  const flags = u8(c, r, p);
  const fi = leaf(t, F.caaFlags.name, hex(flags, 2), `CAA Flags: ${hex(flags, 2)}`, p, 1);
  leaf(fi.children, F.caaCritical.name, flags & 0x80 ? 1 : 0, bitsDisplay(flags, 0x80, 8, 'Issuer Critical', flags & 0x80 ? 'Critical' : 'Not critical'), p, 1);
  p++;
  const tagLen = u8(c, r, p);
  c.need(p + 1, tagLen, r.end);
  const valueAt = p + 1 + tagLen, valueLen = (r.len - (tagLen + 2)) & 0xffff;
  c.need(valueAt, valueLen, r.end);
  const tag = converted(d, p + 1, tagLen, false);
  const value = formatText(converted(d, valueAt, valueLen, false).subarray(0, valueLen));
  const [field, label] = sameStart(tag, 'issue', tagLen) ? [F.caaIssue.name, 'Issue']
    : sameStart(tag, 'issuewild', tagLen) ? [F.caaIssueWild.name, 'Issue Wildcard']
      : sameStart(tag, 'iodef', tagLen) ? [F.caaIodef.name, 'Report URL'] : [F.caaUnknown.name, 'Unknown tag'];
  const item = leaf(t, field, value, labelNamed(label, value), p, 1 + tagLen + valueLen);
  leaf(item.children, F.caaTagLength.name, tagLen, `Tag length: ${tagLen}`, p, 1);
  let nul = p + 1;
  while (nul < valueAt && d[nul] !== 0) nul++;
  leaf(item.children, F.caaTag.name, asciiValue(d, p + 1, nul - p - 1), labelNamed('Tag', asciiText(d, p + 1, nul - p - 1)), p + 1, tagLen);
  leaf(item.children, F.caaValue.name, value, labelNamed('Value', value), valueAt, valueLen);
}

/** RRSIG (RFC 4034) and SIG (RFC 2535): what is signed, by which key, when, and the signature. */
function rrsig(c: Ctx, r: Rdata): void {
  const t = r.tree;
  let p = r.at;
  const covered = u16(c, r, p);
  leaf(t, F.rrsigType.name, covered, `Type Covered: ${named(DNS_TYPE_DESCRIPTIONS, covered)}`, p, 2);
  const algo = u8(c, r, p + 2);
  leaf(t, F.rrsigAlgorithm.name, algo, `Algorithm: ${named(DNSSEC_ALGORITHMS, algo)}`, p + 2, 1);
  leaf(t, F.rrsigLabels.name, u8(c, r, p + 3), `Labels: ${c.d[p + 3]}`, p + 3, 1);
  const ttl = u32(c, r, p + 4);
  leaf(t, F.rrsigTtl.name, ttl, `Original TTL: ${ttl} (${durationText(ttl)})`, p + 4, 4);
  for (const [at, field, label] of [[p + 8, F.rrsigExpiration.name, 'Signature Expiration'], [p + 12, F.rrsigInception.name, 'Signature Inception']] as const) {
    const when = arrivalString(u32(c, r, at), 0);
    leaf(t, field, when, `${label}: ${when}`, at, 4);
  }
  leaf(t, F.rrsigKeyTag.name, u16(c, r, p + 16), `Key Tag: ${c.v.getUint16(p + 16)}`, p + 16, 2);
  p += 18;
  const signer = nameItem(c, r, t, F.rrsigSigner.name, 'Signer\'s name', p);
  p += signer.used;
  const left = r.len - (p - r.at);
  if (left !== 0) bytesItem(c, r, t, F.rrsigSignature.name, 'Signature', p, left);
}

/**
 * DNSKEY and CDNSKEY (RFC 4034, 7344): flags, protocol, algorithm, the key tag worked out from the whole record
 * data (RFC 4034 appendix B; RSA/MD5 keys take two bytes of the key), and the public key.
 */
function dnskey(c: Ctx, r: Rdata): void {
  const d = c.d, t = r.tree;
  const p = r.at;
  const flags = u16(c, r, p);
  const fi = leaf(t, F.dnskeyFlags.name, hex(flags, 4), `Flags: ${hex(flags, 4)}`, p, 2);
  const bit = (field: string, mask: number, label: string, on: string, off: string): void => {
    leaf(fi.children, field, flags & mask ? 1 : 0, bitsDisplay(flags, mask, 16, label, flags & mask ? on : off), p, 2);
  };
  bit(F.dnskeyZone.name, 0x0100, 'Zone Key', 'This is the zone key for specified zone', 'This it not a zone key');
  bit(F.dnskeyRevoked.name, 0x0080, 'Key Revoked', 'Yes', 'No');
  bit(F.dnskeySep.name, 0x0001, 'Key Signing Key', 'Yes', 'No');
  const reserved = hex((flags & 0xfe7e) >> 1, 4);
  leaf(fi.children, F.dnskeyReserved.name, reserved, bitsDisplay(flags, 0xfe7e, 16, 'Key Signing Key', reserved), p, 2);
  leaf(t, F.dnskeyProtocol.name, u8(c, r, p + 2), `Protocol: ${d[p + 2]}`, p + 2, 1);
  const algo = u8(c, r, p + 3);
  leaf(t, F.dnskeyAlgorithm.name, algo, `Algorithm: ${named(DNSSEC_ALGORITHMS, algo)}`, p + 3, 1);
  const id = keyTag(c, r, t, algo);
  if (id !== null) generated(t, F.dnskeyKeyId.name, id, `Key id: ${id}`, 0, 0);
  bytesItem(c, r, t, F.dnskeyPublicKey.name, 'Public Key', p + 4, r.len - 4);
}

/** compute_key_id over the record's data (DNSKEY's and KEY's); null (with an expert item) when it is shorter than 4 bytes. */
export function keyTag(c: Ctx, r: Rdata, t: Field[], algo: number): number | null {
  const d = c.d;
  let size = r.len, at = r.at;
  if (size < 4) {
    // proto_tree_add_expert: a text item (no field of its own) with the expert item under it.
    const item = generated(t, '', null, 'Buffer too short to compute a key id', at, size);
    expert(c, item.children, at, 'warning', 'protocol', 'Buffer too short to compute a key id', E.keyIdShort);
    return null;
  }
  if (algo === 1) return ((d[at + size - 3] << 8) + d[at + size - 2]) & 0xffff;
  let ac = 0;
  for (; size > 1; size -= 2, at += 2) ac += (d[at] << 8) + d[at + 1];
  if (size > 0) ac += d[at] << 8;
  ac += (ac >>> 16) & 0xffff;
  return ac & 0xffff;
}

/** DS, CDS and DLV (RFC 4034, 7344, 4431): the key's tag, its algorithm, the digest's type and the digest. */
function ds(c: Ctx, r: Rdata): void {
  const t = r.tree, p = r.at;
  const id = u16(c, r, p);
  leaf(t, F.dsKeyId.name, hex(id, 4), `Key id: ${hex(id, 4)}`, p, 2);
  const algo = u8(c, r, p + 2);
  leaf(t, F.dsAlgorithm.name, algo, `Algorithm: ${named(DNSSEC_ALGORITHMS, algo)}`, p + 2, 1);
  const digest = u8(c, r, p + 3);
  leaf(t, F.dsDigestType.name, digest, `Digest Type: ${named(DNSSEC_DIGESTS, digest)}`, p + 3, 1);
  bytesItem(c, r, t, F.dsDigest.name, 'Digest', p + 4, r.len - 4);
}

const BASE32HEX = '0123456789abcdefghijklmnopqrstuv';

/**
 * NSEC3 and NSEC3PARAM (RFC 5155): hash algorithm, flags, iterations, salt; NSEC3 then the next hashed owner
 * (in base32hex, read 5 bits at a time, the last group reading on past the hash) and the type bit maps.
 * NSEC3PARAM puts the owner in Info and shows no opt-out flag.
 */
function nsec3(c: Ctx, r: Rdata): void {
  const d = c.d, t = r.tree;
  const param = r.type === T.NSEC3PARAM;
  let p = r.at;
  if (param) c.appendInfo(` ${r.owner.raw}`);
  const algo = u8(c, r, p);
  leaf(t, F.nsec3Algo.name, algo, `Hash algorithm: ${named(NSEC3_HASHES, algo)}`, p, 1);
  const flags = u8(c, r, p + 1);
  const fi = leaf(t, F.nsec3Flags.name, flags, `NSEC3 flags: ${flags}`, p + 1, 1);
  if (!param) {
    leaf(fi.children, F.nsec3OptOut.name, flags & 1, bitsDisplay(flags, 0x01, 8, 'NSEC3 Opt-out flag',
      flags & 1 ? 'Additional insecure delegations allowed' : 'Additional insecure delegations forbidden'), p + 1, 1);
  }
  leaf(t, F.nsec3Iterations.name, u16(c, r, p + 2), `NSEC3 iterations: ${c.v.getUint16(p + 2)}`, p + 2, 2);
  const saltLen = u8(c, r, p + 4);
  leaf(t, F.nsec3SaltLength.name, saltLen, `Salt length: ${saltLen}`, p + 4, 1);
  p += 5;
  bytesItem(c, r, t, F.nsec3Salt.name, 'Salt value', p, saltLen);
  if (param) return;
  p += saltLen;
  const hashLen = u8(c, r, p);
  leaf(t, F.nsec3HashLength.name, hashLen, `Hash length: ${hashLen}`, p, 1);
  p++;
  if (hashLen) {
    let s = '';
    for (let bit = 0; bit / 8 < hashLen; bit += 5) {
      const at = p + (bit >> 3), shift = bit & 7;
      c.need(at, shift > 3 ? 2 : 1, r.end);
      const word = (d[at] << 8) | (shift > 3 ? d[at + 1] : 0);
      s += BASE32HEX[(word >> (11 - shift)) & 31];
    }
    generated(t, F.nsec3Hash.name, s, labelNamed('Next hashed owner', s), p, hashLen);
    p += hashLen;
  }
  typeBitmap(c, r, p, r.len - (p - r.at));
}

/** TLSA (RFC 6698): the owner in Info, usage, selector, matching type and the association data. */
function tlsa(c: Ctx, r: Rdata): void {
  const t = r.tree, p = r.at;
  c.appendInfo(` ${r.owner.raw}`);
  const usage = u8(c, r, p);
  leaf(t, F.tlsaUsage.name, usage, `Certificate Usage: ${named(TLSA_USAGES, usage)}`, p, 1);
  const selector = u8(c, r, p + 1);
  leaf(t, F.tlsaSelector.name, selector, `Selector: ${named(TLSA_SELECTORS, selector)}`, p + 1, 1);
  const matching = u8(c, r, p + 2);
  leaf(t, F.tlsaMatching.name, matching, `Matching Type: ${named(TLSA_MATCHING, matching)}`, p + 2, 1);
  bytesItem(c, r, t, F.tlsaData.name, 'Certificate Association Data', p + 3, r.len - 3);
}

/** SSHFP (RFC 4255): key algorithm, fingerprint type, and the fingerprint when there is one. */
function sshfp(c: Ctx, r: Rdata): void {
  const t = r.tree, p = r.at;
  const algo = u8(c, r, p);
  leaf(t, F.sshfpAlgorithm.name, algo, `Algorithm: ${named(SSHFP_ALGORITHMS, algo)}`, p, 1);
  const type = u8(c, r, p + 1);
  leaf(t, F.sshfpType.name, type, `Fingerprint type: ${named(SSHFP_FINGERPRINTS, type)}`, p + 1, 1);
  if (r.len - 2 !== 0) bytesItem(c, r, t, F.sshfpFingerprint.name, 'Fingerprint', p + 2, r.len - 2);
}

/**
 * NAPTR (RFC 3403): order, preference, three counted strings (flags, service, regex) and the replacement name
 * (its length generated); Info and the title get order, preference and flags once all is read.
 */
function naptr(c: Ctx, r: Rdata): void {
  const d = c.d, t = r.tree;
  let p = r.at;
  const order = u16(c, r, p);
  leaf(t, F.naptrOrder.name, order, `Order: ${order}`, p, 2);
  const pref = u16(c, r, p + 2);
  leaf(t, F.naptrPreference.name, pref, `Preference: ${pref}`, p + 2, 2);
  p += 4;
  let flags = '';
  for (const [lenField, field, label] of [[F.naptrFlagsLength.name, F.naptrFlags.name, 'Flags'], [F.naptrServiceLength.name, F.naptrService.name, 'Service'],
    [F.naptrRegexLength.name, F.naptrRegex.name, 'Regex']]) {
    const n = u8(c, r, p);
    leaf(t, lenField, n, `${label} Length: ${n}`, p, 1);
    p++;
    c.need(p, n, r.end);
    stringItem(c, t, field, label, p, n, false);
    if (field === F.naptrFlags.name) flags = cString(d, p, n);
    p += n;
  }
  const n = readDnsName(c, p, r.msg, r.end);
  generated(t, F.naptrReplacementLength.name, n.len & 0xff, `Replacement Length: ${n.len & 0xff}`, p, 0);
  leaf(t, F.naptrReplacement.name, n.text, labelNamed('Replacement', n.text), p, n.used);
  c.appendInfo(` ${order} ${pref} ${flags}`);
  appendTitle(r.item, `, order ${order}, preference ${pref}, flags ${flags}`);
}

/** C's printf %g: 6 significant digits, trailing zeros dropped, an exponent (at least 2 digits) outside 1e-4..1e6. */
function gText(x: number): string {
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  const exp = Number(x.toExponential(5).split('e')[1]);
  if (exp < -4 || exp >= 6) {
    const [m, e] = x.toExponential(5).split('e');
    const mant = m.includes('.') ? m.replace(/0+$/, '').replace(/\.$/, '') : m;
    const en = Number(e);
    return `${mant}e${en < 0 ? '-' : '+'}${String(Math.abs(en)).padStart(2, '0')}`;
  }
  const s = x.toFixed(Math.max(0, 5 - exp));
  return s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s;
}

/** rfc1867_size: a LOC size or precision byte (mantissa, power of ten) in metres. */
function locSize(b: number): string {
  let size = b >> 4;
  for (let e = b & 15; e; e--) size *= 10;
  return gText(size / 100);
}

/** rfc1867_angle: thousandths of an arc second from 2^31, as degrees, minutes, seconds and a hemisphere. */
function locAngle(raw: number, longitude: boolean): string {
  let angle: number, dir: string;
  if (raw < 0x80000000) {
    angle = 0x80000000 - raw;
    dir = longitude ? 'W' : 'S';
  } else {
    angle = raw - 0x80000000;
    dir = longitude ? 'E' : 'N';
  }
  if (angle > (longitude ? 648000000 : 324000000)) return 'Value out of range';
  const tsecs = angle % 1000;
  angle = Math.floor(angle / 1000);
  const secs = angle % 60;
  angle = Math.floor(angle / 60);
  return `${Math.floor(angle / 60)} deg ${angle % 60} min ${secs}.${String(tsecs).padStart(3, '0')} sec ${dir}`;
}

/** LOC (RFC 1876): version 0 is size, precisions, latitude, longitude and altitude; any other version is data. */
function loc(c: Ctx, r: Rdata): void {
  const t = r.tree;
  let p = r.at;
  const version = u8(c, r, p);
  leaf(t, F.locVersion.name, version, `Version: ${version}`, p, 1);
  if (version !== 0) {
    bytesItem(c, r, t, F.locUnknown.name, 'Unknown data', p, r.len);
    return;
  }
  p++;
  for (const [field, label] of [[F.locSize.name, 'Size'], [F.locHorizontal.name, 'Horizontal Precision'], [F.locVertical.name, 'Vertical Precision']]) {
    const b = u8(c, r, p);
    leaf(t, field, b, `${label}: ${b} (${locSize(b)} m)`, p, 1);
    p++;
  }
  for (const [field, label, longitude] of [[F.locLatitude.name, 'Latitude', false], [F.locLongitude.name, 'Longitude', true]] as const) {
    const raw = u32(c, r, p);
    leaf(t, field, raw, `${label}: ${raw} (${locAngle(raw, longitude)})`, p, 4);
    p += 4;
  }
  const alt = u32(c, r, p);
  leaf(t, F.locAltitude.name, alt, `Altitude: ${alt} (${gText(((alt | 0) - 10000000) / 100)} m)`, p, 4);
}
