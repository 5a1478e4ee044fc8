// Electron fuses for the packaged app, flipped in the Electron binary after packing (afterPack hook) with
// @electron/fuses. Each one closes a way to run other code with the app's identity and rights:
// - RunAsNode off: ELECTRON_RUN_AS_NODE cannot turn the app into a plain Node interpreter;
// - EnableNodeOptionsEnvironmentVariable off: NODE_OPTIONS cannot preload code;
// - EnableNodeCliInspectArguments off: --inspect cannot attach a debugger;
// - OnlyLoadAppFromAsar on: the app is loaded from app.asar only, never from a planted app/ folder;
// - EnableEmbeddedAsarIntegrityValidation on: app.asar must match the hash electron-builder records
//   (macOS and Windows; Electron does not check it on Linux);
// - EnableCookieEncryption on: cookies at rest are encrypted with the OS keystore.
// GrantFileProtocolExtraPrivileges is left as Electron has it: the window loads its pages from file://.
const path = require('node:path');
const { flipFuses, getCurrentFuseWire, FuseVersion, FuseV1Options } = require('@electron/fuses');

const FUSES = {
  version: FuseVersion.V1,
  [FuseV1Options.RunAsNode]: false,
  [FuseV1Options.EnableCookieEncryption]: true,
  [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
  [FuseV1Options.EnableNodeCliInspectArguments]: false,
  [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
  [FuseV1Options.OnlyLoadAppFromAsar]: true,
};

/** The Electron executable electron-builder packed (the .app bundle on macOS: @electron/fuses finds the framework). */
function electronBinary(context) {
  const { appOutDir, electronPlatformName, packager } = context;
  if (electronPlatformName === 'darwin' || electronPlatformName === 'mas') return path.join(appOutDir, `${packager.appInfo.productFilename}.app`);
  if (electronPlatformName === 'win32') return path.join(appOutDir, `${packager.appInfo.productFilename}.exe`);
  return path.join(appOutDir, packager.executableName);
}

/** Flips FUSES in `binary`; resolves to the number of fuse wires changed (2 in a universal macOS binary). */
function applyFuses(binary, platform = process.platform) {
  // An arm64 macOS binary must be signed again (ad hoc) once its bytes change, or it will not start.
  return flipFuses(binary, { ...FUSES, resetAdHocDarwinSignature: platform === 'darwin' });
}

/** The fuses as a binary now has them: { RunAsNode: 'off', … } ('on', 'off', 'removed' or 'inherit'). */
async function readFuses(binary) {
  const wire = await getCurrentFuseWire(binary);
  const out = {};
  for (const [key, value] of Object.entries(wire)) {
    if (key === 'version') continue;
    const name = FuseV1Options[Number(key)] ?? `fuse${key}`;
    out[name] = value === 0x31 ? 'on' : value === 0x30 ? 'off' : value === 0x72 ? 'removed' : 'inherit';
  }
  return out;
}

module.exports = { FUSES, electronBinary, applyFuses, readFuses };
