// Who may use the API: whoever holds the token (from the printed URL) and, for WebSockets and
// uploads from a browser, only pages of this server's own origin.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { networkInterfaces } from 'node:os';
import { isLoopbackAddress } from '../backend/net-address';

/** 256 random bits, URL-safe. */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

export function tokenMatches(given: string | null | undefined, token: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given), b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Which role a token gives: the teacher's URL, the class URL, or none (compared in constant time). */
export function roleOfToken(given: string | null | undefined, tokens: { teacher: string; student: string }): 'teacher' | 'student' | null {
  // Both are compared, whichever matches, so the time taken says nothing about which one it was.
  const teacher = tokenMatches(given, tokens.teacher);
  const student = tokenMatches(given, tokens.student);
  return teacher ? 'teacher' : student ? 'student' : null;
}

/** The token from ?token=… or an "Authorization: Bearer …" header. */
export function tokenOf(req: IncomingMessage, url: URL): string | null {
  const q = url.searchParams.get('token');
  if (q) return q;
  const h = req.headers.authorization;
  if (h && h.startsWith('Bearer ')) return h.slice(7).trim();
  return null;
}

const isWildcard = (host: string) => host === '0.0.0.0' || host === '::' || host === '';

/** The host names and the port this server answers to, as a parsed URL writes them ("127.0.0.1", "[::1]"). */
export interface OwnHosts { names: Set<string>; port: number }

/** A host (name, IPv4, or IPv6 with or without brackets) as URL.hostname writes it, or null. */
export function urlHostname(host: string): string | null {
  const h = host.includes(':') && !host.startsWith('[') ? `[${host.replace(/%.*$/, '')}]` : host;
  try {
    return new URL(`http://${h}/`).hostname;
  } catch {
    return null;
  }
}

/** The names a server bound to `bindHost` answers to (every interface's address when bound to all). */
export function ownHosts(bindHost: string, port: number): OwnHosts {
  const names = new Set<string>();
  const add = (h: string) => { const n = urlHostname(h); if (n) names.add(n); };
  if (isWildcard(bindHost)) {
    for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) add(a.address);
    add('localhost');
  } else {
    add(bindHost);
    if (isLoopbackAddress(bindHost)) add('localhost');
  }
  return { names, port };
}

/** A Host header (or an Origin's authority) parsed as a URL's: hostname normalised, the default port filled in. */
function hostAndPort(authority: string, protocol = 'http:'): { hostname: string; port: number } | null {
  if (!authority || /[/?#@\\\s]/.test(authority)) return null;
  try {
    const u = new URL(`${protocol}//${authority}/`);
    return { hostname: u.hostname, port: u.port ? Number(u.port) : protocol === 'https:' ? 443 : 80 };
  } catch {
    return null;
  }
}

/** True when the request's Host header names this server (defeats DNS rebinding). */
export function hostAllowed(req: IncomingMessage, hosts: OwnHosts): boolean {
  const h = req.headers.host;
  const p = typeof h === 'string' ? hostAndPort(h) : null;
  return !!p && hosts.names.has(p.hostname) && p.port === hosts.port;
}

/** True when Origin is this server's own origin (a browser page it served). */
export function originAllowed(origin: string | undefined, hosts: OwnHosts): boolean {
  if (!origin) return false;
  let u: URL;
  try {
    u = new URL(origin);
  } catch {
    return false;
  }
  if (u.protocol !== 'http:') return false;
  const p = hostAndPort(u.host);
  return !!p && hosts.names.has(p.hostname) && p.port === hosts.port;
}
