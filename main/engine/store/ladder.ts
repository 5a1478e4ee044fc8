// Pages of the ladder diagram: one arrow per segment of a connection, with Wireshark's numbers and a label.
import type { FrameStore } from './frame-store';
import { infoFlagText, segmentLabel } from './labels';
import type { StoreLadderPage, StoreLadderSegment } from './types';

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
    // The flag list as the Info column wrote it (ACE=n, Reserved), so the label and the Info agree.
    const label = segmentLabel(seg.flags, a.seq, a.ack, a.windowSize, seg.len, infoFlagText(d.frame.info), seg.urgentPointer);
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
