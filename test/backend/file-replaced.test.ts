// A capture file that changes on disk after it was loaded (fresh eyes: the frame store re-opened it by
// path when a frame's bytes were first asked for, and showed whatever file was there by then). The file is
// opened once, for its load, and that one descriptor is read from ever after: a file renamed or copied
// over the path, or unlinked, leaves the original bytes readable; a file rewritten in place (the same
// inode, other bytes) is a clear error. Never another file's bytes. Loaded on the event loop and through
// the loading thread (built by `npm run build`), which reads the same descriptor.
import { afterAll, describe, expect, it } from 'vitest';
import { copyFileSync, existsSync, mkdtempSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Service } from '../../main/backend/service';
import { ApiError } from '../../main/api/contract';
import { setLoadWorkerFile } from '../../main/backend/load-thread';
import { rawFrames } from '../helpers/decode';
import { RecordingClient } from './service-helpers';
import { synthFrames, writePcap } from './synth';

const workerFile = join(__dirname, '..', '..', 'out', 'main', 'load-worker.js');
const MODES: [string, string | null][] = [['on the event loop', null], ['on the loading thread', workerFile]];

const dir = mkdtempSync(join(tmpdir(), 'hl-replaced-'));
const original = join(dir, 'original.pcap');
writePcap(original, synthFrames({ connections: 5, dataSegments: 3, payload: 200 }));
const frames = rawFrames(original);
const hex = (n: number) => Buffer.from(frames[n - 1].data).toString('hex');
/** Another file's bytes: larger than the capture, so every frame's offset reads something. */
const other = Buffer.alloc(statSync(original).size + 4096, 0x5a);
afterAll(() => {
  setLoadWorkerFile(undefined);
  rmSync(dir, { recursive: true, force: true });
});

/** A session with `name` (a copy of the capture) loaded. */
async function loaded(name: string, worker: string | null) {
  if (worker && !existsSync(worker)) throw new Error(`${worker} is missing: run npm run build first`);
  setLoadWorkerFile(worker);
  const path = join(dir, name);
  copyFileSync(original, path);
  const s = new Service({ transport: 'websocket', log: () => undefined, pushIntervalMs: 0, dataDir: join(dir, 'data') });
  const c = new RecordingClient(name);
  expect(await s.handle('openFile', { path }, c)).toMatchObject({ done: true, frames: frames.length });
  return { s, c, path };
}

/** The frame's bytes as getFrame gives them, or its error. */
async function detail(s: Service, c: RecordingClient, n: number): Promise<{ bytes: string } | { code: string; message: string }> {
  try {
    return { bytes: (await s.handle('getFrame', { number: n }, c)).bytes };
  } catch (e) {
    if (e instanceof ApiError) return { code: e.code, message: e.message };
    throw e;
  }
}

describe('a capture file replaced or rewritten after loading is never read as another file', () => {
  for (const [mode, worker] of MODES) {
    it(`another file renamed over it, or it unlinked: the original bytes (${mode})`, async () => {
      const { s, c, path } = await loaded(`renamed-${worker ? 't' : 'e'}.pcap`, worker);
      const swap = join(dir, 'swap.bin');
      writeFileSync(swap, other);
      renameSync(swap, path);
      expect(await detail(s, c, 7)).toEqual({ bytes: hex(7) });
      rmSync(path);
      expect(await detail(s, c, frames.length)).toEqual({ bytes: hex(frames.length) });
      await s.dispose();
    });

    it(`rewritten in place: a clear error naming the change (${mode})`, async () => {
      const { s, c, path } = await loaded(`rewritten-${worker ? 't' : 'e'}.pcap`, worker);
      // A frame shown before the change still reads as it did.
      expect(await detail(s, c, 2)).toEqual({ bytes: hex(2) });
      writeFileSync(path, other);
      for (const n of [2, 7]) {
        expect(await detail(s, c, n)).toEqual({ code: 'file_error', message: `cannot re-read frames from ${path}: ${path}: the capture file changed on disk since it was loaded; open it again` });
      }
      await s.dispose();
    });
  }
});
