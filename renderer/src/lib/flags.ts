// TCP flag words as Wireshark's Info column writes them: the engine's own words and pattern (main/engine/store/labels.ts).
import { flagList, infoFlagWords } from '../../../main/engine/store/labels';

/**
 * The flags as the segment's label (the Info column's words) names them: "ACK, ACE=1" on an Accurate ECN
 * connection, whose three ECN bits are one counter; the bits' names when the label has no plain flag list.
 */
export function segmentFlags(seg: { flags: number; label: string }): string {
  return infoFlagWords(seg.label).join(', ') || flagList(seg.flags);
}

export const has = (flags: number, bit: number): boolean => (flags & bit) !== 0;
export const FIN = 0x001, SYN = 0x002, RST = 0x004, PSH = 0x008, ACK = 0x010;
