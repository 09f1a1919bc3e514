/**
 * FQBN, the "fully qualified binary name" AppLocker logs in events: `PUBLISHER\PRODUCT\BINARY\VERSION`,
 * upper-case, `-` when the file is unsigned (applocker.md §5.4). Publisher names never contain `\`; a
 * product name could, so the binary and version are taken from the right and the publisher from the left.
 */
import type { PublisherInfo } from './file-information.js';

/** Parses an FQBN; undefined for `-`, empty, or text with fewer than four parts. */
export function parseFqbn(text: string | undefined): PublisherInfo | undefined {
  const t = text?.trim();
  if (!t || t === '-') return undefined;
  const parts = t.split('\\');
  if (parts.length < 4) return undefined;
  const binaryVersion = parts[parts.length - 1]!;
  const binaryName = parts[parts.length - 2]!;
  const publisherName = parts[0]!;
  const productName = parts.slice(1, parts.length - 2).join('\\');
  if (!publisherName) return undefined;
  return { publisherName, productName, binaryName, ...(binaryVersion ? { binaryVersion } : {}) };
}

/** Formats publisher facts as the FQBN Windows logs (upper-case). */
export function formatFqbn(p: PublisherInfo | undefined): string {
  if (!p) return '-';
  return [p.publisherName, p.productName, p.binaryName, p.binaryVersion ?? ''].map((s) => s.toUpperCase()).join('\\');
}
