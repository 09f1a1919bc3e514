/**
 * Small, shared readings of a FileInformation (applocker.md §2.3, §5.2, §5.3, §11.4): which collection
 * it belongs to, which packaged-app activity it is, binary versions as numbers, hash text normalised.
 * Both evaluators use these; they are the input contract, not evaluation logic.
 */
import { collectionForPath, extensionOf } from '../policy/file-types.js';
import type { FileInformation, PublisherInfo } from '../policy/file-information.js';
import type { RuleCollectionType } from '../policy/model.js';
import type { PackagedAppActivity } from './decision.js';

/** The collection a file is evaluated in: an explicit override, else by extension (§2.3). */
export function collectionOf(file: FileInformation): RuleCollectionType | undefined {
  if (file.collection) return file.collection;
  const byExt = collectionForPath(file.path);
  if (byExt) return byExt;
  return file.isPackagedApp ? 'Appx' : undefined;
}

const PACKAGE_EXTENSIONS = new Set(['.appx', '.msix', '.appxbundle', '.msixbundle']);

/** A FileInformation that may say which packaged-app activity it is (an event from the Deployment channel does). */
export type EngineFileInformation = FileInformation & { readonly packagedAppActivity?: PackagedAppActivity };

/**
 * Which packaged-app activity a file is: as stated, else a package file is being installed
 * (Deployment channel) and anything else in Appx is an app launch (§9.1 [INFERRED]).
 */
export function packagedAppActivity(file: EngineFileInformation): PackagedAppActivity {
  if (file.packagedAppActivity) return file.packagedAppActivity;
  return PACKAGE_EXTENSIONS.has(extensionOf(file.path)) ? 'Deployment' : 'Execution';
}

/**
 * A binary version `a.b.c.d` as two 32-bit halves [a·2¹⁶+b, c·2¹⁶+d] (the compiled ACE keeps a
 * 64-bit version, §5.2). Missing parts are 0; each part must be 0…65535. Event FQBNs write the last
 * part with a stray leading zero (`2.35.5.01`), which parses to the same number.
 * Undefined when the text is not a version.
 */
export function parseBinaryVersion(text: string | undefined): readonly [number, number] | undefined {
  if (text === undefined) return undefined;
  const t = text.trim();
  if (!/^\d{1,6}(\.\d{1,6}){0,3}$/.test(t)) return undefined;
  const parts = t.split('.').map((s) => Number.parseInt(s, 10));
  while (parts.length < 4) parts.push(0);
  if (parts.some((n) => n > 0xffff)) return undefined;
  const [a, b, c, d] = parts as [number, number, number, number];
  return [a * 0x10000 + b, c * 0x10000 + d];
}

/** Orders two parsed versions: negative, zero or positive. */
export function compareBinaryVersions(x: readonly [number, number], y: readonly [number, number]): number {
  return x[0] - y[0] || x[1] - y[1];
}

/** The 64-bit version number as decimal text, as the compiled ACE writes it (`{"…",0}`, §3.8). */
export function binaryVersionToUint64Text(v: readonly [number, number]): string {
  return ((BigInt(v[0]) << 32n) | BigInt(v[1])).toString();
}

/** Hash text without `0x`, upper-case; '' when empty (§5.3: compare case-insensitively). */
export function normalizeHashText(text: string): string {
  const t = text.trim();
  return (t.startsWith('0x') || t.startsWith('0X') ? t.slice(2) : t).toUpperCase();
}

/**
 * Parses the `Publisher` text Get-AppLockerFileInformation writes (`PUB\PROD\BIN,VERSION`, §5.4) or an
 * event FQBN (`PUB\PROD\BIN\VERSION`). Publisher names contain commas but never `\`, so the version is
 * after the last `,` that follows the last `\` (or the last `\` part).
 */
export function parsePublisherText(text: string | undefined): PublisherInfo | undefined {
  const t = text?.trim();
  if (!t || t === '-') return undefined;
  const lastSlash = t.lastIndexOf('\\');
  if (lastSlash < 0) return undefined;
  const tail = t.slice(lastSlash + 1);
  const comma = tail.lastIndexOf(',');
  let parts: string[];
  if (comma >= 0) parts = [...t.slice(0, lastSlash).split('\\'), tail.slice(0, comma), tail.slice(comma + 1)];
  else parts = t.split('\\');
  if (parts.length < 4) return undefined;
  const binaryVersion = parts[parts.length - 1]!.trim();
  const binaryName = parts[parts.length - 2]!;
  const publisherName = parts[0]!;
  const productName = parts.slice(1, parts.length - 2).join('\\');
  if (!publisherName) return undefined;
  return { publisherName, productName, binaryName, ...(binaryVersion ? { binaryVersion } : {}) };
}
