// Rarer DNS record types as packet-dns.c (Wireshark 4.0) shows them: the RFC 1183 ones (RP, AFSDB, X25, ISDN,
// RT), MINFO, NSAP and NSAP-PTR, PX, GPOS, KX, CERT, DHCID, OPENPGPKEY, the ILNP ones (NID, L32, L64, LP) and
// EUI48/EUI64. Many put the record's owner in Info; fields are read one after the other whatever the
// record's length says, as tshark reads them.
import { defineField } from '../fields/registry';
import { leaf } from '../fields/tree';
import { bytesColon, hex, ipv4, labelNamed } from '../fields/format';
import type { Ctx } from './context';
import { readDnsName } from './dns-name';
import { appendTitle, bytesItem, nameItem, stringItem, u16, u8, type Rdata } from './dns-rdata-util';
import { CERT_TYPES, DNSSEC_ALGORITHMS } from './value-names';

const F = {
  minfoR: defineField('dns.minfo.r', 'Responsible Mailbox', 'string'),
  minfoE: defineField('dns.minfo.e', 'Error Mailbox', 'string'),
  rpMailbox: defineField('dns.rp.mailbox', 'Mailbox', 'string'),
  rpTxt: defineField('dns.rp.txt_rr', 'TXT RR', 'string'),
  afsdbSubtype: defineField('dns.afsdb.subtype', 'Subtype', 'uint'),
  afsdbHost: defineField('dns.afsdb.hostname', 'Hostname', 'string'),
  x25Length: defineField('dns.x25.length', 'Length', 'uint'),
  x25Address: defineField('dns.x25.psdn_address', 'PSDN-Address', 'string'),
  isdnLength: defineField('dns.idsn.length', 'Length', 'uint'),
  isdnAddress: defineField('dns.idsn.address', 'ISDN Address', 'string'),
  isdnSaLength: defineField('dns.idsn.sa.length', 'Length', 'uint'),
  isdnSa: defineField('dns.idsn.sa.address', 'Sub Address', 'string'),
  rtPreference: defineField('dns.rt.subtype', 'Preference', 'uint'),
  rtHost: defineField('dns.rt.intermediate_host', 'Intermediate Hostname', 'string'),
  nsap: defineField('dns.nsap.rdata', 'NSAP Data', 'bytes'),
  nsapPtr: defineField('dns.nsap_ptr.owner', 'Owner', 'string'),
  pxPreference: defineField('dns.px.preference', 'Preference', 'uint'),
  px822: defineField('dns.px.map822', 'MAP822', 'string'),
  px400: defineField('dns.px.map400', 'MAPX400', 'string'),
  gposLongLen: defineField('dns.gpos.longitude_length', 'Longitude length', 'uint'),
  gposLong: defineField('dns.gpos.longitude', 'Longitude', 'string'),
  gposLatLen: defineField('dns.gpos.latitude_length', 'Latitude length', 'uint'),
  gposLat: defineField('dns.gpos.latitude', 'Latitude', 'string'),
  gposAltLen: defineField('dns.gpos.altitude_length', 'Altitude length', 'uint'),
  gposAlt: defineField('dns.gpos.altitude', 'Altitude', 'string'),
  kxPreference: defineField('dns.kx.preference', 'Preference', 'uint'),
  kxHost: defineField('dns.kx.key_exchange', 'Key Exchange', 'string'),
  certType: defineField('dns.cert.type', 'Type', 'uint'),
  certKeyTag: defineField('dns.cert.key_tag', 'Key Tag', 'hex', { digits: 4 }),
  certAlgorithm: defineField('dns.cert.algorithm', 'Algorithm', 'uint'),
  certData: defineField('dns.cert.certificate', 'Certificate (or CRL)', 'bytes'),
  dhcid: defineField('dns.dhcid.rdata', 'DHCID Data', 'bytes'),
  openpgpkey: defineField('dns.openpgpkey', 'OpenPGP Key', 'string'),
  nidPreference: defineField('dns.ilnp.nid.preference', 'Preference', 'uint'),
  nid: defineField('dns.ilnp.nid', 'NodeID', 'bytes'),
  l32Preference: defineField('dns.ilnp.l32.preference', 'Preference', 'uint'),
  l32: defineField('dns.ilnp.l32', 'Locator32', 'ipv4'),
  l64Preference: defineField('dns.ilnp.l64.preference', 'Preference', 'uint'),
  l64: defineField('dns.ilnp.l64', 'Locator64', 'bytes'),
  lpPreference: defineField('dns.ilnp.lp.preference', 'Preference', 'uint'),
  lp: defineField('dns.ilnp.lp', 'Locator FQDN', 'string'),
  eui48: defineField('dns.eui48', 'EUI48 Address', 'mac'),
  eui64: defineField('dns.eui64', 'EUI64 Address', 'string'),
};

const T = {
  MINFO: 14, RP: 17, AFSDB: 18, X25: 19, ISDN: 20, RT: 21, NSAP: 22, NSAP_PTR: 23, PX: 26, GPOS: 27, KX: 36, CERT: 37,
  DHCID: 49, OPENPGPKEY: 61, NID: 104, L32: 105, L64: 106, LP: 107, EUI48: 108, EUI64: 109,
} as const;

/** Types whose Info gets the record's owner name before anything is read. */
const OWNER_IN_INFO = new Set<number>([T.MINFO, T.RP, T.AFSDB, T.X25, T.ISDN, T.RT, T.NSAP, T.NSAP_PTR, T.PX, T.GPOS, T.DHCID]);

/** A length byte and the counted ASCII string after it; returns where the string ends. */
function counted(c: Ctx, r: Rdata, p: number, lenField: string, lenLabel: string, field: string, label: string): number {
  const n = u8(c, r, p);
  leaf(r.tree, lenField, n, `${lenLabel}: ${n}`, p, 1);
  c.need(p + 1, n, r.end);
  stringItem(c, r.tree, field, label, p + 1, n, false);
  return p + 1 + n;
}

/** A preference (uint16) and the name after it, the name read first (its error leaves no preference item). */
function prefName(c: Ctx, r: Rdata, prefField: string, prefLabel: string, field: string, label: string): { pref: number; text: string } {
  const p = r.at;
  const n = readDnsName(c, p + 2, r.msg, r.end);
  const pref = u16(c, r, p);
  leaf(r.tree, prefField, pref, `${prefLabel}: ${pref}`, p, 2);
  leaf(r.tree, field, n.text, labelNamed(label, n.text), p + 2, n.used);
  return { pref, text: n.text };
}

/** Decodes the data of one of this file's record types; false for another type. */
export function dissectRareRdata(c: Ctx, r: Rdata): boolean {
  const d = c.d, t = r.tree;
  let p = r.at;
  if (!(Object.values(T) as number[]).includes(r.type)) return false;
  if (OWNER_IN_INFO.has(r.type)) c.appendInfo(` ${r.owner.raw}`);
  switch (r.type) {
    case T.MINFO: case T.RP: {
      const [f1, l1, f2, l2] = r.type === T.MINFO ? [F.minfoR.name, 'Responsible Mailbox', F.minfoE.name, 'Error Mailbox'] : [F.rpMailbox.name, 'Mailbox', F.rpTxt.name, 'TXT RR'];
      p += nameItem(c, r, t, f1, l1, p).used;
      nameItem(c, r, t, f2, l2, p);
      break;
    }
    case T.AFSDB:
      prefName(c, r, F.afsdbSubtype.name, 'Subtype', F.afsdbHost.name, 'Hostname');
      break;
    case T.RT:
      prefName(c, r, F.rtPreference.name, 'Preference', F.rtHost.name, 'Intermediate Hostname');
      break;
    case T.KX: {
      // Info and the title get the preference and the name before the items.
      const n = readDnsName(c, p + 2, r.msg, r.end);
      const pref = u16(c, r, p);
      c.appendInfo(` ${pref} ${n.text}`);
      appendTitle(r.item, `, preference ${pref}, kx ${n.text}`);
      leaf(t, F.kxPreference.name, pref, `Preference: ${pref}`, p, 2);
      leaf(t, F.kxHost.name, n.text, labelNamed('Key Exchange', n.text), p + 2, n.used);
      break;
    }
    case T.X25:
      counted(c, r, p, F.x25Length.name, 'Length', F.x25Address.name, 'PSDN-Address');
      break;
    case T.ISDN: {
      const after = counted(c, r, p, F.isdnLength.name, 'Length', F.isdnAddress.name, 'ISDN Address');
      // The subaddress is optional: read when more than one byte is left.
      if (r.len - (after - p) > 1) counted(c, r, after, F.isdnSaLength.name, 'Length', F.isdnSa.name, 'Sub Address');
      break;
    }
    case T.GPOS:
      p = counted(c, r, p, F.gposLongLen.name, 'Longitude length', F.gposLong.name, 'Longitude');
      p = counted(c, r, p, F.gposLatLen.name, 'Latitude length', F.gposLat.name, 'Latitude');
      counted(c, r, p, F.gposAltLen.name, 'Altitude length', F.gposAlt.name, 'Altitude');
      break;
    case T.NSAP:
      bytesItem(c, r, t, F.nsap.name, 'NSAP Data', p, r.len);
      break;
    case T.DHCID:
      bytesItem(c, r, t, F.dhcid.name, 'DHCID Data', p, r.len);
      break;
    case T.NSAP_PTR:
      nameItem(c, r, t, F.nsapPtr.name, 'Owner', p);
      break;
    case T.PX: {
      const pref = u16(c, r, p);
      leaf(t, F.pxPreference.name, pref, `Preference: ${pref}`, p, 2);
      p += 2;
      p += nameItem(c, r, t, F.px822.name, 'MAP822', p).used;
      nameItem(c, r, t, F.px400.name, 'MAPX400', p);
      break;
    }
    case T.CERT: {
      const type = u16(c, r, p);
      leaf(t, F.certType.name, type, `Type: ${CERT_TYPES[type] ?? 'Unknown'} (${type})`, p, 2);
      const tag = u16(c, r, p + 2);
      leaf(t, F.certKeyTag.name, hex(tag, 4), `Key Tag: ${hex(tag, 4)}`, p + 2, 2);
      const algo = u8(c, r, p + 4);
      leaf(t, F.certAlgorithm.name, algo, `Algorithm: ${DNSSEC_ALGORITHMS[algo] ?? 'Unknown'} (${algo})`, p + 4, 1);
      if (r.len - 5 !== 0) bytesItem(c, r, t, F.certData.name, 'Certificate (or CRL)', p + 5, r.len - 5);
      break;
    }
    case T.OPENPGPKEY:
      c.need(p, r.len, r.end);
      stringItem(c, t, F.openpgpkey.name, 'OpenPGP Key', p, r.len, false);
      break;
    case T.NID: case T.L64: {
      const [pf, f, label] = r.type === T.NID ? [F.nidPreference.name, F.nid.name, 'NodeID'] : [F.l64Preference.name, F.l64.name, 'Locator64'];
      leaf(t, pf, u16(c, r, p), `Preference: ${c.v.getUint16(p)}`, p, 2);
      bytesItem(c, r, t, f, label, p + 2, 8);
      break;
    }
    case T.L32: {
      leaf(t, F.l32Preference.name, u16(c, r, p), `Preference: ${c.v.getUint16(p)}`, p, 2);
      c.need(p + 2, 4, r.end);
      const a = ipv4(d, p + 2);
      leaf(t, F.l32.name, a, `Locator32: ${a}`, p + 2, 4);
      break;
    }
    case T.LP:
      leaf(t, F.lpPreference.name, u16(c, r, p), `Preference: ${c.v.getUint16(p)}`, p, 2);
      nameItem(c, r, t, F.lp.name, 'Locator FQDN', p + 2);
      break;
    case T.EUI48: case T.EUI64: {
      const n = r.type === T.EUI48 ? 6 : 8;
      c.need(p, n, r.end);
      const a = bytesColon(d, p, n);
      // An EUI-64 shows its (unresolved) name after it.
      leaf(t, n === 6 ? F.eui48.name : F.eui64.name, a, n === 6 ? `EUI48 Address: ${a}` : `EUI64 Address: ${a} (${a})`, p, n);
      break;
    }
  }
  return true;
}
