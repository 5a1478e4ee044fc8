#!/usr/bin/env node
// npm run package:check — builds the Linux app offline and checks what a user would get.
//
// electron-builder runs in a staging copy of the project (its node_modules is never touched, npmRebuild
// off) against a stand-in Electron runtime (electronDist) and a stand-in fpm that records what the deb
// would hold (CUSTOM_FPM_PATH). Then: app.asar holds the bundles and exactly the runtime modules main
// loads; no native addon is packaged; the lessons are in resources; the fuses are set; the deb has its
// fields, the dumpcap recommendation, icons in every size and a desktop entry; the main bundles load under
// Node with a stub electron; the AppImage, dmg and nsis configurations carry what those targets need.
//
//   node scripts/package-check.js [--keep DIR] [--recheck DIR] [--only CHECK,…] [--json]
//     --keep DIR     build in DIR (made if missing) and leave it there
//     --recheck DIR  check a build made earlier with --keep, without building again
//     --only LIST    run only these checks (schema, targets, dependencies, asar, addons, mainLoads,
//                    lessons, fuses, deb)
//     --json         print {problems: {check: [...]}, dir} instead of the report
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  asarFiles, checkAsar, checkDeb, checkFuses, checkImportsAreDependencies, checkLessons, checkMainLoads, checkNoAddons, checkTargets,
  importedPackages, listFiles, runtimePackages,
} from './packaging/checks.js';
import { ROOT, buildLinux, stageProject } from './packaging/stage.js';

const require = createRequire(import.meta.url);
const argv = process.argv.slice(2);
const opt = (name) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : undefined);
const json = argv.includes('--json');
const recheck = opt('--recheck');
const keep = opt('--keep');
const say = (s) => { if (!json) process.stdout.write(s); };

const dir = resolve(recheck ?? keep ?? mkdtempSync(join(tmpdir(), 'handshake-lab-package-')));
const problems = {};
const started = Date.now();
try {
  if (!recheck) {
    if (!existsSync(join(ROOT, 'out', 'main', 'index.js'))) throw new Error('the app is not built: run npm run build first');
    mkdirSync(dir, { recursive: true });
    say(`package:check: staging the project in ${dir}\n`);
    stageProject(dir);
    say('package:check: electron-builder --linux deb (stand-in Electron runtime and fpm)…\n');
    const b = buildLinux(dir);
    if (b.code !== 0) problems.build = [`electron-builder failed (exit ${b.code}): ${b.log.trim().split('\n').slice(-8).join('\n    ')}`];
  }
  const config = require('js-yaml').load(readFileSync(join(dir, 'electron-builder.yml'), 'utf8'));
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const appOutDir = join(dir, 'release', 'linux-unpacked');
  const resources = join(appOutDir, 'resources');
  const asarPath = join(resources, 'app.asar');
  const imported = importedPackages(join(dir, 'out', 'main'));
  const asarList = () => (existsSync(asarPath) ? asarFiles(asarPath) : null);
  const noAsar = [`there is no ${asarPath}`];
  const checks = {
    schema: async () => {
      const { validateConfiguration } = require('app-builder-lib/out/util/config/config.js');
      const { DebugLogger } = require('builder-util');
      return validateConfiguration(config, new DebugLogger(false)).then(() => [], (e) => [e.message.split('\n')[0]]);
    },
    targets: () => checkTargets(config, pkg, dir),
    dependencies: () => checkImportsAreDependencies(imported, pkg),
    asar: () => {
      const files = asarList();
      if (!files) return noAsar;
      const outFiles = listFiles(join(dir, 'out')).filter((f) => !f.endsWith('.map'));
      return checkAsar(files, { outFiles, packages: runtimePackages(imported, join(dir, 'node_modules')) });
    },
    addons: () => checkNoAddons(asarList() ?? [], appOutDir),
    mainLoads: () => {
      if (!existsSync(asarPath)) return noAsar;
      const work = mkdtempSync(join(tmpdir(), 'handshake-lab-asar-'));
      try {
        return checkMainLoads(asarPath, resources, work);
      } finally {
        rmSync(work, { recursive: true, force: true });
      }
    },
    lessons: () => checkLessons(join(dir, 'assets', 'lessons'), join(resources, 'lessons')),
    fuses: () => checkFuses(join(appOutDir, config.linux.executableName)),
    deb: () => checkDeb(join(dir, '.fpm-record'), { executableName: config.linux.executableName, productName: config.productName }),
  };
  const only = opt('--only')?.split(',');
  for (const name of only ?? Object.keys(checks)) {
    if (!checks[name]) throw new Error(`there is no check named ${name} (one of ${Object.keys(checks).join(', ')})`);
    problems[name] = await checks[name]();
  }
} catch (e) {
  problems.run = [e instanceof Error ? e.message : String(e)];
} finally {
  if (!keep && !recheck) rmSync(dir, { recursive: true, force: true });
}

const failed = Object.values(problems).some((p) => p.length);
if (json) {
  process.stdout.write(JSON.stringify({ problems, dir: keep || recheck ? dir : null }) + '\n');
} else {
  for (const [check, list] of Object.entries(problems)) {
    say(`${list.length ? '✗' : '✓'} ${check}\n`);
    for (const p of list) say(`    ${p}\n`);
  }
  say(failed ? `package:check FAILED (${((Date.now() - started) / 1000).toFixed(1)} s)\n` : `package:check passed (${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
}
process.exitCode = failed ? 1 : 0;
