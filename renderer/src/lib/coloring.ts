// Wireshark's default colouring rules for the rows students will meet again in Wireshark:
// Bad TCP (analysis flags other than window updates / keep-alives), TCP RST, TCP SYN/FIN, TCP, other.
import type { FrameRow } from '../api';

export type RowColor = 'bad' | 'rst' | 'synfin' | 'tcp' | 'other';

/** The flag list in the Info column: "[SYN, ACK]" → ["SYN", "ACK"]. */
export function infoFlags(info: string): string[] {
  const m = /\[((?:FIN|SYN|RST|PSH|ACK|URG|ECE|CWR|AE|NS)(?:, (?:FIN|SYN|RST|PSH|ACK|URG|ECE|CWR|AE|NS))*)\]/.exec(info);
  return m ? m[1].split(', ') : [];
}

export function rowColor(r: Pick<FrameRow, 'protocol' | 'info' | 'analysis' | 'stream'>): RowColor {
  if (r.analysis.some((f) => f !== 'window_update' && f !== 'keep_alive' && f !== 'keep_alive_ack')) return 'bad';
  if (r.stream === null) return 'other';
  const flags = infoFlags(r.info);
  if (flags.includes('RST')) return 'rst';
  if (flags.includes('SYN') || flags.includes('FIN')) return 'synfin';
  return 'tcp';
}
