// The frame store keeps columns, not frames: re-dissecting a stored frame must give exactly what the
// first pass gave (TCP analysis, states, transitions and all), for every frame of a capture.
// Runs on a stand-in engine that fills every optional analysis field (awkward values included).
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
const { PcapngAutosave } = await import('../../main/backend/autosave');
const { Decoder } = await import('../../main/engine/decoder');
const { synthFrames, writePcap } = await import('./synth');
const { readCaptureFile } = await import('../../main/capture/file-source');
import type { DecodedFrame, RawFrame, TcpAnalysis } from '../../main/engine/types';

const dir = mkdtempSync(join(tmpdir(), 'hl-store-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

async function loadInto(file: string) {
  const bytes = new FileBytes(file);
  const store = new FrameStore(bytes, { infoCacheSize: 10 });
  const first: DecodedFrame[] = [];
  const analyses = new Map<number, TcpAnalysis>();
  const out = await loadCaptureFile(file, {
    frame: (raw, off) => {
      const d = store.add(raw, off);
      first.push(JSON.parse(JSON.stringify(d.frame)) as DecodedFrame);
      if (d.tcp) analyses.set(d.frame.frame, structuredClone(d.tcp.analysis));
    },
    progress: () => undefined,
    cancelled: () => false,
  });
  expect(out.ok).toBe(true);
  return { store, first, analyses, bytes };
}

describe('frame store replay', () => {
  it('re-dissects every frame of a pcap (frames straddling read chunks) exactly as the first pass', async () => {
    const file = join(dir, 'many.pcap');
    // > 256 KiB so frames straddle the loader's chunks; 200-byte payloads vary frame sizes.
    writePcap(file, synthFrames({ connections: 400, dataSegments: 2, payload: 200 }));
    const { store, first, analyses } = await loadInto(file);
    expect(store.total).toBe(first.length);
    expect(first.length).toBeGreaterThan(4000);
    const numbers = first.map((f) => f.frame);
    const again: DecodedFrame[] = [];
    store.redecodeMany(numbers, (d) => again.push(JSON.parse(JSON.stringify(d.frame)) as DecodedFrame));
    expect(again).toEqual(first);
    for (const [n, a] of analyses) expect(store.record(n).analysis, `frame ${n}`).toEqual(a);
    // Random access, one at a time, in reverse.
    for (let n = first.length; n > first.length - 50; n--) expect(JSON.parse(JSON.stringify(store.redecode(n).frame))).toEqual(first[n - 1]);
  });

  it('matches the Decoder frame for frame (same pipeline)', async () => {
    const file = join(dir, 'small.pcap');
    writePcap(file, synthFrames({ connections: 20 }));
    const dec = new Decoder();
    const expected: DecodedFrame[] = [];
    readCaptureFile(file, (raw) => expected.push(JSON.parse(JSON.stringify(dec.decode(raw))) as DecodedFrame));
    const { first } = await loadInto(file);
    expect(first).toEqual(expected);
  });

  it('rows carry the first pass\'s columns, Info recomputed when not cached', async () => {
    const file = join(dir, 'rows.pcap');
    writePcap(file, synthFrames({ connections: 30 }));
    const { store, first } = await loadInto(file);
    const rows = store.rows(first.map((f) => f.frame));
    rows.forEach((r, i) => {
      const f = first[i];
      expect(r).toMatchObject({ number: f.frame, src: f.src, dst: f.dst, protocol: f.protocol, length: f.len, info: f.info, stream: f.stream, states: f.states, malformed: f.malformed });
      expect([...r.analysis].sort()).toEqual([...f.analysis].sort());
    });
  });

  it('re-reads frames from a pcapng autosave written as frames arrive', async () => {
    const file = join(dir, 'live.pcapng');
    const writer = new PcapngAutosave(file, { interfaceName: 'lo' });
    const bytes = new FileBytes(file);
    const store = new FrameStore(bytes, { infoCacheSize: 1 });
    const raws: RawFrame[] = [];
    readCaptureFile(join(dir, 'small.pcap'), (raw) => raws.push({ ...raw, data: raw.data.slice(), tsNsec: raw.tsNsec + 123 }));
    const first: DecodedFrame[] = [];
    for (let i = 0; i < raws.length; i += 7) {
      const batch = raws.slice(i, i + 7);
      const offsets = writer.append(batch);
      batch.forEach((r, k) => first.push(JSON.parse(JSON.stringify(store.add(r, offsets[k]).frame)) as DecodedFrame));
    }
    writer.close();
    const again: DecodedFrame[] = [];
    store.redecodeMany(first.map((f) => f.frame), (d) => again.push(JSON.parse(JSON.stringify(d.frame)) as DecodedFrame));
    expect(again).toEqual(first);
    // And the file is a valid pcapng that reads back to the same frames (tshark reads it too: see live tests).
    const back: RawFrame[] = [];
    readCaptureFile(file, (raw) => back.push({ ...raw, data: raw.data.slice() }));
    expect(back.map((r) => [r.tsSec, r.tsNsec, r.len, Buffer.from(r.data).toString('hex')])).toEqual(raws.map((r) => [r.tsSec, r.tsNsec, r.len, Buffer.from(r.data).toString('hex')]));
  });

  it('summarises connections like the first pass saw them', async () => {
    const file = join(dir, 'conns.pcap');
    writePcap(file, synthFrames({ connections: 12, dataSegments: 3 }));
    const { store, first } = await loadInto(file);
    const conns = store.connections();
    expect(conns.length).toBe(12);
    for (const c of conns) {
      const frames = first.filter((f) => f.stream === c.stream);
      expect(c.frames).toBe(frames.length);
      expect(c.bytes).toBe(frames.reduce((a, f) => a + f.len, 0));
      expect(c.firstFrame).toBe(frames[0].frame);
      expect(c.lastFrame).toBe(frames[frames.length - 1].frame);
      expect(c.states).toEqual(frames[frames.length - 1].states);
      expect([...store.streamFrames(c.stream)]).toEqual(frames.map((f) => f.frame));
      expect(c.framesClientToServer + c.framesServerToClient).toBe(c.frames);
    }
  });
});
