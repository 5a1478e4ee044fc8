// `npm start` (scripts/start.js) where the desktop window cannot open: one line saying why, then
// browser mode for real (handshake-lab serve prints a URL with a token that serves the app), and
// Ctrl-C stops both cleanly. Electron itself cannot be launched on our build machines.
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const repo = join(__dirname, '..', '..');
const built = existsSync(join(repo, 'out', 'main', 'cli.js')) && existsSync(join(repo, 'out', 'renderer', 'index.html'));
if (!built) console.log('skipping npm start tests: build first (npm run build)');
const isRoot = process.getuid?.() === 0;

async function startAndStop(env: NodeJS.ProcessEnv, uid?: number, args = ['--no-open-browser'], until = /serving at http\S+\n/): Promise<{ out: string; code: number | null; status: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'hl-start-'));
  chmodSync(dir, 0o777);
  const child = spawn(process.execPath, [join(repo, 'scripts', 'start.js'), ...args], {
    cwd: repo, env: { ...process.env, ...env, HANDSHAKE_LAB_DATA_DIR: dir }, stdio: ['ignore', 'pipe', 'pipe'],
    ...(uid !== undefined ? { uid, gid: uid } : {}),
  });
  let out = '';
  child.stdout.on('data', (d) => { out += d; });
  child.stderr.on('data', (d) => { out += d; });
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline && !until.test(out) && child.exitCode === null) await new Promise((r) => setTimeout(r, 50));
  let status = 0;
  const m = /serving at (http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{43})\n/.exec(out);
  if (m) status = (await fetch(m[1])).status;
  child.kill('SIGINT');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  const code = await exited;
  clearTimeout(timer);
  rmSync(dir, { recursive: true, force: true });
  return { out, code, status };
}

describe('npm start without a usable Electron runtime', () => {
  it.skipIf(!built)('says why in one line, serves the app in browser mode with a token, stops on Ctrl-C', async () => {
    const r = await startAndStop({});
    const notes = r.out.split('\n').filter((l) => l.startsWith('Handshake Lab: '));
    expect(notes.length, r.out).toBe(1);
    expect(notes[0], r.out).toMatch(/opening browser mode instead/);
    expect(r.out).toMatch(/serving at http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{43}\n/);
    expect(r.status).toBe(200);
    expect(r.out).toMatch(/Stopping\./);
    expect(r.code).toBe(0);
  });

  it.skipIf(!built)('falls back when the Electron runtime is missing (as a normal user with a display)', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'hl-no-electron-'));
    chmodSync(empty, 0o755);
    // As root the window is refused before Electron is looked for: run as nobody to reach that check.
    const r = await startAndStop({ DISPLAY: ':99', ELECTRON_OVERRIDE_DIST_PATH: empty }, isRoot ? 65534 : undefined);
    rmSync(empty, { recursive: true, force: true });
    expect(r.out).toMatch(/Handshake Lab: there is no Electron runtime at .*; opening browser mode instead/);
    expect(r.out).toMatch(/serving at http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{43}\n/);
    expect(r.status).toBe(200);
    expect(r.code).toBe(0);
  });

  it.skipIf(!built)('without a display, prints "open this URL: …" (nothing could open a browser)', async () => {
    const env = { ...process.env };
    delete env.DISPLAY;
    delete env.WAYLAND_DISPLAY;
    const r = await startAndStop({ ...env, DISPLAY: '', WAYLAND_DISPLAY: '' }, undefined, [], /open this URL: http\S+\n/);
    // As root the window is refused first, for that reason; either way browser mode runs, and no browser opens.
    expect(r.out).toMatch(/Handshake Lab: (there is no display \(DISPLAY\/WAYLAND_DISPLAY unset\)|the desktop window does not run as root); opening browser mode instead/);
    const url = /open this URL: (http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{43})\n/.exec(r.out)?.[1];
    expect(url, r.out).toBeDefined();
    expect(r.out).toContain(`serving at ${url}\n`);
    expect(r.code).toBe(0);
  });
});
