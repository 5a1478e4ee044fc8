// Serves the built renderer: GET/HEAD only, files under the root only (no traversal, no symlinks out,
// no directory listings), correct MIME types, and the same strict CSP as renderer/index.html.
import { createReadStream } from 'node:fs';
import { readFile, realpath, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
  '.pcap': 'application/vnd.tcpdump.pcap',
  '.pcapng': 'application/octet-stream',
};

/** The renderer's own policy (index.html); used when the built page carries none. */
export const DEFAULT_CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

export function mimeType(file: string): string {
  return MIME[extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/** Headers every response carries (the token travels in URLs: never leak it as a referrer). */
export function securityHeaders(csp: string): Record<string, string> {
  return {
    'Content-Security-Policy': csp,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'DENY',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
  };
}

/** Reads the CSP from the built index.html's meta tag, so the header and the page never disagree. */
export async function cspOf(root: string): Promise<string> {
  try {
    const html = await readFile(join(root, 'index.html'), 'utf8');
    const m = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]+)"/i.exec(html);
    if (m) return m[1].replace(/&#39;|&apos;/g, "'");
  } catch { /* no build: serve nothing but errors */ }
  return DEFAULT_CSP;
}

/** Files kept in memory once read (the built renderer is a few small files, asked for by every client). */
const CACHE_FILE_MAX = 4 * 1024 * 1024;
const CACHE_TOTAL_MAX = 32 * 1024 * 1024;
/** A cached file is checked against the disk at most this often (a rebuild while serving is noticed). */
const RECHECK_MS = 2000;

interface Cached { body: Buffer; mtimeMs: number; size: number; checkedAt: number; checking?: boolean }

export class StaticFiles {
  private rootReal: string | null = null;
  /** URL path → the file's bytes: served in one turn of the event loop, however busy it is. */
  private readonly cache = new Map<string, Cached>();
  private cachedBytes = 0;

  constructor(readonly root: string, private readonly headers: Record<string, string>) {}

  private async realRoot(): Promise<string> {
    if (this.rootReal === null) this.rootReal = await realpath(this.root);
    return this.rootReal;
  }

  /** Resolves a URL path to a file inside the root, or null (404). */
  async resolve(urlPath: string): Promise<string | null> {
    let decoded: string;
    try {
      decoded = decodeURIComponent(urlPath);
    } catch {
      return null;
    }
    if (decoded.includes('\0') || decoded.includes('\\')) return null;
    const rel = normalize(decoded === '/' ? '/index.html' : decoded).replace(/^([/\\])+/, '');
    if (rel.split(/[/\\]/).some((part) => part === '..')) return null;
    let root: string;
    try {
      root = await this.realRoot();
    } catch {
      return null;
    }
    const candidate = join(root, rel);
    try {
      // realpath: a symlink inside the build must not lead outside it.
      const real = await realpath(candidate);
      if (real !== root && !real.startsWith(root + sep)) return null;
      const st = await stat(real);
      if (!st.isFile()) return null; // directories are never listed
      return real;
    } catch {
      return null;
    }
  }

  async serve(req: IncomingMessage, res: ServerResponse, urlPath: string): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { ...this.headers, Allow: 'GET, HEAD', 'Content-Type': 'text/plain; charset=utf-8' }).end('method not allowed\n');
      return;
    }
    const hit = await this.cached(urlPath);
    const file = hit ? null : await this.resolve(urlPath);
    if (!hit && !file) {
      res.writeHead(404, { ...this.headers, 'Content-Type': 'text/plain; charset=utf-8' }).end('not found\n');
      return;
    }
    const name = hit ? urlPath : (file as string);
    const size = hit ? hit.size : (await stat(file as string)).size;
    const isHtml = name === '/' || name.endsWith('.html');
    res.writeHead(200, {
      ...this.headers,
      'Content-Type': mimeType(name === '/' ? 'index.html' : name),
      'Content-Length': String(size),
      // Hashed assets may be cached; the page itself must not be (it names the current assets).
      'Cache-Control': isHtml ? 'no-store' : 'public, max-age=3600',
    });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    if (hit) {
      res.end(hit.body);
      return;
    }
    if (size <= CACHE_FILE_MAX && this.cachedBytes + size <= CACHE_TOTAL_MAX) {
      const body = await readFile(file as string);
      const st = await stat(file as string);
      this.cache.set(urlPath, { body, mtimeMs: st.mtimeMs, size: body.length, checkedAt: Date.now() });
      this.cachedBytes += body.length;
      res.end(body);
      return;
    }
    createReadStream(file as string).on('error', () => res.destroy()).pipe(res);
  }

  /**
   * The cached file for a URL path, or null. It is answered at once, without waiting for the disk: every
   * couple of seconds a check that it is still as it is on disk starts alongside (a rebuild while serving
   * is served from the request after that check). Waiting for that check put GET / behind the file-system
   * thread pool, and under a class's load all the requests of those moments waited for it together.
   */
  private async cached(urlPath: string): Promise<Cached | null> {
    const c = this.cache.get(urlPath);
    if (!c) return null;
    if (Date.now() - c.checkedAt >= RECHECK_MS && !c.checking) {
      c.checking = true;
      void this.recheck(urlPath, c).finally(() => { c.checking = false; });
    }
    return c;
  }

  private async recheck(urlPath: string, c: Cached): Promise<void> {
    const file = await this.resolve(urlPath);
    const st = file ? await stat(file).catch(() => null) : null;
    if (st && st.mtimeMs === c.mtimeMs && st.size === c.size) {
      c.checkedAt = Date.now();
      return;
    }
    if (this.cache.get(urlPath) !== c) return;
    this.cache.delete(urlPath);
    this.cachedBytes -= c.size;
  }
}
