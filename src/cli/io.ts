/**
 * File I/O for commands: reading inputs with errors that name the file, and writing outputs atomically
 * (temp file + rename) so a crash never leaves half a policy on disk.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export function readInput(path: string): Uint8Array {
  if (path === '-') return readFileSync(0);
  return readFileSync(path);
}

export function writeAtomic(path: string, data: Uint8Array | string): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}
