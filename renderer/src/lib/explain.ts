// What a student should notice about one segment, as i18n keys with parameters (the words are in the
// message files). Targets the misconceptions in TEACHING-NOTES: "Ack = Seq + 1 always", "both ends become
// ESTABLISHED together", "a close always takes four segments", "both ends go through TIME_WAIT".
import type { LadderSegment, TcpState } from '../api';
import { ACK, FIN, RST, SYN, has } from './flags';

export interface Note {
  key: string;
  params?: Record<string, string | number>;
  tone?: 'info' | 'key' | 'warn';
}

const seqSpace = (s: LadderSegment): number => s.len + (has(s.flags, SYN) ? 1 : 0) + (has(s.flags, FIN) ? 1 : 0);
const sideOf = (s: LadderSegment): 'client' | 'server' => (s.direction === 'c2s' ? 'client' : 'server');

/** The latest earlier segment from the other side whose end is exactly this segment's Ack. */
export function ackedSegment(seg: LadderSegment, before: readonly LadderSegment[]): LadderSegment | null {
  if (!has(seg.flags, ACK)) return null;
  for (let i = before.length - 1; i >= 0; i--) {
    const p = before[i];
    if (p.direction === seg.direction) continue;
    if (seqSpace(p) > 0 && p.seq + seqSpace(p) === seg.ack) return p;
  }
  return null;
}

export function explainSegment(seg: LadderSegment, before: readonly LadderSegment[]): Note[] {
  const notes: Note[] = [];
  const who = sideOf(seg);
  const f = seg.flags;

  // What the segment is. A RST answering a SYN where nothing listens refuses a connection that never existed
  // (no server socket); any other RST resets one that did.
  const refusal = seg.transitions.some((t) => t.cause === 'refused') || (seg.notes ?? []).some((n) => n.code === 'no_listener');
  if (has(f, RST)) notes.push({ key: refusal ? 'refused' : 'rst', params: { who }, tone: 'warn' });
  else if (has(f, SYN) && !has(f, ACK)) notes.push({ key: 'syn', params: { who, seq: seg.seq, raw: seg.seqRaw, next: seg.seq + 1 } });
  else if (has(f, SYN)) notes.push({ key: 'synAck', params: { who, seq: seg.seq, raw: seg.seqRaw, next: seg.seq + 1 } });
  if (seg.len > 0) notes.push({ key: 'data', params: { who, len: seg.len, seq: seg.seq, end: seg.seq + seg.len } });
  if (has(f, FIN)) notes.push({ key: 'fin', params: { who, seq: seg.seq, next: seg.seq + seg.len + 1 } });

  // Why the Ack number is what it is.
  // Explain the Ack only where it moves: a repeated Ack acknowledges nothing new.
  const prevAck = [...before].reverse().find((b) => b.direction === seg.direction && has(b.flags, ACK));
  const ackMoved = !prevAck || prevAck.ack !== seg.ack;
  const acked = ackMoved ? ackedSegment(seg, before) : null;
  if (acked) {
    const p = { ack: seg.ack, seq: acked.seq, len: acked.len, frame: acked.frame };
    if (acked.len === 0 && has(acked.flags, SYN)) notes.push({ key: 'ackOfSyn', params: p, tone: 'key' });
    else if (acked.len === 0 && has(acked.flags, FIN)) notes.push({ key: 'ackOfFin', params: p, tone: 'key' });
    else if (has(acked.flags, FIN)) notes.push({ key: 'ackOfDataFin', params: p, tone: 'key' });
    else notes.push({ key: 'ackOfData', params: p, tone: 'key' });
  } else if (!ackMoved && has(f, ACK) && !has(f, SYN) && !has(f, FIN) && seg.len === 0 && !has(f, RST)) {
    notes.push({ key: 'ackNothingNew', params: { ack: seg.ack } });
  }

  // State changes worth a word.
  const after = seg.states;
  for (const t of seg.transitions) {
    if (t.to === 'ESTABLISHED' && t.endpoint === 'client' && after.server !== 'ESTABLISHED') notes.push({ key: 'clientEstablishedFirst', tone: 'key' });
    if (t.to === 'ESTABLISHED' && t.endpoint === 'server' && before.some((b) => b.states.client === 'ESTABLISHED')) notes.push({ key: 'serverEstablishedLast', tone: 'key' });
    if (t.to === 'CLOSE_WAIT') notes.push({ key: 'closeWait', params: { who: t.endpoint } });
    if (t.to === 'FIN_WAIT_2') notes.push({ key: 'finWait2', params: { who: t.endpoint } });
    if (t.to === 'TIME_WAIT') notes.push({ key: 'timeWait', params: { who: t.endpoint, other: t.endpoint === 'client' ? 'server' : 'client' }, tone: 'key' });
    if (t.to === 'CLOSING') notes.push({ key: 'closing', params: { who: t.endpoint } });
    if (t.to === 'CLOSED' && t.from === 'LAST_ACK') notes.push({ key: 'lastAckClosed', params: { who: t.endpoint } });
  }
  // A FIN that also acknowledges the peer's FIN, with no separate ACK before it: the 3-segment close.
  if (has(f, FIN) && acked && has(acked.flags, FIN) && !before.some((b) => b.direction === seg.direction && b.frame > acked.frame && has(b.flags, ACK) && b.ack === seg.ack)) {
    notes.push({ key: 'threeSegmentClose', params: { who }, tone: 'key' });
  }
  // The peer's FIN acknowledged by a pure ACK: the 4-segment close, and the half-close it allows.
  if (acked && has(acked.flags, FIN) && !has(f, FIN) && seg.len === 0 && after[who] === 'CLOSE_WAIT') notes.push({ key: 'fourSegmentClose', params: { who } });

  for (const a of seg.analysis) notes.push({ key: `analysis.${a}`, tone: a === 'window_update' ? 'info' : 'warn' });
  return notes;
}

/** States reached by a segment, per endpoint, including states passed through (FIN_WAIT_2 on the way to TIME_WAIT). */
export function statePath(seg: LadderSegment, endpoint: 'client' | 'server'): TcpState[] {
  return seg.transitions.filter((t) => t.endpoint === endpoint).map((t) => t.to);
}
