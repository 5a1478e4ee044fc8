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
or the first sender when the capture starts mid-stream), frames and bytes each
way and in total, relative start and duration in seconds; plus the final state
of each endpoint, the handshake RTT (SYN to the ACK of the SYN-ACK) and the
number of retransmitted segments.

  --json   {"conversations": [{"stream", "a", "b", "framesAB", "bytesAB",
           "framesBA", "bytesBA", "frames", "bytes", "start", "duration",
           "states": {"a", "b"}, "handshakeRtt", "retransmissions", ...}]}`;

const HEAD = ['Stream', 'A (client)', 'B (server)', 'A→B frames', 'A→B bytes', 'B→A frames', 'B→A bytes', 'Frames', 'Bytes', 'Start', 'Duration', 'A state', 'B state', 'Handshake RTT', 'Retrans'];
/** Columns 3..10 (counts and times) are right-aligned. */
const rightAligned = (i: number): boolean => i >= 3 && i <= 10;

function cells(r: ConversationRow): string[] {
  return [
    String(r.stream), r.a, r.b, String(r.framesAB), String(r.bytesAB), String(r.framesBA), String(r.bytesBA),
    String(r.frames), String(r.bytes), r.start.toFixed(6), r.duration.toFixed(6), r.states.a, r.states.b,
    r.handshakeRtt === null ? '-' : `${(r.handshakeRtt * 1000).toFixed(3)} ms`, String(r.retransmissions),
  ];
}

/**
 * The table, written line by line into `out`, in two passes over the rows (widths, then lines):
 * holding tens of thousands of rows and their texts at once cost more in garbage collection than
 * making them twice.
 */
function writeTable(stats: ConversationStats, out: Output): void {
  const widths = HEAD.map((h) => h.length);
  let rows = 0;
  stats.eachRow((r) => {
    const c = cells(r);
    for (let i = 0; i < c.length; i++) if (c[i].length > widths[i]) widths[i] = c[i].length;
    rows++;
  });
  const line = (c: string[]): string => {
    let s = '';
    for (let i = 0; i < c.length; i++) {
      const last = i === c.length - 1;
      s += rightAligned(i) ? c[i].padStart(widths[i]) : last ? c[i] : c[i].padEnd(widths[i]);
      if (!last) s += '  ';
    }
    return s.trimEnd() + '\n';
  };
  out.write(line(HEAD));
  // Rows hold only ASCII (addresses, numbers, state names): copied byte for byte.
  stats.eachRow((r) => out.write(line(cells(r)), true));
  if (!rows) out.write('(no TCP connections)\n');
}

/** {"conversations": [...]}, one row at a time. */
function writeJson(stats: ConversationStats, out: Output): void {
  let first = true;
  out.write('{"conversations":[');
  stats.eachRow((r) => {
    out.write((first ? '' : ',') + JSON.stringify(r));
    first = false;
  });
  out.write(']}\n');
}

export const statsCommand: Command = {
  help,
  async run(args) {
    const { flags, positionals } = parseArgs('stats', args, { booleans: ['json'], positionals: [1, 1] });
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
