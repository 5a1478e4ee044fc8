// `handshake-lab serve`: the renderer and the API over HTTP + WebSocket, on 127.0.0.1 unless told
// otherwise, behind two random tokens: the teacher's URL (full control) and the class URL (students).
// Routes:
//   GET  /…                              the built renderer (public files; the page reads the token from its URL)
//   GET  /ws?token=…[&session=S]         WebSocket upgrade: the API (Origin must be this server's own);
//                                        `session` resumes that session after a reload
//   POST /upload?token=…&session=S&name=F  store a capture file for session S (quota-limited); answers
//                                        {"path": "upload:…"}, which that session (only) may openFile
//   GET  /capture?token=…&session=S      download what session S looks at, if it may
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { WebSocketServer } from 'ws';
import type { Role } from '../api/types';
import { isLoopbackAddress } from '../backend/net-address';
import type { Service } from '../backend/service';
import { UPLOAD_DIR_PREFIX } from '../backend/uploads';
import { hostAllowed, newToken, originAllowed, ownHosts, roleOfToken, tokenOf, type OwnHosts } from './auth';
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
  /** Fixed tokens (tests); default: 256 random bits each. */
  token?: string;
  classToken?: string;
  log?: (line: string) => void;
}

export interface RunningServer {
  /** The teacher's URL, and the class URL (the same page, the student's token). */
  url: string;
  classUrl: string;
  port: number;
  host: string;
  token: string;
  classToken: string;
  close(): Promise<void>;
}

const text = (res: ServerResponse, status: number, body: string, headers: Record<string, string>) => {
  res.writeHead(status, { ...headers, 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' }).end(`${body}\n`);
};

/** A private folder for a server's uploads (its pid inside lets a later server remove it once this one is gone). */
export function makeUploadDir(): string {
  return mkdtempSync(join(tmpdir(), UPLOAD_DIR_PREFIX));
}

export async function startServer(opts: ServeOptions): Promise<RunningServer> {
  const log = opts.log ?? ((line: string) => process.stderr.write(`handshake-lab serve: ${line}\n`));
  const host = opts.host ?? '127.0.0.1';
  const tokens = { teacher: opts.token ?? newToken(), student: opts.classToken ?? newToken() };
  const service = opts.service;
  const headers = securityHeaders(await cspOf(opts.rootDir));
  const files = new StaticFiles(opts.rootDir, headers);
  let hosts: OwnHosts = { names: new Set(), port: 0 };
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES * 4 });

  const peerOf = (req: IncomingMessage) => `${req.socket.remoteAddress ?? '?'}:${req.socket.remotePort ?? '?'}`;

  const server: Server = createServer((req, res) => {
    void handleHttp(req, res).catch((e: unknown) => {
      log(`${peerOf(req)}: ${req.method} ${req.url?.split('?')[0]} failed: ${e instanceof Error ? e.message : String(e)}`);
      if (!res.headersSent) text(res, 500, 'internal error', headers);
      else res.destroy();
    });
  });

  /** The role the request's token gives, or why it has none (the response is sent). */
  function roleOf(req: IncomingMessage, res: ServerResponse, url: URL, path: string): Role | null {
    const given = tokenOf(req, url);
    if (!given) {
      log(`${peerOf(req)}: refused ${path}: no token`);
      text(res, 401, 'unauthorized: the token from the printed URL is required', headers);
      return null;
    }
    const role = roleOfToken(given, tokens);
    if (!role) {
      log(`${peerOf(req)}: refused ${path}: wrong token`);
      text(res, 403, 'forbidden: wrong token', headers);
      return null;
    }
    // A browser page of another site must not use the token it somehow got.
    const origin = req.headers.origin;
    if (origin !== undefined && !originAllowed(origin, hosts)) {
      log(`${peerOf(req)}: refused ${path}: foreign origin ${origin}`);
      text(res, 403, 'forbidden: foreign origin', headers);
      return null;
    }
    return role;
  }

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
    if (path !== '/upload' && path !== '/capture') return files.serve(req, res, path);
    const role = roleOf(req, res, url, path);
    if (!role) return;
    const session = service.sessionById(url.searchParams.get('session') ?? '');
    if (!session || session.role !== role) {
      req.resume();
      return text(res, 400, 'bad request: name your session (&session= from the page)', headers);
    }
    if (path === '/upload') {
      if (req.method !== 'POST') return text(res, 405, 'method not allowed', { ...headers, Allow: 'POST' });
      const uploads = service.uploads;
      if (!uploads) return text(res, 404, 'this server takes no uploads', headers);
      const noPlace = uploads.reserve(session.id, (p) => service.fileInUse(p));
      if (noPlace) {
        req.resume();
        log(`${peerOf(req)}: upload refused: ${noPlace}`);
        return text(res, 429, noPlace, headers);
      }
      const ticket = uploads.begin();
      const r = await receiveUpload(req, uploads.dir, url.searchParams.get('name'), ticket);
      if (!r.ok) uploads.unreserve(session.id);
      if (!r.ok) {
        log(`${peerOf(req)}: upload refused: ${r.message}`);
        return text(res, r.status, r.message, headers);
      }
      // The session may have been freed while the body arrived (idle too long, or room made for others):
      // its uploads were released then, so this one would be kept, and counted, for ever.
      if (service.sessionById(session.id) !== session) {
        ticket.abort();
        uploads.unreserve(session.id);
        await rm(r.path, { force: true });
        log(`${peerOf(req)}: upload dropped: session ${session.id} ended while it arrived`);
        return text(res, 410, 'your session ended while the upload arrived; reload the page and upload again', headers);
      }
      const handle = uploads.commit(r.path, session.id, r.bytes);
      session.uploads.add(r.path);
      for (const p of session.uploads) if (uploads.owner(p) !== session.id) session.uploads.delete(p); // let go (reserve)
      log(`${peerOf(req)}: received ${r.bytes} bytes → ${r.path}`);
      res.writeHead(200, { ...headers, 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
      res.end(JSON.stringify({ path: handle, bytes: r.bytes }));
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return text(res, 405, 'method not allowed', { ...headers, Allow: 'GET' });
    const d = service.download(session.id, role);
    if ('status' in d) return text(res, d.status, d.message, headers);
    return sendDownload(res, d.file, d.name, headers);
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
    const role = roleOfToken(given, tokens);
    if (!role) return refuse(403, 'wrong token');
    if (!originAllowed(req.headers.origin, hosts)) return refuse(403, `origin ${JSON.stringify(req.headers.origin ?? '(none)')} is not this server's`);
    const loopback = isLoopbackAddress(req.socket.remoteAddress);
    wss.handleUpgrade(req, socket, head, (ws) => attachWebSocket(ws, service, log, peer, { role, loopback, resume: url.searchParams.get('session'), address: req.socket.remoteAddress ?? null }));
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
  const at = (h: string) => `http://${h.includes(':') ? `[${h}]` : h}${port === 80 ? '' : `:${port}`}/`;
  const wildcard = host === '0.0.0.0' || host === '::';
  const url = `${at(wildcard ? '127.0.0.1' : host)}?token=${tokens.teacher}`;
  // Students reach a server bound to every address through the network's, not loopback.
  const classUrl = `${at(wildcard ? networkAddress() ?? '127.0.0.1' : host)}?token=${tokens.student}`;
  service.setServerAddress({ host, port }, classUrl);
  // The lessons are checked now, a file at a time, rather than all at once on a class's first listLessons.
  const stopWarming = service.hub.lessons.catalogue.warm();
  return {
    url, classUrl, port, host, token: tokens.teacher, classToken: tokens.student,
    close: async () => {
      stopWarming();
      for (const ws of wss.clients) ws.terminate();
      wss.close();
      server.closeAllConnections?.();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** The first IPv4 address of this machine that is not loopback, or null. */
function networkAddress(): string | null {
  for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  return null;
}

/** Removes a server's upload folder (its files included). */
export function removeUploadDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
