// A sealed store (its capture read to the end) keeps its columns, not its first pass's trackers: they cost
// kilobytes a connection, and a cached reference to the first pass's session once kept them for the life of
// the source (1M one-SYN connections held 2.5 GB after their load instead of 0.5 GB; fresh eyes).
import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FrameStore } from '../../main/engine/store/frame-store';
import { FileBytes } from '../../main/backend/file-bytes';
import { loadCaptureFile } from '../../main/backend/file-loader';
import { setLoadWorkerFile } from '../../main/backend/load-thread';
import { Conv, Flow } from '../../main/engine/tcp/conversation';
import { synthFrames, writePcap } from './synth';

/** Whether anything reachable from `root` (own properties, Map and Set entries, array elements) is a Conv or Flow. */
function reachesTracker(root: unknown): boolean {
  const seen = new Set<object>();
  const todo: unknown[] = [root];
  while (todo.length) {
    const x = todo.pop();
    if (typeof x !== 'object' || x === null || seen.has(x) || ArrayBuffer.isView(x) || x instanceof ArrayBuffer) continue;
    seen.add(x);
    if (x instanceof Conv || x instanceof Flow) return true;
    if (x instanceof Map) for (const [k, v] of x) todo.push(k, v);
    else if (x instanceof Set) for (const v of x) todo.push(v);
    for (const k of Object.getOwnPropertyNames(x)) {
      const d = Object.getOwnPropertyDescriptor(x, k);
      if (d && 'value' in d) todo.push(d.value);
    }
  }
  return false;
}

describe('a sealed frame store', () => {
  it('no longer reaches the first pass\'s connection trackers', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hl-seal-'));
    try {
      const file = join(dir, 'c.pcap');
      writePcap(file, synthFrames({ connections: 50, dataSegments: 2 }));
      setLoadWorkerFile(null);
      const store = new FrameStore(new FileBytes(file));
      const out = await loadCaptureFile(file, { frame: (raw, off) => { store.ingest(raw, off); }, progress: () => undefined, cancelled: () => false });
      expect(out.ok).toBe(true);
      expect(store.streams).toBe(50);
      expect(reachesTracker(store)).toBe(true);
      store.seal();
      expect(reachesTracker(store)).toBe(false);
    } finally {
      setLoadWorkerFile(undefined);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
