// Checks made before a long run, so that a bad output path fails at once instead of after the work.
import { accessSync, constants, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** Why `path` cannot be written as a new or replaced file, or null when it can. */
export function whyNotWritable(path: string): string | null {
  const full = resolve(path);
  const folder = dirname(full);
  let st;
  try {
    st = statSync(folder);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return code === 'ENOENT' || code === 'ENOTDIR' ? `there is no folder ${folder}` : `cannot reach the folder ${folder} (${code})`;
  }
  if (!st.isDirectory()) return `${folder} is not a folder`;
  try {
    if (statSync(full).isDirectory()) return `${full} is a folder`;
    accessSync(full, constants.W_OK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM') return `no permission to write ${full}`;
    if (code !== 'ENOENT') return `cannot write ${full} (${code})`;
    try {
      accessSync(folder, constants.W_OK);
    } catch {
      return `no permission to write in ${folder}`;
    }
  }
  return null;
}
