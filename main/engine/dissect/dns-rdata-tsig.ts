// The transaction records of DNS as packet-dns.c (Wireshark 4.0) shows them: TSIG (RFC 8945) and TKEY
// (RFC 2930). tshark hands a TSIG MAC to a dissector registered for its algorithm's name (none is, so it
// notes "No dissector for algorithm") and a GSS-API TKEY key to the GSS-API or NTLMSSP dissector, which we
// do not have: such a key shows as its bytes only.
import { defineField } from '../fields/registry';
import { leaf } from '../fields/tree';
import { labelNamed } from '../fields/format';
import type { Ctx } from './context';
import { defineExpert, expert } from './expert';
import { bytesItem, nameItem, u16, u32, type Rdata } from './dns-rdata-util';
import { DNS_RCODES } from './value-names';

const F = {
  tsigAlgorithm: defineField('dns.tsig.algorithm_name', 'Algorithm Name', 'string'),
  tsigTime: defineField('dns.tsig.time_signed', 'Time Signed', 'string'),
  tsigFudge: defineField('dns.tsig.fudge', 'Fudge', 'uint'),
  tsigMacSize: defineField('dns.tsig.mac_size', 'MAC Size', 'uint'),
  tsigMac: defineField('dns.tsig.mac', 'MAC', 'none'),
  tsigOriginalId: defineField('dns.tsig.original_id', 'Original Id', 'uint'),
  tsigError: defineField('dns.tsig.error', 'Error', 'uint'),
  tsigOtherLen: defineField('dns.tsig.other_len', 'Other Len', 'uint'),
  tsigOther: defineField('dns.tsig.other_data', 'Other Data', 'bytes'),
  tkeyAlgorithm: defineField('dns.tkey.algo_name', 'Algorithm name', 'string'),
  tkeyInception: defineField('dns.tkey.signature_inception', 'Signature Inception', 'string'),
  tkeyExpiration: defineField('dns.tkey.signature_expiration', 'Signature Expiration', 'string'),
  tkeyMode: defineField('dns.tkey.mode', 'Mode', 'uint'),
  tkeyError: defineField('dns.tkey.error', 'Error', 'uint'),
  tkeyKeySize: defineField('dns.tkey.key_size', 'Key Size', 'uint'),
  tkeyKey: defineField('dns.tkey.key_data', 'Key Data', 'bytes'),
  tkeyOtherSize: defineField('dns.tkey.other_size', 'Other Size', 'uint'),
  tkeyOther: defineField('dns.tkey.other_data', 'Other Data', 'bytes'),
};
const E = {
  noAlgorithm: defineExpert('dns.tsig.noalg', 'No dissector for algorithm'),
};

/** TKEY modes as `tshark -G values` lists them (dns.tkey.mode). */
const TKEY_MODES: Record<number, string> = { 1: 'Server assigned', 2: 'Diffie Hellman', 3: 'GSSAPI', 4: 'Resolver assigned', 5: 'Delete' };

export const TSIG_TYPES = { TKEY: 249, TSIG: 250 } as const;

/** Decodes the data of a TSIG or TKEY record; false for another type. */
export function dissectTsigRdata(c: Ctx, r: Rdata): boolean {
  if (r.type === TSIG_TYPES.TSIG) tsig(c, r);
  else if (r.type === TSIG_TYPES.TKEY) tkey(c, r);
  else return false;
  return true;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * Seconds since 1970 as an FT_ABSOLUTE_TIME in UTC ("Feb  7, 2106 06:28:16.000000000 UTC"), for any count a
 * 48-bit field holds: the civil date is worked out from the day number (Date stops at year 275760).
 */
function utcTime(sec: number): string {
  const days = Math.floor(sec / 86400), s = sec - days * 86400;
  // Days since 1970-01-01 to a proleptic Gregorian date, in 400-year eras.
  const z = days + 719468, era = Math.floor(z / 146097), doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100)), mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1, month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  const two = (n: number): string => String(n).padStart(2, '0');
  const hms = `${two(Math.floor(s / 3600))}:${two(Math.floor(s / 60) % 60)}:${two(s % 60)}`;
  return `${MONTHS[month - 1]} ${String(day).padStart(2, ' ')}, ${year} ${hms}.000000000 UTC`;
}

function rcode(n: number): string {
  return `${DNS_RCODES[n] ?? 'Unknown'} (${n})`;
}

/**
 * TSIG: algorithm name, the time signed (48 bits, "(high bits set)" past 32), fudge, the MAC (an item of its
 * own with the note that no dissector takes the algorithm), original ID, error and other data.
 */
function tsig(c: Ctx, r: Rdata): void {
  const t = r.tree;
  let p = r.at;
  const alg = nameItem(c, r, t, F.tsigAlgorithm.name, 'Algorithm Name', p);
  p += alg.used;
  const high = u16(c, r, p), low = u32(c, r, p + 2);
  const when = utcTime(high * 2 ** 32 + low);
  leaf(t, F.tsigTime.name, when, `Time Signed: ${when}${high ? ' (high bits set)' : ''}`, p, 6);
  p += 6;
  leaf(t, F.tsigFudge.name, u16(c, r, p), `Fudge: ${c.v.getUint16(p)}`, p, 2);
  const macLen = u16(c, r, p + 2);
  leaf(t, F.tsigMacSize.name, macLen, `MAC Size: ${macLen}`, p + 2, 2);
  p += 4;
  if (macLen) {
    // An FT_NONE item and a subset of the data: neither checks that the MAC is there (the next read does).
    const mac = leaf(t, F.tsigMac.name, 1, 'MAC', p, Math.min(macLen, c.avail(p, r.end)));
    // The message names the algorithm as printf's "%s" of it: its raw bytes.
    expert(c, mac.children, p, 'warning', 'undecoded', `No dissector for algorithm:${alg.raw}`, E.noAlgorithm);
    p += macLen;
  }
  leaf(t, F.tsigOriginalId.name, u16(c, r, p), `Original Id: ${c.v.getUint16(p)}`, p, 2);
  const error = u16(c, r, p + 2);
  leaf(t, F.tsigError.name, error, `Error: ${rcode(error)}`, p + 2, 2);
  const otherLen = u16(c, r, p + 4);
  leaf(t, F.tsigOtherLen.name, otherLen, `Other Len: ${otherLen}`, p + 4, 2);
  if (otherLen) bytesItem(c, r, t, F.tsigOther.name, 'Other Data', p + 6, otherLen);
}

/** TKEY: algorithm name, inception and expiration, mode, error, the key and other data (each with its size). */
function tkey(c: Ctx, r: Rdata): void {
  const t = r.tree;
  let p = r.at;
  p += nameItem(c, r, t, F.tkeyAlgorithm.name, 'Algorithm name', p).used;
  for (const [field, label] of [[F.tkeyInception.name, 'Signature Inception'], [F.tkeyExpiration.name, 'Signature Expiration']]) {
    const when = utcTime(u32(c, r, p));
    leaf(t, field, when, labelNamed(label, when), p, 4);
    p += 4;
  }
  const mode = u16(c, r, p);
  leaf(t, F.tkeyMode.name, mode, `Mode: ${TKEY_MODES[mode] ?? 'Unknown'} (${mode})`, p, 2);
  const error = u16(c, r, p + 2);
  leaf(t, F.tkeyError.name, error, `Error: ${rcode(error)}`, p + 2, 2);
  const keyLen = u16(c, r, p + 4);
  leaf(t, F.tkeyKeySize.name, keyLen, `Key Size: ${keyLen}`, p + 4, 2);
  p += 6;
  if (keyLen) {
    bytesItem(c, r, t, F.tkeyKey.name, 'Key Data', p, keyLen);
    p += keyLen;
  }
  const otherLen = u16(c, r, p);
  leaf(t, F.tkeyOtherSize.name, otherLen, `Other Size: ${otherLen}`, p, 2);
  if (otherLen) bytesItem(c, r, t, F.tkeyOther.name, 'Other Data', p + 2, otherLen);
}
