// Every item of every corpus frame's detail tree has the text `tshark -V` prints for it, at the same
// depth, and carries the generated mark where tshark brackets the item (DECISIONS, "Tree texts"):
// layer titles, header fields, flags, options, SEQ/ACK analysis, timestamps, completeness, expert info.
// Hidden items are not part of the tree on either side. One -V and one PDML run per file.
import { afterAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { corpusFiles, decodeLenient, NOT_CAPTURES } from '../helpers/corpus';
import { hasTshark } from '../helpers/tshark';
import { describeTreeMismatches, diffTrees, ourTree, tsharkTree, type TreeMismatch } from '../helpers/tshark-tree';
import { staleKnown, unexplainedInTree } from '../helpers/known-differences';

const files = corpusFiles().filter((f) => !NOT_CAPTURES.test(f.name));
const tsharkOk = hasTshark();
if (!tsharkOk) console.log('skipping the tshark tree comparison: tshark is not installed');

// HL_TREE_REPORT=FILE writes every difference found as JSON, for a summary across the corpus.
/** Files compared in this run (a -t filter may run only some). */
const seen = new Set<string>();
const all: Record<string, TreeMismatch[]> = {};
afterAll(() => {
  if (process.env.HL_TREE_REPORT) writeFileSync(process.env.HL_TREE_REPORT, JSON.stringify(all, null, 1));
});

describe.skipIf(!tsharkOk)('every corpus frame\'s detail tree equals tshark -V, item by item', () => {
  it('has a corpus to compare', () => {
    expect(files.length).toBeGreaterThan(50);
  });
  for (const { path, name } of files) {
    it(name, async () => {
      seen.add(name);
      const theirs = await tsharkTree(path);
      const { frames } = decodeLenient(path);
      expect(theirs.length, `${name}: tshark shows no frames`).toBeGreaterThan(0);
      const diffs = unexplainedInTree(name, diffTrees(frames.map(ourTree), theirs));
      if (diffs.length) all[name] = diffs;
      expect(diffs.length, describeTreeMismatches(name, diffs)).toBe(0);
    });
  }
  it('needs every known difference it allows (a fixed one leaves the list)', () => {
    const compared = files.filter((f) => seen.has(f.name)).map((f) => f.name);
    expect(staleKnown(compared, true)).toEqual([]);
  });
});
