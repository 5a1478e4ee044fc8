// The oracle: tshark 4.0's own view of a capture, for tests to compare the engine against.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DecodedFrame } from '../../main/engine/types';
import { occurrences } from './decode';

let available: boolean | undefined;
/** True when tshark can be run here. */
export function hasTshark(): boolean {
  if (available === undefined) available = spawnSync('tshark', ['--version'], { stdio: 'ignore' }).status === 0;
  return available;
}

// An empty configuration directory, so a developer's own Wireshark preferences never change the oracle.
const configDir = mkdtempSync(join(tmpdir(), 'hl-wireshark-'));
const AGG = '\u001f';

/** The environment tshark runs in: default preferences, C locale. */
export function tsharkEnv(): NodeJS.ProcessEnv {
  return { ...process.env, WIRESHARK_CONFIG_DIR: configDir, LC_ALL: 'C' };
}

/** Runs tshark with its default preferences and returns stdout. */
export function tshark(args: string[]): string {
  return execFileSync('tshark', args, {
    encoding: 'utf8',
    maxBuffer: 1 << 30,
    env: tsharkEnv(),
    stdio: ['ignore', 'pipe', 'ignore'],
  });
}

export interface TsharkRun {
  stdout: string;
  stderr: string;
  status: number | null;
}

/** Runs tshark with its default preferences; never throws for a non-zero exit (a damaged file still prints its good frames). */
export function tsharkRun(args: string[]): TsharkRun {
  const r = spawnSync('tshark', args, {
    encoding: 'utf8',
    maxBuffer: 1 << 30,
    env: tsharkEnv(),
  });
  return { stdout: r.stdout ?? '', stderr: r.stderr ?? '', status: r.status };
}

// tshark's words for a file it read only partly (its good frames are still printed, the exit code is 2).
const DAMAGE = /cut short|damaged or corrupt|bigger than|too small|isn't a capture file|unknown or unsupported|appears to be/i;

/**
 * `tshark -T fields -E occurrence=a` for `fields`: per frame, per field, the list of occurrences
 * (empty list when the field is absent), exactly as tshark prints them. For a damaged file: the frames
 * before the damage (tshark's own behaviour); any other tshark failure throws.
 */
export function tsharkFields(file: string, fields: string[], extra: string[] = []): string[][][] {
  const args = ['-r', file, '-n', '-T', 'fields', '-E', 'occurrence=a', '-E', `aggregator=${AGG}`, '-E', 'separator=\t', '-E', 'quote=n', ...extra];
  for (const f of fields) args.push('-e', f);
  const run = tsharkRun(args);
  if (run.status !== 0 && !DAMAGE.test(run.stderr)) throw new Error(`tshark ${args.join(' ')} failed (${run.status}): ${run.stderr.trim()}`);
  const out = run.stdout;
  const lines = out.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines.map((line) => line.split('\t').map((cell) => (cell === '' ? [] : cell.split(AGG))));
}

/** tshark's summary columns as `-e` fields, and where a DecodedFrame carries them. */
export const COLUMNS: Readonly<Record<string, (f: DecodedFrame) => string>> = {
  '_ws.col.Info': (f) => f.info,
  '_ws.col.Protocol': (f) => f.protocol,
  '_ws.col.Source': (f) => f.src,
  '_ws.col.Destination': (f) => f.dst,
};

/** Formats mismatches for a test message: at most `max` characters, one line per difference. */
export function describeMismatches(file: string, diffs: FieldMismatch[], max = 6000): string {
  const lines = diffs.map((d) => `${file} frame ${d.frame} ${d.field}: ours ${JSON.stringify(d.ours)} vs tshark ${JSON.stringify(d.tshark)}`);
  let text = `${diffs.length} mismatches\n`;
  for (const line of lines) {
    const l = line.length > 400 ? line.slice(0, 400) + '…' : line;
    if (text.length + l.length > max) { text += `… and more (${diffs.length} in all)\n`; break; }
    text += l + '\n';
  }
  return text;
}

export interface FieldMismatch {
  frame: number;
  field: string;
  ours: string[];
  tshark: string[];
}

/** Compares our values of `fields` with tshark's, frame by frame; returns every difference. */
export function compareWithTshark(file: string, frames: DecodedFrame[], fields: string[], extra: string[] = []): FieldMismatch[] {
  return diffFields(tsharkFields(file, fields, extra), frames, fields);
}

/**
 * Differences between tshark's `-T fields` rows (from tsharkFields for `fields`) and our frames.
 * `_ws.col.*` names compare with the frame's summary columns (Info, Protocol, Source, Destination).
 */
export function diffFields(theirs: string[][][], frames: DecodedFrame[], fields: string[]): FieldMismatch[] {
  const diffs: FieldMismatch[] = [];
  if (theirs.length !== frames.length) {
    diffs.push({ frame: 0, field: 'frame count', ours: [String(frames.length)], tshark: [String(theirs.length)] });
  }
  const n = Math.min(theirs.length, frames.length);
  for (let i = 0; i < n; i++) {
    fields.forEach((field, j) => {
      const col = COLUMNS[field];
      let ours = col ? [col(frames[i])].filter((v) => v !== '') : occurrences(frames[i], field).map((v) => (v === null ? '' : String(v)));
      // A lone empty value prints as nothing in tshark -T fields, as an absent field does ("Request URI: " of "GET ").
      if (ours.length === 1 && ours[0] === '') ours = [];
      const t = theirs[i][j] ?? [];
      if (ours.length !== t.length || ours.some((v, k) => v !== t[k])) diffs.push({ frame: i + 1, field, ours, tshark: t });
    });
  }
  return diffs;
}
