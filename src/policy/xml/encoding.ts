/**
 * Bytes → text for policy XML, and text → bytes for writing it back. Used by parse.ts and serialize.ts.
 * Spec: applocker.md §1.1 "Implementation notes" and §11.2: GPMC/AaronLocker write UTF-16LE with a BOM
 * (`encoding="utf-16"`), the NSA files are UTF-8 with a BOM, cmdlet output has no declaration at all.
 * We sniff the BOM first (it wins, as in .NET's XmlReader), then a BOM-less UTF-16 `<` pattern, then UTF-8,
 * and only then look at the declaration to warn when it disagrees. Decoding is strict: invalid bytes
 * are an error with their offset, never silently replaced.
 */
import type { Diagnostic } from '../../diag/index.js';

export type PolicyEncoding = 'utf-8' | 'utf-16le' | 'utf-16be';

export interface DecodedText {
  readonly text: string;
  readonly encoding: PolicyEncoding;
  readonly bom: boolean;
}

export interface DecodeResult {
  readonly decoded?: DecodedText;
  readonly diagnostics: Diagnostic[];
}

/** Default cap on the input size, checked before anything is decoded. */
export const DEFAULT_MAX_POLICY_BYTES = 64 * 1024 * 1024;

function byteDiag(code: string, message: string, offset: number, file: string | undefined, help?: string): Diagnostic {
  return {
    code,
    severity: 'error',
    message,
    location: { kind: 'bytes', ...(file !== undefined ? { file } : {}), offset },
    ...(help ? { help } : {}),
  };
}

/** Offset of the first byte that is not valid UTF-8 (overlongs, surrogates and > U+10FFFF included), or -1. */
export function firstInvalidUtf8(b: Uint8Array, start = 0): number {
  let i = start;
  while (i < b.length) {
    const c = b[i]!;
    if (c < 0x80) { i++; continue; }
    let need: number, min: number, cp: number;
    if (c >= 0xc2 && c <= 0xdf) { need = 1; min = 0x80; cp = c & 0x1f; }
    else if (c >= 0xe0 && c <= 0xef) { need = 2; min = 0x800; cp = c & 0x0f; }
    else if (c >= 0xf0 && c <= 0xf4) { need = 3; min = 0x10000; cp = c & 0x07; }
    else return i;
    for (let k = 1; k <= need; k++) {
      const d = b[i + k];
      if (d === undefined || (d & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (d & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return -1;
}

/** Decodes strictly; undefined when the bytes are not valid in that encoding. */
function decodeStrict(encoding: PolicyEncoding, bytes: Uint8Array): string | undefined {
  try {
    return new TextDecoder(encoding, { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    // TextDecoder signals invalid input only by throwing; the caller reports it as a diagnostic.
    return undefined;
  }
}

/** Offset (in bytes) of the first unpaired surrogate in UTF-16 bytes, or -1. */
function firstInvalidUtf16(b: Uint8Array, start: number, le: boolean): number {
  const unit = (i: number): number => (le ? b[i]! | (b[i + 1]! << 8) : (b[i]! << 8) | b[i + 1]!);
  for (let i = start; i + 1 < b.length; i += 2) {
    const u = unit(i);
    if (u >= 0xd800 && u <= 0xdbff) {
      if (i + 3 >= b.length) return i;
      const v = unit(i + 2);
      if (v < 0xdc00 || v > 0xdfff) return i;
      i += 2;
    } else if (u >= 0xdc00 && u <= 0xdfff) return i;
  }
  return -1;
}

const DECL_RE = /^<\?xml\s[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']/;

/**
 * Decodes policy bytes (or passes a string through) and reports encoding problems.
 * A string input is reported as `utf-8` without BOM unless it starts with U+FEFF.
 */
export function decodePolicyInput(
  input: Uint8Array | string,
  file: string | undefined,
  maxBytes: number = DEFAULT_MAX_POLICY_BYTES,
): DecodeResult {
  const diagnostics: Diagnostic[] = [];
  let text: string;
  let encoding: PolicyEncoding = 'utf-8';
  let bom = false;
  if (typeof input === 'string') {
    if (input.length > maxBytes) {
      return { diagnostics: [byteDiag('policy.xml.too-large', `the input has ${input.length} characters, more than the cap of ${maxBytes}`, 0, file)] };
    }
    bom = input.charCodeAt(0) === 0xfeff;
    text = bom ? input.slice(1) : input;
  } else {
    const b = input;
    if (b.length > maxBytes) {
      return { diagnostics: [byteDiag('policy.xml.too-large', `the input has ${b.length} bytes, more than the cap of ${maxBytes}`, 0, file,
        'AppLocker policies are kilobytes to a few megabytes; raise the cap only for a file you trust')] };
    }
    let start = 0;
    if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) { bom = true; start = 3; }
    else if (b[0] === 0xff && b[1] === 0xfe) { bom = true; start = 2; encoding = 'utf-16le'; }
    else if (b[0] === 0xfe && b[1] === 0xff) { bom = true; start = 2; encoding = 'utf-16be'; }
    // No BOM: a UTF-16 document still starts with `<` (or whitespace) followed/preceded by a zero byte.
    else if (b.length >= 2 && b[0] !== 0 && b[1] === 0) encoding = 'utf-16le';
    else if (b.length >= 2 && b[0] === 0 && b[1] !== 0) encoding = 'utf-16be';
    if (encoding === 'utf-8') {
      // The native strict decoder is fast; only when it refuses do we walk the bytes to say where.
      const strict = decodeStrict('utf-8', b.subarray(start));
      if (strict === undefined) {
        const bad = Math.max(start, firstInvalidUtf8(b, start));
        return { diagnostics: [byteDiag('policy.xml.invalid-encoding', `invalid UTF-8 byte \`0x${(b[bad] ?? 0).toString(16).padStart(2, '0')}\` at offset ${bad}`, bad, file,
          'save the file as UTF-8 or UTF-16 (Unicode); the policy XML must be text')] };
      }
      text = strict;
    } else {
      if ((b.length - start) % 2 !== 0) {
        return { diagnostics: [byteDiag('policy.xml.invalid-encoding', `UTF-16 text has an odd number of bytes (${b.length - start}); the file is truncated`, b.length - 1, file)] };
      }
      const bad = firstInvalidUtf16(b, start, encoding === 'utf-16le');
      if (bad >= 0) {
        return { diagnostics: [byteDiag('policy.xml.invalid-encoding', `unpaired UTF-16 surrogate at offset ${bad}`, bad, file)] };
      }
      text = new TextDecoder(encoding, { ignoreBOM: true }).decode(b.subarray(start));
    }
  }
  const declared = DECL_RE.exec(text)?.[1]?.toLowerCase();
  if (declared !== undefined) {
    const isUtf16 = declared === 'utf-16' || declared === 'utf-16le' || declared === 'utf-16be' || declared === 'unicode';
    const isUtf8 = declared === 'utf-8' || declared === 'utf8' || declared === 'us-ascii' || declared === 'ascii';
    if (!isUtf16 && !isUtf8) {
      diagnostics.push({
        code: 'policy.xml.unsupported-encoding', severity: 'error',
        message: `the XML declaration names encoding \`${declared}\``,
        location: { kind: 'text', ...(file !== undefined ? { file } : {}), line: 1, column: 1 },
        help: 'AppLocker policy XML is UTF-8 or UTF-16; re-save the file in one of them',
      });
      return { diagnostics };
    }
    if (typeof input !== 'string' && ((isUtf16 && encoding === 'utf-8') || (isUtf8 && encoding !== 'utf-8'))) {
      diagnostics.push({
        code: 'policy.xml.encoding-mismatch', severity: 'warning',
        message: `the XML declaration says \`${declared}\` but the bytes are ${encoding}${bom ? ' with a byte-order mark' : ''}`,
        location: { kind: 'text', ...(file !== undefined ? { file } : {}), line: 1, column: 1 },
        help: 'Windows tools may refuse the file; `lockstep policy fmt` rewrites a consistent declaration',
      });
    }
  }
  return { decoded: { text, encoding, bom }, diagnostics };
}

/** Encodes text as UTF-8 or UTF-16LE, with a byte-order mark when asked. */
export function encodeText(text: string, encoding: 'utf-8' | 'utf-16le', bom: boolean): Uint8Array {
  if (encoding === 'utf-8') {
    const body = new TextEncoder().encode(text);
    if (!bom) return body;
    const out = new Uint8Array(body.length + 3);
    out.set([0xef, 0xbb, 0xbf], 0);
    out.set(body, 3);
    return out;
  }
  const start = bom ? 2 : 0;
  const out = new Uint8Array(start + text.length * 2);
  if (bom) { out[0] = 0xff; out[1] = 0xfe; }
  for (let i = 0; i < text.length; i++) {
    const u = text.charCodeAt(i);
    out[start + 2 * i] = u & 0xff;
    out[start + 2 * i + 1] = u >> 8;
  }
  return out;
}
