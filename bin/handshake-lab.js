#!/usr/bin/env node
// The command-line entry: runs the bundled CLI (built by `npm run build`, which `npm install` runs).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../out/main/cli.js', import.meta.url));
if (!existsSync(cli)) {
  process.stderr.write('handshake-lab: the CLI is not built yet; run `npm run build` (npm install does this).\n');
  process.exit(2);
}
await import(cli);
