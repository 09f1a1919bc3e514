/**
 * The worker-pool EVTX edge must give exactly what the single-threaded reader gives, in the same order
 * (formats.md §A.10.1). The in-thread path always runs; the worker path runs against the compiled module in
 * dist/ (workers need JavaScript; `npm test` builds first) and is skipped with a message when dist is absent.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { evtxSamples, hasCorpus, projectRoot, readCorpus } from '../../test-support/corpus.js';
import { readEvtx, renderEventXml } from '../events/evtx/index.js';
import { buildChunk, buildEvtx, sampleRecords } from '../events/evtx/synthetic.testkit.js';
import { readEvtxParallel, type ParallelRecord } from './evtx-parallel.js';

const distModule = resolve(projectRoot, 'dist', 'cli', 'evtx-parallel.js');
const distWorker = resolve(projectRoot, 'dist', 'cli', 'evtx-parallel.worker.js');
const haveDist = existsSync(distModule) && existsSync(distWorker);
if (!haveDist) process.stderr.write('NOTE: dist/cli/evtx-parallel*.js not built: worker-thread test skipped (npm test builds it)\n');

function expected(bytes: Uint8Array): string[] {
  return [...readEvtx(bytes).records()].map((r) => (r.ok ? `${r.recordId}${r.recovered ? 'r' : ''}:${renderEventXml(r.event)}` : `err:${r.diagnostic.code}@${r.offset}`));
}

async function got(records: AsyncGenerator<ParallelRecord>): Promise<string[]> {
  const out: string[] = [];
  for await (const r of records) out.push(r.ok ? `${r.recordId}${r.recovered ? 'r' : ''}:${r.rendered}` : `err:${r.diagnostic.code}@${r.offset}`);
  return out;
}

const synthetic = buildEvtx([buildChunk(sampleRecords(50)), buildChunk(sampleRecords(50, 51)), buildChunk(sampleRecords(7, 101))]);

describe('readEvtxParallel', () => {
  it('in-thread (workers: 0) equals readEvtx, with progress per chunk', async () => {
    const progress: number[] = [];
    const p = readEvtxParallel(synthetic, { workers: 0, onChunk: (d) => progress.push(d) });
    expect(p.workers).toBe(0);
    expect(await got(p.records())).toEqual(expected(synthetic));
    expect(progress).toEqual([1, 2, 3]);
  });

  it.skipIf(!haveDist)('worker threads (compiled dist/) equal readEvtx on a dirty real log', async () => {
    const mod = (await import(pathToFileURL(distModule).href)) as typeof import('./evtx-parallel.js');
    const bytes = hasCorpus ? new Uint8Array(readCorpus(evtxSamples.badChunkMagic)) : synthetic;
    const p = mod.readEvtxParallel(bytes, { workers: 2 });
    expect(p.workers).toBe(2);
    expect(await got(p.records())).toEqual(expected(bytes));
  });
});
