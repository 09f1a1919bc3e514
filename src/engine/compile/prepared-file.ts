/**
 * A FileInformation read once into the shape the fast engine probes (applocker.md §4.2, §5.2, §5.3):
 * the upper-case Win32 path and its directory prefixes (keys of the path index), the UNC form, every
 * candidate form (for generic patterns), publisher fields upper-cased with the version as numbers, and
 * hashes normalised. Evidence is prepared once and replayed through many candidate policies, so
 * decide.ts accepts either a FileInformation or a PreparedFile.
 */
import type { FileInformation } from '../../policy/file-information.js';
import type { FileHashType, RuleCollectionType } from '../../policy/model.js';
import type { PackagedAppActivity } from '../decision.js';
import { mappedUncPath, normalizeFilePath, variableRoots, type Environment } from '../environment.js';
import { pathKeys, stringKey, type PathKeys } from './path-key.js';
import { collectionOf, normalizeHashText, packagedAppActivity, parseBinaryVersion } from '../file-facts.js';

export interface PreparedPublisher {
  readonly publisherName: string;
  readonly productName: string;
  readonly binaryName: string;
  readonly version: readonly [number, number] | undefined;
}

/**
 * INVARIANT: every field is always present (undefined when absent), so all prepared files share one
 * hidden class and the engine's property reads stay monomorphic.
 */
export interface PreparedFile {
  readonly kind: 'PreparedFile';
  readonly file: FileInformation;
  /** The environment the forms were computed for (decide re-prepares under another). */
  readonly env: Environment;
  readonly collection: RuleCollectionType | undefined;
  readonly activity: PackagedAppActivity;
  readonly path: string;
  /** Index keys of `path`: its directory prefixes, interior segments and itself (path-key.ts). */
  readonly keys: PathKeys;
  readonly unc: string | undefined;
  readonly uncKeys: PathKeys | undefined;
  /**
   * Keys of the interior segments (between two `\`) of the Win32 and UNC forms, for the path matchers'
   * segment index. Every variable form's interior segments are among these.
   */
  readonly segmentKeys: Int32Array;
  /** All candidate forms (§4.2), for generic patterns. */
  readonly forms: readonly string[];
  readonly publisher: PreparedPublisher | undefined;
  /** Normalised digests by hash type, in HASH_TYPES order (SHA256, SHA256Flat, SHA1); undefined when absent. */
  readonly hashList: readonly [string | undefined, string | undefined, string | undefined];
  /** stringKey of each hashList entry (-1 when absent), for the hash index. */
  readonly hashKeys: readonly [number, number, number];
}

/** The tokens of `p` split at `\`, without the first and the last (those are not bounded by `\` on both sides). */
export function interiorSegments(p: string): string[] {
  const parts = p.split('\\');
  return parts.length > 2 ? parts.slice(1, -1) : [];
}

/** Reads a FileInformation once for the fast engine. @example prepareFile(info, DEFAULT_ENVIRONMENT) */
export function prepareFile(file: FileInformation, env: Environment): PreparedFile {
  const path = normalizeFilePath(file.path, env);
  const unc = file.uncPath !== undefined ? file.uncPath.replace(/\//g, '\\').toUpperCase() : mappedUncPath(path, env);
  const forms = [path];
  if (unc !== undefined) forms.push(unc);
  for (const [variable, roots] of variableRoots(env)) {
    for (const root of roots) if (path.startsWith(root + '\\')) forms.push(variable + path.slice(root.length));
  }
  const hash = (t: FileHashType): string | undefined => {
    const v = file.hashes[t];
    const h = v === undefined ? '' : normalizeHashText(v);
    return h === '' ? undefined : h;
  };
  const hashList = [hash('SHA256'), hash('SHA256Flat'), hash('SHA1')] as const;
  const key = (h: string | undefined): number => (h === undefined ? -1 : stringKey(h));
  const pub = file.publisher;
  const keys = pathKeys(path);
  const uncKeys = unc !== undefined ? pathKeys(unc) : undefined;
  return {
    kind: 'PreparedFile', file, env,
    collection: collectionOf(file),
    activity: packagedAppActivity(file),
    path, keys,
    unc, uncKeys,
    segmentKeys: uncKeys ? new Int32Array([...new Set([...keys.segmentKeys, ...uncKeys.segmentKeys])]) : keys.segmentKeys,
    forms,
    publisher: pub ? {
      publisherName: pub.publisherName.toUpperCase(), productName: pub.productName.toUpperCase(),
      binaryName: pub.binaryName.toUpperCase(), version: parseBinaryVersion(pub.binaryVersion),
    } : undefined,
    hashList,
    hashKeys: [key(hashList[0]), key(hashList[1]), key(hashList[2])],
  };
}
