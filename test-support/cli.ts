/**
 * Runs the real, built CLI (`node bin/lockstep.js`) as a user would, capturing stdout, stderr and the exit code.
 * `npm test` builds dist/ first; run `npm run build` before running CLI tests on their own.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { projectRoot } from './corpus.js';

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export function runCli(args: readonly string[], opts: { cwd?: string; input?: string; env?: Record<string, string> } = {}): CliRun {
  const r = spawnSync(process.execPath, [join(projectRoot, 'bin', 'lockstep.js'), ...args], {
    cwd: opts.cwd ?? projectRoot,
    input: opts.input,
    encoding: 'utf8',
    env: { ...process.env, ...opts.env, NO_COLOR: '1' },
    maxBuffer: 256 * 1024 * 1024,
  });
  return { code: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
}
