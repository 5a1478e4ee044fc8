// electron-builder's afterPack hook: sets the Electron fuses in the packed binary (see fuses.cjs), before
// electron-builder signs it.
const { applyFuses, electronBinary } = require('./fuses.cjs');

exports.default = async function afterPack(context) {
  const binary = electronBinary(context);
  const wires = await applyFuses(binary, context.electronPlatformName === 'mas' ? 'darwin' : context.electronPlatformName);
  console.log(`  • fuses set in ${binary} (${wires} fuse wire${wires === 1 ? '' : 's'})`);
};
