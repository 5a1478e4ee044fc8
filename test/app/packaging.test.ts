// Packaging: `npm run package:check` (scripts/package-check.js) builds the Linux app offline with
// electron-builder and checks it; here it runs once, must pass, and then every check must catch a defect
// planted in a copy of that build. The hooks (fuses, native rebuild) are also tested on their own.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const repo = join(__dirname, '..', '..');
const require = createRequire(join(repo, 'package.json'));
const script = join(repo, 'scripts', 'package-check.js');
const built = existsSync(join(repo, 'out', 'main', 'index.js'));
const yaml = require('js-yaml') as { load(s: string): unknown };
const config = yaml.load(readFileSync(join(repo, 'electron-builder.yml'), 'utf8')) as Record<string, unknown>;

type Problems = Record<string, string[]>;

/** One of the packaging scripts' ES modules (plain JavaScript, so typed by the caller). */
const importScript = (name: string): Promise<unknown> => import(join(repo, 'scripts', 'packaging', name));

function check(args: string[]): { problems: Problems; code: number | null; stderr: string } {
  const r = spawnSync(process.execPath, [script, ...args, '--json'], { cwd: repo, encoding: 'utf8', timeout: 5 * 60_000 });
  const line = r.stdout.trim().split('\n').pop() ?? '';
  let problems: Problems = {};
  try {
    problems = (JSON.parse(line) as { problems: Problems }).problems;
  } catch {
    problems = { unparsable: [`${r.stdout}${r.stderr}`] };
  }
  return { problems, code: r.status, stderr: r.stderr };
}

describe('electron-builder.yml', () => {
  it('passes electron-builder\'s configuration schema', async () => {
    const { validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as { validateConfiguration(c: unknown, l: unknown): Promise<void> };
    const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
    await expect(validateConfiguration({ ...config, notAnOption: 1 }, new DebugLogger(false))).rejects.toThrow();
  });

  it('ships the lessons where the app looks for them, and never rebuilds the project\'s node_modules by itself', () => {
    const res = (config.extraResources as { from: string; to: string }[]).find((r) => r.from === 'assets/lessons');
    expect(res?.to).toBe('lessons');
    expect(readFileSync(join(repo, 'main', 'app', 'index.ts'), 'utf8')).toContain(`join(process.resourcesPath, '${res!.to}')`);
    expect(config.npmRebuild).toBe(false);
  });
});

describe.skipIf(!built)('npm run package:check', () => {
  let dir: string;
  let work: string;
  let first: ReturnType<typeof check>;
  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'hl-package-test-'));
    dir = join(work, 'build');
    first = check(['--keep', dir]);
  }, 10 * 60_000);
  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  /** A copy of the good build with `plant` applied, checked again (only `only`). */
  function planted(only: string, plant: (copy: string) => void): string[] {
    const copy = join(work, `mutant-${only}-${readdirSync(work).length}`);
    // These checks read neither the staged node_modules nor the bundles: not copied (the copy is slow).
    const skip = [join(dir, 'node_modules'), join(dir, 'out')];
    cpSync(dir, copy, { recursive: true, filter: (src) => !skip.some((p) => src === p || src.startsWith(`${p}/`)) });
    plant(copy);
    const r = check(['--recheck', copy, '--only', only]);
    rmSync(copy, { recursive: true, force: true });
    return r.problems[only] ?? [`no ${only} result: ${JSON.stringify(r.problems)}`];
  }

  const asarPath = (d: string) => join(d, 'release', 'linux-unpacked', 'resources', 'app.asar');
  /** Rewrites app.asar after `edit` changed its extracted files. */
  async function repack(d: string, edit: (extracted: string) => void): Promise<void> {
    const asar = require('@electron/asar') as { extractAll(a: string, d: string): void; createPackage(d: string, a: string): Promise<void> };
    const x = join(d, 'x');
    asar.extractAll(asarPath(d), x);
    edit(x);
    unlinkSync(asarPath(d));
    await asar.createPackage(x, asarPath(d));
    rmSync(x, { recursive: true, force: true });
  }

  it('builds the Linux app offline and finds nothing wrong', () => {
    expect(first.problems.build ?? [], first.stderr).toEqual([]);
    for (const [name, list] of Object.entries(first.problems)) expect(list, name).toEqual([]);
    expect(Object.keys(first.problems).sort()).toEqual(['addons', 'asar', 'deb', 'dependencies', 'fuses', 'lessons', 'mainLoads', 'schema', 'targets']);
    expect(first.code).toBe(0);
    // What was checked is what electron-builder made: the runtime modules, the deb's recommendation.
    const asar = require('@electron/asar') as { listPackage(a: string, o: object): string[] };
    const modules = new Set(asar.listPackage(asarPath(dir), { isPack: false }).map((p) => /^[\\/]node_modules[\\/]([^\\/]+)/.exec(p)?.[1]).filter(Boolean));
    expect([...modules].sort()).toEqual(['re2js', 'ws', 'zod']);
    const fpm = JSON.parse(readFileSync(join(dir, '.fpm-record', 'fpm.json'), 'utf8')) as { args: string[] };
    expect(fpm.args).toContain('wireshark-common | tshark');
    // The project's own node_modules is left alone: cap still loads under this Node, as npm built it.
    const capNode = join(repo, 'node_modules', 'cap', 'build', 'Release', 'cap.node');
    if (existsSync(capNode)) expect(spawnSync(process.execPath, ['-e', `require(${JSON.stringify(capNode)})`]).status).toBe(0);
  });

  it('catches a runtime module missing from app.asar (and main then fails to load under Node)', async () => {
    const copy = join(work, 'no-ws');
    cpSync(dir, copy, { recursive: true });
    await repack(copy, (x) => rmSync(join(x, 'node_modules', 'ws'), { recursive: true }));
    const r = check(['--recheck', copy, '--only', 'asar,mainLoads']);
    rmSync(copy, { recursive: true, force: true });
    expect(r.problems.asar).toContain('app.asar lacks the runtime module ws, which main loads');
    expect(r.problems.mainLoads.join('\n')).toMatch(/ERR_MODULE_NOT_FOUND.*'ws'/);
  });

  it('catches a renderer-only package in app.asar', async () => {
    const copy = join(work, 'with-vue');
    cpSync(dir, copy, { recursive: true });
    await repack(copy, (x) => cpSync(join(repo, 'node_modules', 'vue'), join(x, 'node_modules', 'vue'), { recursive: true }));
    const r = check(['--recheck', copy, '--only', 'asar']);
    rmSync(copy, { recursive: true, force: true });
    expect(r.problems.asar).toEqual(['app.asar holds node_modules/vue, which main does not load (a renderer-only or build-time package?)']);
  });

  it.skipIf(!existsSync(join(repo, 'node_modules', 'cap', 'build', 'Release', 'cap.node')))('catches a native addon, and names a Node-ABI one', () => {
    const problems = planted('addons', (c) => {
      const to = join(c, 'release', 'linux-unpacked', 'resources', 'app.asar.unpacked', 'node_modules', 'cap', 'build', 'Release');
      cpSync(join(repo, 'node_modules', 'cap', 'build', 'Release', 'cap.node'), join(to, 'cap.node'));
    });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(`built for ABI ${process.versions.modules} (this Node's: Electron would refuse it)`);
  });

  it('catches a lesson missing from resources', () => {
    const lesson = readdirSync(join(repo, 'assets', 'lessons'))[0];
    expect(planted('lessons', (c) => unlinkSync(join(c, 'release', 'linux-unpacked', 'resources', 'lessons', lesson)))).toEqual([`resources/lessons lacks ${lesson}`]);
  });

  it('catches fuses left as Electron ships them', () => {
    const problems = planted('fuses', (c) => {
      const bin = join(c, 'release', 'linux-unpacked', 'handshake-lab');
      const buf = readFileSync(bin);
      const at = buf.indexOf('dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX') + 32 + 2;
      buf.write('10110001', at, 'latin1');
      writeFileSync(bin, buf);
    });
    expect(problems).toEqual([
      'fuse RunAsNode is on in handshake-lab, should be off',
      'fuse EnableNodeOptionsEnvironmentVariable is on in handshake-lab, should be off',
      'fuse EnableNodeCliInspectArguments is on in handshake-lab, should be off',
      'fuse OnlyLoadAppFromAsar is off in handshake-lab, should be on',
      'fuse EnableEmbeddedAsarIntegrityValidation is off in handshake-lab, should be on',
    ]);
  });

  it('catches a deb without the dumpcap recommendation, an icon size, a maintainer\'s email or a desktop entry', () => {
    const edit = (f: (a: { args: string[]; files: Record<string, string> }) => void) => (c: string) => {
      const p = join(c, '.fpm-record', 'fpm.json');
      const rec = JSON.parse(readFileSync(p, 'utf8')) as { args: string[]; files: Record<string, string> };
      // The record names its copies by absolute path in the good build: point them at this copy.
      for (const k of Object.keys(rec.files)) rec.files[k] = rec.files[k].replace(dir, c);
      f(rec);
      writeFileSync(p, JSON.stringify(rec));
    };
    const without = (a: string[], value: string) => { const i = a.indexOf(value); a.splice(i - 1, 2); };
    expect(planted('deb', edit((r) => without(r.args, 'wireshark-common | tshark')))).toEqual([
      'the deb does not recommend "wireshark-common | tshark" (dumpcap, which the app captures through); it recommends: pkexec | policykit-1',
    ]);
    expect(planted('deb', edit((r) => { delete r.files['/usr/share/icons/hicolor/48x48/apps/handshake-lab.png']; }))).toEqual([
      'the deb has no 48×48 icon (/usr/share/icons/hicolor/48x48/apps/handshake-lab.png)',
    ]);
    expect(planted('deb', edit((r) => { r.args[r.args.indexOf('--maintainer') + 1] = 'Handshake Lab maintainers'; }))).toEqual([
      'the deb\'s maintainer "Handshake Lab maintainers" is not "Name <email>"',
    ]);
    expect(planted('deb', edit((r) => {
      const d = r.files['/usr/share/applications/handshake-lab.desktop'];
      writeFileSync(d, readFileSync(d, 'utf8').replace(/^MimeType=.*\n/m, ''));
    }))).toEqual(['desktop entry: MimeType lacks application/vnd.tcpdump.pcap', 'desktop entry: MimeType lacks application/x-pcapng']);
  });

  it('catches missing package metadata, a renderer package in dependencies and an icon size missing from icon.ico', async () => {
    const { ico, readIco } = await importScript('icon-files.js') as { ico(e: [number, Buffer][]): Buffer; readIco(b: Buffer): { size: number; png: Buffer | null }[] };
    const problems = planted('targets', (c) => {
      const pkg = JSON.parse(readFileSync(join(c, 'package.json'), 'utf8')) as Record<string, unknown>;
      delete pkg.homepage;
      pkg.dependencies = { ...(pkg.dependencies as object), vue: '^3.5.0' };
      writeFileSync(join(c, 'package.json'), JSON.stringify(pkg));
      const entries = readIco(readFileSync(join(c, 'build', 'icon.ico'))).filter((e) => e.size !== 256);
      writeFileSync(join(c, 'build', 'icon.ico'), ico(entries.map((e) => [e.size, e.png!])));
    });
    expect(problems).toEqual([
      'package.json: homepage missing or not https',
      'package.json: vue is renderer-only (bundled by vite) and belongs in devDependencies',
      'icon.ico lacks a 256×256 image',
    ]);
  });

  it('fails the build itself as electron-builder did before: no homepage, no author email', async () => {
    const copy = join(work, 'no-metadata');
    cpSync(dir, copy, { recursive: true, filter: (s) => !s.includes(`${dir}/release`) && !s.includes('.fpm-record') });
    const pkg = JSON.parse(readFileSync(join(copy, 'package.json'), 'utf8')) as Record<string, unknown>;
    delete pkg.homepage;
    delete pkg.author;
    writeFileSync(join(copy, 'package.json'), JSON.stringify(pkg));
    const yml = join(copy, 'electron-builder.yml');
    writeFileSync(yml, readFileSync(yml, 'utf8').replace(/^ {2}maintainer: .*\n/m, ''));
    const { buildLinux } = await importScript('stage.js') as { buildLinux(d: string): { code: number; log: string } };
    const b = buildLinux(copy);
    rmSync(copy, { recursive: true, force: true });
    expect(b.code).not.toBe(0);
    expect(b.log).toMatch(/Please specify project homepage/);
    expect(b.log).toMatch(/Please specify author 'email'/);
  });
});

describe('the afterPack hook sets the fuses (on a stand-in binary carrying the fuse sentinel)', () => {
  const fuses = require(join(repo, 'scripts', 'packaging', 'fuses.cjs')) as {
    readFuses(b: string): Promise<Record<string, string>>;
    electronBinary(c: object): string;
  };
  const afterPack = (require(join(repo, 'scripts', 'packaging', 'after-pack.cjs')) as { default: (c: object) => Promise<void> }).default;

  it('turns RunAsNode, NODE_OPTIONS and --inspect off, asar-only and asar integrity on; leaves the rest', async () => {
    const { standInElectron, STOCK_FUSES } = await importScript('stage.js') as { standInElectron(d: string, v: string): void; STOCK_FUSES: string };
    const d = mkdtempSync(join(tmpdir(), 'hl-fuses-'));
    try {
      standInElectron(d, '45.4.1');
      copyFileSync(join(d, 'electron'), join(d, 'handshake-lab'));
      const before = await fuses.readFuses(join(d, 'handshake-lab'));
      expect(STOCK_FUSES).toBe('10110001');
      expect(before).toMatchObject({ RunAsNode: 'on', EnableNodeOptionsEnvironmentVariable: 'on', OnlyLoadAppFromAsar: 'off', GrantFileProtocolExtraPrivileges: 'on' });
      await afterPack({ appOutDir: d, electronPlatformName: 'linux', packager: { executableName: 'handshake-lab', appInfo: { productFilename: 'Handshake Lab' } } });
      expect(await fuses.readFuses(join(d, 'handshake-lab'))).toEqual({
        RunAsNode: 'off', EnableCookieEncryption: 'on', EnableNodeOptionsEnvironmentVariable: 'off', EnableNodeCliInspectArguments: 'off',
        EnableEmbeddedAsarIntegrityValidation: 'on', OnlyLoadAppFromAsar: 'on', LoadBrowserProcessSpecificV8Snapshot: 'off', GrantFileProtocolExtraPrivileges: 'on',
      });
      // The stand-in's bytes around the wire are untouched (a shell script that says what it is).
      expect(readFileSync(join(d, 'handshake-lab'), 'utf8')).toMatch(/^#!\/bin\/sh\n/);
      // A binary without the sentinel (not Electron) is an error, not a silent success.
      writeFileSync(join(d, 'plain'), 'no sentinel here');
      await expect(afterPack({ appOutDir: d, electronPlatformName: 'linux', packager: { executableName: 'plain' } })).rejects.toThrow(/sentinel/);
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });

  it('finds the binary electron-builder packed on each platform', () => {
    const packager = { executableName: 'handshake-lab', appInfo: { productFilename: 'Handshake Lab' } };
    expect(fuses.electronBinary({ appOutDir: '/o', electronPlatformName: 'linux', packager })).toBe('/o/handshake-lab');
    expect(fuses.electronBinary({ appOutDir: '/o', electronPlatformName: 'win32', packager })).toBe('/o/Handshake Lab.exe');
    expect(fuses.electronBinary({ appOutDir: '/o', electronPlatformName: 'darwin', packager })).toBe('/o/Handshake Lab.app');
  });
});

describe('native addons: built for Electron on macOS/Windows (beforePack), none on Linux', () => {
  const hook = require(join(repo, 'scripts', 'packaging', 'before-pack.cjs')) as {
    shipsNativeAddon(p: string): boolean;
    electronGypEnv(e: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
    rebuildCap(o: object, rebuild: (o: Record<string, unknown>) => Promise<void>, check: (f: string) => { abi: number | null; message: string }): Promise<{ built: boolean; abi?: number }>;
  };
  const abi = require(join(repo, 'scripts', 'packaging', 'native-abi.cjs')) as { electronAbi(v: string): number; addonAbi(f: string): { abi: number | null; loads: boolean } };

  it('knows Electron 45\'s ABI as the electron package states it', () => {
    const version = (JSON.parse(readFileSync(join(repo, 'node_modules', 'electron', 'package.json'), 'utf8')) as { version: string }).version;
    const stated = join(repo, 'node_modules', 'electron', 'abi_version');
    if (existsSync(stated)) expect(abi.electronAbi(version)).toBe(Number(readFileSync(stated, 'utf8').trim()));
    expect(abi.electronAbi(version)).not.toBe(Number(process.versions.modules));
  });

  it.skipIf(!existsSync(join(repo, 'node_modules', 'cap', 'build', 'Release', 'cap.node')))('reads an addon\'s ABI by loading it: npm\'s cap build is this Node\'s', () => {
    expect(abi.addonAbi(join(repo, 'node_modules', 'cap', 'build', 'Release', 'cap.node'))).toMatchObject({ abi: Number(process.versions.modules), loads: true });
  });

  it('rebuilds only on macOS and Windows, without npm\'s nodedir, and refuses a result with Node\'s ABI', async () => {
    expect(['linux', 'darwin', 'mas', 'win32'].map(hook.shipsNativeAddon)).toEqual([false, true, true, true]);
    expect(hook.electronGypEnv({ npm_config_nodedir: '/usr', NPM_CONFIG_NODEDIR: '/usr', npm_config_target: '20', PATH: '/bin' })).toEqual({ PATH: '/bin' });
    const seen: { opts: Record<string, unknown>; nodedir: string | undefined }[] = [];
    const rebuild = async (o: Record<string, unknown>) => { seen.push({ opts: o, nodedir: process.env.npm_config_nodedir }); };
    process.env.npm_config_nodedir = '/usr';
    try {
      const good = await hook.rebuildCap({ projectDir: repo, electronVersion: '45.4.1', arch: 'x64', platform: 'darwin' }, rebuild, () => ({ abi: 150, message: '' }));
      expect(good).toEqual({ built: true, abi: 150 });
      expect(seen[0].opts).toMatchObject({ buildPath: repo, electronVersion: '45.4.1', onlyModules: ['cap'], force: true });
      expect(seen[0].nodedir).toBeUndefined();
      expect(process.env.npm_config_nodedir).toBe('/usr');
      await expect(hook.rebuildCap({ projectDir: repo, electronVersion: '45.4.1', arch: 'x64', platform: 'win32' }, rebuild, () => ({ abi: 115, message: '' })))
        .rejects.toThrow('cap was built for ABI 115, Electron 45.4.1 needs 150');
    } finally {
      delete process.env.npm_config_nodedir;
    }
  });
});
