// What `npm run package:check` verifies in a built Linux app (the staging folder of stage.js) and in the
// packaging configuration of every target. Each check returns the problems it found, one sentence each;
// none means the check passed.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { basename, join, relative } from 'node:path';
import { ICNS_TYPES, ICO_SIZES, LINUX_SIZES, pngSize, readIcns, readIco } from './icon-files.js';

const require = createRequire(import.meta.url);

/** Every file under `dir`, as paths relative to it with '/' separators. */
export function listFiles(dir) {
  const out = [];
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(relative(dir, p).split('\\').join('/'));
    }
  };
  if (existsSync(dir)) walk(dir);
  return out.sort();
}

// ---------------------------------------------------------------- what main loads

const BUILTINS = new Set(builtinModules);
const SPECIFIERS = [
  /\bfrom\s*["']([^"']+)["']/g,
  /\bimport\s*["']([^"']+)["']/g,
  /\bimport\s*\(\s*["']([^"']+)["']\s*\)/g,
  /\brequire(?:\.resolve)?\s*\(\s*["']([^"']+)["']\s*\)/g,
];

/** The npm package a bare import specifier names ('ws', '@scope/pkg/sub' → '@scope/pkg'), or null. */
export function packageOf(spec) {
  if (spec.startsWith('.') || spec.startsWith('/') || spec.startsWith('node:') || /^[a-z]+:/i.test(spec)) return null;
  const parts = spec.split('/');
  const name = spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
  return BUILTINS.has(name) || name === 'electron' ? null : name;
}

/** Packages the main-process bundles import or require by name (the node_modules they need at run time). */
export function importedPackages(mainDir) {
  const found = new Set();
  for (const f of listFiles(mainDir).filter((n) => /\.(c|m)?js$/.test(n))) {
    const text = readFileSync(join(mainDir, f), 'utf8');
    for (const re of SPECIFIERS) for (const m of text.matchAll(re)) {
      const p = packageOf(m[1]);
      if (p) found.add(p);
    }
  }
  return found;
}

/** Every package main imports is a production (or optional) dependency: a devDependency is not installed for users. */
export function checkImportsAreDependencies(imported, pkg) {
  const prod = { ...pkg.dependencies, ...pkg.optionalDependencies };
  return [...imported].filter((p) => !prod[p]).map((p) => `main imports ${p}, which package.json does not list in dependencies (users would not get it)`);
}

/** A package is native when it compiles or carries an addon: it has a binding.gyp or a .node file. */
export function isNativePackage(dir) {
  return existsSync(join(dir, 'binding.gyp')) || listFiles(dir).some((f) => f.endsWith('.node'));
}

/**
 * The packages app.asar must hold: those main imports, with their dependencies (installed optional ones
 * too), found from `modulesDir` (the project's node_modules). On Linux without native packages (capture
 * goes through dumpcap; DECISIONS "cap and packages"), nor what only they need.
 */
export function runtimePackages(imported, modulesDir, { native = false } = {}) {
  const out = new Set();
  const visit = (name) => {
    const dir = join(modulesDir, name);
    if (out.has(name) || !existsSync(join(dir, 'package.json'))) return;
    if (!native && isNativePackage(dir)) return;
    out.add(name);
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    for (const dep of Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies })) visit(dep);
  };
  for (const p of imported) visit(p);
  return out;
}

// ---------------------------------------------------------------- app.asar

/** The files in an asar archive, relative, without the leading '/'. */
export function asarFiles(asarPath) {
  const asar = require('@electron/asar');
  return asar.listPackage(asarPath, { isPack: false })
    .map((p) => p.replace(/^[\\/]/, '').split('\\').join('/'))
    .filter((p) => {
      try {
        return !asar.statFile(asarPath, p, false).files;
      } catch {
        return true;
      }
    });
}

/** app.asar holds the bundles (out/, without source maps), package.json and exactly `packages` in node_modules. */
export function checkAsar(files, { outFiles, packages }) {
  const problems = [];
  const have = new Set(files);
  for (const f of outFiles) if (!have.has(`out/${f}`)) problems.push(`app.asar lacks out/${f}`);
  const outSet = new Set(outFiles.map((f) => `out/${f}`));
  for (const f of files) {
    if (f.startsWith('out/') && !outSet.has(f)) problems.push(`app.asar holds ${f}, which the build did not make (or a source map)`);
    else if (!f.startsWith('out/') && !f.startsWith('node_modules/') && f !== 'package.json') problems.push(`app.asar holds ${f}, which is not part of the app`);
  }
  if (!have.has('package.json')) problems.push('app.asar lacks package.json');
  for (const entry of ['out/main/index.js', 'out/preload/index.cjs', 'out/renderer/index.html']) if (!have.has(entry)) problems.push(`app.asar lacks ${entry}`);
  if (!files.some((f) => /^out\/main\/.*backend-host.*\.js$/.test(f))) problems.push('app.asar lacks the back-end host bundle (out/main/…backend-host….js)');
  const packed = new Set();
  for (const f of files) {
    const m = /^node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(f);
    if (m) packed.add(m[1]);
  }
  for (const p of packages) if (!packed.has(p)) problems.push(`app.asar lacks the runtime module ${p}, which main loads`);
  for (const p of packed) if (!packages.has(p)) problems.push(`app.asar holds node_modules/${p}, which main does not load (a renderer-only or build-time package?)`);
  return problems;
}

// ---------------------------------------------------------------- native addons

/** .node files anywhere in the app (asar listing and the unpacked folders). */
export function checkNoAddons(asarList, appOutDir) {
  const problems = [];
  for (const f of asarList.filter((n) => n.endsWith('.node'))) problems.push(`app.asar holds the native addon ${f}: the Linux package carries none (capture goes through dumpcap)`);
  for (const f of listFiles(appOutDir).filter((n) => n.endsWith('.node'))) {
    const abi = addonAbiOf(join(appOutDir, f));
    problems.push(`${f} is a native addon${abi ? ` built for ABI ${abi.abi ?? 'unknown'}${abi.loads ? ' (this Node\'s: Electron would refuse it)' : ''}` : ''}: the Linux package carries none`);
  }
  return problems;
}

function addonAbiOf(file) {
  try {
    return require('./native-abi.cjs').addonAbi(file);
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------- lessons

/** resources/lessons holds every file of assets/lessons, byte for byte. */
export function checkLessons(assetsDir, resourcesDir) {
  const want = listFiles(assetsDir);
  const problems = [];
  if (!want.length) problems.push(`${assetsDir} holds no lessons`);
  for (const f of want) {
    const p = join(resourcesDir, f);
    if (!existsSync(p)) problems.push(`resources/lessons lacks ${f}`);
    else if (!readFileSync(p).equals(readFileSync(join(assetsDir, f)))) problems.push(`resources/lessons/${f} differs from assets/lessons/${f}`);
  }
  return problems;
}

// ---------------------------------------------------------------- fuses

export const WANTED_FUSES = {
  RunAsNode: 'off',
  EnableNodeOptionsEnvironmentVariable: 'off',
  EnableNodeCliInspectArguments: 'off',
  OnlyLoadAppFromAsar: 'on',
  EnableEmbeddedAsarIntegrityValidation: 'on',
};

/** The packed binary's fuses are as WANTED_FUSES says. */
export async function checkFuses(binary) {
  if (!existsSync(binary)) return [`there is no executable at ${binary}`];
  const { readFuses } = require('./fuses.cjs');
  let fuses;
  try {
    fuses = await readFuses(binary);
  } catch (e) {
    return [`cannot read the fuses of ${binary}: ${e.message}`];
  }
  return Object.entries(WANTED_FUSES).filter(([k, v]) => fuses[k] !== v).map(([k, v]) => `fuse ${k} is ${fuses[k] ?? 'missing'} in ${basename(binary)}, should be ${v}`);
}

// ---------------------------------------------------------------- the deb (what electron-builder asked fpm for)

/** fpm's options as a map of name → values, and its SRC=DEST mappings. */
export function parseFpmArgs(args) {
  const options = new Map();
  const FLAGS = new Set(['--force', '--debug', '--verbose']);
  let i = 0;
  for (; i < args.length && args[i].startsWith('-'); i += FLAGS.has(args[i]) ? 1 : 2) {
    const list = options.get(args[i]) ?? [];
    list.push(FLAGS.has(args[i]) ? '' : args[i + 1]);
    options.set(args[i], list);
  }
  const mappings = new Map(args.slice(i).map((m) => [m.slice(m.indexOf('=') + 1), m.slice(0, m.indexOf('='))]));
  return { options, mappings };
}

/** Packages only the renderer uses: vite bundles them, so neither the app nor a CLI install needs them. */
const RENDERER_ONLY = ['vue', 'pinia', 'chart.js', 'vue-i18n'];

const EMAIL = /^[^<>]+ <[^@\s<>]+@[^@\s<>]+\.[a-z]+>$/i;

/** The deb carries its required fields, recommends dumpcap's package, the icons, the desktop entry and the app. */
export function checkDeb(record, { executableName, productName }) {
  const problems = [];
  const file = join(record, 'fpm.json');
  if (!existsSync(file)) return ['fpm was never called: electron-builder stopped before the deb (see its log)'];
  const { args, files } = JSON.parse(readFileSync(file, 'utf8'));
  const { options, mappings } = parseFpmArgs(args);
  const one = (name) => options.get(name)?.[0];
  if (one('-t') !== 'deb') problems.push(`fpm was asked for ${one('-t')}, not a deb`);
  for (const [name, what] of [['--name', 'package name'], ['--version', 'version'], ['--architecture', 'architecture'], ['--description', 'description'], ['--license', 'licence'], ['--vendor', 'vendor']]) {
    if (!one(name)?.trim()) problems.push(`the deb has no ${what} (${name})`);
  }
  if (!EMAIL.test(one('--maintainer') ?? '')) problems.push(`the deb's maintainer "${one('--maintainer') ?? ''}" is not "Name <email>"`);
  if (!/^https:\/\/[^\s/]+/.test(one('--url') ?? '')) problems.push(`the deb's homepage "${one('--url') ?? ''}" is not an https URL`);
  const description = one('--description') ?? '';
  if (!/^\S.*\n \S/.test(description)) problems.push('the deb\'s description lacks a synopsis line and a long description');
  const recommends = options.get('--deb-recommends') ?? [];
  if (!recommends.some((r) => /(^|\|)\s*wireshark-common\s*(\||$)/.test(r) && /(^|\|)\s*tshark\s*(\||$)/.test(r))) {
    problems.push(`the deb does not recommend "wireshark-common | tshark" (dumpcap, which the app captures through); it recommends: ${recommends.join(', ') || 'nothing'}`);
  }
  if (recommends.some((r) => /libpcap/.test(r)) || (options.get('-d') ?? []).some((d) => /libpcap/.test(d))) problems.push('the deb asks for libpcap, which only the cap addon used, and the Linux package has no cap');
  const appDir = `/opt/${productName}`;
  if (![...mappings.keys()].includes(appDir)) problems.push(`the deb does not install the app in ${appDir}`);
  for (const s of LINUX_SIZES) {
    const dest = `/usr/share/icons/hicolor/${s}x${s}/apps/${executableName}.png`;
    const copy = files[dest];
    if (!copy) problems.push(`the deb has no ${s}×${s} icon (${dest})`);
    else {
      const size = pngSize(readFileSync(copy));
      if (!size || size.width !== s || size.height !== s) problems.push(`the deb's ${s}×${s} icon is ${size ? `${size.width}×${size.height}` : 'not a PNG'}`);
    }
  }
  const desktop = files[`/usr/share/applications/${executableName}.desktop`];
  if (!desktop) problems.push(`the deb has no desktop entry (/usr/share/applications/${executableName}.desktop)`);
  else problems.push(...checkDesktopEntry(readFileSync(desktop, 'utf8'), { executable: `${appDir}/${executableName}`, executableName, productName }));
  if (!files['--after-install']) problems.push('the deb has no after-install script (it links /usr/bin and sets up chrome-sandbox)');
  return problems;
}

/** Parses a .desktop file's [Desktop Entry] group. */
export function parseDesktopEntry(text) {
  const entry = new Map();
  let inGroup = false;
  for (const line of text.split('\n')) {
    if (/^\[.*\]$/.test(line)) inGroup = line === '[Desktop Entry]';
    else if (inGroup && line.includes('=') && !line.startsWith('#')) entry.set(line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1));
  }
  return entry;
}

/** A desktop entry that launches the app, shows its icon and name, and offers it for pcap/pcapng files. */
export function checkDesktopEntry(text, { executable, executableName, productName }) {
  const e = parseDesktopEntry(text);
  const problems = [];
  const want = { Type: 'Application', Name: productName, Icon: executableName, Terminal: 'false', StartupWMClass: executableName };
  for (const [k, v] of Object.entries(want)) if (e.get(k) !== v) problems.push(`desktop entry: ${k} is "${e.get(k) ?? ''}", should be "${v}"`);
  const exec = e.get('Exec') ?? '';
  if (!exec.startsWith(`"${executable}"`) && !exec.startsWith(`${executable} `)) problems.push(`desktop entry: Exec "${exec}" does not start ${executable}`);
  if (!/%[fFuU]/.test(exec)) problems.push('desktop entry: Exec takes no file (%U), so opening a capture from the file manager cannot work');
  if (!(e.get('Categories') ?? '').split(';').includes('Education')) problems.push('desktop entry: Categories lacks Education');
  for (const m of ['application/vnd.tcpdump.pcap', 'application/x-pcapng']) if (!(e.get('MimeType') ?? '').split(';').includes(m)) problems.push(`desktop entry: MimeType lacks ${m}`);
  if (!e.get('Comment')) problems.push('desktop entry: no Comment');
  const validate = spawnSync('desktop-file-validate', ['/dev/stdin'], { input: text, encoding: 'utf8' });
  if (!validate.error && validate.status !== 0) problems.push(`desktop-file-validate: ${(validate.stdout + validate.stderr).trim()}`);
  return problems;
}

// ---------------------------------------------------------------- every target's configuration

/**
 * Fields each target needs that offline building cannot prove (the AppImage, dmg and nsis tools are
 * downloaded, and dmg needs macOS): metadata, icons in every size, desktop integration, installer choices.
 */
export function checkTargets(config, pkg, projectDir) {
  const problems = [];
  const need = (cond, text) => { if (!cond) problems.push(text); };
  // Everyone: package metadata (electron-builder stops without a homepage or an author's email).
  need(pkg.homepage && /^https:\/\//.test(pkg.homepage), 'package.json: homepage missing or not https');
  need(pkg.author && typeof pkg.author === 'object' && pkg.author.name && /@/.test(pkg.author.email ?? ''), 'package.json: author needs a name and an email');
  need(pkg.description, 'package.json: description missing');
  need(pkg.license, 'package.json: license missing');
  need(pkg.desktopName === `${config.linux?.executableName}.desktop`, `package.json: desktopName should be ${config.linux?.executableName}.desktop (Electron's app_id, the window's WM_CLASS)`);
  need(config.appId && config.productName && config.copyright, 'electron-builder.yml: appId, productName and copyright are all needed');
  for (const dep of RENDERER_ONLY) need(!pkg.dependencies?.[dep], `package.json: ${dep} is renderer-only (bundled by vite) and belongs in devDependencies`);
  need(config.npmRebuild === false, 'electron-builder.yml: npmRebuild would rebuild native modules inside the project\'s node_modules');
  need(config.afterPack, 'electron-builder.yml: no afterPack hook sets the Electron fuses');
  // Linux: deb and AppImage.
  const linux = config.linux ?? {};
  const targets = (linux.target ?? []).map((t) => (typeof t === 'string' ? t : t.target));
  need(targets.includes('deb') && targets.includes('AppImage'), 'linux.target should build deb and AppImage');
  need(linux.executableName && linux.category && linux.synopsis && linux.description, 'linux: executableName, category, synopsis and description are all needed (AppImage and deb)');
  need(linux.maintainer ? EMAIL.test(linux.maintainer) : true, `linux.maintainer "${linux.maintainer}" is not "Name <email>"`);
  const iconDir = join(projectDir, linux.icon ?? 'build/icons');
  for (const s of LINUX_SIZES) {
    const f = join(iconDir, `${s}x${s}.png`);
    const size = existsSync(f) ? pngSize(readFileSync(f)) : null;
    need(size && size.width === s && size.height === s, `Linux icon ${relative(projectDir, f)} is missing or not ${s}×${s}`);
  }
  need((config.fileAssociations ?? []).some((a) => a.ext === 'pcapng') && (linux.mimeTypes ?? []).includes('application/vnd.tcpdump.pcap'), 'linux: pcap/pcapng file associations and MIME types are needed');
  // macOS: dmg.
  const mac = config.mac ?? {};
  need(mac.target === 'dmg' || (Array.isArray(mac.target) && mac.target.includes('dmg')), 'mac.target should be dmg');
  need(mac.category?.startsWith('public.app-category.'), 'mac.category should be a public.app-category');
  need(mac.hardenedRuntime !== false, 'mac.hardenedRuntime should stay on (notarization needs it)');
  problems.push(...checkIcns(join(projectDir, mac.icon ?? 'build/icon.icns')));
  // Windows: nsis.
  const win = config.win ?? {};
  need(win.target === 'nsis' || (Array.isArray(win.target) && win.target.includes('nsis')), 'win.target should be nsis');
  problems.push(...checkIco(join(projectDir, win.icon ?? 'build/icon.ico')));
  const nsis = config.nsis ?? {};
  need(nsis.oneClick === false && nsis.perMachine === false, 'nsis: a per-user installer with choices (oneClick and perMachine off): the app never needs administrator rights');
  for (const k of ['installerIcon', 'uninstallerIcon']) need(nsis[k] && existsSync(join(projectDir, nsis[k])), `nsis.${k} is missing`);
  return problems;
}

function checkIco(file) {
  if (!existsSync(file)) return [`${basename(file)} is missing (Windows icon)`];
  let entries;
  try {
    entries = readIco(readFileSync(file));
  } catch (e) {
    return [`${basename(file)}: ${e.message}`];
  }
  const problems = [];
  for (const s of ICO_SIZES) {
    const e = entries.find((x) => x.size === s);
    const size = e?.png ? pngSize(e.png) : null;
    if (!size || size.width !== s) problems.push(`${basename(file)} lacks a ${s}×${s} image`);
  }
  return problems;
}

function checkIcns(file) {
  if (!existsSync(file)) return [`${basename(file)} is missing (macOS icon)`];
  let entries;
  try {
    entries = readIcns(readFileSync(file));
  } catch (e) {
    return [`${basename(file)}: ${e.message}`];
  }
  const problems = [];
  for (const [type, s] of ICNS_TYPES) {
    const e = entries.find((x) => x.type === type);
    const size = e ? pngSize(e.data) : null;
    if (!size || size.width !== s) problems.push(`${basename(file)} lacks its ${type} (${s}×${s}) image`);
  }
  return problems;
}

// ---------------------------------------------------------------- the main bundle under Node

/** Names imported from 'electron' by the main bundles (the stub must export each one). */
export function electronImports(mainDir) {
  const names = new Set();
  for (const f of listFiles(mainDir).filter((n) => n.endsWith('.js'))) {
    const text = readFileSync(join(mainDir, f), 'utf8');
    for (const m of text.matchAll(/import\s*\{([^}]*)\}\s*from\s*["']electron["']/g)) {
      for (const part of m[1].split(',')) {
        const name = part.trim().split(/\s+as\s+/)[0];
        if (name) names.add(name);
      }
    }
  }
  return [...names];
}

/**
 * Extracts app.asar and imports every main-process module of it with plain Node, `electron` replaced by a
 * stub whose every member is an inert function: a module the package lacks fails the import.
 */
export function checkMainLoads(asarPath, resourcesDir, workDir) {
  const asar = require('@electron/asar');
  const app = join(workDir, 'app');
  asar.extractAll(asarPath, app);
  const names = electronImports(join(app, 'out', 'main'));
  const stub = join(app, 'node_modules', 'electron');
  mkdirSync(stub, { recursive: true });
  writeFileSync(join(stub, 'package.json'), JSON.stringify({ name: 'electron', type: 'module', main: 'index.js' }));
  writeFileSync(join(stub, 'index.js'), [
    '// A stand-in for electron: every member is an inert function; app.whenReady() never resolves.',
    'const inert = (path) => new Proxy(function () {}, {',
    '  get: (_t, k) => (k === "then" ? undefined : k === "whenReady" ? () => new Promise(() => {}) : k === Symbol.toPrimitive ? () => path : inert(`${path}.${String(k)}`)),',
    '  apply: (_t, _this, _args) => inert(`${path}()`),',
    '  construct: () => inert(`new ${path}`),',
    '});',
    ...names.map((n) => `export const ${n} = inert(${JSON.stringify(n)});`),
    'export default new Proxy({}, { get: (_t, k) => inert(String(k)) });',
  ].join('\n'));
  const files = listFiles(join(app, 'out', 'main')).filter((f) => f.endsWith('.js')).map((f) => join(app, 'out', 'main', f));
  const runner = join(workDir, 'load-all.mjs');
  writeFileSync(runner, [
    'import { EventEmitter } from "node:events";',
    'import { pathToFileURL } from "node:url";',
    // What Electron's main and utility processes have and Node does not.
    `process.resourcesPath = ${JSON.stringify(resourcesDir)};`,
    'process.parentPort = Object.assign(new EventEmitter(), { postMessage() {} });',
    'const failed = [];',
    `for (const f of ${JSON.stringify(files)}) {`,
    '  try { await import(pathToFileURL(f).href); } catch (e) { failed.push(`${f}: ${e.code ?? e.name}: ${String(e.message).split("\\n")[0]}`); }',
    '}',
    'process.stdout.write(JSON.stringify(failed) + "\\n");',
    'process.exit(0);',
  ].join('\n'));
  const r = spawnSync(process.execPath, [runner], { cwd: app, encoding: 'utf8', timeout: 60_000, env: { ...process.env, NODE_PATH: '', HANDSHAKE_LAB_DATA_DIR: join(workDir, 'data') } });
  const line = r.stdout.trim().split('\n').pop() ?? '';
  let failed;
  try {
    failed = JSON.parse(line);
  } catch {
    return [`the main bundles did not finish loading under Node (exit ${r.status}${r.signal ? `, ${r.signal}` : ''}): ${(r.stderr || r.stdout).trim().split('\n').slice(0, 3).join(' | ')}`];
  }
  return failed.map((f) => `under Node with a stub electron, ${relative(app, f)}`);
}

