// `npm test` must leave the working tree as it found it: tests write only to temporary folders (the
// README's screenshots are made by `npm run screenshots`). With HANDSHAKE_LAB_CHECK_CLEAN_TREE set (npm
// test sets it), the run fails when a file git sees was added, changed or removed while it ran.
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');

/** Every path `git status` reports, with its size and modification time (or 'gone'). */
export function treeState(root = ROOT): Map<string, string> | null {
  const r = spawnSync('git', ['status', '--porcelain=v1', '-z', '--untracked-files=all'], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) return null; // not a git checkout (e.g. an unpacked release): nothing to compare
  const state = new Map<string, string>();
  const entries = r.stdout.split('\0').filter(Boolean);
  for (let i = 0; i < entries.length; i++) {
    const status = entries[i].slice(0, 2);
    const path = entries[i].slice(3);
    if (status.startsWith('R') || status.startsWith('C')) i++; // the next entry is the old name
    let st = 'gone';
    try {
      const s = statSync(join(root, path));
      st = `${s.size}:${s.mtimeMs}`;
    } catch { /* deleted */ }
    state.set(path, `${status} ${st}`);
  }
  return state;
}

/** Paths whose state differs between two snapshots. */
export function changedPaths(before: Map<string, string>, after: Map<string, string>): string[] {
  const out: string[] = [];
  for (const [p, s] of after) if (before.get(p) !== s) out.push(`${s.slice(0, 2).trim() || 'M'} ${p}`);
  for (const p of before.keys()) if (!after.has(p)) out.push(`reverted ${p}`);
  return out.sort();
}

export default function setup(): (() => void) | undefined {
  if (!process.env.HANDSHAKE_LAB_CHECK_CLEAN_TREE) return undefined;
  const before = treeState();
  if (!before) return undefined;
  return () => {
    const after = treeState();
    const changed = after ? changedPaths(before, after) : [];
    if (changed.length) {
      // vitest reports an error thrown here but still exits 0: fail the run through the exit code too.
      process.exitCode = 1;
      throw new Error(`the tests changed the working tree (they must write only to temporary folders):\n  ${changed.join('\n  ')}`);
    }
  };
}
