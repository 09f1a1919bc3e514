/**
 * One file of a reference-computer scan: stat, read, identify, and turn it into an inventory line — or a
 * counted skip reason. Runs inside a worker thread for `lockstep scan` (the listener below), and in the main
 * thread when workers are off or unavailable (tests running from TypeScript sources). Spec: issue 4 item 5.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { identifyFile, inventoryEntry, type CatalogIndex, type InventoryEntry } from '../fileinfo/index.js';

export interface ScanTask {
  readonly path: string;
  readonly windowsPath?: string;
}

export type ScanOutcome =
  | { readonly kind: 'entry'; readonly entry: InventoryEntry }
  | { readonly kind: 'skip'; readonly path: string; readonly reason: string; readonly message: string };

export interface ScanSettings {
  readonly group: string;
  readonly maxBytes: number;
  /** `--catroot`: built once in the main thread, handed to workers as plain data. */
  readonly catalogs?: CatalogIndex;
}

/**
 * One read buffer reused from file to file: a fresh zero-filled allocation per file was a large share of the
 * per-file cost (allocation + GC) on trees of small files. Files over REUSE_MAX get their own buffer so a
 * single huge file does not pin memory. Identification keeps no view of the bytes (results are strings and
 * numbers; the signature parse cache copies what it keeps), so the buffer can be overwritten by the next file.
 * `busy` guards against overlapping calls (the loops here await each file, but scanOne is exported).
 */
const REUSE_MAX = 16 * 1024 * 1024;
let shared = new Uint8Array(1024 * 1024);
let busy = false;

/** Reads and identifies one file; never throws for a file-system problem (it becomes a skip reason). */
export async function scanOne(task: ScanTask, settings: ScanSettings): Promise<ScanOutcome> {
  let fd: number | undefined;
  let holding = false;
  try {
    fd = openSync(task.path, 'r');
    const st = fstatSync(fd);
    if (!st.isFile()) return { kind: 'skip', path: task.path, reason: 'not-a-file', message: 'not a regular file' };
    if (st.size > settings.maxBytes) {
      return { kind: 'skip', path: task.path, reason: 'too-large', message: `${st.size} bytes is over the ${settings.maxBytes}-byte cap` };
    }
    let bytes: Uint8Array;
    if (!busy && st.size <= REUSE_MAX) {
      if (shared.length < st.size) shared = new Uint8Array(Math.min(REUSE_MAX, Math.max(st.size, shared.length * 2)));
      busy = true;
      holding = true;
      bytes = shared.subarray(0, st.size);
    } else bytes = new Uint8Array(st.size);
    let at = 0;
    while (at < st.size) {
      const n = readSync(fd, bytes, at, st.size - at, at);
      if (n === 0) break;
      at += n;
    }
    const data = at === st.size ? bytes : bytes.subarray(0, at);
    const r = await identifyFile({ path: task.path, bytes: data, ...(task.windowsPath !== undefined ? { windowsPath: task.windowsPath } : {}), ...(settings.catalogs ? { catalogs: settings.catalogs } : {}) });
    if (!r.ok) {
      const first = r.diagnostics.find((d) => d.severity === 'error') ?? r.diagnostics[0];
      return { kind: 'skip', path: task.path, reason: first?.code ?? 'unidentified', message: first?.message ?? 'could not identify' };
    }
    return { kind: 'entry', entry: inventoryEntry(settings.group, task.path, st.size, st.mtimeMs, r.value, task.windowsPath) };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'error';
    return { kind: 'skip', path: task.path, reason: code, message: String((e as Error).message) };
  } finally {
    if (holding) busy = false;
    if (fd !== undefined) closeSync(fd);
  }
}

if (!isMainThread && parentPort && (workerData as { lockstepScan?: ScanSettings } | undefined)?.lockstepScan) {
  const settings = (workerData as { lockstepScan: ScanSettings }).lockstepScan;
  const port = parentPort;
  port.on('message', (batch: ScanTask[]) => {
    void (async () => {
      const out: ScanOutcome[] = [];
      for (const t of batch) out.push(await scanOne(t, settings));
      port.postMessage(out);
    })();
  });
}
