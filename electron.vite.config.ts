// One build for every bundle: the Electron main process, the CLI (plain Node), the capture
// helper, the sandboxed preload (CommonJS, as sandboxed preloads must be) and the Vue renderer.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import vue from '@vitejs/plugin-vue';

const root = import.meta.dirname;
const pkg = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')) as { version: string };
const define = { __APP_VERSION__: JSON.stringify(pkg.version) };

export default defineConfig({
  main: {
    define,
    build: {
      outDir: 'out/main',
      rollupOptions: {
        input: {
          index: resolve(root, 'main/app/index.ts'),
          cli: resolve(root, 'main/cli/index.ts'),
          // The thread that reads and parses a capture file (main/backend/load-thread.ts starts it).
          'load-worker': resolve(root, 'main/backend/load-worker.ts'),
        },
        // cap is a native addon loaded at run time where present; never bundle it.
        external: ['cap'],
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      rollupOptions: {
        input: { index: resolve(root, 'preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    define,
    root: resolve(root, 'renderer'),
    plugins: [vue()],
    build: {
      outDir: resolve(root, 'out/renderer'),
      rollupOptions: { input: resolve(root, 'renderer/index.html') },
    },
  },
});
