// Starts `handshake-lab serve` (the built CLI) on a random port and reads the URL it prints.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '..', '..', '..');
export const CLI = join(ROOT, 'bin', 'handshake-lab.js');
/** serve refuses root unless told (tests run as root to capture). */
export const ROOT_FLAG = process.getuid?.() === 0 ? ['--allow-root'] : [];

export interface Served { url: string; classUrl: string; token: string; origin: string; stop: () => Promise<void>; log: () => string }

/** Why the end-to-end tests cannot run here, or null. */
export function buildMissing(): string | null {
  if (!existsSync(join(ROOT, 'out', 'renderer', 'index.html'))) return 'the renderer is not built (run `npm run build`)';
  if (!existsSync(join(ROOT, 'out', 'main', 'cli.js'))) return 'the CLI is not built (run `npm run build`)';
  if (!existsSync('/usr/bin/chromium')) return 'Debian\'s Chromium is not installed at /usr/bin/chromium';
  return null;
}

export async function serve(args: string[] = [], env: Record<string, string> = {}): Promise<Served> {
  const dataDir = mkdtempSync(join(tmpdir(), 'hl-e2e-data-'));
  const child: ChildProcess = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--no-open-browser', ...ROOT_FLAG, ...args], {
    cwd: ROOT,
    env: { ...process.env, LANG: 'en_US.UTF-8', LC_ALL: '', LC_MESSAGES: '', HANDSHAKE_LAB_DATA_DIR: dataDir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d: Buffer) => { err += d.toString(); });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve printed no URL in 20 s:\n${out}\n${err}`)), 20_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /serving at (\S+)/.exec(out);
      // The class URL is printed on the next line.
      if (m && /Class URL for students: \S+\n/.test(out)) { clearTimeout(timer); resolve(m[1]); }
    });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`serve exited with ${code}:\n${out}\n${err}`)); });
  });
  const u = new URL(url);
  return {
    url,
    classUrl: /Class URL for students: (\S+)/.exec(out)?.[1] ?? '',
    token: u.searchParams.get('token') ?? '',
    origin: u.origin,
    log: () => err,
    stop: async () => {
      if (child.exitCode === null) {
        const done = new Promise((r) => child.once('exit', r));
        child.kill('SIGINT');
        await Promise.race([done, new Promise((r) => setTimeout(r, 5000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
