// The import-boundary lint is a real check: feed ESLint code that breaks it, as if it lived in a core room.
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../test-support/corpus.js';

const eslint = new ESLint({ cwd: projectRoot });

async function lint(code: string, filePath: string): Promise<string[]> {
  const [r] = await eslint.lintText(code, { filePath });
  return (r?.messages ?? []).map((m) => `${m.ruleId}: ${m.message}`);
}

describe('room boundaries (eslint.config.js)', () => {
  it('forbids fs, databases and console in core rooms', async () => {
    const msgs = await lint("import { readFileSync } from 'node:fs';\nimport Database from 'better-sqlite3';\nconsole.log(readFileSync, Database);\n", 'src/engine/x.ts');
    expect(msgs.filter((m) => m.startsWith('no-restricted-imports'))).toHaveLength(2);
    expect(msgs.some((m) => m.startsWith('no-console'))).toBe(true);
  });

  it('forbids a core room importing an edge room', async () => {
    const msgs = await lint("import { main } from '../cli/main.js';\nexport const m = main;\n", 'src/policy/x.ts');
    expect(msgs.some((m) => m.includes('core rooms never import an edge room'))).toBe(true);
  });

  it('lets the edges do I/O', async () => {
    const msgs = await lint("import { readFileSync } from 'node:fs';\nexport const r = readFileSync;\n", 'src/cli/x.ts');
    expect(msgs).toEqual([]);
  });
});
