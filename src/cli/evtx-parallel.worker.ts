/**
 * Worker thread of evtx-parallel.ts: reads chunk indexes from its parent, parses each chunk of the shared
 * file bytes with the pure reader and posts the shaped records back (formats.md §A.10.1).
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { ReadEvtxOptions } from '../events/evtx/index.js';
import { processChunk, type ParallelRender } from './evtx-parallel.js';

const { bytes, opts, render } = workerData as { bytes: Uint8Array; opts: ReadEvtxOptions; render: ParallelRender };

parentPort!.on('message', (index: number) => {
  parentPort!.postMessage(processChunk(bytes, index, opts, render));
});
