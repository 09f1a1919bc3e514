/**
 * The resource tree walk from DataDirectory[2] down to the RT_VERSION data (type 16 → name → language →
 * IMAGE_RESOURCE_DATA_ENTRY). Offsets inside the tree are relative to the start of the resource directory;
 * the data entry's OffsetToData is an RVA. Guards: depth ≤ 3, no directory visited twice, entry counts
 * checked against the bytes present and a cap before looping. Used by parsePe. Spec: PE Format (MS Learn)
 * "The .rsrc Section"; formats.md §B.7 "Resource directory walk".
 */
import { ByteCursor, TruncatedError } from '../../bytes/index.js';
import type { Diagnostic } from '../../diag/index.js';
import { RESOURCE_DATA_ENTRY_SIZE, RESOURCE_DIRECTORY_SIZE, RESOURCE_ENTRY_SIZE, RT_VERSION } from './raw.js';
import { PE_CODES, peDiag } from './errors.js';
import { rvaToOffset, type SectionHeader } from './sections.js';

export interface VersionResource {
  /** The VS_VERSIONINFO bytes (a view into the file, not a copy). */
  readonly data: Uint8Array;
  readonly dataOffset: number;
  /** Language IDs present under RT_VERSION's first name (the first one is used; §B.7). */
  readonly languages: readonly number[];
}

export interface ResourceWalkOptions {
  readonly file?: string;
  /** Cap on directory entries examined over the whole walk. */
  readonly maxEntries: number;
  /** Cap on the size of the version resource data. */
  readonly maxDataBytes: number;
}

/** Finds the RT_VERSION resource; anomalies go to `diags`. Never throws on hostile input. */
export function findVersionResource(
  bytes: Uint8Array,
  sections: readonly SectionHeader[],
  sizeOfHeaders: number,
  resourceRva: number,
  opts: ResourceWalkOptions,
  diags: Diagnostic[],
): VersionResource | undefined {
  const { file } = opts;
  const root = rvaToOffset(sections, sizeOfHeaders, resourceRva);
  if (root === undefined || root >= bytes.length) {
    diags.push(peDiag(PE_CODES.resourceUnmapped, 'warning', `resource directory RVA 0x${resourceRva.toString(16)} maps to no bytes in the file`, 0, 'DataDirectory[2].VirtualAddress', file));
    return undefined;
  }
  const cur = new ByteCursor(bytes, 0, bytes.length, file);
  const visited = new Set<number>([root]);
  let budget = opts.maxEntries;

  /** Reads the entries of the directory at `rel` (relative to the root); returns [nameOrId, offset] pairs. */
  const entries = (rel: number, level: string): Array<{ id: number; named: boolean; target: number; isDir: boolean }> => {
    const at = root + rel;
    cur.seek(at, `${level} IMAGE_RESOURCE_DIRECTORY`);
    cur.need(RESOURCE_DIRECTORY_SIZE, `${level} IMAGE_RESOURCE_DIRECTORY`);
    cur.skip(12, `${level} IMAGE_RESOURCE_DIRECTORY.Characteristics`);
    const named = cur.u16le(`${level} IMAGE_RESOURCE_DIRECTORY.NumberOfNamedEntries`);
    const ids = cur.u16le(`${level} IMAGE_RESOURCE_DIRECTORY.NumberOfIdEntries`);
    const n = named + ids;
    if (n > budget) {
      diags.push(peDiag(PE_CODES.resourceTooManyEntries, 'warning', `resource directory declares ${n} entries, over the remaining cap of ${budget}`, at + 12, `${level} IMAGE_RESOURCE_DIRECTORY.NumberOfIdEntries`, file));
      return [];
    }
    budget -= n;
    // Check the whole entry array is present before reading it (no allocation sized by the file before this).
    cur.need(n * RESOURCE_ENTRY_SIZE, `${level} IMAGE_RESOURCE_DIRECTORY_ENTRY[${n}]`);
    const out: Array<{ id: number; named: boolean; target: number; isDir: boolean }> = [];
    for (let i = 0; i < n; i++) {
      const nameOrId = cur.u32le(`${level} IMAGE_RESOURCE_DIRECTORY_ENTRY[${i}].Name`);
      const off = cur.u32le(`${level} IMAGE_RESOURCE_DIRECTORY_ENTRY[${i}].OffsetToData`);
      out.push({ id: nameOrId & 0x7fffffff, named: (nameOrId & 0x80000000) !== 0, target: off & 0x7fffffff, isDir: (off & 0x80000000) !== 0 });
    }
    return out;
  };
  const enter = (target: number, level: string): boolean => {
    if (visited.has(root + target)) {
      diags.push(peDiag(PE_CODES.resourceLoop, 'warning', `resource directory at offset ${root + target} is visited twice (loop)`, root + target, `${level} IMAGE_RESOURCE_DIRECTORY`, file));
      return false;
    }
    visited.add(root + target);
    return true;
  };

  try {
    const types = entries(0, 'type');
    const version = types.find((e) => !e.named && e.id === RT_VERSION);
    if (!version) return undefined;
    if (!version.isDir) {
      diags.push(peDiag(PE_CODES.resourceTooDeep, 'warning', 'RT_VERSION entry points at data instead of a name directory', root, 'type IMAGE_RESOURCE_DIRECTORY_ENTRY.OffsetToData', file));
      return undefined;
    }
    if (!enter(version.target, 'name')) return undefined;
    const names = entries(version.target, 'name');
    const first = names[0];
    if (!first) return undefined;
    if (!first.isDir) {
      diags.push(peDiag(PE_CODES.resourceTooDeep, 'warning', 'RT_VERSION name entry points at data instead of a language directory', root + version.target, 'name IMAGE_RESOURCE_DIRECTORY_ENTRY.OffsetToData', file));
      return undefined;
    }
    if (!enter(first.target, 'language')) return undefined;
    const langs = entries(first.target, 'language');
    const lang = langs[0];
    if (!lang) return undefined;
    if (lang.isDir) {
      // A fourth level does not exist in PECOFF; refuse to go deeper (§B.7 "depth > 3").
      diags.push(peDiag(PE_CODES.resourceTooDeep, 'warning', 'RT_VERSION language entry points at a fourth directory level', root + first.target, 'language IMAGE_RESOURCE_DIRECTORY_ENTRY.OffsetToData', file));
      return undefined;
    }
    if (langs.length > 1) {
      // Windows' FILE_VER_GET_NEUTRAL language fallback is [uncertain] for several languages: take the first (§B.7).
      diags.push(peDiag(PE_CODES.versionMultipleLanguages, 'info', `RT_VERSION has ${langs.length} languages (${langs.map((l) => l.id).join(', ')}); the first is used`, root + first.target, 'language IMAGE_RESOURCE_DIRECTORY', file));
    }
    cur.seek(root + lang.target, 'IMAGE_RESOURCE_DATA_ENTRY');
    cur.need(RESOURCE_DATA_ENTRY_SIZE, 'IMAGE_RESOURCE_DATA_ENTRY');
    const dataRva = cur.u32le('IMAGE_RESOURCE_DATA_ENTRY.OffsetToData');
    const size = cur.u32le('IMAGE_RESOURCE_DATA_ENTRY.Size');
    const dataOffset = rvaToOffset(sections, sizeOfHeaders, dataRva);
    if (dataOffset === undefined) {
      diags.push(peDiag(PE_CODES.resourceUnmapped, 'warning', `version resource RVA 0x${dataRva.toString(16)} maps to no bytes in the file`, root + lang.target, 'IMAGE_RESOURCE_DATA_ENTRY.OffsetToData', file));
      return undefined;
    }
    const capped = Math.min(size, opts.maxDataBytes, Math.max(0, bytes.length - dataOffset));
    if (capped < size) {
      diags.push(peDiag(PE_CODES.resourceTruncated, 'warning', `version resource of ${size} bytes is cut to ${capped} (end of file or size cap)`, dataOffset, 'IMAGE_RESOURCE_DATA_ENTRY.Size', file));
    }
    return { data: bytes.subarray(dataOffset, dataOffset + capped), dataOffset, languages: langs.map((l) => l.id) };
  } catch (e) {
    if (!(e instanceof TruncatedError)) throw e;
    diags.push({ ...peDiag(PE_CODES.resourceTruncated, 'warning', `resource tree ends early while reading \`${e.field}\``, e.offset, e.field, file), notes: [e.diagnostic] });
    return undefined;
  }
}
