// Autosave retention: the captures folder keeps at most N files and M bytes. The oldest go first (by
// modification time); a file in use (being written, or read by an open capture) is never removed.
import { readdir, stat, unlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';

export interface Retention { files: number; bytes: number }

/** Removes the oldest autosaves beyond the limits; resolves to the paths removed. */
export async function pruneAutosaves(dir: string, limits: Retention, inUse: ReadonlySet<string>): Promise<string[]> {
  const keep = new Set([...inUse].map((p) => resolve(p)));
  const entries: { path: string; size: number; mtime: number }[] = [];
  for (const name of await readdir(dir)) {
    if (!/\.pcapng$/i.test(name)) continue;
    const path = join(dir, name);
    try {
      const st = await stat(path);
      if (st.isFile()) entries.push({ path, size: st.size, mtime: st.mtimeMs });
    } catch { /* gone meanwhile */ }
  }
  entries.sort((a, b) => a.mtime - b.mtime || a.path.localeCompare(b.path));
  let count = entries.length;
  let bytes = entries.reduce((n, e) => n + e.size, 0);
  const removed: string[] = [];
  for (const e of entries) {
    if (count <= limits.files && bytes <= limits.bytes) break;
    if (keep.has(resolve(e.path))) continue;
    try {
      await unlink(e.path);
      removed.push(e.path);
      count--;
      bytes -= e.size;
    } catch { /* someone else removed it */ }
  }
  return removed;
}
