/**
 * Benchmark: a reference-computer scan (`lockstep scan`, worker threads, full identification: PE parse,
 * Authenticode hash and signature check, inventory JSONL) over a generated tree of 10,000 small PE files,
 * against `find … | xargs sha256sum` over the same tree in the same run (issue 4 "Measure"; target ≥ 0.8×).
 * Prints files/s, MB/s and the ratio. Seeds are small corpus PEs (signed and unsigned), each copy made
 * unique by two DOS-stub bytes. Needs the built worker (npm run bench builds first).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';
import type { Benchmark } from '../bench/registry.js';
import { runScan } from '../cli/commands/scan.js';

/** ../shared/corpus beside the project (this file runs from dist/fileinfo/), or LOCKSTEP_CORPUS. */
function corpusRoot(): string | undefined {
  if (process.env.LOCKSTEP_CORPUS) return process.env.LOCKSTEP_CORPUS;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const c = resolve(dir, '..', 'shared', 'corpus');
    if (existsSync(join(c, 'MANIFEST.md'))) return c;
    dir = dirname(dir);
  }
  return undefined;
}

/** Small unsigned corpus PEs (EXE and DLL) the tree is made of, made unique per copy. */
const SEEDS = [
  'trailofbits__uthenticode/test/assets/32/pegoat.exe',
  'saferwall__pe/test/shimeng.dll',
  'saferwall__pe/test/_setup.dll',
];
/** A validly Authenticode-signed small PE; copied unchanged (so the signature stays valid) every SIGNED_EVERY files. */
const SIGNED_SEED = 'trailofbits__uthenticode/test/assets/32/pegoat-authenticode.exe';
const SIGNED_EVERY = 100;
const FILES = 10_000;

export const scanBench: Benchmark = {
  name: 'scan',
  title: `reference-computer scan of ${FILES} PE files vs find | xargs sha256sum`,
  async run(print) {
    const corpus = corpusRoot();
    if (!corpus) {
      print('   skipped: ../shared/corpus not found (set LOCKSTEP_CORPUS)');
      return;
    }
    const seeds = SEEDS.map((s) => readFileSync(join(corpus, s)));
    const signedSeed = readFileSync(join(corpus, SIGNED_SEED));
    const dir = mkdtempSync(join(tmpdir(), 'lockstep-scan-bench-'));
    try {
      let bytes = 0;
      for (let i = 0; i < FILES; i++) {
        const signed = i % SIGNED_EVERY === 0;
        const seed = signed ? signedSeed : seeds[i % seeds.length]!;
        const copy = new Uint8Array(seed);
        if (!signed) {
          // Two DOS-stub bytes (inside the MZ header's unused area) make every unsigned copy's hash unique.
          copy[0x40] = i & 0xff;
          copy[0x41] = (i >> 8) & 0xff;
        }
        const sub = join(dir, 'Program Files', `Vendor${Math.floor(i / 100)}`);
        if (i % 100 === 0) mkdirSync(sub, { recursive: true });
        writeFileSync(join(sub, `file${i}${!signed && i % seeds.length >= 1 ? '.dll' : '.exe'}`), copy);
        bytes += copy.length;
      }
      const mb = bytes / 1e6;
      // bash's `time` also gives the baseline's CPU seconds: on a shared machine wall time mostly measures
      // waiting for a core, so CPU per file is printed beside it for both contenders.
      const baseline = (): { wall: number; cpu: number } => {
        const t0 = performance.now();
        const r = spawnSync('bash', ['-c', `TIMEFORMAT='%3U %3S'; time (find "${dir}" -type f -print0 | xargs -0 sha256sum > /dev/null)`], { encoding: 'utf8' });
        const wall = (performance.now() - t0) / 1000;
        const [u, sy] = r.stderr.trim().split(/\s+/).slice(-2).map(Number);
        return { wall, cpu: (u ?? 0) + (sy ?? 0) };
      };
      baseline(); // warm the page cache for both contenders
      const base = baseline();
      const tBase = base.wall;
      const rate = (secs: number): string => `${Math.round(FILES / secs)} files/s, ${(mb / secs).toFixed(1)} MB/s`;
      print(`tree: ${FILES} PE files, ${mb.toFixed(1)} MB (${SEEDS.length} unsigned corpus seeds made unique; 1 in ${SIGNED_EVERY} a validly signed copy)`);
      print(`sha256sum (find | xargs):        ${tBase.toFixed(2)} s  ${rate(tBase)}  (CPU ${base.cpu.toFixed(2)} s)`);
      // Both modes of the scanner: identification in the main thread, and in worker threads (the CLI default with 3+ cores,
      // on trees of 1,000+ files). CPU seconds show how much of the wall time was spent waiting for a core.
      for (const workers of [0, Math.max(1, Math.min(8, availableParallelism()))]) {
        const out = join(dir, `inventory-${workers}.jsonl`);
        const c0 = process.cpuUsage();
        const s = await runScan({ dir, group: 'Bench', out, osRoot: dir, workers, maxBytes: 1 << 30, allFiles: false, progress: 'none' });
        const c = process.cpuUsage(c0);
        if (s.files !== FILES) print(`WARNING: scanned ${s.files} of ${FILES} files`);
        const label = workers === 0 ? 'lockstep scan (main thread):    ' : `lockstep scan (${s.workers} worker threads): `;
        print(`${label}${s.seconds.toFixed(2)} s  ${rate(s.seconds)}  (CPU ${((c.user + c.system) / 1e6).toFixed(2)} s; signed ${s.signed}, unsigned ${s.unsigned}, invalid ${s.invalidSignature})`);
        const cpu = (c.user + c.system) / 1e6;
        print(`   ratio vs sha256sum: wall ${(tBase / s.seconds).toFixed(2)}x, CPU ${(base.cpu / cpu).toFixed(2)}x (target >= 0.8x)`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
