// What a frame's pcapng block facts (comments, flags, drop count, custom block) cost once kept: a file of
// many tiny comments costs far more than its bytes (31 MB of two-byte comments took a server 295 MB: fresh
// eyes), so the upload budget counts them (load-budget.ts, through FrameStore.memory) and batches are cut by it.
import type { RawFrame } from '../types';

type BlockFacts = Pick<RawFrame, 'comments' | 'packetFlags' | 'dropCount' | 'custom'>;

/** What a frame's block facts cost beside their strings (map entry, object, comment list). */
export const BLOCK_FACTS_BYTES = 160;
/**
 * What one kept comment costs beside its characters (a string's header and its slot in the list; measured:
 * 4,000,000 two-byte comments took a server 295 MB, about 74 bytes each). Characters are counted at 2 bytes.
 */
export const COMMENT_BYTES = 64;

/** What `f` costs the store's memory (load-budget.ts counts it). */
export function blockFactsCost(f: BlockFacts): number {
  let sum = BLOCK_FACTS_BYTES;
  if (f.comments) for (const c of f.comments) sum += COMMENT_BYTES + 2 * c.length;
  return sum;
}

