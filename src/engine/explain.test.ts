/**
 * explain() output as golden files (design README convention 9): testdata/explain/<name>.txt.golden.
 * Regenerate deliberately with `npx vitest run src/engine/explain.test.ts -- --update` (or UPDATE_GOLDEN=1)
 * and review the diff.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { casePolicy, loadEngineCases } from './engine.conformance.js';
import { explain, explainLine } from './explain.js';
import { evaluateReference } from './reference.js';

const dir = join(dirname(fileURLToPath(import.meta.url)), 'testdata', 'explain');
const update = process.argv.includes('--update') || process.env.UPDATE_GOLDEN === '1';

/** One case per reason, effect and exception shape. */
const PICKS: Record<string, string> = {
  'explicit-allow': 'default-rules/vectors.yaml#calc in System32 is allowed by the Windows folder rule',
  'implicit-deny': 'default-rules/vectors.yaml#Downloads is implicitly denied for a standard user',
  'no-rules': 'default-rules/vectors.yaml#a DLL with no Dll collection is allowed by default',
  'no-packaged-app-rules': 'default-rules/vectors.yaml#a packaged app with Exe enforced and no Appx rules is denied with 8027',
  'audit-would-block': 'default-rules/audit.yaml#would-be-blocked exe logs 8003',
  'explicit-deny': 'deny/deny-beats-allow.yaml#mshta is denied although two allow rules match',
  'exception-on-allow': 'exceptions/path-exceptions.yaml#a file in Tasks is excluded and so implicitly denied',
  'exception-on-deny': 'exceptions/mixed-exceptions.yaml#the Contoso Updater 2.x is excepted from the deny and allowed by Program Files',
  'not-governed': 'default-rules/all-collections.yaml#a txt file belongs to no collection',
};

describe('explain golden files', () => {
  const cases = new Map(loadEngineCases().map((c) => [c.id, c]));
  it.each(Object.entries(PICKS))('%s', (name, id) => {
    const c = cases.get(id);
    expect(c, id).toBeDefined();
    const d = evaluateReference(casePolicy(c!.policyXml), c!.file, c!.principal, c!.env);
    const text = `${explainLine(d)}\n\n${explain(d, c!.file.path)}\n`;
    const golden = join(dir, `${name}.txt.golden`);
    if (update || !existsSync(golden)) writeFileSync(golden, text);
    expect(text).toBe(readFileSync(golden, 'utf8'));
  });
});
