// Where Wireshark restates a sequence-space answer in other frames, found from the capture (never typed per
// lesson). An Ack is the next sequence number the receiver expects: the segment it acknowledges prints
// that very number as its "[Next Sequence Number]" (and the Stevens graph draws it as that segment's upper
// end), and the acknowledging frame's own analysis names the segment ("[This is an ACK to the segment in
// frame: N]", the RTT to it; a duplicate ACK's "[Duplicate to the ACK in frame: N]"). A Seq continues its direction's previous segment, whose next sequence number
// is it; a SACK edge, likewise, the peer's segment that ends there. A window of 0 is named by the segment's own
// "[TCP ZeroWindow]". What the student works out from what stays on screen (Seq + Len, the peer's Ack) is the point of
// such a question; a number Wireshark has already worked out is not.
import { fieldsNamed, streamFrames, type LessonCapture } from './capture';

/** A field of a frame that prints an asked value too. */
export interface Restatement {
  frame: number;
  field: string;
}

const ACKS = new Set(['tcp.ack', 'tcp.ack_raw']);
/** A SACK block's edges are numbers of the peer's sequence space too: where a received run starts and ends. */
const SACK_EDGES = new Set(['tcp.options.sack_le', 'tcp.options.sack_re']);
const SEQS = new Set(['tcp.seq', 'tcp.seq_raw']);
const DUPLICATE_MARKS = ['tcp.analysis.duplicate_ack', 'tcp.analysis.duplicate_ack_num', 'tcp.analysis.duplicate_ack_frame'];
const WINDOWS = new Set(['tcp.window_size', 'tcp.window_size_value']);
/** Marks a segment carries only when its window is 0 ("[TCP ZeroWindow]", "[TCP ZeroWindowProbeAck]"). */
const ZERO_WINDOW_MARKS = ['tcp.analysis.zero_window', 'tcp.analysis.zero_window_probe_ack'];

function valueOf(capture: LessonCapture, frame: number, name: string): number | null {
  const v = fieldsNamed(capture.frames[frame - 1].decoded, name)[0]?.value;
  return typeof v === 'number' ? v : null;
}

/**
 * The segments of frame `n`'s connection before it, sent by `from`, whose next sequence number is `value`
 * (relative, as tcp.nxtseq prints it).
 */
function endingAt(capture: LessonCapture, n: number, from: 'client' | 'server', value: number): number[] {
  const stream = capture.frames[n - 1].decoded.stream;
  if (stream === null) return [];
  return streamFrames(capture, stream).filter((m) => m < n && capture.frames[m - 1].from === from && valueOf(capture, m, 'tcp.nxtseq') === value);
}

/** Fields of other frames (and of frame `n` itself) that print the value of `field` at frame `n`. */
export function restatements(capture: LessonCapture, n: number, field: string): Restatement[] {
  const f = capture.frames[n - 1];
  if (!f?.from) return [];
  const other = f.from === 'client' ? 'server' : 'client';
  if (ACKS.has(field)) {
    const ack = valueOf(capture, n, 'tcp.ack');
    const acked = ack === null ? [] : endingAt(capture, n, other, ack);
    // A duplicate ACK's marks say its Ack is an earlier one's (reveal.ts leaves them out).
    return [
      { frame: n, field: 'tcp.analysis.acks_frame' }, { frame: n, field: 'tcp.analysis.ack_rtt' },
      ...DUPLICATE_MARKS.map((field) => ({ frame: n, field })),
      ...acked.map((m) => ({ frame: m, field: 'tcp.nxtseq' })),
    ];
  }
  // A zero window is named by Wireshark's marks on the segment itself (reveal.ts leaves them out).
  if (WINDOWS.has(field)) return valueOf(capture, n, 'tcp.window_size') === 0 ? ZERO_WINDOW_MARKS.map((m) => ({ frame: n, field: m })) : [];
  if (SACK_EDGES.has(field)) {
    const edge = valueOf(capture, n, field);
    return edge === null ? [] : endingAt(capture, n, other, edge).map((m) => ({ frame: m, field: 'tcp.nxtseq' }));
  }
  if (SEQS.has(field)) {
    const seq = valueOf(capture, n, 'tcp.seq');
    return seq === null ? [] : endingAt(capture, n, f.from, seq).map((m) => ({ frame: m, field: 'tcp.nxtseq' }));
  }
  return [];
}
