/**
 * File I/O for commands: reading inputs (bounded, regular files only) with errors that name the file, and writing outputs atomically
 * (temp file + rename) so a crash never leaves half a policy on disk.
 */
import { readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { DiagnosticError } from '../diag/index.js';
import { fsReason, InputFileError, readInputFile } from '../store/input-files.js';

/** Largest input file a command reads whole (policies, exports, inventories); ingest has its own cap. */
export const MAX_INPUT_BYTES = 1024 * 1024 * 1024;

/**
 * Reads an input file the user named, within STYLE.md's untrusted-bytes rules (U3, U4): regular files only
 * (a FIFO would block, `/dev/zero` never end) and at most MAX_INPUT_BYTES. An OS error keeps its errno and
 * the path (main() prints it as before); a refused special or oversized file is a coded diagnostic.
 */
export function readInput(path: string, maxBytes: number = MAX_INPUT_BYTES): Uint8Array {
  if (path === '-') return readFileSync(0);
  try {
    return readInputFile(path, { maxBytes });
  } catch (e) {
    if (!(e instanceof InputFileError)) throw e;
    if (e.errno) throw Object.assign(new Error(fsReason({ code: e.errno })), { code: e.errno, path });
    throw new DiagnosticError([e.diagnostic]);
  }
}

/** Thrown for an output path that cannot be written; main() prints it like any file error. */
function pathError(path: string, code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: ${path}`), { code, path });
}

export function writeAtomic(path: string, data: Uint8Array | string): void {
  if (statSync(path, { throwIfNoEntry: false })?.isDirectory()) throw pathError(path, 'EISDIR');
  const dir = dirname(path);
  if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory()) throw pathError(dir, 'ENOENT');
  const tmp = join(dir, `.${basename(path)}.${process.pid}.tmp`);
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    // Name the file the user asked for, not our temporary one.
    throw pathError(path, (e as NodeJS.ErrnoException).code ?? 'EIO');
  }
}
