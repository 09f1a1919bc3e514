/**
 * VS_VERSIONINFO: the fixed file info (binary FileVersion/ProductVersion) and the StringFileInfo string
 * table named by the first VarFileInfo\Translation entry — exactly what AppLocker takes for ProductName,
 * BinaryName (OriginalFilename) and BinaryVersion. Every node is bounded by its own wLength and its parent;
 * wValueLength is not trusted for strings (it is often wrong in the wild). Used by parsePe. Spec: MS Learn
 * "Version Information Structures" (VS_VERSIONINFO, VS_FIXEDFILEINFO, StringFileInfo, StringTable, String,
 * VarFileInfo, Var); formats.md §B.7; applocker.md §5.1.
 */
import type { Diagnostic } from '../../diag/index.js';
import { VS_FFI_SIGNATURE } from './raw.js';
import { PE_CODES, peDiag } from './errors.js';

export interface VersionTranslation {
  readonly language: number;
  readonly codePage: number;
}

export interface VersionInfo {
  /** `a.b.c.d` from VS_FIXEDFILEINFO.dwFileVersionMS/LS (AppLocker's BinaryVersion). */
  readonly fileVersion?: string;
  /** `a.b.c.d` from VS_FIXEDFILEINFO.dwProductVersionMS/LS. */
  readonly productVersion?: string;
  /**
   * The strings of the table whose key is the FIRST Translation entry (`%04X%04X`), compared
   * case-insensitively; empty when there is no Translation or no such table (AppLocker is strict: §B.7).
   */
  readonly strings: Record<string, string>;
  /** Key of the table `strings` came from, as stored (e.g. `040904b0`). */
  readonly stringTableKey?: string;
  /** Every Translation entry, in file order. */
  readonly translations: readonly VersionTranslation[];
  /** Every string table by its stored key — for display only, never for rule data (§B.7). */
  readonly stringTables: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

interface NodeHeader {
  readonly start: number;
  readonly end: number;
  readonly valueLength: number;
  readonly type: number;
  readonly key: string;
  /** Offset (aligned) right after the key's NUL. */
  readonly valueStart: number;
}

const utf16 = new TextDecoder('utf-16le', { fatal: false });
const align4 = (n: number): number => (n + 3) & ~3;

export interface VersionInfoOptions {
  readonly file?: string;
  /** File offset of the blob, to locate diagnostics in the file. */
  readonly baseOffset?: number;
  /** Cap on nodes visited. */
  readonly maxNodes?: number;
}

/** Parses a VS_VERSIONINFO blob. Malformed parts become warnings in `diags`; returns undefined if the root is unusable. */
export function parseVersionInfo(blob: Uint8Array, opts: VersionInfoOptions, diags: Diagnostic[]): VersionInfo | undefined {
  const base = opts.baseOffset ?? 0;
  const file = opts.file;
  let budget = opts.maxNodes ?? 10_000;
  const u16 = (o: number): number => blob[o]! | (blob[o + 1]! << 8);
  const u32 = (o: number): number => (blob[o]! | (blob[o + 1]! << 8) | (blob[o + 2]! << 16) | (blob[o + 3]! << 24)) >>> 0;
  const warn = (message: string, at: number, field: string): void => {
    diags.push(peDiag(PE_CODES.versionMalformed, 'warning', message, base + at, field, file));
  };

  /** Reads a UTF-16LE NUL-terminated string in [from, limit); returns text and the offset after the NUL. */
  const cstr = (from: number, limit: number): { text: string; next: number } => {
    let o = from;
    while (o + 1 < limit && (blob[o] !== 0 || blob[o + 1] !== 0)) o += 2;
    return { text: utf16.decode(blob.subarray(from, Math.min(o, limit))), next: Math.min(o + 2, limit) };
  };

  const header = (at: number, parentEnd: number, field: string): NodeHeader | undefined => {
    if (budget-- <= 0) return undefined;
    if (at + 6 > parentEnd) return undefined;
    const wLength = u16(at);
    // A node with wLength < 6 or one that overruns its parent ends this level (no infinite loops; §B.7).
    if (wLength < 6) return undefined;
    if (at + wLength > parentEnd) {
      warn(`version node \`${field}\` claims ${wLength} bytes, more than its parent holds`, at, `${field}.wLength`);
      return undefined;
    }
    const end = at + wLength;
    const { text: key, next } = cstr(at + 6, end);
    return { start: at, end, valueLength: u16(at + 2), type: u16(at + 4), key, valueStart: Math.min(align4(next), end) };
  };

  const children = function* (from: number, end: number, field: string): Generator<NodeHeader> {
    let at = align4(from);
    while (at < end) {
      const h = header(at, end, field);
      if (!h) return;
      yield h;
      at = align4(h.end);
    }
  };

  // The root may be cut by the resource size cap; clamp it to the bytes present instead of giving up.
  if (blob.length < 6) {
    warn('version resource shorter than a node header', 0, 'VS_VERSIONINFO.wLength');
    return undefined;
  }
  const rootLen = Math.min(u16(0), blob.length);
  const root = header(0, rootLen >= 6 ? rootLen : blob.length, 'VS_VERSIONINFO');
  if (!root) {
    warn('version resource root node is malformed', 0, 'VS_VERSIONINFO.wLength');
    return undefined;
  }
  if (root.key !== 'VS_VERSION_INFO') warn(`version resource root key is \`${root.key}\`, expected \`VS_VERSION_INFO\``, 6, 'VS_VERSIONINFO.szKey');

  let fileVersion: string | undefined;
  let productVersion: string | undefined;
  const fixedAt = root.valueStart;
  if (root.valueLength >= 52 && fixedAt + 52 <= root.end) {
    if (u32(fixedAt) !== VS_FFI_SIGNATURE) {
      diags.push(peDiag(PE_CODES.versionBadSignature, 'warning', `VS_FIXEDFILEINFO signature is \`0x${u32(fixedAt).toString(16)}\`, expected 0xfeef04bd`, base + fixedAt, 'VS_FIXEDFILEINFO.dwSignature', file));
    } else {
      const ver = (ms: number, ls: number): string => `${ms >>> 16}.${ms & 0xffff}.${ls >>> 16}.${ls & 0xffff}`;
      fileVersion = ver(u32(fixedAt + 8), u32(fixedAt + 12));
      productVersion = ver(u32(fixedAt + 16), u32(fixedAt + 20));
    }
  }
  const childStart = fixedAt + (root.valueLength <= root.end - fixedAt ? root.valueLength : 0);

  const translations: VersionTranslation[] = [];
  const stringTables: Record<string, Record<string, string>> = {};
  // StringFileInfo and VarFileInfo may come in either order (pwsh.exe has VarFileInfo first; §B.7).
  for (const block of children(childStart, root.end, 'VS_VERSIONINFO.Children')) {
    if (block.key === 'StringFileInfo') {
      for (const table of children(block.valueStart, block.end, 'StringTable')) {
        const strings: Record<string, string> = {};
        for (const s of children(table.valueStart, table.end, `StringTable[${table.key}].String`)) {
          // Value = NUL-terminated UTF-16 after the aligned key, bounded by the node (wValueLength unreliable).
          const value = s.valueLength === 0 && s.valueStart >= s.end ? '' : cstr(s.valueStart, s.end).text;
          if (!(s.key in strings)) strings[s.key] = value;
        }
        if (!(table.key in stringTables)) stringTables[table.key] = strings;
      }
    } else if (block.key === 'VarFileInfo') {
      for (const v of children(block.valueStart, block.end, 'Var')) {
        if (v.key !== 'Translation') continue;
        const len = Math.min(v.valueLength, v.end - v.valueStart);
        for (let o = v.valueStart; o + 4 <= v.valueStart + len; o += 4) translations.push({ language: u16(o), codePage: u16(o + 2) });
      }
    }
  }

  let strings: Record<string, string> = {};
  let stringTableKey: string | undefined;
  const first = translations[0];
  if (!first) {
    if (Object.keys(stringTables).length > 0) {
      diags.push(peDiag(PE_CODES.versionNoTranslation, 'info', 'version resource has no `VarFileInfo\\Translation`: AppLocker reads no ProductName or OriginalFilename', base, 'VarFileInfo', file));
    }
  } else {
    const want = `${hex4(first.language)}${hex4(first.codePage)}`;
    stringTableKey = Object.keys(stringTables).find((k) => k.toUpperCase() === want);
    if (stringTableKey !== undefined) strings = { ...stringTables[stringTableKey]! };
    else {
      diags.push(peDiag(PE_CODES.versionTableMissing, 'info', `no string table \`${want}\` for the first translation: AppLocker reads no ProductName or OriginalFilename`, base, 'StringFileInfo', file,
        `tables present: ${Object.keys(stringTables).join(', ') || 'none'}`));
    }
  }
  return {
    ...(fileVersion !== undefined ? { fileVersion } : {}),
    ...(productVersion !== undefined ? { productVersion } : {}),
    strings,
    ...(stringTableKey !== undefined ? { stringTableKey } : {}),
    translations,
    stringTables,
  };
}

function hex4(n: number): string {
  return n.toString(16).toUpperCase().padStart(4, '0');
}
