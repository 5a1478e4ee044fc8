// The loading thread's heap is bounded (fresh eyes: a file of one-SYN connections took a server's storing
// thread past 2.5 GB, with no limit but the process's): a file that needs more ends its load with the
// limit named and the frames before that point kept, the thread gone, and it is never loaded again on the
// event loop (which has no such bound), whichever thread ran out, with or without the reading pipeline.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCaptureFile } from '../../main/backend/file-loader';
import { liveLoadThreads, setLoadPipeline, setLoadWorkerFile } from '../../main/backend/load-thread';
import { FileBytes } from '../../main/backend/file-bytes';
import { FrameStore } from '../../main/engine/store/frame-store';
import { adoptDelta } from '../../main/engine/store/store-delta';
import { synFrames, writePcap } from './synth';

const workerFile = join(__dirname, '..', '..', 'out', 'main', 'load-worker.js');
const dir = mkdtempSync(join(tmpdir(), 'hl-load-heap-'));
const file = join(dir, 'syn.pcap');
writePcap(file, synFrames(200_000));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => {
  setLoadWorkerFile(undefined);
  setLoadPipeline(undefined);
});

describe('the loading thread\'s heap limit', () => {
  for (const pipeline of [false, true]) {
    it(`${pipeline ? 'two threads' : 'one thread'}: out of memory ends the load with the limit named, not the server`, async () => {
      setLoadWorkerFile(workerFile);
      setLoadPipeline(pipeline);
      const store = new FrameStore(new FileBytes(file));
      let inProcess = 0;
      const out = await loadCaptureFile(file, {
        frame: () => { inProcess++; },
        store: { adopt: (delta) => adoptDelta(store, delta), wants: () => false, stored: () => undefined },
        progress: () => undefined,
        cancelled: () => false,
        threadHeapMb: 48,
      });
      expect(out.ok).toBe(false);
      expect(!out.ok && out.problem).toBe(`${file}: loading it took more than 48 MB of memory, the most one load may use on this server; the frames before that point are loaded`);
      expect(inProcess).toBe(0);
      expect(store.total).toBeLessThan(200_000);
      expect(liveLoadThreads.size).toBe(0);
    });
  }
});
