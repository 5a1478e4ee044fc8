// SSLv2 records as tshark 4.0's dissect_ssl2_record shows them. tshark tries them where a session's version is
// unknown (or TLS 1.3) and the data starts with a byte ≥ 0x80 then a v2 message type, so garbage in a TLS 1.3
// connection can be one: a 2- or 3-byte header, desegmentation like any record, and, for what is not a
// plausible v2 handshake message, "Encrypted Data". (The v2 handshake messages themselves are not decoded.)
import type { Field } from '../types';
import type { Ctx } from './context';
import { generated, leaf } from '../fields/tree';
import { sessionVersion, setSessionVersion, SSLV2 } from './tls-session';
import { VERSIONS } from './tls-names';

/** ssl_looks_like_sslv2: a first byte with its high bit set and a v2 message type (error, client hello, client master key, server hello) third. */
export function looksLikeSslv2(c: Ctx, p: number, end: number): boolean {
  c.need(p, 1, end);
  if (c.d[p] < 0x80) return false;
  c.need(p + 2, 1, end);
  return [0, 1, 2, 4].includes(c.d[p + 2]);
}

/** ssl_is_v2_client_hello: 0x80, then a client hello's type third (tried first in an SSL 3.0 … TLS 1.2 session). */
export function isV2ClientHello(c: Ctx, p: number, end: number): boolean {
  c.need(p, 1, end);
  if (c.d[p] !== 0x80) return false;
  c.need(p + 2, 1, end);
  return c.d[p + 2] === 1;
}

/** One SSLv2 record at `p`; the offset after it, or how many more bytes TCP must gather. */
export function ssl2Record(c: Ctx, tree: Field[], p: number, end: number): number | { more: number } {
  const first = c.d[p];
  const hdr = first & 0x80 ? 2 : 3;
  const avail = end - p;
  if (avail < hdr) return c.canDesegment ? { more: hdr - avail } : end;
  c.need(p, hdr, end);
  const length = hdr === 2 ? ((first & 0x7f) << 8) | c.d[p + 1] : ((first & 0x3f) << 8) | c.d[p + 1];
  if (avail < hdr + length) return c.canDesegment ? { more: hdr + length - avail } : end;
  const rec = leaf(tree, 'tls.record', 1, 'SSLv2 Record Layer', p, hdr + length);
  c.need(p + hdr, 1, end);
  const type = c.d[p + hdr];
  // A v2 message that decides the version (server hello and later) makes the session SSLv2.
  if (!sessionVersion(c) && type >= 2 && type <= 8) setSessionVersion(c, SSLV2);
  c.setProtocol('SSLv2');
  c.appendInfoSep(', ', 'Encrypted Data');
  rec.display = 'SSLv2 Record Layer: Encrypted Data';
  generated(rec.children, 'tls.record.version', '0x0002', `Version: ${VERSIONS[SSLV2]} (0x0002)`, p, 0);
  return p + hdr + length;
}
