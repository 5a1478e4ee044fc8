// `stats` parks a finished connection (both FINs acknowledged, or reset) as a few numbers, and a late
// segment brings it back. That must change nothing tshark shows: on late-after-close.pcap (made by
// test/corpus/make/late-craft.py: a retransmitted response, FIN and ACK after a close, data and a RST
// after a reset, each more than 1,000 frames later, then a new SYN on the closed connection's ports),
// every late segment is counted in its stream and flagged as tshark flags it. Windows small enough to
// flush (and park the endpoints' states) before the late segments, and the default one.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConversationStats, type ConversationRow } from '../../main/engine/stats/conversations';
import { readCaptureFile } from '../../main/capture/file-source';
import { CORPUS } from '../helpers/corpus';
import { hasTshark, tsharkRun } from '../helpers/tshark';
import type { TcpTracker } from '../../main/engine/tcp/tracker';
import { emptySegment, fastSegment } from '../../main/engine/stats/fast-segment';
import { captureTime, newSession } from '../../main/engine/session';

const file = join(CORPUS, 'tcp', 'late-after-close.pcap');

function statsOf(window?: number): { rows: ConversationRow[]; stats: ConversationStats } {
  const stats = new ConversationStats(window === undefined ? {} : { window });
  readCaptureFile(file, (raw) => stats.add(raw));
  return { rows: stats.rows(), stats };
}

/** Per tcp.stream as tshark numbers them: frames, retransmissions (tcp.analysis.retransmission), first and last frame. */
function tsharkStreams(): Map<number, { frames: number; retrans: number; first: number; last: number }> {
  const run = tsharkRun(['-r', file, '-n', '-T', 'fields', '-e', 'frame.number', '-e', 'tcp.stream', '-e', 'tcp.analysis.retransmission']);
  expect(run.status, run.stderr).toBe(0);
  const streams = new Map<number, { frames: number; retrans: number; first: number; last: number }>();
  for (const line of run.stdout.split('\n')) {
    if (!line) continue;
    const [frame, stream, retrans] = line.split('\t');
    const s = streams.get(+stream) ?? { frames: 0, retrans: 0, first: +frame, last: 0 };
    s.frames++;
    if (retrans !== '') s.retrans++;
    s.last = +frame;
    streams.set(+stream, s);
  }
  return streams;
}

const FLAGS = ['retransmission', 'spurious_retransmission', 'fast_retransmission', 'out_of_order', 'lost_segment', 'ack_lost_segment',
  'duplicate_ack', 'keep_alive', 'keep_alive_ack', 'window_update', 'window_full', 'reused_ports', 'zero_window'];

/** Per frame: tcp.stream and the tcp.analysis flags among FLAGS, as tshark shows them. */
function tsharkFlags(): string[] {
  const run = tsharkRun(['-r', file, '-n', '-T', 'fields', '-e', 'tcp.stream', ...FLAGS.flatMap((f) => ['-e', `tcp.analysis.${f}`])]);
  expect(run.status, run.stderr).toBe(0);
  return run.stdout.split('\n').filter((l) => l !== '').map((line) => {
    const [stream, ...set] = line.split('\t');
    return `${stream} ${FLAGS.filter((_, i) => set[i] !== '').join(',')}`;
  });
}

/** The same from the tracker, fed in frame order and parking every connection as soon as it finishes. */
function parkedTrackerFlags(): { lines: string[]; tcp: TcpTracker } {
  const session = newSession();
  const tcp = session.tcp;
  tcp.parkFinished();
  const lines: string[] = [];
  readCaptureFile(file, (raw) => {
    const time = captureTime(session, raw);
    const seg = fastSegment(raw, lines.length + 1, emptySegment());
    if (typeof seg === 'number') throw new Error(`frame ${lines.length + 1}: not a plain TCP segment`);
    seg.time = time;
    const an = tcp.analyze(seg);
    tcp.finish(seg);
    tcp.parkIfFinished();
    lines.push(`${an.stream} ${FLAGS.filter((f) => (an.flags as string[]).includes(f)).join(',')}`);
  });
  return { lines, tcp };
}

describe.skipIf(!hasTshark())('stats: late segments on parked connections, as tshark', () => {
  it('the tracker, parking each connection as it finishes, numbers and flags every frame as tshark', () => {
    const { lines, tcp } = parkedTrackerFlags();
    const theirs = tsharkFlags();
    expect(theirs.filter((l) => / \S/.test(l)).length).toBeGreaterThanOrEqual(3);
    expect(tcp.unparked).toBeGreaterThanOrEqual(2);
    const diffs = lines.map((l, i) => (l === theirs[i] ? '' : `frame ${i + 1}: ${l}, tshark ${theirs[i]}`)).filter((d) => d);
    expect(diffs, diffs.join('\n')).toEqual([]);
    expect(lines.length).toBe(theirs.length);
  });

  const theirs = hasTshark() ? tsharkStreams() : new Map();

  it('has late segments: the closed connection\'s retransmissions, more than 1,000 frames after its close', () => {
    const closed = theirs.get(0);
    expect(closed?.retrans).toBe(2);
    expect((closed?.last ?? 0) - 9).toBeGreaterThan(1000);
    const reset = theirs.get(1);
    expect((reset?.last ?? 0) - 15).toBeGreaterThan(1000);
  });

  for (const window of [1, 16, 500, undefined]) {
    it(`window ${window ?? 'default'}: every stream numbered, counted and flagged as tshark`, () => {
      const { rows, stats } = statsOf(window);
      expect(rows.length).toBe(theirs.size);
      const problems: string[] = [];
      for (const r of rows) {
        const t = theirs.get(r.stream);
        if (!t) { problems.push(`stream ${r.stream}: not in tshark`); continue; }
        if (r.frames !== t.frames || r.retransmissions !== t.retrans || r.firstFrame !== t.first || r.lastFrame !== t.last) {
          problems.push(`stream ${r.stream}: frames ${r.frames} retrans ${r.retransmissions} first ${r.firstFrame} last ${r.lastFrame}; tshark ${JSON.stringify(t)}`);
        }
      }
      expect(problems, problems.join('\n')).toEqual([]);
      // The late segments did meet parked connections: their flows (parked at once) and, once a window
      // was flushed past the evidence horizon, their endpoints' sides.
      const { flows, sides } = stats.parking;
      expect(flows.parked).toBeGreaterThan(190);
      expect(flows.unparked).toBeGreaterThanOrEqual(2);
      if (window !== undefined) {
        expect(sides.parked).toBeGreaterThan(100);
        expect(sides.unparked).toBeGreaterThanOrEqual(2);
      }
      // Parked or not, the same rows (the default window flushes only at the end: nothing of the states parked before).
      expect(rows).toEqual(statsOf().rows);
    });
  }
});

// late-after-park.pcap (test/corpus/make/late-craft.py): one late segment of each kind, each on a connection
// parked more than 1,000 frames before, as numbers (its Conv object reused by the connections in between): a
// lone ACK after a close (a duplicate ACK to tshark), a RST after a close, a retransmission after a reset
// (spurious), then a SYN with a new ISN on a closed connection's ports (ports reused, a new stream).
const parkFile = join(CORPUS, 'tcp', 'late-after-park.pcap');

describe.skipIf(!hasTshark())('stats: each kind of late segment on a parked connection, as tshark', () => {
  it('brings the connection back at each late segment and numbers and flags every frame as tshark', () => {
    const run = tsharkRun(['-r', parkFile, '-n', '-T', 'fields', '-e', 'frame.number', '-e', 'tcp.stream', '-e', 'tcp.flags.str',
      ...FLAGS.flatMap((f) => ['-e', `tcp.analysis.${f}`])]);
    expect(run.status, run.stderr).toBe(0);
    const rows = run.stdout.split('\n').filter((l) => l !== '').map((l) => l.split('\t'));
    const theirs = rows.map(([, stream, , ...set]) => `${stream} ${FLAGS.filter((_, i) => set[i] !== '').join(',')}`);
    // The late frames, found in tshark's view: each connection's frames after the filler.
    const late = (stream: string) => rows.filter((r) => r[1] === stream && +r[0] > 1000).map((r) => +r[0]);
    const [ack, rst, retrans] = [late('0'), late('1'), late('2')];
    expect([ack.length, rst.length, retrans.length]).toEqual([1, 1, 1]);
    expect(theirs[ack[0] - 1]).toBe('0 duplicate_ack');
    expect(rows[rst[0] - 1][2]).toContain('R');
    expect(theirs[retrans[0] - 1]).toBe('2 retransmission,spurious_retransmission');
    const reuse = rows.findIndex((r) => r[3 + FLAGS.indexOf('reused_ports')] !== '') + 1;
    expect(reuse).toBeGreaterThan(1000);

    const session = newSession();
    const tcp = session.tcp;
    tcp.parkFinished();
    const ours: string[] = [];
    const broughtBack: number[] = [];
    readCaptureFile(parkFile, (raw) => {
      const time = captureTime(session, raw);
      const seg = fastSegment(raw, ours.length + 1, emptySegment());
      if (typeof seg === 'number') throw new Error(`frame ${ours.length + 1}: not a plain TCP segment`);
      seg.time = time;
      const before = tcp.unparked;
      const an = tcp.analyze(seg);
      if (tcp.unparked > before) broughtBack.push(seg.frame);
      tcp.finish(seg);
      tcp.parkIfFinished();
      ours.push(`${an.stream} ${FLAGS.filter((f) => (an.flags as string[]).includes(f)).join(',')}`);
    });
    // Each late segment met its connection parked, and the SYN on reused ports met the closed one parked.
    for (const frame of [ack[0], rst[0], retrans[0], reuse]) expect(broughtBack, `frame ${frame}`).toContain(frame);
    expect(ours.length).toBe(theirs.length);
    const diffs = ours.map((l, i) => (l === theirs[i] ? '' : `frame ${i + 1}: ${l}, tshark ${theirs[i]}`)).filter((d) => d);
    expect(diffs, diffs.join('\n')).toEqual([]);
  });

  for (const window of [1, 16, undefined]) {
    it(`window ${window ?? 'default'}: every stream counted as tshark counts it`, () => {
      const stats = new ConversationStats(window === undefined ? {} : { window });
      readCaptureFile(parkFile, (raw) => stats.add(raw));
      const rows = stats.rows();
      expect(stats.parking.flows.unparked).toBeGreaterThanOrEqual(4);
      const run = tsharkRun(['-r', parkFile, '-n', '-T', 'fields', '-e', 'frame.number', '-e', 'tcp.stream', '-e', 'tcp.analysis.retransmission']);
      expect(run.status, run.stderr).toBe(0);
      const frames = new Map<number, { frames: number; retrans: number; first: number; last: number }>();
      for (const line of run.stdout.split('\n')) {
        if (!line) continue;
        const [frame, stream, re] = line.split('\t');
        const s = frames.get(+stream) ?? { frames: 0, retrans: 0, first: +frame, last: 0 };
        s.frames++;
        if (re !== '') s.retrans++;
        s.last = +frame;
        frames.set(+stream, s);
      }
      expect(rows.length).toBe(frames.size);
      for (const r of rows) {
        expect({ frames: r.frames, retrans: r.retransmissions, first: r.firstFrame, last: r.lastFrame }, `stream ${r.stream}`).toEqual(frames.get(r.stream));
      }
    });
  }
});
