// Which Node ABI a native addon (.node) was built for, found the only sure way: a Node process loads it.
// Loading succeeds for this Node's ABI; for another one Node says which ("compiled against … using
// NODE_MODULE_VERSION 150"). Electron 45's ABI is 150, Node 20's 115: an addon built against a system
// Node's headers (the Debian `nodedir=/usr` pitfall) carries Node's ABI and Electron refuses it.
const { spawnSync } = require('node:child_process');

/** { abi, loads } for `file` as seen from the Node at `node` (default: this one); abi null when unknown. */
function addonAbi(file, node = process.execPath) {
  const r = spawnSync(node, ['-e', 'try { process.dlopen({ exports: {} }, process.argv[1]); console.log("LOADED") } catch (e) { console.log(e.message) }', file], { encoding: 'utf8' });
  const out = `${r.stdout}${r.stderr}`;
  if (/^LOADED/m.test(out)) return { abi: Number(spawnSync(node, ['-p', 'process.versions.modules'], { encoding: 'utf8' }).stdout.trim()), loads: true, message: '' };
  const m = /compiled against a different Node\.js version using\s+NODE_MODULE_VERSION (\d+)/.exec(out);
  return { abi: m ? Number(m[1]) : null, loads: false, message: out.trim().split('\n')[0] };
}

/** Electron `version`'s ABI (NODE_MODULE_VERSION), from node-abi's table. */
function electronAbi(version) {
  const { getAbi } = require('node-abi');
  return Number(getAbi(version, 'electron'));
}

module.exports = { addonAbi, electronAbi };
