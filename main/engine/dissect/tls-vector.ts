// Bounds as packet-tls-utils.c meets them: reads and items are checked against the data TLS was handed (the
// segment's payload or the reassembled PDU), not against the message they belong to, so a length that runs
// past a message but not past the data shows bytes of what follows, and one that runs past the data ends
// the dissection ("Malformed Packet"). Length-prefixed vectors follow ssl_add_vector: a length out of its
// range, or longer than its container, is an error on the length item and the structure stops there.
import type { Field } from '../types';
import type { FieldDef } from '../fields/registry';
import { addNum, addText } from '../fields/tree';
import type { Ctx } from './context';
import { defineExpert, expert } from './expert';

/** The end of the data TLS is dissecting (set by dissectTls before any record). */
export const tlsData = { end: 0 };

const E = {
  tooSmall: defineExpert('tls.malformed.buffer_too_small', 'Malformed message, not enough data is available'),
  length: defineExpert('tls.malformed.vector_length', 'Variable vector length is outside the permitted range'),
};
export const TRAILING = defineExpert('tls.malformed.trailing_data', 'Undecoded trailing data is present');

/** Ensures [off, off + n) can be read: not captured is SHORT, past the data MALFORMED. */
export function need(c: Ctx, off: number, n: number): void {
  c.need(off, n, tlsData.end);
}

/** An item may not reach past the data (proto_tree_add_item throws there). */
export function fits(c: Ctx, off: number, n: number): void {
  if (off + n > tlsData.end) c.fail();
}

/** A text item (a subtree without a field), checked against the data's end. */
export function textItem(c: Ctx, tree: Field[], text: string, off: number, n: number): Field {
  fits(c, off, n);
  return addText(tree, text, off, n);
}

/**
 * ssl_add_vector: the vector's length item at `off` (1-4 bytes as `max` needs), inside a container ending at
 * `end`; its length, or null (with an error on the item) when the length is out of [min, max] or runs past
 * `end`, or there is no room for the length itself.
 */
export function vec(c: Ctx, t: Field[], off: number, end: number, def: FieldDef, min: number, max: number): number | null {
  const size = max > 0xffffff ? 4 : max > 0xffff ? 3 : max > 0xff ? 2 : 1;
  if (end - off < size) {
    const item = textItem(c, t, `No more room for vector of length ${size}`, off, Math.max(0, end - off));
    expert(c, item.children, off, 'error', 'malformed', `No more room for vector of length ${size}`, E.tooSmall);
    return null;
  }
  need(c, off, size);
  let n = 0;
  for (let i = 0; i < size; i++) n = n * 256 + c.d[off + i];
  const item = addNum(t, def, off, size, n);
  if (n < min) {
    expert(c, item.children, off, 'error', 'malformed', `Vector length ${n} is smaller than minimum ${min}`, E.length);
    return null;
  }
  if (n > max) {
    expert(c, item.children, off, 'error', 'malformed', `Vector length ${n} is larger than maximum ${max}`, E.length);
    return null;
  }
  if (off + size + n > end) {
    expert(c, item.children, off, 'error', 'malformed', `Vector length ${n} is too large, truncating it to ${end - off - size}`, E.tooSmall);
    return null;
  }
  return n;
}
