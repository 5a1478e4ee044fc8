// The built CLI (`npm run build`, which `npm test` runs first), run as a user runs it.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'handshake-lab.js');

/** Whether the CLI is built (tests that need it skip, saying so, when it is not). */
export const cliBuilt = existsSync(join(ROOT, 'out', 'main', 'cli.js'));

/** Runs `handshake-lab ARGS…` to completion: its output, errors and exit code. */
export function cli(args: string[]): { stdout: string; stderr: string; status: number | null } {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', maxBuffer: 1 << 30 });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}
