// Parking at scale: more finished connections than every structure's first allocation (256 parked
// slots, 1,024 connections' clocks and stats columns), most of them begun on Flow objects reused from
// connections parked before (ParkedFlows.take), some brought back by late segments. Every frame must
// still be numbered and flagged as tshark numbers and flags it, and every stream counted as tshark
// counts it, whether segments are analysed in frame order or a window at a time.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConversationStats } from '../../main/engine/stats/conversations';
import { readCaptureFile } from '../../main/capture/file-source';
import { hasTshark, tsharkRun } from '../helpers/tshark';
import { emptySegment, fastSegment } from '../../main/engine/stats/fast-segment';
import { captureTime, newSession } from '../../main/engine/session';
// @ts-expect-error: the bench's generator is plain JavaScript
import { generate } from '../../scripts/bench/generate.js';

const FLAGS = ['retransmission', 'spurious_retransmission', 'fast_retransmission', 'out_of_order', 'lost_segment', 'ack_lost_segment',
  'duplicate_ack', 'keep_alive', 'keep_alive_ack', 'window_update', 'window_full', 'reused_ports', 'zero_window'];

let dir = '';
let file = '';

describe.skipIf(!hasTshark())('stats: thousands of connections parked, their flows reused, as tshark', () => {
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'hl-many-parked-'));
    file = join(dir, 'short-connections.pcap');
    // Small frames in short connections (as the bench's "shorter" capture): about 2,000 connections, 100 at a time.
    (generate as (path: string, o: object) => void)(file, { frames: 66_000, concurrent: 100, seed: 11, mss: 400, request: 400 });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('the tracker, parking each connection as it finishes and reusing its flows, numbers and flags every frame as tshark', () => {
    const run = tsharkRun(['-r', file, '-n', '-T', 'fields', '-e', 'tcp.stream', ...FLAGS.flatMap((f) => ['-e', `tcp.analysis.${f}`])]);
    expect(run.status, run.stderr).toBe(0);
    const theirs = run.stdout.split('\n').filter((l) => l !== '').map((line) => {
      const [stream, ...set] = line.split('\t');
      return `${stream} ${FLAGS.filter((_, i) => set[i] !== '').join(',')}`;
    });
    const session = newSession();
    const tcp = session.tcp;
    tcp.parkFinished();
    const ours: string[] = [];
    readCaptureFile(file, (raw) => {
      const time = captureTime(session, raw);
      const seg = fastSegment(raw, ours.length + 1, emptySegment());
      if (typeof seg === 'number') throw new Error(`frame ${ours.length + 1}: not a plain TCP segment`);
      seg.time = time;
      const an = tcp.analyze(seg);
      tcp.finish(seg);
      tcp.parkIfFinished();
      ours.push(`${an.stream} ${FLAGS.filter((f) => (an.flags as string[]).includes(f)).join(',')}`);
    });
    expect(tcp.streamCount).toBeGreaterThan(1500);
    expect(tcp.parked).toBeGreaterThan(1500);
    // Some frames carry flags (the generator's loss), so flags are compared, not only absent.
    expect(theirs.filter((l) => / \S/.test(l)).length).toBeGreaterThan(50);
    expect(ours.length).toBe(theirs.length);
    const diffs = ours.map((l, i) => (l === theirs[i] ? '' : `frame ${i + 1}: ${l}, tshark ${theirs[i]}`)).filter((d) => d);
    expect(diffs.slice(0, 20), diffs.slice(0, 20).join('\n')).toEqual([]);
  });

  it('stats counts every stream as tshark, in frame order and a window at a time, with every structure grown', () => {
    const run = tsharkRun(['-r', file, '-n', '-T', 'fields', '-e', 'frame.number', '-e', 'tcp.stream', '-e', 'tcp.analysis.retransmission']);
    expect(run.status, run.stderr).toBe(0);
    const theirs = new Map<number, { frames: number; retrans: number; first: number; last: number }>();
    for (const line of run.stdout.split('\n')) {
      if (!line) continue;
      const [frame, stream, retrans] = line.split('\t');
      const s = theirs.get(+stream) ?? { frames: 0, retrans: 0, first: +frame, last: 0 };
      s.frames++;
      if (retrans !== '') s.retrans++;
      s.last = +frame;
      theirs.set(+stream, s);
    }
    const rowsOf = (window?: number) => {
      const stats = new ConversationStats(window === undefined ? {} : { window });
      readCaptureFile(file, (raw) => stats.add(raw));
      return { rows: stats.rows(), parking: stats.parking };
    };
    for (const window of [1, 4096, undefined]) {
      const { rows, parking } = rowsOf(window);
      expect(rows.length).toBe(theirs.size);
      expect(rows.length).toBeGreaterThan(1500);
      expect(parking.flows.parked).toBeGreaterThan(1500);
      if (window !== undefined) expect(parking.sides.parked).toBeGreaterThan(1000);
      const problems = rows.flatMap((r) => {
        const t = theirs.get(r.stream);
        return t && r.frames === t.frames && r.retransmissions === t.retrans && r.firstFrame === t.first && r.lastFrame === t.last
          ? [] : [`window ${window}, stream ${r.stream}: ${r.frames} frames, ${r.retransmissions} retransmissions, ${r.firstFrame}-${r.lastFrame}; tshark ${JSON.stringify(t)}`];
      });
      expect(problems.slice(0, 20), problems.slice(0, 20).join('\n')).toEqual([]);
    }
  });
});
