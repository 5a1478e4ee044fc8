// The preload against a stand-in `electron` module: it exposes exactly one function per API method plus
// `on` and the shell's extras under window.handshakeLab, unwraps main's replies (errors keep their code
// for the renderer's toClientError), delivers events and acknowledges frame batches.
import { describe, expect, it, vi } from 'vitest';
import { API_EVENTS, ipcChannel } from '../../main/api/contract';
import { API_METHOD_NAMES } from '../../main/api/methods';
import { FRAMES_ACK_CHANNEL, PICK_SAVE_CHANNEL } from '../../main/app/shell-channels';

const h = vi.hoisted(() => ({
  exposed: {} as Record<string, unknown>,
  invoked: [] as { channel: string; args: unknown[] }[],
  sent: [] as string[],
  listeners: new Map<string, (e: unknown, payload: unknown) => void>(),
  reply: (_channel: string): unknown => ({ ok: true, result: 42 }),
}));

vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => { h.exposed[key] = api; } },
  ipcRenderer: {
    invoke: async (channel: string, ...args: unknown[]) => { h.invoked.push({ channel, args }); return h.reply(channel); },
    send: (channel: string) => { h.sent.push(channel); },
    on: (channel: string, fn: (e: unknown, payload: unknown) => void) => { h.listeners.set(channel, fn); },
  },
  webUtils: { getPathForFile: (f: { name: string }) => `/dropped/${f.name}` },
}));

await import('../../preload/index');
type Api = Record<string, (...a: unknown[]) => unknown>;
const api = h.exposed.handshakeLab as Api;

describe('preload', () => {
  it('exposes one method per API request, on(), and the shell extras — nothing else', () => {
    expect(Object.keys(h.exposed)).toEqual(['handshakeLab']);
    expect(Object.keys(api).sort()).toEqual([...API_METHOD_NAMES, 'on', 'pathForFile', 'pickOpenPath', 'pickSavePath', 'saveReportPdf'].sort());
    expect([...h.listeners.keys()].sort()).toEqual(API_EVENTS.map((e) => ipcChannel(e)).sort());
  });

  it('a request goes to its own channel with its params and resolves to the result', async () => {
    await expect(api.openFile({ path: '/x.pcap' })).resolves.toBe(42);
    expect(h.invoked.at(-1)).toEqual({ channel: ipcChannel('openFile'), args: [{ path: '/x.pcap' }] });
  });

  it('an error reply rejects with the code first in the message (and as .code)', async () => {
    h.reply = () => ({ ok: false, error: { code: 'file_error', message: '/x.pcap: no such file' } });
    const e = (await (api.openFile({ path: '/x.pcap' }) as Promise<unknown>).catch((x: unknown) => x)) as Error & { code: string };
    expect(e.message).toBe('file_error: /x.pcap: no such file');
    expect(e.code).toBe('file_error');
    h.reply = () => undefined;
    await expect(api.getStatus()).rejects.toThrow(/^internal: /);
    h.reply = () => ({ ok: true, result: 42 });
  });

  it('delivers events to subscribers, stops after unsubscribe, and acks each frames batch', () => {
    const got: unknown[] = [];
    const off = api.on('frames', (p: unknown) => got.push(p)) as () => void;
    const status: unknown[] = [];
    api.on('status', (p: unknown) => status.push(p));
    const sentBefore = h.sent.length;
    h.listeners.get(ipcChannel('frames'))!({}, { rows: [], total: 1, skipped: 0 });
    h.listeners.get(ipcChannel('status'))!({}, { capture: { state: 'idle' } });
    expect(got).toEqual([{ rows: [], total: 1, skipped: 0 }]);
    expect(status).toHaveLength(1);
    expect(h.sent.slice(sentBefore)).toEqual([FRAMES_ACK_CHANNEL]);
    off();
    h.listeners.get(ipcChannel('frames'))!({}, { rows: [], total: 2, skipped: 0 });
    expect(got).toHaveLength(1);
    // Acked even with nobody listening, so the back end never waits on a page that ignores frames.
    expect(h.sent.slice(sentBefore)).toEqual([FRAMES_ACK_CHANNEL, FRAMES_ACK_CHANNEL]);
    expect(() => api.on('nonsense', () => undefined)).toThrow(/unknown event/);
    expect(() => api.on('frames', 'not a function')).toThrow(/handler/);
  });

  it('extras: Save dialog by channel, dropped file path by webUtils', async () => {
    h.reply = () => '/home/u/x.pcapng';
    await expect(api.pickSavePath('x.pcapng')).resolves.toBe('/home/u/x.pcapng');
    expect(h.invoked.at(-1)).toEqual({ channel: PICK_SAVE_CHANNEL, args: ['x.pcapng'] });
    expect(api.pathForFile({ name: 'lab.pcap' })).toBe('/dropped/lab.pcap');
  });
});
