// TLS over TCP as tshark 4.0's packet-tls.c shows it without keys: the record layer (several records in a
// segment, a record over several segments through TCP desegmentation), the Info column joining each
// record's text with ", ", the Protocol column naming the version (the record's while the session's is not
// known, then the session's), and Change Cipher Spec, Alert and Application Data records. Handshake
// messages are in tls-handshake.ts.
import type { Field } from '../types';
import { defineField } from '../fields/registry';
import { addNum, addText, generated, leaf, unwanted } from '../fields/tree';
import { bytesText } from '../fields/tree';
import type { Ctx } from './context';
import { defineExpert, expert } from './expert';
import { ONE_MORE_SEGMENT, type Deseg } from './tcp-desegment';
import { ALERT_DESCRIPTIONS, ALERT_LEVELS, APP_DATA_PROTOCOLS, CONTENT_TYPES, VERSIONS } from './tls-names';
import {
  SSLV2, SSLV3, TLCP, TLS10, TLS11, TLS12, TLS13, alpnApp, ccsFrame, claimForTls, fromServer, resumedAtServerCcs, sessionVersion,
  setCcsFrame, shortName, trySetVersion, validContentType,
} from './tls-session';
import { dissectHandshakes, named, noneItem } from './tls-handshake';
import { tlsData } from './tls-vector';
import { isV2ClientHello, looksLikeSslv2, ssl2Record } from './tls-ssl2';

const F = {
  record: defineField('tls.record', 'Record Layer', 'none'),
  contentType: defineField('tls.record.content_type', 'Content Type', 'uint', { names: CONTENT_TYPES }),
  opaqueType: defineField('tls.record.opaque_type', 'Opaque Type', 'uint', { names: CONTENT_TYPES }),
  version: defineField('tls.record.version', 'Version', 'hex', { digits: 4, names: VERSIONS }),
  length: defineField('tls.record.length', 'Length', 'uint'),
  ccs: defineField('tls.change_cipher_spec', 'Change Cipher Spec Message', 'none'),
  alert: defineField('tls.alert_message', 'Alert Message', 'none'),
  alertLevel: defineField('tls.alert_message.level', 'Level', 'uint', { names: ALERT_LEVELS }),
  alertDesc: defineField('tls.alert_message.desc', 'Description', 'uint', { names: ALERT_DESCRIPTIONS }),
  appData: defineField('tls.app_data', 'Encrypted Application Data', 'bytes'),
  appProto: defineField('tls.app_data_proto', 'Application Data Protocol', 'string'),
};
defineField('tls', 'Transport Layer Security', 'protocol');
const IGNORED = defineExpert('tls.ignored_unknown_record', 'Ignored Unknown Record');
const RESUMED_TEXT = 'This session reuses previously negotiated keys (Session resumption)';
const RESUMED = defineExpert('tls.resumed', RESUMED_TEXT);

/** is_sslv3_or_tls: TLS's TCP heuristic (a Handshake or Application Data record header with a sane length). */
export function looksLikeTls(d: Uint8Array, off: number, end: number): boolean {
  if (end - off < 5) return false;
  const type = d[off], version = (d[off + 1] << 8) | d[off + 2], length = (d[off + 3] << 8) | d[off + 4];
  if (type !== 22 && type !== 23) return false;
  if (![SSLV3, TLS10, TLS11, TLS12, TLCP].includes(version)) return false;
  return length !== 0 && length < 0x4000 + 2048;
}

/** dissect_ssl's first test: four printable ASCII bytes first are text, not TLS (TLS declines the payload). */
export function tlsDeclines(d: Uint8Array, off: number, end: number): boolean {
  if (end - off <= 4) return false;
  for (let i = off; i < off + 4; i++) if (d[i] < 0x20 || d[i] > 0x7e) return false;
  return true;
}

/** TLS's heuristic took the payload: the conversation is TLS's from here on. */
export function dissectTlsClaimed(c: Ctx, off: number, end: number): Deseg | null {
  claimForTls(c);
  return dissectTls(c, off, end);
}

/** dissect_ssl: every record in [off, end); asks TCP for more when a record (or its header) is not all there. */
export function dissectTls(c: Ctx, off: number, end: number): Deseg | null {
  tlsData.end = end;
  c.setProtocol(shortName(sessionVersion(c), 'SSL'));
  c.setInfo('');
  const h = c.open('tls', 'TLS', 'Transport Layer Security', 6, 5, off, c.avail(off, end));
  const tree = h.fields;
  let p = off;
  while (end - p > 0) {
    const version = sessionVersion(c);
    // An SSLv2 session's records are v2 records, and need no 5 bytes.
    if (version === SSLV2) {
      const r = ssl2Record(c, tree, p, end);
      if (typeof r !== 'number') return { offset: p - off, len: r.more };
      p = r;
      continue;
    }
    const known = version === SSLV3 || version === TLS10 || version === TLS11 || version === TLS12 || version === TLCP;
    if (end - p < 5) {
      if (c.canDesegment) return { offset: p - off, len: ONE_MORE_SEGMENT };
      break;
    }
    c.need(p, 1, end);
    let r: number | { more: number };
    if ((known && isV2ClientHello(c, p, end)) || (!known && looksLikeSslv2(c, p, end))) {
      r = ssl2Record(c, tree, p, end);
    } else if (!known && !looksLikeSslv3(c, p, end)) {
      c.appendInfoSep(', ', 'Continuation Data');
      break;
    } else {
      r = record(c, tree, p, end, version);
    }
    if (typeof r !== 'number') return { offset: p - off, len: r.more };
    p = r;
  }
  return null;
}

/** ssl_looks_like_sslv3: a valid content type, then SSL 3.0 … TLS 1.3 or TLCP. */
function looksLikeSslv3(c: Ctx, p: number, end: number): boolean {
  if (!validContentType(c.d[p])) return false;
  c.need(p, 3, end);
  const v = c.v.getUint16(p + 1);
  return [SSLV3, TLS10, TLS11, TLS12, TLS13, TLCP].includes(v);
}

/** dissect_ssl3_record: one record; the offset after it, or how many more bytes TCP must gather. */
function record(c: Ctx, tree: Field[], p: number, end: number, sessVersion: number): number | { more: number } {
  const avail = end - p;
  if ((sessVersion === TLS10 || sessVersion === TLS11 || sessVersion === TLS12 || sessVersion === TLCP) && !validContentType(c.d[p])) {
    // TLS 1.0-1.2 ignore a record of unknown type, and with it the rest of the data.
    const item = addText(tree, 'Ignored Unknown Record', p, avail);
    expert(c, item.children, p, 'warning', 'protocol', 'Ignored Unknown Record', IGNORED);
    c.appendInfoSep(', ', 'Ignored Unknown Record');
    return end;
  }
  c.need(p, 5, end);
  const type = c.d[p];
  const recVersion = c.v.getUint16(p + 1);
  const length = c.v.getUint16(p + 3);
  if (!validContentType(type)) {
    c.appendInfoSep(', ', 'Continuation Data');
    return p + 5 + length;
  }
  if (avail < length + 5) {
    if (c.canDesegment) return { more: length + 5 - avail };
    return end;
  }
  const rec = noneItem(tree, F.record, p, 5 + length, 'Record Layer');
  const rt = rec.children;
  const tls13AppData = sessVersion === TLS13 && type === 23;
  named(rt, tls13AppData ? F.opaqueType : F.contentType, p, 1, type);
  named(rt, F.version, p + 1, 2, recVersion);
  addNum(rt, F.length, p + 3, 2, length);
  const body = p + 5;
  c.need(body, 1, end);
  let version = sessVersion;
  if (!sessVersion) {
    trySetVersion(c, type, c.d[body], recVersion);
    c.setProtocol(shortName(recVersion, 'SSL'));
    version = recVersion;
  }
  // A record the capture cut short ends TLS after its header (its title is never set).
  c.need(body, length, end);
  switch (type) {
    case 20:
      c.appendInfoSep(', ', 'Change Cipher Spec');
      changeCipherSpec(c, rec, body);
      break;
    case 21:
      alert(c, rec, body, length);
      break;
    case 22:
      dissectHandshakes(c, rec, body, body + length, version);
      break;
    case 23: {
      c.appendInfoSep(', ', 'Application Data');
      const app = alpnApp(c) || (APP_DATA_PROTOCOLS[c.srcPort] ?? APP_DATA_PROTOCOLS[c.dstPort]);
      rec.display = `${shortName(version, 'SSL')} Record Layer: ${CONTENT_TYPES[type]} Protocol: ${app ?? 'Application Data'}`;
      const hexs = unwanted(F.appData.name) ? '' : c.hex(body, c.avail(body, body + length));
      leaf(rt, F.appData.name, hexs, `Encrypted Application Data: ${bytesText(hexs)}`, body, length);
      if (app) generated(rt, F.appProto.name, app, `Application Data Protocol: ${app}`, 0, 0);
      break;
    }
    default:
      break;
  }
  return body + length;
}

/**
 * ssl_dissect_change_cipher_spec: the message, and a note when the server's says the session is resumed. In
 * TLS 1.3 it is a dummy (middlebox compatibility): handshake records after it are no more encrypted than
 * before (the Server Hello after a Hello Retry Request and its Change Cipher Spec is in the clear).
 */
function changeCipherSpec(c: Ctx, rec: Field, body: number): void {
  const version = sessionVersion(c);
  rec.display = `${shortName(version, 'SSL')} Record Layer: Change Cipher Spec Protocol: Change Cipher Spec`;
  const item = noneItem(rec.children, F.ccs, body, 1, 'Change Cipher Spec Message');
  if (version === TLS13) return;
  const server = fromServer(c);
  if (server && resumedAtServerCcs(c)) expert(c, item.children, body, 'note', 'sequence', RESUMED_TEXT, RESUMED);
  setCcsFrame(c, server, c.number);
}

/** dissect_ssl3_alert: a 2-byte alert in the clear, anything else an encrypted one. */
function alert(c: Ctx, rec: Field, off: number, length: number): void {
  const version = sessionVersion(c);
  const item = noneItem(rec.children, F.alert, off, length, 'Alert Message');
  if (length !== 2) {
    c.appendInfoSep(', ', 'Encrypted Alert');
    rec.display = `${shortName(version, 'TLS')} Record Layer: Encrypted Alert`;
    item.display = 'Alert Message: Encrypted Alert';
    return;
  }
  c.need(off, 2, off + length);
  const level = c.d[off], desc = c.d[off + 1];
  const text = `Alert (Level: ${ALERT_LEVELS[level] ?? 'Unknown'}, Description: ${ALERT_DESCRIPTIONS[desc] ?? 'Unknown'})`;
  c.appendInfoSep(', ', text);
  rec.display = `${shortName(version, 'TLS')} Record Layer: ${text}`;
  named(item.children, F.alertLevel, off, 1, level);
  named(item.children, F.alertDesc, off + 1, 1, desc);
}

/** Whether this side's handshake records are past its Change Cipher Spec (is_encrypted_handshake_message). */
export function pastCcs(c: Ctx): boolean {
  const f = ccsFrame(c, fromServer(c));
  return f !== 0 && c.number > f;
}
