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

/**
 * Runs `lockstep ARGS` in this process through main() (no build needed), capturing what it writes to stdout and
 * stderr; the exit code is main()'s return value.
 */
export async function runCliInProcess(args: readonly string[]): Promise<CliRun> {
  const { main } = await import('../src/cli/main.js');
  const out: string[] = [];
  const errs: string[] = [];
  const ow = process.stdout.write.bind(process.stdout);
  const ew = process.stderr.write.bind(process.stderr);
  const text = (c: string | Uint8Array): string => (typeof c === 'string' ? c : Buffer.from(c).toString());
  process.stdout.write = ((c: string | Uint8Array) => (out.push(text(c)), true)) as typeof process.stdout.write;
  process.stderr.write = ((c: string | Uint8Array) => (errs.push(text(c)), true)) as typeof process.stderr.write;
  try {
    const code = await main(args);
    return { code, stdout: out.join(''), stderr: errs.join('') };
  } finally {
    process.stdout.write = ow;
    process.stderr.write = ew;
  }
}
