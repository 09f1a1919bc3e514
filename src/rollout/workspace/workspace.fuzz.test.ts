import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseInventory, parseWorkspace } from './parse.js';

const SEED = `version: 1
name: x
groups:
  - name: G
    membership: { names: [A-*] }
gpos:
  - name: P
    guid: "{11111111-2222-3333-4444-555555555555}"
    policy: p.xml
    links: [G]
readiness: { minDays: 3 }
`;

describe('workspace parser on hostile input', () => {
  it('never throws, always returns located diagnostics or a value', () => {
    fc.assert(fc.property(fc.string({ maxLength: 400 }), fc.nat(SEED.length), fc.nat(SEED.length), (junk, a, b) => {
      const text = SEED.slice(0, Math.min(a, b)) + junk + SEED.slice(Math.max(a, b));
      const r = parseWorkspace(text, { file: 'w.yaml' });
      expect(r.ok || r.diagnostics.some((d) => d.severity === 'error')).toBe(true);
      for (const d of r.diagnostics) if (d.location?.kind === 'text') expect(d.location.line).toBeGreaterThan(0);
      parseInventory(junk);
    }), { numRuns: 300, seed: 42 });
  });

  it('bounds YAML alias expansion (billion laughs)', () => {
    const lol = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 9; i++) lol.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${String.fromCharCode(96 + i)}`).join(',')}]`);
    const t0 = performance.now();
    const r = parseWorkspace(lol.join('\n') + '\nname: x\n');
    expect(performance.now() - t0).toBeLessThan(5000);
    // the parser walks the YAML tree and never expands aliases, so the nine nested anchors cost nothing
    expect(r.ok).toBe(true);
    expect(r.diagnostics.filter((d) => d.code === 'rollout.workspace.unknown-key')).toHaveLength(9);
  });
});
