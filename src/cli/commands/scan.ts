/**
 * `lockstep scan DIR --group NAME --out inventory.jsonl [--os-root DIR]`: a reference-computer scan. Walks a
 * tree (a mounted image, a software share, a copied Program Files), identifies every file AppLocker governs
 * in parallel worker threads, and appends one inventory line per file recording the business group.
 * Resumable: a re-run skips files already recorded with the same path, size and mtime, and drops a torn
 * last line left by a killed run, so an interrupted scan finishes without duplicates. Unreadable files are
 * skipped with a counted reason. Spec: issue 4 item 5; applocker.md §2.3 (which extensions), §8.2.
 */
import { closeSync, existsSync, ftruncateSync, lstatSync, openSync, readFileSync, readdirSync, statSync, writeSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { formatInventoryLine, parseInventory, resumeKey, windowsPathUnder, type InventoryEntry } from '../../fileinfo/index.js';
import { APPLOCKER_EXTENSIONS, extensionOf } from '../../policy/index.js';
import { CliExit, ExitCode } from '../exit-codes.js';
import { err, out, outJson, reportDiagnostics } from '../output.js';
import { loadCatroot } from '../catroot.js';
import type { CatalogIndex } from '../../fileinfo/index.js';
import { scanOne, type ScanOutcome, type ScanSettings, type ScanTask } from '../scan-worker.js';

export interface ScanOptions {
  readonly dir: string;
  readonly group: string;
  readonly out: string;
  readonly osRoot?: string;
  /** 0 = identify in the main thread. */
  readonly workers: number;
  readonly maxBytes: number;
  /** Scan every regular file, not only AppLocker's extensions. */
  readonly allFiles: boolean;
  readonly progress: 'bar' | 'lines' | 'none';
  /** `--catroot`: catalog index for catalog-signed files (fileinfo/catalog). */
  readonly catalogs?: CatalogIndex;
}

export interface ScanSummary {
  group: string;
  out: string;
  /** Files identified and written in this run. */
  files: number;
  /** Files skipped because an earlier run already recorded them (resume). */
  alreadyRecorded: number;
  byCollection: Record<string, number>;
  signed: number;
  unsigned: number;
  invalidSignature: number;
  /** Of `signed`, files signed through a security catalog (`--catroot`). */
  catalogSigned: number;
  skipped: Record<string, number>;
  bytes: number;
  seconds: number;
  workers: number;
}

const SCAN_EXTENSIONS = new Set(APPLOCKER_EXTENSIONS);
const BATCH = 32;

/** Prepares the output file for appending: drops a torn last line, returns the keys already recorded. */
function openInventory(outPath: string, group: string): { fd: number; done: Set<string> } {
  const done = new Set<string>();
  if (existsSync(outPath)) {
    const text = readFileSync(outPath, 'utf8');
    if (text.length && !text.endsWith('\n')) {
      // A killed scan can leave half a line; cut back to the last complete one before appending.
      const keep = Buffer.byteLength(text.slice(0, text.lastIndexOf('\n') + 1), 'utf8');
      const fd = openSync(outPath, 'r+');
      ftruncateSync(fd, keep);
      closeSync(fd);
    }
    const parsed = parseInventory(text, { file: outPath });
    reportDiagnostics(parsed.diagnostics.filter((d) => d.code !== 'fileinfo.inventory.torn-line'), outPath);
    if (!parsed.ok) throw new CliExit(ExitCode.ToolFailure);
    for (const e of parsed.value) {
      if (e.group !== group) {
        err(`error: \`${outPath}\` holds the inventory of group \`${e.group}\`, not \`${group}\``);
        throw new CliExit(ExitCode.ToolFailure);
      }
      done.add(resumeKey(e));
    }
  }
  return { fd: openSync(outPath, 'a'), done };
}

/** Walks the tree without following directory symlinks; yields tasks and counts what it skips. */
function* walk(root: string, o: ScanOptions, skipped: Record<string, number>, done: Set<string>, counters: { already: number }): Generator<ScanTask> {
  const osRoot = o.osRoot ? resolve(o.osRoot) : undefined;
  const stack = [resolve(root)];
  const skip = (reason: string): void => {
    skipped[reason] = (skipped[reason] ?? 0) + 1;
  };
  while (stack.length) {
    const dir = stack.pop()!;
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch (e) {
      skip(`directory:${(e as NodeJS.ErrnoException).code ?? 'error'}`);
      continue;
    }
    entries.sort((a, b) => (a.name < b.name ? 1 : a.name > b.name ? -1 : 0));
    for (const d of entries) {
      const p = join(dir, d.name);
      if (d.isDirectory()) {
        stack.push(p);
        continue;
      }
      if (!o.allFiles && !SCAN_EXTENSIONS.has(extensionOf(d.name))) continue;
      const windowsPath = osRoot ? windowsPathUnder(p, osRoot) : undefined;
      if (d.isFile() && done.size === 0) {
        // Fresh scan: the worker's fstat gives size and mtime; no second stat here.
        yield { path: p, ...(windowsPath !== undefined ? { windowsPath } : {}) };
        continue;
      }
      let st;
      try {
        st = d.isSymbolicLink() ? statSync(p) : lstatSync(p);
      } catch (e) {
        skip((e as NodeJS.ErrnoException).code ?? 'error');
        continue;
      }
      if (st.isDirectory()) {
        // A symlink to a directory is not followed: it could loop back up the tree.
        skip('symlink-directory');
        continue;
      }
      if (!st.isFile()) {
        skip('not-a-file');
        continue;
      }
      if (done.has(resumeKey({ path: p, size: st.size, mtimeMs: st.mtimeMs }))) {
        counters.already++;
        continue;
      }
      yield { path: p, ...(windowsPath !== undefined ? { windowsPath } : {}) };
    }
  }
}

/** The worker script next to this module once built (dist/cli/scan-worker.js); absent when run from sources. */
function workerScript(): string | undefined {
  const url = new URL('../scan-worker.js', import.meta.url);
  const path = fileURLToPath(url);
  return existsSync(path) ? path : undefined;
}

/** Runs a scan; returns its summary. Exposed for the benchmark and tests. */
export async function runScan(o: ScanOptions): Promise<ScanSummary> {
  const t0 = performance.now();
  const skipped: Record<string, number> = {};
  const counters = { already: 0 };
  const { fd, done } = openInventory(o.out, o.group);
  const summary: ScanSummary = {
    group: o.group, out: o.out, files: 0, alreadyRecorded: 0, byCollection: {}, signed: 0, unsigned: 0, invalidSignature: 0, catalogSigned: 0,
    skipped, bytes: 0, seconds: 0, workers: 0,
  };
  // Walk first (cheap: names and stats), so the bar knows its total.
  const tasks = [...walk(o.dir, o, skipped, done, counters)];
  summary.alreadyRecorded = counters.already;
  const settings: ScanSettings = { group: o.group, maxBytes: o.maxBytes, ...(o.catalogs ? { catalogs: o.catalogs } : {}) };

  let bar: cliProgress.SingleBar | undefined;
  let lastLine = performance.now();
  let completed = 0;
  if (o.progress === 'bar') {
    bar = new cliProgress.SingleBar({ stream: process.stderr, format: 'scan [{bar}] {value}/{total} files | {eta_formatted} left', hideCursor: true }, cliProgress.Presets.shades_classic);
    bar.start(tasks.length, 0);
  }
  // Lines are written in chunks (one write per batch): a kill loses at most the unwritten chunk, which
  // the next run simply scans again.
  let pendingLines = '';
  const flush = (): void => {
    if (pendingLines) writeSync(fd, pendingLines);
    pendingLines = '';
  };
  const record = (r: ScanOutcome): void => {
    completed++;
    if (r.kind === 'skip') skipped[r.reason] = (skipped[r.reason] ?? 0) + 1;
    else {
      const e: InventoryEntry = r.entry;
      pendingLines += formatInventoryLine(e);
      if (pendingLines.length > 256 * 1024) flush();
      summary.files++;
      summary.bytes += e.size;
      const c = e.collection ?? 'none';
      summary.byCollection[c] = (summary.byCollection[c] ?? 0) + 1;
      if (e.signature === 'Valid') summary.signed++;
      if (e.signature === 'Valid' && e.catalog?.publisherName) summary.catalogSigned++;
      else if (e.signature === 'Invalid') summary.invalidSignature++;
      else summary.unsigned++;
    }
    if (bar) bar.update(completed);
    else if (o.progress === 'lines' && performance.now() - lastLine > 5000) {
      lastLine = performance.now();
      err(`scan: ${completed}/${tasks.length} files`);
    }
  };

  const script = o.workers > 0 ? workerScript() : undefined;
  try {
    if (!script) {
      for (let i = 0; i < tasks.length; i++) {
        record(await scanOne(tasks[i]!, settings));
        if (i % BATCH === BATCH - 1) flush();
      }
    } else {
      // One worker per 1,000 files at most: a worker costs a module load and its own JIT warm-up.
      const n = Math.max(1, Math.min(o.workers, Math.ceil(tasks.length / 1000)));
      summary.workers = n;
      let next = 0;
      await Promise.all(
        Array.from({ length: n }, () => new Promise<void>((resolveWorker, rejectWorker) => {
          const w = new Worker(script, { workerData: { lockstepScan: settings } });
          let inFlight = 0;
          const send = (): void => {
            // Two batches in flight per worker hide the message round trip.
            while (inFlight < 2 && next < tasks.length) {
              w.postMessage(tasks.slice(next, next + BATCH));
              next += BATCH;
              inFlight++;
            }
            if (inFlight === 0) void w.terminate().then(() => resolveWorker());
          };
          w.on('message', (rs: ScanOutcome[]) => {
            inFlight--;
            for (const r of rs) record(r);
            flush();
            send();
          });
          w.on('error', rejectWorker);
          send();
        })),
      );
    }
  } finally {
    flush();
    bar?.stop();
    closeSync(fd);
  }
  summary.seconds = Math.round(performance.now() - t0) / 1000; // milliseconds precision is plenty
  return summary;
}

/**
 * Worker threads only pay with cores to spare: each costs ~0.35 s CPU to start (it loads the PE, PKCS#7 and
 * package readers) and keeps its own signature caches, and the main thread still walks and writes. On a
 * 2-core machine the main thread alone was faster in wall and CPU time (scan bench: 2 workers 0.27× vs main
 * thread 0.44× sha256sum wall), so the default there is 0; `--workers N` still forces a pool.
 */
function defaultWorkers(): number {
  const cores = availableParallelism();
  return cores <= 2 ? 0 : Math.min(8, cores);
}

function printSummary(s: ScanSummary): void {
  const kv = (r: Record<string, number>): string => Object.entries(r).sort().map(([k, v]) => `${k} ${v}`).join(', ') || 'none';
  out([
    `group ${s.group}: ${s.files} files recorded in ${s.out} (${(s.bytes / 1e6).toFixed(1)} MB, ${s.seconds.toFixed(1)} s)`,
    `  already recorded (resumed): ${s.alreadyRecorded}`,
    `  by collection: ${kv(s.byCollection)}`,
    `  signed ${s.signed}${s.catalogSigned ? ` (${s.catalogSigned} by catalog)` : ''}, unsigned ${s.unsigned}, invalid signature ${s.invalidSignature}`,
    `  skipped: ${kv(s.skipped)}`,
  ].join('\n'));
}

export function register(program: Command): void {
  program
    .command('scan')
    .description('scan a reference computer tree into a per-group inventory (JSONL), in parallel and resumable')
    .argument('<dir>', 'the tree to scan (a mounted Windows drive, a share, a copied Program Files)')
    .requiredOption('--group <name>', 'the business group this reference computer stands for')
    .requiredOption('--out <file>', 'inventory JSONL to append to (re-running resumes)')
    .option('--os-root <dir>', 'where the Windows system drive is mounted; paths under it are recorded as C:\\…')
    .option('--workers <n>', 'worker threads (0 = main thread; default 0 on 1–2 cores, else one per core up to 8)', String(defaultWorkers()))
    .option('--max-bytes <n>', 'skip files larger than this', String(1024 * 1024 * 1024))
    .option('--all-files', 'identify every regular file, not only AppLocker extensions (§2.3)')
    .option('--catroot <dir>', 'a copy of C:\\Windows\\System32\\CatRoot: catalog-signed files (most of Windows) are recorded with the catalog signer as publisher')
    .option('--json', 'print the summary as JSON (no progress output)')
    .addHelpText('after', `
Examples:
  $ lockstep scan /mnt/win --os-root /mnt/win --group Finance --out finance.jsonl
  $ lockstep scan "/mnt/win/Program Files" --os-root /mnt/win --group Finance --out finance.jsonl --workers 4
  $ lockstep scan /mnt/win/Windows --os-root /mnt/win --catroot /mnt/win/Windows/System32/CatRoot --group Finance --out finance.jsonl
  $ lockstep scan /srv/share/apps --group Finance --out finance.jsonl --json | jq .skipped
Interrupted? Run the same command again: files already recorded are skipped.
Exit: 0 scanned (skips are counted, not failures), 1 the tree or the inventory could not be used.`)
    .action(async (dir: string, o: { group: string; out: string; osRoot?: string; workers: string; maxBytes: string; allFiles?: boolean; json?: boolean; catroot?: string }) => {
      try {
        if (!statSync(dir).isDirectory()) throw Object.assign(new Error(`not a directory: ${dir}`), { code: 'ENOTDIR' });
      } catch (e) {
        err(`error: cannot scan \`${dir}\`: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
        throw new CliExit(ExitCode.ToolFailure);
      }
      const workers = Number.parseInt(o.workers, 10);
      const maxBytes = Number.parseInt(o.maxBytes, 10);
      if (!Number.isFinite(workers) || workers < 0 || !Number.isFinite(maxBytes) || maxBytes < 0) {
        err('error: --workers and --max-bytes take non-negative integers');
        throw new CliExit(ExitCode.ToolFailure);
      }
      const catalogs = o.catroot ? await loadCatroot(o.catroot, !!o.json) : undefined;
      const s = await runScan({
        ...(catalogs ? { catalogs } : {}),
        dir, group: o.group, out: o.out, ...(o.osRoot ? { osRoot: o.osRoot } : {}), workers, maxBytes, allFiles: o.allFiles === true,
        progress: o.json ? 'none' : process.stderr.isTTY ? 'bar' : 'lines',
      });
      if (o.json) outJson(s);
      else printSummary(s);
    });
}
