// Wireshark's default colouring rules for the rows students will meet again in Wireshark:
// Bad TCP (analysis flags other than window updates / keep-alives), TCP RST, TCP SYN/FIN, TCP, other.
// The contract's type itself (not ../api, which reaches the browser's globals): node-side tests read this file too.
import type { FrameRow } from '../../../main/api/types';

export type RowColor = 'bad' | 'rst' | 'synfin' | 'tcp' | 'other';

const FLAG_WORD = '(?:FIN|SYN|RST|PSH|ACK|URG|ECE|CWR|AE|NS|ACE=\\d|Reserved)';
/**
 * The flag list in the Info column: "[SYN, ACK]" → ["SYN", "ACK"]; on an Accurate ECN connection
 * "[FIN, ACK, ACE=1]" → ["FIN", "ACK", "ACE=1"], and "[, ACE=0]" (no other flag, as tshark 4.0 writes it) → ["ACE=0"].
 */
const INFO_FLAGS = new RegExp(`\\[(${FLAG_WORD}?(?:, ${FLAG_WORD})*)\\] Seq=`);
export function infoFlags(info: string): string[] {
  const m = INFO_FLAGS.exec(info);
  return m ? m[1].split(', ').filter((w) => w !== '') : [];
}

export function rowColor(r: Pick<FrameRow, 'protocol' | 'info' | 'analysis' | 'stream'>): RowColor {
  if (r.analysis.some((f) => f !== 'window_update' && f !== 'keep_alive' && f !== 'keep_alive_ack')) return 'bad';
  if (r.stream === null) return 'other';
  const flags = infoFlags(r.info);
  if (flags.includes('RST')) return 'rst';
  if (flags.includes('SYN') || flags.includes('FIN')) return 'synfin';
  return 'tcp';
}
