// Lint rules, and the layering of the code base: what each environment may import.
import tseslint from 'typescript-eslint';
import vue from 'eslint-plugin-vue';

const nodeBuiltins = ['node:*', 'fs', 'fs/*', 'path', 'os', 'child_process', 'net', 'http', 'https', 'worker_threads', 'stream', 'buffer', 'url', 'crypto', 'util', 'events', 'zlib', 'dgram', 'readline'];
const pattern = (group, message) => ({ group, message });

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'release/**', 'test/corpus/**', 'coverage/**'] },
  ...tseslint.configs.recommended,
  ...vue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.vue'] } },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'vue/multi-word-component-names': 'off',
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/html-self-closing': 'off',
      'vue/attribute-hyphenation': 'off',
      'vue/v-on-event-hyphenation': 'off',
    },
  },
  {
    // The engine runs unchanged in Node, Electron, a worker and the browser.
    files: ['main/engine/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        pattern(nodeBuiltins, 'main/engine is pure TypeScript: no Node built-ins.'),
        pattern(['electron', 'electron/*'], 'main/engine must not import Electron.'),
        pattern(['vue', 'pinia', 'chart.js', 'cap', 'ws', '**/api/*', '**/capture/*', '**/app/*', '**/serve/*', '**/cli/*', '**/renderer/*'], 'main/engine depends on nothing but itself.'),
      ] }],
      'no-restricted-globals': ['error', 'process', 'Buffer', 'require', 'window', 'document', '__dirname'],
    },
  },
  {
    // Lessons as data (schema, answers, grader, validator): shared by back end, renderer and CLI, so pure
    // TypeScript over the engine and zod; reading lesson folders is the back end's (main/backend/lessons.ts).
    files: ['main/lessons/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        pattern(nodeBuiltins, 'main/lessons is shared with the renderer: no Node built-ins.'),
        pattern(['electron', 'electron/*', 'vue', 'pinia', 'chart.js', 'cap', 'ws', '**/api/*', '**/backend/*', '**/capture/*', '**/app/*', '**/serve/*', '**/cli/*', '**/renderer/*'], 'main/lessons may import only the engine and zod.'),
      ] }],
      'no-restricted-globals': ['error', 'process', 'Buffer', 'require', 'window', 'document', '__dirname'],
    },
  },
  {
    // The contract is shared by IPC, WebSocket and the renderer: types and schemas only.
    files: ['main/api/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        pattern(nodeBuiltins, 'main/api is shared with the renderer: no Node built-ins.'),
        pattern(['electron', 'electron/*', 'vue', 'pinia', 'cap', 'ws', '**/capture/*', '**/app/*', '**/serve/*', '**/cli/*', '**/renderer/*'], 'main/api may import only the engine\'s and the lessons\' types, and zod.'),
      ] }],
    },
  },
  {
    // The renderer talks to main only through the API contract, never a transport or Node.
    files: ['renderer/**/*.ts', 'renderer/**/*.vue'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        pattern(nodeBuiltins, 'The renderer runs in a sandboxed page: no Node built-ins.'),
        pattern(['electron', 'electron/*', 'cap', 'ws'], 'The renderer reaches main only through the API contract.'),
        pattern(['**/main/capture/*', '**/main/app/*', '**/main/serve/*', '**/main/cli/*', '**/preload/*'], 'The renderer imports the contract (main/api), never a transport.'),
      ] }],
      // The page never computes or grades an answer (DECISIONS "Grading"): the lessons module's code stays
      // on the back end; the page may use its types only, and the masking rules it shares with the back end
      // (main/lessons/reveal.ts: what an open question hides, nothing of its answer).
      '@typescript-eslint/no-restricted-imports': ['error', { patterns: [
        { group: ['**/main/lessons/*', '!**/main/lessons/reveal'], allowTypeImports: true, message: 'The back end grades lessons: the renderer may import the lessons module\'s types only.' },
      ] }],
    },
  },
  {
    files: ['preload/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        pattern(['**/main/capture/*', '**/main/serve/*', '**/main/cli/*', '**/renderer/*', 'cap', 'ws'], 'preload exposes the API contract and nothing else.'),
      ] }],
    },
  },
  {
    // CommonJS by name: electron-builder's hooks and the fpm stand-in, which load with require().
    files: ['**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
