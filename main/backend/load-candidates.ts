// The loading pipeline's word on each frame, from the reading thread to the storing one (load-worker.ts):
// whether the frame store's fast path may take it (fastCandidate, which looks at the frame alone), and
// for most that may, the TCP segment itself, in eight numbers, so the storing thread builds it without
// reading the frame's headers again. What the numbers cannot carry as fastSegment fills it (IPv6
// addresses, SACK blocks) is read again there instead (CANDIDATE_REREAD).
import { fastCandidate, fastCandidateKind } from '../engine/store/frame-store';
import { emptySegment, fastLayout, v4 } from '../engine/stats/fast-segment';
import type { RawFrame, TcpSegment } from '../engine/types';

/** FrameBatch.fast: the full dissector's; the fast path's, its segment in FrameBatch.seg; the fast path's, read again. */
export const NOT_CANDIDATE = 0, CANDIDATE = 1, CANDIDATE_REREAD = 2;
/** CANDIDATE or CANDIDATE_REREAD, plus ROUTE_UNIT × fastCandidateKind.route (where the payload may go). */
export const ROUTE_UNIT = 4;
/** Numbers per frame in FrameBatch.seg. */
export const SEG_WORDS = 8;
const NO_SCALE = 255;

/** Says of `raw` what the storing thread needs (kind, and the segment in seg[i·8 …]). */
export function candidateOf(raw: RawFrame, seg: Uint32Array, i: number): number {
  const s = fastCandidate(raw, 0);
  if (!s) return NOT_CANDIDATE;
  const route = fastCandidateKind.route * ROUTE_UNIT;
  const L = fastLayout, d = L.buf, ip = L.ip;
  if (d[ip] >> 4 !== 4 || s.sack !== undefined || (s.wscaleShift !== undefined && s.wscaleShift >= NO_SCALE)) return CANDIDATE_REREAD + route;
  const k = i * SEG_WORDS;
  seg[k] = (d[ip + 12] << 24) | (d[ip + 13] << 16) | (d[ip + 14] << 8) | d[ip + 15];
  seg[k + 1] = (d[ip + 16] << 24) | (d[ip + 17] << 16) | (d[ip + 18] << 8) | d[ip + 19];
  seg[k + 2] = (s.srcPort << 16) | s.dstPort;
  seg[k + 3] = s.seq;
  seg[k + 4] = s.ack;
  seg[k + 5] = (s.flags << 16) | s.window;
  seg[k + 6] = s.len;
  seg[k + 7] = (s.urgentPointer << 8) | (s.wscaleShift ?? NO_SCALE);
  return CANDIDATE + route;
}

/**
 * The segment candidateOf wrote at frame i, as fastSegment would have made it (FrameStore.ingest sets frame
 * and time), in `into`: the store and its trackers keep nothing of a segment once it is ingested, so the
 * storing thread refills one (a segment made per frame was a tenth of what it allocated).
 */
export function segmentAt(seg: Uint32Array, i: number, into: TcpSegment = emptySegment()): TcpSegment {
  const k = i * SEG_WORDS;
  const s = into;
  s.mss = undefined;
  s.sackPerm = undefined;
  s.tsval = undefined;
  s.tsecr = undefined;
  s.src = v4(seg[k]);
  s.dst = v4(seg[k + 1]);
  s.srcPort = seg[k + 2] >>> 16;
  s.dstPort = seg[k + 2] & 0xffff;
  s.seq = seg[k + 3];
  s.ack = seg[k + 4];
  s.flags = seg[k + 5] >>> 16;
  s.window = seg[k + 5] & 0xffff;
  s.len = seg[k + 6];
  s.urgentPointer = seg[k + 7] >>> 8;
  const ws = seg[k + 7] & 0xff;
  s.wscaleShift = ws === NO_SCALE ? undefined : ws;
  s.sack = undefined;
  return s;
}
