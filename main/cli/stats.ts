// handshake-lab stats FILE [--json]: per-connection statistics with both endpoints' final states.
import { ConversationStats, type ConversationRow } from '../engine/stats/conversations';
import { readCaptureFileAhead, CaptureFileError } from '../capture/file-source';
import { CaptureReader } from '../engine/io/reader';
import { parseArgs } from './args';
import { UsageError, type Command } from './command';
import { Output } from './output';

const help = `usage: handshake-lab stats FILE [--json]

Per TCP connection (one row per tcp.stream, in order of first frame), like
\`tshark -q -z conv,tcp\`: both endpoints (A is the client: the first SYN's sender,
or the SYN-ACK's receiver when the capture starts there, or else the first sender;
tshark's A is always the first frame's sender), frames and bytes each
way and in total, relative start and duration in seconds; plus the final state
of each endpoint, the handshake RTT (SYN to the ACK of the SYN-ACK) and the
number of retransmitted segments.

  --json   {"conversations": [{"stream", "a", "b", "framesAB", "bytesAB",
           "framesBA", "bytesBA", "frames", "bytes", "start", "duration",
           "states": {"a", "b"}, "handshakeRtt", "retransmissions", ...}]}`;

/** A column of the table: its heading, and its cell as a text or as a number and that number's text. */
interface Column {
  head: string;
  /** Counts and times are right-aligned. */
  right: boolean;
  text?: (r: ConversationRow) => string;
  num?: (r: ConversationRow) => number | null;
  show?: (v: number | null) => string;
}

const integer = (v: number | null): string => String(v);
const seconds = (v: number | null): string => (v as number).toFixed(6);
const count = (head: string, num: (r: ConversationRow) => number): Column => ({ head, right: true, num, show: integer });

const COLUMNS: Column[] = [
  { head: 'Stream', right: false, num: (r) => r.stream, show: integer },
  { head: 'A (client)', right: false, text: (r) => r.a },
  { head: 'B (server)', right: false, text: (r) => r.b },
  count('A→B frames', (r) => r.framesAB),
  count('A→B bytes', (r) => r.bytesAB),
  count('B→A frames', (r) => r.framesBA),
  count('B→A bytes', (r) => r.bytesBA),
  count('Frames', (r) => r.frames),
  count('Bytes', (r) => r.bytes),
  { head: 'Start', right: true, num: (r) => r.start, show: seconds },
  { head: 'Duration', right: true, num: (r) => r.duration, show: seconds },
  { head: 'A state', right: false, text: (r) => r.states.a },
  { head: 'B state', right: false, text: (r) => r.states.b },
  { head: 'Handshake RTT', right: false, num: (r) => r.handshakeRtt, show: (v) => (v === null ? '-' : `${(v * 1000).toFixed(3)} ms`) },
  { head: 'Retrans', right: false, num: (r) => r.retransmissions, show: integer },
];

const cell = (c: Column, r: ConversationRow): string => (c.text ? c.text(r) : c.show!(c.num!(r)));

/**
 * Column widths without making the cells: a number's text is longest at its column's largest or (for
 * a negative one) smallest value, so only those are formatted.
 */
function widthsOf(stats: ConversationStats): { widths: number[]; rows: number } {
  const widths = COLUMNS.map((c) => c.head.length);
  const lo = COLUMNS.map(() => Infinity), hi = COLUMNS.map(() => -Infinity);
  const blank = COLUMNS.map(() => false);
  let rows = 0;
  stats.eachRow((r) => {
    rows++;
    for (let i = 0; i < COLUMNS.length; i++) {
      const c = COLUMNS[i];
      if (c.text) {
        const n = c.text(r).length;
        if (n > widths[i]) widths[i] = n;
        continue;
      }
      const v = c.num!(r);
      if (v === null) blank[i] = true;
      else {
        if (v < lo[i]) lo[i] = v;
        if (v > hi[i]) hi[i] = v;
      }
    }
  }, true);
  COLUMNS.forEach((c, i) => {
    if (c.text) return;
    const texts = [blank[i] ? c.show!(null) : '', lo[i] <= hi[i] ? c.show!(lo[i]) : '', lo[i] <= hi[i] ? c.show!(hi[i]) : ''];
    for (const t of texts) if (t.length > widths[i]) widths[i] = t.length;
  });
  return { widths, rows };
}

/**
 * The table, written line by line into `out`, in two passes over the rows (widths, then lines):
 * holding tens of thousands of rows and their texts at once cost more in garbage collection than
 * making them twice.
 */
function writeTable(stats: ConversationStats, out: Output): void {
  const { widths, rows } = widthsOf(stats);
  const last = COLUMNS.length - 1;
  // Each cell's padding, decided once: right-aligned, left-aligned, or the last column (not padded).
  const right = COLUMNS.map((c) => c.right);
  let head = '';
  for (let i = 0; i <= last; i++) head += pad(COLUMNS[i].head, widths[i], right[i], i === last);
  out.write(head.trimEnd() + '\n');
  // Rows hold only ASCII (addresses, numbers, state names): each cell is copied byte for byte into the
  // output with its padding. The writer keeps no row, so one row object is refilled for all of them.
  const texts: string[] = COLUMNS.map(() => '');
  stats.eachRow((r) => {
    // A line ends at its last non-empty cell, as the header (trimmed) does: no padding after it.
    let end = -1;
    for (let i = 0; i <= last; i++) {
      texts[i] = cell(COLUMNS[i], r);
      if (texts[i] !== '') end = i;
    }
    for (let i = 0; i < end; i++) out.cell(texts[i], widths[i], right[i], 2);
    if (end >= 0) out.cell(texts[end], right[end] ? widths[end] : 0, right[end], 0);
    out.write('\n', true);
  }, true);
  if (!rows) out.write('(no TCP connections)\n');
}

/** A cell padded to its column's width, with the two spaces between columns (none after the last). */
function pad(t: string, width: number, right: boolean, last: boolean): string {
  return right ? (last ? t.padStart(width) : t.padStart(width) + '  ') : last ? t : t.padEnd(width) + '  ';
}

/** {"conversations": [...]}, one row at a time. */
function writeJson(stats: ConversationStats, out: Output): void {
  let first = true;
  out.write('{"conversations":[');
  stats.eachRow((r) => {
    out.write((first ? '' : ',') + JSON.stringify(r));
    first = false;
  }, true);
  out.write(']}\n');
}

export const statsCommand: Command = {
  help,
  async run(args) {
    const { flags, positionals } = parseArgs('stats', args, { booleans: ['json'], positionals: [1, 1], names: ['FILE, a pcap or pcapng capture'] });
    const stats = new ConversationStats();
    let damage: CaptureFileError | null = null;
    try {
      // stats keeps nothing of a frame object: let the reader refill one.
      const reader = new CaptureReader();
      reader.reuseFrames = true;
      await readCaptureFileAhead(positionals[0], (raw) => stats.add(raw), reader);
    } catch (e) {
      if (!(e instanceof CaptureFileError)) throw e;
      // A damaged file: report what the good frames before the damage show, then the error.
      if (stats.frameCount === 0) throw new UsageError(e.message);
      damage = e;
    }
    const out = new Output();
    if (flags.json) writeJson(stats, out);
    else writeTable(stats, out);
    out.flush();
    if (damage) throw new UsageError(damage.message);
    return 0;
  },
};
