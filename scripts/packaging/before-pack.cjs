// electron-builder's beforePack hook. macOS and Windows run the `cap` capture addon inside the app's back end
// (capture rights belong to the user there), so it is compiled for Electron's ABI on those build machines,
// with Electron's headers: npm's `nodedir` (Debian sets /usr) is dropped, or node-gyp would quietly build
// against the system Node's headers and Electron would refuse the addon. The result is checked by loading it.
// Linux ships no native addon (capture goes through dumpcap): nothing to build, and the project's own
// node_modules is never touched. `npmRebuild` stays off, so electron-builder never rebuilds by itself.
const path = require('node:path');
const { existsSync } = require('node:fs');
const { addonAbi, electronAbi } = require('./native-abi.cjs');

/** Environment for node-gyp without the npm settings that point it at another Node's headers. */
function electronGypEnv(env = process.env) {
  const out = { ...env };
  for (const k of Object.keys(out)) if (/^npm_config_(nodedir|target|runtime|disturl|dist_url)$/i.test(k)) delete out[k];
  return out;
}

/** Whether this platform's package carries cap (see electron-builder.yml: linux.files excludes it). */
function shipsNativeAddon(platformName) {
  return platformName === 'darwin' || platformName === 'mas' || platformName === 'win32';
}

/** Builds cap for Electron `electronVersion` in `projectDir`; `rebuild` is @electron/rebuild's (injectable for tests). */
async function rebuildCap({ projectDir, electronVersion, arch, platform }, rebuild = require('@electron/rebuild').rebuild, check = addonAbi) {
  if (!existsSync(path.join(projectDir, 'node_modules', 'cap'))) return { built: false, why: 'cap is not installed (optional; the app then captures through dumpcap)' };
  const saved = process.env;
  process.env = electronGypEnv(saved);
  try {
    await rebuild({ buildPath: projectDir, electronVersion, arch, platform, onlyModules: ['cap'], force: true, mode: 'sequential' });
  } finally {
    process.env = saved;
  }
  // Checked, not trusted: the addon must carry Electron's ABI, which plain Node refuses to load and names.
  const want = electronAbi(electronVersion);
  const addon = path.join(projectDir, 'node_modules', 'cap', 'build', 'Release', 'cap.node');
  const got = check(addon);
  if (got.abi !== want) throw new Error(`cap was built for ABI ${got.abi ?? `unknown (${got.message})`}, Electron ${electronVersion} needs ${want}: were Electron's headers used?`);
  return { built: true, abi: want };
}

exports.default = async function beforePack(context) {
  const platformName = context.electronPlatformName;
  if (!shipsNativeAddon(platformName)) return;
  const packager = context.packager;
  const r = await rebuildCap({
    projectDir: packager.info.projectDir,
    electronVersion: packager.config.electronVersion ?? packager.info.framework.version,
    arch: require('builder-util').Arch[context.arch],
    platform: platformName === 'mas' ? 'darwin' : platformName,
  });
  console.log(r.built ? `  • cap built for Electron (ABI ${r.abi})` : `  • ${r.why}`);
};

module.exports.electronGypEnv = electronGypEnv;
module.exports.shipsNativeAddon = shipsNativeAddon;
module.exports.rebuildCap = rebuildCap;
