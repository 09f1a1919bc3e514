/**
 * Issue 12 regression: one or two bytes flipped inside a signed PE's PKCS#7 signature threw an unhandled
 * ASN.1 exception out of identifyFile. Built from a generated input: the self-signed mingw fixture
 * (test-support/authenticode-fixtures.ts), every byte of its signature's first 2 KiB flipped in turn, and
 * random double flips. Every case must be a value: a typed result or coded diagnostics.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupSignedFixtures, fixtureSkipReason, hasFixtureTools, signedFixtures } from '../../test-support/authenticode-fixtures.js';
import { readFileSync } from 'node:fs';
import { identifyFile } from './identify.js';
import { parsePe } from './pe/index.js';

if (!hasFixtureTools) process.stderr.write(`NOTE: ${fixtureSkipReason}\n`);
afterAll(() => cleanupSignedFixtures());

describe.skipIf(!hasFixtureTools)('flipped bytes inside a signature', () => {
  it('never throw out of identifyFile', async () => {
    const f = signedFixtures();
    const base = new Uint8Array(readFileSync(f.helloSigned));
    const pe = parsePe(base);
    if (!pe.ok) throw new Error('fixture must parse');
    const dir = pe.value.dataDirectories[4]!;
    const start = dir.virtualAddress + 8;
    const end = Math.min(dir.virtualAddress + dir.size, start + 1024);
    let thrown = 0;
    const failures: string[] = [];
    let s = 12345;
    const rand = (): number => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
    const variants: Array<[string, Uint8Array]> = [];
    for (let i = start; i < end; i++) {
      const b = base.slice();
      b[i] = b[i]! ^ 0xff;
      variants.push([`flip@${i}`, b]);
    }
    for (let k = 0; k < 150; k++) {
      const b = base.slice();
      const i = start + Math.floor(rand() * (end - start));
      const j = start + Math.floor(rand() * (end - start));
      b[i] = Math.floor(rand() * 256);
      b[j] = Math.floor(rand() * 256);
      variants.push([`set@${i},${j}`, b]);
    }
    for (const [name, b] of variants) {
      try {
        const r = await identifyFile({ path: 'hello.exe', bytes: b });
        if (!r.ok) expect(r.diagnostics.length).toBeGreaterThan(0);
      } catch (e) {
        thrown++;
        if (failures.length < 5) failures.push(`${name}: threw ${(e as Error).name}: ${(e as Error).message}`);
      }
    }
    expect(failures).toEqual([]);
    expect(thrown).toBe(0);
  }, 120_000);
});
