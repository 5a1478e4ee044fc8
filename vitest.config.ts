import { defineConfig } from 'vitest/config';
import vue from '@vitejs/plugin-vue';

export default defineConfig({
  plugins: [vue()],
  define: { __APP_VERSION__: JSON.stringify('test') },
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/setup/clean-tree.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Live-capture and kernel tests bind fixed loopback ports and capture on lo: keep files serial.
    fileParallelism: false,
    pool: 'forks',
  },
});
