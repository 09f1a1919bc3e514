/**
 * The AppX/MSIX package digest that AppxSignature.p7x signs: `"APPX"` then four (five) tagged hashes —
 * AXPC over the ZIP bytes before the signature's local header, AXCD over the central directory as if the
 * package were unsigned (signature entry removed, ZIP64/EOCD records adjusted), AXCT over
 * `[Content_Types].xml`, AXBM over `AppxBlockMap.xml`, AXCI over `AppxMetadata/CodeIntegrity.cat` when
 * present. Spec: shared/spec/formats.md §F.1 (after JSIGN `APPXFile.computeDigest`); checked against the
 * signtool-signed corpus package, whose SpcIndirectDataContent carries exactly this value. Pure and bounded:
 * every offset is checked against the input, undefined when the ZIP structure cannot be followed.
 */
import { createHash } from 'node:crypto';
import { ByteCursor, TruncatedError, toHex } from '../../bytes/index.js';
import type { DigestAlgorithm } from '../authenticode/index.js';

export const APPX_SIGNATURE_ENTRY = 'AppxSignature.p7x';
const EOCD_SIG = 0x06054b50;
const Z64_LOCATOR_SIG = 0x07064b50;
const Z64_EOCD_SIG = 0x06064b50;
const CDFH_SIG = 0x02014b50;

interface CdEntry {
  readonly name: string;
  readonly start: number;
  readonly length: number;
  readonly localHeaderOffset: number;
}

interface ZipLayout {
  readonly eocd: number;
  readonly z64Record?: number;
  readonly cdOffset: number;
  readonly cdSize: number;
  readonly entries: readonly CdEntry[];
}

/** Locates the end records and reads the central directory (ZIP64 aware), capped at `maxEntries`. */
function readLayout(b: Uint8Array, maxEntries: number): ZipLayout | undefined {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let eocd = -1;
  // The EOCD sits in the last 22 bytes plus at most a 64 KiB comment.
  for (let i = b.length - 22; i >= Math.max(0, b.length - 22 - 0xffff); i--) {
    if (dv.getUint32(i, true) === EOCD_SIG) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) return undefined;
  const c = new ByteCursor(b);
  c.seek(eocd + 10);
  let n = c.u16le('EOCD.TotalEntries');
  let cdSize = c.u32le('EOCD.CentralDirectorySize');
  let cdOffset = c.u32le('EOCD.CentralDirectoryOffset');
  let z64Record: number | undefined;
  if (eocd >= 20 && dv.getUint32(eocd - 20, true) === Z64_LOCATOR_SIG) {
    c.seek(eocd - 20 + 8);
    const at = c.u64le('Zip64Locator.RecordOffset');
    if (at > BigInt(b.length - 56)) return undefined;
    z64Record = Number(at);
    c.seek(z64Record);
    if (c.u32le('Zip64EOCD.Signature') !== Z64_EOCD_SIG) return undefined;
    c.seek(z64Record + 32);
    const entries = c.u64le('Zip64EOCD.TotalEntries');
    const size = c.u64le('Zip64EOCD.CentralDirectorySize');
    const offset = c.u64le('Zip64EOCD.CentralDirectoryOffset');
    if (entries > BigInt(maxEntries) || size > BigInt(b.length) || offset > BigInt(b.length)) return undefined;
    n = Number(entries);
    cdSize = Number(size);
    cdOffset = Number(offset);
  }
  if (n > maxEntries || cdOffset + cdSize > b.length) return undefined;
  const entries: CdEntry[] = [];
  c.seek(cdOffset);
  for (let i = 0; i < n; i++) {
    const start = c.pos;
    if (c.u32le('CentralDirectoryFileHeader.Signature') !== CDFH_SIG) return undefined;
    c.seek(start + 20);
    const compressed = c.u32le('CentralDirectoryFileHeader.CompressedSize');
    const uncompressed = c.u32le('CentralDirectoryFileHeader.UncompressedSize');
    const nameLen = c.u16le('CentralDirectoryFileHeader.FileNameLength');
    const extraLen = c.u16le('CentralDirectoryFileHeader.ExtraFieldLength');
    const commentLen = c.u16le('CentralDirectoryFileHeader.FileCommentLength');
    c.seek(start + 42);
    let localHeaderOffset = c.u32le('CentralDirectoryFileHeader.LocalHeaderOffset');
    const name = new TextDecoder().decode(c.bytesView(nameLen, 'CentralDirectoryFileHeader.FileName'));
    const extra = c.sub(extraLen, 'CentralDirectoryFileHeader.ExtraField');
    c.skip(commentLen, 'CentralDirectoryFileHeader.FileComment');
    if (localHeaderOffset === 0xffffffff) {
      // ZIP64 extended information (id 1): the 64-bit sizes come first when their 32-bit fields are saturated.
      while (extra.remaining >= 4) {
        const id = extra.u16le('ExtraField.Id');
        const size = extra.u16le('ExtraField.Size');
        const body = extra.sub(Math.min(size, extra.remaining), 'ExtraField.Data');
        if (id !== 1) continue;
        if (uncompressed === 0xffffffff) body.skip(8, 'Zip64.UncompressedSize');
        if (compressed === 0xffffffff) body.skip(8, 'Zip64.CompressedSize');
        const o = body.u64le('Zip64.LocalHeaderOffset');
        if (o > BigInt(b.length)) return undefined;
        localHeaderOffset = Number(o);
      }
    }
    entries.push({ name, start, length: c.pos - start, localHeaderOffset });
  }
  return { eocd, ...(z64Record !== undefined ? { z64Record } : {}), cdOffset, cdSize, entries };
}

/** The central directory and end records as they would be without the signature entry (JSIGN's rewrite). */
function unsignedCentralDirectory(b: Uint8Array, z: ZipLayout, sig: CdEntry): Uint8Array {
  const kept = z.entries.filter((e) => e !== sig).sort((x, y) => x.localHeaderOffset - y.localHeaderOffset);
  const cd = kept.map((e) => b.subarray(e.start, e.start + e.length));
  const cdSize = cd.reduce((s, x) => s + x.length, 0);
  const cdOffset = sig.localHeaderOffset;
  const parts: Uint8Array[] = [...cd];
  const eocd = new Uint8Array(b.subarray(z.eocd));
  const ev = new DataView(eocd.buffer);
  if (z.z64Record !== undefined) {
    const rec = new Uint8Array(b.subarray(z.z64Record, z.z64Record + 56));
    const rv = new DataView(rec.buffer);
    rv.setBigUint64(24, BigInt(kept.length), true);
    rv.setBigUint64(32, BigInt(kept.length), true);
    rv.setBigUint64(40, BigInt(cdSize), true);
    rv.setBigUint64(48, BigInt(cdOffset), true);
    const loc = new Uint8Array(b.subarray(z.eocd - 20, z.eocd));
    new DataView(loc.buffer).setBigUint64(8, BigInt(cdOffset + cdSize), true);
    parts.push(rec, loc);
  } else {
    ev.setUint16(8, kept.length, true);
    ev.setUint16(10, kept.length, true);
    ev.setUint32(12, cdSize, true);
    ev.setUint32(16, cdOffset, true);
  }
  parts.push(eocd);
  const out = new Uint8Array(parts.reduce((s, x) => s + x.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * The package digest a signature over this package must carry, upper hex; undefined when the package is
 * not signed or its ZIP structure cannot be followed. `members` holds the inflated `[Content_Types].xml`,
 * `AppxBlockMap.xml` and (if present) `AppxMetadata/CodeIntegrity.cat`.
 * @example appxPackageDigest(bytes, members, 'sha256') // '41505058415850435…' ("APPX" "AXPC" …)
 */
export function appxPackageDigest(bytes: Uint8Array, members: Readonly<Record<string, Uint8Array>>, algorithm: DigestAlgorithm, maxEntries = 100_000): string | undefined {
  let z: ZipLayout | undefined;
  try {
    z = readLayout(bytes, maxEntries);
  } catch (e) {
    if (e instanceof TruncatedError) return undefined;
    throw e;
  }
  const sig = z?.entries.find((e) => e.name === APPX_SIGNATURE_ENTRY);
  const types = members['[Content_Types].xml'];
  const blockMap = members['AppxBlockMap.xml'];
  if (!z || !sig || !types || !blockMap || sig.localHeaderOffset > bytes.length) return undefined;
  const h = (x: Uint8Array): Uint8Array => new Uint8Array(createHash(algorithm).update(x).digest());
  const tag = (t: string): Uint8Array => new TextEncoder().encode(t);
  const parts = [
    tag('APPX'),
    tag('AXPC'), h(bytes.subarray(0, sig.localHeaderOffset)),
    tag('AXCD'), h(unsignedCentralDirectory(bytes, z, sig)),
    tag('AXCT'), h(types),
    tag('AXBM'), h(blockMap),
  ];
  const ci = members['AppxMetadata/CodeIntegrity.cat'];
  if (ci) parts.push(tag('AXCI'), h(ci));
  return toHex(Uint8Array.from(parts.flatMap((p) => [...p])));
}
