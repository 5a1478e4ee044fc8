// Each layer's title (the line a tree row shows for the protocol) equals tshark's PDML "showname" for
// the layers every lesson shows: frame, Ethernet, IPv4, IPv6, TCP, UDP. Compared on the lab and TCP
// captures, frame by frame, in layer order (a quoted header inside ICMP is not a layer here).
import { describe, expect, it } from 'vitest';
import { corpusFiles, decodeLenient } from '../helpers/corpus';
import { hasTshark, tsharkRun } from '../helpers/tshark';
import { KNOWN_DIFFERENCES } from '../helpers/known-differences';

const COMPARED = new Set(['frame', 'eth', 'ip', 'ipv6', 'tcp', 'udp']);
const files = corpusFiles().filter((f) => /^(lab|tcp)\//.test(f.name));

const unescape = (s: string) => s.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&apos;/g, "'").replace(/&amp;/g, '&');

/** Per frame, the top-level protocols' shownames in order (tshark -n -T pdml). */
function tsharkTitles(file: string): { proto: string; title: string }[][] {
  const pdml = tsharkRun(['-n', '-r', file, '-T', 'pdml']).stdout;
  return pdml.split('<packet>').slice(1).map((packet) => {
    const out: { proto: string; title: string }[] = [];
    // Top-level protos sit two spaces in; nested ones (inside ICMP) deeper.
    for (const m of packet.matchAll(/^ {2}<proto name="([^"]+)" showname="([^"]*)"/gm)) {
      if (COMPARED.has(m[1])) out.push({ proto: m[1], title: unescape(m[2]) });
    }
    return out;
  });
}

describe.skipIf(!hasTshark())('layer titles equal tshark\'s shownames', () => {
  it('has captures to compare', () => expect(files.length).toBeGreaterThan(10));
  for (const file of files) {
    it(file.name, () => {
      const want = tsharkTitles(file.path);
      const { frames } = decodeLenient(file.path);
      expect(frames.length).toBe(want.length);
      const got = frames.map((f) => f.layers.filter((l) => COMPARED.has(l.protocol)).map((l) => ({ proto: l.protocol, title: l.title })));
      // Frames whose every field is a known difference (IP reassembly, quoted headers) are left out.
      const known = new Set(KNOWN_DIFFERENCES.filter((k) => k.fields === '*' && file.name.endsWith(k.file)).flatMap((k) => k.frames));
      const diffs = got.flatMap((g, i) => (known.has(i + 1) || JSON.stringify(g) === JSON.stringify(want[i]) ? [] : [{ frame: i + 1, got: g, want: want[i] }]));
      expect(diffs.slice(0, 3)).toEqual([]);
    });
  }
});
