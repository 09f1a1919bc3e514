/**
 * The command registry: one file per command (or command group) under commands/, each exporting
 * `register(program)`. main.ts only parses and dispatches.
 */
import type { Command } from 'commander';

export type CommandModule = { register(program: Command): void };

export const commandModules: Array<() => Promise<CommandModule>> = [
  () => import('./policy.js'),
  () => import('./events.js'),
  () => import('./fileinfo.js'),
  () => import('./scan.js'),
  () => import('./rules.js'),
  () => import('./ingest.js'),
  () => import('./store.js'),
  () => import('./init.js'),
  () => import('./simulate.js'),
  () => import('./report.js'),
  () => import('./demo.js'),
  () => import('./test.js'),
  () => import('./explain.js'),
];
