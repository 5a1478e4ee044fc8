// Who may use the API: whoever holds the token (from the printed URL) and, for WebSockets and
// uploads from a browser, only pages of this server's own origin.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { networkInterfaces } from 'node:os';

/** 256 random bits, URL-safe. */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

export function tokenMatches(given: string | null | undefined, token: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given), b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
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
const bracket = (h: string) => (h.includes(':') ? `[${h}]` : h);

/** host:port forms this server answers to (for Host and Origin checks). */
export function ownHosts(bindHost: string, port: number): Set<string> {
  const names = new Set<string>();
  const add = (h: string) => names.add(`${bracket(h)}:${port}`);
  if (isWildcard(bindHost)) {
    for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) add(a.address);
    add('localhost');
  } else {
    add(bindHost);
    if (bindHost === '127.0.0.1' || bindHost === '::1') add('localhost');
  }
  return names;
}

/** True when the request's Host header names this server (defeats DNS rebinding). */
export function hostAllowed(req: IncomingMessage, hosts: Set<string>): boolean {
  const h = req.headers.host;
  return typeof h === 'string' && hosts.has(h.toLowerCase());
}

/** True when Origin is this server's own origin (a browser page it served). */
export function originAllowed(origin: string | undefined, hosts: Set<string>): boolean {
  if (!origin) return false;
  let u: URL;
  try {
    u = new URL(origin);
  } catch {
    return false;
  }
  return u.protocol === 'http:' && hosts.has(u.host.toLowerCase());
}
