// The decoded capture a lesson's answers are computed from: every frame as the engine decodes it for the
// app (the frame store's full decode, so the states are those the ladder and the state diagram show),
// with who sent each TCP segment. Built from a frame store (the back end's open capture or live run) or
// from a capture file's bytes (validate, the CLI). Pure: no I/O.
import type { DecodedFrame, Field, RawFrame } from '../engine/types';
import { CaptureReader } from '../engine/io/reader';
import { FrameStore } from '../engine/store/frame-store';
import { flagList } from '../engine/store/labels';
import type { SegmentPattern } from './schema';

export interface LessonFrame {
  decoded: DecodedFrame;
  /** Who sent it (TCP frames only): the engine's direction 0 is the client. */
  from: 'client' | 'server' | null;
  /** Flags as the ladder lists them ("SYN, ACK"); null for frames without TCP. */
  flags: string | null;
  /** tcp.len (0 without TCP). */
  len: number;
  /** Seconds since the capture's first frame (exact to the nanosecond once rounded). */
  time: number;
}

export interface LessonCapture {
  /** Frame n is frames[n - 1]. */
  frames: LessonFrame[];
}

/** Lesson captures are small; a bigger file is almost certainly the wrong one (and would be slow to walk). */
export const MAX_LESSON_FRAMES = 50_000;

/** The lesson capture of everything in a frame store (whose bytes it can re-read). */
export function captureFromStore(store: FrameStore): LessonCapture {
  const n = Math.min(store.total, MAX_LESSON_FRAMES);
  const numbers = Array.from({ length: n }, (_, i) => i + 1);
  const frames: LessonFrame[] = [];
  store.redecodeMany(numbers, (d) => {
    const a = d.tcp?.analysis;
    const seg = d.tcp?.segment;
    frames.push({
      decoded: d.frame,
      from: a ? (a.direction === 0 ? 'client' : 'server') : null,
      flags: seg ? flagList(seg.flags) : null,
      len: seg ? seg.len : 0,
      time: d.time,
    });
  });
  return { frames };
}

/** Decodes a capture file's bytes (pcap or pcapng) the way the app does. Throws on a damaged file. */
export function decodeCapture(bytes: Uint8Array): LessonCapture {
  const store = new FrameStore({ read: (offset, length) => bytes.subarray(offset, offset + length) });
  const reader = new CaptureReader();
  const add = (raw: RawFrame) => {
    // Through the full dissector, not the store's fast path: lesson stores that took the fast path made
    // every later pull of a file's rows 2-3× slower in the same server (200,000 rows: 12 s → 21-34 s,
    // most of it garbage collection), for 1.5 s saved once at start.
    if (store.total < MAX_LESSON_FRAMES) store.add(raw, reader.dataOffset);
  };
  reader.push(bytes, add);
  reader.end(add);
  store.seal();
  return captureFromStore(store);
}

/** Every field of that name in the frame, in tree order (as `decode --jsonl` lists them). */
export function fieldsNamed(frame: DecodedFrame, name: string): Field[] {
  const out: Field[] = [];
  const walk = (fields: readonly Field[]) => {
    for (const f of fields) {
      if (f.name === name) out.push(f);
      if (f.children.length) walk(f.children);
    }
  };
  for (const l of frame.layers) walk(l.fields);
  return out;
}

/** The frame numbers of one TCP stream, in capture order. */
export function streamFrames(capture: LessonCapture, stream: number): number[] {
  const out: number[] = [];
  for (const f of capture.frames) if (f.decoded.stream === stream) out.push(f.decoded.frame);
  return out;
}

/** The first frame of `stream` (from its nth match on) that fits the pattern, or null. */
export function findPattern(capture: LessonCapture, stream: number, p: SegmentPattern): number | null {
  let seen = 0;
  let last: number | null = null;
  for (const f of capture.frames) {
    if (f.decoded.stream !== stream || f.flags === null || (p.from !== undefined && f.from !== p.from)) continue;
    if (p.flags !== undefined ? f.flags !== p.flags : !p.has!.every((x) => f.flags!.split(', ').includes(x))) continue;
    if (p.data !== undefined && (f.len > 0) !== p.data) continue;
    if (p.last) last = f.decoded.frame;
    else if (++seen === (p.nth ?? 1)) return f.decoded.frame;
  }
  return last;
}

/** How a pattern reads in a message: "the client's 2nd [FIN, ACK] with data". */
export function describePattern(p: SegmentPattern): string {
  const nth = p.last ? 'last ' : p.nth && p.nth > 1 ? `${ordinal(p.nth)} ` : '';
  const data = p.data === undefined ? '' : p.data ? ' with data' : ' without data';
  const flags = p.flags !== undefined ? `[${p.flags}]` : `segment with ${p.has!.join(' and ')}`;
  return `${p.from ? `the ${p.from}'s` : 'the'} ${nth}${flags}${data}`;
}

function ordinal(n: number): string {
  const s = n % 100 >= 11 && n % 100 <= 13 ? 'th' : ['th', 'st', 'nd', 'rd'][n % 10] ?? 'th';
  return `${n}${s}`;
}
