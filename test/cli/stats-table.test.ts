// `stats` prints its table cell by cell into the output buffer (no padded strings). The table must say
// what `stats --json` says, row for row, with every column starting at its heading's offset and no line
// ending in padding: checked on captures with IPv4 and IPv6 endpoints, refused connections (refused.pcap: no RTT, a
// '-' cell) and late segments after a close (late-after-close.pcap).
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { cli, cliBuilt } from '../helpers/cli';
import { CORPUS } from '../helpers/corpus';

interface Row {
  stream: number; a: string; b: string; framesAB: number; bytesAB: number; framesBA: number; bytesBA: number; frames: number; bytes: number;
  start: number; duration: number; states: { a: string; b: string }; handshakeRtt: number | null; retransmissions: number;
}

const HEADINGS = ['Stream', 'A (client)', 'B (server)', 'A→B frames', 'A→B bytes', 'B→A frames', 'B→A bytes', 'Frames', 'Bytes', 'Start', 'Duration', 'A state', 'B state', 'Handshake RTT', 'Retrans'];
const RIGHT = new Set(['A→B frames', 'A→B bytes', 'B→A frames', 'B→A bytes', 'Frames', 'Bytes', 'Start', 'Duration']);

/** The cells of `row` as the table prints them, each column's text from the JSON row. */
const expectedCells = (r: Row): string[] => [
  String(r.stream), r.a, r.b, String(r.framesAB), String(r.bytesAB), String(r.framesBA), String(r.bytesBA), String(r.frames), String(r.bytes),
  r.start.toFixed(6), r.duration.toFixed(6), r.states.a, r.states.b, r.handshakeRtt === null ? '-' : `${(r.handshakeRtt * 1000).toFixed(3)} ms`, String(r.retransmissions),
];

const FILES = ['lab/ipv4-3seg.pcap', 'lab/ipv6-4seg.pcap', 'tcp/refused.pcap', 'tcp/late-after-close.pcap'].map((f) => join(CORPUS, f));

describe.skipIf(!cliBuilt)('stats table', () => {
  for (const file of FILES) {
    it(`${file.slice(CORPUS.length + 1)}: the cells of --json, aligned under their headings`, () => {
      const rows = (JSON.parse(cli(['stats', file, '--json']).stdout) as { conversations: Row[] }).conversations;
      expect(rows.length).toBeGreaterThan(0);
      const lines = cli(['stats', file]).stdout.split('\n');
      expect(lines.pop()).toBe('');
      const [head, ...body] = lines;
      // Column offsets from the heading line (headings are separated by at least two spaces).
      const starts = HEADINGS.map((h) => head.indexOf(h));
      expect(starts.every((s, i) => s >= 0 && (i === 0 || s > starts[i - 1]))).toBe(true);
      expect(body).toHaveLength(rows.length);
      body.forEach((line, k) => {
        expect(line).toBe(line.trimEnd());
        const want = expectedCells(rows[k]);
        // Each cell sits in its column: a left-aligned one starts where its heading starts, a right-aligned
        // one ends where its heading (right-aligned too) ends.
        want.forEach((text, i) => {
          const at = RIGHT.has(HEADINGS[i]) ? starts[i] + HEADINGS[i].length - text.length : starts[i];
          expect(line.slice(at, at + text.length), `row ${k}, ${HEADINGS[i]}`).toBe(text);
        });
      });
    });
  }
});
