// Every corpus capture decoded in-process and compared with tshark 4.0, frame by frame: the fields
// `decode --jsonl` must carry, the TCP analysis flags, the detail fields (protocol stack, expert messages,
// bytes in flight, completeness, D-SACK, TFO), every field of IP reassembly, TCP desegmentation, DNS and
// HTTP, every other field the engine registers (protocol items too: tshark -e tcp prints the label), the Info / Protocol / Source / Destination columns and the number of frames (for a damaged file:
// the frames before the damage, as tshark shows them). The same tshark run gives the packet list's other
// columns (No., Time, Length), compared with the rows the frame store hands the app (the Time column at
// the capture's precision, cut as tshark cuts it).
import { afterAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { ANALYSIS_FIELDS, DETAIL_FIELDS, everyField, protocolFields, protocolItemFields, REQUIRED_FIELDS } from '../helpers/fields';
import { corpusFiles, decodeLenient, NOT_CAPTURES, rawFramesLenient } from '../helpers/corpus';
import { COLUMNS, describeMismatches, diffFields, hasTshark, tsharkFields, type FieldMismatch } from '../helpers/tshark';
import { staleKnown, unexplained } from '../helpers/known-differences';
import { FrameStore } from '../../main/engine/store/frame-store';
import type { StoreRow as FrameRow } from '../../main/engine/store/types';

/** tshark's packet-list columns and where a frame store row carries them. */
const ROW_COLUMNS: Readonly<Record<string, (r: FrameRow) => string>> = {
  '_ws.col.No.': (r) => String(r.number),
  '_ws.col.Time': (r) => r.timeText,
  '_ws.col.Length': (r) => String(r.length),
};

/** The packet-list rows the frame store gives for every frame of `file` (as the app loads it). */
function storeRows(file: string): FrameRow[] {
  const store = new FrameStore(null);
  const raws = rawFramesLenient(file);
  raws.forEach((raw) => store.add(raw, 0));
  return store.rows(raws.map((_, i) => i + 1));
}

/** Differences between tshark's column values (ROW_COLUMNS' order) and the store's rows. */
function diffRows(theirs: string[][][], rows: FrameRow[]): FieldMismatch[] {
  const diffs: FieldMismatch[] = [];
  const names = Object.keys(ROW_COLUMNS);
  rows.forEach((r, i) => names.forEach((name, j) => {
    const ours = ROW_COLUMNS[name](r), t = theirs[i]?.[j] ?? [];
    if ((t[0] ?? '') !== ours || t.length > 1) diffs.push({ frame: i + 1, field: name, ours: [ours], tshark: t });
  }));
  return diffs;
}

// The required, analysis and detail fields first (in that order, as reports list them), then every other one.
const FIELDS = [...new Set([...REQUIRED_FIELDS, ...ANALYSIS_FIELDS, ...DETAIL_FIELDS, ...protocolFields(), ...protocolItemFields(), ...everyField()]), ...Object.keys(COLUMNS)];
const files = corpusFiles().filter((f) => !NOT_CAPTURES.test(f.name));
const tsharkOk = hasTshark();
if (!tsharkOk) console.log('skipping the tshark field comparison: tshark is not installed');

// HL_MISMATCH_REPORT=FILE writes every difference found as JSON, for a summary across the corpus.
/** Files compared in this run (a -t filter may run only some). */
const seen = new Set<string>();
const all: Record<string, FieldMismatch[]> = {};
afterAll(() => {
  if (process.env.HL_MISMATCH_REPORT) writeFileSync(process.env.HL_MISMATCH_REPORT, JSON.stringify(all, null, 1));
});

describe.skipIf(!tsharkOk)('every corpus file equals tshark, field by field', () => {
  it('has a corpus to compare', () => {
    expect(files.length).toBeGreaterThan(50);
    expect(protocolFields().length, 'DNS, HTTP and reassembly fields').toBeGreaterThan(150);
    expect(protocolItemFields(), 'protocol items').toEqual(expect.arrayContaining(['frame', 'eth', 'ip', 'tcp', 'data', '_ws.malformed']));
  });
  for (const { path, name } of files) {
    it(name, () => {
      seen.add(name);
      const { frames } = decodeLenient(path);
      const both = tsharkFields(path, [...FIELDS, ...Object.keys(ROW_COLUMNS)]);
      const theirs = both.map((row) => row.slice(0, FIELDS.length));
      const diffs = unexplained(name, [...diffFields(theirs, frames, FIELDS), ...diffRows(both.map((row) => row.slice(FIELDS.length)), storeRows(path))]);
      if (diffs.length) all[name] = diffs;
      expect(theirs.length, `${name}: tshark shows no frames`).toBeGreaterThan(0);
      expect(diffs.length, describeMismatches(name, diffs)).toBe(0);
    });
  }
  it('has rows whose columns could differ (ns and mixed resolutions, records without a timestamp)', () => {
    const times = (name: string) => storeRows(files.find((f) => f.name === name)!.path).map((r) => r.timeText);
    expect(times('lab/ipv4-3seg-ns.pcap')[1]).toMatch(/^0\.\d{9}$/);
    expect(times('format/pcapng-spb.pcapng')[0]).toBe('');
  });
  it('needs every known difference it allows (a fixed one leaves the list)', () => {
    const compared = files.filter((f) => seen.has(f.name)).map((f) => f.name);
    expect(staleKnown(compared, false)).toEqual([]);
  });
});
