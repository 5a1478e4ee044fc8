// The one pattern that reads TCP flag words back from an Info column (the ladder's labels, the row colours, the
// Now panel's flags): on tshark's own Info texts of every corpus file, the words it finds must be exactly those
// of the segment's flag bits as tshark decoded them (ACE=n for an Accurate ECN connection's counter, Reserved),
// and every Info that speaks of the segment ("Seq=") must have its flag list found.
import { describe, expect, it } from 'vitest';
import { corpusFiles, NOT_CAPTURES } from '../helpers/corpus';
import { hasTshark, tsharkFields } from '../helpers/tshark';
import { infoFlagText, infoFlagWords } from '../../main/engine/store/labels';

/** tshark's names for the flag bits, lowest first (packet-tcp.c's tcp_flags_to_str in 4.0). */
const BIT_NAMES = ['FIN', 'SYN', 'RST', 'PSH', 'ACK', 'URG', 'ECE', 'CWR', 'AE'];
const RESERVED = 0xe00;

/** The words tshark's bits call for: on an Accurate ECN connection (tcp.flags.ace present) the ECN bits are one counter. */
function wordsOfBits(flags: number, ace: string | undefined): string[] {
  const out = BIT_NAMES.filter((_, b) => (ace === undefined || b < 6) && flags & (1 << b));
  if (ace !== undefined) out.push(`ACE=${ace}`);
  if (flags & RESERVED) out.push('Reserved');
  return out;
}

const files = corpusFiles().filter((f) => !NOT_CAPTURES.test(f.name));
const seen = new Set<string>();
let filesRead = 0;

describe.skipIf(!hasTshark())('the Info column\'s flag words', () => {
  it.each(files.map((f) => [f.name, f.path]))('%s: the words of tshark\'s flag bits', (_name, path) => {
    const rows = tsharkFields(path, ['_ws.col.Info', 'tcp.flags', 'tcp.flags.ace']);
    filesRead++;
    rows.forEach(([[info = ''], flags, ace], i) => {
      // A TCP header inside an ICMP error, or two in one frame (a tunnel), is not what the Info's list speaks of.
      if (flags.length !== 1) return;
      const text = infoFlagText(info);
      // tshark writes the list before " Seq=" (where an upper layer took the Info, there is neither).
      if (/ Seq=\d/.test(info)) expect(text, `frame ${i + 1}: ${info}`).toBeDefined();
      if (text === undefined) return;
      const words = infoFlagWords(info);
      expect(words, `frame ${i + 1}: ${info}`).toEqual(wordsOfBits(parseInt(flags[0], 16), ace[0]));
      // The list as written, which the ladder's label repeats: the words, "<None>" for none.
      expect(text.replace(/^, /, ''), `frame ${i + 1}`).toBe(words.length ? words.join(', ') : '<None>');
      if (text === '<None>') seen.add(text);
      words.forEach((w) => seen.add(w.replace(/=\d$/, '=n')));
    });
  });

  it('met every word tshark 4.0 writes somewhere in the corpus', (ctx) => {
    // Only after every file's test (not when a filter picked a few).
    if (filesRead < files.length) ctx.skip();
    expect([...seen].sort()).toEqual([...BIT_NAMES, 'ACE=n', 'Reserved', '<None>'].sort());
  });
});
