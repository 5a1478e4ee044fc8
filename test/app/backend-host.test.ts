// Electron main ↔ back-end host over a real message channel (node's MessageChannel standing in for the
// utility process's): requests and their errors, events routed per window, ack-based push backpressure
// with exact skip counters, a stalled page still getting the odd batch, a dead host failing pending
// requests, and an orderly dispose. Runs on the stand-in engine (test/backend/fake-engine.ts).
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MessageChannel, type MessagePort } from 'node:worker_threads';

vi.mock('../../main/engine/dissect/index', async () => await import('../backend/fake-engine'));
vi.mock('../../main/engine/tcp/tracker', async () => ({ TcpTracker: (await import('../backend/fake-engine')).TcpTracker }));
vi.mock('../../main/engine/tcp/states', async () => ({ StateTracker: (await import('../backend/fake-engine')).StateTracker }));

const { Service } = await import('../../main/backend/service');
const { ApiError } = await import('../../main/api/contract');
const { hostService } = await import('../../main/app/backend-host-core');
const { BackendBridge } = await import('../../main/app/backend-bridge');
const { FakeCapture } = await import('../backend/fake-capture');
const { synthFrames, writePcap } = await import('../backend/synth');
const { rawFrames } = await import('../helpers/decode');
import type { ApiEvents } from '../../main/api/contract';
import type { FromHost, MessageEnd, ToHost } from '../../main/app/backend-protocol';

const dir = mkdtempSync(join(tmpdir(), 'hl-host-'));
const file = join(dir, 'lab.pcap');
writePcap(file, synthFrames({ connections: 40 }));
const frames = rawFrames(file);
const ports: MessagePort[] = [];
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => { for (const p of ports.splice(0)) p.close(); });

const settle = () => new Promise((r) => setTimeout(r, 30));
const end = <O, I>(p: MessagePort): MessageEnd<O, I> => ({ postMessage: (m) => p.postMessage(m), onMessage: (h) => { p.on('message', h); } });

function setup(opts: { maxBatchRows?: number } = {}) {
  const { port1, port2 } = new MessageChannel();
  ports.push(port1, port2);
  const capture = new FakeCapture();
  const logs: string[] = [];
  const service = new Service({ transport: 'ipc', capture, log: (l) => logs.push(l), pushIntervalMs: 0, dataDir: join(dir, 'data'), lessonsDir: null, ...opts });
  let now = 1_000_000;
  const clock = { advance: (ms: number) => { now += ms; } };
  let disposed = 0;
  hostService(end<FromHost, ToHost>(port2), service, { now: () => now, onDisposed: () => { disposed++; } });
  const events: { client: string; event: string; payload: unknown }[] = [];
  const bridge = new BackendBridge({ onEvent: (client, event, payload) => events.push({ client, event, payload }), log: (l) => logs.push(l) });
  bridge.bind(end<ToHost, FromHost>(port1));
  const framesOf = (client: string) => events.filter((e) => e.client === client && e.event === 'frames').map((e) => e.payload as ApiEvents['frames']);
  return { service, capture, bridge, events, logs, clock, framesOf, disposed: () => disposed };
}

describe('back-end host over a message channel', () => {
  it('answers requests, and turns the back end\'s refusals into ApiErrors with their code', async () => {
    const { bridge, logs } = setup();
    const info = (await bridge.request('window-1', 'getAppInfo', {})) as { transport: string; capture: { available: boolean } };
    expect(info.transport).toBe('ipc');
    expect(info.capture.available).toBe(true);
    const err = await bridge.request('window-1', 'getFrame', { number: 0 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as InstanceType<typeof ApiError>).code).toBe('bad_request');
    expect(logs.some((l) => /rejected request from window-1/.test(l))).toBe(true);
    const missing = await bridge.request('window-1', 'getFrame', { number: 5 }).catch((e: unknown) => e);
    expect((missing as InstanceType<typeof ApiError>).code).toBe('not_found');
  });

  it('routes events to the window they are for', async () => {
    const { bridge, events } = setup();
    bridge.attach('window-1');
    const p = (await bridge.request('window-1', 'openFile', { path: file })) as { frames: number; done: boolean };
    expect(p.frames).toBe(frames.length);
    await settle();
    const kinds = events.filter((e) => e.client === 'window-1').map((e) => e.event);
    expect(kinds).toContain('reset');
    expect(kinds).toContain('status');
    expect(kinds).toContain('progress');
    expect(events.every((e) => e.client === 'window-1')).toBe(true);
  });

  it('pushes at most 2 unacknowledged frame batches; acks let the newest rows through, skips counted exactly', async () => {
    const { bridge, capture, service, framesOf, clock } = setup({ maxBatchRows: 50 });
    bridge.attach('window-1');
    await settle();
    await bridge.request('window-1', 'startCapture', { interface: 'lo' });
    const per = Math.floor(frames.length / 10);
    let sent = 0;
    const round = async () => {
      capture.deliver(frames.slice(sent, sent + per));
      sent += per;
      service.tick();
      clock.advance(33);
      await settle();
    };
    for (let i = 0; i < 4; i++) await round();
    expect(framesOf('window-1')).toHaveLength(2);
    bridge.ack('window-1');
    await settle();
    await round();
    const batches = framesOf('window-1');
    expect(batches).toHaveLength(3);
    expect(batches[2].skipped).toBeGreaterThan(0);
    expect(batches[2].total).toBe(sent);
    // A page that never acks again still gets one batch per stall period, never a flood.
    await round();
    expect(framesOf('window-1')).toHaveLength(3);
    clock.advance(2000);
    await round();
    expect(framesOf('window-1')).toHaveLength(4);
    await round();
    expect(framesOf('window-1')).toHaveLength(4);
    for (let i = 0; i < 4; i++) bridge.ack('window-1');
    await settle();
    service.tick();
    await settle();
    const all = framesOf('window-1');
    expect(Math.max(...all.map((b) => b.rows.length))).toBeLessThanOrEqual(50);
    const delivered = all.reduce((a, b) => a + b.rows.length, 0);
    const skipped = all.reduce((a, b) => a + b.skipped, 0);
    expect(delivered + skipped).toBe(sent);
    const status = (await bridge.request('window-1', 'getStatus', {})) as { counters: { skippedPush: number; decoded: number } };
    expect(status.counters).toMatchObject({ skippedPush: skipped, decoded: sent });
    await bridge.request('window-1', 'stopCapture', {});
  });

  it('a reloaded page (attach again) keeps its session and capture, with no backlog of acks', async () => {
    const { bridge, capture, service, framesOf } = setup({ maxBatchRows: 50 });
    bridge.attach('window-1');
    await bridge.request('window-1', 'startCapture', { interface: 'lo' });
    for (let i = 0; i < 3; i++) { capture.deliver(frames.slice(i * 10, i * 10 + 10)); service.tick(); await settle(); }
    expect(framesOf('window-1')).toHaveLength(2);
    bridge.attach('window-1');
    await settle();
    capture.deliver(frames.slice(30, 40));
    service.tick();
    await settle();
    expect(framesOf('window-1')).toHaveLength(3);
    await bridge.request('window-1', 'stopCapture', {});
  });

  it('a host that dies fails every pending request at once', async () => {
    const { port1 } = new MessageChannel();
    ports.push(port1);
    const bridge = new BackendBridge({ onEvent: () => undefined, log: () => undefined });
    bridge.bind(end<ToHost, FromHost>(port1)); // nobody answers on the other side
    const pending = bridge.request('window-1', 'getStatus', {});
    bridge.hostGone('the back end stopped unexpectedly (exit code 134)');
    await expect(pending).rejects.toMatchObject({ code: 'internal', message: /exit code 134/ });
    await expect(bridge.request('window-1', 'getStatus', {})).rejects.toMatchObject({ code: 'internal' });
  });

  it('dispose stops the capture and tells main when done', async () => {
    const { bridge, capture, disposed } = setup();
    await bridge.request('window-1', 'startCapture', { interface: 'lo' });
    await bridge.dispose(2000);
    expect(disposed()).toBe(1);
    expect(capture.stopped).toBe(1);
  });
});
