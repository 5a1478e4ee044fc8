// TLS handshake records as tshark 4.0 shows them without keys (packet-tls.c's dissect_tls_handshake): a
// record that looks encrypted (after this side's Change Cipher Spec, an explicit nonce, an unknown type or a
// length of 64 KiB or more) is one "Encrypted Handshake Message"; else each message in it with its type and
// length, and the bodies of the hellos (tls-hello.ts), the key exchanges, New Session Ticket, Certificate,
// Certificate Request and Certificate Verify.
import type { Field } from '../types';
import { defineField, type FieldDef } from '../fields/registry';
import { add, addNum, generated, leaf, unwanted, bytesText } from '../fields/tree';
import { bytesHex, clipLabel, durationText } from '../fields/format';
import type { Ctx } from './context';
import { CERT_TYPES, CIPHER_SUITES, GROUPS, HANDSHAKE_TYPES, SIG_ALGS, SIG_HASHES, SIG_SIGS } from './tls-names';
import {
  fromServer, hsFragments, resetAtHello, sessionCipher, sessionVersion, setHsFragments, setServer, setServerHelloDone, shortName, trySetVersion, TLS12, TLS13,
} from './tls-session';
import { pastCcs } from './tls';
import { clientHello, serverHello, serverHelloVersion } from './tls-hello';
import { fits, need, textItem, tlsData, vec } from './tls-vector';

const F = {
  handshake: defineField('tls.handshake', 'Handshake Protocol', 'none'),
  type: defineField('tls.handshake.type', 'Handshake Type', 'uint', { names: HANDSHAKE_TYPES }),
  length: defineField('tls.handshake.length', 'Length', 'uint'),
  certsLength: defineField('tls.handshake.certificates_length', 'Certificates Length', 'uint'),
  certs: defineField('tls.handshake.certificates', 'Certificates', 'none'),
  certLength: defineField('tls.handshake.certificate_length', 'Certificate Length', 'uint'),
  cert: defineField('tls.handshake.certificate', 'Certificate', 'bytes'),
  curveType: defineField('tls.handshake.server_curve_type', 'Curve Type', 'hex', { digits: 2, names: { 1: 'explicit_prime', 2: 'explicit_char2', 3: 'named_curve' } }),
  namedCurve: defineField('tls.handshake.server_named_curve', 'Named Curve', 'hex', { digits: 4, names: GROUPS }),
  serverPointLen: defineField('tls.handshake.server_point_len', 'Pubkey Length', 'uint'),
  serverPoint: defineField('tls.handshake.server_point', 'Pubkey', 'bytes'),
  clientPointLen: defineField('tls.handshake.client_point_len', 'Pubkey Length', 'uint'),
  clientPoint: defineField('tls.handshake.client_point', 'Pubkey', 'bytes'),
  fragments: defineField('tls.handshake.fragments', 'Reassembled Handshake Fragments', 'none'),
  fragment: defineField('tls.handshake.fragment', 'Handshake Fragment', 'uint'),
  fragmentCount: defineField('tls.handshake.fragment.count', 'Handshake Fragment count', 'uint'),
  sigAlgsLen: defineField('tls.handshake.sig_hash_alg_len', 'Signature Hash Algorithms Length', 'uint'),
  sigAlgs: defineField('tls.handshake.sig_hash_algs', 'Signature Algorithms', 'none'),
  certTypesCount: defineField('tls.handshake.cert_types_count', 'Certificate types count', 'uint'),
  certTypes: defineField('tls.handshake.cert_types', 'Certificate types', 'none'),
  certType: defineField('tls.handshake.cert_type', 'Certificate type', 'uint', { names: CERT_TYPES }),
  dnamesLen: defineField('tls.handshake.dnames_len', 'Distinguished Names Length', 'uint'),
  verifySigLen: defineField('tls.handshake.client_cert_vrfy.sig_len', 'Signature length', 'uint'),
  verifySig: defineField('tls.handshake.client_cert_vrfy.sig', 'Signature', 'bytes'),
  sigAlg: defineField('tls.handshake.sig_hash_alg', 'Signature Algorithm', 'hex', { digits: 4, names: SIG_ALGS }),
  sigHash: defineField('tls.handshake.sig_hash_hash', 'Signature Hash Algorithm Hash', 'uint', { names: SIG_HASHES }),
  sigSig: defineField('tls.handshake.sig_hash_sig', 'Signature Hash Algorithm Signature', 'uint', { names: SIG_SIGS }),
  pLen: defineField('tls.handshake.p_len', 'p Length', 'uint'),
  p: defineField('tls.handshake.p', 'p', 'bytes'),
  gLen: defineField('tls.handshake.g_len', 'g Length', 'uint'),
  g: defineField('tls.handshake.g', 'g', 'bytes'),
  ysLen: defineField('tls.handshake.ys_len', 'Pubkey Length', 'uint'),
  ys: defineField('tls.handshake.ys', 'Pubkey', 'bytes'),
  ycLen: defineField('tls.handshake.yc_len', 'Pubkey Length', 'uint'),
  yc: defineField('tls.handshake.yc', 'Pubkey', 'bytes'),
  epmsLen: defineField('tls.handshake.epms_len', 'Encrypted PreMaster length', 'uint'),
  epms: defineField('tls.handshake.epms', 'Encrypted PreMaster', 'bytes'),
  sigLen: defineField('tls.handshake.sig_len', 'Signature Length', 'uint'),
  sig: defineField('tls.handshake.sig', 'Signature', 'bytes'),
  lifetime: defineField('tls.handshake.session_ticket_lifetime_hint', 'Session Ticket Lifetime Hint', 'uint'),
  ticketLength: defineField('tls.handshake.session_ticket_length', 'Session Ticket Length', 'uint'),
  ticket: defineField('tls.handshake.session_ticket', 'Session Ticket', 'bytes'),
};

const ENCRYPTED = 'Encrypted Handshake Message';

/** A bytes item "Label: hex" (36 bytes shown at most); an empty one's value is "<MISSING>", as tshark prints it. */
export function bytesItem(c: Ctx, tree: Field[], name: string, label: string, off: number, n: number): Field {
  fits(c, off, n);
  need(c, off, n);
  const hexs = unwanted(name) ? '' : c.hex(off, c.avail(off, off + n));
  return leaf(tree, name, n ? hexs : '<MISSING>', `${label}: ${bytesText(hexs)}`, off, n);
}

/** An FT_NONE item (tshark -T fields prints 1 for it). */
export function noneItem(tree: Field[], def: FieldDef, off: number, n: number, display: string): Field {
  return add(tree, def, off, n, 1, display);
}

/**
 * A number with a value_string, as Wireshark shows it: "Label: Name (0x0303)" for a hex field, "Label:
 * Name (22)" for a decimal one, "Unknown" for a value the table lacks.
 */
export function named(tree: Field[], def: FieldDef, off: number, n: number, raw: number): Field {
  const shown = def.kind === 'hex' ? `0x${raw.toString(16).padStart(def.digits ?? 2, '0')}` : String(raw);
  return addNum(tree, def, off, n, raw, `${def.label}: ${def.names?.[raw] ?? 'Unknown'} (${shown})`);
}

/** dissect_tls_handshake: the handshake messages of one record [off, end) under its item `rec`. */
export function dissectHandshakes(c: Ctx, rec: Field, off: number, end: number, version: number): void {
  const server = fromServer(c);
  let p = off, first = true;
  const cont = continuation(c, server, off, end);
  if (cont) {
    const name = HANDSHAKE_TYPES[cont.type] ?? ENCRYPTED;
    if (!cont.last) {
      // The middle of a message: neither Info nor the record names it as a first message.
      details(c, rec, version, name, false, false, off, end - off).display += ' (fragment)';
      return;
    }
    noneItem(rec.children, F.handshake, off, cont.piece, `Handshake Protocol: ${name} (last fragment)`);
    const bytes = cont.bytes;
    const source = c.inSource('Reassembled TLS Handshake', bytes, () => {
      const saved = tlsData.end;
      tlsData.end = bytes.length;
      try {
        fragmentTree(rec.children, cont.parts, bytes.length);
        message(c, rec, 0, bytes.length - 4, version, true);
      } finally {
        tlsData.end = saved;
      }
    });
    for (const f of rec.children.slice(-2)) f.source = source;
    p = off + cont.piece;
    first = false;
  } else if (looksEncrypted(c, off, end)) {
    details(c, rec, version, ENCRYPTED, true, true, off, end - off);
    return;
  }
  while (p < end) {
    const left = end - p;
    let msgLen = 0;
    if (left >= 4) {
      need(c, p, 4);
      msgLen = 4 + ((c.d[p + 1] << 16) | c.v.getUint16(p + 2));
    }
    if (msgLen === 0 || left < msgLen) {
      // The message goes on in a later record of this side: put together there.
      need(c, p, 1);
      startFragments(c, server, p, end);
      const name = HANDSHAKE_TYPES[c.d[p]] ?? ENCRYPTED;
      if (first) c.appendInfoSep(', ', `[${name} Fragment]`);
      const item = details(c, rec, version, name, first, false, p, left);
      item.display += ' (fragment)';
      if (first) rec.display += ' (fragment)';
      break;
    }
    message(c, rec, p, msgLen - 4, version, first);
    p += msgLen;
    first = false;
  }
}

/** What a record continuing a message split over records does: the middle of it, or its last piece. */
type Continuation = { type: number; last: false } | { type: number; last: true; piece: number; parts: [number, number][]; bytes: Uint8Array };

/**
 * Step 1 of dissect_tls_handshake (first pass), recorded on the tape: when this side has a message being put
 * together, this record's bytes up to the message's end (its length known once 4 bytes are in) are its next
 * piece. A piece not all captured ends the reassembly (the record is then read as new messages).
 */
function continuation(c: Ctx, server: boolean, off: number, end: number): Continuation | null {
  const code = c.recall(() => {
    const st = hsFragments(c, server);
    if (!st) return '';
    const have = st.data.length;
    const head = st.data.slice(0, 4);
    for (let i = off; head.length < 4 && i < end && i < off + c.avail(off, end); i++) head.push(c.d[i]);
    const msgLen = have + (end - off) >= 4 && head.length >= 4 ? 4 + ((head[1] << 16) | (head[2] << 8) | head[3]) : 0;
    let piece = end - off;
    if (msgLen && piece > msgLen - have) piece = msgLen - have;
    if (c.avail(off, off + piece) < piece) {
      setHsFragments(c, server, null);
      return '';
    }
    for (let i = off; i < off + piece; i++) st.data.push(c.d[i]);
    st.parts.push([c.number, piece]);
    if (have + piece !== msgLen) return `M${st.type}`;
    setHsFragments(c, server, null);
    return `L${st.type}|${piece}|${st.parts.map((x) => x.join(':')).join(',')}|${bytesHex(Uint8Array.from(st.data), 0, st.data.length)}`;
  });
  if (!code) return null;
  if (code[0] === 'M') return { type: Number(code.slice(1)), last: false };
  const [type, piece, parts, hex] = code.slice(1).split('|');
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return {
    type: Number(type), last: true, piece: Number(piece), bytes,
    parts: parts.split(',').map((x) => x.split(':').map(Number) as [number, number]),
  };
}

/** A message cut by its record's end: its first piece (first pass; a piece not all captured starts nothing). */
function startFragments(c: Ctx, server: boolean, p: number, end: number): void {
  if (c.replay || c.avail(p, end) < end - p) return;
  setHsFragments(c, server, { type: c.d[p], data: Array.from(c.d.subarray(p, end)), parts: [[c.number, end - p]] });
}

/** show_fragment_tree: "[n Reassembled Handshake Fragments (L bytes): #f(len), …]", a line per piece, the count. */
function fragmentTree(tree: Field[], parts: [number, number][], len: number): void {
  const title = clipLabel(`${parts.length} Reassembled Handshake Fragments (${len} bytes): ${parts.map(([f, n]) => `#${f}(${n})`).join(', ')}`);
  const top = generated(tree, F.fragments.name, 1, title, 0, len);
  let pos = 0;
  for (const [frame, n] of parts) {
    generated(top.children, F.fragment.name, frame, `Frame: ${frame}, payload: ${pos}-${pos + n - 1} (${n} byte${n === 1 ? '' : 's'})`, pos, n);
    pos += n;
  }
  generated(top.children, F.fragmentCount.name, parts.length, `Handshake Fragment count: ${parts.length}`, 0, 0);
}

/** is_encrypted_handshake_message (the record was not decrypted). */
function looksEncrypted(c: Ctx, off: number, end: number): boolean {
  if (end - off < 16) return false;
  need(c, off, 5);
  let zero = true;
  for (let i = 0; i < 5; i++) if (c.d[off + i]) zero = false;
  if (zero || pastCcs(c)) return true;
  const type = c.d[off];
  if (HANDSHAKE_TYPES[type] === undefined) return true;
  return ((c.d[off + 1] << 16) | c.v.getUint16(off + 2)) >= 0x10000;
}

/** tls_show_handshake_details: the Info text, the record's title, and the message's item. */
function details(c: Ctx, rec: Field, version: number, name: string, first: boolean, complete: boolean, off: number, n: number): Field {
  if (complete) c.appendInfoSep(', ', name);
  rec.display = `${shortName(version, 'TLS')} Record Layer: Handshake Protocol: ${first ? name : 'Multiple Handshake Messages'}`;
  return noneItem(rec.children, F.handshake, off, n, `Handshake Protocol: ${name}`);
}

/** dissect_tls_handshake_full: one whole message (type, length, body) at `off`, its body `length` bytes. */
function message(c: Ctx, rec: Field, off: number, length: number, version: number, first: boolean): void {
  const type = c.d[off];
  let name = HANDSHAKE_TYPES[type];
  if (!name && !first) return;
  const body = off + 4, end = body + length;
  if (first && type === 2 && length > 2) {
    const scanned = serverHelloVersion(c, body, end);
    trySetVersion(c, 22, 2, scanned.version);
    // The version the server chose (its supported_versions) names the Protocol column from here on.
    c.setProtocol(shortName(sessionVersion(c), 'TLS'));
    if (scanned.hrr) name = 'Hello Retry Request';
  }
  const item = details(c, rec, version, name ?? ENCRYPTED, first, true, off, length + 4);
  if (!name) return;
  const t = item.children;
  named(t, F.type, off, 1, type);
  addNum(t, F.length, off + 1, 3, length);
  if (type === 1 || type === 2) resetAtHello(c, type === 1);
  switch (type) {
    case 1:
      setServer(c, c.netDst, c.dstPort);
      clientHello(c, t, body, end);
      break;
    case 2:
      setServer(c, c.netSrc, c.srcPort);
      serverHello(c, t, body, end, name === 'Hello Retry Request');
      break;
    case 4:
      if (sessionVersion(c) !== TLS13) newSessionTicket(c, t, body, end);
      break;
    case 11:
      if (sessionVersion(c) !== TLS13) certificates(c, t, body, end);
      break;
    case 12:
      serverKeyExchange(c, t, body, end);
      break;
    case 13:
      if (sessionVersion(c) !== TLS13) certificateRequest(c, t, body, end);
      break;
    case 14:
      setServerHelloDone(c);
      break;
    case 15:
      if (sessionVersion(c) !== TLS13) certificateVerify(c, t, body, end);
      break;
    case 16:
      clientKeyExchange(c, t, body, end);
      break;
    default:
      break;
  }
}

/** A TLS 1.2 New Session Ticket: lifetime hint, length and the ticket. */
function newSessionTicket(c: Ctx, t: Field[], off: number, end: number): void {
  const sub = textItem(c, t, 'TLS Session Ticket', off, end - off).children;
  need(c, off, 6);
  const hint = c.v.getUint32(off);
  addNum(sub, F.lifetime, off, 4, hint, `Session Ticket Lifetime Hint: ${hint} second${hint === 1 ? '' : 's'}${hint ? ` (${durationText(hint)})` : ''}`);
  const n = c.v.getUint16(off + 4);
  addNum(sub, F.ticketLength, off + 4, 2, n);
  bytesItem(c, sub, F.ticket.name, 'Session Ticket', off + 6, n);
}

/** A TLS 1.2 Certificate: the list's length, then each certificate's length and bytes (not decoded as X.509 here). */
function certificates(c: Ctx, t: Field[], off: number, end: number): void {
  const total = vec(c, t, off, end, F.certsLength, 0, 0xffffff);
  if (total === null) return;
  const list = noneItem(t, F.certs, off + 3, total, `Certificates (${total} bytes)`).children;
  let p = off + 3;
  while (p < off + 3 + total) {
    const n = vec(c, list, p, off + 3 + total, F.certLength, 1, 0xffffff);
    if (n === null) return;
    bytesItem(c, list, F.cert.name, 'Certificate', p + 3, n);
    p += 3 + n;
  }
}

/**
 * A Certificate Request before TLS 1.3: the certificate types, in TLS 1.2 the signature algorithms, and the
 * distinguished names' length (names themselves are X.509, not decoded here).
 */
function certificateRequest(c: Ctx, t: Field[], off: number, end: number): void {
  need(c, off, 1);
  const n = c.d[off];
  addNum(t, F.certTypesCount, off, 1, n);
  let p = off + 1;
  if (n > 0) {
    fits(c, p, n);
    const list = noneItem(t, F.certTypes, p, n, `Certificate types (${n} type${n === 1 ? '' : 's'})`).children;
    for (let i = 0; i < n; i++, p++) {
      need(c, p, 1);
      named(list, F.certType, p, 1, c.d[p]);
    }
  }
  if (sessionVersion(c) === TLS12) {
    p = hashAlgList(c, t, p, end);
    if (p >= end) return;
  }
  vec(c, t, p, end, F.dnamesLen, 0, 0xffff);
}

/** A Certificate Verify before TLS 1.3: in TLS 1.2 the signature's algorithm, then its length and bytes. */
function certificateVerify(c: Ctx, t: Field[], off: number, end: number): void {
  let p = off;
  if (sessionVersion(c) === TLS12) {
    need(c, p, 2);
    signatureAlgorithm(c, t, p);
    p += 2;
  }
  const n = vec(c, t, p, end, F.verifySigLen, 0, 0xffff);
  if (n !== null) bytesItem(c, t, F.verifySig.name, 'Signature', p + 2, n);
}

/**
 * A list of signature algorithms (the signature_algorithms extension, a TLS 1.2 Certificate Request): its
 * length, then each algorithm; where it stopped (`end` when its length was broken).
 */
export function hashAlgList(c: Ctx, t: Field[], off: number, end: number): number {
  const n = vec(c, t, off, end, F.sigAlgsLen, 2, 0xfffe);
  if (n === null) return end;
  const list = noneItem(t, F.sigAlgs, off + 2, n, `Signature Hash Algorithms (${n >> 1} algorithm${n >> 1 === 1 ? '' : 's'})`).children;
  for (let p = off + 2; p + 2 <= off + 2 + n; p += 2) {
    need(c, p, 2);
    signatureAlgorithm(c, list, p);
  }
  return off + 2 + n;
}

/** How the chosen suite exchanges keys (by its name in tshark's table), as the key exchange messages need it. */
function keyExchange(c: Ctx): 'ecdh' | 'dh' | 'rsa' | null {
  const name = CIPHER_SUITES[sessionCipher(c)] ?? '';
  if (/^TLS_ECDHE?_/.test(name)) return 'ecdh';
  if (/^TLS_DHE?_/.test(name)) return 'dh';
  if (/^TLS_RSA_/.test(name)) return 'rsa';
  return null;
}

/** A length-prefixed vector: its length item (1 or 2 bytes) then its bytes; the offset after it. */
function vector(c: Ctx, t: Field[], p: number, end: number, size: 1 | 2, lenDef: FieldDef, def: FieldDef, label: string): number {
  need(c, p, size);
  const n = size === 1 ? c.d[p] : c.v.getUint16(p);
  addNum(t, lenDef, p, size, n);
  bytesItem(c, t, def.name, label, p + size, n);
  return p + size + n;
}

/** Server Key Exchange: an ECDHE suite's curve and public key, or a DHE suite's p, g and public key; then the signature. */
function serverKeyExchange(c: Ctx, t: Field[], off: number, end: number): void {
  const kx = keyExchange(c);
  if (kx === 'dh') {
    const sub = textItem(c, t, 'Diffie-Hellman Server Params', off, end - off).children;
    let p = vector(c, sub, off, end, 2, F.pLen, F.p, 'p');
    p = vector(c, sub, p, end, 2, F.gLen, F.g, 'g');
    p = vector(c, sub, p, end, 2, F.ysLen, F.ys, 'Pubkey');
    signature(c, sub, p, end);
    return;
  }
  if (kx !== 'ecdh') return;
  const sub = textItem(c, t, 'EC Diffie-Hellman Server Params', off, end - off).children;
  need(c, off, 4);
  named(sub, F.curveType, off, 1, c.d[off]);
  named(sub, F.namedCurve, off + 1, 2, c.v.getUint16(off + 1));
  const n = c.d[off + 3];
  addNum(sub, F.serverPointLen, off + 3, 1, n);
  bytesItem(c, sub, F.serverPoint.name, 'Pubkey', off + 4, n);
  signature(c, sub, off + 4 + n, end);
}

/** A TLS 1.2 digitally-signed struct: the algorithm, then the signature's length and bytes. */
function signature(c: Ctx, t: Field[], p: number, end: number): void {
  need(c, p, 2);
  signatureAlgorithm(c, t, p);
  vector(c, t, p + 2, end, 2, F.sigLen, F.sig, 'Signature');
}

/** A SignatureAndHashAlgorithm: its name, with the hash and signature bytes under it. */
export function signatureAlgorithm(c: Ctx, tree: Field[], p: number): void {
  const v = c.v.getUint16(p);
  // A pair the table lacks is named by its hash and signature ("SHA224 ECDSA"), as tshark shows it.
  const h = c.d[p], sg = c.d[p + 1];
  const pair = `${SIG_HASHES[h] ?? 'Unknown'} ${SIG_SIGS[sg] ?? 'Unknown'}`;
  const item = addNum(tree, F.sigAlg, p, 2, v, `Signature Algorithm: ${SIG_ALGS[v] ?? pair} (0x${v.toString(16).padStart(4, '0')})`);
  named(item.children, F.sigHash, p, 1, c.d[p]);
  named(item.children, F.sigSig, p + 1, 1, c.d[p + 1]);
}

/** Client Key Exchange: the client's public key (ECDHE, DHE) or its encrypted premaster secret (RSA). */
function clientKeyExchange(c: Ctx, t: Field[], off: number, end: number): void {
  const kx = keyExchange(c);
  if (kx === 'ecdh') {
    const sub = textItem(c, t, 'EC Diffie-Hellman Client Params', off, end - off).children;
    vector(c, sub, off, end, 1, F.clientPointLen, F.clientPoint, 'Pubkey');
  } else if (kx === 'dh') {
    const sub = textItem(c, t, 'Diffie-Hellman Client Params', off, end - off).children;
    vector(c, sub, off, end, 2, F.ycLen, F.yc, 'Pubkey');
  } else if (kx === 'rsa') {
    const sub = textItem(c, t, 'RSA Encrypted PreMaster Secret', off, end - off).children;
    vector(c, sub, off, end, 2, F.epmsLen, F.epms, 'Encrypted PreMaster');
  }
}

