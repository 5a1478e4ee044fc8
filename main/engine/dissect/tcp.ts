// TCP (RFC 9293) as Wireshark 4.0's dissector shows it: ports, stream, relative and raw numbers,
// flags, scaled window, options, per-stream times, the SEQ/ACK analysis, and the Info column
// ("42926 → 12345 [SYN] Seq=0 Win=65495 Len=0 MSS=65495 …"). Inside an ICMP error only the quoted
// header is shown: it creates no stream and feeds no analysis or state.
import type { Field, TcpAnalysis, TcpSegment } from '../types';
import { TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN, TCP_URG } from '../types';
import { defineField } from '../fields/registry';
import { bitsDisplay, generated, hidden, leaf, unwanted, unwantedUnder } from '../fields/tree';
import { asciiText, asciiValue, hex } from '../fields/format';
import type { Ctx } from './context';
import { expert, defineExpert } from './expert';
import { captureTime } from '../session';
import { secondsString } from './frame';
import { dissectTcpOptions, parseOptionFacts } from './tcp-options';
import { analysisTree } from './tcp-analysis-tree';
import { mptcpAnalysisTree } from './tcp-mptcp';
import { dissectTcpFin, dissectTcpPayload, takenByPort } from './tcp-payload';
import { retransmittedData, retransmittedPduStart } from './tcp-desegment';
import { VIEW_ACE } from '../tcp/tracker';

const F = {
  srcport: defineField('tcp.srcport', 'Source Port', 'uint'),
  dstport: defineField('tcp.dstport', 'Destination Port', 'uint'),
  stream: defineField('tcp.stream', 'Stream index', 'uint'),
  completeness: defineField('tcp.completeness', 'Conversation completeness', 'uint'),
  len: defineField('tcp.len', 'TCP Segment Len', 'uint'),
  seq: defineField('tcp.seq', 'Sequence Number', 'uint'),
  seqRaw: defineField('tcp.seq_raw', 'Sequence Number (raw)', 'uint'),
  nxtseq: defineField('tcp.nxtseq', 'Next Sequence Number', 'uint'),
  ack: defineField('tcp.ack', 'Acknowledgment Number', 'uint'),
  ackRaw: defineField('tcp.ack_raw', 'Acknowledgment number (raw)', 'uint'),
  hdrLen: defineField('tcp.hdr_len', 'Header Length', 'uint'),
  flags: defineField('tcp.flags', 'Flags', 'hex', { digits: 4 }),
  res: defineField('tcp.flags.res', 'Reserved', 'bool'),
  ae: defineField('tcp.flags.ae', 'Accurate ECN', 'bool'),
  cwr: defineField('tcp.flags.cwr', 'Congestion Window Reduced', 'bool'),
  ece: defineField('tcp.flags.ece', 'ECN-Echo', 'bool'),
  urg: defineField('tcp.flags.urg', 'Urgent', 'bool'),
  ackFlag: defineField('tcp.flags.ack', 'Acknowledgment', 'bool'),
  push: defineField('tcp.flags.push', 'Push', 'bool'),
  reset: defineField('tcp.flags.reset', 'Reset', 'bool'),
  syn: defineField('tcp.flags.syn', 'Syn', 'bool'),
  fin: defineField('tcp.flags.fin', 'Fin', 'bool'),
  ace: defineField('tcp.flags.ace', 'ACE', 'uint'),
  str: defineField('tcp.flags.str', 'TCP Flags', 'string'),
  win: defineField('tcp.window_size_value', 'Window', 'uint'),
  winSize: defineField('tcp.window_size', 'Calculated window size', 'uint'),
  scale: defineField('tcp.window_size_scalefactor', 'Window size scaling factor', 'int'),
  checksum: defineField('tcp.checksum', 'Checksum', 'hex', { digits: 4 }),
  checksumStatus: defineField('tcp.checksum.status', 'Checksum Status', 'uint'),
  urgent: defineField('tcp.urgent_pointer', 'Urgent Pointer', 'uint'),
  timeRel: defineField('tcp.time_relative', 'Time since first frame in this TCP stream', 'time'),
  timeDelta: defineField('tcp.time_delta', 'Time since previous frame in this TCP stream', 'time'),
  payload: defineField('tcp.payload', 'TCP payload', 'bytes'),
  resetCause: defineField('tcp.reset_cause', 'Reset cause', 'string'),
};
defineField('_ws.string', 'String', 'protocol');
defineField('tcp', 'Transmission Control Protocol', 'protocol');
defineField('tcp.port', 'Source or Destination Port', 'uint');
const E = {
  syn: defineExpert('tcp.connection.syn', 'Connection establish request (SYN)'),
  synack: defineExpert('tcp.connection.synack', 'Connection establish acknowledge (SYN+ACK)'),
  tfoAck: defineExpert('tcp.analysis.tfo_ack', 'TCP SYN-ACK accepting TFO data'),
  fin: defineExpert('tcp.connection.fin', 'Connection finish (FIN)'),
  finActive: defineExpert('tcp.connection.fin_active', 'Connection finish (FIN) initiated'),
  finPassive: defineExpert('tcp.connection.fin_passive', 'Connection finish (FIN) undergone'),
  rst: defineExpert('tcp.connection.rst', 'Connection reset (RST)'),
  ackNonzero: defineExpert('tcp.ack.nonzero', 'The acknowledgment number field is nonzero while the ACK flag is not set'),
  urgNonzero: defineExpert('tcp.urgent_pointer.non_zero', 'The urgent pointer field is nonzero while the URG flag is not set'),
  bogusHdr: defineExpert('tcp.bogus_header_length', 'Bogus TCP header length'),
  short: defineExpert('tcp.short_segment', 'Short segment'),
  stray: defineExpert('_ws.string.trailing_stray_characters', 'Trailing stray characters'),
};

/** Flag names from the lowest bit up, as Wireshark's tcp_flags_to_str. */
const FLAG_NAMES = ['FIN', 'SYN', 'RST', 'PSH', 'ACK', 'URG', 'ECE', 'CWR', 'AE'];
const FLAG_LETTERS = 'FSRPAUECA';

/**
 * "SYN, ACK": the flags' names. `ace`: the connection uses Accurate ECN, whose three ECN bits are one
 * counter (ACE), named with its value after the other flags ("ACK, ACE=2"), always after a comma, as
 * tshark 4.0 writes it (", ACE=0" without other flags).
 */
function flagsText(flags: number, ace: boolean): string {
  const names: string[] = [];
  for (let i = 0; i < (ace ? 6 : FLAG_NAMES.length); i++) if (flags & (1 << i)) names.push(FLAG_NAMES[i]);
  let s = names.join(', ');
  if (ace) s += `, ACE=${aceOf(flags)}`;
  if (flags & 0xe00) s += s ? ', Reserved' : 'Reserved';
  return s || '<None>';
}

/** "·······AP···"; with Accurate ECN the ACE counter's value stands between dashes ("···-2-·A····"). */
function flagsLetters(flags: number, ace: boolean): string {
  let s = '';
  for (let i = 11; i >= 0; i--) {
    if (ace && i <= 8 && i >= 6) {
      s += i === 7 ? String(aceOf(flags)) : '-';
      continue;
    }
    s += flags & (1 << i) ? (i >= 9 ? 'R' : FLAG_LETTERS[i]) : '\u00b7';
  }
  return s;
}

/** The ACE counter: the AE, CWR and ECE bits read as one number. */
function aceOf(flags: number): number {
  return (flags >> 6) & 7;
}

/**
 * tcp.completeness as Wireshark 4.0 labels it (conversation_completeness_fill): a name for the
 * combinations a regular start produces, and the bare number for any other.
 */
function completenessText(v: number): string {
  return `${COMPLETENESS[v] ?? 'Incomplete'} (${v})`;
}

/** Bits: 1 SYN sent, 2 SYN-ACK sent, 4 ACK sent, 8 data, 16 FIN, 32 RST. */
const COMPLETENESS: Readonly<Record<number, string>> = {
  1: 'Incomplete, SYN_SENT',
  3: 'Incomplete, CLIENT_ESTABLISHED',
  7: 'Incomplete, ESTABLISHED',
  15: 'Incomplete, DATA',
  31: 'Complete, WITH_DATA',
  47: 'Complete, WITH_DATA',
  63: 'Complete, WITH_DATA',
  23: 'Complete, NO_DATA',
  39: 'Complete, NO_DATA',
  55: 'Complete, NO_DATA',
};


function bit(t: Field[], name: string, flags: number, mask: number, label: string, off: number, len: number): Field {
  const on = (flags & mask) !== 0;
  return leaf(t, name, on ? 1 : 0, bitsDisplay(flags, mask, 12, label, on ? 'Set' : 'Not set'), off, len);
}

export function dissectTcp(c: Ctx, off: number, end: number): void {
  const quoted = !c.colWritable;
  // A quote that ends before the ports shows no TCP at all: Wireshark reads them before its item, and
  // running past a quote's end is no fault in an error packet.
  if (quoted && end - off < 4) return;
  // Wireshark reads both ports before it adds the TCP item and names the Protocol column: a header cut
  // before them shows only the exception (the column keeps the network protocol).
  const h = c.openAfter(4, end, 'tcp', 'TCP', 'Transmission Control Protocol', 4, 4, off, 20);
  c.setProtocol('TCP');
  const d = c.d, v = c.v, t = h.fields;
  c.need(off, 4, end);
  const sport = v.getUint16(off), dport = v.getUint16(off + 2);
  c.srcPort = sport;
  c.dstPort = dport;
  leaf(t, F.srcport.name, sport, `Source Port: ${sport}`, off, 2);
  leaf(t, F.dstport.name, dport, `Destination Port: ${dport}`, off + 2, 2);
  // Wireshark's hidden tcp.port items (both ports): tshark -e tcp.port prints them.
  if (!unwanted('tcp.port')) {
    hidden(t, 'tcp.port', sport, `Source or Destination Port: ${sport}`, off, 2);
    hidden(t, 'tcp.port', dport, `Source or Destination Port: ${dport}`, off + 2, 2);
  }
  // Collecting values only (decode --fields): the title, Info and costly texts are not made.
  const lean = c.lean;
  if (!lean) {
    h.title = `Transmission Control Protocol, Src Port: ${sport}, Dst Port: ${dport}`;
    c.setInfo(`${sport} \u2192 ${dport}`);
  }
  if (quoted) {
    quotedHeader(c, h, t, off, end);
    return;
  }
  c.need(off + 4, 12, end);
  const seqRaw = v.getUint32(off + 4), ackRaw = v.getUint32(off + 8);
  const hlen = (d[off + 12] >> 4) * 4;
  const flags = v.getUint16(off + 12) & 0x0fff;
  const window = v.getUint16(off + 14);
  const reported = end - off;
  const haveLen = reported >= hlen;
  const seglen = haveLen ? reported - hlen : 0;
  const seg: TcpSegment = {
    frame: c.number, time: captureTime(c.session, c.raw), src: c.netSrc, dst: c.netDst, srcPort: sport, dstPort: dport,
    seq: seqRaw, ack: ackRaw, flags, window, len: seglen, urgentPointer: 0,
  };
  if (c.cap >= off + 20) seg.urgentPointer = v.getUint16(off + 18);
  if (hlen > 20) {
    const optEnd = Math.min(off + hlen, c.cap, end);
    if (optEnd > off + 20) parseOptionFacts(d, off + 20, optEnd - off - 20, seg);
  }

  const tracker = c.session.tcp;
  // Wireshark analyses only segments with a sane header whose length it knows.
  const analysis = haveLen && hlen >= 20 ? tracker.analyze(seg) : null;
  const only = analysis ? null : tracker.streamOnly(seg);
  if (only) c.tcpOnly = only;
  const view = analysis?.view ?? 0;
  const ace = analysis ? (view & VIEW_ACE) !== 0 : only?.ace ?? false;
  const x = { completeness: analysis ? view & 63 : only?.completeness ?? 0, hasAnalysis: (view & 64) !== 0, finActive: (view & 128) !== 0, peerBase: analysis?.peerBase ?? null };
  const stream = analysis ? analysis.stream : only?.stream ?? 0;
  const times = analysis ?? only;
  c.tcpStream = stream;
  generated(t, F.stream.name, stream, `Stream index: ${stream}`, off, 0);
  generated(t, F.completeness.name, x.completeness, lean ? '' : `Conversation completeness: ${completenessText(x.completeness)}`, off, 0);
  if (haveLen) generated(t, F.len.name, seglen, `TCP Segment Len: ${seglen}`, off + 12, 1);
  else {
    const msg = 'Short segment. Segment/fragment does not contain a full TCP header (might be NMAP or someone else deliberately sending unusual packets)';
    const si = leaf(t, '', null, msg, off, 0);
    expert(c, si.children, off, 'warning', 'malformed', msg, E.short);
  }
  const seq = analysis ? analysis.seq : seqRaw;
  const ack = analysis ? analysis.ack : ackRaw;
  const win = analysis ? analysis.windowSize : window;
  let info = lean ? '' : ` [${flagsText(flags, ace)}] Seq=${seq}`;
  if (flags & TCP_ACK) info += ` Ack=${ack}`;
  info += ` Win=${win}`;
  if (!lean) h.title += `, Seq: ${seq}`;
  leaf(t, F.seq.name, seq, `Sequence Number: ${seq}    (relative sequence number)`, off + 4, 4);
  leaf(t, F.seqRaw.name, seqRaw, `Sequence Number (raw): ${seqRaw}`, off + 4, 4);

  if (hlen < 20) {
    c.appendInfo(`${info}, bogus TCP header length (${hlen}, must be at least 20)`);
    const hi = leaf(t, F.hdrLen.name, hlen, bitsDisplay(d[off + 12], 0xf0, 8, 'Header Length', `${hlen} bytes (${hlen >> 2})`), off + 12, 1);
    expert(c, hi.children, off + 12, 'error', 'protocol', `Bogus TCP header length (${hlen}, must be at least 20)`, E.bogusHdr);
    h.length = 13;
    publish(c, seg, analysis);
    return;
  }
  if (!lean) {
    if (flags & TCP_ACK) h.title += `, Ack: ${ack}`;
    if (haveLen) h.title += `, Len: ${seglen}`;
  }
  h.length = hlen;
  if (analysis) {
    generated(t, F.nxtseq.name, analysis.nxtseq, `Next Sequence Number: ${analysis.nxtseq}    (relative sequence number)`, off, 0);
  }
  const ai = leaf(t, F.ack.name, ack, `Acknowledgment Number: ${ack}${flags & TCP_ACK ? '    (relative ack number)' : ''}`, off + 8, 4);
  if (!(flags & TCP_ACK) && ackRaw !== 0) expert(c, ai.children, off + 8, 'note', 'protocol', 'The acknowledgment number field is nonzero while the ACK flag is not set', E.ackNonzero);
  // A SYN-ACK acknowledging more than the SYN took data sent with the SYN (TCP Fast Open), as Wireshark reads it.
  if ((flags & (TCP_SYN | TCP_ACK)) === (TCP_SYN | TCP_ACK) && ack > 1) expert(c, ai.children, off + 8, 'note', 'sequence', 'TCP SYN-ACK accepting TFO data', E.tfoAck);
  leaf(t, F.ackRaw.name, ackRaw, `Acknowledgment number (raw): ${ackRaw}`, off + 8, 4);
  leaf(t, F.hdrLen.name, hlen, bitsDisplay(d[off + 12], 0xf0, 8, 'Header Length', `${hlen} bytes (${hlen >> 2})`), off + 12, 1);
  flagsTree(c, t, flags, ace, off, sport, dport, x.finActive);
  leaf(t, F.win.name, window, `Window: ${window}`, off + 14, 2);
  generated(t, F.winSize.name, win, `Calculated window size: ${win}`, off + 14, 2);
  const scaled = analysis ?? only;
  if (scaled && !(flags & TCP_SYN)) {
    const sf = scaled.windowScalefactor;
    const shown = sf === -1 ? '-1 (unknown)' : sf === -2 ? '-2 (no window scaling used)' : String(sf);
    generated(t, F.scale.name, sf, `Window size scaling factor: ${shown}`, off + 14, 2);
  }
  // Info has flags, numbers and window before the checksum is read: a header cut there still shows them.
  c.appendInfo(info);
  info = '';
  // Publish the facts before anything below can run out of bytes: tracking already happened (a header the
  // snap length cut was still sent whole, and a re-dissection must find this frame's analysis).
  publish(c, seg, analysis);
  c.need(off + 16, 2, end);
  const sum = v.getUint16(off + 16);
  leaf(t, F.checksum.name, hex(sum, 4), `Checksum: ${hex(sum, 4)} [unverified]`, off + 16, 2);
  generated(t, F.checksumStatus.name, 2, 'Checksum Status: Unverified', off + 16, 0);
  c.need(off + 18, 2, end);
  const urg = v.getUint16(off + 18);
  const ui = leaf(t, F.urgent.name, urg, `Urgent Pointer: ${urg}`, off + 18, 2);
  if (!(flags & TCP_URG) && urg !== 0) expert(c, ui.children, off + 18, 'note', 'protocol', 'The urgent pointer field is nonzero while the URG flag is not set', E.urgNonzero);
  if (flags & TCP_URG) info += ` Urg=${urg}`;
  if (haveLen) info += ` Len=${seglen}`;
  c.appendInfo(info);
  const timestamps = (): void => {
    if (!times || unwantedUnder('tcp.time_')) return;
    const ts = generated(t, '', null, 'Timestamps', off, 0);
    const rel = secondsString(times.timeRelative), del = secondsString(times.timeDelta);
    generated(ts.children, F.timeRel.name, rel, `Time since first frame in this TCP stream: ${rel} seconds`, off, 0);
    generated(ts.children, F.timeDelta.name, del, `Time since previous frame in this TCP stream: ${del} seconds`, off, 0);
  };
  const mptcp = { flow: analysis ? { stream: analysis.stream, direction: analysis.direction } : null, seen: false };
  if (hlen > 20) {
    try {
      dissectTcpOptions(c, t, off + 20, hlen - 20, seg, x.peerBase, end, mptcp);
    } catch (e) {
      // Options cut by the capture: Wireshark has already shown the stream times; nothing after.
      timestamps();
      throw e;
    }
  }
  if (analysis) tracker.finish(seg);
  c.tcpTapped = analysis !== null;
  timestamps();
  // The analysis is printed (flags, expert items, Info prefix) only once the options were read.
  if (analysis && x.hasAnalysis) analysisTree(c, t, analysis, off);
  // A segment with an MPTCP option shows its connection (tshark's mptcp_add_analysis_subtree).
  if (mptcp.seen) mptcpAnalysisTree(c, t, off, mptcp.flow);
  // Prepended behind a fence: HTTP's "Continuation" or status line replaces what follows it, not the prefix.
  if (analysis?.infoPrefix) c.prependInfoFence(analysis.infoPrefix);
  const start = off + hlen;
  const n = seglen > 0 ? c.avail(start, end) : 0;
  // A payload the capture cut off entirely shows nothing at all, as in tshark.
  if (n > 0 && flags & TCP_RST) {
    // RFC 1122 4.2.2.12: a RST may carry text explaining it. Wireshark shows it as that text and hands
    // the bytes to no protocol (no payload item, no Data layer), retransmitted or not.
    resetCause(c, t, start, n);
  } else if (n > 0) {
    leaf(t, F.payload.name, unwanted(F.payload.name) ? null : c.hex(start, n), `TCP payload (${seglen} byte${seglen === 1 ? '' : 's'})`, start, n);
    const a = analysis;
    if (a && resent(a) && n === seglen && c.colWritable &&
      retransmittedPduStart(c, t, { stream: a.stream, direction: a.direction, seq: a.seq, nxtseq: a.nxtseq, off: start, end, fin: false })) {
      // Resent where a PDU started: desegment_tcp says so before it looks at the analysis.
    } else if (!resent(analysis)) {
      // (Heuristics are tried only on a payload no conversation or port dissector takes, and never on an
      // out-of-order one: decode_tcp_ports refuses it before.)
      if (n < seglen && !outOfOrder(analysis) && !takenByPort(c, start, end)) heuristicsCutShort(c, start, n, seglen, end);
      // An out-of-order segment goes through desegmentation too (it may join or complete a PDU); only its
      // hand-off to a protocol is refused (dissectTcpPayload knows it by the analysis).
      dissectTcpPayload(c, t, analysis, start, end, (flags & TCP_FIN) !== 0);
    } else if (plainRetransmission(analysis) && n === seglen && c.colWritable) {
      // What reassembly does with it (Wireshark's desegment_tcp, run only on a payload captured whole):
      // nothing, said in an item of its own. A cut one shows its payload item alone.
      retransmittedData(c, t, start, end);
    }
  } else if (seglen === 0 && flags & TCP_FIN) {
    dissectTcpFin(c, t, analysis, start);
  }
}

/**
 * The data of a RST as Wireshark's FT_STRING with ENC_ASCII shows it: up to the first NUL, bytes above
 * 0x7f as U+FFFD; non-zero bytes after that NUL earn proto.c's "Trailing stray characters" warning.
 */
function resetCause(c: Ctx, t: Field[], start: number, n: number): void {
  const d = c.d;
  let nul = start;
  while (nul < start + n && d[nul] !== 0) nul++;
  // The value keeps control bytes as they are (tshark -T fields prints them raw); the text escapes them.
  const it = leaf(t, F.resetCause.name, asciiValue(d, start, nul - start), `Reset cause: ${asciiText(d, start, nul - start)}`, start, n);
  let stray = false;
  for (let i = nul + 1; i < start + n && !stray; i++) stray = d[i] !== 0;
  if (stray) expert(c, it.children, start, 'warning', 'undecoded', 'Trailing stray characters', E.stray);
}

/**
 * A retransmitted segment tshark 4.0 neither desegments nor hands to a protocol (measured: a plain or a
 * spurious retransmission inside a PDU being reassembled does not join it; one where a PDU started shows
 * "Retransmitted TCP segment data"). A fast retransmission is desegmented and handed on like new data; an
 * out-of-order segment is desegmented but handed to no one (outOfOrder).
 */
function resent(a: TcpAnalysis | null): boolean {
  if (!a || a.flags.length === 0) return false;
  const f = a.flags;
  return f.includes('spurious_retransmission') || (f.includes('retransmission') && !f.includes('fast_retransmission'));
}

/** The analysis calls the segment out of order (tcp.no_subdissector_on_error then keeps its data from protocols). */
function outOfOrder(a: TcpAnalysis | null): boolean {
  return a !== null && a.flags.includes('out_of_order');
}

/**
 * tshark 4.0 tries its heuristic dissectors on every TCP payload no port dissector took, and three of
 * them read bytes before they can say no (measured against tshark): SPICE a 4-byte magic number (payloads
 * of 4 bytes or more), OpenWire its command byte at offset 4 (payloads of 10, 11, 14 or 15 bytes), RTPS a
 * magic number at offset 4 (payloads of 20 bytes or more). A payload the capture cut before those bytes
 * ends in that dissector's bounds exception ("[Packet size limited during capture: Spice truncated]").
 */
function heuristicsCutShort(c: Ctx, start: number, captured: number, reported: number, end: number): void {
  if (captured < 4 && reported >= 4) {
    c.enter('spice', 'Spice', 7, 5);
    c.need(start, 4, end);
  }
  if (captured < 5 && (reported === 10 || reported === 11 || reported === 14 || reported === 15)) {
    c.enter('openwire', 'OpenWire', 7, 5);
    c.need(start + 4, 1, end);
  }
  if (captured < 8 && reported >= 20) {
    c.enter('rtps', 'RTPS', 7, 5);
    c.need(start + 4, 4, end);
  }
}

/** A retransmission neither fast nor spurious: tshark then names the payload "Retransmitted TCP segment data". */
function plainRetransmission(a: TcpAnalysis | null): boolean {
  const f = a?.flags;
  return f !== undefined && f.includes('retransmission') && !f.includes('fast_retransmission') && !f.includes('spurious_retransmission');
}

/** Hands the segment's facts to the decoder (only for top-level TCP, never for quoted headers). */
function publish(c: Ctx, seg: TcpSegment, analysis: TcpAnalysis | null): void {
  if (analysis && !c.tcp) c.tcp = { segment: seg, analysis };
}

function flagsTree(c: Ctx, t: Field[], flags: number, ace: boolean, off: number, sport: number, dport: number, finActive: boolean): void {
  const fi = leaf(t, F.flags.name, hex(flags, 4), c.lean ? '' : `Flags: 0x${flags.toString(16).padStart(3, '0')} (${flagsText(flags, ace)})`, off + 12, 2);
  const f = fi.children;
  bit(f, F.res.name, flags, 0xe00, 'Reserved', off + 12, 1);
  if (ace) {
    // Accurate ECN: one 3-bit counter where the AE, CWR and ECE flags were.
    const n = aceOf(flags);
    leaf(f, F.ace.name, n, bitsDisplay(flags, 0x1c0, 12, 'ACE', String(n)), off + 12, 2);
  } else {
    bit(f, F.ae.name, flags, 0x100, 'Accurate ECN', off + 12, 1);
    bit(f, F.cwr.name, flags, 0x080, 'Congestion Window Reduced', off + 13, 1);
    bit(f, F.ece.name, flags, 0x040, 'ECN-Echo', off + 13, 1);
  }
  bit(f, F.urg.name, flags, 0x020, 'Urgent', off + 13, 1);
  bit(f, F.ackFlag.name, flags, 0x010, 'Acknowledgment', off + 13, 1);
  bit(f, F.push.name, flags, 0x008, 'Push', off + 13, 1);
  const rst = bit(f, F.reset.name, flags, 0x004, 'Reset', off + 13, 1);
  if (flags & TCP_RST) expert(c, rst.children, off + 13, 'warning', 'sequence', 'Connection reset (RST)', E.rst);
  const syn = bit(f, F.syn.name, flags, 0x002, 'Syn', off + 13, 1);
  if (flags & TCP_SYN) {
    if (flags & TCP_ACK) expert(c, syn.children, off + 13, 'chat', 'sequence', `Connection establish acknowledge (SYN+ACK): server port ${sport}`, E.synack);
    else expert(c, syn.children, off + 13, 'chat', 'sequence', `Connection establish request (SYN): server port ${dport}`, E.syn);
  }
  const fin = bit(f, F.fin.name, flags, 0x001, 'Fin', off + 13, 1);
  if (flags & TCP_FIN) expert(c, fin.children, off + 13, 'chat', 'sequence', 'Connection finish (FIN)', E.fin);
  const letters = unwanted(F.str.name) ? '' : flagsLetters(flags, ace);
  const s = generated(f, F.str.name, letters, `TCP Flags: ${letters}`, off + 12, 2);
  if (flags & TCP_FIN) {
    if (finActive) expert(c, s.children, off + 12, 'note', 'sequence', 'This frame initiates the connection closing', E.finActive);
    else expert(c, s.children, off + 12, 'note', 'sequence', 'This frame undergoes the connection closing', E.finPassive);
  }
}

/** A TCP header quoted inside an ICMP error: raw numbers only, no stream, no analysis. */
function quotedHeader(c: Ctx, h: { title: string; length: number }, t: Field[], off: number, end: number): void {
  const v = c.v, d = c.d;
  // Wireshark adds the sequence number early only under IPv4 in ICMP (whose errors quote 8 bytes of
  // TCP); under IPv6 it comes with the rest of the header, so a shorter quote shows the ports alone.
  if (c.netVersion === 6) c.need(off + 4, 16, end);
  c.need(off + 4, 4, end);
  const seqRaw = v.getUint32(off + 4);
  leaf(t, F.seq.name, seqRaw, `Sequence Number: ${seqRaw}`, off + 4, 4);
  h.length = c.avail(off, end) < 20 ? 8 : 20;
  // Only a whole quoted header gets its Seq in the title (tshark adds it after reading the rest).
  if (c.avail(off, end) < 20) return;
  h.title += `, Seq: ${seqRaw}`;
  const ackRaw = v.getUint32(off + 8);
  const hlen = (d[off + 12] >> 4) * 4;
  const flags = v.getUint16(off + 12) & 0x0fff;
  leaf(t, F.ack.name, ackRaw, `Acknowledgment Number: ${ackRaw}`, off + 8, 4);
  leaf(t, F.hdrLen.name, hlen, bitsDisplay(d[off + 12], 0xf0, 8, 'Header Length', `${hlen} bytes (${hlen >> 2})`), off + 12, 1);
  leaf(t, F.flags.name, hex(flags, 4), `Flags: 0x${flags.toString(16).padStart(3, '0')} (${flagsText(flags, false)})`, off + 12, 2);
  const w = v.getUint16(off + 14);
  leaf(t, F.win.name, w, `Window: ${w}`, off + 14, 2);
  const sum = v.getUint16(off + 16);
  leaf(t, F.checksum.name, hex(sum, 4), `Checksum: ${hex(sum, 4)} [unverified]`, off + 16, 2);
  leaf(t, F.urgent.name, v.getUint16(off + 18), `Urgent Pointer: ${v.getUint16(off + 18)}`, off + 18, 2);
}
