// Client Hello and Server Hello as tshark 4.0 shows them (packet-tls-utils.c's ssl_dissect_hnd_cli_hello /
// srv_hello): version, random (with its GMT time unless the session is TLS 1.3), session id, cipher suites,
// compression methods, the extensions (tls-ext.ts), and the JA3 / JA3S fingerprints with their MD5.
import type { Field } from '../types';
import { defineField } from '../fields/registry';
import { add, addNum, generated } from '../fields/tree';
import { labelNamed } from '../fields/format';
import type { Ctx } from './context';
import { arrivalString } from './frame';
import { CIPHER_SUITES, COMPRESSION_METHODS, VERSIONS } from './tls-names';
import { sessionVersion, setOfferedResumption, setSessionCipher, TLS13 } from './tls-session';
import { bytesItem, named, noneItem } from './tls-handshake';
import { extensions, isGrease, type HelloFacts } from './tls-ext';
import { md5Hex } from './md5';
import { need, vec } from './tls-vector';

const F = {
  version: defineField('tls.handshake.version', 'Version', 'hex', { digits: 4, names: VERSIONS }),
  random: defineField('tls.handshake.random', 'Random', 'bytes'),
  randomTime: defineField('tls.handshake.random_time', 'GMT Unix Time', 'string'),
  randomBytes: defineField('tls.handshake.random_bytes', 'Random Bytes', 'bytes'),
  sessionIdLength: defineField('tls.handshake.session_id_length', 'Session ID Length', 'uint'),
  sessionId: defineField('tls.handshake.session_id', 'Session ID', 'bytes'),
  suitesLength: defineField('tls.handshake.cipher_suites_length', 'Cipher Suites Length', 'uint'),
  suites: defineField('tls.handshake.ciphersuites', 'Cipher Suites', 'none'),
  suite: defineField('tls.handshake.ciphersuite', 'Cipher Suite', 'hex', { digits: 4, names: CIPHER_SUITES }),
  compLength: defineField('tls.handshake.comp_methods_length', 'Compression Methods Length', 'uint'),
  comps: defineField('tls.handshake.comp_methods', 'Compression Methods', 'none'),
  comp: defineField('tls.handshake.comp_method', 'Compression Method', 'uint', { names: COMPRESSION_METHODS }),
  ja3Full: defineField('tls.handshake.ja3_full', 'JA3 Fullstring', 'string'),
  ja3: defineField('tls.handshake.ja3', 'JA3', 'string'),
  ja3sFull: defineField('tls.handshake.ja3s_full', 'JA3S Fullstring', 'string'),
  ja3s: defineField('tls.handshake.ja3s', 'JA3S', 'string'),
};

/** The random of a Hello Retry Request (RFC 8446 4.1.3): SHA-256 of "HelloRetryRequest". */
const HRR_RANDOM = 'cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c';

/**
 * tls_scan_server_hello: the version a Server Hello settles (its supported_versions extension's, else its
 * own) and whether it is a Hello Retry Request.
 */
export function serverHelloVersion(c: Ctx, off: number, end: number): { version: number; hrr: boolean } {
  if (end - off < 2 || c.avail(off, end) < 2) return { version: 0, hrr: false };
  let version = c.v.getUint16(off);
  let hrr = false;
  if (c.avail(off, end) >= 34) {
    let r = '';
    for (let i = 0; i < 32; i++) r += c.d[off + 2 + i].toString(16).padStart(2, '0');
    hrr = r === HRR_RANDOM;
  }
  // version, random, session id, cipher suite, compression method, extensions.
  let p = off + 34;
  if (p + 1 > end || c.avail(p, end) < 1) return { version, hrr };
  p += 1 + c.d[p] + 3;
  if (p + 2 > end || c.avail(p, end) < 2) return { version, hrr };
  const extEnd = Math.min(end, p + 2 + c.v.getUint16(p));
  p += 2;
  while (p + 4 <= extEnd && c.avail(p, extEnd) >= 4) {
    const type = c.v.getUint16(p), len = c.v.getUint16(p + 2);
    if (type === 43 && len === 2 && c.avail(p + 4, extEnd) >= 2) version = c.v.getUint16(p + 4);
    p += 4 + len;
  }
  return { version, hrr };
}

function u16(c: Ctx, p: number): number {
  return c.v.getUint16(p);
}

/** Version, random and session id, as both hellos start (ssl_dissect_hnd_hello_common). */
function common(c: Ctx, t: Field[], off: number, end: number, hrr: boolean): number {
  need(c, off, 2);
  named(t, F.version, off, 2, u16(c, off));
  need(c, off + 2, 32);
  const random = bytesItem(c, t, F.random.name, 'Random', off + 2, 32);
  if (hrr) random.display += ' (HelloRetryRequest magic)';
  // (A TLS 1.3 random has no time in it.)
  if (sessionVersion(c) !== TLS13) {
    const secs = c.v.getUint32(off + 2);
    const when = arrivalString(secs, 0);
    add(random.children, F.randomTime, off + 2, 4, when, `GMT Unix Time: ${when}`);
    bytesItem(c, random.children, F.randomBytes.name, 'Random Bytes', off + 6, 28);
  }
  let p = off + 34;
  need(c, p, 1);
  const idLen = c.d[p];
  addNum(t, F.sessionIdLength, p, 1, idLen);
  p++;
  if (idLen > 0) {
    need(c, p, idLen);
    bytesItem(c, t, F.sessionId.name, 'Session ID', p, idLen);
    p += idLen;
  }
  return p;
}

export function clientHello(c: Ctx, t: Field[], off: number, end: number): void {
  const version = (need(c, off, 2), u16(c, off));
  let p = common(c, t, off, end, false);
  // The session ID offered to resume with (a ticket is seen among the extensions).
  setOfferedResumption(c, c.d[off + 34] > 0);
  const suitesLen = vec(c, t, p, end, F.suitesLength, 2, 0xfffe);
  if (suitesLen === null) return;
  p += 2;
  const n = suitesLen >> 1;
  const list = noneItem(t, F.suites, p, suitesLen, `Cipher Suites (${n} suite${n === 1 ? '' : 's'})`).children;
  const ciphers: number[] = [];
  for (let i = 0; i < n; i++) {
    need(c, p + i * 2, 2);
    const v = u16(c, p + i * 2);
    named(list, F.suite, p + i * 2, 2, v);
    if (!isGrease(v)) ciphers.push(v);
  }
  p += suitesLen;
  const compLen = vec(c, t, p, end, F.compLength, 1, 0xff);
  if (compLen === null) return;
  p++;
  const comps = noneItem(t, F.comps, p, compLen, `Compression Methods (${compLen} method${compLen === 1 ? '' : 's'})`).children;
  for (let i = 0; i < compLen; i++) {
    need(c, p + i, 1);
    named(comps, F.comp, p + i, 1, c.d[p + i]);
  }
  p += compLen;
  const facts: HelloFacts = { types: [], groups: [], pointFormats: [] };
  const whole = p < end ? extensions(c, t, p, end, 1, facts) : true;
  const full = `${version},${ciphers.join('-')},${facts.types.join('-')}${whole ? `,${facts.groups.join('-')},${facts.pointFormats.join('-')}` : ''}`;
  fingerprint(t, F.ja3Full.name, 'JA3 Fullstring', F.ja3.name, 'JA3', full);
}

export function serverHello(c: Ctx, t: Field[], off: number, end: number, hrr: boolean): void {
  const version = (need(c, off, 2), u16(c, off));
  let p = common(c, t, off, end, hrr);
  need(c, p, 3);
  const suite = u16(c, p);
  named(t, F.suite, p, 2, suite);
  setSessionCipher(c, suite);
  p += 2;
  named(t, F.comp, p, 1, c.d[p]);
  p++;
  const facts: HelloFacts = { types: [], groups: [], pointFormats: [] };
  if (p < end) extensions(c, t, p, end, hrr ? 6 : 2, facts);
  fingerprint(t, F.ja3sFull.name, 'JA3S Fullstring', F.ja3s.name, 'JA3S', `${version},${suite},${facts.types.join('-')}`);
}

/** The JA3 / JA3S items: the fingerprint string and its MD5 (generated, at no bytes). */
function fingerprint(t: Field[], fullName: string, fullLabel: string, hashName: string, hashLabel: string, full: string): void {
  generated(t, fullName, full, labelNamed(fullLabel, full), 0, 0);
  const hash = md5Hex(new TextEncoder().encode(full));
  generated(t, hashName, hash, `${hashLabel}: ${hash}`, 0, 0);
}
