// Where a TCP payload goes, as tshark 4.0's decode_tcp_ports sends it: to the dissector a heuristic set
// for the conversation, to the one registered for the lower port then the higher (HTTP on 80, 8080, …;
// DNS on 53 and 5353; TLS on 443, 993, …), to the TLS then the HTTP heuristic, else to "data". TLS declines
// a payload that starts with four printable bytes (then the next port or heuristic is asked). A payload captured whole goes through
// desegmentation first (tcp-desegment.ts), so a message split over segments is dissected whole.
import type { Field, TcpAnalysis } from '../types';
import { defineField } from '../fields/registry';
import { generated } from '../fields/tree';
import { BoundsSignal, type Ctx } from './context';
import { dissectData } from './payload';
import { desegment, finEndsPdu, ONE_MORE_SEGMENT, type Deseg, type PduDissector } from './tcp-desegment';
import { dissectHttp } from './http-message';
import { claimForHttp, httpClaimed } from './http-track';
import { dissectDns } from './dns';
import { showException } from './exception';
import { dissectTls, dissectTlsClaimed, looksLikeTls, tlsDeclines } from './tls';
import { tlsClaimed } from './tls-session';
import { TLS_TCP_PORTS } from './tls-names';

const PDU_SIZE = defineField('tcp.pdu.size', 'PDU Size', 'uint');

/** TCP ports tshark 4.0 registers for HTTP and for DNS. */
const HTTP_PORTS = new Set([80, 631, 1900, 2710, 2869, 3128, 3132, 3689, 5985, 8080, 8088, 11371]);
const DNS_PORTS = new Set([53, 5353]);
const TLS_PORTS = new Set(TLS_TCP_PORTS);

/**
 * The dissector the payload [off, end) goes to by its conversation or its ports, before any heuristic is
 * tried (as decode_tcp_ports orders them): HTTP or TLS once a heuristic gave it the conversation, else the
 * lower port's, then the higher's (HTTP, DNS or TLS); null when none takes it. TLS, by conversation or by
 * port, declines text (tlsDeclines), and the next one is asked.
 */
function byPort(c: Ctx, off: number, end: number): PduDissector | null {
  const declines = () => tlsDeclines(c.d, off, c.capturedEnd(end));
  if (httpClaimed(c)) return dissectHttp;
  if (tlsClaimed(c) && !declines()) return dissectTls;
  for (const port of [Math.min(c.srcPort, c.dstPort), Math.max(c.srcPort, c.dstPort)]) {
    if (HTTP_PORTS.has(port)) return dissectHttp;
    if (DNS_PORTS.has(port)) return dnsOverTcp;
    if (TLS_PORTS.has(port) && !declines()) return dissectTls;
  }
  return null;
}

/**
 * Whether a conversation or port dissector, or TLS's heuristic (tried before those that throw on a payload
 * cut short), takes the payload [off, end): then no other heuristic is tried.
 */
export const takenByPort = (c: Ctx, off: number, end: number): boolean =>
  byPort(c, off, end) !== null || looksLikeTls(c.d, off, c.capturedEnd(end));

export function dissectTcpPayload(c: Ctx, tcpTree: Field[], a: TcpAnalysis | null, start: number, end: number, fin: boolean): void {
  c.tcpTree = tcpTree;
  c.tcpKeepAlive = a?.flags.includes('keep_alive') ?? false;
  c.tcpOutOfOrder = a?.flags.includes('out_of_order') ?? false;
  // Segments are gathered only when the payload was captured whole and the stream is analysed.
  if (a && c.avail(start, end) === end - start && c.colWritable) {
    c.canDesegment = true;
    desegment(c, tcpTree, { stream: a.stream, direction: a.direction, seq: a.seq, nxtseq: a.nxtseq, off: start, end, fin }, processPayload);
    c.canDesegment = false;
  } else {
    processPayload(c, start, end);
  }
}

/** A FIN without data that ends a PDU waiting for it: the PDU is dissected there. */
export function dissectTcpFin(c: Ctx, tcpTree: Field[], a: TcpAnalysis | null, at: number): void {
  if (!a || !c.colWritable || !finEndsPdu(c, a.stream, a.direction)) return;
  dissectTcpPayload(c, tcpTree, a, at, at, true);
}

/**
 * Whether a payload on these ports, in a conversation no protocol has claimed and with no PDU being
 * reassembled, goes to "data" (no port dissector, not HTTP by the heuristic): what the frame store's
 * fast path checks before storing a frame without dissecting it (its columns are then TCP's).
 */
export function payloadIsData(d: Uint8Array, off: number, end: number, srcPort: number, dstPort: number): boolean {
  if (HTTP_PORTS.has(srcPort) || HTTP_PORTS.has(dstPort) || DNS_PORTS.has(srcPort) || DNS_PORTS.has(dstPort)) return false;
  // (TLS on its port declines text: the payload then goes on as on any other port.)
  if ((TLS_PORTS.has(srcPort) || TLS_PORTS.has(dstPort)) && !tlsDeclines(d, off, end)) return false;
  return !looksLikeTls(d, off, end) && !looksLikeHttp(d, off, end);
}

/** process_tcp_payload: the payload's protocol by conversation, port or heuristic. */
const processPayload: PduDissector = (c, off, end) => {
  // decode_tcp_ports hands a keep-alive's payload (a garbage byte, old data) to "data" before it asks any
  // conversation, port or heuristic dissector: a top-level "Data", TCP's Info and Protocol.
  if (c.tcpKeepAlive) {
    dissectData(c, off, end);
    return null;
  }
  // Then it refuses an out-of-order segment's data, or a PDU such a segment completed, before asking anyone
  // (tcp.no_subdissector_on_error): no protocol, not even "data"; desegmentation shows what TCP did with it.
  if (c.tcpOutOfOrder) return null;
  const dissector = byPort(c, off, end);
  if (dissector) return dissector(c, off, end);
  // Heuristics in tshark's order: TLS's comes before HTTP's.
  if (looksLikeTls(c.d, off, c.capturedEnd(end))) return dissectTlsClaimed(c, off, end);
  if (looksLikeHttp(c.d, off, end)) {
    // The heuristic sets HTTP as the conversation's dissector from this frame on.
    claimForHttp(c);
    return dissectHttp(c, off, end);
  }
  dissectData(c, off, end);
  return null;
};

/** packet-http.c's TCP heuristic: the first complete line starts or ends with "HTTP/1." (any case). */
function looksLikeHttp(d: Uint8Array, off: number, end: number): boolean {
  // The first line end: an LF, or a CR before it that is not the last byte. Scanned within the payload
  // only (the store's fast path passes the reader's whole buffer, where a native search ran on past it).
  let lf = -1, cr = -1;
  for (let i = firstCrOrLf(d, off, end); i < end; i++) {
    const b = d[i];
    if (b === 0x0a) { lf = i; break; }
    if (b === 0x0d && cr < 0) cr = i;
  }
  if (cr >= end - 1) cr = -1;
  const len = cr >= 0 ? cr - off : lf >= 0 ? lf - off : -1;
  if (len < 0 || len === 8) return false;
  // Wireshark reads a negative offset from the end of the data (a line shorter than 8 bytes).
  const tail = len >= 8 ? off + len - 8 : end + len - 8;
  return httpVersionAt(d, tail, off, end) || httpVersionAt(d, off, off, end);
}

/** The last buffer seen by firstCrOrLf, as 32-bit words. */
let wordsBuffer: ArrayBufferLike | null = null;
let words: Int32Array<ArrayBufferLike> = new Int32Array(0);
const LF4 = 0x0a0a0a0a, CR4 = 0x0d0d0d0d, ONES = 0x01010101, HIGHS = 0x80808080 | 0;

/**
 * The first index in [off, end) holding an LF or a CR (end if none). A long payload is scanned four bytes
 * at a time (a word holds a byte b when (x ^ bbbb) has a zero byte: (v − 0x01010101) & ~v & 0x80808080);
 * the byte that matched is then found one by one. A bulk payload has no line end at all, and was read
 * byte by byte to its end in every frame: most of the time the loading pipeline's reading thread spent.
 */
function firstCrOrLf(d: Uint8Array, off: number, end: number): number {
  let i = off;
  if (end - off >= 64) {
    const base = d.byteOffset;
    for (; (base + i) & 3; i++) if (d[i] === 0x0a || d[i] === 0x0d) return i;
    if (wordsBuffer !== d.buffer) {
      wordsBuffer = d.buffer;
      words = new Int32Array(d.buffer, 0, d.buffer.byteLength >> 2);
    }
    const last = (base + end) >> 2;
    let w = (base + i) >> 2;
    for (; w < last; w++) {
      const x = words[w]!;
      const a = x ^ LF4, c = x ^ CR4;
      if ((((a - ONES) & ~a) | ((c - ONES) & ~c)) & HIGHS) break;
    }
    i = (w << 2) - base;
  }
  for (; i < end; i++) if (d[i] === 0x0a || d[i] === 0x0d) return i;
  return end;
}

const HTTP_1 = [0x48, 0x54, 0x54, 0x50, 0x2f, 0x31, 0x2e]; // "HTTP/1."

/** Whether "HTTP/1." (letters in any case) is at pos, inside [off, end). */
function httpVersionAt(d: Uint8Array, pos: number, off: number, end: number): boolean {
  if (pos < off || pos + HTTP_1.length > end) return false;
  for (let i = 0; i < HTTP_1.length; i++) {
    const b = d[pos + i]!, want = HTTP_1[i]!;
    if (b !== want && !(want >= 0x41 && want <= 0x5a && b === want + 0x20)) return false;
  }
  return true;
}

/** tcp_dissect_pdus for DNS: each message after its 2-byte length, "[PDU Size: n]" in the TCP tree. */
function dnsOverTcp(c: Ctx, off: number, end: number): Deseg | null {
  let p = off;
  let again = false;
  while (end - p > 0) {
    const avail = c.avail(p, end);
    if (c.canDesegment && avail < 2) return { offset: p - off, len: ONE_MORE_SEGMENT };
    c.need(p, 2, end);
    const plen = c.v.getUint16(p) + 2;
    if (c.canDesegment && avail < plen) return { offset: p - off, len: plen - avail };
    if (c.tcpTree) generated(c.tcpTree, PDU_SIZE.name, plen, `PDU Size: ${plen}`, p, plen);
    const saved = { current: c.current, osi: c.curOsi, tcpip: c.curTcpip };
    try {
      dissectDns(c, p, p + plen, { kind: 'dns', tcp: true, again });
    } catch (e) {
      // A malformed message is shown there and the next message is dissected all the same; bytes not
      // captured end the segment's dissection (tcp_dissect_pdus rethrows a BoundsError: "DNS truncated").
      if (!(e instanceof BoundsSignal) || !e.malformed) throw e;
      showException(c, e);
    }
    c.current = saved.current;
    c.curOsi = saved.osi;
    c.curTcpip = saved.tcpip;
    again = true;
    p += plen;
  }
  return null;
}
