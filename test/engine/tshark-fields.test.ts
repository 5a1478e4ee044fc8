// Every corpus capture decoded in-process and compared with tshark 4.0, frame by frame: the fields
// `decode --jsonl` must carry, the TCP analysis flags, the detail fields (protocol stack, expert messages,
// bytes in flight, completeness, D-SACK, TFO), every field of IP reassembly, TCP desegmentation, DNS and
// HTTP, the Info / Protocol / Source / Destination columns and the number of frames (for a damaged file:
// the frames before the damage, as tshark shows them).
import { afterAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { ANALYSIS_FIELDS, DETAIL_FIELDS, protocolFields, REQUIRED_FIELDS } from '../helpers/fields';
import { corpusFiles, decodeLenient, NOT_CAPTURES } from '../helpers/corpus';
import { COLUMNS, describeMismatches, diffFields, hasTshark, tsharkFields, type FieldMismatch } from '../helpers/tshark';
import { unexplained } from '../helpers/known-differences';

const FIELDS = [...REQUIRED_FIELDS, ...ANALYSIS_FIELDS, ...DETAIL_FIELDS, ...protocolFields(), ...Object.keys(COLUMNS)];
const files = corpusFiles().filter((f) => !NOT_CAPTURES.test(f.name));
const tsharkOk = hasTshark();
if (!tsharkOk) console.log('skipping the tshark field comparison: tshark is not installed');

// HL_MISMATCH_REPORT=FILE writes every difference found as JSON, for a summary across the corpus.
const all: Record<string, FieldMismatch[]> = {};
afterAll(() => {
  if (process.env.HL_MISMATCH_REPORT) writeFileSync(process.env.HL_MISMATCH_REPORT, JSON.stringify(all, null, 1));
});

describe.skipIf(!tsharkOk)('every corpus file equals tshark, field by field', () => {
  it('has a corpus to compare', () => {
    expect(files.length).toBeGreaterThan(50);
    expect(protocolFields().length, 'DNS, HTTP and reassembly fields').toBeGreaterThan(150);
  });
  for (const { path, name } of files) {
    it(name, () => {
      const { frames } = decodeLenient(path);
      const theirs = tsharkFields(path, FIELDS);
      const diffs = unexplained(name, diffFields(theirs, frames, FIELDS));
      if (diffs.length) all[name] = diffs;
      expect(theirs.length, `${name}: tshark shows no frames`).toBeGreaterThan(0);
      expect(diffs.length, describeMismatches(name, diffs)).toBe(0);
    });
  }
});
