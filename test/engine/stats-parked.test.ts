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
