// A gzip-compressed upload's decompressed copy counts against the upload quota as the upload does (fresh
// eyes: ten 20 KB .pcap.gz uploads under a 20 MB quota left 190 MB of copies in the temporary folder):
// a copy that would pass the quota stops its load with the limit named, the frames before kept; the copy's
// bytes are given back when its capture is let go.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Service } from '../../main/backend/service';
import { startServer, type RunningServer } from '../../main/serve/server';
import type { LoadProgress } from '../../main/api/types';
import { synthFrames, writePcap } from '../backend/synth';
import { Api, httpGet, openWs } from '../helpers/ws-api';

const dir = mkdtempSync(join(tmpdir(), 'hl-gzip-quota-'));
const plain = join(dir, 'lab.pcap');
const small = join(dir, 'small.pcap');
let gz: Buffer;
let server: RunningServer;
let service: Service;

beforeAll(async () => {
  mkdirSync(join(dir, 'renderer'));
  writeFileSync(join(dir, 'renderer', 'index.html'), '<!doctype html><title>t</title>');
  mkdirSync(join(dir, 'uploads'));
  writePcap(plain, synthFrames({ connections: 320, dataSegments: 4, payload: 200 }));
  writePcap(small, synthFrames({ connections: 2 }));
  gz = gzipSync(readFileSync(plain));
  service = new Service({
    transport: 'websocket', dataDir: join(dir, 'data'), lessonsDir: null, log: () => undefined, uploadDir: join(dir, 'uploads'),
    limits: { uploadFileBytes: 1_000_000, uploadTotalBytes: 1_500_000 },
  });
  server = await startServer({ service, rootDir: join(dir, 'renderer'), log: () => undefined });
});

afterAll(async () => {
  await service.dispose();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

const student = async () => new Api(await openWs(server.port, `?token=${server.classToken}`));
async function upload(api: Api, body: Buffer, name: string): Promise<string> {
  const r = await httpGet(server.port, `/upload?token=${server.classToken}&session=${await api.session()}&name=${name}`, { method: 'POST', body });
  expect(r.status).toBe(200);
  return (JSON.parse(r.body.toString()) as { path: string }).path;
}

describe('a gzip upload\'s decompressed copy', () => {
  it('counts against the upload quota: past it the load stops, saying so; given back when the capture goes', async () => {
    const size = readFileSync(plain).length;
    expect(size).toBeGreaterThan(750_000);
    expect(size).toBeLessThan(1_000_000);
    expect(gz.length).toBeLessThan(200_000);
    const a = await student(), b = await student();
    const first = await a.ok<LoadProgress>('openFile', { path: await upload(a, gz, 'lab.pcap.gz') });
    expect(first.error).toBeUndefined();
    expect(service.uploads!.used).toBe(gz.length + size);
    const mine = await upload(b, gz, 'lab.pcap.gz');
    const second = await b.ok<LoadProgress>('openFile', { path: mine });
    expect(second.error?.message).toBe('lab.pcap.gz: its decompressed copy would pass this server\'s limits on uploads (uploads on this server are limited to 1500000 bytes in total, and that much is in use; close captures you no longer need); the frames before that point are loaded');
    expect(second.frames).toBeLessThan(first.frames);
    expect(service.uploads!.used).toBeLessThanOrEqual(1_500_000);
    // A opens something else: its copy goes, and its bytes with it; B's opens whole.
    expect((await a.ok<LoadProgress>('openFile', { path: await upload(a, readFileSync(small), 'small.pcap') })).error).toBeUndefined();
    const again = await b.ok<LoadProgress>('openFile', { path: mine });
    expect(again.error).toBeUndefined();
    expect(again.frames).toBe(first.frames);
    a.close(); b.close();
  });
});
