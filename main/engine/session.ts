// Per-capture state shared by all frames of one file or one live capture.
import type { RawFrame } from './types';
import { TcpTracker } from './tcp/tracker';
import { StateTracker } from './tcp/states';
import type { Replay } from './tape';

export interface Session {
  /** tcp.stream numbering, relative sequence numbers, tcp.analysis.* (per-direction flow state). */
  tcp: TcpTracker;
  /** Per-endpoint RFC 9293 states of every connection. */
  states: StateTracker;
  /** Timestamp of the session's first frame: the zero of every TcpSegment.time. */
  t0: { sec: number; nsec: number } | null;
  /** Keep each frame's tape of cross-frame facts (the frame store does, to re-dissect frames alone). */
  recording: boolean;
  /** Set while the store re-dissects a stored frame: cross-frame facts come from here. */
  replay: Replay | null;
}

export function newSession(): Session {
  return { tcp: new TcpTracker(), states: new StateTracker(), t0: null, recording: false, replay: null };
}

/**
 * Seconds since the session's first frame (the first call sets it). Computed from whole seconds and
 * nanoseconds separately so that differences between frames are exact to the nanosecond.
 */
export function captureTime(session: Session, raw: RawFrame): number {
  const t0 = session.t0 ?? (session.t0 = { sec: raw.tsSec, nsec: raw.tsNsec });
  return (raw.tsSec - t0.sec) + (raw.tsNsec - t0.nsec) / 1e9;
}
