// What wiretap (tshark's file reader) does with a link type: known or not, pseudo-header bytes it takes
// off each frame, the largest frame it accepts. The numbers come from tshark itself (see linktypes.ts).
import { WIRETAP_LINKTYPES } from './linktypes';

export interface LinkInfo {
  /** tshark's frame.encap_type for this link type (0: unknown to wiretap). */
  encap: number;
  /** Pseudo-header bytes wiretap strips from the front of each frame (not part of frame.cap_len). */
  pseudoHeader: number;
  /** Largest captured length wiretap accepts; a bigger one means a damaged file. */
  maxFrame: number;
}

/** wiretap's standard frame limit (WTAP_MAX_PACKET_SIZE_STANDARD). */
export const STANDARD_MAX_FRAME = 262144;

const UNKNOWN: LinkInfo = { encap: 0, pseudoHeader: 0, maxFrame: STANDARD_MAX_FRAME };
const table = new Map<number, LinkInfo>();
for (const [linktype, encap, phdr, max] of WIRETAP_LINKTYPES) {
  // A pseudo-header of varying size (ERF) is left in the frame: we do not parse it.
  table.set(linktype, { encap, pseudoHeader: phdr > 0 ? phdr : 0, maxFrame: max });
}

/** Whether a classic pcap file with this link type opens in tshark at all. */
export function isKnownLinktype(linktype: number): boolean {
  return table.has(linktype);
}

/** wiretap's treatment of `linktype` (unknown link types: no pseudo-header, standard limit). */
export function linkInfo(linktype: number): LinkInfo {
  return table.get(linktype) ?? UNKNOWN;
}
