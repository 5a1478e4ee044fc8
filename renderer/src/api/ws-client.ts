// The WebSocket transport of the contract (browser mode, `handshake-lab serve`).
// Requests are queued while the socket is down, time out with a clear error, and the socket reconnects
// with exponential backoff. Events are dispatched to `on` handlers; link changes to `onLink` listeners
// (stores use them to re-sync after a reconnect, since the server forgets a socket's view when it closes).
import type { ApiEvent, ApiEvents, HandshakeLabClient, WsEvent, WsRequest, WsResponse } from '../../../main/api/contract';
import type { ApiMethod } from '../../../main/api/requests';
import { API_METHOD_NAMES } from './methods';
import { ClientError } from './errors';

export type LinkState = 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface WsClientOptions {
  /** The socket's URL, asked again at each (re)connect (it names the session to resume). */
  url: string | (() => string);
  /** Default time a request may take before it fails with `timeout`. */
  timeoutMs?: number;
  /** Per-method overrides (an experiment in slow motion legitimately takes minutes). */
  methodTimeoutMs?: Partial<Record<ApiMethod, number>>;
  backoffMs?: { initial: number; max: number };
  WebSocketImpl?: typeof WebSocket;
}

export interface WsClient extends HandshakeLabClient {
  readonly link: LinkState;
  /** Milliseconds until the next reconnect attempt (0 when connected). */
  readonly retryInMs: number;
  onLink(listener: (state: LinkState) => void): () => void;
  close(): void;
}

interface Pending {
  method: ApiMethod;
  frame: string;
  sent: boolean;
  timer: ReturnType<typeof setTimeout>;
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
}

export const DEFAULT_TIMEOUTS: Partial<Record<ApiMethod, number>> = {
  runExperiment: 15 * 60_000,
  openFile: 5 * 60_000,
  openLesson: 5 * 60_000,
  setFilter: 5 * 60_000,
  saveCapture: 5 * 60_000,
  // The system's password prompt waits for a person.
  enableCapture: 10 * 60_000,
};

export function createWsClient(opts: WsClientOptions): WsClient {
  const WS = opts.WebSocketImpl ?? WebSocket;
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const timeouts = { ...DEFAULT_TIMEOUTS, ...opts.methodTimeoutMs };
  const backoff = opts.backoffMs ?? { initial: 300, max: 8_000 };
  const pending = new Map<number, Pending>();
  const handlers = new Map<ApiEvent, Set<(p: unknown) => void>>();
  const linkListeners = new Set<(s: LinkState) => void>();
  let nextId = 1;
  let socket: WebSocket | null = null;
  let link: LinkState = 'connecting';
  let attempt = 0;
  let retryAt = 0;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  let closedByUs = false;

  const setLink = (s: LinkState): void => {
    if (s === link) return;
    link = s;
    for (const l of linkListeners) l(s);
  };

  function connect(): void {
    retryTimer = null;
    let ws: WebSocket;
    try {
      ws = new WS(typeof opts.url === 'function' ? opts.url() : opts.url);
    } catch {
      scheduleReconnect();
      return;
    }
    socket = ws;
    ws.onopen = () => {
      attempt = 0;
      setLink('open');
      for (const p of pending.values()) if (!p.sent) { ws.send(p.frame); p.sent = true; }
    };
    ws.onmessage = (ev: MessageEvent) => onMessage(ev.data);
    ws.onclose = () => {
      if (socket !== ws) return;
      socket = null;
      // A request already sent may or may not have run: fail it rather than send it twice.
      for (const [id, p] of pending) {
        if (!p.sent) continue;
        clearTimeout(p.timer);
        pending.delete(id);
        p.reject(new ClientError('disconnected', `the connection to the server closed during ${p.method}`));
      }
      if (closedByUs) { setLink('closed'); return; }
      scheduleReconnect();
    };
    ws.onerror = () => { /* onclose follows and handles it */ };
  }

  function scheduleReconnect(): void {
    setLink('reconnecting');
    const base = Math.min(backoff.max, backoff.initial * 2 ** attempt);
    const delay = Math.round(base * (0.75 + Math.random() * 0.5));
    attempt++;
    retryAt = Date.now() + delay;
    retryTimer = setTimeout(connect, delay);
  }

  function onMessage(data: unknown): void {
    if (typeof data !== 'string') return;
    let msg: WsResponse | WsEvent;
    try {
      msg = JSON.parse(data) as WsResponse | WsEvent;
    } catch {
      return;
    }
    if ('event' in msg) {
      const set = handlers.get(msg.event);
      if (set) for (const h of [...set]) h(msg.payload);
      return;
    }
    const p = pending.get(msg.id);
    if (!p) return;
    pending.delete(msg.id);
    clearTimeout(p.timer);
    if ('error' in msg) p.reject(new ClientError(msg.error.code, msg.error.message));
    else p.resolve(msg.result);
  }

  function request(method: ApiMethod, params: unknown): Promise<unknown> {
    if (closedByUs) return Promise.reject(new ClientError('disconnected', 'the client was closed'));
    return new Promise((resolve, reject) => {
      const id = nextId++;
      const req: WsRequest = params === undefined ? { id, method } : { id, method, params };
      const ms = timeouts[method] ?? timeoutMs;
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new ClientError('timeout', `${method} got no answer within ${Math.round(ms / 1000)} s`));
      }, ms);
      const p: Pending = { method, frame: JSON.stringify(req), sent: false, timer, resolve, reject };
      pending.set(id, p);
      if (socket && socket.readyState === WS.OPEN) { socket.send(p.frame); p.sent = true; }
    });
  }

  const client = {
    get link() { return link; },
    get retryInMs() { return link === 'reconnecting' ? Math.max(0, retryAt - Date.now()) : 0; },
    onLink(listener: (s: LinkState) => void) {
      linkListeners.add(listener);
      return () => { linkListeners.delete(listener); };
    },
    on<E extends ApiEvent>(event: E, handler: (payload: ApiEvents[E]) => void) {
      let set = handlers.get(event);
      if (!set) handlers.set(event, (set = new Set()));
      const h = handler as (p: unknown) => void;
      set.add(h);
      return () => { set.delete(h); };
    },
    close() {
      closedByUs = true;
      if (retryTimer) clearTimeout(retryTimer);
      for (const p of pending.values()) { clearTimeout(p.timer); p.reject(new ClientError('disconnected', 'the client was closed')); }
      pending.clear();
      if (socket) socket.close(); else setLink('closed');
    },
  } as Record<string, unknown>;
  for (const m of API_METHOD_NAMES) client[m] = (params?: unknown) => request(m, params);

  connect();
  return client as unknown as WsClient;
}
