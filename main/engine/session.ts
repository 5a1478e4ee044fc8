// Per-capture state shared by all frames of one file or one live capture.
import { TcpTracker } from './tcp/tracker';
import { StateTracker } from './tcp/states';

export interface Session {
  /** tcp.stream numbering, relative sequence numbers, tcp.analysis.* (per-direction flow state). */
  tcp: TcpTracker;
  /** Per-endpoint RFC 9293 states of every connection. */
  states: StateTracker;
}

export function newSession(): Session {
  return { tcp: new TcpTracker(), states: new StateTracker() };
}
