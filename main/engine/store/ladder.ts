// Pages of the ladder diagram: one arrow per segment of a connection, with Wireshark's numbers and a label.
import type { FrameStore } from './frame-store';
import { segmentLabel } from './labels';
import type { StoreLadderPage, StoreLadderSegment } from './types';

/**
 * The flag list as the Info column wrote it ("SYN, ACK"; "ACK, ACE=1" on an Accurate ECN connection, whose
 * ECN bits are one counter, and ", ACE=0" alone, as tshark 4.0 writes it; "Reserved" for the reserved bits),
 * so the label and the Info agree.
 */
const INFO_FLAGS = /\[((?:[A-Z]{2,3}|ACE=\d|Reserved|<None>)?(?:, (?:[A-Z]{2,3}|ACE=\d|Reserved))*)\] Seq=/;

export function ladderPage(store: FrameStore, stream: number, start: number, count: number): StoreLadderPage | null {
  const summary = store.connection(stream);
  if (!summary) return null;
  const frames = store.streamFrames(stream);
  const from = Math.min(start, frames.length);
  const slice = Array.from(frames.subarray(from, Math.min(frames.length, from + count)));
  const segments: StoreLadderSegment[] = [];
  store.redecodeMany(slice, (d) => {
    const tcp = d.tcp;
    if (!tcp) return;
    const a = tcp.analysis, seg = tcp.segment;
    const m = INFO_FLAGS.exec(d.frame.info);
    const label = segmentLabel(seg.flags, a.seq, a.ack, a.windowSize, seg.len, m ? m[1] : undefined, seg.urgentPointer);
    const segment: StoreLadderSegment = {
      frame: d.frame.frame,
      time: d.time,
      direction: a.direction === 0 ? 'c2s' : 's2c',
      flags: seg.flags,
      seq: a.seq,
      ack: a.ack,
      seqRaw: seg.seq,
      ackRaw: seg.ack,
      len: seg.len,
      window: a.windowSize,
      analysis: a.flags,
      label,
      info: d.frame.info,
      states: d.frame.states ?? summary.states,
      transitions: d.frame.transitions ?? [],
    };
    if (d.frame.notes) segment.notes = d.frame.notes;
    segments.push(segment);
  });
  return { summary, total: frames.length, start: from, segments };
}
