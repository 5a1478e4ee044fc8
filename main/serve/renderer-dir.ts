// Where the built renderer is: out/renderer next to the bundled CLI, or under the repository when run
// from sources (tests). HANDSHAKE_LAB_RENDERER_DIR overrides it.
import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export function rendererDir(env: NodeJS.ProcessEnv = process.env): string | null {
  if (env.HANDSHAKE_LAB_RENDERER_DIR) return env.HANDSHAKE_LAB_RENDERER_DIR;
  let d = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (basename(d) === 'out' && existsSync(join(d, 'renderer', 'index.html'))) return join(d, 'renderer');
    if (existsSync(join(d, 'out', 'renderer', 'index.html'))) return join(d, 'out', 'renderer');
    const up = dirname(d);
    if (up === d) break;
    d = up;
  }
  return null;
}
