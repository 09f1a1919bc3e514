/**
 * Text helpers shared by the text-export readers: BOM-aware decoding (exports come as UTF-8, UTF-8 with
 * BOM — Application.xml in the corpus — or UTF-16LE from PowerShell 5), NUL-artefact stripping (Winlogbeat
 * leaves literal "\u0000" in level/opcode/message, MANIFEST b1), line splitting with 1-based numbers, and the
 * timestamp normalisation every reader applies (EVTX SystemTime is UTC, formats.md §A.6 FILETIME).
 */
import type { Diagnostic } from '../../diag/index.js';

/** Decodes bytes to text by BOM (UTF-8 default). Invalid sequences become U+FFFD (never throws). */
export function decodeText(bytes: Uint8Array): string {
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return new TextDecoder('utf-8').decode(bytes.subarray(3));
  // UTF-16LE without a BOM: ASCII text has every odd byte zero (`<\0E\0`); checked on the head only.
  if (bytes.length >= 4 && bytes[1] === 0 && bytes[3] === 0 && bytes[0] !== 0 && bytes[2] !== 0) {
    return new TextDecoder('utf-16le').decode(bytes);
  }
  return new TextDecoder('utf-8').decode(bytes);
}

/**
 * The bytes `decodeText` would decode as UTF-8 (its BOM removed), or undefined when it would decode them as
 * UTF-16. Lets NDJSON readers decode line by line instead of building one huge string (same text).
 */
export function utf8Body(bytes: Uint8Array): Uint8Array | undefined {
  if (bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))) return undefined;
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return bytes.subarray(3);
  if (bytes.length >= 4 && bytes[1] === 0 && bytes[3] === 0 && bytes[0] !== 0 && bytes[2] !== 0) return undefined;
  return bytes;
}

/** Removes the NUL characters collectors leave in strings (`"Info\u0000"`). */
export function stripNul(s: string): string {
  return s.includes('\u0000') ? s.replace(/\u0000+/g, '') : s;
}

/** Splits text into lines (LF or CRLF) with their 1-based line numbers, lazily. */
export function* lines(text: string): Generator<{ line: number; text: string }> {
  let start = 0;
  let n = 1;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    let t = text.slice(start, end);
    if (t.endsWith('\r')) t = t.slice(0, -1);
    if (!(end === text.length && t === '' && start === text.length)) yield { line: n, text: t };
    if (end === text.length) break;
    start = end + 1;
    n++;
  }
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(\.\d+)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;
const US = /^(\d{1,2})\/(\d{1,2})\/(\d{4}) (\d{1,2}):(\d{2}):(\d{2})(?: ?([AP]M))?$/i;

/**
 * Normalises a timestamp to ISO 8601 UTC (`2019-11-07T22:15:09.5660628Z`), keeping the source's fraction
 * digits. No zone means UTC (EVTX SystemTime is a UTC FILETIME; EvtxECmd prints it without `T`/`Z`).
 * `M/D/YYYY h:mm:ss AM` (Export-Csv in en-US) is accepted and read as UTC. Returns undefined when unparseable.
 */
export function normaliseTime(text: string): string | undefined {
  const s = stripNul(text).trim();
  const m = ISO.exec(s);
  if (m) {
    const [, y, mo, d, h, mi, se, frac = '', zone = 'Z'] = m;
    if (zone.toUpperCase() === 'Z' || /^[+-]00:?00$/.test(zone)) return `${y}-${mo}-${d}T${h}:${mi}:${se}${frac}Z`;
    const sign = zone.startsWith('-') ? -1 : 1;
    const zh = Number(zone.slice(1, 3));
    const zm = Number(zone.slice(-2));
    const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(se)) - sign * (zh * 60 + zm) * 60000;
    if (!Number.isFinite(ms)) return undefined;
    return new Date(ms).toISOString().slice(0, 19) + frac + 'Z';
  }
  const u = US.exec(s);
  if (u) {
    const [, mo, d, y, h, mi, se, ampm] = u;
    let hour = Number(h);
    if (ampm) hour = (hour % 12) + (ampm.toUpperCase() === 'PM' ? 12 : 0);
    const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), hour, Number(mi), Number(se));
    if (!Number.isFinite(ms)) return undefined;
    return new Date(ms).toISOString().slice(0, 19) + 'Z';
  }
  return undefined;
}

/** A located diagnostic in a text file. */
export function textDiag(
  code: string,
  severity: Diagnostic['severity'],
  message: string,
  file: string,
  line: number,
  column = 1,
  help?: string,
): Diagnostic {
  return { code, severity, message, location: { kind: 'text', file, line, column }, ...(help ? { help } : {}) };
}

/** Shortens user input for a message (keeps diagnostics readable on huge lines). */
export function excerpt(s: string, max = 60): string {
  const t = s.replace(/\s+/g, ' ').trim();
  return t.length > max ? t.slice(0, max) + '…' : t;
}
