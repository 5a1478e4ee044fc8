// TCP desegmentation as tshark 4.0 does it by default (tcp.desegment_tcp_streams, packet-tcp.c's
// desegment_tcp): the protocol above TCP asks for more bytes than a segment holds; the segments are
// kept per direction until the PDU is whole, and the segment that completes it dissects the protocol
// from the reassembled bytes ("[2 Reassembled TCP Segments (1282 bytes): #6(191), #8(1091)]"). The
// segments before it show "TCP segment data" and "[TCP segment of a reassembled PDU]".
import type { Field } from '../types';
import { defineField } from '../fields/registry';
import { bytesText, leaf, unwanted, collectLate, treeless, generated } from '../fields/tree';
import { bytesHex, clipLabel } from '../fields/format';
import { ReassemblySignal, type Ctx } from './context';
import { dissectState } from './state';

/** What a protocol above TCP asks for when its PDU does not end in the data it got (Wireshark's pinfo->desegment_*). */
export interface Deseg {
  /** Bytes of the data it was given that it did dissect (the incomplete PDU starts there). */
  offset: number;
  /** Bytes it needs beyond the data (or ONE_MORE_SEGMENT). */
  len: number;
}
export const ONE_MORE_SEGMENT = -1;
/** A segment's place in its PDU (desegment's recall): past a hole, or filling the last hole before the PDU's end. */
const HOLE_BEFORE = 1, HOLE_FILLED = 2;
/** The PDU runs until the sender's FIN (an HTTP response without a length). */
export const UNTIL_FIN = -2;
/** How far ahead an until-FIN PDU reaches (Wireshark's 0x40000000). */
const FAR = 0x40000000;

/**
 * Segments a PDU may gather while the protocol above asks for "one more segment" each time, at most: each
 * such segment reassembles the whole PDU again, hands it on again and, for a stored frame, records every
 * earlier segment on its tape (fresh eyes: one connection of 10,000 one-byte segments to port 80 that never
 * end an HTTP header took 45 s and 695 MB). tshark 4.0 goes on without a limit; Handshake Lab then gives the
 * PDU up with a note, and the segments after it are dissected on their own.
 */
export const MAX_RETRIED_SEGMENTS = 128;

/** Pieces an assembly has gathered (for tests: the work a segment takes must not grow with its PDU). */
export const desegWork = { pieces: 0 };

/** A protocol above TCP: dissects [off, end) and returns what more it needs, or null when done. */
export type PduDissector = (c: Ctx, off: number, end: number) => Deseg | null;

const F = {
  segmentData: defineField('tcp.segment_data', 'TCP segment data', 'bytes'),
  segments: defineField('tcp.segments', 'Reassembled TCP Segments', 'none'),
  segment: defineField('tcp.segment', 'TCP Segment', 'uint'),
  overlap: defineField('tcp.segment.overlap', 'Segment overlap', 'bool'),
  conflict: defineField('tcp.segment.overlap.conflict', 'Conflicting data in segment overlap', 'bool'),
  error: defineField('tcp.segment.error', 'Reassembling error', 'uint'),
  count: defineField('tcp.segment.count', 'Segment count', 'uint'),
  length: defineField('tcp.reassembled.length', 'Reassembled TCP length', 'uint'),
  data: defineField('tcp.reassembled.data', 'Reassembled TCP Data', 'bytes'),
};
defineField('tcp.reassembled_in', 'Reassembled PDU in frame', 'uint');

/** A segment's bytes kept for a PDU: which frame, where in its bytes (-1: not the frame's own bytes), how many. */
interface Piece {
  frame: number;
  at: number;
  len: number;
  data: Uint8Array;
  /** Relative sequence number of its first byte. */
  seq: number;
  /** Set when the PDU is assembled: the piece overlaps bytes placed before it (1), with other data (2). */
  overlap?: number;
}

/** A PDU that spans segments (Wireshark's tcp_multisegment_pdu), by relative sequence numbers. */
interface Msp {
  seq: number;
  nxtpdu: number;
  /** The protocol asked for "one more segment": the next segment is taken whole. */
  entire: boolean;
  /** The PDU ends with the sender's FIN. */
  untilFin: boolean;
  pieces: Piece[];
  /** The frame whose segment started it (Wireshark's first_frame). */
  firstFrame: number;
  /** Reassembled and handed on: its pieces are dropped, only its place and length are kept. */
  done: boolean;
  /** The reassembled length, once done. */
  datalen: number;
  /**
   * A segment reaching the PDU's end joined it past a hole (reassemble.c then knows the PDU's length): the
   * segment that fills the last hole completes it, wherever it lies (an out-of-order or fast-retransmitted one).
   */
  tail?: boolean;
  /** contiguousEnd's answer so far: for which pieces list, over how many of its pieces, and the end. */
  contigOf?: Piece[];
  contigCount?: number;
  contigEnd?: number;
  /** The buffer its pieces' bytes are copied into (kept), all its buffers, how much of the last is used, and the bytes kept in all. */
  buf?: Uint8Array;
  bufs: Uint8Array[];
  used: number;
  bytes: number;
}

/**
 * Every multi-segment PDU of each stream direction (key: stream × 2 + direction), ordered by sequence
 * number. Wireshark keeps finished ones too (its multisegment_pdus tree): a later segment that starts
 * where one started is a retransmission of it, and one that falls inside a finished one is an error.
 */
export type MspTable = Map<number, Msp[]>;

/** The PDU starting exactly at `seq` (wmem_tree_lookup32). */
function mspAt(list: Msp[] | undefined, seq: number): Msp | undefined {
  const i = list ? firstAtOrAfter(list, seq) : -1;
  return list && i < list.length && list[i].seq === seq ? list[i] : undefined;
}

/** The PDU starting last before `seq` (wmem_tree_lookup32_le(seq - 1)). */
function mspBefore(list: Msp[] | undefined, seq: number): Msp | undefined {
  return list ? list[firstAtOrAfter(list, seq) - 1] : undefined;
}

/** The index of the first PDU starting at or after `seq` (binary search: PDUs are kept in order). */
function firstAtOrAfter(list: Msp[], seq: number): number {
  let lo = 0, hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid].seq < seq) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** pdu_store_sequencenumber_of_next_pdu: a new PDU replaces one that started at the same place. */
function storeMsp(table: MspTable, key: number, msp: Msp): void {
  let list = table.get(key);
  if (!list) table.set(key, (list = []));
  const i = firstAtOrAfter(list, msp.seq);
  list.splice(i, i < list.length && list[i].seq === msp.seq ? 1 : 0, msp);
}

/** The segment being dissected: where its payload is and its relative sequence numbers. */
export interface SegmentPayload {
  stream: number;
  direction: 0 | 1;
  seq: number;
  nxtseq: number;
  off: number;
  end: number;
  /** The segment carries a FIN (an until-FIN PDU ends here). */
  fin: boolean;
}

/** Whether a FIN of this stream direction ends a PDU waiting for it (then TCP hands on even an empty FIN). */
export function finEndsPdu(c: Ctx, stream: number, direction: number): boolean {
  return c.recall(() => (dissectState(c.session).tcpPdus.get(stream * 2 + direction)?.some((m) => m.untilFin && !m.done) ? 1 : 0)) === 1;
}

/**
 * desegment_tcp's first question: did a PDU start exactly at this sequence number, which the segment does
 * not run past, in an earlier frame? Then the segment is a retransmission of that PDU's first segment, shown
 * as "Retransmitted TCP segment data" and handed to no one, whatever the analysis called it.
 */
function pduStartSeen(c: Ctx, key: number, seq: number, nxtseq: number): boolean {
  return c.recall(() => {
    const m = mspAt(dissectState(c.session).tcpPdus.get(key), seq);
    return m && nxtseq <= m.nxtpdu && m.firstFrame !== c.number ? 1 : 0;
  }) === 1;
}

/**
 * A retransmitted or out-of-order segment (not handed on) whose payload, captured whole, starts where a PDU
 * started: "Retransmitted TCP segment data" (true), as desegment_tcp shows it before anything else.
 */
export function retransmittedPduStart(c: Ctx, tcpTree: Field[], s: SegmentPayload): boolean {
  if (!pduStartSeen(c, s.stream * 2 + s.direction, s.seq, s.nxtseq)) return false;
  retransmittedData(c, tcpTree, s.off, s.end);
  return true;
}

/**
 * Hands a segment's payload to `dissect`, desegmenting as tshark does. `tcpTree` is the TCP layer's
 * items (where "TCP segment data" goes).
 */
export function desegment(c: Ctx, tcpTree: Field[], s: SegmentPayload, dissect: PduDissector): void {
  const table = dissectState(c.session).tcpPdus;
  const key = s.stream * 2 + s.direction;
  let offset = s.off, seq = s.seq;
  const end = s.end, nxtseq = s.nxtseq;
  let firstPdu = true;
  for (;;) {
    let another = 0;
    let desegOffset = offset;
    let mustDesegment = false;
    let called = false;
    let request: Deseg | null = null;
    // A reassembled PDU ended inside this segment and another started (shown once, not as the rest's data).
    let cutPdu = false;
    if (pduStartSeen(c, key, seq, nxtseq)) {
      retransmittedData(c, tcpTree, offset, end);
      return;
    }
    // A PDU this segment continues, as the first pass found it (the tape has it for a stored frame): one that
    // started exactly here (a segment that runs past it: desegment_tcp keeps the PDU its first lookup found),
    // else the last one that started before.
    const live = c.replay ? undefined : (mspAt(table.get(key), seq) ?? mspBefore(table.get(key), seq));
    const continues = c.recall(() => (live && live.nxtpdu > seq ? 1 : 0));
    if (continues && c.recall(() => (live!.done ? 1 : 0)) === 1) {
      // The segment falls inside a PDU reassembled already (a retransmission the analysis did not call
      // plain, with the same bytes or not): Wireshark's fragment_add refuses it with a ReassemblyError,
      // which ends the frame's dissection.
      const past = c.recall(() => (seq - live!.seq >= live!.datalen ? 1 : 0)) === 1;
      throw new ReassemblySignal('TCP', past ? 'New fragment past old data limits' : 'New fragment overlaps old data (retransmission?)');
    }
    if (continues) {
      const nxtpdu0 = c.recall(() => live!.nxtpdu), entire = c.recall(() => (live!.entire ? 1 : 0)) === 1;
      const untilFin = c.recall(() => (live!.untilFin ? 1 : 0)) === 1;
      const len = entire || untilFin ? end - offset : Math.min(nxtseq, nxtpdu0) - seq;
      let nxtpdu = nxtpdu0;
      if (entire) nxtpdu = nxtseq;
      if (nxtpdu < nxtseq && nxtpdu >= seq && len > 0) another = nxtpdu - seq;
      // HOLE_BEFORE: a segment past a hole in the PDU (data before it not seen yet): Wireshark adds it to the
      // PDU but the PDU is not whole, so nothing is dissected, even when the segment reaches the PDU's end.
      // HOLE_FILLED: a segment before the PDU's end, which came already, that fills the last hole: now whole.
      const hole = c.recall(() => !live ? 0 : seq > contiguousEnd(live) ? HOLE_BEFORE
        : live.tail && !entire && !untilFin && nxtseq < nxtpdu0 && filledTo(live, seq + len) >= nxtpdu0 ? HOLE_FILLED : 0);
      const complete = hole !== HOLE_BEFORE && (untilFin ? s.fin : entire || nxtseq >= nxtpdu0 || hole === HOLE_FILLED);
      const own: Piece = { frame: c.number, at: c.source === 0 ? offset : -1, len, data: c.d.subarray(offset, offset + len), seq };
      if (!complete) {
        if (live && !c.replay) {
          addPiece(live, own);
          if (nxtseq >= nxtpdu0 && !entire && !untilFin) live.tail = true;
        }
      } else {
        const pieces = earlierPieces(c, live);
        pieces.push(own);
        const start = c.recall(() => live!.seq);
        const data = assemble(pieces, start);
        const source = c.sources.length + 1;
        const at = c.layers.length;
        let inner: Deseg | null = null;
        c.endOfStream = untilFin && s.fin;
        c.inSource('Reassembled TCP', data, () => { inner = dissect(c, 0, data.length); });
        c.endOfStream = false;
        called = true;
        request = inner as Deseg | null;
        // Where this segment's piece starts in the reassembled bytes (pieces may overlap: a segment sent again
        // with more bytes). What the protocol must leave undissected for the PDU to go on (desegment_tcp's
        // old_len): the bytes before this piece; for a piece that filled a hole, all but its own bytes.
        const ownAt = seq - start;
        const before = hole === HOLE_FILLED ? data.length - len : ownAt;
        if (request && request.offset <= before && request.len === ONE_MORE_SEGMENT && pieces.length >= MAX_RETRIED_SEGMENTS) {
          // Too many segments asked for one by one: the PDU is given up here (MAX_RETRIED_SEGMENTS).
          c.addExpert('note', 'reassemble', `Handshake Lab reassembles at most ${MAX_RETRIED_SEGMENTS} segments into a PDU whose end is not known: this one is given up, the segments after it are dissected on their own (tshark goes on)`, '_ws.handshake_lab.reassembly_limit');
          if (live && !c.replay) {
            live.done = true;
            live.datalen = data.length;
            dropPieces(live);
            live.nxtpdu = start + data.length;
          }
          finish(c, tcpTree, request, desegOffset, end, firstPdu);
          return;
        }
        if (request && request.offset <= before) {
          // Still not whole: the PDU goes on with this segment's bytes in it.
          if (live && !c.replay) {
            const msp = live;
            // Its pieces are copied into new buffers: the old ones are free after.
            const old = msp.bufs;
            msp.bufs = [];
            msp.buf = undefined;
            msp.used = msp.bytes = 0;
            msp.pieces = pieces.map((p) => kept(msp, p));
            freeBuffers(old);
            msp.entire = msp.untilFin = msp.tail = false;
            // (From the PDU's end when the piece filled a hole before it.)
            if (request.len === ONE_MORE_SEGMENT) {
              msp.nxtpdu = Math.max(seq + (end - offset), nxtpdu0) + 1;
              msp.entire = true;
            } else if (request.len === UNTIL_FIN) {
              msp.nxtpdu = nxtseq + FAR;
              msp.untilFin = true;
            } else {
              msp.nxtpdu = Math.max(seq + len, nxtpdu0) + request.len;
            }
          }
          another = 0;
          offset += len;
          seq += len;
          finish(c, tcpTree, request, desegOffset, end, firstPdu);
          if (offset < end) continue;
          return;
        }
        const nbytes = another > 0 ? another : end - offset;
        if (nbytes > 0 || !s.fin) segmentData(c, tcpTree, offset, nbytes);
        // The PDU ended inside this segment, where another one starts that is not whole (a segment taken
        // whole for "one more segment"): Wireshark cuts this segment's piece at the PDU's end (the list of
        // segments says so, the reassembled length does not) and shows no more segment data for the rest.
        let used = data.length;
        if (request) {
          used = request.offset;
          if (hole !== HOLE_FILLED) own.len = request.offset - ownAt;
        }
        segmentsLayer(c, pieces, start, data, source, at);
        if (live && !c.replay) {
          live.done = true;
          live.datalen = used;
          dropPieces(live);
          // (A segment taken whole leaves no room for another PDU in it: the PDU reaches its end.)
          if (request) live.nxtpdu = live.seq + used;
          else if (entire && live.nxtpdu < nxtseq) live.nxtpdu = nxtseq;
        }
        if (request) {
          mustDesegment = true;
          // (desegment_tcp counts the undissected rest back from the segment's end, which for a piece that
          // filled a hole is not where those bytes are: kept inside the segment's payload, as it does.)
          desegOffset = hole === HOLE_FILLED ? Math.max(offset, end - (data.length - request.offset)) : offset + (start + request.offset - seq);
          cutPdu = true;
        }
      }
    } else {
      request = dissect(c, offset, end);
      called = true;
      if (request) {
        mustDesegment = true;
        desegOffset = offset + request.offset;
      }
    }
    const desegSeq = seq + (desegOffset - offset);
    // Wireshark keeps a PDU only when it starts within 1 MiB of the segment's end.
    if (mustDesegment && request && !c.replay && nxtseq - desegSeq <= 1024 * 1024) {
      const base = { seq: desegSeq, pieces: [], firstFrame: c.number, done: false, datalen: 0, used: 0, bytes: 0, bufs: [] };
      const msp: Msp = request.len === ONE_MORE_SEGMENT
        ? { ...base, nxtpdu: nxtseq + 1, entire: true, untilFin: false }
        : request.len === UNTIL_FIN
          ? { ...base, nxtpdu: nxtseq + FAR, entire: false, untilFin: true }
          : { ...base, nxtpdu: nxtseq + request.len, entire: false, untilFin: false };
      addPiece(msp, { frame: c.number, at: c.source === 0 ? desegOffset : -1, len: end - desegOffset, data: c.d.subarray(desegOffset, end), seq: desegSeq });
      storeMsp(table, key, msp);
    }
    // (A segment past a hole that also holds the PDU's end shows that part only: another PDU starts after it.)
    if ((!called || request) && !cutPdu) finish(c, tcpTree, request, desegOffset, !called && another > 0 ? offset + another : end, firstPdu);
    if (!another) return;
    // Another PDU starts inside this segment: its columns must not replace the first one's.
    c.fenceInfo(true);
    firstPdu = false;
    offset += another;
    seq += another;
  }
}

/**
 * The frame store's fast path through the middle of a PDU (most segments of a download over TLS): whether
 * the segment [seq, nxtseq) of stream direction `key`, new data in order (TcpTracker.peekInOrder), only
 * continues the PDU started before it: no PDU starts at `seq`, the one before is not done, waits for a known
 * length (not "one more segment", not until FIN), has no hole before `seq`, and the segment does not complete
 * it. desegment would then add the segment's bytes to the PDU and show "[TCP segment of a reassembled PDU]";
 * middleOfPdu's caller does the same with addMiddlePiece, which gives the frame's tape too.
 */
export function middleOfPdu(table: MspTable, key: number, seq: number, nxtseq: number): boolean {
  const list = table.get(key);
  if (!list || mspAt(list, seq)) return false;
  const m = mspBefore(list, seq);
  // (A PDU whose end came past a hole is left to desegment: a segment there may fill the hole and complete it.)
  // (A segment across the wrap of relative sequence numbers, nxtseq below seq, is left to desegment too.)
  return m !== undefined && !m.done && !m.entire && !m.untilFin && !m.tail && nxtseq > seq && m.nxtpdu > nxtseq && seq <= contiguousEnd(m);
}

/**
 * Adds a segment middleOfPdu accepts to its PDU as desegment does (`data`: its bytes, at `at` in the frame), and
 * returns the tape desegment records for it, in the order of its recalls: no PDU starts here (pduStartSeen),
 * one continues, not done, its end (nxtpdu), not "one more segment", not until FIN, no hole.
 */
export function addMiddlePiece(table: MspTable, key: number, seq: number, frame: number, at: number, data: Uint8Array): number[] {
  const m = mspBefore(table.get(key), seq) as Msp;
  addPiece(m, { frame, at, len: data.length, data, seq });
  return [0, 1, 0, m.nxtpdu, 0, 0, 0];
}

/**
 * The middle of a PDU, or the start of one not complete yet: shown as segment data, the Info says so, but
 * only for the segment's first PDU (`firstPdu`, desegment_tcp's first_pdu): a PDU that starts after another
 * ended in the segment leaves the Info to the one before it.
 */
function finish(c: Ctx, tcpTree: Field[], request: Deseg | null, from: number, end: number, firstPdu: boolean): void {
  if ((!request || request.offset === 0) && firstPdu) {
    c.setProtocol('TCP');
    c.appendInfoSep(' ', '[TCP segment of a reassembled PDU]');
  }
  segmentData(c, tcpTree, from, end - from);
}

function segmentData(c: Ctx, tree: Field[], off: number, n: number, prefix = ''): void {
  const avail = Math.min(n, c.avail(off, off + n));
  const hexs = unwanted(F.segmentData.name) ? '' : bytesHex(c.d, off, avail);
  leaf(tree, F.segmentData.name, hexs, `${prefix}TCP segment data (${n} byte${n === 1 ? '' : 's'})`, off, n);
}

/** A retransmitted segment's payload, not handed on again: "Retransmitted TCP segment data (n bytes)". */
export function retransmittedData(c: Ctx, tcpTree: Field[], off: number, end: number): void {
  segmentData(c, tcpTree, off, end - off, 'Retransmitted ');
}

/**
 * Buffers of PDUs done with (reassembled or given up), for the next ones, by size (powers of two from
 * POOLED_MIN to MOST_ROOM), at most POOL_BYTES in all: a download reassembles a 16 KB record every dozen
 * segments, and new buffers (zeroed, outside the heap, then collected) cost more than the copying. A PDU
 * done with has dropped its pieces, and nothing else refers to its buffers (its reassembled bytes are a copy).
 */
const pool = new Map<number, Uint8Array[]>();
const POOLED_MIN = 4096, POOL_BYTES = 8 << 20;
let pooled = 0;

function takeBuffer(n: number): Uint8Array {
  if (n < POOLED_MIN || n > MOST_ROOM) return new Uint8Array(n);
  const size = 2 ** Math.ceil(Math.log2(n));
  const free = pool.get(size)?.pop();
  if (!free) return new Uint8Array(size);
  pooled -= size;
  return free;
}

/** Buffers no piece refers to any more go back to the pool. */
function freeBuffers(bufs: Uint8Array[]): void {
  for (const b of bufs) {
    const size = b.length;
    if (size < POOLED_MIN || size > MOST_ROOM || (size & (size - 1)) !== 0 || pooled + size > POOL_BYTES) continue;
    let list = pool.get(size);
    if (!list) pool.set(size, (list = []));
    list.push(b);
    pooled += size;
  }
}

/** A PDU done with (reassembled or given up) keeps only its place and length: its pieces and buffers go. */
function dropPieces(msp: Msp): void {
  msp.pieces = [];
  freeBuffers(msp.bufs);
  msp.bufs = [];
  msp.buf = undefined;
  msp.used = msp.bytes = 0;
  msp.contigOf = undefined;
}

function addPiece(msp: Msp, p: Piece): void {
  msp.pieces.push(kept(msp, p));
}

/** The most room any one of a PDU's buffers gets. */
const MOST_ROOM = 1 << 20;

/**
 * The piece with its bytes copied into the PDU's own buffers (the frame's bytes may be a reader's, reused).
 * A few buffers per PDU, not one per segment: a 16 KB TLS record over 12 segments made 12, and allocating
 * and collecting them was a fifth of the frame store's time on an HTTPS download. A full buffer is replaced
 * by one twice as large as the PDU's bytes so far (never past the PDU's known end), not copied: the pieces
 * in it keep it. So a PDU's buffers hold at most about six times its bytes (sizes are rounded up to a power
 * of two from 4 KB on), whatever length it announces.
 */
function kept(msp: Msp, p: Piece): Piece {
  const n = p.data.length;
  let buf = msp.buf;
  if (!buf || msp.used + n > buf.length) {
    const rest = msp.entire || msp.untilFin ? MOST_ROOM : msp.nxtpdu - msp.seq - msp.bytes;
    buf = msp.buf = takeBuffer(Math.max(n, Math.min(MOST_ROOM, 2 * msp.bytes, rest)));
    msp.bufs.push(buf);
    msp.used = 0;
  }
  const at = msp.used;
  buf.set(p.data, at);
  msp.used = at + n;
  msp.bytes += n;
  return { frame: p.frame, at: p.at, len: p.len, data: buf.subarray(at, at + n), seq: p.seq };
}

/** The pieces the PDU had before this segment: from the first pass's table, or from the tape and the earlier frames' bytes. */
function earlierPieces(c: Ctx, live: Msp | undefined): Piece[] {
  const n = c.recall(() => live!.pieces.length);
  const out: Piece[] = [];
  desegWork.pieces += n;
  for (let i = 0; i < n; i++) {
    const p = live?.pieces[i];
    const frame = c.recall(() => p!.frame), at = c.recall(() => p!.at), len = c.recall(() => p!.len), seq = c.recall(() => p!.seq);
    let data: Uint8Array;
    if (!c.replay) data = p!.data;
    else if (at >= 0) data = c.session.replay!.bytesOf(frame).subarray(at, at + len);
    else data = Uint8Array.from(c.recall<string>(() => ''), (ch) => ch.charCodeAt(0));
    if (!c.replay && at < 0) c.recall(() => String.fromCharCode.apply(null, Array.from(data)));
    out.push({ frame, at, len, data, seq });
  }
  return out;
}

/** Where the PDU's bytes would be contiguous to from its start with a piece added that ends at `ownEnd` and starts within them. */
function filledTo(msp: Msp, ownEnd: number): number {
  let e = Math.max(contiguousEnd(msp), ownEnd);
  for (const p of [...msp.pieces].sort((a, b) => a.seq - b.seq)) {
    if (p.seq > e) break;
    if (p.seq + p.len > e) e = p.seq + p.len;
  }
  return e;
}

/** Where the PDU's bytes seen so far stop being contiguous from its start (relative sequence number). */
function contiguousEnd(msp: Msp): number {
  // The pieces added since the last call, as long as each starts within the bytes before it (a PDU's
  // segments in order, the common case: a PDU of many small segments costs each only its own piece).
  const list = msp.pieces;
  if (msp.contigOf !== list) {
    msp.contigOf = list;
    msp.contigCount = 0;
    msp.contigEnd = msp.seq;
  }
  let i = msp.contigCount as number, e = msp.contigEnd as number;
  for (; i < list.length; i++) {
    const p = list[i];
    if (p.seq > e) break;
    if (p.seq + p.len > e) e = p.seq + p.len;
  }
  msp.contigCount = i;
  msp.contigEnd = e;
  if (i === list.length) return e;
  // A piece out of order: all of them in sequence order (a union that is contiguous gives the same end).
  e = msp.seq;
  for (const p of [...list].sort((a, b) => a.seq - b.seq)) {
    if (p.seq > e) break;
    if (p.seq + p.len > e) e = p.seq + p.len;
  }
  return e;
}

/**
 * The reassembled bytes (reassemble.c's defragmentation): the pieces in sequence order (a stable sort, as its
 * list keeps them), each adding only its bytes past those already placed (an overlap keeps the first bytes).
 */
function assemble(pieces: Piece[], start: number): Uint8Array {
  const sorted = inOrder(pieces);
  let n = 0;
  for (const p of sorted) n = Math.max(n, p.seq - start + p.len);
  const out = new Uint8Array(n);
  let pos = 0;
  for (const p of sorted) {
    const at = p.seq - start;
    p.overlap = 0;
    if (at < pos && p.len) {
      p.overlap = 1;
      for (let i = at; i < Math.min(pos, at + p.len); i++) {
        if (out[i] !== p.data[i - at]) {
          p.overlap = 2;
          break;
        }
      }
    }
    if (at + p.len <= pos) continue;
    const from = Math.max(pos, at);
    out.set(p.data.subarray(from - at, p.len), from);
    pos = at + p.len;
  }
  return out;
}

/** The pieces by sequence number, those that start at the same place in the order they came. */
function inOrder(pieces: Piece[]): Piece[] {
  return pieces.map((p, i) => ({ p, i })).sort((a, b) => a.p.seq - b.p.seq || a.i - b.i).map((x) => x.p);
}

/**
 * The top-level "[n Reassembled TCP Segments (L bytes): #f(len), …]" item (tshark shows it beside the
 * protocol layers, not inside TCP), with a line per segment, the count, the length and the data.
 */
function segmentsLayer(c: Ctx, unsorted: Piece[], start: number, data: Uint8Array, source: number, at: number): void {
  const len = data.length;
  const pieces = inOrder(unsorted);
  if (treeless()) {
    collectLate(F.segments.name, 1);
    for (const p of pieces) {
      collectLate(p.overlap === 2 ? F.error.name : F.segment.name, p.frame);
      if (p.overlap) collectLate(F.overlap.name, 1);
      if (p.overlap === 2) collectLate(F.conflict.name, 1);
    }
    collectLate(F.count.name, pieces.length);
    collectLate(F.length.name, len);
    if (!unwanted(F.data.name)) collectLate(F.data.name, bytesHex(data, 0, len));
    return;
  }
  const title = `[${clipLabel(`${pieces.length} Reassembled TCP Segments (${len} bytes): ${pieces.map((p) => `#${p.frame}(${p.len})`).join(', ')}`)}]`;
  const fields: Field[] = [];
  for (const p of pieces) {
    const pos = p.seq - start;
    const text = p.len ? `Frame: ${p.frame}, payload: ${pos}-${pos + p.len - 1} (${p.len} byte${p.len === 1 ? '' : 's'})` : `Frame: ${p.frame} (no data)`;
    const item = generated(fields, p.overlap === 2 ? F.error.name : F.segment.name, p.frame, text, pos, p.len);
    if (p.overlap) generated(item.children, F.overlap.name, 1, 'Segment overlap: True', pos, 0);
    if (p.overlap === 2) generated(item.children, F.conflict.name, 1, 'Conflicting data in segment overlap: True', pos, 0);
  }
  generated(fields, F.count.name, pieces.length, `Segment count: ${pieces.length}`, 0, 0);
  generated(fields, F.length.name, len, `Reassembled TCP length: ${len}`, 0, 0);
  const hexs = bytesHex(data, 0, len);
  generated(fields, F.data.name, hexs, `Reassembled TCP Data: ${bytesText(hexs)}`, 0, len);
  // Right after the TCP layer, before the protocol the reassembled bytes hold (as tshark moves it there).
  c.layers.splice(at, 0, { protocol: F.segments.name, title, osi: 4, tcpip: 4, offset: 0, length: len, fields, source, value: 1, generated: true });
}
