// Which frames a display filter may look at while a lesson masks values (DECISIONS "Grading"): a filter that
// reads a masked value would tell it by what it matches ("tcp.ack == 16" keeps the frame whose Ack is the
// question), so a session's filtered view leaves out the frames whose masked values the filter reads, and
// keeps the others (every frame before the question's segment matched nothing once: a view stopped before
// the first masked value of any open question, the lesson's own or another's on the same capture).
// What a filter reads is worked out from its expression alone, so leaving a frame out says nothing about
// the frame's values: a whole-masked segment, always; a frame with masked fields when the filter compares
// one of them, a field holding one (the TCP layer's bytes hold its Ack; the SACK option its edges), or a
// field that shows one by name prefix. Presence tests ("tcp", "tcp.analysis.acks_frame") read no value:
// a masked item is still sent, as "?", so its presence is on screen (but for an item left out when masked,
// Reveal.dropped: then an analysis or expert test is not answered on that frame either).
import { parseFilter } from '../engine/filter/parser';
import { fieldsOf } from '../engine/filter/compile';
import type { Node } from '../engine/filter/ast';
import type { Exposure } from '../lessons/index';
import { DROPPED } from '../lessons/reveal';

/** What a filter reads: the names whose values it compares, and those it only tests for presence. */
export interface FilterReads {
  values: Set<string>;
  presence: Set<string>;
}

/** What `expression` reads (null: it does not compile, or is empty: it reads nothing). */
export function filterReads(expression: string): FilterReads | null {
  if (expression.trim() === '') return null;
  let tree: Node;
  try {
    tree = parseFilter(expression);
  } catch {
    return null;
  }
  const out: FilterReads = { values: new Set(), presence: new Set() };
  const visit = (n: Node): void => {
    switch (n.type) {
      case 'or': case 'and': case 'xor': visit(n.left); visit(n.right); return;
      case 'not': visit(n.expr); return;
      default: for (const name of fieldsOf(n)) (n.type === 'exists' ? out.presence : out.values).add(name);
    }
  };
  visit(tree);
  return out;
}

/**
 * Whether reading the field `read` may read the masked field `masked`: the same field, a protocol or item
 * containing it by name ("tcp" for "tcp.ack", "tcp.options.sack" for "tcp.options.sack_le"), or any
 * protocol's bytes (a layer's bytes hold every field of the layers in it; "frame" holds them all).
 */
function reaches(read: string, masked: string): boolean {
  if (read === masked || masked.startsWith(`${read}.`) || masked.startsWith(`${read}_`)) return true;
  return !read.includes('.');
}

/**
 * The frames up to `last` (null: all) a filter reading `reads` must not look at while `mask` holds (sorted):
 * each whole-masked segment, and each frame with a masked field the filter's compared values reach.
 */
export function unfilterable(mask: Exposure | null, reads: FilterReads | null, last: number | null): number[] {
  if (!mask || !reads) return [];
  const out = new Set<number>(mask.frames);
  for (const f of mask.fields) {
    if (out.has(f.frame)) continue;
    if ([...reads.values].some((r) => reaches(r, f.field))) out.add(f.frame);
    // An item left out when masked (a duplicate ACK's marks): even its presence, or its expert note's, or
    // an analysis flag's, is not on screen.
    else if (DROPPED.has(f.field) && [...reads.values, ...reads.presence].some((r) => r === f.field || r.startsWith('tcp.analysis') || r.startsWith('_ws.expert'))) out.add(f.frame);
  }
  return [...out].filter((n) => last === null || n <= last).sort((a, b) => a - b);
}
