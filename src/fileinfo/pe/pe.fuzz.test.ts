/**
 * Fuzz: mutated corpus PEs (truncations, bit flips in the headers, the resource tree and the certificate
 * table, huge counts, random bytes) through parsePe → authenticodeDigest → readAuthenticode. Every case must
 * end in a value (typed error or anomalies), never a throw, within 2 s. Deterministic seed.
 */
import { describe, expect, it } from 'vitest';
import { authenticodeSamples as S, corpusSkipReason, hasCorpus, readCorpus } from '../../../test-support/corpus.js';
import { parsePe, type PeImage } from './index.js';
import { authenticodeDigest, readAuthenticode } from '../authenticode/index.js';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 0x100000000;
  };
}

async function exercise(bytes: Uint8Array): Promise<'error' | 'ok'> {
  const t0 = performance.now();
  const r = parsePe(bytes, { file: 'fuzz' });
  if (!r.ok) {
    expect(r.diagnostics.length).toBeGreaterThan(0);
    expect(r.diagnostics[0]!.code).toMatch(/^fileinfo\.pe\./);
    return 'error';
  }
  const pe: PeImage = r.value;
  expect(authenticodeDigest(bytes, pe)).toMatch(/^[0-9A-F]{64}$/);
  const info = await readAuthenticode(bytes, pe);
  if (!info.publisher) expect(info.reasons.length).toBeGreaterThan(0);
  expect(performance.now() - t0).toBeLessThan(2000);
  return 'ok';
}

interface Case { readonly name: string; readonly bytes: Uint8Array }

function cases(rel: string, seed: number, flips: number): Case[] {
  const base = new Uint8Array(readCorpus(rel));
  const r = parsePe(base);
  if (!r.ok) throw new Error(`${rel} must parse`);
  const pe = r.value;
  const rand = rng(seed);
  const out: Case[] = [];
  const e = pe.layout.eLfanew;
  // Truncations at structure boundaries and at random points.
  const cuts = [0, 1, 2, 0x3c, 0x40, e, e + 4, e + 24, e + 24 + 64, pe.layout.sectionTableOffset + 20, pe.optional.sizeOfHeaders, base.length - 1];
  if (pe.certificateTable) cuts.push(pe.certificateTable.offset + 4, pe.certificateTable.offset + 100);
  for (let i = 0; i < 6; i++) cuts.push(Math.floor(rand() * base.length));
  for (const c of cuts) out.push({ name: `truncate@${c}`, bytes: base.slice(0, c) });
  // Bit flips in each region.
  const regions: Array<[string, number, number]> = [['headers', 0, Math.min(pe.optional.sizeOfHeaders, base.length)]];
  const rsrc = pe.sections.find((s) => s.name === '.rsrc');
  if (rsrc) regions.push(['rsrc', rsrc.pointerToRawData, Math.min(rsrc.pointerToRawData + Math.min(rsrc.sizeOfRawData, 4096), base.length)]);
  if (pe.certificateTable) regions.push(['certs', pe.certificateTable.offset, Math.min(pe.certificateTable.offset + pe.certificateTable.size, base.length)]);
  for (const [name, from, to] of regions) {
    for (let i = 0; i < flips; i++) {
      const b = base.slice();
      const n = 1 + Math.floor(rand() * 4);
      for (let k = 0; k < n; k++) {
        const at = from + Math.floor(rand() * (to - from));
        b[at] = b[at]! ^ (1 << Math.floor(rand() * 8));
      }
      out.push({ name: `flip-${name}-${i}`, bytes: b });
    }
  }
  // Huge counts and sizes.
  const put16 = (b: Uint8Array, at: number, v: number): void => { b[at] = v & 0xff; b[at + 1] = v >>> 8; };
  const put32 = (b: Uint8Array, at: number, v: number): void => new DataView(b.buffer).setUint32(at, v >>> 0, true);
  const huge: Array<[string, (b: Uint8Array) => void]> = [
    ['sections=0xffff', (b) => put16(b, e + 6, 0xffff)],
    ['optsize=0xffff', (b) => put16(b, e + 20, 0xffff)],
    ['rva-count=max', (b) => put32(b, e + 24 + (pe.format === 'PE32+' ? 108 : 92), 0xffffffff)],
    ['e_lfanew=max', (b) => put32(b, 0x3c, 0xfffffff0)],
    ['size-of-headers=max', (b) => put32(b, e + 24 + 60, 0xfffffff0)],
    ['section0-raw=max', (b) => put32(b, pe.layout.sectionTableOffset + 16, 0xfffffff0)],
  ];
  if (pe.certificateTable) {
    const ct = pe.certificateTable.offset;
    const dir = pe.layout.certificateEntryOffset!;
    huge.push(['wincert-length=max', (b) => put32(b, ct, 0xfffffff0)], ['wincert-length=9', (b) => put32(b, ct, 9)],
      ['certdir-size=max', (b) => put32(b, dir + 4, 0xfffffff0)], ['certdir-offset=0', (b) => put32(b, dir, 8)],
      ['der-length=max', (b) => { b[ct + 9] = 0x84; put32(b, ct + 10, 0x7ffffff0); }]);
  }
  if (rsrc) {
    const rsrcDir = pe.dataDirectories[2]!;
    const at = rsrc.pointerToRawData + (rsrcDir.virtualAddress - rsrc.virtualAddress);
    huge.push(['rsrc-ids=0xffff', (b) => put16(b, at + 14, 0xffff)], ['rsrc-loop', (b) => put32(b, at + 20, 0x80000000)]);
  }
  for (const [name, mutate] of huge) {
    const b = base.slice();
    mutate(b);
    out.push({ name, bytes: b });
  }
  return out;
}

describe.skipIf(!hasCorpus)(`PE / Authenticode fuzz ${hasCorpus ? '' : corpusSkipReason}`, () => {
  const targets: Array<[string, number, number]> = [[S.pegoatNested32, 1, 25], [S.kdbazis, 2, 10], [S.whois, 3, 6], [S.impbyord, 4, 12], [S.amdxata, 5, 6]];
  it.each(targets)('%s', async (rel, seed, flips) => {
    const outcomes = { error: 0, ok: 0 };
    for (const c of cases(rel, seed, flips)) {
      try {
        outcomes[await exercise(c.bytes)]++;
      } catch (e) {
        throw new Error(`${rel} ${c.name}: ${e instanceof Error ? e.stack : String(e)}`);
      }
    }
    expect(outcomes.error + outcomes.ok).toBeGreaterThan(30);
  });

  it('random bytes behind an MZ/PE prefix', async () => {
    const rand = rng(99);
    const base = new Uint8Array(readCorpus(S.pegoatUnsigned32));
    for (let i = 0; i < 40; i++) {
      const b = base.slice(0, 0x400 + Math.floor(rand() * 4096));
      for (let k = 0x80; k < b.length; k++) if (rand() < 0.3) b[k] = Math.floor(rand() * 256);
      await exercise(b);
    }
  });
});
