/**
 * One file of a reference-computer scan: stat, read, identify, and turn it into an inventory line — or a
 * counted skip reason. Runs inside a worker thread for `lockstep scan` (the listener below), and in the main
 * thread when workers are off or unavailable (tests running from TypeScript sources). Spec: issue 4 item 5.
 */
import { closeSync, existsSync, fstatSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { identifyFile, identifyInstalledPackage, inventoryEntry, type CatalogIndex, type InventoryEntry } from '../fileinfo/index.js';

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

/**
 * An installed packaged app (`WindowsApps\<full name>\AppxManifest.xml`): the manifest with the block map and
 * signature beside it, identified as one Appx record for the package folder (fileinfo/appx/installed.ts).
 */
async function scanInstalledPackage(task: ScanTask, settings: ScanSettings): Promise<ScanOutcome> {
  try {
    const dir = dirname(task.path);
    const read = (name: string): Uint8Array | undefined => (existsSync(join(dir, name)) ? readFileSync(join(dir, name)) : undefined);
    const manifest = readFileSync(task.path);
    if (manifest.length > settings.maxBytes) return { kind: 'skip', path: task.path, reason: 'too-large', message: 'manifest over the size cap' };
    const blockMap = read('AppxBlockMap.xml');
    const signature = read('AppxSignature.p7x');
    const windowsPath = task.windowsPath?.replace(/\\AppxManifest\.xml$/i, '');
    const r = await identifyInstalledPackage({ file: task.path, manifest, ...(blockMap ? { blockMap } : {}), ...(signature ? { signature } : {}), ...(windowsPath ? { windowsPath } : {}) });
    if (!r.ok) {
      const first = r.diagnostics.find((d) => d.severity === 'error') ?? r.diagnostics[0];
      return { kind: 'skip', path: task.path, reason: first?.code ?? 'unidentified', message: first?.message ?? 'could not identify' };
    }
    return { kind: 'entry', entry: inventoryEntry(settings.group, task.path, manifest.length, statSync(task.path).mtimeMs, r.value, windowsPath) };
  } catch (e) {
    return { kind: 'skip', path: task.path, reason: (e as NodeJS.ErrnoException).code ?? 'error', message: String((e as Error).message) };
  }
}

/** Reads and identifies one file; never throws for a file-system problem (it becomes a skip reason). */
export async function scanOne(task: ScanTask, settings: ScanSettings): Promise<ScanOutcome> {
  if (basename(task.path).toLowerCase() === 'appxmanifest.xml') return scanInstalledPackage(task, settings);
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
