// What captures opened from browsers hold in memory is bounded (serve --upload-memory): fresh eyes
// uploaded 56 MB of one-SYN connections (a million) and took the server to 3.4 GB; a few 256 MB uploads
// would have taken any machine's memory. A load that spends the budget stops there with the limit named
// (the frames before kept), no other upload is opened while it is spent (busy), a student leaving their
// capture gives its share back, and the teacher at the server's machine is not counted. On the real
// engine, loaded on the event loop and through the loading thread.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Service } from '../../main/backend/service';
import { setLoadWorkerFile } from '../../main/backend/load-thread';
import { startServer, type RunningServer } from '../../main/serve/server';
import type { LoadProgress } from '../../main/api/types';
import { synFrames, synthFrames, writePcap } from '../backend/synth';
import { Api, httpGet, openWs } from '../helpers/ws-api';

const workerFile = join(__dirname, '..', '..', 'out', 'main', 'load-worker.js');
const dir = mkdtempSync(join(tmpdir(), 'hl-upload-memory-'));
const syns = join(dir, 'syns.pcap');
const small = join(dir, 'small.pcap');
let server: RunningServer;
let service: Service;

beforeAll(async () => {
  mkdirSync(join(dir, 'renderer'));
  writeFileSync(join(dir, 'renderer', 'index.html'), '<!doctype html><title>t</title>');
  mkdirSync(join(dir, 'uploads'));
  writePcap(syns, synFrames(40_000));
  writePcap(small, synthFrames({ connections: 6 }));
  service = new Service({
    transport: 'websocket', dataDir: join(dir, 'data'), lessonsDir: null, log: () => undefined, uploadDir: join(dir, 'uploads'),
    limits: { uploadMemoryBytes: 16 * 1024 * 1024 },
  });
  server = await startServer({ service, rootDir: join(dir, 'renderer'), log: () => undefined });
});

afterAll(async () => {
  setLoadWorkerFile(undefined);
  await service.dispose();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

const student = async () => new Api(await openWs(server.port, `?token=${server.classToken}`));
const teacher = async () => new Api(await openWs(server.port, `?token=${server.token}`));
async function upload(api: Api, file: string, name: string): Promise<string> {
  const r = await httpGet(server.port, `/upload?token=${server.classToken}&session=${await api.session()}&name=${name}`, { method: 'POST', body: readFileSync(file) });
  expect(r.status).toBe(200);
  return (JSON.parse(r.body.toString()) as { path: string }).path;
}

const SPENT = 'stopped loading: captures opened from browsers may hold 16 MB of this server\'s memory at once (serve --upload-memory), and that much is in use; the frames before this point are loaded (close captures you no longer need)';

describe.each([['on the event loop', null], ['through the loading thread', workerFile]] as const)('the memory uploads may hold, %s', (_how, worker) => {
  it('a load that spends it stops with the limit named; others are refused until it is let go; the teacher here is not counted', async () => {
    setLoadWorkerFile(worker);
    const a = await student(), b = await student(), t = await teacher();
    const big = await a.ok<LoadProgress>('openFile', { path: await upload(a, syns, 'syns.pcap') });
    expect(big.error?.message).toBe(`syns.pcap: ${SPENT}`);
    expect(big.frames).toBeGreaterThan(0);
    // 16 MiB at 3.2 KB a connection: about 5,200 of the 40,000 (looked at every 1,024 frames, or each
    // batch of the loading thread: up to 16,384 frames).
    expect(big.frames).toBeLessThan(25_000);
    const mine = await upload(b, small, 'small.pcap');
    const refused = await b.call('openFile', { path: mine });
    expect('error' in refused && refused.error).toMatchObject({ code: 'busy' });
    expect(JSON.stringify(refused)).toContain('may hold 16 MB of this server\'s memory at once (serve --upload-memory)');
    // The student opens something else: their capture goes, and its share with it.
    expect((await a.ok<LoadProgress>('openFile', { path: await upload(a, small, 'small.pcap') })).error).toBeUndefined();
    expect((await b.ok<LoadProgress>('openFile', { path: mine })).error).toBeUndefined();
    // The teacher at this machine opens files by path, not counted.
    const whole = await t.ok<LoadProgress>('openFile', { path: syns });
    expect(whole).toMatchObject({ frames: 40_000 });
    expect(whole.error).toBeUndefined();
    a.close(); b.close(); t.close();
  });
});
