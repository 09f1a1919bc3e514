/**
 * A FileInformation read once into the shape the fast engine probes (applocker.md §4.2, §5.2, §5.3):
 * the upper-case Win32 path and its directory prefixes (keys of the path index), the UNC form, every
 * candidate form (for generic patterns), publisher fields upper-cased with the version as numbers, and
 * hashes normalised. Evidence is prepared once and replayed through many candidate policies, so
 * decide.ts accepts either a FileInformation or a PreparedFile. Each prepared file carries an id (the
 * file half of the decision cache key, decision-cache.ts), and PreparedFileMemo turns a raw
 * FileInformation into the prepared file of equal content without preparing it again.
 */
import type { FileInformation } from '../../policy/file-information.js';
import type { FileHashType, RuleCollectionType } from '../../policy/model.js';
import type { PackagedAppActivity } from '../decision.js';
import { mappedUncPath, normalizeFilePath, variableRoots, type Environment } from '../environment.js';
import { pathKeys, stringKey, type PathKeys } from './path-key.js';
import { collectionOf, normalizeHashText, packagedAppActivity, parseBinaryVersion, type EngineFileInformation } from '../file-facts.js';

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
  /** Unique per prepared object (process-wide counter); the decision cache keys on it. */
  readonly id: number;
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

/** Process-wide: ids only need to differ between distinct prepared objects. */
let nextPreparedId = 0;

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
    kind: 'PreparedFile', id: nextPreparedId++, file, env,
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

/** One field of a content key: length-prefixed, so no choice of field text can make two keys collide. */
function field(s: string | undefined): string {
  return s === undefined ? '-' : `${s.length}:${s}`;
}

/**
 * Everything prepareFile (and the decision) reads from a FileInformation, as one exact string: equal
 * keys mean equal prepared forms under one environment.
 */
export function fileContentKey(file: EngineFileInformation): string {
  const h = file.hashes;
  const p = file.publisher;
  return field(file.path) + field(file.uncPath) + field(h.SHA256) + field(h.SHA256Flat) + field(h.SHA1)
    + (p ? 'P' + field(p.publisherName) + field(p.productName) + field(p.binaryName) + field(p.binaryVersion) : 'U')
    + field(file.collection) + (file.isPackagedApp === undefined ? '-' : file.isPackagedApp ? 'T' : 'F')
    + field(file.packagedAppActivity);
}

/** Default capacity of a PreparedFileMemo (entries). */
export const DEFAULT_PREPARED_MEMO_SIZE = 1 << 16;

const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 16777619;
/** Mixed in for an absent field: outside the UTF-16 code unit range, so absent ≠ any text. */
const ABSENT = 0x1ffff;
/** Mixed in after each field: outside the code unit range too, so text cannot move across fields. */
const END = 0x2ffff;

function mix(h: number, s: string | undefined): number {
  if (s === undefined) return Math.imul(h ^ ABSENT, FNV_PRIME);
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), FNV_PRIME);
  return Math.imul(h ^ END, FNV_PRIME);
}

/** The fields of a FileInformation that fileContentKey covers, copied when memoised (a later mutation of the caller's object cannot change them). */
interface MemoEntry {
  readonly prepared: PreparedFile;
  readonly fields: readonly (string | boolean | undefined)[];
  next: MemoEntry | undefined;
}

function fieldsOf(file: EngineFileInformation): Array<string | boolean | undefined> {
  const h = file.hashes;
  const p = file.publisher;
  return [file.path, file.uncPath, h.SHA256, h.SHA256Flat, h.SHA1, p !== undefined, p?.publisherName, p?.productName,
    p?.binaryName, p?.binaryVersion, file.collection, file.isPackagedApp, file.packagedAppActivity];
}

/**
 * A bounded memo FileInformation → PreparedFile for one environment, by content (the fields
 * fileContentKey covers), so a replay that hands decide() raw FileInformation objects (a new object per
 * event) prepares each distinct file once. Lookup hashes the fields without building a string and then
 * compares every field with the copy taken when the entry was made, so a hash collision is a miss.
 * Two generations: when the young Map holds capacity/2 entries it becomes the old one and the old one
 * is dropped, so at most `capacity` entries are held and recently used files survive.
 */
export class PreparedFileMemo {
  private young = new Map<number, MemoEntry>();
  private old = new Map<number, MemoEntry>();
  private readonly half: number;
  hits = 0;
  misses = 0;

  constructor(readonly env: Environment, capacity: number = DEFAULT_PREPARED_MEMO_SIZE) {
    const c = Number.isFinite(capacity) ? capacity : DEFAULT_PREPARED_MEMO_SIZE;
    this.half = Math.max(1, Math.floor(Math.min(Math.max(c, 2), 1 << 22) / 2));
  }

  private static find(e: MemoEntry | undefined, file: EngineFileInformation): MemoEntry | undefined {
    for (; e !== undefined; e = e.next) {
      const x = e.fields;
      const h = file.hashes;
      const p = file.publisher;
      if (x[0] === file.path && x[1] === file.uncPath && x[2] === h.SHA256 && x[3] === h.SHA256Flat && x[4] === h.SHA1
        && x[5] === (p !== undefined) && x[6] === p?.publisherName && x[7] === p?.productName && x[8] === p?.binaryName
        && x[9] === p?.binaryVersion && x[10] === file.collection && x[11] === file.isPackagedApp && x[12] === file.packagedAppActivity) return e;
    }
    return undefined;
  }

  /** The prepared form of `file` (from the memo when a file of equal content was prepared before). */
  prepare(file: FileInformation): PreparedFile {
    const f = file as EngineFileInformation;
    const h = f.hashes;
    const p = f.publisher;
    let k = mix(mix(mix(mix(mix(FNV_OFFSET, f.path), f.uncPath), h.SHA256), h.SHA256Flat), h.SHA1);
    if (p !== undefined) k = mix(mix(mix(mix(k, p.publisherName), p.productName), p.binaryName), p.binaryVersion);
    k = mix(mix(mix(k, f.collection), f.isPackagedApp === undefined ? undefined : f.isPackagedApp ? 'T' : 'F'), f.packagedAppActivity);
    k &= 0x3fffffff;
    const young = PreparedFileMemo.find(this.young.get(k), f);
    if (young) {
      this.hits++;
      return young.prepared;
    }
    const found = PreparedFileMemo.find(this.old.get(k), f);
    let prepared: PreparedFile;
    if (found) {
      this.hits++;
      prepared = found.prepared;
    } else {
      prepared = prepareFile(file, this.env);
      this.misses++;
    }
    if (this.young.size >= this.half) {
      this.old = this.young;
      this.young = new Map();
    }
    this.young.set(k, { prepared, fields: fieldsOf(f), next: this.young.get(k) });
    return prepared;
  }
}
