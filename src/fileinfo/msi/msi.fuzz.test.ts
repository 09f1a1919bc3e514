/**
 * Fuzz the compound-file/MSI reader and the ZIP/AppX reader with mutated corpus files (bit flips, u32
 * overwrites in the header and directory, truncations): a typed result or typed diagnostics, never a throw,
 * and bounded time. Seeded, so a failure reproduces.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fileIdentity, hasCorpus, readCorpus } from '../../../test-support/corpus.js';
import { readAppx } from '../appx/index.js';
import { identifyFile } from '../identify.js';
import { readMsi } from './index.js';

const mutation = (len: number) =>
  fc.oneof(
    fc.record({ kind: fc.constant('flip' as const), at: fc.nat(len - 1), bit: fc.nat(7) }),
    // Header and first directory/FAT sectors are where a flip hurts most.
    fc.record({ kind: fc.constant('u32' as const), at: fc.nat(Math.min(len, 4096) - 4), value: fc.oneof(fc.constant(0xffffffff), fc.constant(0xfffffffe), fc.nat(), fc.constant(0)) }),
    fc.record({ kind: fc.constant('cut' as const), at: fc.nat(len) }),
  );

function apply(base: Uint8Array, ms: readonly ({ kind: 'flip'; at: number; bit: number } | { kind: 'u32'; at: number; value: number } | { kind: 'cut'; at: number })[]): Uint8Array {
  let b = new Uint8Array(base);
  for (const m of ms) {
    if (m.kind === 'flip') b[m.at % b.length] = b[m.at % b.length]! ^ (1 << m.bit);
    else if (m.kind === 'u32') new DataView(b.buffer).setUint32(Math.min(m.at, b.length - 4), m.value >>> 0, true);
    else b = b.subarray(0, Math.max(8, m.at));
  }
  return b;
}

const typed = (codes: readonly string[]): boolean => codes.every((c) => /^(fileinfo|bytes)\.[a-z0-9.-]+$/.test(c));

describe.skipIf(!hasCorpus)('fuzz: MSI (compound file) reader', () => {
  for (const name of ['msiUnsigned', 'msiSigned'] as const) {
    it(`${name}: mutated copies give typed results, never a throw, in bounded time`, async () => {
      const base = new Uint8Array(readCorpus(fileIdentity[name]));
      await fc.assert(
        fc.asyncProperty(fc.array(mutation(base.length), { minLength: 1, maxLength: 4 }), async (ms) => {
          const bytes = apply(base, ms);
          const t0 = performance.now();
          const r = await readMsi(bytes, { file: 'fuzz.msi' });
          expect(typed(r.diagnostics.map((d) => d.code))).toBe(true);
          if (!r.ok) expect(r.diagnostics.some((d) => d.severity === 'error')).toBe(true);
          const id = await identifyFile({ path: 'fuzz.msi', bytes });
          expect(id.ok).toBe(true);
          expect(performance.now() - t0).toBeLessThan(2000);
        }),
        { numRuns: 100, seed: 4242 },
      );
    }, 60_000);
  }
});

describe.skipIf(!hasCorpus)('fuzz: ZIP / AppX reader', () => {
  for (const name of ['msixUnsigned', 'msixSigned'] as const) {
    it(`${name}: mutated copies give typed results, never a throw`, async () => {
      const base = new Uint8Array(readCorpus(fileIdentity[name]));
      await fc.assert(
        fc.asyncProperty(fc.array(mutation(base.length), { minLength: 1, maxLength: 3 }), async (ms) => {
          const bytes = apply(base, ms);
          const r = await readAppx(bytes, { file: 'fuzz.msix' });
          expect(typed(r.diagnostics.map((d) => d.code))).toBe(true);
          const id = await identifyFile({ path: 'fuzz.msix', bytes });
          expect(id.ok).toBe(true);
        }),
        { numRuns: 100, seed: 4243 },
      );
    }, 60_000);
  }
  it('a zip bomb member over the cap is refused before inflating', async () => {
    const base = new Uint8Array(readCorpus(fileIdentity.msixUnsigned));
    const r = await readAppx(base, { limits: { maxMemberBytes: 16 } });
    expect(r.ok).toBe(false);
    expect(r.diagnostics[0]?.code).toBe('fileinfo.appx.member-too-large');
  });
  it('random bytes are not a package', async () => {
    await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 2048 }), async (b) => {
      const r = await readAppx(b);
      expect(r.ok).toBe(false);
      expect(typed(r.diagnostics.map((d) => d.code))).toBe(true);
    }), { numRuns: 100, seed: 7 });
  });
});
