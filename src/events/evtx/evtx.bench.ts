/**
 * `npm run bench -- evtx`: throughput of the native EVTX reader (formats.md §A.10) on a ≥ 100 MB EVTX file
 * built in the temp directory from the corpus logs' chunks (chunks are self-contained, so any sequence of
 * them under a fresh file header is a valid log). Measured in the same run, on the same file:
 *   ours, single thread: readEvtx + renderEventXml for every record (XML, as evtxexport prints);
 *   ours, worker pool: src/cli/evtx-parallel.ts rendering XML in the workers;
 *   evtxexport -f xml (Debian libevtx-utils), output drained through a pipe;
 *   evtx_dump.py (Debian python3-evtx) on a 0.5 MB prefix of the same file, extrapolated (it is ~100× slower).
 * Rates use CPU seconds (user+system: process.cpuUsage for ours, /usr/bin/time for the tools) because the
 * machine is shared; the pool's figure is wall time, which is what parallelism buys.
 * Only chunks of corpus files that evtxexport exports without error are used, so both tools do the same work.
 * Prints records/s, MB/s and the ratios (targets: ≥ 2× evtxexport, ≥ 50× evtx_dump.py).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32 } from 'node:zlib';
import type { Benchmark } from '../../bench/registry.js';
import { readEvtxParallel } from '../../cli/evtx-parallel.js';
import { readEvtx, renderEventXml } from './index.js';

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const corpusRoot = process.env.LOCKSTEP_CORPUS ?? resolve(projectRoot, '..', 'shared', 'corpus');
const TARGET_BYTES = 100 * 1024 * 1024;

function evtxFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...evtxFiles(full));
    else if (name.toLowerCase().endsWith('.evtx')) out.push(full);
  }
  return out.sort();
}

function has(cmd: string, args: string[]): boolean {
  return spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;
}

/** A valid EVTX file made of `chunks` (each 65536 bytes) under a clean header. */
function buildFile(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(4096 + 65536 * chunks.length);
  out.set([0x45, 0x6c, 0x66, 0x46, 0x69, 0x6c, 0x65, 0x00]);
  const dv = new DataView(out.buffer);
  dv.setBigUint64(16, BigInt(chunks.length - 1), true);
  dv.setBigUint64(24, 1n, true);
  dv.setUint32(32, 128, true);
  dv.setUint16(36, 1, true);
  dv.setUint16(38, 3, true);
  dv.setUint16(40, 4096, true);
  dv.setUint16(42, Math.min(chunks.length, 0xffff), true);
  dv.setUint32(124, crc32(out.subarray(0, 120)), true);
  chunks.forEach((c, i) => out.set(c, 4096 + 65536 * i));
  return out;
}

/**
 * Runs a command under /usr/bin/time with stdout drained through a pipe; returns wall and CPU seconds
 * (user + system of the child) and the number of `<Event xmlns` starts it printed.
 */
function timed(cmd: string, args: string[], dir: string): Promise<{ wall: number; cpu: number; events: number }> {
  return new Promise((done, fail) => {
    const tfile = join(dir, 'time.txt');
    const t0 = performance.now();
    // Without /usr/bin/time (Debian package `time`) the child's CPU time is unknown: wall time stands in.
    const haveTime = existsSync('/usr/bin/time');
    const p = haveTime
      ? spawn('/usr/bin/time', ['-f', '%U %S', '-o', tfile, cmd, ...args], { stdio: ['ignore', 'pipe', 'ignore'] })
      : spawn(cmd, args, { stdio: ['ignore', 'pipe', 'ignore'] });
    let events = 0;
    let tail = '';
    p.stdout.setEncoding('utf8');
    p.stdout.on('data', (s: string) => {
      const text = tail + s;
      let i = text.indexOf('<Event xmlns');
      while (i >= 0) {
        events++;
        i = text.indexOf('<Event xmlns', i + 1);
      }
      tail = text.slice(-12);
    });
    p.on('error', fail);
    p.on('close', () => {
      const wall = (performance.now() - t0) / 1000;
      if (!haveTime) return done({ wall, cpu: wall, events });
      const [u, s] = readFileSync(tfile, 'utf8').trim().split(/\s+/).slice(-2).map(Number);
      done({ wall, cpu: (u ?? NaN) + (s ?? NaN), events });
    });
  });
}

function line(label: string, records: number, bytes: number, seconds: number): string {
  return `   ${label.padEnd(34)} ${String(records).padStart(8)} records  ${(records / seconds).toFixed(0).padStart(8)} records/s  ${(bytes / 1e6 / seconds).toFixed(1).padStart(6)} MB/s  (${seconds.toFixed(2)} s)`;
}

export const evtxBenchmark: Benchmark = {
  name: 'evtx',
  title: 'native EVTX reader vs evtxexport and evtx_dump.py (records/s, MB/s)',
  async run(print) {
    if (!existsSync(join(corpusRoot, 'MANIFEST.md'))) {
      print(`   skipped: corpus not found at ${corpusRoot}`);
      return;
    }
    const haveEvtxexport = has('evtxexport', ['-V']);
    const havePython = existsSync('/usr/bin/evtx_dump.py');
    const chunks: Uint8Array[] = [];
    for (const f of evtxFiles(corpusRoot)) {
      if (haveEvtxexport && spawnSync('evtxexport', ['-f', 'xml', f], { stdio: 'ignore' }).status !== 0) continue;
      const b = new Uint8Array(readFileSync(f));
      for (let off = 4096; off + 65536 <= b.length; off += 65536) {
        const c = b.subarray(off, off + 65536);
        if (c[0] === 0x45 && c[1] === 0x6c && c[3] === 0x43) chunks.push(c); // "ElfChnk"
      }
    }
    const base = chunks.length;
    while (chunks.length * 65536 < TARGET_BYTES) chunks.push(chunks[chunks.length % base]!);
    const file = buildFile(chunks);
    const dir = mkdtempSync(join(tmpdir(), 'lockstep-evtx-bench-'));
    const path = join(dir, 'big.evtx');
    writeFileSync(path, file);
    print(`   input: ${chunks.length} chunks (${base} distinct, from the corpus logs evtxexport accepts), ${(file.length / 1e6).toFixed(1)} MB`);
    try {
      // Ours, single thread: warm the JIT on the first 64 chunks, then one timed pass (wall and CPU).
      for (const r of readEvtx(buildFile(chunks.slice(0, 64))).records()) if (r.ok) renderEventXml(r.event);
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      let records = 0;
      let chars = 0;
      for (const r of readEvtx(file).records()) {
        if (!r.ok) continue;
        records++;
        chars += renderEventXml(r.event).length;
      }
      const wall = (performance.now() - t0) / 1000;
      const c = process.cpuUsage(c0);
      const cpu = (c.user + c.system) / 1e6;
      if (chars === 0) throw new Error('no output');
      print(line('lockstep readEvtx + XML (1 thread)', records, file.length, cpu) + `  wall ${wall.toFixed(2)} s`);
      const oursRate = records / cpu;

      const t1 = performance.now();
      const par = readEvtxParallel(file, { render: 'xml' });
      let pn = 0;
      for await (const r of par.records()) if (r.ok) pn++;
      const ps = (performance.now() - t1) / 1000;
      print(line(`lockstep worker pool (${par.workers} workers, wall)`, pn, file.length, ps) + (par.workers === 0 ? '  [worker script not built: in-thread]' : ''));

      if (haveEvtxexport) {
        const e = await timed('evtxexport', ['-f', 'xml', path], dir);
        print(line('evtxexport -f xml', e.events, file.length, e.cpu) + `  wall ${e.wall.toFixed(2)} s`);
        print(`   ratio vs evtxexport (records/s, CPU time): ${(oursRate / (e.events / e.cpu)).toFixed(2)}×  [target ≥ 2×]`);
      } else print('   evtxexport not installed: comparison skipped');

      if (havePython) {
        // python-evtx (~200 records/s) on an 8-chunk (0.5 MB) prefix of the same file, extrapolated.
        const small = buildFile(chunks.slice(0, 8));
        const spath = join(dir, 'small.evtx');
        writeFileSync(spath, small);
        const p = await timed('/usr/bin/python3', ['/usr/bin/evtx_dump.py', spath], dir);
        print(line('evtx_dump.py (0.5 MB subset)', p.events, small.length, p.cpu) + `  wall ${p.wall.toFixed(2)} s`);
        print(`   ratio vs evtx_dump.py (records/s, CPU time, extrapolated): ${(oursRate / (p.events / p.cpu)).toFixed(1)}×  [target ≥ 50×]`);
      } else print('   /usr/bin/evtx_dump.py not installed: comparison skipped');
      print('   (CPU seconds are used for rates: this machine is shared; wall times are shown beside them)');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
