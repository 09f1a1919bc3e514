/**
 * Catalog signatures (issue 16 item 1): most in-box Windows files carry no embedded signature — Windows signs
 * them through security catalogs in `C:\Windows\System32\CatRoot` — and AppLocker gives such a file the
 * catalog signer as its publisher (formats.md §B.8: AARONLOCKER2 `GetSignerInfo` looks the file's hash up
 * with CryptCATAdminEnumCatalogFromHash and uses the catalog's signer; ProductName/BinaryName/version still
 * come from the file). This module turns a copied CatRoot into an index from member digest to catalog: each
 * `.cat` is read by ../authenticode/catalog.ts (PKCS#7 SignedData over a CTL, its own signature checked like
 * any Authenticode signer); a member gets a publisher ONLY when its catalog's signature verifies.
 * The index is plain data so `lockstep scan` can hand it to its worker threads. Pure.
 */
import type { Diagnostic } from '../../diag/index.js';
import { readCatalog } from '../authenticode/catalog.js';

/** What a member digest leads to. */
export interface CatalogHit {
  /** The catalog's file name (as given), e.g. `Microsoft-Windows-Client-Features-Package…cat`. */
  readonly catalog: string;
  /** The catalog signer's PublisherName; absent when the catalog is unsigned or its signature does not verify. */
  readonly publisherName?: string;
}

/** Upper-case hex digest (SHA-1 or SHA-256 Authenticode/flat hash) → catalog. */
export interface CatalogIndex {
  readonly members: Readonly<Record<string, CatalogHit>>;
  readonly catalogs: number;
  /** Catalogs whose signature verifies (their members get a publisher). */
  readonly signedCatalogs: number;
}

/** Caps for a hostile or unexpected catalog directory (a real CatRoot holds a few thousand catalogs). */
export const MAX_CATALOG_FILES = 50_000;
export const MAX_INDEXED_DIGESTS = 5_000_000;

export const EMPTY_CATALOG_INDEX: CatalogIndex = { members: {}, catalogs: 0, signedCatalogs: 0 };

/**
 * Builds the index from catalog files. A digest listed by several catalogs keeps the one that gives a
 * publisher (a verified catalog wins over an unsigned one); problems are diagnostics, never thrown.
 * @example
 * const { index } = await buildCatalogIndex([{ name: 'nt5.cat', bytes }]);
 * lookupCatalog(index, { sha256: digest })?.publisherName
 */
export async function buildCatalogIndex(files: readonly { readonly name: string; readonly bytes: Uint8Array }[]): Promise<{ index: CatalogIndex; diagnostics: Diagnostic[] }> {
  const diagnostics: Diagnostic[] = [];
  const members: Record<string, CatalogHit> = Object.create(null) as Record<string, CatalogHit>;
  let count = 0;
  let signedCatalogs = 0;
  let digests = 0;
  if (files.length > MAX_CATALOG_FILES) {
    diagnostics.push({ code: 'fileinfo.catalog.too-many', severity: 'warning', message: `${files.length} catalog files; only the first ${MAX_CATALOG_FILES} are read` });
  }
  for (const f of files.slice(0, MAX_CATALOG_FILES)) {
    const cat = await readCatalog(f.bytes, { file: f.name });
    if (cat.members.length === 0) {
      diagnostics.push({
        code: 'fileinfo.catalog.unreadable', severity: 'warning', message: `\`${f.name}\` is not a readable security catalog`,
        location: { kind: 'bytes', file: f.name, offset: 0 }, ...(cat.reasons[0] ? { notes: cat.reasons.slice(0, 3) } : {}),
      });
      continue;
    }
    count++;
    if (cat.publisher) signedCatalogs++;
    else if (cat.signer) {
      diagnostics.push({ code: 'fileinfo.catalog.signature-invalid', severity: 'warning', message: `the signature of catalog \`${f.name}\` does not verify: its ${cat.members.length} members get no publisher`, location: { kind: 'bytes', file: f.name, offset: 0 }, notes: cat.reasons.filter((r) => r.severity !== 'info').slice(0, 3) });
    }
    const hit: CatalogHit = { catalog: f.name, ...(cat.publisher ? { publisherName: cat.publisher.publisherName } : {}) };
    for (const m of cat.members) {
      for (const d of [m.subjectIdentifier, m.digests.sha1, m.digests.sha256]) {
        if (!d) continue;
        const prev = members[d];
        if (prev && (prev.publisherName || !hit.publisherName)) continue;
        if (!prev && ++digests > MAX_INDEXED_DIGESTS) {
          diagnostics.push({ code: 'fileinfo.catalog.too-many', severity: 'warning', message: `more than ${MAX_INDEXED_DIGESTS} member digests; the rest are not indexed` });
          return { index: { members, catalogs: count, signedCatalogs }, diagnostics };
        }
        members[d] = hit;
      }
    }
  }
  return { index: { members, catalogs: count, signedCatalogs }, diagnostics };
}

/** The catalog listing one of the file's digests (SHA-1 first: what the AppLocker UI computes, §B.8). */
export function lookupCatalog(index: CatalogIndex, digests: Readonly<Partial<Record<'sha1' | 'sha256', string>>>): CatalogHit | undefined {
  let found: CatalogHit | undefined;
  for (const d of [digests.sha1, digests.sha256]) {
    const hit = d ? index.members[d.toUpperCase()] : undefined;
    if (hit && (!found || (!found.publisherName && hit.publisherName))) found = hit;
  }
  return found;
}
