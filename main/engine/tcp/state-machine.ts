// RFC 9293's connection state machine for one endpoint, as a match on (state, event). Pure: given a
// state and what the endpoint just did or saw, it returns the next state and the cause, or null when
// the event changes nothing in that state. The tracker (states.ts) decides which events a captured
// segment means for each side; this file is the only place that knows the arrows of the diagram.
import type { TcpState, TransitionCause } from '../types';

export type EndpointEvent =
  | 'snd_syn' | 'rcv_syn' | 'snd_syn_ack' | 'rcv_syn_ack' | 'rcv_ack_of_syn'
  | 'snd_fin' | 'rcv_fin' | 'fin_acked' | 'snd_rst' | 'rcv_rst'
  /** The endpoint sends a FIN while the peer's FIN is in flight towards it (the FIN's ACK does not cover the peer's). */
  | 'snd_fin_crossing';

export interface Step {
  to: TcpState;
  cause: TransitionCause;
}

/**
 * The next state of an endpoint in `state` on `event`, or null for "no change". `passive` is true for
 * an endpoint that entered SYN_RECEIVED from LISTEN (a reset returns it to LISTEN, RFC 9293 §3.10.7.4).
 */
export function next(state: TcpState, event: EndpointEvent, passive = true): Step | null {
  switch (event) {
    case 'snd_syn':
      return state === 'CLOSED' ? { to: 'SYN_SENT', cause: 'snd_syn' } : null;
    case 'rcv_syn':
      if (state === 'LISTEN') return { to: 'SYN_RECEIVED', cause: 'rcv_syn' };
      if (state === 'SYN_SENT') return { to: 'SYN_RECEIVED', cause: 'simultaneous_open' };
      return null;
    case 'snd_syn_ack':
      // Sending the SYN-ACK is the action of LISTEN → SYN_RECEIVED; seen alone (the SYN was not captured) it implies it.
      return state === 'LISTEN' || state === 'CLOSED' ? { to: 'SYN_RECEIVED', cause: 'snd_syn_ack' } : null;
    case 'rcv_syn_ack':
      return state === 'SYN_SENT' || state === 'SYN_RECEIVED' ? { to: 'ESTABLISHED', cause: 'rcv_syn_ack' } : null;
    case 'rcv_ack_of_syn':
      return state === 'SYN_RECEIVED' ? { to: 'ESTABLISHED', cause: 'rcv_ack_of_syn' } : null;
    case 'snd_fin':
      if (state === 'ESTABLISHED' || state === 'SYN_RECEIVED') return { to: 'FIN_WAIT_1', cause: 'snd_fin' };
      if (state === 'CLOSE_WAIT') return { to: 'LAST_ACK', cause: 'snd_fin' };
      return null;
    case 'snd_fin_crossing':
      // We showed this endpoint in CLOSE_WAIT on the peer's FIN; its own FIN proves it had not seen it yet.
      if (state === 'CLOSE_WAIT') return { to: 'CLOSING', cause: 'crossing_fins' };
      if (state === 'ESTABLISHED' || state === 'SYN_RECEIVED') return { to: 'FIN_WAIT_1', cause: 'snd_fin' };
      return null;
    case 'rcv_fin':
      if (state === 'ESTABLISHED' || state === 'SYN_RECEIVED') return { to: 'CLOSE_WAIT', cause: 'rcv_fin' };
      if (state === 'FIN_WAIT_1') return { to: 'CLOSING', cause: 'crossing_fins' };
      if (state === 'FIN_WAIT_2') return { to: 'TIME_WAIT', cause: 'rcv_fin' };
      return null;
    case 'fin_acked':
      if (state === 'FIN_WAIT_1') return { to: 'FIN_WAIT_2', cause: 'fin_acked' };
      if (state === 'CLOSING') return { to: 'TIME_WAIT', cause: 'fin_acked' };
      if (state === 'LAST_ACK') return { to: 'CLOSED', cause: 'fin_acked' };
      return null;
    case 'snd_rst':
      return state === 'CLOSED' ? null : { to: 'CLOSED', cause: 'snd_rst' };
    case 'rcv_rst':
      if (state === 'CLOSED' || state === 'LISTEN') return null;
      if (state === 'SYN_RECEIVED' && passive) return { to: 'LISTEN', cause: 'rcv_rst' };
      return { to: 'CLOSED', cause: 'rcv_rst' };
  }
}

/** English default texts of the causes (the UI translates by code). */
export const CAUSE_TEXT: Readonly<Record<TransitionCause, string>> = {
  snd_syn: 'sent SYN',
  rcv_syn: 'received SYN',
  snd_syn_ack: 'sent SYN-ACK',
  rcv_syn_ack: 'received SYN-ACK',
  snd_ack_of_syn: 'sent ACK of SYN',
  rcv_ack_of_syn: 'received ACK of its SYN',
  snd_fin: 'sent FIN',
  rcv_fin: 'received FIN',
  fin_acked: 'FIN acknowledged',
  snd_rst: 'sent RST',
  rcv_rst: 'received RST',
  simultaneous_open: 'received SYN while in SYN_SENT (simultaneous open)',
  crossing_fins: 'FINs crossed (simultaneous close)',
  mid_stream: 'capture started mid-connection',
};
