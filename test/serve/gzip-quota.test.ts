// A gzip-compressed upload's decompressed copy counts against the upload quota as the upload does (fresh
// eyes: ten 20 KB .pcap.gz uploads under a 20 MB quota left 190 MB of copies in the temporary folder):
// a copy that would pass the quota stops its load with the limit named, the frames before kept; the copy's
// bytes are given back when its capture is let go.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { LoadProgress } from '../../main/api/types';
import { synthFrames, writePcap } from '../backend/synth';
import { startUploadServer, type UploadServer } from '../helpers/upload-server';

const dir = mkdtempSync(join(tmpdir(), 'hl-gzip-quota-'));
const plain = join(dir, 'lab.pcap');
const small = join(dir, 'small.pcap');
let gz: Buffer;
let srv: UploadServer;

beforeAll(async () => {
  writePcap(plain, synthFrames({ connections: 320, dataSegments: 4, payload: 200 }));
  writePcap(small, synthFrames({ connections: 2 }));
  gz = gzipSync(readFileSync(plain));
  srv = await startUploadServer(dir, { limits: { uploadFileBytes: 1_000_000, uploadTotalBytes: 1_500_000 } });
});

afterAll(async () => {
  await srv.close();
});

describe('a gzip upload\'s decompressed copy', () => {
  it('counts against the upload quota: past it the load stops, saying so; given back when the capture goes', async () => {
    const size = readFileSync(plain).length;
    expect(size).toBeGreaterThan(750_000);
    expect(size).toBeLessThan(1_000_000);
    expect(gz.length).toBeLessThan(200_000);
    const a = await srv.student(), b = await srv.student();
    const first = await a.ok<LoadProgress>('openFile', { path: await srv.upload(a, gz, 'lab.pcap.gz') });
    expect(first.error).toBeUndefined();
    expect(srv.service.uploads!.used).toBe(gz.length + size);
    const mine = await srv.upload(b, gz, 'lab.pcap.gz');
    const second = await b.ok<LoadProgress>('openFile', { path: mine });
    expect(second.error?.message).toBe('lab.pcap.gz: its decompressed copy would pass this server\'s limits on uploads (uploads on this server are limited to 1500000 bytes in total, and that much is in use; close captures you no longer need); the frames before that point are loaded');
    expect(second.frames).toBeLessThan(first.frames);
    expect(srv.service.uploads!.used).toBeLessThanOrEqual(1_500_000);
    // A opens something else: its copy goes, and its bytes with it; B's opens whole.
    expect((await a.ok<LoadProgress>('openFile', { path: await srv.upload(a, readFileSync(small), 'small.pcap') })).error).toBeUndefined();
    const again = await b.ok<LoadProgress>('openFile', { path: mine });
    expect(again.error).toBeUndefined();
    expect(again.frames).toBe(first.frames);
    a.close(); b.close();
  });
});
