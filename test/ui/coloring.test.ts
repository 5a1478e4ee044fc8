// The packet list's colours come from the flag words of the Info column (rows carry no flag bits): on
// tshark's own Info and flags, every TCP segment whose Info lists its flags before Seq= must be read as
// having exactly tshark's SYN, FIN and RST, Accurate ECN connections ("[FIN, ACK, ACE=1]") included.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { rowColor } from '../../renderer/src/lib/coloring';
import { infoFlagWords } from '../../main/engine/store/labels';
import { hasTshark, tsharkFields } from '../helpers/tshark';

const corpus = join(__dirname, '..', 'corpus');
const FILES = ['tcp/accecn-flags.pcap', 'tcp/accecn-options.pcap', 'tcp/syn-data-options.pcap', 'lab/ipv4-4seg.pcap'];

describe.skipIf(!hasTshark())('row colours from the Info column', () => {
  it.each(FILES)('%s: SYN, FIN and RST as tshark sets them', (file) => {
    const rows = tsharkFields(join(corpus, file), ['_ws.col.Info', 'tcp.stream', 'tcp.flags.syn', 'tcp.flags.fin', 'tcp.flags.reset']);
    let checked = 0;
    rows.forEach(([[info], stream, [syn], [fin], [rst]], i) => {
      if (!stream.length || !/\] Seq=\d/.test(info)) return;
      checked++;
      const words = infoFlagWords(info);
      const want = { SYN: syn === '1' || syn === 'True', FIN: fin === '1' || fin === 'True', RST: rst === '1' || rst === 'True' };
      expect({ SYN: words.includes('SYN'), FIN: words.includes('FIN'), RST: words.includes('RST') }, `frame ${i + 1}: ${info}`).toEqual(want);
      const color = rowColor({ protocol: 'TCP', info, analysis: [], stream: Number(stream[0]) });
      expect(color, `frame ${i + 1}`).toBe(want.RST ? 'rst' : want.SYN || want.FIN ? 'synfin' : 'tcp');
    });
    expect(checked).toBeGreaterThan(5);
  });
});
