// The built CLI against tshark: `decode FILE --jsonl` (one JSON line per frame, field values equal to
// tshark's), `stats FILE --json` (frames and bytes per conversation equal to `tshark -q -z conv,tcp`), and
// the error paths (exit code 2, one line on stderr naming the file; good frames first for a damaged file).
// Needs `npm run build` first (`npm test` runs it).
import { describe, expect, it } from 'vitest';
import { cli, cliBuilt } from '../helpers/cli';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { DecodedFrame } from '../../main/engine/types';
import { ANALYSIS_FIELDS, REQUIRED_FIELDS } from '../helpers/fields';
import { CORPUS, corpusFiles, NOT_CAPTURES } from '../helpers/corpus';
import { COLUMNS, describeMismatches, diffFields, hasTshark, tsharkFields, tsharkRun } from '../helpers/tshark';
import { KNOWN_STATS_DIFFERENCES, unexplained, unexplainedInTree } from '../helpers/known-differences';
import { describeTreeMismatches, diffTrees, ourTree, tsharkTree } from '../helpers/tshark-tree';

const tsharkOk = hasTshark();
if (!cliBuilt) console.log('skipping the built-CLI tests: the CLI is not built (run `npm run build`)');
if (!tsharkOk) console.log('skipping the CLI-vs-tshark tests: tshark is not installed');

const FIELDS = [...REQUIRED_FIELDS, ...ANALYSIS_FIELDS, ...Object.keys(COLUMNS)];
const files = corpusFiles().filter((f) => !NOT_CAPTURES.test(f.name));
const damaged = (name: string) => /(truncat|damag)/.test(name);

describe.skipIf(!cliBuilt || !tsharkOk)('decode --jsonl equals tshark', () => {
  for (const { path, name } of files) {
    it(name, () => {
      const r = cli(['decode', path, '--jsonl']);
      const lines = r.stdout.split('\n').filter((l) => l !== '');
      const frames = lines.map((l) => JSON.parse(l) as DecodedFrame);
      expect(frames.map((f) => f.frame)).toEqual(frames.map((_, i) => i + 1));
      const theirs = tsharkFields(path, FIELDS);
      expect(frames.length, `${name}: frame count`).toBe(theirs.length);
      const diffs = unexplained(name, diffFields(theirs, frames, FIELDS));
      expect(diffs.length, describeMismatches(name, diffs)).toBe(0);
      if (damaged(name)) {
        expect(r.status).toBe(2);
        expect(r.stderr.trim().split('\n')).toHaveLength(1);
      } else {
        expect(r.status, r.stderr).toBe(0);
      }
    });
  }
});

// The tree as `decode --jsonl` prints it (not only as the engine holds it): every item's text as tshark -V
// prints it and "generated": true exactly where tshark brackets the item, so nothing is lost on the way
// to JSON. A few files with analysis, expert, completeness and snaplen-cut items; the engine's tree over
// the whole corpus is test/engine/tshark-tree.test.ts.
describe.skipIf(!cliBuilt || !tsharkOk)('decode --jsonl prints tshark -V\'s tree, generated items marked', () => {
  for (const name of ['tcp/lossy-sim.pcap', 'tcp/refused.pcap', 'format/pcap-snaplen-payload.pcap', 'noise/ping6.pcap']) {
    it(name, async () => {
      const path = join(CORPUS, name);
      const r = cli(['decode', path, '--jsonl']);
      expect(r.status, r.stderr).toBe(0);
      const frames = r.stdout.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as DecodedFrame);
      const generated = frames.flatMap(ourTree).filter((l) => l.generated);
      expect(generated.length, `${name}: generated items`).toBeGreaterThan(frames.length);
      const diffs = unexplainedInTree(name, diffTrees(frames.map(ourTree), await tsharkTree(path)));
      expect(diffs.length, describeTreeMismatches(name, diffs)).toBe(0);
    });
  }
});

interface TsharkConv { a: string; b: string; framesBA: number; bytesBA: string; framesAB: number; bytesAB: string; start: number; duration: number }

/** The rows of `tshark -q -z conv,tcp`: A <-> B, then "<-" (B to A) and "->" (A to B) frames and bytes. */
function tsharkConversations(file: string): TsharkConv[] {
  const out = tsharkRun(['-r', file, '-n', '-q', '-z', 'conv,tcp']).stdout;
  const rows: TsharkConv[] = [];
  const re = /^(\S+)\s+<->\s+(\S+)\s+(\d+)\s+(\d+ \S+)\s+(\d+)\s+(\d+ \S+)\s+(\d+)\s+(\d+ \S+)\s+(-?[\d.]+)\s+(-?[\d.]+)\s*$/;
  for (const line of out.split('\n')) {
    const m = re.exec(line);
    if (m) rows.push({ a: m[1], b: m[2], framesBA: +m[3], bytesBA: m[4], framesAB: +m[5], bytesAB: m[6], start: +m[9], duration: +m[10] });
  }
  return rows;
}

/** "[::1]:80" and tshark's "::1:80" as one spelling. */
const endpoint = (s: string) => s.replace(/^\[(.*)\]:(\d+)$/, '$1:$2');

/** tshark 4.0 prints "2990 bytes" exactly but "42 kB" rounded: an exact count must round to the same. */
function sameBytes(ours: number, theirs: string): boolean {
  const [n, unit] = theirs.split(' ');
  const scale: Record<string, number> = { bytes: 1, kB: 1e3, MB: 1e6, GB: 1e9 };
  if (unit === 'bytes') return ours === Number(n);
  return Math.abs(ours / scale[unit] - Number(n)) < 1;
}

interface OurConv { stream: number; a: string; b: string; framesAB: number; bytesAB: number; framesBA: number; bytesBA: number; frames: number; bytes: number; start: number; duration: number }

describe.skipIf(!cliBuilt || !tsharkOk)('stats --json equals tshark -z conv,tcp', () => {
  for (const { path, name } of files) {
    const theirs = tsharkConversations(path);
    if (theirs.length === 0) continue;
    const known = KNOWN_STATS_DIFFERENCES.find((k) => name.endsWith(k.file));
    it.skipIf(known !== undefined)(known ? `${name} (known difference: ${known.reason})` : name, () => {
      const r = cli(['stats', path, '--json']);
      expect(r.status, r.stderr).toBe(damaged(name) ? 2 : 0);
      const ours = (JSON.parse(r.stdout) as { conversations: OurConv[] }).conversations;
      expect(ours.length, `${name}: conversations`).toBe(theirs.length);
      const problems: string[] = [];
      for (const t of theirs) {
        const o = ours.find((c) => new Set([endpoint(c.a), endpoint(c.b)]).has(t.a) && new Set([endpoint(c.a), endpoint(c.b)]).has(t.b) &&
          Math.abs(c.start - t.start) < 1e-6);
        if (!o) { problems.push(`no conversation ${t.a} <-> ${t.b} starting at ${t.start}`); continue; }
        const flip = endpoint(o.a) !== t.a;
        const ab = flip ? [o.framesBA, o.bytesBA] : [o.framesAB, o.bytesAB];
        const ba = flip ? [o.framesAB, o.bytesAB] : [o.framesBA, o.bytesBA];
        const what = `${t.a} <-> ${t.b}`;
        if (ab[0] !== t.framesAB || ba[0] !== t.framesBA) problems.push(`${what}: frames -> ${ab[0]} <- ${ba[0]}, tshark -> ${t.framesAB} <- ${t.framesBA}`);
        if (!sameBytes(ab[1], t.bytesAB) || !sameBytes(ba[1], t.bytesBA)) problems.push(`${what}: bytes -> ${ab[1]} <- ${ba[1]}, tshark -> ${t.bytesAB} <- ${t.bytesBA}`);
        if (o.frames !== t.framesAB + t.framesBA || o.bytes !== ab[1] + ba[1]) problems.push(`${what}: totals ${o.frames} frames ${o.bytes} bytes`);
        if (Math.abs(o.duration - t.duration) > 0.00006) problems.push(`${what}: duration ${o.duration}, tshark ${t.duration}`);
      }
      expect(problems, problems.join('\n')).toEqual([]);
    });
  }
});

describe.skipIf(!cliBuilt)('CLI errors: exit code 2 and one line naming the file', () => {
  const bad = join(CORPUS, 'bad');
  const oneLine = (stderr: string, file: string) => {
    const lines = stderr.trim().split('\n');
    expect(lines, stderr).toHaveLength(1);
    expect(lines[0]).toContain(file);
    expect(lines[0]).not.toMatch(/\n\s+at /);
  };
  for (const cmd of [['decode', '--jsonl'], ['decode'], ['stats', '--json']]) {
    const run = (file: string) => cli([cmd[0], file, ...cmd.slice(1)]);
    it(`${cmd.join(' ')}: a file that does not exist`, () => {
      const f = join(bad, 'no-such-file.pcap');
      const r = run(f);
      expect(r.status).toBe(2);
      oneLine(r.stderr, f);
    });
    it(`${cmd.join(' ')}: a directory`, () => {
      const r = run(bad);
      expect(r.status).toBe(2);
      oneLine(r.stderr, bad);
    });
    it(`${cmd.join(' ')}: an empty file`, () => {
      const f = join(bad, 'empty.pcap');
      const r = run(f);
      expect(r.status).toBe(2);
      oneLine(r.stderr, f);
      if (cmd[1] === '--jsonl') expect(r.stdout).toBe('');
    });
    it(`${cmd.join(' ')}: wrong magic`, () => {
      const f = join(bad, 'bad-magic.pcap');
      const r = run(f);
      expect(r.status).toBe(2);
      oneLine(r.stderr, f);
      if (cmd[1] === '--jsonl') expect(r.stdout).toBe('');
    });
  }
  // Damaged files: every good frame is printed, then one line with the file and the byte offset of the damage.
  const cases: [string, number][] = [
    ['truncated-record.pcap', 46], // the last record starts 46 bytes before the end (16-byte header + 30 bytes)
    ['truncated-header.pcap', 9],  // the last record header is cut at 9 bytes
    ['damaged-trailing-garbage.pcap', 65],
    ['truncated-block.pcapng', -1],
    ['damaged-trailing-garbage.pcapng', -1],
  ];
  for (const [name, fromEnd] of cases) {
    it.skipIf(!tsharkOk)(`decode --jsonl: ${name} prints the good frames (as many as tshark) then the offset`, () => {
      const f = join(bad, name);
      const r = cli(['decode', f, '--jsonl']);
      expect(r.status).toBe(2);
      oneLine(r.stderr, f);
      const good = tsharkFields(f, ['frame.number']).length;
      expect(r.stdout.split('\n').filter((l) => l).length).toBe(good);
      const size = statSync(f).size;
      const numbers = (r.stderr.match(/\d+/g) ?? []).map(Number);
      if (fromEnd > 0) expect(numbers, r.stderr).toContain(size - fromEnd);
      else expect(numbers.some((n) => n > 24 && n <= size), `${r.stderr}: an offset inside the file`).toBe(true);
    });
  }
});
