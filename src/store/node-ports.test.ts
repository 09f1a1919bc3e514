/**
 * Issue 12 workspace confinement, end to end through the CLI on generated workspaces: a policy path of
 * `../../etc/passwd` is refused at validation (never read, never echoed); a policy file that is a symbolic
 * link out of the workspace is refused where it is read; a `--store` typed on the command line is the
 * user's choice and still works.
 */
import { mkdtempSync, readFileSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCliInProcess } from '../../test-support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'lockstep-confine-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function workspace(name: string): Promise<string> {
  const ws = join(dir, name);
  expect((await runCliInProcess(['init', ws])).code).toBe(0);
  return ws;
}

describe('workspace paths stay inside the workspace', () => {
  it('refuses `../../etc/passwd` as a policy path without reading it', async () => {
    const ws = await workspace('climb');
    const yaml = join(ws, 'lockstep.yaml');
    writeFileSync(yaml, readFileSync(yaml, 'utf8').replace('policy: policies/example.xml', 'policy: ../../../../../../etc/passwd'));
    const r = await runCliInProcess(['report', 'readiness', '--workspace', ws, '--store', join(dir, 'x.db')]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/rollout\.workspace\.path-outside/);
    expect(r.stderr).toMatch(/climbs out with `\.\.`/);
    expect(r.stderr + r.stdout).not.toMatch(/root:/);
  });

  it('refuses an absolute store path written in the workspace, but not one typed as --store', async () => {
    const ws = await workspace('abs-store');
    const yaml = join(ws, 'lockstep.yaml');
    writeFileSync(yaml, readFileSync(yaml, 'utf8').replace('store: .lockstep/evidence.db', `store: ${join(dir, 'elsewhere.db')}`));
    const r = await runCliInProcess(['report', 'readiness', '--workspace', ws]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/store path .* is absolute/);
  });

  it('refuses a policy file that is a symbolic link out of the workspace', async () => {
    const ws = await workspace('symlink');
    const outside = join(dir, 'outside-secret.xml');
    writeFileSync(outside, 'root:x:0:0:root:/root:/bin/bash\n');
    unlinkSync(join(ws, 'policies', 'example.xml'));
    symlinkSync(outside, join(ws, 'policies', 'example.xml'));
    const r = await runCliInProcess(['report', 'readiness', '--workspace', ws, '--store', join(dir, 'y.db')]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/leads out of the workspace/);
    expect(r.stderr + r.stdout).not.toMatch(/root:x/);
  });
});
