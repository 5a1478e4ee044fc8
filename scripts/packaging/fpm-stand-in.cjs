#!/usr/bin/env node
// A stand-in for fpm (which electron-builder downloads from GitHub; not possible offline), pointed at by
// CUSTOM_FPM_PATH in `npm run package:check`. It records what electron-builder asked for: the arguments,
// and a copy of every source file mapped into the package (the .desktop entry, the icons, the MIME type
// file and the maintainer scripts live in electron-builder's temporary folder and are gone afterwards).
// Then it writes a placeholder at --package, so electron-builder finishes as after a real build.
const { copyFileSync, mkdirSync, statSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const dir = process.env.HANDSHAKE_LAB_FPM_RECORD;
if (!dir) {
  process.stderr.write('fpm stand-in: HANDSHAKE_LAB_FPM_RECORD (a folder for the record) is not set\n');
  process.exit(2);
}
const args = process.argv.slice(2);
mkdirSync(join(dir, 'files'), { recursive: true });
const files = {};
const copies = ['--after-install', '--after-remove', '--before-install', '--before-remove'];
const keep = (src, key) => {
  try {
    if (!statSync(src).isFile()) return;
  } catch {
    return;
  }
  const copy = join(dir, 'files', `${Object.keys(files).length}-${src.split('/').pop()}`);
  copyFileSync(src, copy);
  files[key] = copy;
};
// Options come first (each with a value, but for the few flags), then the SRC=DEST mappings.
const FLAGS = new Set(['--force', '--debug', '--verbose']);
let i = 0;
while (i < args.length && args[i].startsWith('-')) {
  if (copies.includes(args[i])) keep(args[i + 1], args[i]);
  i += FLAGS.has(args[i]) ? 1 : 2;
}
for (const m of args.slice(i)) {
  const eq = m.indexOf('=');
  if (eq > 0) keep(m.slice(0, eq), m.slice(eq + 1));
}
writeFileSync(join(dir, 'fpm.json'), JSON.stringify({ args, files }, null, 2));
const pkg = args[args.indexOf('--package') + 1];
if (pkg) writeFileSync(pkg, 'placeholder written by the fpm stand-in of npm run package:check\n');
