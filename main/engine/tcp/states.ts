// Per-endpoint RFC 9293 state inference for every TCP connection (tcp.stream), in frame order and
// never rewritten (DECISIONS). On loopback a segment is received when it is captured, so each frame
// is applied twice: to its sender ("sent …") and then to its receiver ("received …"). The ACK field
// is the evidence of what the sender had already received: a FIN whose ACK does not cover the
// peer's FIN means the FINs crossed. A retransmitted SYN or FIN is not a second open or close.
import type { Endpoint, EndpointStates, TcpAnalysis, TcpSegment, TcpState, Transition } from '../types';
import { TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN } from '../types';
import { CAUSE_TEXT, next, type EndpointEvent } from './state-machine';
import { add32, ge } from './seq';

interface Side {
  state: TcpState;
  /** Entered SYN_RECEIVED from LISTEN (a reset then returns it to LISTEN). */
  passive: boolean;
  /** Raw ISN once a SYN from this side was seen (as a signed 32-bit number, a small integer to V8). */
  iss: number | null;
  /** Raw sequence number just after this side's FIN, once it sent one (signed 32-bit, as iss). */
  finNext: number | null;
  /** The peer's FIN has been received. */
  gotFin: boolean;
}

interface Conn {
  client: Side;
  server: Side;
}

const side = (state: TcpState): Side => ({ state, passive: state === 'LISTEN', iss: null, finNext: null, gotFin: false });

export class StateTracker {
  /** Connections by tcp.stream (dense: streams are numbered from 0 in capture order). */
  private readonly conns: Conn[] = [];

  /** States of both endpoints after `seg` was sent and received, and the transitions it caused. */
  onSegment(seg: TcpSegment, analysis: TcpAnalysis): { states: EndpointStates; transitions: Transition[] } {
    const transitions: Transition[] = [];
    const conn = this.advance(seg, analysis.stream, analysis.direction, transitions);
    return { states: { client: conn.client.state, server: conn.server.state }, transitions };
  }

  /** Both endpoints' states of a stream now (undefined before its first segment). */
  statesOf(stream: number): EndpointStates | undefined {
    const conn = this.conns[stream];
    return conn && { client: conn.client.state, server: conn.server.state };
  }

  /**
   * Applies `seg` (sent in `direction`, 0 from the client) to its stream, pushing the transitions
   * to `out` when given (`stats` needs only the final states, so it allocates nothing per segment).
   */
  advance(seg: TcpSegment, stream: number, direction: 0 | 1, out: Transition[] | null): { client: { state: TcpState }; server: { state: TcpState } } {
    let conn = this.conns[stream];
    const f = seg.flags;
    if (!conn) {
      // Born at its first frame: before a SYN the client is CLOSED and the server LISTEN; a capture
      // that starts mid-connection starts both ESTABLISHED.
      const opening = (f & TCP_SYN) !== 0 || (f & TCP_RST) !== 0;
      conn = opening ? { client: side('CLOSED'), server: side('LISTEN') } : { client: side('ESTABLISHED'), server: side('ESTABLISHED') };
      this.conns[stream] = conn;
      if (!opening && out) {
        for (const e of ['client', 'server'] as const) {
          out.push({ endpoint: e, from: 'CLOSED', to: 'ESTABLISHED', cause: 'mid_stream', text: CAUSE_TEXT.mid_stream });
        }
      }
    }
    const senderName: Endpoint = direction === 0 ? 'client' : 'server';
    const receiverName: Endpoint = direction === 0 ? 'server' : 'client';
    const s = conn[senderName], r = conn[receiverName];

    // The sender's side of the segment.
    if (f & TCP_RST) {
      apply(s, senderName, 'snd_rst', out);
      // A reset in SYN_SENT counts only when it acknowledges the SYN (RFC 9293 §3.10.7.3).
      const acceptable = r.state !== 'SYN_SENT' || ((f & TCP_ACK) !== 0 && r.iss !== null && ge(seg.ack, add32(r.iss, 1)));
      if (acceptable) apply(r, receiverName, 'rcv_rst', out);
      return conn;
    }
    if (f & TCP_SYN) {
      if (s.iss === null || (s.state === 'CLOSED' || s.state === 'LISTEN')) s.iss = seg.seq | 0;
      apply(s, senderName, f & TCP_ACK ? 'snd_syn_ack' : 'snd_syn', out);
    }
    if (f & TCP_FIN && s.finNext === null) {
      s.finNext = add32(add32(seg.seq, seg.len), f & TCP_SYN ? 2 : 1);
      // Its ACK tells whether the sender had received the peer's FIN before sending its own.
      const crossing = r.finNext !== null && !((f & TCP_ACK) && ge(seg.ack, r.finNext));
      apply(s, senderName, crossing ? 'snd_fin_crossing' : 'snd_fin', out);
    }

    // The receiver's side: first what the ACK acknowledges, then the SYN, then the FIN.
    if ((f & TCP_SYN) && (f & TCP_ACK) && r.iss === null && r.state === 'CLOSED') {
      // The capture began after the SYN: the receiver of this SYN-ACK must have sent it.
      r.iss = add32(seg.ack, -1);
      r.state = 'SYN_SENT';
    }
    if (f & TCP_ACK) {
      if (r.iss !== null && ge(seg.ack, add32(r.iss, 1))) {
        if (f & TCP_SYN) apply(r, receiverName, 'rcv_syn_ack', out);
        else apply(r, receiverName, 'rcv_ack_of_syn', out);
      }
      if (r.finNext !== null && ge(seg.ack, r.finNext)) apply(r, receiverName, 'fin_acked', out);
    }
    if ((f & TCP_SYN) && !(f & TCP_ACK)) apply(r, receiverName, 'rcv_syn', out);
    if ((f & TCP_FIN) && !r.gotFin) {
      r.gotFin = true;
      apply(r, receiverName, 'rcv_fin', out);
    }
    return conn;
  }
}

/** The one place an endpoint's state changes: the transition function's answer to `event`. */
function apply(e: Side, who: Endpoint, event: EndpointEvent, out: Transition[] | null): void {
  const step = next(e.state, event, e.passive);
  if (!step) return;
  if (step.to === 'SYN_RECEIVED') e.passive = e.state === 'LISTEN';
  if (out) out.push({ endpoint: who, from: e.state, to: step.to, cause: step.cause, text: CAUSE_TEXT[step.cause] });
  e.state = step.to;
}
