// The app model's memory per frame: the store keeps columns, so a large capture costs well under
// 150 bytes per frame (issue 5's budget), measured on 300k frames (npm run bench measures 1M).
import { describe, expect, it, vi } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

vi.mock('../../main/engine/dissect/index', async () => await import('./fake-engine'));
vi.mock('../../main/engine/tcp/tracker', async () => ({ TcpTracker: (await import('./fake-engine')).TcpTracker }));
vi.mock('../../main/engine/tcp/states', async () => ({ StateTracker: (await import('./fake-engine')).StateTracker }));

const { FrameStore } = await import('../../main/engine/store/frame-store');
const { loadCaptureFile } = await import('../../main/backend/file-loader');
const { FileBytes } = await import('../../main/backend/file-bytes');
const { synthFrames, writePcap } = await import('./synth');

describe('frame store memory', () => {
  it('holds 300k frames in well under 150 bytes each', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hl-mem-'));
    const file = join(dir, 'big.pcap');
    // Long connections (like a bulk transfer) and short ones, interleaved.
    writePcap(file, [...synthFrames({ connections: 200, dataSegments: 300, payload: 1000, interleave: 4 }), ...synthFrames({ connections: 4000, dataSegments: 2 })]);
    const store = new FrameStore(new FileBytes(file), { infoCacheSize: 1000 });
    const out = await loadCaptureFile(file, { frame: (raw, off) => { store.add(raw, off); }, progress: () => undefined, cancelled: () => false });
    expect(out.ok).toBe(true);
    expect(store.total).toBeGreaterThan(290_000);
    const m = store.memory();
    console.log(`frame store: ${store.total} frames, ${store.streams} streams: columns ${(m.columns / 2 ** 20).toFixed(1)} MiB, arena ${(m.arena / 2 ** 20).toFixed(1)} MiB, strings ${(m.strings / 2 ** 20).toFixed(1)} MiB → ${m.perFrame.toFixed(1)} bytes/frame`);
    expect(m.perFrame).toBeLessThan(120);
    rmSync(dir, { recursive: true, force: true });
  });
});
