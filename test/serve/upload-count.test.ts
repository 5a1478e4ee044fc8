// The number of uploads is bounded too (fresh eyes: with a 1 MB quota, 3,000 empty uploads were all stored at
// 420/s, each a file and map entries): an empty file is refused as no capture; a session keeps its newest
// uploads up to its number (the oldest one no capture reads goes) and is refused only when all are open; the
// server holds a bounded number, and a session never takes another's place; each refusal names the limit.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LoadProgress } from '../../main/api/types';
import { synthFrames, writePcap } from '../backend/synth';
import { startUploadServer, type UploadServer } from '../helpers/upload-server';

const dir = mkdtempSync(join(tmpdir(), 'hl-upload-count-'));
const small = join(dir, 'small.pcap');
let srv: UploadServer;

beforeAll(async () => {
  writePcap(small, synthFrames({ connections: 1 }));
  srv = await startUploadServer(dir, { limits: { uploadsPerSession: 3, uploadFiles: 5 } });
});

afterAll(async () => {
  await srv.close();
});

const stored = () => readdirSync(srv.uploadDir).filter((n) => n !== 'server.pid').length;

describe('the number of uploads', () => {
  it('refuses empty files, keeps a session\'s newest up to its number, and bounds the server\'s', async () => {
    const bytes = readFileSync(small);
    const a = await srv.student();
    const empty = await srv.post(a, Buffer.alloc(0));
    expect(empty.status).toBe(400);
    expect(empty.body.toString()).toContain('empty');
    expect(stored()).toBe(0);

    // A session sends ten: it keeps three, the one it has open and its newest.
    const first = JSON.parse((await srv.post(a, bytes)).body.toString()) as { path: string };
    expect((await a.ok<LoadProgress>('openFile', { path: first.path })).error).toBeUndefined();
    for (let i = 0; i < 9; i++) expect((await srv.post(a, bytes)).status).toBe(200);
    expect(stored()).toBe(3);

    // The server's five: another session takes two, a third is refused with the limit named, a's are kept.
    const b = await srv.student(), c = await srv.student();
    expect((await srv.post(b, bytes)).status).toBe(200);
    expect((await srv.post(b, bytes)).status).toBe(200);
    const refused = await srv.post(c, bytes);
    expect(refused.status).toBe(429);
    expect(refused.body.toString()).toContain('this server holds 5 uploads');
    expect(stored()).toBe(5);
    a.close(); b.close(); c.close();
  });
});
