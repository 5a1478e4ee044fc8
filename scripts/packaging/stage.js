// Builds the Linux app offline for `npm run package:check`, without touching the project:
// - a staging copy of what electron-builder reads (package.json, the lock file, electron-builder.yml, out/,
//   assets/lessons, build/, the hooks) with a copy of the production node_modules, so nothing electron-builder
//   does can rewrite the project's own node_modules (and npmRebuild is off anyway);
// - a stand-in Electron runtime (electronDist): a small file carrying Electron's fuse sentinel and wire, as
//   the real binary does, so the afterPack hook flips real fuse bytes;
// - fpm replaced by a stand-in that records its arguments (CUSTOM_FPM_PATH).
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const FUSE_SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
/** Electron's fuse wire as it ships (v1, 8 fuses): RunAsNode, cookie encryption, NODE_OPTIONS, --inspect, asar integrity, asar only, V8 snapshot, file:// privileges. */
export const STOCK_FUSES = '10110001';

/** What electron-builder reads from the project, relative to its root. */
const PROJECT_FILES = ['package.json', 'package-lock.json', 'electron-builder.yml', 'out', 'assets/lessons', 'build', 'scripts/packaging'];

/** Folders (relative to the project) of the production dependencies npm installed, optional ones included. */
export function productionPackages(root = ROOT) {
  const r = spawnSync('npm', ['ls', '--omit=dev', '--all', '--parseable'], { cwd: root, encoding: 'utf8' });
  // npm ls exits 1 for extraneous or missing optional packages; the list it prints is still right.
  if (!r.stdout) throw new Error(`npm ls failed: ${r.stderr.trim().split('\n')[0]}`);
  return r.stdout.split('\n').filter(Boolean).map((p) => relative(root, p)).filter((p) => p.startsWith('node_modules'));
}

/** Copies the project's packaging inputs into `dir` (a fresh folder). */
export function stageProject(dir, root = ROOT) {
  for (const f of PROJECT_FILES) {
    const from = join(root, f);
    if (!existsSync(from)) throw new Error(`${f} is missing (run npm run build first?)`);
    cpSync(from, join(dir, f), { recursive: true, filter: (src) => !src.endsWith('.map') });
  }
  for (const p of productionPackages(root)) {
    if (!existsSync(join(dir, p))) cpSync(join(root, p), join(dir, p), { recursive: true, dereference: true });
  }
}

/** A stand-in for Electron's Linux runtime folder, with the fuse wire at the stock settings. */
export function standInElectron(dir, version) {
  mkdirSync(join(dir, 'locales'), { recursive: true });
  mkdirSync(join(dir, 'resources'), { recursive: true });
  const wire = Buffer.concat([Buffer.from(FUSE_SENTINEL, 'latin1'), Buffer.from([1, STOCK_FUSES.length]), Buffer.from(STOCK_FUSES, 'latin1')]);
  const script = Buffer.concat([
    Buffer.from('#!/bin/sh\n# A stand-in for the Electron runtime (npm run package:check); it carries the fuse wire: ', 'utf8'),
    wire,
    Buffer.from('\necho "stand-in Electron runtime: it cannot run the app" >&2\nexit 1\n', 'utf8'),
  ]);
  writeFileSync(join(dir, 'electron'), script);
  chmodSync(join(dir, 'electron'), 0o755);
  writeFileSync(join(dir, 'chrome-sandbox'), '#!/bin/sh\nexit 1\n', { mode: 0o755 });
  writeFileSync(join(dir, 'version'), version);
  writeFileSync(join(dir, 'LICENSE'), 'stand-in\n');
  writeFileSync(join(dir, 'LICENSES.chromium.html'), '<p>stand-in</p>\n');
  writeFileSync(join(dir, 'locales', 'en-US.pak'), '');
}

/** The Electron version electron-builder would package (the installed electron package's). */
export function electronVersion(root = ROOT) {
  return JSON.parse(readFileSync(join(root, 'node_modules', 'electron', 'package.json'), 'utf8')).version;
}

/**
 * Runs electron-builder for the Linux deb target (which also lays out linux-unpacked) in the staging copy.
 * Returns { code, log, appOutDir, record } (record: the fpm stand-in's folder).
 */
export function buildLinux(stage, { root = ROOT, version = electronVersion(root) } = {}) {
  const dist = join(stage, '.electron-stand-in');
  standInElectron(dist, version);
  const record = join(stage, '.fpm-record');
  const out = join(stage, 'release');
  const r = spawnSync(process.execPath, [
    join(root, 'node_modules', 'electron-builder', 'cli.js'), '--linux', 'deb', '--x64', '--projectDir', stage,
    `-c.electronDist=${dist}`, `-c.electronVersion=${version}`, '-c.npmRebuild=false', `-c.directories.output=${out}`, '--publish', 'never',
  ], {
    cwd: stage,
    encoding: 'utf8',
    env: {
      ...process.env,
      CUSTOM_FPM_PATH: join(stage, 'scripts', 'packaging', 'fpm-stand-in.cjs'),
      HANDSHAKE_LAB_FPM_RECORD: record,
      // The hooks (in the staging copy) find @electron/fuses and friends in the project's node_modules.
      NODE_PATH: join(root, 'node_modules'),
      ELECTRON_BUILDER_CACHE: join(stage, '.builder-cache'),
      CI: 'true',
    },
    timeout: 10 * 60_000,
  });
  return { code: r.status, log: `${r.stdout}${r.stderr}${r.error ? `\n${r.error.message}` : ''}`, appOutDir: join(out, 'linux-unpacked'), record };
}
