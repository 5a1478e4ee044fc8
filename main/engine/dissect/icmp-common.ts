// What ICMP and ICMPv6 share: the Internet checksum, echo request/reply matching, and dissecting
// the packet an error message quotes (as children of the ICMP layer, with the columns left alone).
import type { Field } from '../types';
import { BoundsSignal, type Ctx } from './context';
import { expert } from './expert';
import { dissectState } from './state';
import { hex } from '../fields/format';
import { generated, leaf } from '../fields/tree';

/** One's-complement sum of [off, end) folded to 16 bits, starting from `initial`. */
export function onesSum(d: Uint8Array, off: number, end: number, initial = 0): number {
  let s = initial;
  let i = off;
  for (; i + 1 < end; i += 2) s += (d[i] << 8) | d[i + 1];
  if (i < end) s += d[i] << 8;
  while (s > 0xffff) s = (s & 0xffff) + Math.floor(s / 0x10000);
  return s;
}

/**
 * The checksum item and its status: verified when the whole message was captured ("[correct]" or
 * "incorrect, should be …" with an error), else unverified. `partial` is the pseudo-header sum.
 * An unverified checksum says why, as Wireshark's: "[fragmented datagram]" for a message cut by the
 * snap length (Wireshark says so for a fragment's payload too, not dissected here) and, in ICMPv4 (`v4`),
 * "[in ICMP error packet]" for a message quoted in an error, which it never verifies.
 */
export function checksumItems(c: Ctx, tree: Field[], prefix: string, off: number, msgEnd: number, partial: number, v4 = false): void {
  const sum = c.v.getUint16(off + 2);
  const inError = v4 && c.quoteInto !== null;
  if (msgEnd > c.cap || inError) {
    const reason = inError ? ' [in ICMP error packet]' : ' [fragmented datagram]';
    leaf(tree, `${prefix}.checksum`, hex(sum, 4), `Checksum: ${hex(sum, 4)} [unverified]${reason}`, off + 2, 2);
    generated(tree, `${prefix}.checksum.status`, 2, 'Checksum Status: Unverified', off + 2, 0);
    return;
  }
  const total = onesSum(c.d, off, msgEnd, partial);
  if (total === 0xffff) {
    leaf(tree, `${prefix}.checksum`, hex(sum, 4), `Checksum: ${hex(sum, 4)} [correct]`, off + 2, 2);
    generated(tree, `${prefix}.checksum.status`, 1, 'Checksum Status: Good', off + 2, 0);
    return;
  }
  // The right value: what makes the sum 0xffff with the checksum field taken as zero.
  const without = onesSum(c.d, off, msgEnd, partial + 0xffff - sum);
  const should = (~without) & 0xffff;
  const item = leaf(tree, `${prefix}.checksum`, hex(sum, 4), `Checksum: ${hex(sum, 4)} incorrect, should be ${hex(should, 4)}`, off + 2, 2);
  expert(c, item.children, off + 2, 'warning', 'checksum', `Bad checksum [should be ${hex(should, 4)}]`, prefix === 'icmpv6' ? 'icmpv6.checksum_bad.expert' : `${prefix}.checksum_bad`);
  generated(tree, `${prefix}.checksum.status`, 0, 'Checksum Status: Bad', off + 2, 0);
}

/** Remembers an echo request; returns nothing. */
export function echoRequest(c: Ctx, proto: string, id: number, seq: number): void {
  if (!c.colWritable || c.replay) return;
  const st = dissectState(c.session);
  st.echoRequests.set(`${proto}|${c.netSrc}|${c.netDst}|${id}|${seq}`, { frame: c.number, sec: c.raw.tsSec, nsec: c.raw.tsNsec });
}

/**
 * The request an echo reply answers: its frame, the response time in ms as the tree shows it ("0.014") and
 * as tshark -T fields prints the double (%.15g: "0.014", "1.000123"), or null.
 */
export function echoReply(c: Ctx, proto: string, id: number, seq: number): { frame: number; ms: string; value: number } | null {
  if (!c.colWritable) return null;
  let ms = '';
  let msValue = 0;
  const frame = c.recall(() => {
    const req = dissectState(c.session).echoRequests.get(`${proto}|${c.netDst}|${c.netSrc}|${id}|${seq}`);
    if (!req || req.frame >= c.number) return 0;
    // Wireshark's nstime_to_msec: seconds × 1000 + nanoseconds / 10^6, a double.
    let s = c.raw.tsSec - req.sec, ns = c.raw.tsNsec - req.nsec;
    if (ns < 0 && s > 0) { s--; ns += 1e9; }
    msValue = Number((s * 1000 + ns / 1e6).toPrecision(15));
    ms = msValue.toFixed(3);
    return req.frame;
  });
  if (!frame) return null;
  const shown = c.recall(() => ms);
  return { frame, ms: shown, value: c.recall(() => msValue) };
}

/**
 * Dissects the packet quoted by an error message: its items go under the ICMP layer. As Wireshark's
 * call_dissector_work_error: an error message holds only part of the packet, so running past the
 * quote's own end is no fault (what was there stays shown); running out of captured bytes still is,
 * reported for the quoted protocol `quoted` ("IPv4 truncated").
 */
export function dissectQuoted(c: Ctx, tree: Field[], quoted: string, run: () => void): void {
  const saveCol = c.colWritable, saveInto = c.quoteInto;
  c.colWritable = false;
  c.quoteInto = tree;
  try {
    run();
  } catch (e) {
    if (!(e instanceof BoundsSignal)) throw e;
    // Wireshark names the quoted protocol (its current_proto was set before the error path saved it).
    c.current = quoted;
    if (!e.malformed) throw e;
  } finally {
    c.colWritable = saveCol;
    c.quoteInto = saveInto;
  }
}
