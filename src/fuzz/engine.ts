/**
 * The fuzz loop (issue 12 item 5): seeds (corpus + generated) → structure-aware mutations (mutate.ts) → the
 * target's parser, each input checked for a typed result within a time limit (1 s) and a heap limit (256
 * MB). Two ways to run an input:
 * - `worker` (the `npm run fuzz` CLI): in a worker thread started with `resourceLimits` (V8 heap cap), watched
 *   by a timer; a hang is a worker terminated after the time limit, a blow-up is the worker dying of OOM,
 *   both saved as reproducers along with thrown exceptions and contract violations. The worker is restarted.
 * - `inline` (the short CI budget in `npm test`): in this thread, timed after the fact in CPU time; a crash
 *   or a slow input fails the test with its reproducer saved.
 * Reproducers go to `fuzz-crashes/TARGET/<sha256-prefix>.bin` (git-ignored) with a `.txt` saying why.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { MAX_INPUT_BYTES, mutateBinary, mutateText, rng } from './mutate.js';
import type { FuzzTarget } from './targets.js';

const here = dirname(fileURLToPath(import.meta.url));
/** Project root: this file is in src/fuzz/ or dist/fuzz/. */
export const projectRoot = resolve(here, '..', '..');
export const corpusRoot = process.env.LOCKSTEP_CORPUS ?? resolve(projectRoot, '..', 'shared', 'corpus');
export const crashRoot = join(projectRoot, 'fuzz-crashes');

export interface FuzzOptions {
  readonly runs?: number;
  readonly seconds?: number;
  readonly seed?: number;
  /** Per-input limits (defaults 1000 ms, 256 MB). */
  readonly timeoutMs?: number;
  readonly heapMb?: number;
  readonly mode: 'worker' | 'inline';
  /** Progress line every few seconds (CLI). */
  readonly onProgress?: (s: FuzzStats) => void;
}

export interface FuzzFinding {
  readonly kind: 'crash' | 'hang' | 'oom' | 'slow';
  readonly message: string;
  readonly reproducer: string;
}

export interface FuzzStats {
  readonly target: string;
  readonly seeds: number;
  readonly corpusSeeds: number;
  runs: number;
  ok: number;
  refused: number;
  readonly findings: FuzzFinding[];
  slowestMs: number;
  slowestInputBytes: number;
  /** Largest V8 heap in use seen after an input (bytes): the worker's own heap, or this process's (inline). */
  peakHeapBytes: number;
  elapsedMs: number;
}

/** Seeds: the corpus files with the target's extensions (through its `pick`), then its generated ones. */
export function loadSeeds(t: FuzzTarget): { seeds: Uint8Array[]; corpus: number } {
  const out: Uint8Array[] = [];
  if (t.corpusExts.length && existsSync(corpusRoot)) {
    const walk = (dir: string): void => {
      for (const name of readdirSync(dir).sort()) {
        const full = join(dir, name);
        const st = statSync(full);
        if (st.isDirectory()) walk(full);
        else if (st.isFile() && st.size <= MAX_INPUT_BYTES && t.corpusExts.some((e) => name.toLowerCase().endsWith(e))) {
          const b = new Uint8Array(readFileSync(full));
          const p = t.pick ? t.pick(b) : b;
          if (p) out.push(p);
        }
      }
    };
    walk(corpusRoot);
  }
  const corpus = out.length;
  out.push(...t.seeds());
  return { seeds: out, corpus };
}

function save(target: string, input: Uint8Array, kind: string, message: string): string {
  const dir = join(crashRoot, target);
  mkdirSync(dir, { recursive: true });
  const id = createHash('sha256').update(input).digest('hex').slice(0, 16);
  const file = join(dir, `${id}.bin`);
  writeFileSync(file, input);
  writeFileSync(join(dir, `${id}.txt`), `${kind}: ${message}\nreplay: npm run fuzz -- ${target} --replay ${file}\n`);
  return file;
}

type WorkerReply = { id: number; outcome: 'ok' | 'error' | 'crash'; message?: string; ms: number; heap: number };

/** A worker thread running one target, restarted after a hang or an out-of-memory death. */
class Runner {
  private worker: Worker | undefined;
  /** Resolves when the worker has loaded its target (module loading is not the input's time). */
  private ready: Promise<void> = Promise.resolve();
  private pending: { id: number; resolve: (r: WorkerReply | { id: number; outcome: 'hang' | 'oom'; message: string }) => void; timer: NodeJS.Timeout } | undefined;
  private next = 0;

  constructor(private readonly target: string, private readonly timeoutMs: number, private readonly heapMb: number) {}

  private start(): Worker {
    const ext = here.includes(`${join('dist', 'fuzz')}`) || import.meta.url.endsWith('.js') ? '.js' : '.ts';
    const w = new Worker(join(here, `worker${ext}`), {
      workerData: { target: this.target },
      resourceLimits: { maxOldGenerationSizeMb: this.heapMb, maxYoungGenerationSizeMb: 32, stackSizeMb: 4 },
      stdout: true,
      stderr: true,
    });
    let onReady: () => void = () => undefined;
    this.ready = new Promise((r) => (onReady = r));
    w.on('message', (m: WorkerReply | { ready: true }) => {
      if ('ready' in m) {
        onReady();
        return;
      }
      const p = this.pending;
      if (!p || p.id !== m.id) return;
      clearTimeout(p.timer);
      this.pending = undefined;
      p.resolve(m);
    });
    w.on('error', (e: Error & { code?: string }) => {
      const p = this.pending;
      this.worker = undefined;
      onReady();
      if (!p) return;
      clearTimeout(p.timer);
      this.pending = undefined;
      p.resolve({ id: p.id, outcome: e.code === 'ERR_WORKER_OUT_OF_MEMORY' ? 'oom' : 'hang', message: e.code === 'ERR_WORKER_OUT_OF_MEMORY' ? `over the ${this.heapMb} MB heap limit` : String(e.message) });
    });
    w.on('exit', () => {
      if (this.worker === w) this.worker = undefined;
    });
    return w;
  }

  async run(input: Uint8Array): Promise<WorkerReply | { id: number; outcome: 'hang' | 'oom'; message: string }> {
    this.worker ??= this.start();
    const w = this.worker;
    await this.ready;
    const id = ++this.next;
    return new Promise((resolvePromise) => {
      const timer = setTimeout(() => {
        this.pending = undefined;
        this.worker = undefined;
        void w.terminate();
        resolvePromise({ id, outcome: 'hang', message: `no result within ${this.timeoutMs} ms` });
      }, this.timeoutMs + 250); // the worker's own clock counts the parse; this adds message passing
      this.pending = { id, resolve: resolvePromise, timer };
      w.postMessage({ id, input }, [input.buffer as ArrayBuffer]);
    });
  }

  async close(): Promise<void> {
    await this.worker?.terminate();
  }
}

/** Runs one target for a budget of runs and/or seconds. */
export async function fuzz(t: FuzzTarget, opts: FuzzOptions): Promise<FuzzStats> {
  const timeoutMs = opts.timeoutMs ?? 1000;
  const heapMb = opts.heapMb ?? 256;
  const { seeds, corpus } = loadSeeds(t);
  const stats: FuzzStats = { target: t.name, seeds: seeds.length, corpusSeeds: corpus, runs: 0, ok: 0, refused: 0, findings: [], slowestMs: 0, slowestInputBytes: 0, peakHeapBytes: 0, elapsedMs: 0 };
  if (seeds.length === 0) return stats;
  const r = rng(opts.seed ?? 1);
  const runs = opts.runs ?? (opts.seconds ? Infinity : 1000);
  const deadline = opts.seconds ? performance.now() + opts.seconds * 1000 : Infinity;
  const t0 = performance.now();
  let lastReport = t0;
  const runner = opts.mode === 'worker' ? new Runner(t.name, timeoutMs, heapMb) : undefined;
  const seen = new Set<string>();
  try {
    for (let i = 0; i < runs && performance.now() < deadline; i++) {
      // Seeds first as they are, then mutations of a random seed (1–3 stacked), spliced with another one.
      let input: Uint8Array;
      if (i < seeds.length) input = seeds[i]!.slice();
      else {
        input = seeds[Math.floor(r() * seeds.length)]!;
        const other = seeds[Math.floor(r() * seeds.length)]!;
        for (let k = 1 + Math.floor(r() * 3); k > 0; k--) input = t.kind === 'text' ? mutateText(input, r, other) : mutateBinary(input, r, other);
        input = input.slice();
      }
      const keep = input.slice();
      stats.runs++;
      let outcome: string;
      let message = '';
      let ms = 0;
      if (runner) {
        const res = await runner.run(input);
        outcome = res.outcome;
        message = res.message ?? '';
        if ('ms' in res) {
          ms = res.ms;
          stats.peakHeapBytes = Math.max(stats.peakHeapBytes, res.heap);
        }
      } else {
        // CPU time, not wall time: inline runs share the machine with the rest of the test suite, and a parse
        // that waits for a core is not a slow parse. (The worker mode's hang timer is wall time, as it must be.)
        const s = process.cpuUsage();
        try {
          outcome = await t.run(input);
        } catch (e) {
          outcome = 'crash';
          message = `${(e as Error)?.name}: ${(e as Error)?.message}\n${(e as Error)?.stack ?? ''}`;
        }
        const used = process.cpuUsage(s);
        ms = (used.user + used.system) / 1000;
        stats.peakHeapBytes = Math.max(stats.peakHeapBytes, process.memoryUsage().heapUsed);
      }
      if (ms > stats.slowestMs) {
        stats.slowestMs = ms;
        stats.slowestInputBytes = keep.length;
      }
      if (outcome === 'ok') stats.ok++;
      else if (outcome === 'error') stats.refused++;
      if (outcome === 'ok' || outcome === 'error') {
        // The seeds' first pass warms the JIT (a cold parse of a 1 MB EVTX is slower than any warm one): only
        // mutated inputs are held to the time limit here; the worker's timer still catches a hang anywhere.
        if (ms > timeoutMs && i >= seeds.length) outcome = 'slow';
        else outcome = '';
      }
      if (outcome) {
        const key = `${outcome}:${message.split('\n')[0]}`;
        const reproducer = save(t.name, keep, outcome, message || `took ${ms.toFixed(0)} ms (limit ${timeoutMs})`);
        if (!seen.has(key)) {
          seen.add(key);
          stats.findings.push({ kind: outcome as FuzzFinding['kind'], message: message.split('\n')[0] || `took ${ms.toFixed(0)} ms`, reproducer });
        }
      }
      const now = performance.now();
      if (opts.onProgress && now - lastReport > 5000) {
        lastReport = now;
        stats.elapsedMs = now - t0;
        opts.onProgress(stats);
      }
    }
  } finally {
    await runner?.close();
  }
  stats.elapsedMs = performance.now() - t0;
  return stats;
}

/** Replays one saved input in this thread (the reproducer's `.txt` gives the command). */
export async function replay(t: FuzzTarget, file: string): Promise<{ outcome: string; ms: number; message?: string }> {
  const bytes = new Uint8Array(readFileSync(file));
  const s = performance.now();
  try {
    const outcome = await t.run(bytes);
    return { outcome, ms: performance.now() - s };
  } catch (e) {
    return { outcome: 'crash', ms: performance.now() - s, message: String((e as Error)?.stack ?? e) };
  }
}
