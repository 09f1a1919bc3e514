/**
 * Fuzzing the EVTX reader (formats.md §A.9; house rule "never crash on hostile input"): truncations at many
 * offsets, bit flips, random bytes and a chunk with huge counts. Each input must finish without a throw,
 * report problems as typed diagnostics (codes from errors.ts or bytes.truncated), and take < 2 s.
 * Inputs: a synthetic file (always) and, when the corpus is present, a real dirty log.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evtxSamples, hasCorpus, readCorpus } from '../../../test-support/corpus.js';
import { readEvtx, type EvtxRecordResult } from './index.js';
import { buildChunk, buildEvtx, sampleRecords } from './synthetic.testkit.js';

const CODE = /^(events\.evtx\.[a-z0-9.-]+|bytes\.truncated)$/;

/** Reads everything; asserts typed diagnostics and the time bound; returns the record results. */
function exercise(bytes: Uint8Array): EvtxRecordResult[] {
  const t0 = performance.now();
  const f = readEvtx(bytes, { file: 'fuzz.evtx' });
  const out: EvtxRecordResult[] = [];
  for (const r of f.records()) {
    out.push(r);
    if (!r.ok) {
      expect(r.diagnostic.code).toMatch(CODE);
      expect(r.diagnostic.location?.kind).toBe('bytes');
    }
  }
  for (const d of f.diagnostics) expect(d.code).toMatch(CODE);
  expect(performance.now() - t0).toBeLessThan(2000);
  return out;
}

const synthetic = buildEvtx([buildChunk(sampleRecords(60)), buildChunk(sampleRecords(60, 61))]);

describe('EVTX fuzz: never a throw, typed diagnostics, bounded time', () => {
  it('truncation at many offsets yields a prefix of the records', () => {
    const full = exercise(synthetic).filter((r) => r.ok).length;
    expect(full).toBe(120);
    for (let cut = 0; cut < synthetic.length; cut += 997) {
      const rs = exercise(synthetic.subarray(0, cut));
      expect(rs.filter((r) => r.ok).length).toBeLessThanOrEqual(full);
    }
  });

  it('random bit flips', () => {
    fc.assert(
      fc.property(fc.array(fc.nat({ max: synthetic.length * 8 - 1 }), { minLength: 1, maxLength: 40 }), (bits) => {
        const b = synthetic.slice();
        for (const bit of bits) b[bit >> 3] = b[bit >> 3]! ^ (1 << (bit & 7));
        exercise(b);
      }),
      { numRuns: 150, seed: 5 },
    );
  });

  it('random bytes inside the record area (bodies, templates, value descriptors)', () => {
    fc.assert(
      fc.property(fc.nat({ max: 65536 - 600 }), fc.uint8Array({ minLength: 1, maxLength: 64 }), (at, junk) => {
        const b = synthetic.slice();
        b.set(junk, 4096 + 512 + at);
        exercise(b);
      }),
      { numRuns: 200, seed: 7 },
    );
  });

  it('random files with and without a valid signature', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 70000 }), fc.boolean(), (junk, magic) => {
        const b = junk.slice();
        if (magic && b.length >= 8) b.set([0x45, 0x6c, 0x66, 0x46, 0x69, 0x6c, 0x65, 0x00]);
        if (magic && b.length >= 4096 + 8) b.set([0x45, 0x6c, 0x66, 0x43, 0x68, 0x6e, 0x6b, 0x00], 4096);
        exercise(b);
      }),
      { numRuns: 60, seed: 11 },
    );
  });

  it('a chunk with huge counts and sizes is rejected per record, not allocated', () => {
    const b = synthetic.slice();
    const dv = new DataView(b.buffer);
    const rec = 4096 + 512;
    const size = dv.getUint32(rec + 4, true);
    // Template instance value count of the first record → 0xFFFFFFF0: must be refused before allocating.
    const body = rec + 24;
    // body: fragment header (4), 0x0C, 0x01, template id (4), definition offset (4), then the inline
    // definition: next (4), GUID (16), data size (4), data; then the value count.
    const defSize = dv.getUint32(body + 34, true);
    dv.setUint32(body + 38 + defSize, 0xfffffff0, true);
    // Second record: size field far past the chunk.
    dv.setUint32(rec + size + 4, 0x7fffffff, true);
    // Chunk header: free space offset and record numbers absurd.
    dv.setUint32(4096 + 65536 + 48, 0xffffffff, true);
    dv.setUint32(4096 + 65536 + 16, 0xffffffff, true);
    const rs = exercise(b);
    const errs = rs.filter((r) => !r.ok) as Extract<EvtxRecordResult, { ok: false }>[];
    expect(errs.map((e) => e.diagnostic.code)).toContain('events.evtx.binxml.too-many');
    expect(errs.map((e) => e.diagnostic.code)).toContain('events.evtx.record-size');
  });

  it('deeply nested elements are capped', () => {
    // One 60000-byte record whose body opens ~6600 elements: the open-element cap answers, not the JS stack.
    const b = synthetic.slice();
    const dv = new DataView(b.buffer);
    const rec = 4096 + 512;
    const size = 60000;
    dv.setUint32(rec + 4, size, true);
    dv.setUint32(rec + size - 4, size, true);
    dv.setUint32(4096 + 48, 512 + size, true);
    const deep: number[] = [0x0f, 0x01, 0x01, 0x00];
    const nameAt = 512 + 24 + 4 + 1 + 4; // chunk-relative position of the first element's name offset
    deep.push(0x01, 0, 0, 0, 0, ...u32(nameAt + 4), 0, 0, 0, 0, 0, 0, 1, 0, 0x41, 0, 0, 0);
    while (deep.length + 9 <= size - 28) deep.push(0x01, 0, 0, 0, 0, ...u32(nameAt + 4));
    b.set(deep, rec + 24);
    const rs = exercise(b);
    expect(rs[0]).toMatchObject({ ok: false, diagnostic: { code: 'events.evtx.binxml.depth' } });
  });

  it('array fan-out past the per-record element budget is a typed error, not millions of nodes', () => {
    // 8 <Data> elements each repeated per item of a 20,000-item string array: 160,000 elements.
    const items = new Array<string>(20_000).fill('');
    const rec = { ...sampleRecords(1)[0]!, data: items };
    const b = buildEvtx([buildChunk([rec, { ...rec, id: 2, data: ['a', 'b'] }], 8)]);
    const rs = exercise(b);
    expect(rs[0]).toMatchObject({ ok: false, recordId: 1, diagnostic: { code: 'events.evtx.binxml.too-many' } });
    expect(rs[1]).toMatchObject({ ok: true, recordId: 2 });
    if (rs[1]!.ok) expect(rs[1]!.event.children[1]!.children.filter((c) => c.name === 'Data')).toHaveLength(16);
  });

  it('a template definition that instantiates itself is a typed error', () => {
    const b = synthetic.slice();
    const rec = 4096 + 512;
    // Body at chunk offset 536: fragment header, 0x0C 0x01 id, definition offset 550 (inline, right after),
    // definition header (next, GUID, size 20), then a definition whose body is an instance of itself.
    const body = [0x0f, 0x01, 0x01, 0x00, 0x0c, 0x01, 1, 2, 3, 4, ...u32(550), ...u32(0), ...new Array<number>(16).fill(7), ...u32(20),
      0x0f, 0x01, 0x01, 0x00, 0x0c, 0x01, 1, 2, 3, 4, ...u32(550), ...u32(0), 0x00, 0x00, 0x00, 0x00, 0x00, 0x00];
    b.set(body, rec + 24);
    const rs = exercise(b);
    expect(rs[0]).toMatchObject({ ok: false, recordId: 1, diagnostic: { code: 'events.evtx.binxml.template-offset' } });
    // Chunk 0's other 59 records used the definition record 1 carried inline, which this damage replaced:
    // each is its own error; chunk 1 is unaffected (templates are chunk-local).
    expect(rs.filter((r) => !r.ok)).toHaveLength(60);
    expect(rs.filter((r) => r.ok).map((r) => r.chunk)).toEqual(new Array<number>(60).fill(1));
  });
});

function u32(v: number): number[] {
  return [v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, v >>> 24];
}

describe.skipIf(!hasCorpus)('EVTX fuzz on a real dirty log', () => {
  it('bit flips and truncations of a VSS-recovered log', () => {
    const real = new Uint8Array(readCorpus(evtxSamples.vssRecovered)).subarray(0, 4096 + 65536 * 3);
    fc.assert(
      fc.property(fc.array(fc.nat({ max: real.length * 8 - 1 }), { minLength: 1, maxLength: 200 }), fc.nat({ max: real.length }), (bits, cut) => {
        const b = real.slice(0, Math.max(cut, 4096));
        for (const bit of bits) if (bit >> 3 < b.length) b[bit >> 3] = b[bit >> 3]! ^ (1 << (bit & 7));
        exercise(b);
      }),
      { numRuns: 40, seed: 13 },
    );
  });
});
