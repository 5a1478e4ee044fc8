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

export class StaticFiles {
  private rootReal: string | null = null;

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
    const file = await this.resolve(urlPath);
    if (!file) {
      res.writeHead(404, { ...this.headers, 'Content-Type': 'text/plain; charset=utf-8' }).end('not found\n');
      return;
    }
    const st = await stat(file);
    const isHtml = file.endsWith('.html');
    res.writeHead(200, {
      ...this.headers,
      'Content-Type': mimeType(file),
      'Content-Length': String(st.size),
      // Hashed assets may be cached; the page itself must not be (it names the current assets).
      'Cache-Control': isHtml ? 'no-store' : 'public, max-age=3600',
    });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    createReadStream(file).on('error', () => res.destroy()).pipe(res);
  }
}
