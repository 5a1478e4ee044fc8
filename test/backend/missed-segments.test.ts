// Counters.missedSegments: frames showing that the capture missed a segment (a gap in a connection's
// sequence numbers). It sees loss at once, wherever it happened before us, while dumpcap's drop counters
// come only when it stops. Compared with tshark's tcp.analysis.lost_segment / ack_lost_segment.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { FrameStore } from '../../main/engine/store/frame-store';
import { loadCaptureFile } from '../../main/backend/file-loader';
import { FileBytes } from '../../main/backend/file-bytes';

const tshark = spawnSync('sh', ['-c', 'command -v tshark'], { stdio: 'ignore' }).status === 0;
const corpus = join(__dirname, '..', 'corpus', 'tcp');
const files = ['lossy-drop.pcap', 'lossy-sim.pcap', 'lossy-reorder.pcap', 'midstream.pcap', 'transfer-base.pcap'].map((f) => join(corpus, f));

describe.skipIf(!tshark)('missed segments counter', () => {
  it.each(files)('%s: counts the frames tshark flags as after or acking a segment not captured', async (file) => {
    const store = new FrameStore(new FileBytes(file));
    await loadCaptureFile(file, { frame: (raw, off) => { store.ingest(raw, off); }, progress: () => undefined, cancelled: () => false });
    const out = spawnSync('tshark', ['-n', '-r', file, '-Y', 'tcp.analysis.lost_segment || tcp.analysis.ack_lost_segment', '-T', 'fields', '-e', 'frame.number'], { encoding: 'utf8' });
    const expected = out.stdout.split('\n').filter((l) => l.trim()).length;
    expect(store.missedSegments).toBe(expected);
  });

  it('a capture with a segment cut out counts it (the store fed frames one by one, as live)', async () => {
    const file = join(corpus, 'transfer-base.pcap');
    const frames: { raw: Parameters<FrameStore['ingest']>[0]; off: number }[] = [];
    await loadCaptureFile(file, { frame: (raw, off) => { frames.push({ raw: { ...raw, data: raw.data.slice() }, off }); }, progress: () => undefined, cancelled: () => false });
    // The first data segment of the transfer goes missing, as a frame the kernel dropped would.
    const lost = frames.findIndex((f) => f.raw.len > 100);
    expect(lost).toBeGreaterThan(0);
    const whole = new FrameStore(null), cut = new FrameStore(null);
    frames.forEach((f) => whole.ingest(f.raw, f.off));
    frames.forEach((f, i) => { if (i !== lost) cut.ingest(f.raw, f.off); });
    expect(whole.missedSegments).toBe(0);
    expect(cut.missedSegments).toBeGreaterThan(0);
  });
});
