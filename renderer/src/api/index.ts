// The renderer's one door to the back end. Views and stores import the contract's types and `useClient()`
// from here, never a transport: the Electron preload (`window.handshakeLab`) when present, else WebSocket.
import type { HandshakeLabClient } from '../../../main/api/contract';
import { createWsClient, type LinkState, type WsClient } from './ws-client';
import { rememberSession, sessionId } from './identity';

export type * from '../../../main/api/types';
export type { Field, Layer, TcpAnalysisFlag as AnalysisFlag } from '../../../main/engine/types';
export type { ApiEvent, ApiEvents, HandshakeLabClient } from '../../../main/api/contract';
export type { ApiMethod, RequestInput } from '../../../main/api/requests';
export type { LinkState } from './ws-client';
export { ClientError, toClientError, type ClientErrorCode } from './errors';

export type Transport = 'ipc' | 'websocket';

interface Current {
  client: HandshakeLabClient;
  transport: Transport;
  /** Link state listeners (WebSocket only; IPC is always up). */
  onLink: (l: (s: LinkState) => void) => () => void;
  link: () => LinkState;
  retryInMs: () => number;
}

let current: Current | null = null;

/** Where `serve` is and its token, from the page's own URL (browser mode). */
export function serverLocation(loc: Pick<Location, 'protocol' | 'host' | 'search'> = location): { http: string; ws: string; token: string } {
  const token = new URLSearchParams(loc.search).get('token') ?? '';
  const secure = loc.protocol === 'https:';
  return { http: `${loc.protocol}//${loc.host}`, ws: `${secure ? 'wss' : 'ws'}://${loc.host}/ws?token=${encodeURIComponent(token)}`, token };
}

/** A server URL that names this tab's session (uploads, downloads and the socket belong to it). */
export function withSession(url: string): string {
  const id = sessionId();
  return id ? `${url}${url.includes('?') ? '&' : '?'}session=${encodeURIComponent(id)}` : url;
}

/** Picks the transport once, at start-up. */
export function connectDefault(): Current {
  const w = globalThis as unknown as { handshakeLab?: HandshakeLabClient };
  if (w.handshakeLab) return setClient(w.handshakeLab, 'ipc');
  // Each (re)connect names this tab's session, so the server resumes it (file, filter, lesson).
  const ws: WsClient = createWsClient({ url: () => withSession(serverLocation().ws) });
  ws.on('session', (s) => rememberSession(s.id));
  current = { client: ws, transport: 'websocket', onLink: (l) => ws.onLink(l), link: () => ws.link, retryInMs: () => ws.retryInMs };
  return current;
}

/** Installs a client (the default one, or a fake in tests). */
export function setClient(client: HandshakeLabClient, transport: Transport = 'ipc'): Current {
  const maybeWs = client as Partial<WsClient>;
  current = {
    client,
    transport,
    onLink: (l) => (typeof maybeWs.onLink === 'function' ? maybeWs.onLink(l) : () => {}),
    link: () => maybeWs.link ?? 'open',
    retryInMs: () => maybeWs.retryInMs ?? 0,
  };
  return current;
}

export function useClient(): HandshakeLabClient {
  if (!current) connectDefault();
  return current!.client;
}

export function useTransport(): Current {
  if (!current) connectDefault();
  return current!;
}
