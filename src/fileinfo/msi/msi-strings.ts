/**
 * MSI stream-name decoding and the string pool (`_StringPool` + `_StringData`), the two encodings every MSI
 * table read needs. Used by property-table.ts and msi/index.ts. Spec: shared/spec/formats.md §D.2 (after the
 * Rust `msi` crate, Wine/msitools `libmsi/string.c`, JSIGN `MSIStreamName`).
 */
import { fail, ok, type Diagnostic, type Result } from '../../diag/index.js';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz._';

/**
 * Decodes an MSI stream name: code units 0x3800–0x47FF pack two characters, 0x4800–0x483F one, 0x4840
 * marks a table (rendered `!`, as msitools does); anything else passes through (§D.2).
 * @example decodeMsiStreamName('\u4840\u3f7f\u4164\u422f\u4836') // '!_Tables'
 */
export function decodeMsiStreamName(name: string): string {
  let out = '';
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c >= 0x3800 && c < 0x4800) {
      const v = c - 0x3800;
      out += ALPHABET[v & 0x3f]! + ALPHABET[(v >> 6) & 0x3f]!;
    } else if (c >= 0x4800 && c < 0x4840) {
      out += ALPHABET[c - 0x4800]!;
    } else if (c === 0x4840) {
      out += '!';
    } else {
      out += name[i]!;
    }
  }
  return out;
}

export interface StringPool {
  /** Database code page from the pool header (0 = ANSI default, 1252, 65001 …). */
  readonly codePage: number;
  /** String references inside tables are 3 bytes wide instead of 2. */
  readonly longRefs: boolean;
  /** `strings[id]`; id 0 is the empty/NULL string. */
  readonly strings: readonly string[];
}

const LONG_STRING_REFS_BIT = 0x80000000;

function decoderFor(codePage: number): { decoder: { decode(b: Uint8Array): string }; note?: Diagnostic } {
  // Code page 0 means "the installer's ANSI code page"; Windows-1252 is what msitools assumes on Linux.
  const label = codePage === 65001 ? 'utf-8' : codePage === 0 || codePage === 1252 ? 'windows-1252' : `windows-${codePage}`;
  try {
    return { decoder: new TextDecoder(label, { fatal: false }) };
  } catch {
    return {
      decoder: new TextDecoder('windows-1252'),
      note: {
        code: 'fileinfo.msi.unknown-code-page',
        severity: 'warning',
        message: `database code page ${codePage} is not supported here; strings decoded as windows-1252`,
      },
    };
  }
}

/**
 * Parses `_StringPool` (u32 code page + flags, then `{u16 length, u16 refcount}` per id from 1; a pair
 * `length 0, refcount > 0` is followed by a u32 real length) against `_StringData` (§D.2).
 */
export function parseStringPool(pool: Uint8Array, data: Uint8Array, opts: { file?: string; maxStrings?: number } = {}): Result<StringPool> {
  const maxStrings = opts.maxStrings ?? 1_000_000;
  if (pool.length < 4) {
    return fail([{ code: 'fileinfo.msi.bad-string-pool', severity: 'error', message: `the string pool is ${pool.length} bytes, too short for its header`, location: { kind: 'bytes', offset: 0, field: '_StringPool.Header', ...(opts.file !== undefined ? { file: opts.file } : {}) } }]);
  }
  const dv = new DataView(pool.buffer, pool.byteOffset, pool.byteLength);
  const header = dv.getUint32(0, true);
  const codePage = header & 0x7fffffff;
  const longRefs = (header & LONG_STRING_REFS_BIT) !== 0;
  const { decoder, note } = decoderFor(codePage);
  const diagnostics: Diagnostic[] = note ? [note] : [];
  const strings: string[] = [''];
  let p = 4;
  let d = 0;
  while (p + 4 <= pool.length && strings.length <= maxStrings) {
    let len = dv.getUint16(p, true);
    const refs = dv.getUint16(p + 2, true);
    p += 4;
    if (len === 0 && refs > 0) {
      // A string of 64 KiB or more: the real length follows in a u32 (and that pair takes one id).
      if (p + 4 > pool.length) break;
      len = dv.getUint32(p, true);
      p += 4;
    }
    if (d + len > data.length) {
      diagnostics.push({
        code: 'fileinfo.msi.bad-string-pool', severity: 'error',
        message: `string ${strings.length} needs ${len} bytes at ${d} but \`_StringData\` holds ${data.length}`,
        location: { kind: 'bytes', offset: p - 4, field: '_StringPool.Entry', ...(opts.file !== undefined ? { file: opts.file } : {}) },
      });
      return fail(diagnostics);
    }
    strings.push(decoder.decode(data.subarray(d, d + len)));
    d += len;
  }
  return ok({ codePage, longRefs, strings }, diagnostics);
}
