// `stats` holds segments back and analyses them connection by connection (SegmentWindow), then numbers
// streams by the frames that created them. This checks that the order changes nothing: on every corpus
// capture the rows are the same whatever the window (1 = frame order, as they come), and they agree with
// what `decode` shows frame by frame (tcp.stream, both endpoints' last states, retransmissions, initial
// RTT), which the tshark tests hold to tshark's and the kernel's.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: the bench's generator is plain JavaScript
import { generate } from '../../scripts/bench/generate.js';
import { ConversationStats, type ConversationRow } from '../../main/engine/stats/conversations';
import { readCaptureFile } from '../../main/capture/file-source';
import { corpusFiles, decodeLenient, NOT_CAPTURES } from '../helpers/corpus';
import { occurrences } from '../helpers/decode';

const files = corpusFiles().filter((f) => !NOT_CAPTURES.test(f.name));

function statsOf(path: string, window?: number): ConversationRow[] {
  const stats = new ConversationStats(window === undefined ? {} : { window });
  try {
    readCaptureFile(path, (raw) => stats.add(raw));
  } catch { /* damaged: the frames before the damage count */ }
  return stats.rows();
}

describe('stats: the order segments are analysed in changes nothing', () => {
  it('has captures with several connections', () => {
    expect(files.filter((f) => statsOf(f.path).length > 1).length).toBeGreaterThanOrEqual(8);
  });
  for (const { path, name } of files) {
    it(name, () => {
      const rows = statsOf(path);
      // Frame order (nothing held), and windows small enough to end inside connections.
      for (const window of [1, 2, 3, 7]) expect(statsOf(path, window), `window ${window}`).toEqual(rows);

      const { frames } = decodeLenient(path);
      const problems: string[] = [];
      for (const r of rows) {
        const first = frames[r.firstFrame - 1];
        if (first.stream !== r.stream) problems.push(`stream ${r.stream}: its first frame ${r.firstFrame} has tcp.stream ${first.stream}`);
        const mine = frames.filter((f) => f.stream === r.stream);
        const last = mine.filter((f) => f.states !== null).pop();
        if (last && (last.states?.client !== r.states.a || last.states?.server !== r.states.b)) {
          problems.push(`stream ${r.stream}: final states ${r.states.a}/${r.states.b}, decode ${last.states?.client}/${last.states?.server} (frame ${last.frame})`);
        }
        const retrans = mine.filter((f) => f.analysis.includes('retransmission')).length;
        if (retrans !== r.retransmissions) problems.push(`stream ${r.stream}: ${r.retransmissions} retransmissions, decode marks ${retrans}`);
        // The initial RTT as Wireshark measures it (from the latest SYN to the first ACK without SYN after
        // one), from decode's flags and times; where decode shows tcp.analysis.initial_rtt it must agree.
        // (0 counts as not measured yet, as Wireshark's nstime_is_zero; frames without a timestamp, as in
        // pcapng simple packet blocks, are not compared.)
        // The handshake RTT of `stats` is that initial RTT only where the client's ACK set it (DECISIONS): tshark
        // sets initial_rtt at a RST answering the SYN too (a refused connection, no handshake).
        let mruSyn: number | null = null, want: number | null = null, byClientAck = false;
        const timed = mine.every((f) => occurrences(f, 'frame.time_relative').length === 1);
        const fromClient = (f: typeof mine[number]) => `${f.src.includes(':') ? `[${f.src}]` : f.src}:${occurrences(f, 'tcp.srcport')[0]}` === r.a;
        for (const f of timed ? mine : []) {
          const syn = occurrences(f, 'tcp.flags.syn')[0] === 1, ack = occurrences(f, 'tcp.flags.ack')[0] === 1;
          const rst = occurrences(f, 'tcp.flags.reset')[0] === 1;
          const t = Number(occurrences(f, 'frame.time_relative')[0]);
          if (!syn && ack && mruSyn !== null && !want) {
            want = t - mruSyn || null;
            byClientAck = fromClient(f) && !rst;
          }
          if (syn && !ack) mruSyn = t;
        }
        if (!timed) continue;
        const shown = mine.map((f) => occurrences(f, 'tcp.analysis.initial_rtt')[0]).find((v) => v !== undefined);
        if (shown !== undefined && (want === null || Math.abs(Number(shown) - want) > 1e-9)) problems.push(`stream ${r.stream}: decode shows iRTT ${shown}, frames give ${want}`);
        const handshake = byClientAck ? want : null;
        if ((handshake === null) !== (r.handshakeRtt === null) || (handshake !== null && Math.abs(handshake - (r.handshakeRtt ?? 0)) > 1e-9)) {
          problems.push(`stream ${r.stream}: handshake RTT ${r.handshakeRtt}, from decode's frames ${handshake}`);
        }
      }
      expect(problems, problems.join('\n')).toEqual([]);
    });
  }
});

describe('stats: a window that grows, ends and starts again', () => {
  it('gives the rows of frame order on 40,000 frames of 300 interleaved connections with loss', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hl-order-'));
    try {
      const file = join(dir, 'interleaved.pcap');
      (generate as (path: string, o: object) => void)(file, { frames: 40_000, concurrent: 300, seed: 7 });
      const rows = statsOf(file);
      expect(rows.length).toBeGreaterThan(500);
      expect(rows.some((r) => r.retransmissions > 0)).toBe(true);
      // Frame order, a window that fills many times, and the default one (growing from 4,096 to past 32,768).
      expect(statsOf(file, 1)).toEqual(rows);
      expect(statsOf(file, 5000)).toEqual(rows);
      expect(rows.map((r) => r.stream)).toEqual(rows.map((_, i) => i));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
