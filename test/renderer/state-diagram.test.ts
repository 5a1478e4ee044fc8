// The state diagram draws every transition the engine can report on an arrow of the RFC's figure, or, for a
// reset's move to CLOSED (which the figure leaves out), on a reset edge; it has nothing to draw an impossible
// edge with. The transitions are enumerated from the engine's transition function, state by event.
import { describe, expect, it } from 'vitest';
import { next, type EndpointEvent } from '../../main/engine/tcp/state-machine';
import type { TcpState } from '../../main/engine/types';
import { EDGES, edgeFor, nodeFor } from '../../renderer/src/lib/state-diagram';

const STATES: TcpState[] = ['CLOSED', 'LISTEN', 'SYN_SENT', 'SYN_RECEIVED', 'ESTABLISHED', 'FIN_WAIT_1', 'FIN_WAIT_2', 'CLOSE_WAIT', 'CLOSING', 'LAST_ACK', 'TIME_WAIT'];
const EVENTS: EndpointEvent[] = ['snd_syn', 'rcv_syn', 'snd_syn_ack', 'rcv_syn_ack', 'rcv_ack_of_syn', 'snd_fin', 'rcv_fin', 'fin_acked', 'snd_rst', 'rcv_rst'];

describe('state diagram edges', () => {
  it('every transition the engine can report is drawn: a figure arrow, or a reset edge to CLOSED', () => {
    let arrows = 0, resets = 0;
    for (const from of STATES) {
      for (const event of EVENTS) {
        for (const passive of [true, false]) {
          const step = next(from, event, passive);
          if (!step) continue;
          const e = edgeFor({ from, to: step.to });
          expect(e, `${from} --${event}--> ${step.to}`).not.toBeNull();
          expect(e!.to).toBe(nodeFor(step.to, from));
          if (e!.reset) { resets++; expect(step.to).toBe('CLOSED'); } else { arrows++; expect(EDGES).toContain(e); }
        }
      }
    }
    expect(arrows).toBeGreaterThan(10);
    expect(resets).toBeGreaterThan(3);
  });

  it('has no drawing for an edge RFC 9293 does not have', () => {
    expect(edgeFor({ from: 'CLOSE_WAIT', to: 'CLOSING' })).toBeNull();
    expect(edgeFor({ from: 'CLOSED', to: 'SYN_RECEIVED' })).toBeNull();
    expect(EDGES.some((e) => e.reset)).toBe(false);
  });
});
