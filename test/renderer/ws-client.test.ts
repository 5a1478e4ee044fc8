// @vitest-environment happy-dom
// The WebSocket transport: requests wait for the socket, answers match by id, errors keep their codes,
// requests time out, a lost socket fails what was in flight and reconnects with growing delays.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createWsClient } from '../../renderer/src/api/ws-client';
import { ClientError, toClientError } from '../../renderer/src/api/errors';
import { serverLocation } from '../../renderer/src/api';

class FakeSocket {
  static OPEN = 1;
  static all: FakeSocket[] = [];
  readyState = 0;
  sent: string[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((e: { data: unknown }) => void) | null = null;
  onclose: (() => void) | null = null;
  onerror: (() => void) | null = null;
  constructor(readonly url: string) { FakeSocket.all.push(this); }
  send(s: string) { this.sent.push(s); }
  close() { this.readyState = 3; this.onclose?.(); }
  open() { this.readyState = 1; this.onopen?.(); }
  reply(data: unknown) { this.onmessage?.({ data: JSON.stringify(data) }); }
  drop() { this.readyState = 3; this.onclose?.(); }
}
const WS = FakeSocket as unknown as typeof WebSocket;

describe('WebSocket client', () => {
  beforeEach(() => { FakeSocket.all = []; vi.useFakeTimers(); });
  afterEach(() => { vi.useRealTimers(); });

  it('queues requests until the socket opens and resolves them by id', async () => {
    const c = createWsClient({ url: 'ws://x/ws?token=t', WebSocketImpl: WS });
    const p = c.getStatus();
    const s = FakeSocket.all[0];
    expect(s.url).toBe('ws://x/ws?token=t');
    expect(s.sent).toEqual([]);
    s.open();
    expect(c.link).toBe('open');
    const req = JSON.parse(s.sent[0]);
    expect(req.method).toBe('getStatus');
    s.reply({ id: req.id, result: { total: 3 } });
    await expect(p).resolves.toEqual({ total: 3 });
  });

  it('rejects with the back end\'s error code and dispatches events', async () => {
    const c = createWsClient({ url: 'ws://x/ws', WebSocketImpl: WS });
    const s = FakeSocket.all[0];
    s.open();
    const events: unknown[] = [];
    const off = c.on('progress', (p) => events.push(p));
    const p = c.openFile({ path: '/nope' });
    const req = JSON.parse(s.sent[0]);
    s.reply({ id: req.id, error: { code: 'file_error', message: '/nope: no such file' } });
    await expect(p).rejects.toMatchObject({ code: 'file_error', message: '/nope: no such file' });
    s.reply({ event: 'progress', payload: { frames: 5 } });
    off();
    s.reply({ event: 'progress', payload: { frames: 6 } });
    expect(events).toEqual([{ frames: 5 }]);
  });

  it('times out a request that gets no answer', async () => {
    const c = createWsClient({ url: 'ws://x/ws', WebSocketImpl: WS, timeoutMs: 1000 });
    FakeSocket.all[0].open();
    const p = c.getFrames({ start: 0, count: 10 });
    const caught = p.catch((e: unknown) => e);
    vi.advanceTimersByTime(1001);
    const e = await caught;
    expect(e).toBeInstanceOf(ClientError);
    expect((e as ClientError).code).toBe('timeout');
  });

  it('fails in-flight requests when the socket drops, then reconnects with backoff', async () => {
    const c = createWsClient({ url: 'ws://x/ws', WebSocketImpl: WS, backoffMs: { initial: 100, max: 1000 } });
    const links: string[] = [];
    c.onLink((l) => links.push(l));
    FakeSocket.all[0].open();
    const p = c.getStatus().catch((e: unknown) => e);
    FakeSocket.all[0].drop();
    expect((await p as ClientError).code).toBe('disconnected');
    expect(c.link).toBe('reconnecting');
    // A request made while down waits for the next socket.
    const q = c.getAppInfo();
    vi.advanceTimersByTime(200);
    expect(FakeSocket.all.length).toBe(2);
    FakeSocket.all[1].drop(); // failed attempt: the next delay is longer
    vi.advanceTimersByTime(140); // 200 ms ± 25 %: not yet
    expect(FakeSocket.all.length).toBe(2);
    vi.advanceTimersByTime(120);
    expect(FakeSocket.all.length).toBe(3);
    const s = FakeSocket.all[2];
    s.open();
    const req = JSON.parse(s.sent[0]);
    expect(req.method).toBe('getAppInfo');
    s.reply({ id: req.id, result: { name: 'x' } });
    await expect(q).resolves.toEqual({ name: 'x' });
    expect(links).toEqual(['open', 'reconnecting', 'open']);
  });

  it('reads the server and token from the page URL', () => {
    expect(serverLocation({ protocol: 'http:', host: '127.0.0.1:4000', search: '?token=a%2Bb' })).toEqual({ http: 'http://127.0.0.1:4000', ws: 'ws://127.0.0.1:4000/ws?token=a%2Bb', token: 'a+b' });
  });

  it('recovers error codes that crossed Electron IPC as text', () => {
    expect(toClientError(new Error("Error invoking remote method 'handshake-lab:openFile': ApiError: file_error: /x: no such file")).code).toBe('file_error');
    expect(toClientError({ code: 'busy', message: 'b' }).code).toBe('busy');
    expect(toClientError(new Error('weird')).code).toBe('internal');
  });
});
