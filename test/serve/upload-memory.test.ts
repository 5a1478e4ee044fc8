// What captures opened from browsers hold in memory is bounded (serve --upload-memory): fresh eyes
// uploaded 56 MB of one-SYN connections (a million) and took the server to 3.4 GB; a few 256 MB uploads
// would have taken any machine's memory. A load that spends the budget stops there with the limit named
// (the frames before kept), no other upload is opened while it is spent (busy), a student leaving their
// capture gives its share back, and the teacher at the server's machine is not counted. On the real
// engine, loaded on the event loop and through the loading thread.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setLoadWorkerFile } from '../../main/backend/load-thread';
import type { LoadProgress } from '../../main/api/types';
import { synFrames, synthFrames, writePcap } from '../backend/synth';
import type { Api } from '../helpers/ws-api';
import { startUploadServer, type UploadServer } from '../helpers/upload-server';

const workerFile = join(__dirname, '..', '..', 'out', 'main', 'load-worker.js');
const dir = mkdtempSync(join(tmpdir(), 'hl-upload-memory-'));
const syns = join(dir, 'syns.pcap');
const small = join(dir, 'small.pcap');
const commented = join(dir, 'commented.pcapng');
const sections = join(dir, 'sections.pcapng');

/** A pcapng block: its type, body and options (code, value), each padded to 4 bytes. */
function block(type: number, body: Buffer, options: [number, Buffer][] = []): Buffer {
  const opts = options.map(([code, v]) => {
    const h = Buffer.alloc(4);
    h.writeUInt16LE(code, 0); h.writeUInt16LE(v.length, 2);
    return Buffer.concat([h, v, Buffer.alloc((4 - (v.length & 3)) & 3)]);
  });
  if (opts.length) opts.push(Buffer.alloc(4));
  const inner = Buffer.concat([body, ...opts]);
  const out = Buffer.alloc(12 + inner.length);
  out.writeUInt32LE(type, 0); out.writeUInt32LE(out.length, 4); inner.copy(out, 8); out.writeUInt32LE(out.length, out.length - 4);
  return out;
}
function shb(comments: Buffer[] = []): Buffer {
  const b = Buffer.alloc(16);
  b.writeUInt32LE(0x1a2b3c4d, 0); b.writeUInt16LE(1, 4); b.writeBigInt64LE(-1n, 8);
  return block(0x0a0d0d0a, b, comments.map((c) => [1, c]));
}
function idb(): Buffer {
  const b = Buffer.alloc(8);
  b.writeUInt16LE(1, 0); b.writeUInt32LE(262144, 4);
  return block(1, b);
}
function epb(frame: Buffer, i: number, comments: Buffer[]): Buffer {
  const b = Buffer.alloc(20);
  b.writeUInt32LE(i, 8); b.writeUInt32LE(frame.length, 12); b.writeUInt32LE(frame.length, 16);
  return block(6, Buffer.concat([b, frame, Buffer.alloc((4 - (frame.length & 3)) & 3)]), comments.map((c) => [1, c]));
}
/**
 * Frames of many two-byte comments each (fresh eyes: 31 MB of them took a server's memory up by 295 MB
 * under a 16 MB budget, a second copy to 703 MB), and sections of many comments each (532 MB).
 */
function writeComments(): void {
  const tiny = Array.from({ length: 1000 }, (_, i) => Buffer.from(String(i % 100).padStart(2, '0')));
  const frames = synthFrames({ connections: 300 });
  writeFileSync(commented, Buffer.concat([shb(), idb(), ...frames.map((f, i) => epb(f, i, tiny))]));
  const parts: Buffer[] = [];
  for (let s = 0; s < 300; s++) parts.push(shb(tiny), idb(), epb(frames[s % frames.length], s, []));
  writeFileSync(sections, Buffer.concat(parts));
}
let srv: UploadServer;

beforeAll(async () => {
  writePcap(syns, synFrames(40_000));
  writePcap(small, synthFrames({ connections: 6 }));
  writeComments();
  srv = await startUploadServer(dir, { limits: { uploadMemoryBytes: 16 * 1024 * 1024 } });
});

afterAll(async () => {
  setLoadWorkerFile(undefined);
  await srv.close();
});

/** Uploads `file` in the client's session: the path it opens it by. */
const upload = (api: Api, file: string, name: string) => srv.upload(api, readFileSync(file), name);

const SPENT = 'stopped loading: captures opened from browsers may hold 16 MB of this server\'s memory at once (serve --upload-memory), and that much is in use; the frames before this point are loaded (close captures you no longer need)';

describe.each([['on the event loop', null], ['through the loading thread', workerFile]] as const)('the memory uploads may hold, %s', (_how, worker) => {
  it('a load that spends it stops with the limit named; others are refused until it is let go; the teacher here is not counted', async () => {
    setLoadWorkerFile(worker);
    const a = await srv.student(), b = await srv.student(), t = await srv.teacher();
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

describe.each([['on the event loop', null], ['through the loading thread', workerFile]] as const)('comments count against it, %s', (_how, worker) => {
  it('a file of many tiny comments stops at the budget with the limit named; section comments are kept to the first 10,000', async () => {
    setLoadWorkerFile(worker);
    const a = await srv.student();
    const total = synthFrames({ connections: 300 }).length;
    // 1,000 comments a frame, about 68 KB each as the store holds them: 16 MiB is about 250 frames.
    const loaded = await a.ok<LoadProgress>('openFile', { path: await upload(a, commented, 'commented.pcapng') });
    expect(loaded.error?.message).toBe(`commented.pcapng: ${SPENT}`);
    expect(loaded.frames).toBeGreaterThan(100);
    expect(loaded.frames).toBeLessThan(Math.min(total, 600));
    // 300,000 section comments: the first 10,000 kept, the rest left out, so the file loads whole.
    const whole = await a.ok<LoadProgress>('openFile', { path: await upload(a, sections, 'sections.pcapng') });
    expect(whole.error).toBeUndefined();
    expect(whole.frames).toBe(300);
    expect((await a.ok<LoadProgress>('openFile', { path: await upload(a, small, 'small.pcap') })).error).toBeUndefined();
    a.close();
  });
});
