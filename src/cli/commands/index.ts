/**
 * The command registry: one file per command (or command group) under commands/, each exporting
 * `register(program)`, keyed by the top-level command name. main.ts loads only the module of the command being
 * run (start-up stays fast however many commands there are) and all of them for help.
 */
import type { Command } from 'commander';

export type CommandModule = { register(program: Command): void };

export const commandModules: Readonly<Record<string, () => Promise<CommandModule>>> = {
  demo: () => import('./demo.js'),
  init: () => import('./init.js'),
  policy: () => import('./policy.js'),
  test: () => import('./test.js'),
  explain: () => import('./explain.js'),
  fileinfo: () => import('./fileinfo.js'),
  scan: () => import('./scan.js'),
  rules: () => import('./rules.js'),
  events: () => import('./events.js'),
  ingest: () => import('./ingest.js'),
  store: () => import('./store.js'),
  simulate: () => import('./simulate.js'),
  report: () => import('./report.js'),
  promote: () => import('./promote.js'),
  rollback: () => import('./rollback.js'),
  export: () => import('./export.js'),
  import: () => import('./import.js'),
  history: () => import('./history.js'),
  keys: () => import('./keys.js'),
  'verify-bundle': () => import('./verify-bundle.js'),
  serve: () => import('./serve.js'),
  user: () => import('./user.js'),
  token: () => import('./token.js'),
  request: () => import('./request.js'),
};
