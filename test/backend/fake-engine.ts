// Stand-ins for the engine's dissector, TCP tracker and state tracker, for back-end tests that must
// not depend on how far the real ones are. The tracker fills every optional TcpAnalysis field (with
// awkward values too) so the store's compact records are exercised in full.
import type { DissectResult } from '../../main/engine/dissect/index';
import type { Session } from '../../main/engine/session';
import type {
  EndpointStates, Field, Layer, RawFrame, TcpAnalysis, TcpAnalysisFlag, TcpSegment, Transition,
} from '../../main/engine/types';
import { defineField } from '../../main/engine/fields/registry';
import { ipv4, ipv6 } from '../../main/engine/fields/format';

export const FIELDS = {
  ipSrc: defineField('ip.src', 'Source Address', 'ipv4'),
  ipDst: defineField('ip.dst', 'Destination Address', 'ipv4'),
  v6Src: defineField('ipv6.src', 'Source Address', 'ipv6'),
  v6Dst: defineField('ipv6.dst', 'Destination Address', 'ipv6'),
  srcport: defineField('tcp.srcport', 'Source Port', 'uint'),
  dstport: defineField('tcp.dstport', 'Destination Port', 'uint'),
  stream: defineField('tcp.stream', 'Stream index', 'uint'),
  seq: defineField('tcp.seq', 'Sequence Number', 'uint'),
  len: defineField('tcp.len', 'TCP Segment Len', 'uint'),
  syn: defineField('tcp.flags.syn', 'Syn', 'bool'),
  fin: defineField('tcp.flags.fin', 'Fin', 'bool'),
  retrans: defineField('tcp.analysis.retransmission', 'Retransmission', 'none'),
  opcode: defineField('arp.opcode', 'Opcode', 'uint'),
};
const field = (name: string, value: Field['value'], offset: number, length: number): Field => ({ name, value, display: `${name}: ${value}`, offset, length, children: [] });

/** The store's fast path writes what the real dissectors give, not what this stand-in gives: off. */
export const storeFastPath = false;

export function dissectFrame(raw: RawFrame, frameNumber: number, session: Session): DissectResult {
  const d = raw.data;
  const v = new DataView(d.buffer, d.byteOffset, d.byteLength);
  const layers: Layer[] = [{ protocol: 'frame', title: `Frame ${frameNumber}`, osi: 1, tcpip: 1, offset: 0, length: d.length, fields: [field('frame.number', frameNumber, 0, 0)] }];
  const out: DissectResult = { layers, info: '', src: '', dst: '', protocol: 'Ethernet', malformed: false, expert: [], tcp: null, stream: null, tapped: false, tcpOnly: null, sources: [], tape: null };
  if (raw.linktype !== 1 || d.length < 14) { out.malformed = true; return out; }
  const type = v.getUint16(12);
  layers.push({ protocol: 'eth', title: 'Ethernet II', osi: 2, tcpip: 2, offset: 0, length: 14, fields: [] });
  if (type === 0x0806) {
    layers.push({ protocol: 'arp', title: 'ARP', osi: 3, tcpip: 3, offset: 14, length: 28, fields: [field('arp.opcode', v.getUint16(20), 20, 2)] });
    return { ...out, protocol: 'ARP', info: 'Who has 0.0.0.0?', src: '00:00:00:00:00:00', dst: 'Broadcast' };
  }
  let off = 14, src: string, dst: string, tcpLen: number;
  if (type === 0x0800) {
    src = ipv4(d, off + 12); dst = ipv4(d, off + 16);
    const hl = (d[off] & 15) * 4;
    tcpLen = v.getUint16(off + 2) - hl;
    layers.push({ protocol: 'ip', title: 'IPv4', osi: 3, tcpip: 3, offset: off, length: hl, fields: [field('ip.src', src, off + 12, 4), field('ip.dst', dst, off + 16, 4)] });
    off += hl;
  } else {
    src = ipv6(d, off + 8); dst = ipv6(d, off + 24);
    tcpLen = v.getUint16(off + 4);
    layers.push({ protocol: 'ipv6', title: 'IPv6', osi: 3, tcpip: 3, offset: off, length: 40, fields: [field('ipv6.src', src, off + 8, 16), field('ipv6.dst', dst, off + 24, 16)] });
    off += 40;
  }
  const hdr = (d[off + 12] >> 4) * 4;
  const flags = v.getUint16(off + 12) & 0x1ff;
  const seg: TcpSegment = {
    frame: frameNumber, time: (raw.tsSec - (session.t0?.sec ?? 0)) + (raw.tsNsec - (session.t0?.nsec ?? 0)) / 1e9,
    src, dst, srcPort: v.getUint16(off), dstPort: v.getUint16(off + 2), seq: v.getUint32(off + 4), ack: v.getUint32(off + 8),
    flags, window: v.getUint16(off + 14), len: tcpLen - hdr, urgentPointer: 0,
  };
  const a = session.tcp.analyze(seg);
  const fields = [
    field('tcp.srcport', seg.srcPort, off, 2), field('tcp.dstport', seg.dstPort, off + 2, 2), field('tcp.stream', a.stream, off, 0),
    field('tcp.seq', a.seq, off + 4, 4), field('tcp.len', seg.len, off, 0), field('tcp.flags.syn', flags & 2 ? 1 : 0, off + 13, 1),
    field('tcp.flags.fin', flags & 1 ? 1 : 0, off + 13, 1),
  ];
  if (a.flags.includes('retransmission')) fields.push(field('tcp.analysis.retransmission', '', 0, 0));
  layers.push({ protocol: 'tcp', title: 'TCP', osi: 4, tcpip: 4, offset: off, length: hdr, fields });
  const names = ['FIN', 'SYN', 'RST', 'PSH', 'ACK'].filter((_, b) => flags & (1 << b)).join(', ');
  const info = `${a.infoPrefix}${seg.srcPort} → ${seg.dstPort} [${names}] Seq=${a.seq}${flags & 0x10 ? ` Ack=${a.ack}` : ''} Win=${a.windowSize} Len=${seg.len}`;
  return { ...out, protocol: 'TCP', info, src, dst, expert: a.expert, tcp: { segment: seg, analysis: a }, stream: a.stream, tapped: true, tcpOnly: null };
}

const ALL_FLAGS: TcpAnalysisFlag[] = ['retransmission', 'duplicate_ack', 'window_update', 'keep_alive', 'zero_window', 'reused_ports'];

interface Conv { stream: number; a: string; base: [number, number]; first: number; last: number; frames: number; irtt?: number; lastFrame: [number, number] | null }

/** Fills every field of TcpAnalysis, deterministically from the segment. */
export class TcpTracker {
  private readonly convs = new Map<string, Conv>();
  private next = 0;
  analyze(seg: TcpSegment): TcpAnalysis {
    const a = `${seg.src}:${seg.srcPort}`, b = `${seg.dst}:${seg.dstPort}`;
    const key = a < b ? `${a}|${b}` : `${b}|${a}`;
    let c = this.convs.get(key);
    if (!c) {
      c = { stream: this.next++, a, base: [-1, -1], first: seg.time, last: seg.time, frames: 0, lastFrame: null };
      this.convs.set(key, c);
    }
    const dir: 0 | 1 = a === c.a ? 0 : 1;
    if (c.base[dir] < 0) c.base[dir] = seg.seq;
    if (c.base[1 - dir] < 0 && seg.flags & 0x10) c.base[1 - dir] = (seg.ack - 1) >>> 0;
    const rel = (x: number, base: number) => (base < 0 ? x : (x - base) >>> 0);
    const seq = rel(seg.seq, c.base[dir]);
    const k = c.frames++;
    const sl = seg.len + (seg.flags & 2 ? 1 : 0) + (seg.flags & 1 ? 1 : 0);
    const out: TcpAnalysis = {
      stream: c.stream, direction: dir, seq, ack: rel(seg.ack, c.base[1 - dir]), nxtseq: (seq + sl) % 4294967296,
      windowSize: seg.window * (k % 3 === 0 ? 1 : 128), windowScalefactor: [-1, -2, 128, 7][k % 4],
      flags: [], timeRelative: seg.time - c.first, timeDelta: seg.time - c.last, expert: [], infoPrefix: '',
    };
    if (k === 2 && c.irtt === undefined) c.irtt = seg.time - c.first;
    if (c.irtt !== undefined) out.initialRtt = c.irtt;
    if (seg.flags & 0x10 && c.lastFrame) {
      // The conversation's frame before this one (a list of them made a long connection quadratic to load).
      const [f, t] = c.lastFrame;
      out.acksFrame = f;
      // Mostly the exact difference; sometimes a value that prediction cannot give.
      out.ackRtt = k % 7 === 5 ? 0.000123456789 : seg.time - t;
    }
    c.lastFrame = [seg.frame, seg.time];
    if (seg.len > 0) { out.bytesInFlight = seg.len * (1 + (k % 3)); out.pushBytesSent = seg.len; }
    if (k % 5 === 4) {
      out.flags = k % 10 === 4 ? [ALL_FLAGS[k % ALL_FLAGS.length]] : ['window_update', 'retransmission']; // second: out of canonical order
      out.expert = [{ severity: 'note', group: 'sequence', message: `fake note #${k}`, field: `tcp.analysis.${out.flags[0]}` }];
      out.infoPrefix = `[TCP ${out.flags[0]}] `;
      out.dupAckNum = k; out.dupAckFrame = Math.max(1, seg.frame - 1);
      out.rto = 0.2 + k / 1000; out.rtoFrame = seg.frame;
    }
    if (k === 6) out.nxtseq = 4294967295; // an unexpected nxtseq must survive too
    if (k === 8) out.timeDelta = 1e-9; // and a time_delta that is not the difference
    if (k === 9) (out as TcpAnalysis & { futureField?: unknown }).futureField = { x: [1, 'two'] };
    c.last = seg.time;
    return out;
  }
}

/** Walks both endpoints through a plausible handshake and close, with transitions (never revised). */
export class StateTracker {
  private readonly conns = new Map<number, EndpointStates>();
  readonly revisions = [] as const;
  settledBefore(): number { return Infinity; }
  openFrom(): number | null { return null; }
  onSegment(seg: TcpSegment, an: TcpAnalysis): { states: EndpointStates; transitions: Transition[] } {
    let s = this.conns.get(an.stream);
    const transitions: Transition[] = [];
    const go = (endpoint: 'client' | 'server', to: EndpointStates['client'], cause: Transition['cause'], text: string) => {
      const from = (s as EndpointStates)[endpoint];
      if (from === to) return;
      transitions.push({ endpoint, from, to, cause, text });
      s = { ...(s as EndpointStates), [endpoint]: to };
    };
    if (!s) s = { client: 'CLOSED', server: 'LISTEN' };
    const fromClient = an.direction === 0;
    if (seg.flags & 2 && !(seg.flags & 0x10)) { go('client', 'SYN_SENT', 'snd_syn', 'sent SYN'); go('server', 'SYN_RECEIVED', 'rcv_syn', 'received SYN'); }
    else if (seg.flags & 2) go('client', 'ESTABLISHED', 'rcv_syn_ack', 'received SYN+ACK');
    else if (seg.flags & 1) {
      if (fromClient) { go('client', 'FIN_WAIT_1', 'snd_fin', 'sent FIN'); go('server', 'CLOSE_WAIT', 'rcv_fin', 'received FIN'); }
      else { go('server', 'LAST_ACK', 'snd_fin', 'sent FIN'); go('client', 'TIME_WAIT', 'rcv_fin', 'received FIN'); }
    } else if (s.server === 'SYN_RECEIVED') go('server', 'ESTABLISHED', 'rcv_ack_of_syn', 'received ACK of SYN');
    else if (s.server === 'LAST_ACK') go('server', 'CLOSED', 'fin_acked', 'FIN acknowledged');
    this.conns.set(an.stream, s);
    return { states: s, transitions };
  }
}
