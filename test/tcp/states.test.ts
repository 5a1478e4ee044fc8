// Per-endpoint state inference, state by state, on scripted segments. The expectations are
// RFC 9293's diagram (and DECISIONS for what a capture can and cannot show), not our own output.
import { describe, expect, it } from 'vitest';
import { TcpTracker } from '../../main/engine/tcp/tracker';
import { StateTracker } from '../../main/engine/tcp/states';
import { next } from '../../main/engine/tcp/state-machine';
import { TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN, type EndpointStates, type TcpSegment, type TcpState, type Transition } from '../../main/engine/types';

const S = TCP_SYN, A = TCP_ACK, F = TCP_FIN, R = TCP_RST;
const C_ISN = 1000, S_ISN = 5000;

/** Drives both trackers with segments between a client 10.0.0.1:40000 and a server 10.0.0.2:80. */
function conversation() {
  const tcp = new TcpTracker();
  const states = new StateTracker();
  let frame = 0;
  return (from: 'c' | 's', flags: number, seq: number, ack: number, len = 0): { states: EndpointStates; transitions: Transition[] } => {
    frame++;
    const c = from === 'c';
    const seg: TcpSegment = {
      frame, time: frame / 1000, src: c ? '10.0.0.1' : '10.0.0.2', dst: c ? '10.0.0.2' : '10.0.0.1',
      srcPort: c ? 40000 : 80, dstPort: c ? 80 : 40000, seq: seq >>> 0, ack: ack >>> 0, flags, window: 1000, len, urgentPointer: 0,
    };
    return states.onSegment(seg, tcp.analyze(seg));
  };
}

/** The classic open: SYN, SYN-ACK, ACK. */
function open() {
  const send = conversation();
  send('c', S, C_ISN, 0);
  send('s', S | A, S_ISN, C_ISN + 1);
  send('c', A, C_ISN + 1, S_ISN + 1);
  return send;
}

const pair = (client: TcpState, server: TcpState): EndpointStates => ({ client, server });

describe('transition function (one arrow of the RFC 9293 diagram per case)', () => {
  const cases: [TcpState, Parameters<typeof next>[1], TcpState | null][] = [
    ['CLOSED', 'snd_syn', 'SYN_SENT'], ['LISTEN', 'rcv_syn', 'SYN_RECEIVED'], ['SYN_SENT', 'rcv_syn', 'SYN_RECEIVED'],
    ['SYN_SENT', 'rcv_syn_ack', 'ESTABLISHED'], ['SYN_RECEIVED', 'rcv_ack_of_syn', 'ESTABLISHED'],
    ['ESTABLISHED', 'snd_fin', 'FIN_WAIT_1'], ['ESTABLISHED', 'rcv_fin', 'CLOSE_WAIT'], ['FIN_WAIT_1', 'fin_acked', 'FIN_WAIT_2'],
    ['FIN_WAIT_1', 'rcv_fin', 'CLOSING'], ['FIN_WAIT_2', 'rcv_fin', 'TIME_WAIT'], ['CLOSING', 'fin_acked', 'TIME_WAIT'],
    ['CLOSE_WAIT', 'snd_fin', 'LAST_ACK'], ['LAST_ACK', 'fin_acked', 'CLOSED'], ['SYN_RECEIVED', 'rcv_rst', 'LISTEN'],
    ['ESTABLISHED', 'rcv_rst', 'CLOSED'], ['TIME_WAIT', 'rcv_fin', null], ['FIN_WAIT_1', 'snd_fin', null], ['LISTEN', 'rcv_rst', null],
  ];
  for (const [from, event, to] of cases) {
    it(`${from} --${event}--> ${to ?? '(no change)'}`, () => {
      expect(next(from, event)?.to ?? null).toBe(to);
    });
  }
});

describe('per-endpoint states from segments', () => {
  it('LISTEN → SYN_RECEIVED on the SYN; the client is ESTABLISHED before the server', () => {
    const send = conversation();
    expect(send('c', S, C_ISN, 0).states).toEqual(pair('SYN_SENT', 'SYN_RECEIVED'));
    expect(send('s', S | A, S_ISN, C_ISN + 1).states).toEqual(pair('ESTABLISHED', 'SYN_RECEIVED'));
    expect(send('c', A, C_ISN + 1, S_ISN + 1).states).toEqual(pair('ESTABLISHED', 'ESTABLISHED'));
  });

  it('4-segment close: FIN_WAIT_1, CLOSE_WAIT, FIN_WAIT_2, LAST_ACK, TIME_WAIT, CLOSED (only the active closer waits)', () => {
    const send = open();
    expect(send('c', F | A, C_ISN + 1, S_ISN + 1).states).toEqual(pair('FIN_WAIT_1', 'CLOSE_WAIT'));
    expect(send('s', A, S_ISN + 1, C_ISN + 2).states).toEqual(pair('FIN_WAIT_2', 'CLOSE_WAIT'));
    expect(send('s', F | A, S_ISN + 1, C_ISN + 2).states).toEqual(pair('TIME_WAIT', 'LAST_ACK'));
    expect(send('c', A, C_ISN + 2, S_ISN + 2).states).toEqual(pair('TIME_WAIT', 'CLOSED'));
  });

  it('3-segment close: FIN+ACK received in FIN_WAIT_1 lists both transitions, in order', () => {
    const send = open();
    send('c', F | A, C_ISN + 1, S_ISN + 1);
    const r = send('s', F | A, S_ISN + 1, C_ISN + 2);
    expect(r.states).toEqual(pair('TIME_WAIT', 'LAST_ACK'));
    const client = r.transitions.filter((t) => t.endpoint === 'client').map((t) => `${t.from}>${t.to}`);
    expect(client).toEqual(['FIN_WAIT_1>FIN_WAIT_2', 'FIN_WAIT_2>TIME_WAIT']);
  });

  it('server closes first: the server is the one in TIME_WAIT', () => {
    const send = open();
    expect(send('s', F | A, S_ISN + 1, C_ISN + 1).states).toEqual(pair('CLOSE_WAIT', 'FIN_WAIT_1'));
    expect(send('c', F | A, C_ISN + 1, S_ISN + 2).states).toEqual(pair('LAST_ACK', 'TIME_WAIT'));
    expect(send('s', A, S_ISN + 2, C_ISN + 2).states).toEqual(pair('CLOSED', 'TIME_WAIT'));
  });

  it('half-close: data after the first FIN keeps CLOSE_WAIT / FIN_WAIT_2', () => {
    const send = open();
    send('c', F | A, C_ISN + 1, S_ISN + 1);
    send('s', A, S_ISN + 1, C_ISN + 2);
    expect(send('s', A, S_ISN + 1, C_ISN + 2, 100).states).toEqual(pair('FIN_WAIT_2', 'CLOSE_WAIT'));
    expect(send('c', A, C_ISN + 2, S_ISN + 101).states).toEqual(pair('FIN_WAIT_2', 'CLOSE_WAIT'));
    expect(send('s', F | A, S_ISN + 101, C_ISN + 2).states).toEqual(pair('TIME_WAIT', 'LAST_ACK'));
  });

  it('simultaneous close: crossing FINs put both in CLOSING, then both in TIME_WAIT', () => {
    const send = open();
    send('c', F | A, C_ISN + 1, S_ISN + 1);
    // The server's FIN does not acknowledge the client's: it was sent before the client's FIN arrived.
    expect(send('s', F | A, S_ISN + 1, C_ISN + 1).states).toEqual(pair('CLOSING', 'CLOSING'));
    expect(send('s', A, S_ISN + 2, C_ISN + 2).states).toEqual(pair('TIME_WAIT', 'CLOSING'));
    expect(send('c', A, C_ISN + 2, S_ISN + 2).states).toEqual(pair('TIME_WAIT', 'TIME_WAIT'));
  });

  it('simultaneous open: SYN received in SYN_SENT', () => {
    const send = conversation();
    send('c', S, C_ISN, 0);
    const r = send('s', S, S_ISN, 0);
    expect(r.states.client).toBe('SYN_RECEIVED');
    expect(r.transitions.some((t) => t.cause === 'simultaneous_open')).toBe(true);
  });

  it('a retransmitted FIN is not a second close', () => {
    const send = open();
    send('c', F | A, C_ISN + 1, S_ISN + 1);
    const r = send('c', F | A, C_ISN + 1, S_ISN + 1);
    expect(r.states).toEqual(pair('FIN_WAIT_1', 'CLOSE_WAIT'));
    expect(r.transitions).toEqual([]);
  });

  it('connection refused: both end CLOSED', () => {
    const send = conversation();
    send('c', S, C_ISN, 0);
    expect(send('s', R | A, 0, C_ISN + 1).states).toEqual(pair('CLOSED', 'CLOSED'));
  });

  it('a reset without ACK does not reset SYN_SENT (RFC 9293 §3.10.7.3)', () => {
    const send = conversation();
    send('c', S, C_ISN, 0);
    expect(send('s', R, 0, 0).states.client).toBe('SYN_SENT');
  });

  for (const [label, prepare, expected] of [
    ['ESTABLISHED', (s: ReturnType<typeof open>) => void s, 'ESTABLISHED'],
    ['CLOSE_WAIT', (s: ReturnType<typeof open>) => { s('c', F | A, C_ISN + 1, S_ISN + 1); }, 'CLOSE_WAIT'],
    ['FIN_WAIT_2', (s: ReturnType<typeof open>) => { s('s', F | A, S_ISN + 1, C_ISN + 1); s('c', A, C_ISN + 1, S_ISN + 2); }, 'FIN_WAIT_2'],
  ] as const) {
    it(`RST received in ${label} closes the receiver`, () => {
      const send = open();
      prepare(send);
      const before = send('c', A, C_ISN + 2, S_ISN + 2).states;
      expect(before.server).toBe(expected);
      expect(send('c', R | A, C_ISN + 2, S_ISN + 2).states).toEqual(pair('CLOSED', 'CLOSED'));
    });
  }

  it('a capture that starts mid-stream starts both ESTABLISHED', () => {
    const send = conversation();
    const r = send('c', A, C_ISN + 10, S_ISN + 10, 5);
    expect(r.states).toEqual(pair('ESTABLISHED', 'ESTABLISHED'));
  });

  it('port reuse: a new SYN on a finished 4-tuple is a new connection starting from CLOSED / LISTEN', () => {
    const send = open();
    send('c', F | A, C_ISN + 1, S_ISN + 1);
    send('s', F | A, S_ISN + 1, C_ISN + 2);
    send('c', A, C_ISN + 2, S_ISN + 2);
    expect(send('c', S, C_ISN + 99999, 0).states).toEqual(pair('SYN_SENT', 'SYN_RECEIVED'));
  });

  it('sequence numbers that wrap past 2^32 still acknowledge the FIN', () => {
    const tcp = new TcpTracker();
    const st = new StateTracker();
    let frame = 0;
    const send = (c: boolean, flags: number, seq: number, ack: number) => {
      const seg: TcpSegment = { frame: ++frame, time: frame, src: c ? 'a' : 'b', dst: c ? 'b' : 'a', srcPort: c ? 1 : 2, dstPort: c ? 2 : 1, seq: seq >>> 0, ack: ack >>> 0, flags, window: 1, len: 0, urgentPointer: 0 };
      return st.onSegment(seg, tcp.analyze(seg)).states;
    };
    const isn = 0xffffffff;
    send(true, S, isn, 0);
    send(false, S | A, 7, isn + 1);
    send(true, A, isn + 1, 8);
    send(true, F | A, isn + 1, 8);
    expect(send(false, A, 8, isn + 2)).toEqual(pair('FIN_WAIT_2', 'CLOSE_WAIT'));
  });
});
