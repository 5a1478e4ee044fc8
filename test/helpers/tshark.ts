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

/** Runs tshark with its default preferences and returns stdout. */
export function tshark(args: string[]): string {
  return execFileSync('tshark', args, {
    encoding: 'utf8',
    maxBuffer: 1 << 30,
    env: { ...process.env, WIRESHARK_CONFIG_DIR: configDir, LC_ALL: 'C' },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
}

/**
 * `tshark -T fields -E occurrence=a` for `fields`: per frame, per field, the list of occurrences
 * (empty list when the field is absent), exactly as tshark prints them.
 */
export function tsharkFields(file: string, fields: string[], extra: string[] = []): string[][][] {
  const args = ['-r', file, '-n', '-T', 'fields', '-E', 'occurrence=a', '-E', `aggregator=${AGG}`, '-E', 'separator=\t', '-E', 'quote=n', ...extra];
  for (const f of fields) args.push('-e', f);
  const out = tshark(args);
  const lines = out.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines.map((line) => line.split('\t').map((cell) => (cell === '' ? [] : cell.split(AGG))));
}

export interface FieldMismatch {
  frame: number;
  field: string;
  ours: string[];
  tshark: string[];
}

/** Compares our values of `fields` with tshark's, frame by frame; returns every difference. */
export function compareWithTshark(file: string, frames: DecodedFrame[], fields: string[], extra: string[] = []): FieldMismatch[] {
  const theirs = tsharkFields(file, fields, extra);
  const diffs: FieldMismatch[] = [];
  if (theirs.length !== frames.length) {
    diffs.push({ frame: 0, field: 'frame count', ours: [String(frames.length)], tshark: [String(theirs.length)] });
  }
  const n = Math.min(theirs.length, frames.length);
  for (let i = 0; i < n; i++) {
    fields.forEach((field, j) => {
      const ours = occurrences(frames[i], field).map((v) => (v === null ? '' : String(v)));
      const t = theirs[i][j] ?? [];
      if (ours.length !== t.length || ours.some((v, k) => v !== t[k])) diffs.push({ frame: i + 1, field, ours, tshark: t });
    });
  }
  return diffs;
}
