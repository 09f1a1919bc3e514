/**
 * File I/O for commands: reading inputs with errors that name the file, and writing outputs atomically
 * (temp file + rename) so a crash never leaves half a policy on disk.
 */
import { readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export function readInput(path: string): Uint8Array {
  if (path === '-') return readFileSync(0);
  try {
    return readFileSync(path);
  } catch (e) {
    // reading a directory fails with EISDIR and no path: name the file the user gave
    const x = e as NodeJS.ErrnoException;
    if (x.code && !x.path) x.path = path;
    throw e;
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
