// The built CLI's `decode FILE --fields …` against `tshark -T fields -E occurrence=a -e …` on every corpus
// capture: the same text, line for line (differences only where known-differences lists them), and the
// --jsonl form holding the same values. Needs `npm run build` first (`npm test` runs it).
import { describe, expect, it } from 'vitest';
import { cli, cliBuilt } from '../helpers/cli';
import { join } from 'node:path';
import { everyField, protocolItemFields } from '../helpers/fields';
import { isProtocolField } from '../../main/engine/fields/occurrences';
import { CORPUS, corpusFiles, NOT_CAPTURES } from '../helpers/corpus';
import { describeMismatches, hasTshark, tsharkRun, type FieldMismatch } from '../helpers/tshark';
import { unexplained } from '../helpers/known-differences';

const tsharkOk = hasTshark();
if (!cliBuilt) console.log('skipping decode --fields: the CLI is not built (run `npm run build`)');
if (!tsharkOk) console.log('skipping decode --fields against tshark: tshark is not installed');

const lines = (text: string) => text.split('\n').filter((l, i, all) => i < all.length - 1 || l !== '');
const files = corpusFiles().filter((f) => !NOT_CAPTURES.test(f.name));
const damaged = (name: string) => /(truncat|damag)/.test(name);

const COLUMN_FIELDS = ['_ws.col.No.', '_ws.col.Source', '_ws.col.Destination', '_ws.col.Protocol', '_ws.col.Length', '_ws.col.Info'];

/** Captures with every kind of protocol item (labels, bare names, Data, malformed, comments, link types): -e tcp, -e eth… */
const PROTOCOL_ITEM_FILES = /^(lab|link|noise|bad)\/|pcapng-blocks|snaplen-icmp|ipv6-ext|edge/;

describe.skipIf(!cliBuilt || !tsharkOk)('decode --fields prints what tshark -T fields prints', () => {
  const cases = [
    // Every field but the protocol items: values collected without building the tree (the fast path).
    ...files.map((f) => ({ ...f, fields: everyField().filter((n) => !isProtocolField(n)), what: '' })),
    // Protocol items print their labels, read off the built tree.
    ...files.filter((f) => PROTOCOL_ITEM_FILES.test(f.name)).map((f) => ({ ...f, fields: ['frame.number', ...protocolItemFields()], what: ' (protocol items)' })),
    // The summary columns by tshark's _ws.col.* names, and a name given twice (printed at its last place only).
    ...files.map((f) => ({ ...f, fields: [...COLUMN_FIELDS, 'tcp.stream', 'frame.len', 'tcp.stream'], what: ' (columns)' })),
  ];
  for (const { path, name, fields, what } of cases) {
    it(name + what, () => {
      const ours = cli(['decode', path, '--fields', fields.join(',')]);
      expect(ours.status, ours.stderr).toBe(damaged(name) ? 2 : 0);
      const args = ['-r', path, '-n', '-T', 'fields', '-E', 'occurrence=a'];
      for (const f of fields) args.push('-e', f);
      const theirs = lines(tsharkRun(args).stdout);
      const mine = lines(ours.stdout);
      expect(mine.length, `${name}: frames`).toBe(theirs.length);
      const diffs: FieldMismatch[] = [];
      theirs.forEach((line, i) => {
        if (line === mine[i]) return;
        const t = line.split('\t'), o = mine[i].split('\t');
        fields.forEach((field, j) => {
          if (t[j] !== o[j]) diffs.push({ frame: i + 1, field, ours: [o[j] ?? ''], tshark: [t[j] ?? ''] });
        });
        if (o.length !== t.length) diffs.push({ frame: i + 1, field: 'columns', ours: [String(o.length)], tshark: [String(t.length)] });
      });
      const left = unexplained(name, diffs);
      expect(left.length, describeMismatches(name, left)).toBe(0);
    });
  }
});

describe.skipIf(!cliBuilt)('decode --fields --jsonl', () => {
  it('holds the same values as the tab-separated form, fields absent from a frame left out', () => {
    const file = join(CORPUS, 'tcp', 'lossy-sim.pcap');
    const names = ['frame.number', 'ip.src', 'tcp.srcport', 'tcp.options.sack_le', 'tcp.analysis.retransmission', 'tcp.flags', 'frame.protocols'];
    const tsv = lines(cli(['decode', file, '--fields', names.join(',')]).stdout);
    const json = lines(cli(['decode', file, '--fields', names.join(','), '--jsonl']).stdout).map((l) => JSON.parse(l) as { frame: number; fields: Record<string, unknown[]> });
    expect(json.length).toBe(tsv.length);
    expect(json.length).toBeGreaterThan(10);
    let sacks = 0;
    json.forEach((obj, i) => {
      expect(obj.frame).toBe(i + 1);
      const cells = tsv[i].split('\t');
      names.forEach((n, j) => {
        const values = obj.fields[n];
        if (cells[j] === '') expect(values, `${n} of frame ${i + 1}`).toBeUndefined();
        else expect(values.map(String).join(','), `${n} of frame ${i + 1}`).toBe(cells[j]);
      });
      if ((obj.fields['tcp.options.sack_le'] ?? []).length > 0) sacks++;
    });
    // The file has SACK blocks: the repeated-field path is exercised.
    expect(sacks).toBeGreaterThan(0);
  });

  it('names unknown fields and exits 2 without output', () => {
    const r = cli(['decode', join(CORPUS, 'tcp', 'lossy-sim.pcap'), '--fields', 'tcp.srcport,tcp.bogus,smb2.cmd']);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain("'tcp.bogus'");
    expect(r.stderr).toContain("'smb2.cmd'");
    expect(cli(['decode', join(CORPUS, 'tcp', 'lossy-sim.pcap'), '--fields', ',']).status).toBe(2);
  });
});
