// Where the app keeps its files: autosaved captures, uploads. HANDSHAKE_LAB_DATA_DIR overrides it (tests).
import { homedir } from 'node:os';
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';

export function appDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.HANDSHAKE_LAB_DATA_DIR) return env.HANDSHAKE_LAB_DATA_DIR;
  if (platform === 'win32') return join(env.LOCALAPPDATA ?? join(homedir(), 'AppData', 'Local'), 'handshake-lab');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'handshake-lab');
  return join(env.XDG_DATA_HOME || join(homedir(), '.local', 'share'), 'handshake-lab');
}

/** The autosave folder of live captures (created if needed). */
export function capturesDir(dataDir = appDataDir()): string {
  const dir = join(dataDir, 'captures');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dir;
}

/** A file name for a new capture: time first so a listing sorts by age, then what was captured. */
export function captureFileName(what: string, now = new Date()): string {
  const stamp = now.toISOString().replace(/[:]/g, '-').replace(/\.\d+Z$/, 'Z');
  const safe = what.replace(/[^A-Za-z0-9_.-]+/g, '_').slice(0, 40) || 'capture';
  return `${stamp}-${safe}-${process.pid}-${Math.random().toString(36).slice(2, 8)}.pcapng`;
}
