// Hello extensions as tshark 4.0 shows them (packet-tls-utils.c's ssl_dissect_hnd_extension): an item
// "Extension: NAME (len=N)" with its type and length, then the body of the extensions that openssl, curl and
// Python's ssl send (server_name, supported_groups, ec_point_formats, signature_algorithms, ALPN, key_share,
// psk_key_exchange_modes, supported_versions, padding, renegotiation_info, session_ticket, pre_shared_key,
// early_data and the empty ones); any other body is its bytes ("Data (N bytes)"). Collects what JA3 / JA3S need.
import type { Field } from '../types';
import { defineField } from '../fields/registry';
import { add, addNum, addText, leaf } from '../fields/tree';
import { asciiText, asciiValue } from '../fields/format';
import type { Ctx } from './context';
import {
  EC_POINT_FORMATS, EXTENSION_TYPES, GROUPS, PSK_KE_MODES, SERVER_NAME_TYPES, STATUS_REQUEST_TYPES, VERSIONS,
} from './tls-names';
import { bytesItem, hashAlgList, named, noneItem } from './tls-handshake';
import { fits, need, textItem, TRAILING, vec } from './tls-vector';
import { expert } from './expert';
import { setAlpnApp, setOfferedResumption, sessionVersion, setSessionVersion, TLS13 } from './tls-session';

const F = {
  extsLength: defineField('tls.handshake.extensions_length', 'Extensions Length', 'uint'),
  type: defineField('tls.handshake.extension.type', 'Type', 'uint', { names: EXTENSION_TYPES }),
  len: defineField('tls.handshake.extension.len', 'Length', 'uint'),
  data: defineField('tls.handshake.extension.data', 'Data', 'bytes'),
  snListLen: defineField('tls.handshake.extensions_server_name_list_len', 'Server Name list length', 'uint'),
  snType: defineField('tls.handshake.extensions_server_name_type', 'Server Name Type', 'uint', { names: SERVER_NAME_TYPES }),
  snLen: defineField('tls.handshake.extensions_server_name_len', 'Server Name length', 'uint'),
  sn: defineField('tls.handshake.extensions_server_name', 'Server Name', 'string'),
  ecpfLen: defineField('tls.handshake.extensions_ec_point_formats_length', 'EC point formats Length', 'uint'),
  ecpfs: defineField('tls.handshake.extensions_ec_point_formats', 'Elliptic curves point formats', 'none'),
  ecpf: defineField('tls.handshake.extensions_ec_point_format', 'EC point format', 'uint', { names: EC_POINT_FORMATS }),
  groupsLen: defineField('tls.handshake.extensions_supported_groups_length', 'Supported Groups List Length', 'uint'),
  groups: defineField('tls.handshake.extensions_supported_groups', 'Supported Groups List', 'none'),
  group: defineField('tls.handshake.extensions_supported_group', 'Supported Group', 'hex', { digits: 4, names: GROUPS }),
  alpnLen: defineField('tls.handshake.extensions_alpn_len', 'ALPN Extension Length', 'uint'),
  alpnList: defineField('tls.handshake.extensions_alpn_list', 'ALPN Protocol', 'none'),
  alpnStrLen: defineField('tls.handshake.extensions_alpn_str_len', 'ALPN string length', 'uint'),
  alpnStr: defineField('tls.handshake.extensions_alpn_str', 'ALPN Next Protocol', 'string'),
  versionsLen: defineField('tls.handshake.extensions.supported_versions_len', 'Supported Versions length', 'uint'),
  version: defineField('tls.handshake.extensions.supported_version', 'Supported Version', 'hex', { digits: 4, names: VERSIONS }),
  pskLen: defineField('tls.extension.psk_ke_modes_length', 'PSK Key Exchange Modes Length', 'uint'),
  psk: defineField('tls.extension.psk_ke_mode', 'PSK Key Exchange Mode', 'uint', { names: PSK_KE_MODES }),
  ksClientLen: defineField('tls.handshake.extensions_key_share_client_length', 'Client Key Share Length', 'uint'),
  ksGroup: defineField('tls.handshake.extensions_key_share_group', 'Group', 'uint', { names: GROUPS }),
  ksSelected: defineField('tls.handshake.extensions_key_share_selected_group', 'Selected Group', 'uint', { names: GROUPS }),
  ksKeyLen: defineField('tls.handshake.extensions_key_share_key_exchange_length', 'Key Exchange Length', 'uint'),
  ksKey: defineField('tls.handshake.extensions_key_share_key_exchange', 'Key Exchange', 'bytes'),
  padding: defineField('tls.handshake.extensions_padding_data', 'Padding Data', 'bytes'),
  renegLen: defineField('tls.handshake.extensions_reneg_info_len', 'Renegotiation info extension length', 'uint'),
  reneg: defineField('tls.handshake.extensions_reneg_info', 'Renegotiation info', 'bytes'),
  statusType: defineField('tls.handshake.extensions_status_request_type', 'Certificate Status Type', 'uint', { names: STATUS_REQUEST_TYPES }),
  statusIdsLen: defineField('tls.handshake.extensions_status_request_responder_ids_len', 'Responder ID list Length', 'uint'),
  statusExtsLen: defineField('tls.handshake.extensions_status_request_exts_len', 'Request Extensions Length', 'uint'),
  recordSizeLimit: defineField('tls.record_size_limit', 'Record Size Limit', 'uint'),
  pskIdsLen: defineField('tls.handshake.extensions.psk.identities.length', 'Identities Length', 'uint'),
  pskIdLen: defineField('tls.handshake.extensions.psk.identity.identity_length', 'Identity Length', 'uint'),
  pskId: defineField('tls.handshake.extensions.psk.identity.identity', 'Identity', 'bytes'),
  pskAge: defineField('tls.handshake.extensions.psk.identity.obfuscated_ticket_age', 'Obfuscated Ticket Age', 'uint'),
  pskBindersLen: defineField('tls.handshake.extensions.psk.binders_len', 'PSK Binders length', 'uint'),
  pskBinders: defineField('tls.handshake.extensions.psk.binders', 'PSK Binders', 'none'),
  pskSelected: defineField('tls.handshake.extensions.psk.identity.selected', 'Selected Identity', 'uint'),
};

/** What a hello's extensions tell JA3 / JA3S: extension types, groups and point formats (GREASE left out). */
export interface HelloFacts {
  types: number[];
  groups: number[];
  pointFormats: number[];
}

/**
 * ALPN names tshark maps to a dissector (ssl_alpn_protocols; a trailing "*": a prefix), by that protocol's long
 * name: the server's choice names the application data.
 */
const ALPN_APPS: [string, string][] = [
  ['http/1.1*', 'Hypertext Transfer Protocol'], ['h2-*', 'HyperText Transfer Protocol 2'], ['h2', 'HyperText Transfer Protocol 2'],
  ['spdy/*', 'SPDY'], ['mqtt*', 'MQ Telemetry Transport Protocol'], ['imap', 'Internet Message Access Protocol'],
  ['pop3', 'Post Office Protocol'], ['ftp', 'File Transfer Protocol (FTP)'], ['smb', 'SMB2 (Server Message Block Protocol version 2)'],
];

function alpnApp(name: string): string {
  for (const [pattern, app] of ALPN_APPS) {
    if (pattern.endsWith('*') ? name.startsWith(pattern.slice(0, -1)) : name === pattern) return app;
  }
  return '';
}

/** RFC 8701's GREASE values: 0x0a0a, 0x1a1a, … 0xfafa. */
export function isGrease(v: number): boolean {
  return (v & 0x0f0f) === 0x0a0a && (v >> 8) === (v & 0xff);
}

/**
 * The extensions block at `off` (its length first) of a hello of handshake type `hs` (1 client, 2 server, 6
 * HRR). False when a length was out of bounds (the block's, or an extension's past the block's end): the
 * rest is not dissected, and JA3 then lacks its groups and point formats, as tshark's does.
 */
export function extensions(c: Ctx, t: Field[], off: number, end: number, hs: number, facts: HelloFacts): boolean {
  const total = vec(c, t, off, end, F.extsLength, 0, 0xffff);
  if (total === null) return false;
  let p = off + 2;
  const stop = p + total;
  while (stop - p >= 4) {
    need(c, p, 4);
    const type = c.v.getUint16(p), len = c.v.getUint16(p + 2);
    const name = EXTENSION_TYPES[type] ?? `Unknown type ${type}`;
    const ext = textItem(c, t, `Extension: ${name} (len=${len})`, p, 4 + len).children;
    named(ext, F.type, p, 2, type);
    if (!isGrease(type)) facts.types.push(type);
    if (vec(c, ext, p + 2, stop, F.len, 0, 0xffff) === null) return false;
    // Bytes an extension's body left over are reported (ssl_end_vector).
    endVector(c, ext, body(c, ext, type, p + 4, p + 4 + len, hs, facts), p + 4 + len);
    p += 4 + len;
  }
  return true;
}

/**
 * An extension's body [off, end): where its dissection stopped (`end` when a length was broken and the rest
 * was given up), so the caller can say what is left over.
 */
function body(c: Ctx, t: Field[], type: number, off: number, end: number, hs: number, facts: HelloFacts): number {
  const len = end - off;
  switch (type) {
    case 0:
      if (len) serverName(c, t, off, end);
      return end;
    case 10: {
      const n = vec(c, t, off, end, F.groupsLen, 2, 0xfffe);
      if (n === null) return end;
      const list = noneItem(t, F.groups, off + 2, n, `Supported Groups (${n >> 1} group${n >> 1 === 1 ? '' : 's'})`).children;
      for (let p = off + 2; p + 2 <= off + 2 + n; p += 2) {
        need(c, p, 2);
        const g = c.v.getUint16(p);
        named(list, F.group, p, 2, g);
        if (!isGrease(g)) facts.groups.push(g);
      }
      return off + 2 + n;
    }
    case 11: {
      const n = vec(c, t, off, end, F.ecpfLen, 1, 0xff);
      if (n === null) return end;
      const list = noneItem(t, F.ecpfs, off + 1, n, `Elliptic curves point formats (${n})`).children;
      for (let i = 0; i < n; i++) {
        need(c, off + 1 + i, 1);
        named(list, F.ecpf, off + 1 + i, 1, c.d[off + 1 + i]);
        facts.pointFormats.push(c.d[off + 1 + i]);
      }
      return off + 1 + n;
    }
    case 13:
      return hashAlgList(c, t, off, end);
    case 16:
      if (len) alpn(c, t, off, end, hs);
      return end;
    case 5:
      return len ? statusRequest(c, t, off, end) : end;
    case 18:
      if (len) dataItem(c, t, off, len);
      return end;
    case 28:
      need(c, off, 2);
      addNum(t, F.recordSizeLimit, off, 2, c.v.getUint16(off));
      return off + 2;
    case 21:
      bytesItem(c, t, F.padding.name, 'Padding Data', off, len);
      return end;
    case 22: case 23: case 49:
      return end;
    case 35:
      if (len === 0) leaf(t, F.data.name, '<MISSING>', 'Data (0 bytes)', off, 0);
      else dataItem(c, t, off, len);
      if (hs === 1 && len > 0) setOfferedResumption(c, true);
      return end;
    case 43:
      supportedVersions(c, t, off, end, hs);
      return end;
    case 45: {
      const n = vec(c, t, off, end, F.pskLen, 1, 0xff);
      if (n === null) return end;
      for (let i = 0; i < n; i++) {
        need(c, off + 1 + i, 1);
        named(t, F.psk, off + 1 + i, 1, c.d[off + 1 + i]);
      }
      return off + 1 + n;
    }
    case 51:
      keyShare(c, t, off, end, hs);
      return end;
    case 41:
      return preSharedKey(c, t, off, end, hs);
    case 42:
      // A Client Hello announcing early data makes the session TLS 1.3's at once: the records it sends
      // before any Server Hello (its Change Cipher Spec, the 0-RTT Application Data) are TLS 1.3's.
      if (hs !== 1) break;
      if (sessionVersion(c) === 0) setSessionVersion(c, TLS13);
      return off;
    case 65281: {
      const sub = textItem(c, t, 'Renegotiation Info extension', off, len).children;
      const n = vec(c, sub, off, end, F.renegLen, 0, 0xff);
      if (n) bytesItem(c, sub, F.reneg.name, 'Renegotiation info', off + 1, n);
      return n === null ? end : off + 1 + n;
    }
    default:
      break;
  }
  // An extension type tshark has no name for, or GREASE: its bytes ("<MISSING>" when none). One it names
  // but Handshake Lab does not decode shows nothing when empty.
  if (len === 0 && EXTENSION_TYPES[type] !== undefined && !isGrease(type)) return end;
  bytesItem(c, t, F.data.name, 'Data', off, len);
  return end;
}

/** The bytes of an extension tshark shows by their count ("Data (2 bytes)"). */
function dataItem(c: Ctx, t: Field[], off: number, len: number): void {
  const item = bytesItem(c, t, F.data.name, 'Data', off, len);
  item.display = `Data (${len} byte${len === 1 ? '' : 's'})`;
}

/** status_request: OCSP with its responder ID list and request extensions lengths; where it stopped. */
function statusRequest(c: Ctx, t: Field[], off: number, end: number): number {
  need(c, off, 1);
  const type = c.d[off];
  named(t, F.statusType, off, 1, type);
  if (type !== 1 && type !== 2) return end;
  const ids = vec(c, t, off + 1, end, F.statusIdsLen, 0, 0xffff);
  if (ids === null) return end;
  const exts = vec(c, t, off + 3 + ids, end, F.statusExtsLen, 0, 0xffff);
  return exts === null ? end : off + 5 + ids + exts;
}

function serverName(c: Ctx, t: Field[], off: number, end: number): void {
  const sub = textItem(c, t, 'Server Name Indication extension', off, end - off).children;
  const listLen = vec(c, sub, off, end, F.snListLen, 1, 0xffff);
  if (listLen === null) return;
  let p = off + 2;
  const stop = p + listLen;
  while (p < stop) {
    need(c, p, 1);
    named(sub, F.snType, p, 1, c.d[p]);
    const n = vec(c, sub, p + 1, stop, F.snLen, 1, 0xffff);
    if (n === null) return;
    need(c, p + 3, n);
    const name = asciiValue(c.d, p + 3, n);
    add(sub, F.sn, p + 3, n, name, `Server Name: ${asciiText(c.d, p + 3, n)}`);
    p += 3 + n;
  }
}

function alpn(c: Ctx, t: Field[], off: number, end: number, hs: number): void {
  const n = vec(c, t, off, end, F.alpnLen, 2, 0xffff);
  if (n === null) return;
  const list = noneItem(t, F.alpnList, off + 2, n, 'ALPN Protocol').children;
  let p = off + 2;
  while (p < off + 2 + n) {
    const sl = vec(c, list, p, off + 2 + n, F.alpnStrLen, 1, 0xff);
    if (sl === null) return;
    need(c, p + 1, sl);
    const s = asciiValue(c.d, p + 1, sl);
    add(list, F.alpnStr, p + 1, sl, s, `ALPN Next Protocol: ${asciiText(c.d, p + 1, sl)}`);
    // The server's choice decides who gets the application data (tshark names it in the records' titles).
    if (hs === 2) setAlpnApp(c, alpnApp(s));
    p += 1 + sl;
  }
}

function supportedVersions(c: Ctx, t: Field[], off: number, end: number, hs: number): void {
  const item = (p: number) => {
    need(c, p, 2);
    const v = c.v.getUint16(p);
    named(t, F.version, p, 2, v);
  };
  if (hs !== 1) {
    item(off);
    return;
  }
  const n = vec(c, t, off, end, F.versionsLen, 2, 254);
  if (n === null) return;
  for (let p = off + 1; p + 2 <= off + 1 + n; p += 2) item(p);
}

function keyShare(c: Ctx, t: Field[], off: number, end: number, hs: number): void {
  const sub = textItem(c, t, 'Key Share extension', off, end - off).children;
  if (hs === 6) {
    need(c, off, 2);
    named(sub, F.ksSelected, off, 2, c.v.getUint16(off));
    return;
  }
  if (hs !== 1) {
    keyShareEntry(c, sub, off, end);
    return;
  }
  const n = vec(c, sub, off, end, F.ksClientLen, 0, 0xffff);
  if (n === null) return;
  let p = off + 2;
  const stop = p + n;
  while (p + 4 <= stop) p = keyShareEntry(c, sub, p, stop);
  endVector(c, sub, p, stop);
}

/**
 * pre_shared_key (TLS 1.3 resumption): the Client Hello's identities (each a ticket and its obfuscated age)
 * and binders, the Server Hello's selected identity; where it stopped.
 */
function preSharedKey(c: Ctx, t: Field[], off: number, end: number, hs: number): number {
  const sub = textItem(c, t, 'Pre-Shared Key extension', off, end - off).children;
  if (hs === 2) {
    need(c, off, 2);
    addNum(sub, F.pskSelected, off, 2, c.v.getUint16(off));
    return off + 2;
  }
  if (hs !== 1) return off;
  const idsLen = vec(c, sub, off, end, F.pskIdsLen, 7, 0xffff);
  if (idsLen === null) return end;
  let p = off + 2;
  const idsEnd = p + idsLen;
  while (p < idsEnd) {
    const id = textItem(c, sub, 'PSK Identity (', p, 4);
    const n = vec(c, id.children, p, idsEnd, F.pskIdLen, 1, 0xffff);
    if (n === null) return idsEnd;
    id.display += `length: ${n})`;
    bytesItem(c, id.children, F.pskId.name, 'Identity', p + 2, n);
    need(c, p + 2 + n, 4);
    fits(c, p + 2 + n, 4);
    addNum(id.children, F.pskAge, p + 2 + n, 4, c.v.getUint32(p + 2 + n));
    id.length = 2 + n + 4;
    p += 2 + n + 4;
  }
  if (p !== idsEnd) {
    endVector(c, sub, p, idsEnd);
    p = idsEnd;
  }
  const bl = vec(c, sub, p, end, F.pskBindersLen, 33, 0xffff);
  if (bl === null) return end;
  fits(c, p + 2, bl);
  noneItem(sub, F.pskBinders, p + 2, bl, 'PSK Binders');
  return p + 2 + bl;
}

/** A KeyShareEntry: its group, then its key exchange vector; the offset after it (`end` when it is broken). */
function keyShareEntry(c: Ctx, t: Field[], p: number, end: number): number {
  const entry = textItem(c, t, 'Key Share Entry', p, 4);
  need(c, p, 2);
  const g = c.v.getUint16(p);
  named(entry.children, F.ksGroup, p, 2, g);
  entry.display += `: Group: ${GROUPS[g] ?? `Unknown (${g})`}`;
  const kl = vec(c, entry.children, p + 2, end, F.ksKeyLen, 1, 0xffff);
  if (kl === null) return end;
  bytesItem(c, entry.children, F.ksKey.name, 'Key Exchange', p + 4, kl);
  entry.display += `, Key Exchange length: ${kl}`;
  entry.length = 4 + kl;
  return p + 4 + kl;
}

/** ssl_end_vector: bytes left in a vector after its last element earn a warning. */
function endVector(c: Ctx, t: Field[], p: number, end: number): void {
  if (p >= end) return;
  const n = end - p;
  const text = `${n} trailing byte${n === 1 ? ' was' : 's were'} unprocessed`;
  // (An expert's item is not checked against the data's end: the bytes may run past it.)
  const item = addText(t, text, p, n);
  expert(c, item.children, p, 'warning', 'protocol', text, TRAILING);
}
