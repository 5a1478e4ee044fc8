// IPv4 and IPv6 reassembly as tshark 4.0 does it by default (Wireshark's reassemble.c): fragments are
// kept by datagram; when every byte up to the end the last fragment gives is there, the frame that
// completed it dissects the transport from the reassembled buffer, and shows which frames gave which
// bytes. Overlaps keep the first data seen and are flagged (conflicting data, several last fragments,
// a fragment beyond the end), as tshark flags them.
import type { Field } from '../types';
import { defineField } from '../fields/registry';
import { unwanted, generated } from '../fields/tree';
import { bytesHex, clipLabel } from '../fields/format';
import type { Ctx } from './context';

export const OVERLAP = 1, CONFLICT = 2, MULTIPLE_TAILS = 4, TOO_LONG = 8;

/** One fragment's payload: which frame, where in that frame's bytes (-1: not in the frame's own bytes), where in the datagram. */
export interface Part {
  frame: number;
  at: number;
  offset: number;
  len: number;
  more: boolean;
  data: Uint8Array;
  flags: number;
}

/** A datagram being put together: its fragments in arrival order, and its length once a last fragment came. */
export interface Pending {
  arrival: Part[];
  datalen: number;
  bytes: number;
}

export interface Reassembled {
  /** Fragments by offset (arrival order among equal offsets), flags set. */
  parts: Part[];
  /** Fragments in arrival order (what the frame store's tape records). */
  arrival: Part[];
  data: Uint8Array;
}

/** Bytes of unfinished datagrams kept per table at most; the oldest are dropped past it (tshark keeps all). */
const MAX_PENDING_BYTES = 64 << 20;

/**
 * Fragments of one datagram kept at most: a 64 KiB datagram over a 576-byte MTU takes 120. Past it the
 * datagram is given up and this fragment starts a new one (tshark keeps all): a stream of fragments on one
 * IP ID, each listing every earlier one in its tree, would otherwise make each frame's work grow without end.
 */
const MAX_FRAGMENTS = 128;

/** Adds a fragment to its datagram; returns the datagram when this fragment completed it. */
export function addFragment(table: Map<string, Pending>, key: string, part: Part): Reassembled | null {
  let p = table.get(key);
  if (p && p.arrival.length >= MAX_FRAGMENTS) {
    table.delete(key);
    p = undefined;
  }
  if (!p) {
    p = { arrival: [], datalen: -1, bytes: 0 };
    table.set(key, p);
    evict(table);
  }
  addPart(p, part);
  const done = complete(p);
  if (done) table.delete(key);
  return done;
}

function evict(table: Map<string, Pending>): void {
  let total = 0;
  for (const p of table.values()) total += p.bytes;
  for (const [k, p] of table) {
    if (total <= MAX_PENDING_BYTES) break;
    total -= p.bytes;
    table.delete(k);
  }
}

function addPart(p: Pending, part: Part): void {
  part.flags = 0;
  if (!part.more) {
    // The first last fragment sets the length; a later one that ends elsewhere is a second tail.
    if (p.datalen < 0) p.datalen = part.offset + part.len;
    else if (p.datalen !== part.offset + part.len) part.flags |= MULTIPLE_TAILS;
  }
  p.arrival.push(part);
  p.bytes += part.len;
}

/** The datagram if every byte up to its length is there. */
function complete(p: Pending): Reassembled | null {
  if (p.datalen < 0) return null;
  const parts = p.arrival.slice().sort((a, b) => a.offset - b.offset);
  let max = 0;
  for (const f of parts) {
    if (max >= p.datalen) break; // fragments past the end do not hold it back
    if (f.offset > max) return null;
    if (f.offset + f.len > max) max = f.offset + f.len;
  }
  if (max < p.datalen) return null;
  return { parts, arrival: p.arrival, data: assemble(parts, p.datalen) };
}

/** The datagram's bytes (the first data seen wins), flagging overlaps, conflicts and fragments beyond the end. */
function assemble(parts: Part[], datalen: number): Uint8Array {
  const buf = new Uint8Array(datalen);
  let pos = 0;
  for (const f of parts) {
    if (!f.len) continue;
    if (f.offset + f.len > datalen) f.flags |= TOO_LONG;
    const end = Math.min(f.offset + f.len, datalen);
    if (f.offset < pos) {
      f.flags |= OVERLAP;
      const upto = Math.min(pos, end);
      for (let i = f.offset; i < upto; i++) {
        if (buf[i] !== f.data[i - f.offset]) {
          f.flags |= CONFLICT;
          break;
        }
      }
    }
    if (end > pos) buf.set(f.data.subarray(pos - f.offset, end - f.offset), pos);
    if (f.offset + f.len > pos) pos = f.offset + f.len;
  }
  return buf;
}

/**
 * The fragment of the current frame (its payload at [at, at + len) of the current bytes, `offset`
 * into the datagram) added to `table`; returns the datagram if it is complete now. A stored frame
 * re-dissected alone gets the datagram from its tape and the earlier frames' bytes instead.
 */
export function reassemble(c: Ctx, table: Map<string, Pending>, key: string, at: number, offset: number, len: number, more: boolean): Reassembled | null {
  let done: Reassembled | null = null;
  const own = c.source === 0 ? at : -1;
  const count = c.recall(() => {
    const part: Part = { frame: c.number, at: own, offset, len, more, data: c.d.slice(at, at + len), flags: 0 };
    done = addFragment(table, key, part);
    return done ? done.arrival.length : 0;
  });
  if (!count) return null;
  if (!c.replay) {
    if (c.tape) for (const f of (done as unknown as Reassembled).arrival) recordPart(c, f);
    return done;
  }
  const pending: Pending = { arrival: [], datalen: -1, bytes: 0 };
  for (let i = 0; i < count; i++) addPart(pending, replayedPart(c));
  return complete(pending);
}

function recordPart(c: Ctx, f: Part): void {
  c.recall(() => f.frame);
  c.recall(() => f.at);
  c.recall(() => f.offset);
  c.recall(() => f.len);
  c.recall(() => (f.more ? 1 : 0));
  if (f.at < 0) c.recall(() => String.fromCharCode.apply(null, Array.from(f.data)));
}

function replayedPart(c: Ctx): Part {
  const frame = c.recall<number>(() => 0), at = c.recall<number>(() => 0), offset = c.recall<number>(() => 0), len = c.recall<number>(() => 0);
  const more = c.recall<number>(() => 0) === 1;
  let data: Uint8Array;
  if (at >= 0) {
    const bytes = frame === c.number ? c.raw.data : c.session.replay!.bytesOf(frame);
    data = bytes.subarray(at, at + len);
  } else {
    const s = c.recall<string>(() => '');
    data = Uint8Array.from(s, (ch) => ch.charCodeAt(0));
  }
  return { frame, at, offset, len, more, data, flags: 0 };
}

interface Names {
  fragments: string; fragment: string; error: string; overlap: string; conflict: string; tails: string; tooLong: string;
  count: string; length: string; data: string;
}

function names(prefix: 'ip' | 'ipv6', label: string): Names {
  const n = {
    fragments: `${prefix}.fragments`, fragment: `${prefix}.fragment`, error: `${prefix}.fragment.error`,
    overlap: `${prefix}.fragment.overlap`, conflict: `${prefix}.fragment.overlap.conflict`,
    tails: `${prefix}.fragment.multipletails`, tooLong: `${prefix}.fragment.toolongfragment`,
    count: `${prefix}.fragment.count`, length: `${prefix}.reassembled.length`, data: `${prefix}.reassembled.data`,
  };
  // ip.fragments is a byte string (the reassembled data); ipv6.fragments has no value (tshark prints 1).
  defineField(n.fragments, `${label} Fragments`, prefix === 'ip' ? 'bytes' : 'none');
  defineField(n.fragment, `${label} Fragment`, 'uint');
  defineField(n.error, 'Defragmentation error', 'uint');
  defineField(n.overlap, 'Fragment overlap', 'bool');
  defineField(n.conflict, 'Conflicting data in fragment overlap', 'bool');
  defineField(n.tails, 'Multiple tail fragments found', 'bool');
  defineField(n.tooLong, 'Fragment too long', 'bool');
  defineField(n.count, 'Fragment count', 'uint');
  defineField(n.length, `Reassembled ${label} length`, 'uint');
  defineField(n.data, `Reassembled ${label} data`, 'bytes');
  return n;
}
const IPV4 = names('ip', 'IPv4');
const IPV6 = names('ipv6', 'IPv6');
defineField('ip.reassembled_in', 'Reassembled IPv4 in frame', 'uint');
defineField('ipv6.reassembled.in', 'Reassembled IPv6 in frame', 'uint');

/**
 * Wireshark's show_fragment_tree: "[3 IPv4 Fragments (3008 bytes): #1(1256), …]" with a line per
 * fragment, the count, the length and the data. Its items point into the reassembled buffer `source`.
 */
export function fragmentTree(c: Ctx, tree: Field[], v6: boolean, r: Reassembled, source: number): void {
  const n = v6 ? IPV6 : IPV4;
  const label = v6 ? 'IPv6' : 'IPv4';
  const len = r.data.length;
  let title = '';
  if (!c.lean) {
    title = `${r.parts.length} ${label} Fragments (${len} bytes): ${r.parts.map((f) => `#${f.frame}(${f.len})`).join(', ')}`;
    title = clipLabel(title);
  }
  const value = v6 ? 1 : unwanted(n.fragments) ? '' : bytesHex(r.data, 0, len);
  const top = generated(tree, n.fragments, value, title, 0, len);
  top.source = source;
  const t = top.children;
  for (const f of r.parts) {
    const bad = (f.flags & (CONFLICT | MULTIPLE_TAILS | TOO_LONG)) !== 0;
    const item = generated(t, bad ? n.error : n.fragment, f.frame, `Frame: ${f.frame}, payload: ${f.offset}-${f.offset + f.len - 1} (${f.len} byte${f.len === 1 ? '' : 's'})`, f.offset, f.len);
    if (f.flags & OVERLAP) generated(item.children, n.overlap, 1, 'Fragment overlap: True', f.offset, 0);
    if (f.flags & CONFLICT) generated(item.children, n.conflict, 1, 'Conflicting data in fragment overlap: True', f.offset, 0);
    if (f.flags & MULTIPLE_TAILS) generated(item.children, n.tails, 1, 'Multiple tail fragments found: True', f.offset, 0);
    if (f.flags & TOO_LONG) generated(item.children, n.tooLong, 1, 'Fragment too long: True', f.offset, 0);
  }
  generated(t, n.count, r.parts.length, `Fragment count: ${r.parts.length}`, 0, 0);
  generated(t, n.length, len, `Reassembled ${label} length: ${len}`, 0, 0);
  const hexs = unwanted(n.data) ? '' : bytesHex(r.data, 0, len);
  generated(t, n.data, hexs, c.lean ? '' : `Reassembled ${label} data: ${len > 36 ? hexs.slice(0, 72) + '\u2026' : hexs}`, 0, len);
}
