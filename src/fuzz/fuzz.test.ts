/**
 * The fuzz harness's short CI budget (issue 12 item 5): every target, seeded from ../shared/corpus (when
 * present) and its generated seeds, for a couple of seconds each, in this thread: no crash, no contract
 * violation, no mutated input over 1 s. `npm run fuzz -- TARGET --seconds S` runs the same targets with
 * the worker limits (1 s, 256 MB) for as long as wanted; a finding here leaves its reproducer in
 * fuzz-crashes/ (git-ignored).
 */
import { describe, expect, it } from 'vitest';
import { fuzz } from './engine.js';
import { rng, mutateBinary, mutateText, MAX_INPUT_BYTES } from './mutate.js';
import { targets } from './targets.js';

describe('mutators', () => {
  it('are deterministic for a seed and never exceed the input cap', () => {
    const seed = new TextEncoder().encode('{"a":[1,2,3],"b":"x"}\n{"a":4}\n');
    const run = (s: number): string => {
      const r = rng(s);
      let x: Uint8Array = seed;
      const out: string[] = [];
      for (let i = 0; i < 60; i++) {
        x = i % 2 ? mutateText(x, r, seed) : mutateBinary(x, r, seed);
        expect(x.length).toBeLessThanOrEqual(MAX_INPUT_BYTES);
        out.push(String(x.length));
      }
      return out.join(',');
    };
    expect(run(7)).toBe(run(7));
    expect(run(7)).not.toBe(run(8));
  });
});

describe('fuzz targets (short CI budget)', () => {
  it('cover every parser of untrusted bytes', () => {
    expect(targets.map((t) => t.name).sort()).toEqual(
      ['csv', 'ecs-json', 'event-xml', 'evtx', 'msi', 'msix', 'nxlog-json', 'pe', 'pkcs7', 'policy-xml', 'scripts', 'wazuh-json', 'workspace-yaml'],
    );
  });

  it.each(targets.map((t) => [t.name, t] as const))('%s: no crash, no contract violation, no slow input', async (_name, t) => {
    const s = await fuzz(t, { mode: 'inline', runs: 400, seconds: 2, seed: 20261204 });
    if (s.seeds === 0) {
      process.stderr.write(`NOTE: fuzz target ${t.name} has no seeds (corpus absent): skipped\n`);
      return;
    }
    expect(s.runs).toBeGreaterThan(0);
    expect(s.findings).toEqual([]);
  }, 60_000);
});
