// Lines of text protocols as Wireshark's tvb_find_line_end finds them (CR, LF or CRLF ends a line).

/** tvb_find_line_end: the line's length and where the next one starts; null when `deseg` and no end was found. */
export function findLineEnd(d: Uint8Array, off: number, end: number, deseg: boolean): { len: number; next: number } | null {
  for (let i = off; i < end; i++) {
    const b = d[i];
    if (b === 0x0a) return { len: i - off, next: i + 1 };
    if (b === 0x0d) {
      if (i + 1 < end) return { len: i - off, next: d[i + 1] === 0x0a ? i + 2 : i + 1 };
      // A CR at the very end may be half of a CRLF.
      return deseg ? null : { len: i - off, next: i + 1 };
    }
  }
  return deseg ? null : { len: end - off, next: end };
}
