// Talking to a running `serve` from tests: raw HTTP requests (paths sent exactly as given) and an API
// client over a real WebSocket that keeps the events the server pushes (it speaks first: session, shares).
import { request } from 'node:http';
import WebSocket from 'ws';
import type { WsEvent, WsResponse } from '../../main/api/contract';

export interface HttpReply { status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }

/** A raw HTTP request to 127.0.0.1:port. */
export function httpGet(port: number, path: string, opts: { method?: string; headers?: Record<string, string>; body?: Buffer } = {}): Promise<HttpReply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: opts.method ?? 'GET', headers: opts.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** Opens /ws on 127.0.0.1:port with this query and Origin (null: none); keeps what arrives before an Api listens. */
export function openWs(port: number, query: string, wsOrigin: string | null = `http://127.0.0.1:${port}`): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws${query}`, wsOrigin ? { origin: wsOrigin } : {});
    const early: unknown[] = [];
    ws.on('message', (d) => early.push(d));
    Object.assign(ws, { early });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

export class Api {
  private next = 1;
  readonly events: WsEvent[] = [];
  private readonly waiting = new Map<number, (r: WsResponse) => void>();
  readonly stray: WsResponse[] = [];
  constructor(readonly ws: WebSocket) {
    const early = (ws as unknown as { early?: unknown[] }).early ?? [];
    ws.removeAllListeners('message');
    const take = (d: unknown) => {
      const m = JSON.parse(String(d)) as WsResponse | WsEvent;
      if ('event' in m) this.events.push(m);
      else {
        const w = this.waiting.get(m.id);
        if (w) { this.waiting.delete(m.id); w(m); } else this.stray.push(m);
      }
    };
    for (const d of early.splice(0)) take(d);
    ws.on('message', take);
  }

  call(method: string, params?: unknown): Promise<WsResponse> {
    const id = this.next++;
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      this.ws.send(JSON.stringify({ id, method, params }));
    });
  }

  async ok<T>(method: string, params?: unknown): Promise<T> {
    const r = await this.call(method, params);
    if ('error' in r) throw new Error(`${method}: ${r.error.code}: ${r.error.message}`);
    return r.result as T;
  }

  /** The error code a call ends with ('ok' when it succeeds). */
  async code(method: string, params?: unknown): Promise<string> {
    const r = await this.call(method, params);
    return 'error' in r ? r.error.code : 'ok';
  }

  /** The session the server gave this connection (its first event; a resume may take a second or two). */
  async session(): Promise<string> {
    for (let i = 0; i < 300 && !this.events.some((e) => e.event === 'session'); i++) await new Promise((r) => setTimeout(r, 10));
    return (this.events.find((e) => e.event === 'session')?.payload as { id: string }).id;
  }

  of<T>(event: string): T[] {
    return this.events.filter((e) => e.event === event).map((e) => e.payload as T);
  }

  async nextStray(): Promise<WsResponse> {
    for (let i = 0; i < 100 && !this.stray.length; i++) await new Promise((r) => setTimeout(r, 10));
    return this.stray.shift() as WsResponse;
  }

  close(): void {
    this.ws.close();
  }
}
