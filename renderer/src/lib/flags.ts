// TCP flag words as Wireshark's Info column writes them.
const FLAG_NAMES = ['FIN', 'SYN', 'RST', 'PSH', 'ACK', 'URG', 'ECE', 'CWR', 'AE'];

export function flagList(flags: number): string {
  const names: string[] = [];
  for (let b = 0; b < FLAG_NAMES.length; b++) if (flags & (1 << b)) names.push(FLAG_NAMES[b]);
  return names.length ? names.join(', ') : '<None>';
}

/**
 * The flags as the segment's label (the Info column's words) names them: "ACK, ACE=1" on an Accurate ECN
 * connection, whose three ECN bits are one counter; the bits' names when the label has no plain flag list.
 */
export function segmentFlags(seg: { flags: number; label: string }): string {
  const m = /^\[((?:[A-Z]{2,3}|ACE=\d|Reserved)?(?:, (?:[A-Z]{2,3}|ACE=\d|Reserved))*)\] Seq=/.exec(seg.label);
  const words = m ? m[1].replace(/^, /, '') : '';
  return words || flagList(seg.flags);
}

export const has = (flags: number, bit: number): boolean => (flags & bit) !== 0;
export const FIN = 0x001, SYN = 0x002, RST = 0x004, PSH = 0x008, ACK = 0x010;
