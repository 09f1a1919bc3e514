/**
 * JSON record splitter shared by the ECS, NXLog and Wazuh readers: NDJSON (one object a line, what
 * Winlogbeat's file output, NXLog `to_json()` and Wazuh `alerts.json` write) or one JSON document (an
 * array, or Elastic's pipeline-test form `{"events":[…]}`). Every bad line is its own located error; the
 * good lines around it still come through.
 */
import type { Diagnostic } from '../../diag/index.js';
import { EventReaderCode as C } from './errors.js';
import { lines, stripNul, textDiag } from './text.js';
import { DEFAULT_READ_OPTIONS, type ReadEventsOptions } from './types.js';

export type JsonRecord =
  | { readonly kind: 'value'; readonly value: unknown; readonly line: number; readonly source: string }
  | { readonly kind: 'error'; readonly diagnostic: Diagnostic };

function positionOf(e: unknown): number | undefined {
  const m = /position (\d+)/.exec(String((e as Error)?.message ?? ''));
  return m ? Number(m[1]) : undefined;
}

function syntaxMessage(e: unknown): string {
  const m = String((e as Error)?.message ?? 'invalid json')
    .replace(/ in JSON at position \d+.*$/s, '')
    .replace(/\s*\(line \d+ column \d+\)$/, '');
  return `invalid json: ${m.charAt(0).toLowerCase()}${m.slice(1)}`.replace(/\.$/, '');
}

function lineColAt(text: string, pos: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < pos; i = text.indexOf('\n', i + 1)) {
    line++;
    start = i + 1;
  }
  return { line, column: pos - start + 1 };
}

/** Line of the n-th `{` that opens an element of the top-level events array (best effort, for provenance). */
function elementLines(text: string, count: number): number[] {
  const out: number[] = [];
  let depth = 0;
  let line = 1;
  let inStr = false;
  let arrDepth = -1;
  for (let i = 0; i < text.length && out.length < count; i++) {
    const ch = text[i];
    if (ch === '\n') line++;
    if (inStr) {
      if (ch === '\\') i++;
      else if (ch === '"') inStr = false;
      continue;
    }
    if (ch === '"') inStr = true;
    else if (ch === '[') {
      if (arrDepth < 0) arrDepth = depth + 1;
      depth++;
    } else if (ch === '{') {
      if (depth === arrDepth) out.push(line);
      depth++;
    } else if (ch === ']' || ch === '}') depth--;
  }
  return out;
}

/**
 * Where a JSON text first nests deeper than `maxDepth` (`[`/`{` outside strings), or -1. One linear pass
 * over char codes, run before JSON.parse: V8 parses any depth, but what is done with the value afterwards
 * (JSON.stringify of a payload field, structured clone to a worker, recursive walks) recurses and a few
 * thousand levels overflow the stack with a raw RangeError (issue 12). Real events nest < 10 deep.
 */
export function jsonDepthExceeded(text: string, maxDepth: number): number {
  let depth = 0;
  let inStr = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inStr) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inStr = false;
    } else if (c === 34) inStr = true;
    else if (c === 91 /* [ */ || c === 123 /* { */) {
      if (++depth > maxDepth) return i;
    } else if (c === 93 /* ] */ || c === 125 /* } */) depth--;
  }
  return -1;
}

function tooDeep(maxDepth: number): string {
  return `json nested deeper than ${maxDepth} levels`;
}

/** One shared decoder: decoding is stateless per call (no `stream`), so reuse is safe. */
const UTF8 = new TextDecoder('utf-8');

/**
 * Lines of UTF-8 bytes, decoded one at a time, with the exact semantics of `lines(decodeText(bytes))`
 * (LF or CRLF, 1-based numbers, no phantom last line). Why: decoding a 100 MB export into one string costs
 * more CPU than JSON.parse of all its lines (profiled: ~5 µs/event of 15), and 0x0A never occurs inside a
 * UTF-8 multi-byte sequence, so splitting bytes first is exact; invalid sequences still become U+FFFD.
 */
const u8IndexOf = Uint8Array.prototype.indexOf;

function* byteLines(bytes: Uint8Array): Generator<{ line: number; text: string; end: number }> {
  let start = 0;
  let n = 1;
  const len = bytes.length;
  while (start <= len) {
    // The TypedArray builtin, also for a Buffer: Buffer#indexOf's argument juggling showed up at ~5 % of ingest.
    let end = u8IndexOf.call(bytes, 0x0a, start);
    if (end < 0) end = len;
    if (end === len && start === len) break;
    const stop = end > start && bytes[end - 1] === 0x0d ? end - 1 : end;
    yield { line: n, text: UTF8.decode(bytes.subarray(start, stop)), end };
    if (end === len) break;
    start = end + 1;
    n++;
  }
}

const FIRST_LINE = /^\s*(.*)$/m;

/**
 * The first non-blank line of a text, or of UTF-8 bytes decoding only up to the end of that line (same
 * result as on the decoded text: the same regex runs on the decoded head).
 */
function firstLineOf(input: string | Uint8Array): string {
  if (typeof input === 'string') return FIRST_LINE.exec(input.replace(/^\s+/, ''))?.[1]?.trim() ?? '';
  let end = -1;
  for (const l of byteLines(input)) {
    end = l.end;
    if (l.text.trim() !== '') break;
  }
  const head = end < 0 ? '' : UTF8.decode(input.subarray(0, end));
  return FIRST_LINE.exec(head.replace(/^\s+/, ''))?.[1]?.trim() ?? '';
}

/**
 * Splits a JSON export into records with their line numbers. `input` is the decoded text, or the bytes of
 * a UTF-8 export (BOM already removed): NDJSON is then decoded line by line (same records, less CPU).
 */
export function* jsonRecords(input: string | Uint8Array, file: string, opts: ReadEventsOptions = {}): Generator<JsonRecord> {
  const maxChars = opts.maxRecordChars ?? DEFAULT_READ_OPTIONS.maxRecordChars;
  const maxRecords = opts.maxRecords ?? DEFAULT_READ_OPTIONS.maxRecords;
  const maxDepth = opts.maxDepth ?? DEFAULT_READ_OPTIONS.maxDepth;
  const firstLine = firstLineOf(input);
  let ndjson = false;
  if (firstLine.startsWith('{') && firstLine.endsWith('}')) {
    // A too-deep first line is still one line of NDJSON: the per-line check refuses it and the rest is read.
    if (jsonDepthExceeded(firstLine, maxDepth) >= 0) ndjson = true;
    else try {
      JSON.parse(firstLine);
      ndjson = true;
    } catch {
      ndjson = false; // a pretty-printed document whose first line happens to look like an object
    }
  }
  if (!ndjson) {
    const text = typeof input === 'string' ? input : UTF8.decode(input);
    if (text.length > maxChars * 16) {
      yield { kind: 'error', diagnostic: textDiag(C.limit, 'error', `json document longer than ${maxChars * 16} characters`, file, 1) };
      return;
    }
    const deepAt = jsonDepthExceeded(text, maxDepth);
    if (deepAt >= 0) {
      const p = lineColAt(text, deepAt);
      yield { kind: 'error', diagnostic: textDiag(C.jsonTooDeep, 'error', tooDeep(maxDepth), file, p.line, p.column, 'the whole document is one JSON value, so nothing in it could be read; real event exports nest a few levels') };
      return;
    }
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch (e) {
      const pos = positionOf(e);
      const p = pos === undefined ? { line: 1, column: 1 } : lineColAt(text, pos);
      yield { kind: 'error', diagnostic: textDiag(C.jsonSyntax, 'error', syntaxMessage(e), file, p.line, p.column, 'the whole document is one JSON value, so nothing in it could be read') };
      return;
    }
    const list = Array.isArray(doc)
      ? doc
      : doc && typeof doc === 'object' && Array.isArray((doc as { events?: unknown }).events)
        ? ((doc as { events: unknown[] }).events)
        : [doc];
    const at = elementLines(text, Math.min(list.length, maxRecords));
    for (let i = 0; i < list.length; i++) {
      if (i >= maxRecords) {
        yield { kind: 'error', diagnostic: textDiag(C.limit, 'error', `more than ${maxRecords} records; the rest was not read`, file, 1) };
        return;
      }
      const line = at[i] ?? 1;
      yield { kind: 'value', value: list[i], line, source: `${file}:${line}` };
    }
    return;
  }
  let n = 0;
  let done = 0;
  const total = input.length; // characters of the text, or bytes (progress only)
  const it: Iterable<{ line: number; text: string; end?: number }> = typeof input === 'string' ? lines(input) : byteLines(input);
  for (const l of it) {
    const { line, text: t } = l;
    done = l.end !== undefined ? l.end + 1 : done + t.length + 1;
    if (opts.onProgress && (line & 1023) === 0) opts.onProgress(Math.min(done, total), total);
    if (!t.trim()) continue;
    if (++n > maxRecords) {
      yield { kind: 'error', diagnostic: textDiag(C.limit, 'error', `more than ${maxRecords} records; the rest was not read`, file, line) };
      return;
    }
    if (t.length > maxChars) {
      yield { kind: 'error', diagnostic: textDiag(C.limit, 'error', `line longer than ${maxChars} characters`, file, line) };
      continue;
    }
    const deepAt = jsonDepthExceeded(t, maxDepth);
    if (deepAt >= 0) {
      yield { kind: 'error', diagnostic: textDiag(C.jsonTooDeep, 'error', tooDeep(maxDepth), file, line, deepAt + 1, 'real event exports nest a few levels; this line was skipped') };
      continue;
    }
    let value: unknown;
    try {
      value = JSON.parse(t);
    } catch (e) {
      const pos = positionOf(e);
      yield { kind: 'error', diagnostic: textDiag(C.jsonSyntax, 'error', syntaxMessage(e), file, line, pos === undefined ? 1 : pos + 1) };
      continue;
    }
    // A one-line `{"events":[…]}` document, or a line holding an array: its elements are the records.
    const list = Array.isArray(value) ? value : value && typeof value === 'object' && Array.isArray((value as { events?: unknown }).events) ? (value as { events: unknown[] }).events : undefined;
    if (list) {
      for (const v of list) yield { kind: 'value', value: v, line, source: `${file}:${line}` };
    } else yield { kind: 'value', value, line, source: `${file}:${line}` };
  }
}

/** `a.b.c` split once per distinct path (the readers use a handful of constant paths, ~12 per event). */
const PARTS = new Map<string, readonly string[]>();
function pathParts(path: string): readonly string[] {
  let p = PARTS.get(path);
  if (!p) {
    p = path.split('.');
    if (PARTS.size < 1024) PARTS.set(path, p); // bounded: callers could pass arbitrary paths
  }
  return p;
}

/** Reads `a.b.c` from nested objects, or from a flattened `"a.b.c"` key (Kibana CSV/flattened exports). */
export function pick(obj: unknown, path: string): unknown {
  if (!obj || typeof obj !== 'object') return undefined;
  const o = obj as Record<string, unknown>;
  if (path in o) return o[path];
  let cur: unknown = obj;
  for (const k of pathParts(path)) {
    if (!cur || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[k];
  }
  return cur;
}

/** A JSON scalar as event text (numbers keep their decimal form; NULs stripped); objects as JSON. */
export function scalar(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return stripNul(v);
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return JSON.stringify(v);
}

/** A JSON number or numeric string as a safe integer. */
export function intValue(v: unknown): number | undefined {
  const s = scalar(v)?.trim();
  if (s === undefined || !/^\d+$/.test(s)) return undefined;
  const n = Number(s);
  return Number.isSafeInteger(n) ? n : undefined;
}
