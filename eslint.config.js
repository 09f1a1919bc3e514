// Lint: TypeScript rules plus the import boundaries of shared/design/README.md, checked, not remembered.
// Core rooms (diag, bytes, policy, engine, fileinfo, events, rollout) are pure: no fs/network/database/console.
import tseslint from 'typescript-eslint';

const coreRooms = ['diag', 'bytes', 'policy', 'engine', 'fileinfo', 'events', 'rollout'];
const ioModules = ['fs', 'node:fs', 'fs/promises', 'node:fs/promises', 'net', 'node:net', 'http', 'node:http', 'https',
  'node:https', 'child_process', 'node:child_process', 'worker_threads', 'node:worker_threads', 'better-sqlite3', 'pg',
  'cli-progress', 'commander', 'hono', '@hono/node-server', 'process', 'node:process'];
const edgeRooms = ['store', 'server', 'web', 'cli', 'bench'];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'src/web/dist/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    files: coreRooms.map((r) => `src/${r}/**/*.ts`),
    ignores: ['src/**/*.test.ts', 'src/**/*.bench.ts', 'src/**/*.conformance.ts'],
    rules: {
      'no-console': 'error',
      'no-restricted-globals': ['error', { name: 'process', message: 'core rooms are pure: take values, return values' }],
      'no-restricted-imports': ['error', {
        paths: ioModules.map((name) => ({ name, message: 'core rooms are pure: the edges (cli, store, server) do I/O' })),
        patterns: [{ group: edgeRooms.map((r) => `**/${r}/**`), message: 'core rooms never import an edge room' }],
      }],
    },
  },
);
