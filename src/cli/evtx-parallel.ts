/**
 * Parses an EVTX file's chunks on a pool of worker threads (formats.md §A.10.1: chunks are self-contained,
 * so they parallelise). An edge module: the core reader (src/events/evtx) stays pure and single-threaded;
 * this file owns the threads. The file is copied once into a SharedArrayBuffer that every worker reads;
 * each task is one chunk index; results come back in chunk order (a bounded window of chunks in flight,
 * like RUST-EVTX's pipeline). Workers render each event to XML or JSON in-thread (`render`), because
 * sending strings back is far cheaper than structured-cloning EventElement trees; `render: 'event'` sends
 * the trees. Recovered records are deduplicated across chunks exactly as readEvtx does.
 * Used by `lockstep events dump` for large files and by src/events/evtx/evtx.bench.ts.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Diagnostic } from '../diag/index.js';
import type { EventElement } from '../events/raw-event.js';
import {
  chunkSlots,
  dedupeRecovered,
  readEvtx,
  readEvtxChunk,
  rejectedNote,
  renderEventJson,
  renderEventXml,
  type EvtxRecordResult,
  type ReadEvtxOptions,
} from '../events/evtx/index.js';

export type ParallelRender = 'xml' | 'json' | 'event';

/** A record as it comes back from a worker: the result without or with its event tree, plus the rendering. */
export type ParallelRecord =
  | (Omit<Extract<EvtxRecordResult, { ok: true }>, 'event'> & { readonly event?: EventElement; readonly rendered?: string })
  | Extract<EvtxRecordResult, { ok: false }>;

export interface ParallelOptions extends ReadEvtxOptions {
  /** Worker threads; default availableParallelism() - 1, at least 1. 0 = parse on this thread. */
  readonly workers?: number;
  /** What each record carries back: rendered XML (Windows form), rendered JSON text, or the tree. */
  readonly render?: ParallelRender;
  /** Called after each chunk with (chunks done, chunk count): for progress bars. */
  readonly onChunk?: (done: number, total: number) => void;
}

export interface ChunkMessage {
  readonly chunk: number;
  readonly diagnostics: Diagnostic[];
  readonly records: ParallelRecord[];
  readonly recovered: ParallelRecord[];
  readonly rejected: number;
}

/** Shared by the worker and the in-thread path: parse one chunk and shape its records for sending. */
export function processChunk(bytes: Uint8Array, index: number, opts: ReadEvtxOptions, render: ParallelRender): ChunkMessage {
  const r = readEvtxChunk(bytes, index, opts);
  const shape = (x: EvtxRecordResult): ParallelRecord => {
    if (!x.ok || render === 'event') return x;
    const { event, ...rest } = x;
    return { ...rest, rendered: render === 'xml' ? renderEventXml(event) : JSON.stringify(renderEventJson(event)) };
  };
  return { chunk: index, diagnostics: r.diagnostics, records: r.records.map(shape), recovered: r.recovered.map(shape), rejected: r.rejected };
}

/** The compiled worker script beside this module; absent when running from TypeScript sources (tests). */
export const workerScript = fileURLToPath(new URL('./evtx-parallel.worker.js', import.meta.url));

export interface ParallelResult {
  /** File- and chunk-level diagnostics, as readEvtx's `diagnostics`. */
  readonly diagnostics: Diagnostic[];
  readonly chunkCount: number;
  /** Threads actually used (0 = in-thread, e.g. when the worker script is not built). */
  readonly workers: number;
  records(): AsyncGenerator<ParallelRecord>;
}

/** Reads `bytes` with a worker pool; records come in the same order as readEvtx(bytes).records(). */
export function readEvtxParallel(bytes: Uint8Array, opts: ParallelOptions = {}): ParallelResult {
  const { workers: wanted, render = 'xml', onChunk, ...readOpts } = opts;
  // File header and chunk headers are checked here (cheap); the workers only parse records.
  const head = readEvtx(bytes, readOpts);
  const total = head.header === undefined && head.chunkCount === 0 ? 0 : chunkSlots(bytes.length);
  const n = Math.min(total, wanted ?? Math.max(1, availableParallelism() - 1));
  const useWorkers = n > 0 && existsSync(workerScript);
  const diagnostics = head.diagnostics;
  return {
    diagnostics,
    chunkCount: total,
    workers: useWorkers ? n : 0,
    async *records() {
      const seen = new Set<number>();
      const carved: ParallelRecord[] = [];
      let rejected = 0;
      const take = function* (m: ChunkMessage): Generator<ParallelRecord> {
        for (const r of m.records) {
          if (r.ok) seen.add(r.recordId);
          yield r;
        }
        carved.push(...m.recovered);
        rejected += m.rejected;
      };
      if (!useWorkers) {
        for (let i = 0; i < total; i++) {
          yield* take(processChunk(bytes, i, readOpts, render));
          onChunk?.(i + 1, total);
        }
      } else {
        const shared = new Uint8Array(new SharedArrayBuffer(bytes.length));
        shared.set(bytes);
        const pool = Array.from({ length: n }, () => new Worker(workerScript, { workerData: { bytes: shared, opts: readOpts, render } }));
        const pending = new Map<number, { resolve: (m: ChunkMessage) => void; reject: (e: unknown) => void }>();
        const results = new Map<number, Promise<ChunkMessage>>();
        const idle: Worker[] = [];
        const queue: number[] = [];
        const dispatch = (w: Worker): void => {
          const next = queue.shift();
          if (next === undefined) idle.push(w);
          else w.postMessage(next);
        };
        for (const w of pool) {
          w.on('message', (m: ChunkMessage) => {
            pending.get(m.chunk)?.resolve(m);
            pending.delete(m.chunk);
            dispatch(w);
          });
          w.on('error', (e) => {
            for (const p of pending.values()) p.reject(e);
            pending.clear();
          });
          idle.push(w);
        }
        const submit = (i: number): void => {
          results.set(i, new Promise<ChunkMessage>((resolve, reject) => pending.set(i, { resolve, reject })));
          queue.push(i);
          const w = idle.pop();
          if (w) dispatch(w);
        };
        // A bounded window of chunks in flight keeps memory flat on huge files.
        const window = n * 4;
        let next = 0;
        try {
          for (; next < Math.min(total, window); next++) submit(next);
          for (let i = 0; i < total; i++) {
            const m = await results.get(i)!;
            results.delete(i);
            if (next < total) submit(next++);
            yield* take(m);
            onChunk?.(i + 1, total);
          }
        } finally {
          await Promise.all(pool.map((w) => w.terminate()));
        }
      }
      yield* dedupeRecovered(carved as EvtxRecordResult[], seen) as ParallelRecord[];
      if (rejected > 0) diagnostics.push(rejectedNote(rejected, readOpts.file));
    },
  };
}
