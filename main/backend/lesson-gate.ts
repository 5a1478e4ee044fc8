// What a session in a lesson is sent while a question holds the gate (DECISIONS "Grading": a student's
// frame, ladder and series requests stop at the step's frame). Each function cuts one kind of answer at
// `limit`, the last frame the session may see (null: no limit): rows and their count, ladder pages,
// graph series, connection summaries (counted again up to the limit, so neither the frame count nor the
// final states say what comes next). A session (session.ts) applies them to every request and push.
import type { ApiEvent, ApiEvents } from '../api/contract';
import type { ConnectionSummary, ExperimentEvent, LadderPage, LoadProgress } from '../api/types';
import type { FrameStore, StreamPoint } from '../engine/store/frame-store';
import type { Exposure } from '../lessons/index';
import type { LessonPlayer } from './lesson-player';
import { redactCalls, redactRows, redactSummaries } from './lesson-redact';
import { MASK, Reveal } from '../lessons/reveal';
import type { TcpState } from '../engine/types';

/**
 * What a session may be sent now: the last frame (null: all), and what the open questions mask (null:
 * nothing), which a filtered view's frames are checked against (filter-gate.ts).
 */
export interface Limits {
  frames: number | null;
  mask: Exposure | null;
}

export const NO_LIMITS: Limits = { frames: null, mask: null };
/** While a lesson loads: nothing of it, until its gate is known. */
export const OPENING_LIMITS: Limits = { frames: 0, mask: null };

/** Up to the gate's frame while a question holds it (every question of the lesson answered: all of it, another lesson's on the same capture may still mask values). */
export function playerLimits(player: LessonPlayer): Limits {
  return { frames: player.horizon(), mask: player.mask() };
}

/**
 * A push as a session held at `limit` may see it (null: nothing of it), with what the open questions would
 * give away redacted (`reveal`, lesson-redact.ts).
 */
export function gateEvent<E extends ApiEvent>(event: E, payload: ApiEvents[E], store: FrameStore, limit: number | null, reveal: Reveal = Reveal.none): ApiEvents[E] | null {
  const cut = cutEvent(event, payload, store, limit, reveal);
  if (cut === null || !reveal.active) return cut;
  switch (event) {
    case 'frames': {
      const p = cut as ApiEvents['frames'];
      return { ...p, rows: redactRows(reveal, p.rows) } as ApiEvents[E];
    }
    case 'connections':
      return { connections: redactSummaries(reveal, (cut as ApiEvents['connections']).connections) } as ApiEvents[E];
    case 'transitions': {
      const list = (cut as ApiEvents['transitions']).filter((t) => !reveal.frameMasked(t.frame)).map((t) => ({
        ...t,
        states: { client: reveal.stateMasked('client', t.frame) ? MASK_STATE : t.states.client, server: reveal.stateMasked('server', t.frame) ? MASK_STATE : t.states.server },
        transitions: t.transitions.filter((x) => !reveal.stateMasked(x.endpoint, t.frame)),
      }));
      return list.length ? list as ApiEvents[E] : null;
    }
    case 'experiment': {
      const p = cut as ApiEvents['experiment'];
      return { ...p, events: redactCalls(reveal, p.events) } as ApiEvents[E];
    }
    default:
      return cut;
  }
}

const MASK_STATE = MASK as TcpState;

function cutEvent<E extends ApiEvent>(event: E, payload: ApiEvents[E], store: FrameStore, limit: number | null, reveal: Reveal): ApiEvents[E] | null {
  if (limit === null && event === 'connections' && reveal.active) {
    return { connections: cutConnections((payload as ApiEvents['connections']).connections, store, null, reveal) } as ApiEvents[E];
  }
  if (limit === null) return payload;
  switch (event) {
    case 'progress':
      return cutProgress(payload as ApiEvents['progress'], limit) as ApiEvents[E];
    case 'connections': {
      const list = cutConnections((payload as ApiEvents['connections']).connections, store, limit, reveal);
      return list.length ? { connections: list } as ApiEvents[E] : null;
    }
    case 'transitions': {
      const list = (payload as ApiEvents['transitions']).filter((t) => t.frame <= limit);
      return list.length ? list as ApiEvents[E] : null;
    }
    case 'statesRevised': {
      // A revision from a frame past the gate would tell there are frames (and corrections) there.
      const list = (payload as ApiEvents['statesRevised']).filter((r) => r.fromFrame <= limit);
      return list.length ? list as ApiEvents[E] : null;
    }
    case 'experiment': {
      const p = payload as ApiEvents['experiment'];
      const events = cutCalls(p.events, limit);
      return events.length ? { ...p, events } as ApiEvents[E] : null;
    }
    default:
      return payload;
  }
}

/**
 * A load's progress as a session held at `limit` may see it: its frames counted up to the limit, and no
 * byte counts (the file's size less the bytes of the frames on screen is the size of what comes after the
 * open question: three segments of a close or four, a reset or a FIN).
 */
export function cutProgress(p: LoadProgress, limit: number | null): LoadProgress {
  if (limit === null) return p;
  return { ...p, frames: Math.min(p.frames, limit), bytesRead: 0, totalBytes: 0 };
}

/**
 * An experiment's socket calls as a session held at `limit` may see them: the calls in run order up to the
 * last one whose frame is within the limit. A call without a frame (listen, accept, recv) after that one is
 * left out too: when it returned could tell what the next frames hold.
 */
export function cutCalls(events: ExperimentEvent[], limit: number | null): ExperimentEvent[] {
  if (limit === null) return events;
  const ordered = [...events].sort((a, b) => a.seq - b.seq);
  let last = -1;
  for (let i = 0; i < ordered.length; i++) {
    const f = ordered[i].frame;
    if (f !== null && f > limit) break;
    if (f !== null) last = i;
  }
  return ordered.slice(0, last + 1);
}

/** Frames of a stream up to `limit` (the stream's frames are in increasing order). */
function streamCount(store: FrameStore, stream: number, limit: number): number {
  const frames = store.streamFrames(stream);
  let lo = 0, hi = frames.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (frames[mid] <= limit) lo = mid + 1; else hi = mid;
  }
  return lo;
}

/**
 * Whether a frame counts in a summary's per-direction frame counts and byte totals as `reveal` may show
 * it: a whole-masked segment in neither (its direction is the answer to "who sent it?"), a frame whose
 * length is masked in the frame counts but not the bytes.
 */
function counted(reveal: Reveal, frame: number): { frame: boolean; bytes: boolean } {
  if (reveal.frameMasked(frame)) return { frame: false, bytes: false };
  return { frame: true, bytes: !reveal.fieldMasked(frame, 'frame.len') };
}

/**
 * A connection as it stood after frame `limit` (null: it had not begun), counted as `reveal` may show it:
 * a whole-masked segment in neither direction's frames and bytes, a masked length in no byte total (the
 * counts less the visible rows would say who sent it, or how long it is).
 */
export function cutConnection(c: ConnectionSummary, store: FrameStore, limit: number | null, reveal: Reveal = Reveal.none): ConnectionSummary | null {
  if (limit !== null && c.firstFrame > limit) return null;
  const end = limit === null || c.lastFrame <= limit ? c.lastFrame : limit;
  if (end === c.lastFrame && !reveal.active) return c;
  const all = store.streamFrames(c.stream);
  const k = limit === null ? all.length : streamCount(store, c.stream, limit);
  const numbers = Array.from(all.subarray(0, k));
  const hides = reveal.active && numbers.some((n) => { const x = counted(reveal, n); return !x.frame || !x.bytes; });
  if (end === c.lastFrame && !hides) return c;
  const points = store.streamPoints(c.stream, 0, k);
  const rows = store.rows(numbers);
  const out: ConnectionSummary = {
    ...c, frames: k, bytes: 0, framesClientToServer: 0, bytesClientToServer: 0, framesServerToClient: 0, bytesServerToClient: 0,
    lastFrame: numbers[k - 1], duration: store.timeOf(numbers[k - 1]) - c.start, retransmissions: 0,
    // None in the whole connection: none in its beginning either (and no frame to look at).
    handshakeRtt: end === c.lastFrame || c.handshakeRtt === null ? c.handshakeRtt : handshakeRttUpTo(store, points),
  };
  rows.forEach((r, i) => {
    const x = counted(reveal, r.number);
    const len = x.bytes ? r.length : 0;
    if (x.bytes) out.bytes += len;
    if (x.frame) {
      if (points[i]?.direction === 0) { out.framesClientToServer++; out.bytesClientToServer += len; } else { out.framesServerToClient++; out.bytesServerToClient += len; }
      if (r.analysis.includes('retransmission')) out.retransmissions++;
    }
    if (r.states) out.states = r.states;
  });
  return out;
}

/**
 * The handshake's RTT as the connection's frames `points` give it (null: not seen there): tshark's
 * initial_rtt is set by the first ACK after a SYN, and it is the handshake's only if that is the client's
 * (as the frame store counts it). Whether the handshake completed before the open question is on the ladder.
 * The frame that sets it is the handshake's last, so the walk stops there.
 */
function handshakeRttUpTo(store: FrameStore, points: StreamPoint[]): number | null {
  for (const p of points) {
    const rtt = store.record(p.frame).analysis.initialRtt;
    if (rtt !== undefined) return p.direction === 0 && !(p.tcpFlags & 0x4) ? rtt : null;
  }
  return null;
}

export function cutConnections(list: ConnectionSummary[], store: FrameStore, limit: number | null, reveal: Reveal = Reveal.none): ConnectionSummary[] {
  if (limit === null && !reveal.active) return list;
  return list.map((c) => cutConnection(c, store, limit, reveal)).filter((c): c is ConnectionSummary => c !== null);
}

export function cutLadder(page: LadderPage, store: FrameStore, limit: number | null, reveal: Reveal = Reveal.none): LadderPage | null {
  if (limit === null && !reveal.active) return page;
  const summary = cutConnection(page.summary, store, limit, reveal);
  if (!summary) return null;
  if (limit === null) return { ...page, summary };
  return { summary, total: summary.frames, start: page.start, segments: page.segments.filter((s) => s.frame <= limit), events: cutCalls(page.events, limit) };
}
