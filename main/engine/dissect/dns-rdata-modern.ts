// DNS record types of the zone-maintenance and Microsoft kinds as packet-dns.c (Wireshark 4.0) shows them:
// CSYNC, ZONEMD, WINS, WINS-R and XPF. Fields are read one after the other whatever the record's length says,
// as tshark reads them (a short record reads on into what follows it).
import { defineField } from '../fields/registry';
import { bitsDisplay, leaf } from '../fields/tree';
import { hex, ipv4, ipv6, labelNamed } from '../fields/format';
import type { Ctx } from './context';
import { readDnsName } from './dns-name';
import { appendTitle, bytesItem, typeBitmap, u16, u32, u8, type Rdata } from './dns-rdata-util';
import { ipProtoName } from './ip-proto';

const F = {
  csyncSoa: defineField('dns.csync.soa', 'SOA', 'uint'),
  csyncFlags: defineField('dns.csync.flags', 'Flags', 'hex', { digits: 4 }),
  csyncImmediate: defineField('dns.csync.flags.immediate', 'immediate', 'bool'),
  csyncSoaMinimum: defineField('dns.csync.flags.soaminimum', 'soaminimum', 'bool'),
  csyncBitmap: defineField('dns.csync.type_bitmap', 'Type Bitmap', 'bytes'),
  zonemdSerial: defineField('dns.zonemd.serial', 'Serial', 'uint'),
  zonemdScheme: defineField('dns.zonemd.scheme', 'Scheme', 'uint'),
  zonemdHash: defineField('dns.zonemd.hash_algo', 'Hash Algorithm', 'uint'),
  zonemdDigest: defineField('dns.zonemd.digest', 'Digest', 'bytes'),
  winsLocal: defineField('dns.wins.local_flag', 'Local Flag', 'bool'),
  winsLookup: defineField('dns.wins.lookup_timeout', 'Lookup timeout', 'uint'),
  winsCache: defineField('dns.wins.cache_timeout', 'Cache timeout', 'uint'),
  winsCount: defineField('dns.wins.nb_wins_servers', 'Number of WINS servers', 'uint'),
  winsServer: defineField('dns.wins.wins_server', 'WINS Server Address', 'ipv4'),
  winsrLocal: defineField('dns.winsr.local_flag', 'Local Flag', 'bool'),
  winsrLookup: defineField('dns.winsr.lookup_timeout', 'Lookup timeout', 'uint'),
  winsrCache: defineField('dns.winsr.cache_timeout', 'Cache timeout', 'uint'),
  winsrDomain: defineField('dns.winsr.name_result_domain', 'Name Result Domain', 'string'),
  xpfVersion: defineField('dns.xpf.ip_version', 'IP Version', 'uint'),
  xpfProtocol: defineField('dns.xpf.protocol', 'Protocol', 'uint'),
  xpfSrc4: defineField('dns.xpf.source_ipv4', 'IPv4 Source', 'ipv4'),
  xpfDst4: defineField('dns.xpf.destination_ipv4', 'IPv4 Destination', 'ipv4'),
  xpfSrc6: defineField('dns.xpf.source_ipv6', 'IPv6 Source', 'ipv6'),
  xpfDst6: defineField('dns.xpf.destination_ipv6', 'IPv6 Destination', 'ipv6'),
  xpfSport: defineField('dns.xpf.sport', 'Source port', 'uint'),
  xpfDport: defineField('dns.xpf.dport', 'Destination port', 'uint'),
};

/** Value names as `tshark -G values` lists them for these fields (ZONEMD's by range). */
const ZONEMD_SCHEMES: readonly (readonly [number, number, string])[] = [[0, 0, 'Reserved'], [1, 1, 'SIMPLE'], [2, 239, 'Unassigned'], [240, 254, 'Private Use'], [255, 255, 'Reserved']];
const ZONEMD_HASHES: readonly (readonly [number, number, string])[] = [[0, 0, 'Reserved'], [1, 1, 'SHA-384'], [2, 2, 'SHA-512'], [3, 239, 'Unassigned'], [240, 254, 'Private Use'], [255, 255, 'Reserved']];
const IP_VERSIONS: Record<number, string> = { 0: 'Reserved', 4: 'IPv4', 5: 'ST Datagram', 6: 'IPv6', 7: 'TP/IX', 8: 'PIP', 9: 'TUBA' };

export const MODERN_TYPES = { CSYNC: 62, ZONEMD: 63, WINS: 65281, WINS_R: 65282, XPF: 65422 } as const;
const T = MODERN_TYPES;

function ranged(table: readonly (readonly [number, number, string])[], n: number): string {
  return `${table.find(([lo, hi]) => n >= lo && n <= hi)?.[2] ?? 'Unknown'} (${n})`;
}

/** Decodes the data of one of MODERN_TYPES' record types; false for another type. */
export function dissectModernRdata(c: Ctx, r: Rdata): boolean {
  switch (r.type) {
    case T.CSYNC: csync(c, r); return true;
    case T.ZONEMD: zonemd(c, r); return true;
    case T.WINS: case T.WINS_R: wins(c, r); return true;
    case T.XPF: xpf(c, r); return true;
    default: return false;
  }
}

/** CSYNC (RFC 7477): the SOA serial, flags, then the type bit map (its bytes as one item, then each type). */
function csync(c: Ctx, r: Rdata): void {
  const t = r.tree, p = r.at;
  const soa = u32(c, r, p);
  leaf(t, F.csyncSoa.name, soa, `SOA: ${soa}`, p, 4);
  const flags = u16(c, r, p + 4);
  const fi = leaf(t, F.csyncFlags.name, hex(flags, 4), `Flags: ${hex(flags, 4)}`, p + 4, 2);
  leaf(fi.children, F.csyncImmediate.name, flags & 1, bitsDisplay(flags, 0x0001, 16, 'immediate', flags & 1 ? 'True' : 'False'), p + 4, 2);
  leaf(fi.children, F.csyncSoaMinimum.name, flags & 2 ? 1 : 0, bitsDisplay(flags, 0x0002, 16, 'soaminimum', flags & 2 ? 'True' : 'False'), p + 4, 2);
  bytesItem(c, r, t, F.csyncBitmap.name, 'Type Bitmap', p + 6, r.len - 6);
  typeBitmap(c, r, p + 6, r.len - 6);
}

/** ZONEMD (RFC 8976): serial, scheme, hash algorithm and the digest (the rest of the record). */
function zonemd(c: Ctx, r: Rdata): void {
  const t = r.tree, p = r.at;
  const serial = u32(c, r, p);
  leaf(t, F.zonemdSerial.name, serial, `Serial: ${serial}`, p, 4);
  const scheme = u8(c, r, p + 4);
  leaf(t, F.zonemdScheme.name, scheme, `Scheme: ${ranged(ZONEMD_SCHEMES, scheme)}`, p + 4, 1);
  const hash = u8(c, r, p + 5);
  leaf(t, F.zonemdHash.name, hash, `Hash Algorithm: ${ranged(ZONEMD_HASHES, hash)}`, p + 5, 1);
  bytesItem(c, r, t, F.zonemdDigest.name, 'Digest', p + 6, r.len - 6);
}

/**
 * Microsoft's WINS and WINS-R: the local flag and two timeouts, then WINS servers (as many as the count says
 * while the record's length, counted down by 4 and only tested against 0, lasts) or the WINS-R domain name
 * (in Info and the title).
 */
function wins(c: Ctx, r: Rdata): void {
  const t = r.tree;
  let p = r.at;
  const isR = r.type === T.WINS_R;
  const [local, lookup, cache] = isR ? [F.winsrLocal, F.winsrLookup, F.winsrCache] : [F.winsLocal, F.winsLookup, F.winsCache];
  const flag = u32(c, r, p);
  leaf(t, local.name, flag & 1, bitsDisplay(flag, 1, 32, 'Local Flag', flag & 1 ? 'True' : 'False'), p, 4);
  leaf(t, lookup.name, u32(c, r, p + 4), `Lookup timeout: ${c.v.getUint32(p + 4)}`, p + 4, 4);
  leaf(t, cache.name, u32(c, r, p + 8), `Cache timeout: ${c.v.getUint32(p + 8)}`, p + 8, 4);
  p += 12;
  if (isR) {
    const n = readDnsName(c, p, r.msg, r.end);
    leaf(t, F.winsrDomain.name, n.text, labelNamed('Name Result Domain', n.text), p, n.used);
    c.appendInfo(` ${n.text}`);
    appendTitle(r.item, `, name result domain ${n.text}`);
    return;
  }
  let count = u32(c, r, p);
  leaf(t, F.winsCount.name, count, `Number of WINS servers: ${count}`, p, 4);
  p += 4;
  // The loop stops when the count runs out or the record's length comes to exactly 0; otherwise it reads
  // on until the message ends (each read is checked, so a count of 4 billion still stops there).
  for (let left = r.len - 16; left !== 0 && count !== 0; left -= 4, count--, p += 4) {
    c.need(p, 4, r.end);
    leaf(t, F.winsServer.name, ipv4(c.d, p), `WINS Server Address: ${ipv4(c.d, p)}`, p, 4);
  }
}

/** XPF (draft-bellis-dnsop-xpf): an IP version, then for 4 and 6 the protocol, addresses and ports. */
function xpf(c: Ctx, r: Rdata): void {
  const d = c.d, t = r.tree;
  let p = r.at;
  const version = u8(c, r, p);
  leaf(t, F.xpfVersion.name, version, `IP Version: ${IP_VERSIONS[version] ?? 'Unknown'} (${version})`, p, 1);
  p++;
  if (version !== 4 && version !== 6) return;
  const proto = u8(c, r, p);
  leaf(t, F.xpfProtocol.name, proto, `Protocol: ${ipProtoName(proto)} (${proto})`, p, 1);
  p++;
  const [size, show, src, dst, v] = version === 4 ? [4, ipv4, F.xpfSrc4, F.xpfDst4, 'IPv4'] : [16, ipv6, F.xpfSrc6, F.xpfDst6, 'IPv6'];
  for (const [field, label] of [[src.name, `${v} Source`], [dst.name, `${v} Destination`]]) {
    c.need(p, size, r.end);
    const a = show(d, p);
    leaf(t, field, a, `${label}: ${a}`, p, size);
    p += size;
  }
  leaf(t, F.xpfSport.name, u16(c, r, p), `Source port: ${c.v.getUint16(p)}`, p, 2);
  leaf(t, F.xpfDport.name, u16(c, r, p + 2), `Destination port: ${c.v.getUint16(p + 2)}`, p + 2, 2);
}
