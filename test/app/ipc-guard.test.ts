// The IPC guard: only our window's top frame on our page may call the API, every payload is checked
// against the method's zod schema before it reaches the back end, and refusals are logged with a reason.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ApiError, ipcChannel } from '../../main/api/contract';
import { API_METHOD_NAMES } from '../../main/api/methods';
import { API_METHODS, requestSchemas } from '../../main/api/requests';
import { ChosenPaths, IpcGuard, clientIdOf, isAppUrl, senderProblem, type AppLocation, type IpcSender } from '../../main/app/ipc-guard';

const index = pathToFileURL(join('/opt', 'Handshake Lab', 'resources', 'app.asar', 'out', 'renderer', 'index.html')).href;
const loc: AppLocation = { rendererIndexUrl: index, devServerUrl: null };
const dev: AppLocation = { rendererIndexUrl: index, devServerUrl: 'http://localhost:5173/' };
const ours = (over: Partial<IpcSender> = {}): IpcSender => ({ webContentsId: 7, frameUrl: `${index}#/packets`, isMainFrame: true, ...over });

function guard(extra: Partial<ConstructorParameters<typeof IpcGuard>[0]> = {}) {
  const calls: { method: string; params: unknown; client: string }[] = [];
  const logs: string[] = [];
  const g = new IpcGuard({
    location: loc,
    isOurWebContents: (id) => id === 7,
    forward: async (method, params, client) => { calls.push({ method, params, client }); return { echoed: method }; },
    log: (l) => logs.push(l),
    ...extra,
  });
  return { g, calls, logs };
}

describe('our page', () => {
  it('is the built index.html (any hash or query), or the dev server when there is one', () => {
    expect(isAppUrl(index, loc)).toBe(true);
    expect(isAppUrl(`${index}?x=1#/ladder`, loc)).toBe(true);
    expect(isAppUrl(index.replace('index.html', 'other.html'), loc)).toBe(false);
    expect(isAppUrl('file:///etc/passwd', loc)).toBe(false);
    expect(isAppUrl(index.replace('file:///', 'file://evil.example/'), loc)).toBe(false);
    expect(isAppUrl('https://example.com/', loc)).toBe(false);
    expect(isAppUrl('http://localhost:5173/', loc)).toBe(false);
    expect(isAppUrl('http://localhost:5173/src/main.ts', dev)).toBe(true);
    expect(isAppUrl('http://localhost:5174/', dev)).toBe(false);
    expect(isAppUrl('http://127.0.0.1:5173/', dev)).toBe(false);
    expect(isAppUrl('not a url', dev)).toBe(false);
    expect(isAppUrl('devtools://devtools/bundled/inspector.html', dev)).toBe(false);
  });

  it('senders: our window\'s top frame on our page only', () => {
    const isOurs = (id: number) => id === 7;
    expect(senderProblem(ours(), isOurs, loc)).toBeNull();
    expect(senderProblem(ours({ webContentsId: 8 }), isOurs, loc)).toMatch(/not one of our windows/);
    expect(senderProblem(ours({ isMainFrame: false }), isOurs, loc)).toMatch(/subframe/);
    expect(senderProblem(ours({ frameUrl: null }), isOurs, loc)).toMatch(/gone/);
    expect(senderProblem(ours({ frameUrl: 'https://evil.example/' }), isOurs, loc)).toMatch(/not the app's/);
  });
});

describe('IpcGuard.request', () => {
  it('forwards a valid request with its defaults filled in, as the window\'s client', async () => {
    const { g, calls } = guard();
    const reply = await g.request('startCapture', ours(), { interface: 'lo' });
    expect(reply).toEqual({ ok: true, result: { echoed: 'startCapture' } });
    expect(calls).toEqual([{ method: 'startCapture', params: { interface: 'lo', filter: '', snaplen: 262144 }, client: clientIdOf(7) }]);
    expect((await g.request('getStatus', ours(), undefined)).ok).toBe(true);
  });

  it('rejects bad payloads and unknown methods with a logged reason, without reaching the back end', async () => {
    const { g, calls, logs } = guard();
    const bad: [string, unknown][] = [
      ['startCapture', { interface: 'lo', snaplen: 10 }],
      ['startCapture', { interface: 'lo', extra: true }],
      ['getFrames', { start: -1, count: 5 }],
      ['openLesson', { id: '../../etc/passwd' }],
      ['openFile', 'x'],
      ['openFile', [{ path: '/x' }]],
      ['setFilter', { expression: 'x'.repeat(5000) }],
      ['constructor', {}],
      ['__proto__', {}],
    ];
    for (const [method, params] of bad) {
      const reply = await g.request(method, ours(), params);
      expect(reply.ok, `${method} ${JSON.stringify(params).slice(0, 60)}`).toBe(false);
      if (!reply.ok) expect(reply.error.code).toBe('bad_request');
    }
    expect(calls).toHaveLength(0);
    expect(logs).toHaveLength(bad.length);
    expect(logs[0]).toMatch(/^rejected request startCapture: invalid parameters for startCapture: snaplen/);
    expect(logs.at(-1)).toMatch(/unknown method/);
  });

  it('refuses foreign senders as forbidden', async () => {
    const { g, calls, logs } = guard();
    for (const s of [ours({ webContentsId: 3 }), ours({ isMainFrame: false }), ours({ frameUrl: 'https://evil.example/' })]) {
      const reply = await g.request('getAppInfo', s, {});
      expect(reply).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    }
    expect(calls).toHaveLength(0);
    expect(logs.every((l) => l.startsWith('rejected request getAppInfo: '))).toBe(true);
    expect(g.accepts(ours(), 'ack')).toBe(true);
    expect(g.accepts(ours({ webContentsId: 3 }), 'ack')).toBe(false);
  });

  it('saves only to a path chosen in the Save dialog', async () => {
    const savePaths = new ChosenPaths();
    const { g, calls } = guard({ savePaths });
    expect(await g.request('saveCapture', ours(), { path: '/tmp/x.pcapng' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    savePaths.remember('/tmp/x.pcapng');
    expect((await g.request('saveCapture', ours(), { path: '/tmp/./x.pcapng' })).ok).toBe(true);
    expect(calls).toHaveLength(1);
  });

  it('passes the back end\'s error codes on, and anything else as internal', async () => {
    const { g } = guard({ forward: async () => { throw new ApiError('file_error', 'lab.pcap: no such file'); } });
    expect(await g.request('openFile', ours(), { path: '/x.pcap' })).toEqual({ ok: false, error: { code: 'file_error', message: 'lab.pcap: no such file' } });
    const { g: g2 } = guard({ forward: async () => { throw new TypeError('boom'); } });
    expect(await g2.request('getStatus', ours(), {})).toEqual({ ok: false, error: { code: 'internal', message: 'boom' } });
  });

  it('reports successes (for Open Recent)', async () => {
    const seen: string[] = [];
    const { g } = guard({ onResult: (m, p) => seen.push(`${m} ${JSON.stringify(p)}`) });
    await g.request('openFile', ours(), { path: '/a.pcap' });
    await g.request('openFile', ours(), {});
    expect(seen).toEqual(['openFile {"path":"/a.pcap"}']);
  });
});

describe('one channel per API method', () => {
  it('the plain method list (preload) is the schemas\' list, and channels are distinct', () => {
    expect([...API_METHOD_NAMES].sort()).toEqual(Object.keys(requestSchemas).sort());
    expect(API_METHODS).toEqual([...API_METHOD_NAMES]);
    expect(new Set(API_METHOD_NAMES.map((m) => ipcChannel(m))).size).toBe(API_METHOD_NAMES.length);
  });
});
