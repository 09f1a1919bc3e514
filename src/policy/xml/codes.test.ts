/**
 * Every diagnostic code the policy reader and validator can emit is listed, with a description, in
 * xml/errors.ts or validate/codes.ts (design README convention 2: codes are stable and listed).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { POLICY_VALIDATE_CODES } from '../validate/codes.js';
import { POLICY_XML_CODES } from './errors.js';

const policyDir = join(dirname(fileURLToPath(import.meta.url)), '..');

function sources(): string[] {
  const out: string[] = [];
  for (const dir of ['xml', 'validate']) {
    for (const f of readdirSync(join(policyDir, dir))) {
      if (f.endsWith('.ts') && !f.endsWith('.test.ts') && f !== 'errors.ts' && f !== 'codes.ts') out.push(readFileSync(join(policyDir, dir, f), 'utf8'));
    }
  }
  return out;
}

describe('diagnostic codes', () => {
  const used = new Set(sources().flatMap((s) => [...s.matchAll(/'(policy\.(?:xml|validate)\.[a-z-]+)'/g)].map((m) => m[1]!)));

  it('every code used in the sources is listed with a description', () => {
    expect(used.size).toBeGreaterThan(40);
    const listed: Record<string, string> = { ...POLICY_XML_CODES, ...POLICY_VALIDATE_CODES };
    expect([...used].filter((c) => !listed[c])).toEqual([]);
  });

  it('every listed code is used somewhere', () => {
    const listed = [...Object.keys(POLICY_XML_CODES), ...Object.keys(POLICY_VALIDATE_CODES)];
    expect(listed.filter((c) => !used.has(c))).toEqual([]);
  });
});
