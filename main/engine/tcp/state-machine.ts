// RFC 9293's connection state machine for one endpoint, as a match on (state, event). Pure: given a
// state and what the endpoint just did or saw, it returns the next state and the cause, or null when
// the event changes nothing in that state. The tracker (states.ts) decides which events a captured
// segment means for each side, and when; this file is the only place that knows the arrows of the
// diagram, and every arrow it returns is one of them (or a move to CLOSED, which any state may make).
import type { ConnectionStart, StartCause, StateNoteCode, TcpState, TransitionCause } from '../types';

export type EndpointEvent =
  | 'snd_syn' | 'rcv_syn' | 'snd_syn_ack' | 'rcv_syn_ack' | 'rcv_ack_of_syn'
  | 'snd_fin' | 'rcv_fin' | 'fin_acked' | 'snd_rst' | 'rcv_rst';

export interface Step {
  readonly to: TcpState;
  readonly cause: TransitionCause;
}

/**
 * The arrows, one shared frozen object each: next() runs for every event of every connection, and a new
 * object per answer was most of what the state tracker allocated (16 MB of garbage in `stats` of 30,000
 * connections).
 */
const TO_SYN_SENT_BY_SND_SYN: Step = Object.freeze({ to: 'SYN_SENT', cause: 'snd_syn' });
const TO_SYN_RECEIVED_BY_RCV_SYN: Step = Object.freeze({ to: 'SYN_RECEIVED', cause: 'rcv_syn' });
const TO_SYN_RECEIVED_BY_SIMULTANEOUS_OPEN: Step = Object.freeze({ to: 'SYN_RECEIVED', cause: 'simultaneous_open' });
const TO_SYN_RECEIVED_BY_SND_SYN_ACK: Step = Object.freeze({ to: 'SYN_RECEIVED', cause: 'snd_syn_ack' });
const TO_ESTABLISHED_BY_RCV_SYN_ACK: Step = Object.freeze({ to: 'ESTABLISHED', cause: 'rcv_syn_ack' });
const TO_ESTABLISHED_BY_RCV_ACK_OF_SYN: Step = Object.freeze({ to: 'ESTABLISHED', cause: 'rcv_ack_of_syn' });
const TO_FIN_WAIT_1_BY_SND_FIN: Step = Object.freeze({ to: 'FIN_WAIT_1', cause: 'snd_fin' });
const TO_LAST_ACK_BY_SND_FIN: Step = Object.freeze({ to: 'LAST_ACK', cause: 'snd_fin' });
const TO_CLOSE_WAIT_BY_RCV_FIN: Step = Object.freeze({ to: 'CLOSE_WAIT', cause: 'rcv_fin' });
const TO_CLOSING_BY_CROSSING_FINS: Step = Object.freeze({ to: 'CLOSING', cause: 'crossing_fins' });
const TO_TIME_WAIT_BY_RCV_FIN: Step = Object.freeze({ to: 'TIME_WAIT', cause: 'rcv_fin' });
const TO_FIN_WAIT_2_BY_FIN_ACKED: Step = Object.freeze({ to: 'FIN_WAIT_2', cause: 'fin_acked' });
const TO_TIME_WAIT_BY_FIN_ACKED: Step = Object.freeze({ to: 'TIME_WAIT', cause: 'fin_acked' });
const TO_CLOSED_BY_FIN_ACKED: Step = Object.freeze({ to: 'CLOSED', cause: 'fin_acked' });
const TO_CLOSED_BY_SND_RST: Step = Object.freeze({ to: 'CLOSED', cause: 'snd_rst' });
const TO_LISTEN_BY_RCV_RST: Step = Object.freeze({ to: 'LISTEN', cause: 'rcv_rst' });
const TO_CLOSED_BY_REFUSED: Step = Object.freeze({ to: 'CLOSED', cause: 'refused' });
const TO_CLOSED_BY_RCV_RST: Step = Object.freeze({ to: 'CLOSED', cause: 'rcv_rst' });

/**
 * The next state of an endpoint in `state` on `event`, or null for "no change". `passive` is true for
 * an endpoint that entered SYN_RECEIVED from LISTEN (a reset returns it to LISTEN, RFC 9293 §3.10.7.4).
 */
export function next(state: TcpState, event: EndpointEvent, passive = true): Step | null {
  switch (event) {
    case 'snd_syn':
      // CLOSED: active OPEN; LISTEN: SEND on a listening connection (both "snd SYN" arrows to SYN_SENT).
      return state === 'CLOSED' || state === 'LISTEN' ? TO_SYN_SENT_BY_SND_SYN : null;
    case 'rcv_syn':
      if (state === 'LISTEN') return TO_SYN_RECEIVED_BY_RCV_SYN;
      if (state === 'SYN_SENT') return TO_SYN_RECEIVED_BY_SIMULTANEOUS_OPEN;
      return null;
    case 'snd_syn_ack':
      // The SYN-ACK is the action of LISTEN → SYN_RECEIVED; seen without the SYN's receipt (not captured,
      // or beyond the evidence horizon) it still implies that arrow.
      return state === 'LISTEN' ? TO_SYN_RECEIVED_BY_SND_SYN_ACK : null;
    case 'rcv_syn_ack':
      return state === 'SYN_SENT' ? TO_ESTABLISHED_BY_RCV_SYN_ACK : null;
    case 'rcv_ack_of_syn':
      return state === 'SYN_RECEIVED' ? TO_ESTABLISHED_BY_RCV_ACK_OF_SYN : null;
    case 'snd_fin':
      if (state === 'ESTABLISHED' || state === 'SYN_RECEIVED') return TO_FIN_WAIT_1_BY_SND_FIN;
      if (state === 'CLOSE_WAIT') return TO_LAST_ACK_BY_SND_FIN;
      return null;
    case 'rcv_fin':
      // SYN_RECEIVED processes a FIN only after the segment's ACK made it ESTABLISHED (§3.10.7.4).
      if (state === 'ESTABLISHED') return TO_CLOSE_WAIT_BY_RCV_FIN;
      if (state === 'FIN_WAIT_1') return TO_CLOSING_BY_CROSSING_FINS;
      if (state === 'FIN_WAIT_2') return TO_TIME_WAIT_BY_RCV_FIN;
      return null;
    case 'fin_acked':
      if (state === 'FIN_WAIT_1') return TO_FIN_WAIT_2_BY_FIN_ACKED;
      if (state === 'CLOSING') return TO_TIME_WAIT_BY_FIN_ACKED;
      if (state === 'LAST_ACK') return TO_CLOSED_BY_FIN_ACKED;
      return null;
    case 'snd_rst':
      // A CLOSED endpoint (no socket) or a listener answers a stray segment with RST and stays as it was.
      return state === 'CLOSED' || state === 'LISTEN' ? null : TO_CLOSED_BY_SND_RST;
    case 'rcv_rst':
      if (state === 'CLOSED' || state === 'LISTEN') return null;
      if (state === 'SYN_RECEIVED' && passive) return TO_LISTEN_BY_RCV_RST;
      // In SYN_SENT an acceptable RST means connect() fails with ECONNREFUSED: nobody listened.
      if (state === 'SYN_SENT') return TO_CLOSED_BY_REFUSED;
      return TO_CLOSED_BY_RCV_RST;
  }
}

/** English default texts of the causes (the UI translates by code). */
export const CAUSE_TEXT: Readonly<Record<TransitionCause, string>> = {
  snd_syn: 'sent SYN',
  rcv_syn: 'received SYN',
  snd_syn_ack: 'sent SYN-ACK',
  rcv_syn_ack: 'received SYN-ACK',
  rcv_ack_of_syn: 'received ACK of its SYN',
  snd_fin: 'sent FIN',
  rcv_fin: 'received FIN',
  fin_acked: 'FIN acknowledged',
  snd_rst: 'sent RST',
  rcv_rst: 'received RST',
  refused: 'received RST for its SYN: no listener, the kernel refused',
  simultaneous_open: 'received SYN while in SYN_SENT (simultaneous open)',
  crossing_fins: 'received FIN while in FIN_WAIT_1 (FINs crossed: simultaneous close)',
};

/** English default texts of the start causes. */
export const START_TEXT: Readonly<Record<StartCause, string>> = {
  syn: 'capture starts at the opening SYN',
  syn_ack: 'capture starts at the SYN-ACK (the SYN was not captured)',
  mid_stream: 'capture started mid-connection',
};

/** English default texts of the notes. */
export const NOTE_TEXT: Readonly<Record<StateNoteCode, string>> = {
  no_answer: 'no answer seen: the SYN was not answered in the capture, so the server is shown still in LISTEN',
  no_listener: 'no listener: no socket listened on this port, the kernel answered the SYN with RST',
};

const starts = new Map<string, ConnectionStart>();

/** The start (one shared, frozen object per combination: a connection keeps one, and there may be millions). */
export function connectionStart(client: TcpState, server: TcpState, cause: StartCause): ConnectionStart {
  const key = `${client}/${server}/${cause}`;
  let s = starts.get(key);
  if (!s) starts.set(key, (s = Object.freeze({ client, server, cause, text: START_TEXT[cause] })));
  return s;
}
