// pcapng option lists, walked the way wiretap walks them: an option that runs past its block, or a
// standard option with an impossible length, makes the whole block (and so the file) unreadable.

/** Custom option codes (string/binary, copyable or not): at least a 4-byte enterprise number. */
const CUSTOM_OPTIONS = new Set([2988, 2989, 19372, 19373]);

/** Checks one option's length for a block type; returns a problem or null. */
export type OptionCheck = (code: number, len: number, view: DataView, off: number) => string | null;

/** Enhanced/obsolete packet block options with fixed sizes (epb_flags, hash, dropcount, packetid, queue, verdict). */
export const packetOptionCheck: OptionCheck = (code, len, view, off) => {
  switch (code) {
    case 2: return len !== 4 ? `packet block flags option length ${len} is not 4` : null;
    case 3: return len < 1 ? `packet block hash option length ${len} is < 1` : null;
    case 4: return len !== 8 ? `packet block drop count option length ${len} is not 8` : null;
    case 5: return len !== 8 ? `packet block packet id option length ${len} is not 8` : null;
    case 6: return len !== 4 ? `packet block queue option length ${len} is not 4` : null;
    case 7: {
      if (len < 1) return `packet block verdict option length ${len} is < 1`;
      const kind = view.getUint8(off);
      return (kind === 1 || kind === 2) && len !== 9 ? `packet block verdict option length ${len} is != 9` : null;
    }
    default: return null;
  }
};

/** Interface description block options (if_filter needs its type byte). */
export const interfaceOptionCheck: OptionCheck = (code, len) => (code === 11 && len < 1 ? `interface filter option length ${len} is < 1` : null);

/**
 * Walks the options in [pos, end): calls `fn` for each until opt_endofopt or the end.
 * Returns null, or what is wrong (the caller turns it into a file error).
 */
export function walkOptions(view: DataView, pos: number, end: number, le: boolean,
  fn: ((code: number, off: number, len: number) => void) | null, check: OptionCheck | null): string | null {
  while (pos < end) {
    if (end - pos < 4) return 'not enough data for an option header';
    const code = view.getUint16(pos, le);
    const len = view.getUint16(pos + 2, le);
    pos += 4;
    const rounded = (len + 3) & ~3;
    if (rounded > end - pos) return `not enough data for an option of length ${len}`;
    if (code === 0) return null;
    if (CUSTOM_OPTIONS.has(code) && len < 4) return `option length (${len}) too small for a custom option`;
    if (check) {
      const problem = check(code, len, view, pos);
      if (problem) return problem;
    }
    if (fn) fn(code, pos, len);
    pos += rounded;
  }
  return null;
}
