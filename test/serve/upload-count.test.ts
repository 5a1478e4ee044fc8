// The number of uploads is bounded too (fresh eyes: with a 1 MB quota, 3,000 empty uploads were all stored at
// 420/s, each a file and map entries): an empty file is refused as no capture; a session keeps its newest
// uploads up to its number (the oldest one no capture reads goes) and is refused only when all are open; the
// server holds a bounded number, and a session never takes another's place; each refusal names the limit.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Service } from '../../main/backend/service';
import { startServer, type RunningServer } from '../../main/serve/server';
import type { LoadProgress } from '../../main/api/types';
import { synthFrames, writePcap } from '../backend/synth';
import { Api, httpGet, openWs } from '../helpers/ws-api';

const dir = mkdtempSync(join(tmpdir(), 'hl-upload-count-'));
const small = join(dir, 'small.pcap');
let server: RunningServer;
let service: Service;

beforeAll(async () => {
  mkdirSync(join(dir, 'renderer'));
  writeFileSync(join(dir, 'renderer', 'index.html'), '<!doctype html><title>t</title>');
  mkdirSync(join(dir, 'uploads'));
  writePcap(small, synthFrames({ connections: 1 }));
  service = new Service({
    transport: 'websocket', dataDir: join(dir, 'data'), lessonsDir: null, log: () => undefined, uploadDir: join(dir, 'uploads'),
    limits: { uploadsPerSession: 3, uploadFiles: 5 },
  });
  server = await startServer({ service, rootDir: join(dir, 'renderer'), log: () => undefined });
});

afterAll(async () => {
  await service.dispose();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

const student = async () => new Api(await openWs(server.port, `?token=${server.classToken}`));
const post = async (api: Api, body: Buffer) => httpGet(server.port, `/upload?token=${server.classToken}&session=${await api.session()}&name=x.pcap`, { method: 'POST', body });
const stored = () => readdirSync(join(dir, 'uploads')).filter((n) => n !== 'server.pid').length;

describe('the number of uploads', () => {
  it('refuses empty files, keeps a session\'s newest up to its number, and bounds the server\'s', async () => {
    const bytes = readFileSync(small);
    const a = await student();
    const empty = await post(a, Buffer.alloc(0));
    expect(empty.status).toBe(400);
    expect(empty.body.toString()).toContain('empty');
    expect(stored()).toBe(0);

    // A session sends ten: it keeps three, the one it has open and its newest.
    const first = JSON.parse((await post(a, bytes)).body.toString()) as { path: string };
    expect((await a.ok<LoadProgress>('openFile', { path: first.path })).error).toBeUndefined();
    for (let i = 0; i < 9; i++) expect((await post(a, bytes)).status).toBe(200);
    expect(stored()).toBe(3);

    // The server's five: another session takes two, a third is refused with the limit named, a's are kept.
    const b = await student(), c = await student();
    expect((await post(b, bytes)).status).toBe(200);
    expect((await post(b, bytes)).status).toBe(200);
    const refused = await post(c, bytes);
    expect(refused.status).toBe(429);
    expect(refused.body.toString()).toContain('this server holds 5 uploads');
    expect(stored()).toBe(5);
    a.close(); b.close(); c.close();
  });
});
