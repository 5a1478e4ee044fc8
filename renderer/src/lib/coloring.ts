// Wireshark's default colouring rules for the rows students will meet again in Wireshark:
// Bad TCP (analysis flags other than window updates / keep-alives), TCP RST, TCP SYN/FIN, TCP, other.
// Rows carry no flag bits: SYN, FIN and RST are read from the Info column's flag words (the engine's pattern).
// The contract's type itself (not ../api, which reaches the browser's globals): node-side tests read this file too.
import type { FrameRow } from '../../../main/api/types';
import { infoFlagWords } from '../../../main/engine/store/labels';

export type RowColor = 'bad' | 'rst' | 'synfin' | 'tcp' | 'other';

export function rowColor(r: Pick<FrameRow, 'protocol' | 'info' | 'analysis' | 'stream'>): RowColor {
  if (r.analysis.some((f) => f !== 'window_update' && f !== 'keep_alive' && f !== 'keep_alive_ack')) return 'bad';
  if (r.stream === null) return 'other';
  const flags = infoFlagWords(r.info);
  if (flags.includes('RST')) return 'rst';
  if (flags.includes('SYN') || flags.includes('FIN')) return 'synfin';
  return 'tcp';
}
