#!/usr/bin/env node
// `npm start`: builds if needed, then opens the desktop app (Electron). Where Electron's runtime cannot be
// had (not downloaded and no internet, no display, running as root, or it fails to start), says so in
// one line and opens browser mode instead: `handshake-lab serve`, which prints a URL with a token and
// opens it in the system browser when there is one. Ctrl-C stops whichever is running.
//
//   npm start [-- FILE.pcapng] [--browser] [--build] [serve options such as --no-open-browser]
//
// ELECTRON_OVERRIDE_DIST_PATH (as in the electron package) points at an Electron runtime folder.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const say = (line) => process.stdout.write(`Handshake Lab: ${line}\n`);
const args = process.argv.slice(2);
const forceBrowser = args.includes('--browser');
const forceBuild = args.includes('--build');
const rest = args.filter((a) => a !== '--browser' && a !== '--build');
const captureFile = /\.(pcap|pcapng|cap)(\.gz)?$/i;

function built() {
  return ['out/main/index.js', 'out/main/cli.js', 'out/preload/index.cjs', 'out/renderer/index.html'].every((f) => existsSync(join(root, f)));
}

function build() {
  say('building the app (electron-vite build)…');
  const r = spawnSync(process.execPath, [join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    say('the build failed (see above); fix it and run npm start again.');
    process.exit(r.status ?? 1);
  }
}

/** Where Electron's executable is, or why there is none. Never throws, never waits for long. */
function electronRuntime() {
  const pkg = join(root, 'node_modules', 'electron');
  if (!existsSync(pkg)) return { reason: 'the electron package is not installed (npm install)' };
  const pathFile = join(pkg, 'path.txt');
  const executable = () => (existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : null);
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  if (override) {
    const exe = join(override, executable() || (process.platform === 'win32' ? 'electron.exe' : process.platform === 'darwin' ? 'Electron.app/Contents/MacOS/Electron' : 'electron'));
    return existsSync(exe) ? { exe } : { reason: `there is no Electron runtime at ${exe} (ELECTRON_OVERRIDE_DIST_PATH)` };
  }
  let name = executable();
  if (name && existsSync(join(pkg, 'dist', name))) return { exe: join(pkg, 'dist', name) };
  // Not downloaded yet (e.g. installed with scripts disabled): try once, briefly.
  say('downloading Electron\'s runtime…');
  const r = spawnSync(process.execPath, [join(pkg, 'install.js')], { cwd: pkg, encoding: 'utf8', timeout: Number(process.env.HANDSHAKE_LAB_ELECTRON_DOWNLOAD_TIMEOUT_MS) || 120_000, stdio: ['ignore', 'ignore', 'pipe'] });
  name = executable();
  if (name && existsSync(join(pkg, 'dist', name))) return { exe: join(pkg, 'dist', name) };
  const why = r.error ? r.error.message : (r.stderr || '').split('\n').map((l) => l.trim()).find((l) => /error|ENOTFOUND|EAI_AGAIN|ECONN|timed out|status/i.test(l));
  return { reason: `Electron's runtime is not downloaded and could not be fetched${why ? ` (${why.slice(0, 160)})` : ''}` };
}

/** Why the desktop window cannot open here, or null. */
function windowProblem() {
  if (forceBrowser) return 'browser mode was asked for (--browser)';
  if (process.getuid?.() === 0) return 'the desktop window does not run as root';
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) return 'there is no display (DISPLAY/WAYLAND_DISPLAY unset)';
  return null;
}

/** Runs a child until it ends, passing Ctrl-C / SIGTERM on; resolves with its exit code. */
function run(cmd, argv, onEarlyFailure) {
  return new Promise((resolveRun) => {
    const started = Date.now();
    const child = spawn(cmd, argv, { cwd: root, stdio: 'inherit' });
    const forward = (sig) => { if (child.exitCode === null) child.kill(sig); };
    const onInt = () => forward('SIGINT');
    const onTerm = () => forward('SIGTERM');
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
    const done = (code) => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      resolveRun(code);
    };
    child.on('error', (e) => {
      if (onEarlyFailure) onEarlyFailure(e.message).then(done);
      else { say(`could not start ${cmd}: ${e.message}`); done(1); }
    });
    child.on('exit', (code, signal) => {
      const failedAtOnce = (code !== 0 || signal) && Date.now() - started < 4000 && signal !== 'SIGINT' && signal !== 'SIGTERM';
      if (failedAtOnce && onEarlyFailure) onEarlyFailure(`it exited at once (${signal ?? `code ${code}`})`).then(done);
      else done(code ?? (signal === 'SIGINT' || signal === 'SIGTERM' ? 0 : 1));
    });
  });
}

function browserMode() {
  const serveArgs = [];
  for (const a of rest) {
    if (captureFile.test(a) && !a.startsWith('-')) serveArgs.push('--open', a);
    else serveArgs.push(a);
  }
  // As root, serve must be told; it then captures through dumpcap only, and says so.
  if (process.getuid?.() === 0 && !serveArgs.includes('--allow-root')) serveArgs.push('--allow-root');
  return run(process.execPath, [join(root, 'out', 'main', 'cli.js'), 'serve', ...serveArgs]);
}

async function main() {
  if (forceBuild || !built()) build();
  const problem = windowProblem();
  if (problem) {
    say(`${problem}; opening browser mode instead (handshake-lab serve).`);
    return browserMode();
  }
  const rt = electronRuntime();
  if (!rt.exe) {
    say(`${rt.reason}; opening browser mode instead (handshake-lab serve).`);
    return browserMode();
  }
  return run(rt.exe, ['.', ...rest.filter((a) => !a.startsWith('--no-open-browser'))], (why) => {
    say(`Electron could not start: ${why}; opening browser mode instead (handshake-lab serve).`);
    return browserMode();
  });
}

main().then((code) => process.exit(code), (e) => {
  say(`npm start failed: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
