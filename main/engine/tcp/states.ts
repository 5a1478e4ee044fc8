// Per-endpoint RFC 9293 state inference for every TCP connection.
// PLACEHOLDER (to be replaced): reports both endpoints ESTABLISHED.
import type { EndpointStates, TcpAnalysis, TcpSegment, Transition } from '../types';

export class StateTracker {
  /** States of both endpoints after `seg` was sent and received, and the transitions it caused. */
  onSegment(seg: TcpSegment, analysis: TcpAnalysis): { states: EndpointStates; transitions: Transition[] } {
    void seg; void analysis;
    return { states: { client: 'ESTABLISHED', server: 'ESTABLISHED' }, transitions: [] };
  }
}
