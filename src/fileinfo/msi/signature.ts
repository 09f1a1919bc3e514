/**
 * The MSI signature (`\u0005DigitalSignature`, optional `\u0005MsiDigitalSignatureEx`) and the MSI
 * Authenticode (SIP) digest over the compound file's streams. Used by msi/index.ts to decide whether the
 * signer counts (digest must match) and for the MSI's AppLocker SHA256 hash.
 * Spec: shared/spec/formats.md §D.3 (after OSSLSIGNCODE `msi_hash_dir`/`msi_prehash_dir`, JSIGN `MSIFile`).
 */
import { createHash, type Hash } from 'node:crypto';
import { ok, type Result } from '../../diag/index.js';
import type { CfbEntry, CompoundFile } from './cfb.js';
import type { DigestAlgorithm as DigestName } from '../authenticode/index.js';

export const DIGITAL_SIGNATURE = '\u0005DigitalSignature';
export const DIGITAL_SIGNATURE_EX = '\u0005MsiDigitalSignatureEx';

/** Byte-wise order over the raw on-disk UTF-16LE names; on a common prefix the shorter first (§D.3). */
export function compareRawNames(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

function sortedChildren(cf: CompoundFile, storage: CfbEntry): CfbEntry[] {
  return storage.children.map((i) => cf.entries[i]!).sort((x, y) => compareRawNames(x.rawName, y.rawName));
}

const isSignatureStream = (e: CfbEntry): boolean => e.name === DIGITAL_SIGNATURE || e.name === DIGITAL_SIGNATURE_EX;

/** Streams in digest order, then the storage CLSID (root and every sub-storage). */
function hashContent(cf: CompoundFile, storage: CfbEntry, isRoot: boolean, h: Hash, depth: number): Result<true> {
  for (const child of sortedChildren(cf, storage)) {
    if (isRoot && isSignatureStream(child)) continue;
    if (child.type === 'stream') {
      if (child.size === 0) continue;
      const s = cf.readStream(child);
      if (!s.ok) return s;
      h.update(s.value);
    } else if (child.type === 'storage' && depth < 64) {
      const r = hashContent(cf, child, false, h, depth + 1);
      if (!r.ok) return r;
    }
  }
  h.update(storage.clsid);
  return ok(true);
}

function prehashEntry(e: CfbEntry, isRoot: boolean, h: Hash): void {
  if (!isRoot) h.update(e.rawName);
  if (e.type === 'stream') {
    const size = new Uint8Array(4);
    new DataView(size.buffer).setUint32(0, e.size >>> 0, true);
    h.update(size);
  } else h.update(e.clsid);
  const state = new Uint8Array(4);
  new DataView(state.buffer).setUint32(0, e.stateBits >>> 0, true);
  h.update(state);
  if (!isRoot) h.update(e.times);
}

function prehashDir(cf: CompoundFile, storage: CfbEntry, isRoot: boolean, h: Hash, depth: number): void {
  prehashEntry(storage, isRoot, h);
  for (const child of sortedChildren(cf, storage)) {
    if (isRoot && isSignatureStream(child)) continue;
    if (child.type === 'stream') prehashEntry(child, false, h);
    else if (child.type === 'storage' && depth < 64) prehashDir(cf, child, false, h, depth + 1);
  }
}

/** The `MsiDigitalSignatureEx` pre-hash: metadata of every entry (§D.3). */
export function msiPrehash(cf: CompoundFile, algorithm: DigestName): Uint8Array {
  const h = createHash(algorithm);
  prehashDir(cf, cf.root, true, h, 0);
  return new Uint8Array(h.digest());
}

/**
 * The MSI SIP digest: H([prehash] || streams in raw-name order || CLSIDs), skipping the signature streams.
 * @example msiDigest(cf, 'sha256', { withPrehash: false }) // content-only digest
 */
export function msiDigest(cf: CompoundFile, algorithm: DigestName, opts: { withPrehash: boolean }): Result<Uint8Array> {
  const h = createHash(algorithm);
  if (opts.withPrehash) h.update(msiPrehash(cf, algorithm));
  const r = hashContent(cf, cf.root, true, h, 0);
  if (!r.ok) return r;
  return ok(new Uint8Array(h.digest()));
}
