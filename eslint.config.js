// Lint: TypeScript rules plus the import boundaries of shared/design/README.md, checked, not remembered.
// Core rooms (diag, bytes, policy, engine, fileinfo, events, rollout) are pure: no fs/network/database/console.
import tseslint from 'typescript-eslint';

const coreRooms = ['diag', 'bytes', 'policy', 'engine', 'fileinfo', 'events', 'rollout'];
// app/ (use cases) sits between the core and the edges: the core never imports it.
const ioModules = ['fs', 'node:fs', 'fs/promises', 'node:fs/promises', 'net', 'node:net', 'http', 'node:http', 'https',
  'node:https', 'child_process', 'node:child_process', 'worker_threads', 'node:worker_threads', 'better-sqlite3', 'pg',
  'cli-progress', 'commander', 'hono', '@hono/node-server', 'process', 'node:process'];
const edgeRooms = ['app', 'store', 'server', 'web', 'cli', 'bench', 'notify'];

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
  {
    // Use cases (shared/design/app-layer.md): no printing, no environment, never an adapter (cli/server/web).
    files: ['src/app/**/*.ts'],
    ignores: ['src/**/*.test.ts', 'src/**/*.bench.ts'],
    rules: {
      'no-console': 'error',
      'no-restricted-globals': ['error', { name: 'process', message: 'use cases read no environment: take it as input' }],
      'no-restricted-imports': ['error', {
        paths: ['process', 'node:process', 'commander', 'cli-progress', 'hono', '@hono/node-server'].map((name) => ({ name, message: 'use cases print nothing and parse no flags' })),
        patterns: [{ group: ['**/cli/**', '**/server/**', '**/web/**'], message: 'use cases never import an adapter' }],
      }],
    },
  },
  {
    files: ['src/cli/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ group: ['**/server/**', '**/web/**'], message: 'the CLI and the server are peers: share code through app/' }] }] },
  },
  {
    files: ['src/server/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ group: ['**/cli/**'], message: 'the CLI and the server are peers: share code through app/' }] }] },
  },
);
