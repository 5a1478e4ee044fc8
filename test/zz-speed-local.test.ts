import { it } from 'vitest';
import { FrameStore } from '../main/engine/store/frame-store';
import { loadCaptureFile } from '../main/backend/file-loader';
import { FileBytes } from '../main/backend/file-bytes';
it('speed', async () => {
  for (const mode of (process.env.MODES ?? 'fast').split(',')) {
    const file = process.env.FILE as string;
    const store = new FrameStore(new FileBytes(file));
    const t = performance.now();
    let fast = 0;
    await loadCaptureFile(file, { frame: (raw, off) => { if (mode === 'fast') { if (!store.ingest(raw, off).full) fast++; } else store.add(raw, off); }, progress: () => undefined, cancelled: () => false });
    const s = (performance.now() - t) / 1000;
    console.log(mode, store.total, 'frames', s.toFixed(2), 's', (store.total / s).toFixed(0), 'frames/s; fast', fast, 'conns', store.connections().length);
  }
}, 600_000);
