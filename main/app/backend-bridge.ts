// Electron main's side of the back-end host: requests by id with their replies, events routed to the
// window they are for. If the host dies, every pending request fails at once with a clear error, and
// a new host can be bound in its place. No Electron import (tested in plain Node).
import { ApiError, type ApiEvent } from '../api/contract';
import type { ApiMethod } from '../api/requests';
import type { FromHost, MessageEnd, ToHost } from './backend-protocol';

export interface BridgeOptions {
  /** An event for one client (a window): main sends it to that window's page. */
  onEvent(client: string, event: ApiEvent, payload: unknown): void;
  log(line: string): void;
}

export class BackendBridge {
  private end: MessageEnd<ToHost, FromHost> | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void }>();
  private readyWaiters: ((capture: boolean) => void)[] = [];
  private readyState: { capture: boolean } | null = null;
  private disposedWaiters: (() => void)[] = [];

  constructor(private readonly opts: BridgeOptions) {}

  /** Connects a (new) host. Messages from an older host are ignored from now on. */
  bind(end: MessageEnd<ToHost, FromHost>): void {
    this.end = end;
    this.readyState = null;
    end.onMessage((msg) => {
      if (this.end !== end) return;
      this.receive(msg);
    });
  }

  /** Resolves once the host has started (with whether live capture is available there). */
  ready(): Promise<boolean> {
    if (this.readyState) return Promise.resolve(this.readyState.capture);
    return new Promise((r) => this.readyWaiters.push(r));
  }

  request(client: string, method: ApiMethod, params: unknown): Promise<unknown> {
    const end = this.end;
    if (!end) return Promise.reject(new ApiError('internal', 'the back end is not running'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      end.postMessage({ type: 'request', id, client, method, params });
    });
  }

  attach(client: string): void {
    this.end?.postMessage({ type: 'attach', client });
  }

  detach(client: string): void {
    this.end?.postMessage({ type: 'detach', client });
  }

  ack(client: string): void {
    this.end?.postMessage({ type: 'ack', client });
  }

  /** Asks the host to stop captures and close files; resolves when it has (or after `timeoutMs`). */
  dispose(timeoutMs = 3000): Promise<void> {
    const end = this.end;
    if (!end) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.disposedWaiters.push(() => { clearTimeout(timer); resolve(); });
      end.postMessage({ type: 'dispose' });
    });
  }

  /** The host process ended: every pending request fails with `reason`. */
  hostGone(reason: string): void {
    this.end = null;
    this.readyState = null;
    const err = new ApiError('internal', reason);
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
    for (const w of this.disposedWaiters.splice(0)) w();
  }

  private receive(msg: FromHost): void {
    switch (msg.type) {
      case 'ready':
        this.readyState = { capture: msg.capture };
        for (const w of this.readyWaiters.splice(0)) w(msg.capture);
        break;
      case 'response': {
        const p = this.pending.get(msg.id);
        if (!p) return;
        this.pending.delete(msg.id);
        if ('error' in msg) p.reject(new ApiError(msg.error.code, msg.error.message));
        else p.resolve(msg.result);
        break;
      }
      case 'event':
        this.opts.onEvent(msg.client, msg.event, msg.payload);
        break;
      case 'log':
        this.opts.log(msg.line);
        break;
      case 'disposed':
        for (const w of this.disposedWaiters.splice(0)) w();
        break;
    }
  }
}
