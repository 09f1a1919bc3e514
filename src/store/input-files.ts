/**
 * Untrusted input files at the edge (issue 12, STYLE.md "One policy for untrusted bytes"): the folder walk
 * and the bounded read every command that ingests or identifies files goes through.
 * - Only regular files are read unless the caller allows special files: `/dev/zero`, `/dev/urandom` and
 *   FIFOs report a size of 0 and then never end (3–4.7 GB RSS) or block forever.
 * - Symlinked folders are followed once: a folder already on the walk (same device and inode) is a loop
 *   and is reported, not re-entered.
 * - A read never exceeds its byte cap, also when the file grows while it is read or has no size (a FIFO):
 *   the cap is checked before allocating, and the read stops one byte past it.
 * Errors are values: every failure is a coded diagnostic naming the path.
 * Used by store/ingest.ts (ingest) and the CLI's file readers (cli/io.ts).
 */
import { closeSync, fstatSync, lstatSync, openSync, readSync, readdirSync, statSync, type Stats } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Diagnostic } from '../diag/index.js';
import { StoreCode } from './errors.js';

/** The largest buffer Node can read into at once (fs refuses > 2 GiB with ERR_FS_FILE_TOO_LARGE). */
export const MAX_READ_BYTES = 2 ** 31 - 1;

export interface InputLimits {
  /** Largest file read, in bytes (clamped to MAX_READ_BYTES). */
  readonly maxBytes: number;
  /** Read FIFOs, character and block devices and sockets too (up to maxBytes). Default false. */
  readonly allowSpecial?: boolean;
}

/** Thrown by readInputFile with a diagnostic that names the file; callers turn it into a value. */
export class InputFileError extends Error {
  /** The fs error code (`ENOENT`, `EACCES`…) when the OS refused the file. */
  readonly errno: string | undefined;
  constructor(readonly diagnostic: Diagnostic, cause?: unknown) {
    super(diagnostic.message);
    this.name = 'InputFileError';
    this.errno = (cause as NodeJS.ErrnoException | undefined)?.code;
  }
}

/** An fs error as a short lowercase reason. */
export function fsReason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file or folder';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'ELOOP') return 'too many levels of symbolic links';
  if (code === 'EISDIR') return 'is a folder';
  return ((e as Error).message ?? String(e)).toLowerCase();
}

/** What a non-regular file is, for the message. */
export function fileKind(st: Stats): string {
  if (st.isFIFO()) return 'a fifo (named pipe)';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  if (st.isDirectory()) return 'a folder';
  return 'not a regular file';
}

function diag(code: string, message: string, file: string, help?: string, severity: Diagnostic['severity'] = 'error'): Diagnostic {
  return { code, severity, message, location: { kind: 'bytes', file, offset: 0 }, ...(help ? { help } : {}) };
}

export function notRegularDiag(path: string, st: Stats): Diagnostic {
  return diag(StoreCode.InputNotRegular, `\`${path}\` is ${fileKind(st)}, not a regular file`, path, 'copy it to a file first, or pass --allow-special-files to read it (up to the size limit)');
}

export function tooLargeDiag(path: string, size: number | undefined, maxBytes: number): Diagnostic {
  const what = size === undefined ? `is longer than ${maxBytes} bytes` : `is ${size} bytes, over the ${maxBytes}-byte limit`;
  return diag(StoreCode.InputTooLarge, `\`${path}\` ${what}`, path, 'split the export, or raise the limit');
}

/**
 * Reads one input file within its limits. Throws InputFileError (never a raw fs error) for a missing,
 * unreadable, special (unless allowed) or too large file.
 */
export function readInputFile(path: string, limits: InputLimits): Uint8Array {
  const maxBytes = Math.min(limits.maxBytes, MAX_READ_BYTES);
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    throw new InputFileError(diag(StoreCode.InputUnreadable, `cannot read \`${path}\`: ${fsReason(e)}`, path), e);
  }
  try {
    // fstat on the open descriptor: the file checked is the file read (no swap between stat and open).
    const st = fstatSync(fd);
    if (st.isDirectory()) throw new InputFileError(diag(StoreCode.InputUnreadable, `cannot read \`${path}\`: is a folder`, path, 'pass the files, or let ingest walk the folder'));
    const regular = st.isFile();
    if (!regular && !limits.allowSpecial) throw new InputFileError(notRegularDiag(path, st));
    if (regular && st.size > maxBytes) throw new InputFileError(tooLargeDiag(path, st.size, maxBytes));
    // A regular file is read at its size (+1 byte to notice growth); a special file in 1 MiB steps.
    const chunks: Buffer[] = [];
    let total = 0;
    const step = regular ? Math.min(st.size + 1, maxBytes + 1) : 1024 * 1024;
    for (;;) {
      const want = Math.min(step, maxBytes + 1 - total);
      if (want <= 0) throw new InputFileError(tooLargeDiag(path, undefined, maxBytes));
      const buf = Buffer.allocUnsafe(want);
      let n: number;
      try {
        n = readSync(fd, buf, 0, want, null);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EAGAIN') continue;
        throw new InputFileError(diag(StoreCode.InputUnreadable, `cannot read \`${path}\` at offset ${total}: ${fsReason(e)}`, path), e);
      }
      if (n === 0) break;
      chunks.push(n === want ? buf : buf.subarray(0, n));
      total += n;
      if (total > maxBytes) throw new InputFileError(tooLargeDiag(path, undefined, maxBytes));
    }
    return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total);
  } finally {
    closeSync(fd);
  }
}

export interface WalkedFile {
  readonly path: string;
  /** Bytes at walk time (0 for an allowed special file). */
  readonly size: number;
  readonly mtimeMs: number;
}

export interface WalkResult {
  readonly files: WalkedFile[];
  /** Files in walked folders that `accept` turned down. */
  readonly skipped: string[];
  readonly diagnostics: Diagnostic[];
}

export interface WalkOptions extends InputLimits {
  /** Deepest folder nesting walked (default 64). */
  readonly maxDepth?: number;
  /** Most files collected (default 1 000 000). */
  readonly maxFiles?: number;
  /** Decides whether a file found in a folder is taken (explicit paths always are). */
  readonly accept: (path: string) => boolean;
}

/**
 * Expands files and folders into the files to read. Explicit files are always taken (and refused only for
 * being special or too large); files in folders pass `accept`. Sorted per folder, each file once.
 */
export function walkInputs(paths: readonly string[], opts: WalkOptions): WalkResult {
  const maxDepth = opts.maxDepth ?? 64;
  const maxFiles = opts.maxFiles ?? 1_000_000;
  const maxBytes = Math.min(opts.maxBytes, MAX_READ_BYTES);
  const files: WalkedFile[] = [];
  const skipped: string[] = [];
  const diagnostics: Diagnostic[] = [];
  const seen = new Set<string>();
  let full = false;
  const add = (path: string, st: Stats): void => {
    if (seen.has(path)) return;
    seen.add(path);
    if (files.length >= maxFiles) {
      if (!full) diagnostics.push(diag(StoreCode.InputLimit, `more than ${maxFiles} files; the rest were not read`, path, 'ingest the folders in parts'));
      full = true;
      return;
    }
    if (st.isFile() && st.size > maxBytes) {
      diagnostics.push(tooLargeDiag(path, st.size, maxBytes));
      return;
    }
    // whole ms: BIGINT column, and sub-ms mtime is not portable
    files.push({ path, size: st.isFile() ? st.size : 0, mtimeMs: Math.floor(st.mtimeMs) });
  };
  // Folders on the current walk, by device and inode: a symlink back to one of them is a loop.
  const onPath = new Set<string>();
  const visitDir = (dir: string, st: Stats, depth: number): void => {
    const id = `${st.dev}:${st.ino}`;
    if (onPath.has(id)) {
      diagnostics.push(diag(StoreCode.InputSymlinkLoop, `\`${dir}\` leads back to a folder already being walked (symbolic link loop); not entered again`, dir, undefined, 'warning'));
      return;
    }
    if (depth > maxDepth) {
      diagnostics.push(diag(StoreCode.InputLimit, `\`${dir}\` is nested more than ${maxDepth} folders deep; not entered`, dir, undefined, 'warning'));
      return;
    }
    onPath.add(id);
    try {
      let names: string[];
      try {
        names = readdirSync(dir).sort();
      } catch (e) {
        diagnostics.push(diag(StoreCode.InputUnreadable, `cannot read folder \`${dir}\`: ${fsReason(e)}`, dir));
        return;
      }
      for (const name of names) {
        const path = join(dir, name);
        let target: Stats;
        try {
          const l = lstatSync(path);
          target = l.isSymbolicLink() ? statSync(path) : l;
        } catch (e) {
          diagnostics.push(diag(StoreCode.InputUnreadable, `cannot read \`${path}\`: ${fsReason(e)}`, path, undefined, 'warning'));
          continue;
        }
        if (target.isDirectory()) visitDir(path, target, depth + 1);
        else if (target.isFile()) {
          let take = false;
          try {
            take = opts.accept(path);
          } catch (e) {
            diagnostics.push(diag(StoreCode.InputUnreadable, `cannot read \`${path}\`: ${fsReason(e)}`, path));
            continue;
          }
          if (take) add(path, target);
          else skipped.push(path);
        } else if (opts.allowSpecial) add(path, target);
        // A FIFO or device inside a folder is never opened (it could block or never end): reported, skipped.
        else diagnostics.push({ ...notRegularDiag(path, target), severity: 'warning' });
      }
    } finally {
      onPath.delete(id);
    }
  };
  for (const p of paths) {
    const path = resolve(p);
    let st: Stats;
    try {
      st = statSync(path);
    } catch (e) {
      diagnostics.push({ ...diag(StoreCode.InputUnreadable, `cannot read \`${p}\`: ${fsReason(e)}`, p, 'check the path') });
      continue;
    }
    if (st.isDirectory()) visitDir(path, st, 0);
    else if (st.isFile() || opts.allowSpecial) add(path, st);
    else diagnostics.push(notRegularDiag(p, st));
  }
  return { files, skipped, diagnostics };
}
