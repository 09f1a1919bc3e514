/**
 * Files too large to read whole (issue 12: "hash a 4 GB file in bounded memory"): AppLocker's hash computed
 * by streaming the file in 1 MiB reads — the Authenticode image hash for a PE (its ranges come from the
 * headers in the first 64 KiB, fileinfo/authenticode/digest.ts `authenticodeRangeList`), the flat SHA-256
 * otherwise (formats.md §C). Memory stays at one read buffer whatever the size. The publisher (signature,
 * version resource) is not read for such files; the caller says so. Used by `lockstep fileinfo`.
 */
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { authenticodeRangeList, parsePe } from '../fileinfo/index.js';

/** Files above this size are hashed by streaming instead of being read into memory. */
export const IN_MEMORY_MAX_BYTES = 512 * 1024 * 1024;
const CHUNK = 1024 * 1024;
const HEAD = 64 * 1024;

export interface StreamedHash {
  readonly kind: 'PE' | 'Other';
  /** AppLocker's hash type: the Authenticode hash for a PE (`SHA256`), else the flat file hash. */
  readonly hashType: 'SHA256' | 'SHA256Flat';
  readonly hash: string;
  readonly size: number;
}

/** Hashes `path` in bounded memory. Throws fs errors (the caller names the file). */
export function streamHash(path: string): StreamedHash {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const buf = Buffer.allocUnsafe(CHUNK);
    const read = (at: number, len: number): Buffer => {
      let got = 0;
      while (got < len) {
        const n = readSync(fd, buf, got, len - got, at + got);
        if (n === 0) break;
        got += n;
      }
      return buf.subarray(0, got);
    };
    const head = new Uint8Array(read(0, Math.min(HEAD, size)));
    const h = createHash('sha256');
    const feed = (from: number, to: number): void => {
      for (let at = from; at < to; at += CHUNK) h.update(read(at, Math.min(CHUNK, to - at)));
    };
    const pe = head[0] === 0x4d && head[1] === 0x5a ? parsePe(head) : undefined;
    if (pe?.ok && pe.value.optional.sizeOfHeaders <= head.length) {
      const { ranges, padding } = authenticodeRangeList(size, pe.value);
      for (const [a, b] of ranges) feed(a, b);
      if (padding) h.update(new Uint8Array(padding));
      return { kind: 'PE', hashType: 'SHA256', hash: h.digest('hex').toUpperCase(), size };
    }
    feed(0, size);
    return { kind: 'Other', hashType: 'SHA256Flat', hash: h.digest('hex').toUpperCase(), size };
  } finally {
    closeSync(fd);
  }
}
