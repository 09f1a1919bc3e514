/**
 * The Authenticode PE image hash — AppLocker's SHA256 file hash for Exe/Dll — computed per the spec order:
 * headers minus CheckSum and the Certificate Table entry, sections sorted by PointerToRawData, then the data
 * after the last section minus the certificate table, zero-padded to 8 bytes. Hashes subarrays with
 * node:crypto (no copies; node:crypto does no I/O). Used by readAuthenticode, identify.ts and the bench.
 * Spec: "Windows Authenticode Portable Executable Signature Format" §"Calculating the PE Image Hash";
 * formats.md §B.2; applocker.md §5.3.
 */
import { createHash, type Hash } from 'node:crypto';
import type { PeImage } from '../pe/index.js';

export type DigestAlgorithm = 'md5' | 'sha1' | 'sha256' | 'sha384' | 'sha512';

const ZERO8 = new Uint8Array(8);

/**
 * The Authenticode byte ranges of a PE of `size` bytes, in hash order, clamped to the file (so damaged
 * files still hash), plus the zero padding at the end. Only `pe`'s headers are needed: a caller can parse the
 * first 64 KiB of a 4 GB file and stream the ranges from disk (issue 12: bounded memory).
 */
export function authenticodeRangeList(size: number, pe: PeImage): { ranges: Array<readonly [number, number]>; padding: number } {
  const ranges: Array<readonly [number, number]> = [];
  const clamp = (n: number): number => Math.max(0, Math.min(n, size));
  const range = (from: number, to: number): void => {
    const a = clamp(from);
    const b = clamp(to);
    if (b > a) ranges.push([a, b]);
  };
  const ck = pe.layout.checkSumOffset;
  const cte = pe.layout.certificateEntryOffset;
  const soh = pe.optional.sizeOfHeaders;
  if (cte !== undefined) {
    range(0, ck);
    range(ck + 4, cte);
    range(cte + 8, soh);
  } else {
    // NumberOfRvaAndSizes ≤ 4: no certificate entry; only the CheckSum is skipped (§B.2 note 2).
    range(0, ck);
    range(ck + 4, soh);
  }
  let sum = soh;
  const sorted = pe.sections.filter((s) => s.sizeOfRawData > 0).sort((a, b) => a.pointerToRawData - b.pointerToRawData);
  for (const s of sorted) {
    range(s.pointerToRawData, s.pointerToRawData + s.sizeOfRawData);
    sum += s.sizeOfRawData;
  }
  const certSize = pe.certificateTable?.size ?? 0;
  let padding = 0;
  if (size > sum + certSize) {
    const end = size - certSize;
    range(sum, end);
    // Wintrust pads the extra data with zeros to the next 8-byte boundary (CATHASH, OSSLSIGNCODE; §B.2 note 1).
    if (end % 8 !== 0) padding = 8 - (end % 8);
  }
  return { ranges, padding };
}

/** Feeds the Authenticode byte ranges of `pe` to `update`, clamped to the file (so damaged files still hash). */
export function authenticodeRanges(bytes: Uint8Array, pe: PeImage, update: (chunk: Uint8Array) => void): void {
  const { ranges, padding } = authenticodeRangeList(bytes.length, pe);
  for (const [a, b] of ranges) update(bytes.subarray(a, b));
  if (padding) update(ZERO8.subarray(0, padding));
}

/**
 * The Authenticode image hash of a parsed PE, upper-case hex.
 *
 * @example
 * const pe = unwrap(parsePe(bytes));
 * authenticodeDigest(bytes, pe); // 'A9B15614…DFB85' — the AppLocker SHA256 hash of an Exe/Dll
 */
export function authenticodeDigest(bytes: Uint8Array, pe: PeImage, algorithm: DigestAlgorithm = 'sha256'): string {
  return authenticodeDigestBytes(bytes, pe, algorithm).toString('hex').toUpperCase();
}

/** Same as authenticodeDigest, as raw bytes. */
export function authenticodeDigestBytes(bytes: Uint8Array, pe: PeImage, algorithm: DigestAlgorithm = 'sha256'): Buffer {
  const h: Hash = createHash(algorithm);
  authenticodeRanges(bytes, pe, (c) => h.update(c));
  return h.digest();
}

/** Several algorithms in one pass over the bytes (for files signed with SHA-1 and SHA-256 together). */
export function authenticodeDigests(bytes: Uint8Array, pe: PeImage, algorithms: readonly DigestAlgorithm[]): Map<DigestAlgorithm, string> {
  const hs = algorithms.map((a) => [a, createHash(a)] as const);
  authenticodeRanges(bytes, pe, (c) => {
    for (const [, h] of hs) h.update(c);
  });
  return new Map(hs.map(([a, h]) => [a, h.digest('hex').toUpperCase()]));
}

/** SHA-256 of the whole file (AppLocker's hash for non-PE files: scripts, MZ-only DOS programs; §C). */
export function flatSha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex').toUpperCase();
}
