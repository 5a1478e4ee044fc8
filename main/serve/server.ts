// `handshake-lab serve`: the renderer and the API over HTTP + WebSocket, on 127.0.0.1 unless told
// otherwise, behind a random token. Routes:
//   GET  /…                  the built renderer (public files; the page reads the token from its URL)
//   GET  /ws?token=…         WebSocket upgrade: the API (Origin must be this server's own)
//   POST /upload?token=…&name=F  store a capture file (size-limited); answers {"path": …} for openFile
//   GET  /capture?token=…    download the current capture
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve, sep } from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { WebSocketServer } from 'ws';
import type { Service } from '../backend/service';
import { hostAllowed, newToken, originAllowed, ownHosts, tokenMatches, tokenOf } from './auth';
import { cspOf, securityHeaders, StaticFiles } from './static-files';
import { receiveUpload, sendDownload } from './upload';
import { attachWebSocket, MAX_MESSAGE_BYTES } from './ws-api';

export interface ServeOptions {
  service: Service;
  /** Address to listen on (default 127.0.0.1). */
  host?: string;
  /** Port (0 or absent: a random free port). */
  port?: number;
  /** The built renderer (out/renderer). */
  rootDir: string;
  /** Fixed token (tests); default: 256 random bits. */
  token?: string;
  /** Upload size limit in bytes (default 2 GiB). */
  maxUploadBytes?: number;
  /** Where uploads go (default: a private temporary folder, removed on close). */
  uploadDir?: string;
  log?: (line: string) => void;
}

export interface RunningServer {
  url: string;
  port: number;
  host: string;
  token: string;
  uploadDir: string;
  close(): Promise<void>;
}

const text = (res: ServerResponse, status: number, body: string, headers: Record<string, string>) => {
  res.writeHead(status, { ...headers, 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' }).end(`${body}\n`);
};

export async function startServer(opts: ServeOptions): Promise<RunningServer> {
  const log = opts.log ?? ((line: string) => process.stderr.write(`handshake-lab serve: ${line}\n`));
  const host = opts.host ?? '127.0.0.1';
  const token = opts.token ?? newToken();
  const maxUpload = opts.maxUploadBytes ?? 2 * 1024 ** 3;
  const ownUploadDir = !opts.uploadDir;
  const uploadDir = opts.uploadDir ?? mkdtempSync(join(tmpdir(), 'handshake-lab-uploads-'));
  const headers = securityHeaders(await cspOf(opts.rootDir));
  const files = new StaticFiles(opts.rootDir, headers);
  let hosts = new Set<string>();
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES * 4 });

  const peerOf = (req: IncomingMessage) => `${req.socket.remoteAddress ?? '?'}:${req.socket.remotePort ?? '?'}`;

  const server: Server = createServer((req, res) => {
    void handleHttp(req, res).catch((e: unknown) => {
      log(`${peerOf(req)}: ${req.method} ${req.url?.split('?')[0]} failed: ${e instanceof Error ? e.message : String(e)}`);
      if (!res.headersSent) text(res, 500, 'internal error', headers);
      else res.destroy();
    });
  });

  async function handleHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!hostAllowed(req, hosts)) {
      log(`${peerOf(req)}: refused request for host ${JSON.stringify(req.headers.host ?? '')}`);
      return text(res, 403, 'forbidden: unknown host', headers);
    }
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://localhost');
    } catch {
      return text(res, 400, 'bad request', headers);
    }
    const path = url.pathname;
    if (path === '/ws') return text(res, 426, 'WebSocket upgrade required', headers);
    if (path === '/upload' || path === '/capture') {
      const given = tokenOf(req, url);
      if (!given) {
        log(`${peerOf(req)}: refused ${path}: no token`);
        return text(res, 401, 'unauthorized: the token from the printed URL is required', headers);
      }
      if (!tokenMatches(given, token)) {
        log(`${peerOf(req)}: refused ${path}: wrong token`);
        return text(res, 403, 'forbidden: wrong token', headers);
      }
      // A browser page of another site must not use the token it somehow got.
      const origin = req.headers.origin;
      if (origin !== undefined && !originAllowed(origin, hosts)) {
        log(`${peerOf(req)}: refused ${path}: foreign origin ${origin}`);
        return text(res, 403, 'forbidden: foreign origin', headers);
      }
      if (path === '/upload') {
        if (req.method !== 'POST') return text(res, 405, 'method not allowed', { ...headers, Allow: 'POST' });
        const r = await receiveUpload(req, uploadDir, url.searchParams.get('name'), maxUpload);
        if (!r.ok) {
          log(`${peerOf(req)}: upload refused: ${r.message}`);
          return text(res, r.status, r.message, headers);
        }
        log(`${peerOf(req)}: received ${r.bytes} bytes → ${r.path}`);
        res.writeHead(200, { ...headers, 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
        res.end(JSON.stringify({ path: r.path, bytes: r.bytes }));
        return;
      }
      if (req.method !== 'GET' && req.method !== 'HEAD') return text(res, 405, 'method not allowed', { ...headers, Allow: 'GET' });
      const file = opts.service.captureFile;
      if (!file) return text(res, 404, 'there is no capture yet', headers);
      return sendDownload(res, file, headers);
    }
    return files.serve(req, res, path);
  }

  server.on('upgrade', (req, socket, head) => {
    const peer = peerOf(req);
    const refuse = (status: number, why: string) => {
      log(`${peer}: refused WebSocket: ${why}`);
      socket.end(`HTTP/1.1 ${status} ${status === 401 ? 'Unauthorized' : status === 404 ? 'Not Found' : 'Forbidden'}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://localhost');
    } catch {
      return refuse(404, 'bad URL');
    }
    if (url.pathname !== '/ws') return refuse(404, `no WebSocket at ${url.pathname}`);
    if (!hostAllowed(req, hosts)) return refuse(403, `unknown host ${JSON.stringify(req.headers.host ?? '')}`);
    const given = tokenOf(req, url);
    if (!given) return refuse(401, 'no token');
    if (!tokenMatches(given, token)) return refuse(403, 'wrong token');
    if (!originAllowed(req.headers.origin, hosts)) return refuse(403, `origin ${JSON.stringify(req.headers.origin ?? '(none)')} is not this server's`);
    wss.handleUpgrade(req, socket, head, (ws) => attachWebSocket(ws, opts.service, log, peer));
  });
  server.on('clientError', (err, socket) => {
    log(`malformed HTTP request: ${err.message}`);
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
  });

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => reject(e.code === 'EADDRINUSE' ? new Error(`port ${opts.port} is already in use`) : e.code === 'EADDRNOTAVAIL' ? new Error(`${host} is not an address of this machine`) : e));
    server.listen({ host, port: opts.port ?? 0 }, () => resolveListen());
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : opts.port ?? 0;
  hosts = ownHosts(host, port);
  const shown = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  const urlHost = shown.includes(':') ? `[${shown}]` : shown;
  return {
    url: `http://${urlHost}:${port}/?token=${token}`,
    port,
    host,
    token,
    uploadDir,
    close: async () => {
      for (const ws of wss.clients) ws.terminate();
      wss.close();
      await new Promise<void>((r) => server.close(() => r()));
      server.closeAllConnections?.();
      if (ownUploadDir) rmSync(uploadDir, { recursive: true, force: true });
    },
  };
}

/** Paths a client of a server on a non-loopback address may open: its uploads and the app's own captures. */
export function classroomPolicy(allowedDirs: string[], allowedFiles: string[]): { canOpen: (p: string) => boolean; canSave: (p: string) => boolean } {
  const dirs = allowedDirs.map((d) => resolve(d) + sep);
  const filesSet = new Set(allowedFiles.map((f) => resolve(f)));
  return {
    canOpen: (p) => filesSet.has(resolve(p)) || dirs.some((d) => resolve(p).startsWith(d)),
    canSave: () => false,
  };
}

export function isLoopbackHost(host: string): boolean {
  return host === '127.0.0.1' || host === '::1' || host === 'localhost' || /^127\./.test(host);
}
