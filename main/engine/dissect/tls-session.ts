// What TLS remembers per TCP conversation (packet-tls-utils.c's SslSession), as tshark's single pass sees
// it: the version once a message that decides it was seen, which side is the server, the frame where each
// side sent Change Cipher Spec (handshake records after it are encrypted), and whether TLS's heuristic
// claimed the conversation. Every read goes through the tape, so a stored frame re-dissects the same.
import type { Ctx } from './context';
import { dissectState } from './state';
import { APP_DATA_PROTOCOLS, HANDSHAKE_TYPES, VERSIONS } from './tls-names';

export interface TlsSession {
  /** The version the session settled on (0: not known yet, SSL_VER_UNKNOWN). */
  version: number;
  claimed: boolean;
  /** The server's address and port once a hello showed them ('' before). */
  srvAddr: string;
  srvPort: number;
  clientCcs: number;
  serverCcs: number;
  /** The Client Hello offered a session ID or a ticket to resume (ssl->session_id / session_ticket). */
  offeredResumption: boolean;
  /** A Server Hello Done was seen since the last hello (the handshake is a full one). */
  serverHelloDone: boolean;
  /** A Server Hello was dissected since the last Client Hello (its random is known). */
  serverHelloSeen: boolean;
  /** The application protocol the server's ALPN chose (its long name), '' before. */
  alpnApp: string;
  /** The cipher suite the Server Hello chose (session->cipher), 0 before. */
  cipher: number;
  /** Per side (0 client, 1 server), a handshake message being put together from records (first pass only). */
  hsFrags: [HsFragments | null, HsFragments | null];
}

/** A handshake message split over records: its type, the bytes so far, and each piece's frame and length. */
export interface HsFragments {
  type: number;
  data: number[];
  parts: [number, number][];
}

export const SSLV2 = 0x0002, SSLV3 = 0x0300, TLS10 = 0x0301, TLS11 = 0x0302, TLS12 = 0x0303, TLS13 = 0x0304, TLCP = 0x0101;

/** ssl_version_short_names: the Protocol column's and the record titles' names of a version. */
const SHORT: Record<number, string> = {
  0x0002: 'SSLv2', [SSLV3]: 'SSLv3', [TLS10]: 'TLSv1', [TLS11]: 'TLSv1.1', [TLS12]: 'TLSv1.2', [TLS13]: 'TLSv1.3',
  [TLCP]: 'TLCP', 0xfeff: 'DTLSv1.0', 0xfefd: 'DTLSv1.2', 0x0100: 'DTLS 1.0 (OpenSSL pre 0.9.8f)',
};

/** A version's short name, or `fallback` (each caller in packet-tls.c has its own: "SSL" or "TLS"). */
export function shortName(version: number, fallback: string): string {
  return SHORT[version] ?? fallback;
}

/** The long name of a version ("TLS 1.2"), for Version items; tshark's own table. */
export function versionName(version: number): string | undefined {
  return VERSIONS[version];
}

function live(c: Ctx): TlsSession {
  const all = dissectState(c.session).tls;
  const key = c.tcpStream ?? -1;
  let s = all.get(key);
  if (!s) {
    s = { version: 0, claimed: false, srvAddr: '', srvPort: 0, clientCcs: 0, serverCcs: 0, offeredResumption: false, serverHelloDone: false, serverHelloSeen: false, alpnApp: '', cipher: 0, hsFrags: [null, null] };
    all.set(key, s);
  }
  return s;
}

/** The session's version now (0 while unknown). */
export function sessionVersion(c: Ctx): number {
  return c.recall(() => live(c).version);
}

/** Whether TLS's heuristic took the conversation (its later segments go to TLS first). */
export function tlsClaimed(c: Ctx): boolean {
  return c.recall(() => (dissectState(c.session).tls.get(c.tcpStream ?? -1)?.claimed ? 1 : 0)) === 1;
}

/** TLS's heuristic takes the conversation from this frame on (first pass); it replaces HTTP's. */
export function claimForTls(c: Ctx): void {
  if (c.replay) return;
  live(c).claimed = true;
  dissectState(c.session).httpClaimed.delete(c.tcpStream ?? -1);
}

/**
 * ssl_try_set_version: a message that decides the version (any record but a handshake, or a handshake
 * message other than Client Hello) sets it, when it is one TLS knows (TLS 1.3 drafts count as TLS 1.3).
 */
export function trySetVersion(c: Ctx, contentType: number, handshakeType: number, version: number): void {
  if (c.replay) return;
  const authoritative = contentType === 22
    ? handshakeType !== 1 && validHandshakeType(handshakeType)
    : validContentType(contentType);
  if (!authoritative) return;
  let v = 0;
  if ([SSLV3, TLS10, TLS11, TLS12, TLS13, TLCP].includes(version)) v = version;
  else if ((version & 0xff00) === 0x7f00 || (version & 0xff00) === 0x7e00) v = TLS13;
  if (v) live(c).version = v;
}

/** ssl_is_valid_content_type: Change Cipher Spec, Alert, Handshake, Application Data, Heartbeat, TLS 1.2 CID. */
export function validContentType(t: number): boolean {
  return t >= 20 && t <= 25;
}

/** ssl_is_valid_handshake_type for TLS (not DTLS's Hello Verify Request). */
export function validHandshakeType(t: number): boolean {
  return t !== 3 && HANDSHAKE_TYPES[t] !== undefined;
}

/** ssl_set_server: the hello that shows which side is the server (Client Hello: its destination). */
export function setServer(c: Ctx, addr: string, port: number): void {
  if (c.replay) return;
  const s = live(c);
  s.srvAddr = addr;
  s.srvPort = port;
}

/** ssl_packet_from_server: by the server seen in a hello, else by a TLS port among the source's. */
export function fromServer(c: Ctx): boolean {
  return c.recall(() => {
    const s = live(c);
    if (s.srvAddr) return s.srvAddr === c.netSrc && s.srvPort === c.srcPort ? 1 : 0;
    return APP_DATA_PROTOCOLS[c.srcPort] !== undefined ? 1 : 0;
  }) === 1;
}

/** The frame where this side sent Change Cipher Spec (0: not yet, or reset by a new hello). */
export function ccsFrame(c: Ctx, server: boolean): number {
  return c.recall(() => (server ? live(c).serverCcs : live(c).clientCcs));
}

export function setCcsFrame(c: Ctx, server: boolean, frame: number): void {
  if (c.replay) return;
  if (server) live(c).serverCcs = frame;
  else live(c).clientCcs = frame;
}

/** ssl_reset_session at a hello: a Client Hello forgets the client's CCS frame, a Server Hello the server's. */
export function resetAtHello(c: Ctx, client: boolean): void {
  if (c.replay) return;
  const s = live(c);
  if (client) s.clientCcs = 0;
  else s.serverCcs = 0;
  s.serverHelloDone = false;
  // (A Server Hello that looked encrypted was never dissected: its random stays unknown.)
  s.serverHelloSeen = !client;
}

/** What the Client Hello offered to resume with. */
export function setOfferedResumption(c: Ctx, offered: boolean): void {
  if (!c.replay) live(c).offeredResumption = offered;
}

export function setServerHelloDone(c: Ctx): void {
  if (!c.replay) live(c).serverHelloDone = true;
}

/**
 * ssl_dissect_change_cipher_spec's test: after a Server Hello, the server changes cipher spec before any Server
 * Hello Done while the client offered a session ID or ticket, so the session is resumed (never said of TLS 1.3).
 */
export function resumedAtServerCcs(c: Ctx): boolean {
  return c.recall(() => {
    const s = live(c);
    return s.version !== TLS13 && s.serverHelloSeen && !s.serverHelloDone && s.offeredResumption ? 1 : 0;
  }) === 1;
}

/** The protocol the server's ALPN named for the application data (session->app_handle), '' if none. */
export function alpnApp(c: Ctx): string {
  return c.recall(() => live(c).alpnApp);
}

export function setAlpnApp(c: Ctx, name: string): void {
  if (!c.replay) live(c).alpnApp = name;
}

/** The cipher suite the server chose (0: none seen). */
export function sessionCipher(c: Ctx): number {
  return c.recall(() => live(c).cipher);
}

export function setSessionCipher(c: Ctx, suite: number): void {
  if (!c.replay) live(c).cipher = suite;
}

/** The message this side is putting together from records (first pass), or null. */
export function hsFragments(c: Ctx, server: boolean): HsFragments | null {
  return live(c).hsFrags[server ? 1 : 0];
}

export function setHsFragments(c: Ctx, server: boolean, f: HsFragments | null): void {
  if (!c.replay) live(c).hsFrags[server ? 1 : 0] = f;
}

/** Sets the session's version outright (an SSLv2 record that decides it). */
export function setSessionVersion(c: Ctx, version: number): void {
  if (!c.replay) live(c).version = version;
}
