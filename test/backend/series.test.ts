// Graph series and ladder labels, from hand-made points (numbers worked out by hand below).
import { afterAll, describe, expect, it } from 'vitest';
import { rfc6298, stevens, throughput, throughputWindow, windowSeries } from '../../main/engine/store/series';
import { flagList, segmentLabel, endpointName } from '../../main/engine/store/labels';
import type { StreamPoint } from '../../main/engine/store/frame-store';
import { FrameView, PushCursor } from '../../main/engine/store/view';

const p = (frame: number, time: number, direction: 0 | 1, tcpFlags: number, seq: number, len: number, windowSize = 1000): StreamPoint =>
  ({ frame, time, direction, tcpFlags, seq, ack: 0, len, windowSize, analysis: 0 });

describe('RFC 6298 estimator', () => {
  it('first sample: SRTT = R, RTTVAR = R/2; then RTTVAR = 3/4 RTTVAR + 1/4 |SRTT − R|, SRTT = 7/8 SRTT + 1/8 R', () => {
    // R1 = 1: SRTT 1, RTTVAR 0.5.  R2 = 2: RTTVAR = 0.375 + 0.25 = 0.625, SRTT = 0.875 + 0.25 = 1.125.
    // R3 = 1.125: RTTVAR = 0.46875 + 0 = 0.46875, SRTT = 1.125.
    const { srtt, rttvar } = rfc6298([1, 2, 1.125]);
    expect(srtt).toEqual([1, 1.125, 1.125]);
    expect(rttvar).toEqual([0.5, 0.625, 0.46875]);
    expect(rfc6298([])).toEqual({ srtt: [], rttvar: [] });
  });
});

describe('series', () => {
  const pts = [
    p(1, 10.0, 0, 0x002, 0, 0), p(2, 10.1, 1, 0x012, 0, 0), p(3, 10.2, 0, 0x010, 1, 0),
    p(4, 10.3, 0, 0x018, 1, 100), p(5, 10.35, 0, 0x018, 101, 300), p(6, 10.4, 1, 0x010, 1, 0, 500),
    p(7, 11.5, 0, 0x018, 401, 50), p(8, 11.6, 1, 0x014, 1, 0, 0),
  ];
  it('stevens: sequence of segments that carry data or SYN/FIN, per direction, time from the connection start', () => {
    const s = stevens(pts, 0, 10, 3, 'c2s');
    expect(s.frames).toEqual([1, 4, 5, 7]);
    expect(s.y).toEqual([0, 1, 101, 401]);
    expect(s.x.map((x) => +x.toFixed(9))).toEqual([0, 0.3, 0.35, 1.5]);
    expect(stevens(pts, 1, 10, 3, 's2c').frames).toEqual([2]);
  });
  it('throughput: bytes in the trailing window over its length', () => {
    // window 0.1 s: at 10.3 → 100 B; at 10.35 → 400 B (both within 0.1 s); at 11.5 → 50 B.
    const s = throughput(pts, 0, 10, 3, 'c2s', 0.1);
    expect(s.frames).toEqual([4, 5, 7]);
    expect(s.y.map((y) => Math.round(y))).toEqual([1000, 4000, 500]);
    expect(throughputWindow(100)).toBe(1);
    expect(throughputWindow(0.001)).toBe(0.001);
    expect(throughputWindow(0.2)).toBeCloseTo(0.01, 12);
  });
  it('window: the scaled window each side advertised, RSTs left out', () => {
    const s = windowSeries(pts, 1, 10, 3, 's2c');
    expect(s.frames).toEqual([2, 6]);
    expect(s.y).toEqual([1000, 500]);
  });
});

describe('labels', () => {
  it('writes flags and numbers as Wireshark\'s Info does', () => {
    expect(flagList(0x012)).toBe('SYN, ACK');
    expect(flagList(0x000)).toBe('<None>');
    expect(flagList(0x0c2)).toBe('SYN, ECE, CWR');
    expect(segmentLabel(0x012, 0, 1, 65483, 0)).toBe('[SYN, ACK] Seq=0 Ack=1 Win=65483 Len=0');
    expect(segmentLabel(0x002, 0, 0, 65495, 0)).toBe('[SYN] Seq=0 Win=65495 Len=0');
    expect(segmentLabel(0x018, 1, 1, 512, 14, 'PSH, ACK')).toBe('[PSH, ACK] Seq=1 Ack=1 Win=512 Len=14');
    expect(endpointName('::1', 80)).toBe('[::1]:80');
    expect(endpointName('127.0.0.1', 80)).toBe('127.0.0.1:80');
  });
});

describe('views and push cursors', () => {
  it('a filtered view indexes kept frames and finds positions', () => {
    const v = new FrameView('x', true);
    for (let n = 1; n <= 10; n++) v.checked(n, n % 3 === 0);
    expect(v.total(10)).toBe(3);
    expect([0, 1, 2].map((i) => v.at(i))).toEqual([3, 6, 9]);
    expect(v.indexOf(6, 10)).toBe(1);
    expect(v.indexOf(7, 10)).toBe(-1);
    const all = new FrameView('', false);
    expect(all.indexOf(7, 10)).toBe(6);
    expect(all.indexOf(11, 10)).toBe(-1);
  });
  it('pushes the newest rows, at most maxRows, counting the rest as skipped; nothing while not ready', () => {
    const c = new PushCursor(500);
    expect(c.next(100, true)).toEqual({ from: 0, to: 100, skipped: 0 });
    expect(c.next(300, false)).toBeNull();
    expect(c.next(2000, true)).toEqual({ from: 1500, to: 2000, skipped: 1400 });
    expect(c.next(2000, true)).toBeNull();
    expect(c.delivered + c.skipped).toBe(2000);
  });
});

// tcptrace's lines and the marks, on real captures against tshark: the ACK line is each ACK's tcp.ack, the
// window line tcp.ack + tcp.window_size, segment bars end at seq + len (+1 for SYN/FIN: tcp.nxtseq), and the
// marked points are exactly the frames tshark flags as retransmissions, duplicate ACKs and zero windows.
describe('series against tshark', async () => {
  const { join } = await import('node:path');
  const { Service } = await import('../../main/backend/service');
  const { hasTshark, tshark } = await import('../helpers/tshark');
  const files = ['tcp/lossy-sim.pcap', 'tcp/dsack-zero-window-real.pcap', 'tcp/zero-window-probe.pcap', 'lab/ipv4-3seg.pcap'];
  for (const name of files) {
    it.skipIf(!hasTshark())(name, async () => {
      const file = join(__dirname, '..', 'corpus', name);
      const service = new Service({ transport: 'ipc', capture: null, pushIntervalMs: 0, lessonsDir: null, log: () => undefined });
      const ctx = { id: 't', emit: () => undefined };
      await service.handle('openFile', { path: file }, ctx);
      const rows = new Map(tshark(['-r', file, '-Y', 'tcp.stream == 0', '-T', 'fields', '-E', 'separator=|', '-e', 'frame.number', '-e', 'tcp.ack', '-e', 'tcp.window_size',
        '-e', 'tcp.seq', '-e', 'tcp.nxtseq', '-e', 'tcp.analysis.retransmission', '-e', 'tcp.analysis.fast_retransmission', '-e', 'tcp.analysis.spurious_retransmission',
        '-e', 'tcp.analysis.duplicate_ack', '-e', 'tcp.analysis.zero_window', '-e', 'tcp.len', '-e', 'tcp.time_relative']).trim().split('\n').map((l) => {
        const [n, ack, win, seq, nxt, re, fast, spur, dup, zero, len, rel] = l.split('|');
        return [Number(n), { ack: Number(ack), win: Number(win), seq: Number(seq), nxt: nxt === '' ? null : Number(nxt), re: !!(re || fast || spur), dup: !!dup, zero: !!zero, len: Number(len), rel: Number(rel) }];
      }));
      const marked = new Map<number, string>();
      for (const kind of ['stevens', 'acks', 'window'] as const) {
        for (const s of await service.handle('getSeries', { stream: 0, kind }, ctx)) {
          s.frames.forEach((f, i) => {
            const t = rows.get(f)!;
            if (kind === 'acks') {
              expect(s.y[i], `frame ${f} ack`).toBe(t.ack);
              expect(s.upper![i], `frame ${f} ack + window`).toBe(t.ack + t.win);
            }
            if (kind === 'stevens') {
              expect(s.y[i]).toBe(t.seq);
              if (t.nxt !== null && t.nxt > 0) expect(s.upper![i], `frame ${f} end`).toBe(t.nxt);
            }
          });
          for (const m of s.marks ?? []) marked.set(s.frames[m.index], m.kind);
        }
      }
      // Segment by segment (the lab-sized graph): every frame once, with tshark's length at tshark's time.
      const perSegment = new Map<number, { len: number; rel: number }>();
      for (const s of await service.handle('getSeries', { stream: 0, kind: 'segments' }, ctx)) {
        s.frames.forEach((f, i) => {
          expect(perSegment.has(f), `frame ${f} twice`).toBe(false);
          perSegment.set(f, { len: s.y[i], rel: s.x[i] });
        });
      }
      expect([...perSegment.keys()].sort((a, b) => a - b)).toEqual([...rows.keys()]);
      for (const [f, t] of rows) {
        expect(perSegment.get(f)!.len, `frame ${f} length`).toBe(t.len);
        expect(perSegment.get(f)!.rel, `frame ${f} time`).toBeCloseTo(t.rel, 6);
      }
      await service.dispose();
      // Every flagged frame that is on a plot is marked with its flag, and nothing else is.
      for (const [f, t] of rows) {
        const want = t.re ? 'retransmission' : t.dup ? 'duplicate_ack' : t.zero ? 'zero_window' : undefined;
        expect(marked.get(f), `frame ${f}`).toBe(want);
      }
    });
  }
});

// getSeries makes a long connection's series in slices, from points kept for the next kind asked
// (main/backend/series-pull.ts): the same series, value for value and byte for byte once written out, as
// the one-go connectionSeries the tshark comparison above checks, for every stream and kind.
describe('series made in slices', async () => {
  const { join } = await import('node:path');
  const { Service } = await import('../../main/backend/service');
  const { connectionSeries } = await import('../../main/engine/store/series');
  const { encodeInSlices } = await import('../../main/backend/slicer');
  const KINDS = ['stevens', 'acks', 'segments', 'throughput', 'window', 'rtt'] as const;
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { synthFrames, writePcap } = await import('./synth');
  // And one connection long enough to be made in many slices (12,006 frames, slices of 2,048 points).
  const dir = mkdtempSync(join(tmpdir(), 'hl-series-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const long = join(dir, 'long.pcap');
  writePcap(long, synthFrames({ connections: 1, dataSegments: 3000, payload: 100, arpEvery: 0, ipv6Every: 0 }));
  for (const name of ['tcp/lossy-sim.pcap', 'tcp/dsack-zero-window-real.pcap', 'tcp/ipv6-transfer.pcap', 'tcp/lossy-reorder.pcap', 'tcp/kernel-simultaneous-close.pcap', long]) {
    it(name === long ? 'one connection of 12,006 frames (synthetic)' : name, async () => {
      const file = name === long ? long : join(__dirname, '..', 'corpus', name);
      const service = new Service({ transport: 'ipc', capture: null, pushIntervalMs: 0, lessonsDir: null, log: () => undefined });
      const ctx = { id: 't', emit: () => undefined };
      await service.handle('openFile', { path: file }, ctx);
      const store = service.storeOf('t')!;
      const streams = (await service.handle('listConnections', {}, ctx)).map((c) => c.stream);
      expect(streams.length).toBeGreaterThan(0);
      let points = 0;
      for (const stream of streams) {
        for (const kind of KINDS) {
          const sliced = await service.handle('getSeries', { stream, kind }, ctx);
          const whole = connectionSeries(store, stream, kind);
          expect(sliced, `${name} stream ${stream} ${kind}`).toEqual(whole);
          expect((await encodeInSlices(sliced, service.hub.slicer)).toString('utf8')).toBe(JSON.stringify(whole));
          points += whole.reduce((n, s) => n + s.frames.length, 0);
        }
      }
      expect(points).toBeGreaterThan(0);
      // The points of each stream were made once for its six kinds (the capture is loaded: it does not grow).
      expect(service.hub.series.made(store)).toBe(streams.length);
      await service.dispose();
    });
  }
});
