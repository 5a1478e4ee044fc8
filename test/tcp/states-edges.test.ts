// RFC 9293's recovery scenarios and other state edges on test/corpus/tcp/states-edges.pcap (made by
// test/corpus/make/states-craft.py, one port pair per case). Streams are tshark's (tcp.stream, asked of tshark
// when it is installed); the states are RFC 9293's edges, or Linux's choice where the RFC leaves one.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CORPUS, decodeLenient } from '../helpers/corpus';
import { occurrences } from '../helpers/decode';
import { hasTshark, tshark } from '../helpers/tshark';
import type { DecodedFrame, TcpState } from '../../main/engine/types';

const FILE = join(CORPUS, 'tcp', 'states-edges.pcap');
const { frames } = decodeLenient(FILE);
const byNumber = new Map(frames.map((f) => [f.frame, f]));
const at = (n: number): DecodedFrame => byNumber.get(n) as DecodedFrame;
const states = (n: number) => `${at(n).states?.client}/${at(n).states?.server}`;
const arrows = (n: number) => (at(n).transitions ?? []).map((t) => `${t.endpoint[0]}:${t.from}>${t.to}(${t.cause})`);
/** The frames of one case (its client port). */
const port = (p: number) => frames.filter((f) => f.states && occurrences(f, 'tcp.srcport').concat(occurrences(f, 'tcp.dstport')).includes(p));
const walk = (p: number, stream: number, who: 'client' | 'server'): TcpState[] => {
  const fs = port(p).filter((f) => f.stream === stream);
  return [fs[0].start?.[who] as TcpState, ...fs.flatMap((f) => (f.transitions ?? []).filter((t) => t.endpoint === who).map((t) => t.to))];
};

describe('RFC 9293 recovery scenarios and state edges (states-edges.pcap)', () => {
  it.skipIf(!hasTshark())('streams are numbered as tshark numbers them (a new ISN after a close or reset: a new stream; the same ISN: the same)', () => {
    const theirs = tshark(['-r', FILE, '-n', '-T', 'fields', '-e', 'tcp.stream']).trim().split('\n').map(Number);
    expect(frames.map((f) => f.stream)).toEqual(theirs);
  });

  it('Figure 9, an old duplicate SYN: the listener goes SYN_RECEIVED → LISTEN on the RST (a passive open), then the real SYN opens anew', () => {
    expect(walk(41301, 0, 'server')).toEqual(['LISTEN', 'SYN_RECEIVED', 'LISTEN']);
    expect(arrows(3)).toContain('s:SYN_RECEIVED>LISTEN(rcv_rst)');
    expect(walk(41301, 1, 'server')).toEqual(['LISTEN', 'SYN_RECEIVED', 'ESTABLISHED']);
    expect(walk(41301, 1, 'client')).toEqual(['CLOSED', 'SYN_SENT', 'ESTABLISHED']);
  });

  it('Figure 10, half-open discovery: the new SYN\'s client stays SYN_SENT through the old connection\'s ACK and its own RST; the listener then answers the retried SYN', () => {
    // Frames 12-17 (stream 3): SYN, the ESTABLISHED socket's ACK (unacceptable in SYN-SENT: §3.10.7.3 answers it
    // with <SEQ=SEG.ACK><CTL=RST> and stays), that RST (reaching a listener: ignored, §3.10.7.4), the SYN retried.
    for (const n of [12, 13, 14]) expect(states(n), `frame ${n}`).toBe('SYN_SENT/LISTEN');
    expect(walk(41302, 3, 'client')).toEqual(['CLOSED', 'SYN_SENT', 'ESTABLISHED']);
    expect(walk(41302, 3, 'server')).toEqual(['LISTEN', 'SYN_RECEIVED', 'ESTABLISHED']);
  });

  it('Figure 11, the active side crashed: its kernel\'s RST <SEQ=SEG.ACK> answering the data closes the server', () => {
    expect(arrows(24)).toContain('s:ESTABLISHED>CLOSED(rcv_rst)');
    expect(states(24)).toBe('CLOSED/CLOSED');
  });

  it('a new SYN with a higher ISN while the server is in TIME_WAIT: a new connection (a new stream) from CLOSED / LISTEN', () => {
    expect(states(32)).toBe('CLOSED/TIME_WAIT');
    expect(at(33).stream).not.toBe(at(32).stream);
    expect(at(33).start).toMatchObject({ client: 'CLOSED', server: 'LISTEN' });
    expect(states(35)).toBe('ESTABLISHED/ESTABLISHED');
  });

  it('a SYN with the closed connection\'s own ISN reaching TIME_WAIT is an old duplicate: no new open; the client\'s RST then closes TIME_WAIT (Linux, RFC 9293 §3.10.7.4)', () => {
    expect(at(42).stream).toBe(at(41).stream);
    // The last ACK closed the client at its frame: a SYN (it carries no ACK) shows nothing against that.
    expect(arrows(41)).toEqual(['c:LAST_ACK>CLOSED(fin_acked)']);
    for (const n of [42, 43]) expect(states(n), `frame ${n}`).toBe('CLOSED/TIME_WAIT');
    expect(arrows(42)).toEqual([]);
    expect(arrows(44)).toEqual(['s:TIME_WAIT>CLOSED(rcv_rst)']);
  });

  it('SYN+FIN: a SYN-ACK acknowledging both (SEG.ACK = ISN + 2 = SND.NXT) is acceptable in SYN_SENT', () => {
    expect(arrows(46)).toEqual(['c:SYN_SENT>ESTABLISHED(rcv_syn_ack)']);
    expect(states(49)).toBe('CLOSE_WAIT/FIN_WAIT_2');
  });

  it('keep-alives in a half-close change nothing (FIN_WAIT_2 / CLOSE_WAIT)', () => {
    for (const n of [55, 56, 57, 58]) {
      expect(states(n), `frame ${n}`).toBe('FIN_WAIT_2/CLOSE_WAIT');
      expect(arrows(n)).toEqual([]);
    }
    expect(states(60)).toBe('TIME_WAIT/CLOSED');
  });
});
