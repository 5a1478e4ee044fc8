// The engine's states against the kernel's, on a capture recorded with the kernel's own view of it
// (test/corpus/make/record-states.sh, record-tcp5.sh): during deliberate pauses between the socket calls the recorder asked
// `ss -tan` in every namespace involved and wrote what it showed, with the wall-clock time, next to the
// capture (NAME.ss.json). At each such moment, both endpoints' states as the engine gives them after the
// last frame captured before it must be the kernel's; and each scenario's walk of states is checked (a
// refused connection: no server socket at all, in the kernel and in the engine). Used on the corpus's
// recordings (test/tcp/kernel-observations.test.ts) and on fresh ones made by the kernel test.
import { existsSync, readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { Decoder } from '../../main/engine/decoder';
import type { DecodedFrame, EndpointStates, TcpState } from '../../main/engine/types';
import { readCaptureFile } from '../../main/capture/file-source';
import { occurrences } from './decode';

interface Recorded {
  scenario: string;
  ports: [number, number];
  addresses: [string, string];
  observations: { time: string; step: string; sockets: string[] }[];
}

/** ss's state names as RFC 9293's. */
const SS: Record<string, TcpState> = {
  'SYN-SENT': 'SYN_SENT', 'SYN-RECV': 'SYN_RECEIVED', ESTAB: 'ESTABLISHED', 'FIN-WAIT-1': 'FIN_WAIT_1', 'FIN-WAIT-2': 'FIN_WAIT_2',
  'CLOSE-WAIT': 'CLOSE_WAIT', CLOSING: 'CLOSING', 'LAST-ACK': 'LAST_ACK', 'TIME-WAIT': 'TIME_WAIT', LISTEN: 'LISTEN',
};

/** "ip:port" of a frame's sender or receiver. */
const endpoint = (f: DecodedFrame, which: 'src' | 'dst') => `${f[which]}:${occurrences(f, which === 'src' ? 'tcp.srcport' : 'tcp.dstport')[0]}`;

/** Both endpoints' kernel states of the connection between client and server ("ip:port"); absent is CLOSED. */
function kernelStates(sockets: readonly string[], client: string, server: string): EndpointStates {
  const out: EndpointStates = { client: 'CLOSED', server: 'CLOSED' };
  for (const line of sockets) {
    const [state, , , local, peer] = line.split(' ');
    if (local === client && peer === server) out.client = SS[state] ?? 'CLOSED';
    if (local === server && peer === client) out.server = SS[state] ?? 'CLOSED';
  }
  return out;
}

/** Seconds as an exact pair, for comparing frame times with observation times without rounding. */
const micros = (t: string) => { const [s, f = ''] = t.split('.'); return BigInt(s) * 1_000_000n + BigInt((f + '000000').slice(0, 6)); };

/** Checks the recording `pcap` (with its observations `json`) as described above; `name` for messages. */
export function checkRecording(name: string, pcap: string, json: string): void {
  expect(existsSync(pcap) && existsSync(json), `${name}: the capture and its .ss.json (test/corpus/make/record-states.sh)`).toBe(true);
  const rec = JSON.parse(readFileSync(json, 'utf8')) as Recorded;
  const dec = new Decoder();
  const frames: DecodedFrame[] = [];
  readCaptureFile(pcap, (raw) => frames.push(dec.decode(raw)));
  const tcp = frames.filter((f) => f.states);
  expect(new Set(tcp.map((f) => f.stream)).size, 'one connection').toBe(1);
  // The client is the first SYN's sender (the engine's client), the server its peer.
  const client = endpoint(tcp[0], 'src'), server = endpoint(tcp[0], 'dst');
  const compared: string[] = [];
  for (const o of rec.observations) {
    const before = tcp.filter((f) => micros(f.time) <= micros(o.time));
    const kernel = kernelStates(o.sockets, client, server);
    if (!before.length) {
      // Before the first SYN the kernel has no socket of the connection (a listener at most).
      expect(kernel, `${o.step}: ${o.sockets.join('; ')}`).toEqual({ client: 'CLOSED', server: 'CLOSED' });
      continue;
    }
    const engine = before[before.length - 1].states;
    expect(engine, `after ${o.step} (frame ${before[before.length - 1].frame}); ss: ${o.sockets.join('; ') || 'no sockets'}`).toEqual(kernel);
    compared.push(o.step);
  }
  expect(compared.length, 'observations after the connection began').toBeGreaterThanOrEqual(2);

  // RFC 9293's diagram, whatever the scenario: a segment with SYN leaves an endpoint that has not yet taken an
  // ACK of its SYN (CLOSED, LISTEN, SYN_SENT, SYN_RECEIVED: an ESTABLISHED one sends no SYN), and a CLOSED or
  // LISTEN endpoint sends nothing but SYNs and resets (a kernel without the connection answers with RST).
  const sender = (f: DecodedFrame): 'client' | 'server' => (endpoint(f, 'src') === client ? 'client' : 'server');
  tcp.forEach((f, i) => {
    const who = sender(f);
    const before = i === 0 ? tcp[0].start?.[who] : tcp[i - 1].states?.[who];
    const flag = (name: string) => Number(occurrences(f, `tcp.flags.${name}`)[0]) === 1;
    if (flag('syn')) expect(['CLOSED', 'LISTEN', 'SYN_SENT', 'SYN_RECEIVED'], `frame ${f.frame}: a SYN from ${who} in ${before}`).toContain(before);
    else if (!flag('reset')) expect(['CLOSED', 'LISTEN'], `frame ${f.frame}: a segment from ${who} in ${before}`).not.toContain(before);
  });

  const walk = (who: 'client' | 'server') => [tcp[0].start?.[who], ...tcp.flatMap((f) => (f.transitions ?? []).filter((t) => t.endpoint === who).map((t) => t.to))];
  const serverPort = Number(server.split(':').pop());
  switch (rec.scenario) {
    case 'refused':
      // Nothing listened: the kernel shows no socket on the server's port at any pause, and the engine's
      // server is CLOSED throughout (never LISTEN or SYN_RECEIVED); the client's connect() was refused.
      for (const o of rec.observations) expect(o.sockets.filter((s) => Number(s.split(' ')[3]?.split(':').pop()) === serverPort), `${o.step}: a server socket`).toEqual([]);
      expect(walk('server')).toEqual(['CLOSED']);
      for (const f of tcp) expect(f.states?.server).toBe('CLOSED');
      expect(tcp.flatMap((f) => f.transitions ?? []).map((t) => t.cause)).toEqual(['snd_syn', 'refused']);
      expect(tcp[1].notes?.map((n) => `${n.endpoint}:${n.code}`)).toEqual(['server:no_listener']);
      break;
    case 'abort':
      expect(walk('client')).toEqual(['CLOSED', 'SYN_SENT', 'ESTABLISHED', 'CLOSED']);
      expect(walk('server')).toEqual(['LISTEN', 'SYN_RECEIVED', 'ESTABLISHED', 'CLOSED']);
      break;
    case 'write-after-close':
      // The server's FIN was acknowledged (FIN_WAIT_2, as ss showed) before its kernel answered the client's
      // late data with a RST without ACK: that RST shows the ACK was received, it does not hold it back.
      expect(walk('server')).toEqual(['LISTEN', 'SYN_RECEIVED', 'ESTABLISHED', 'FIN_WAIT_1', 'FIN_WAIT_2', 'CLOSED']);
      expect(walk('client')).toEqual(['CLOSED', 'SYN_SENT', 'ESTABLISHED', 'CLOSE_WAIT', 'CLOSED']);
      break;
    case 'fin-hole': {
      // The client's FIN came beyond a hole (its 700 bytes before it were lost): the server cannot process a FIN
      // before the data in front of it, and its duplicate ACKs (below the FIN) say it had not. It stays
      // ESTABLISHED at every frame up to the retransmission that fills the hole; the client stays FIN_WAIT_1
      // until an ACK covers its FIN (ss at the pause: FIN-WAIT-1 / ESTAB, then FIN-WAIT-2 / CLOSE-WAIT).
      expect(walk('client')).toEqual(['CLOSED', 'SYN_SENT', 'ESTABLISHED', 'FIN_WAIT_1', 'FIN_WAIT_2', 'TIME_WAIT']);
      expect(walk('server')).toEqual(['LISTEN', 'SYN_RECEIVED', 'ESTABLISHED', 'CLOSE_WAIT', 'LAST_ACK', 'CLOSED']);
      const fin = tcp.findIndex((f) => endpoint(f, 'src') === client && Number(occurrences(f, 'tcp.flags.fin')[0]) === 1);
      const finEnd = Number(occurrences(tcp[fin], 'tcp.nxtseq')[0]);
      const lastIndex = (from: readonly DecodedFrame[], ok: (f: DecodedFrame) => boolean) => { for (let i = from.length - 1; i >= 0; i--) if (ok(from[i])) return i; return -1; };
      const lastBehind = lastIndex(tcp, (f) => endpoint(f, 'src') === server && Number(occurrences(f, 'tcp.ack')[0]) < finEnd);
      expect(lastBehind, 'a server ACK below the FIN after it').toBeGreaterThan(fin);
      for (const f of tcp.slice(fin, lastBehind + 1)) expect(f.states?.server, `frame ${f.frame}`).toBe('ESTABLISHED');
      const rcvFin = tcp.findIndex((f) => (f.transitions ?? []).some((t) => t.endpoint === 'server' && t.cause === 'rcv_fin'));
      // Received with the segment that filled the hole: the client's last before the server's ACK covering the FIN.
      const covering = tcp.findIndex((f, i) => i > fin && endpoint(f, 'src') === server && Number(occurrences(f, 'tcp.ack')[0]) >= finEnd);
      expect(tcp[rcvFin]?.frame).toBe(tcp[lastIndex(tcp.slice(0, covering), (f) => endpoint(f, 'src') === client)]?.frame);
      break;
    }
    case 'abort-hole': {
      // The client's abortive RST carries SEQ = SND.NXT, beyond the server's RCV.NXT (its 700 bytes were lost):
      // in the window but not at RCV.NXT, so the server answers with a challenge ACK and stays ESTABLISHED (RFC
      // 9293 §3.10.7.4, RFC 5961 §3.2); the client's kernel, without a socket, answers that ACK with a RST at
      // SEQ = its ACK, which closes the server.
      expect(walk('client')).toEqual(['CLOSED', 'SYN_SENT', 'ESTABLISHED', 'CLOSED']);
      expect(walk('server')).toEqual(['LISTEN', 'SYN_RECEIVED', 'ESTABLISHED', 'CLOSED']);
      const rsts = tcp.filter((f) => Number(occurrences(f, 'tcp.flags.reset')[0]) === 1);
      expect(rsts.length).toBe(2);
      const challenge = tcp.find((f) => f.frame > rsts[0].frame && endpoint(f, 'src') === server);
      expect(Number(occurrences(challenge!, 'tcp.ack')[0])).toBe(Number(occurrences(rsts[1], 'tcp.seq')[0]));
      for (const f of tcp) if (f.frame < rsts[1].frame && f.frame >= rsts[0].frame) expect(f.states?.server, `frame ${f.frame}`).toBe('ESTABLISHED');
      expect(rsts[1].transitions?.map((t) => `${t.endpoint}:${t.from}>${t.to}`)).toEqual(['server:ESTABLISHED>CLOSED']);
      break;
    }
    case 'simultaneous-close':
      // The kernel had both in TIME-WAIT: each went through CLOSING, never CLOSE_WAIT.
      for (const who of ['client', 'server'] as const) expect(walk(who).slice(-3), who).toEqual(['FIN_WAIT_1', 'CLOSING', 'TIME_WAIT']);
      break;
    case 'simultaneous-open': {
      // Nobody listened: both sent a SYN without ACK (CLOSED → SYN_SENT). An end that got its peer's SYN while
      // in SYN_SENT went to SYN_RECEIVED and answered with a SYN-ACK (the simultaneous-open edge). A veth pair
      // may deliver an end's SYN-ACK before its own earlier SYN (the two leave from different CPUs' queues): the
      // peer then took the SYN-ACK in SYN_SENT, went straight to ESTABLISHED and answered with a plain ACK.
      // So which path each end took is read off the wire, from its own segments, not assumed.
      const sent = (who: 'client' | 'server') => tcp.filter((f) => endpoint(f, 'src') === (who === 'client' ? client : server));
      const flag = (f: DecodedFrame, name: string) => Number(occurrences(f, `tcp.flags.${name}`)[0]) === 1;
      let through = 0;
      for (const who of ['client', 'server'] as const) {
        expect(sent(who).some((f) => flag(f, 'syn') && !flag(f, 'ack')), `${who} sent a SYN of its own`).toBe(true);
        const answered = sent(who).some((f) => flag(f, 'syn') && flag(f, 'ack'));
        if (answered) through++;
        expect(walk(who).slice(0, answered ? 4 : 3), who).toEqual(answered ? ['CLOSED', 'SYN_SENT', 'SYN_RECEIVED', 'ESTABLISHED'] : ['CLOSED', 'SYN_SENT', 'ESTABLISHED']);
      }
      expect(through, 'at least one end answered a SYN in SYN_SENT').toBeGreaterThanOrEqual(1);
      break;
    }
    // Real Linux stacks in two namespaces (record-tcp5.sh, tcp5-live.py), loss from nftables.
    case 'real-synack-lost':
    case 'real-fin-lost':
    case 'real-backlog-full':
      // A lost SYN-ACK: the client retransmits its SYN from SYN_SENT (ss: SYN-SENT while it waits), and the
      // server's SYN-ACK retransmitted across the client's ACK was sent from SYN_RECEIVED. Lost FINs: each
      // retransmitted from FIN_WAIT_1 and LAST_ACK (ss at the pauses). A full accept queue: the client's ACKs
      // dropped, the server retransmits its SYN-ACK from SYN_RECEIVED (ss: SYN-RECV) until one is taken.
      expect(walk('client')).toEqual(['CLOSED', 'SYN_SENT', 'ESTABLISHED', 'FIN_WAIT_1', 'FIN_WAIT_2', 'TIME_WAIT']);
      expect(walk('server')).toEqual(['LISTEN', 'SYN_RECEIVED', 'ESTABLISHED', 'CLOSE_WAIT', 'LAST_ACK', 'CLOSED']);
      break;
    case 'real-keepalive-dead': {
      // The client's kernel gave up after unanswered keep-alives and reset the connection; the reset was lost on
      // its way in (ss: the server still ESTAB), and the server's own abortive RST later closed it.
      expect(walk('client')).toEqual(['CLOSED', 'SYN_SENT', 'ESTABLISHED', 'CLOSED']);
      expect(walk('server')).toEqual(['LISTEN', 'SYN_RECEIVED', 'ESTABLISHED', 'CLOSED']);
      const closes = tcp.flatMap((f) => f.transitions ?? []).filter((t) => t.to === 'CLOSED').map((t) => `${t.endpoint}:${t.cause}`);
      expect(closes).toEqual(['client:snd_rst', 'server:snd_rst']);
      break;
    }
    case 'real-linger-halfclose':
      // Data after the client's FIN (the server in CLOSE_WAIT), then the client's abortive close: RST.
      expect(walk('client')).toEqual(['CLOSED', 'SYN_SENT', 'ESTABLISHED', 'FIN_WAIT_1', 'FIN_WAIT_2', 'CLOSED']);
      expect(walk('server')).toEqual(['LISTEN', 'SYN_RECEIVED', 'ESTABLISHED', 'CLOSE_WAIT', 'CLOSED']);
      break;
    default:
      throw new Error(`unknown scenario ${rec.scenario}`);
  }
}
