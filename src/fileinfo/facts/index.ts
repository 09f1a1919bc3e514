/**
 * Every file-facts format an admin has, read into one shape (issue 16 item 3): what `test --file-info`,
 * `explain`, `rules generate`, `policy lint --file-info` (and later HTTP requests) take.
 *
 * Formats, detected from the content (never the file name):
 * - `alfi-json`: `Get-AppLockerFileInformation … | ConvertTo-Json` — one object or an array; `Path` is the
 *   FilePath object (`{ "Path": "%OSDRIVE%\…" }`, the cmdlet module reads `fileInformation.Path.Path`) or a
 *   string; `Publisher` is the FilePublisher object (`PublisherName`, `ProductName`, `BinaryName`,
 *   `BinaryVersion` — itself an object with `VersionNumber`, or `Major/Minor/Build/Revision`, or its string
 *   form at ConvertTo-Json's default depth) or its string form `PUB\PROD\BIN,VER`; `Hash` is the FileHash
 *   object (`HashType` as enum number or name, `HashDataString` `0x…`, `SourceFileName`,
 *   `SourceFileLength`) or `SHA256 0x…`; `AppX` a boolean. Sources: applocker.md §8.2; formats.md §C
 *   (cmdlet display form, moonpoint.com example); AaronLocker scripts (`.Publisher.PublisherName`,
 *   `.Hash.HashDataString`, `.Hash.SourceFileName`).
 * - `alfi-csv`: `… | Export-Csv` — UTF-16 (LE/BE, with BOM or without) or UTF-8 (with or without BOM), with
 *   or without the `#TYPE Microsoft.Security.ApplicationId.PolicyManagement.PolicyModel.FileInformation`
 *   line PowerShell 5 writes; columns Path, Publisher, Hash, AppX (their string forms).
 * - `fileinfo-json`: `lockstep fileinfo --json` — records with the full `info` (FileInformation) plus the
 *   signature status (and its damage, so rule generation can refuse tampered files).
 * - `inventory`: `lockstep scan` JSONL (`lockstep.inventory/1`), read by ../inventory.ts.
 * Records that hold no facts (a file that could not be read) are skipped and counted. Pure; bounded.
 */
import { fail, ok, type Diagnostic, type Result, type TextLocation } from '../../diag/index.js';
import { parsePublisherText } from '../../engine/index.js';
import { csvRecords, decodeText } from '../../events/index.js';
import { collectionForPath, type FileHashType, type FileInformation, type PublisherInfo, type RuleCollectionType } from '../../policy/index.js';
import type { SignatureStatus } from '../identify.js';
import { INVENTORY_FORMAT, parseInventory } from '../inventory.js';

export type FactsFormat = 'alfi-json' | 'alfi-csv' | 'fileinfo-json' | 'inventory';

/** One file's facts, in the shape rule generation takes (policy GenerateSource's record form). */
export interface FactRecord {
  readonly info: FileInformation;
  /** Where it came from: the inventory's host path, else the record's Path. */
  readonly path: string;
  readonly windowsPath?: string;
  /** Variable form (`%PROGRAMFILES%\APP\A.EXE`) when known. */
  readonly displayPath?: string;
  readonly size?: number;
  readonly signature?: SignatureStatus;
  readonly reasons?: readonly string[];
  readonly signatureAnomalies?: readonly { readonly code: string; readonly message: string }[];
  /** Business group (inventory only). */
  readonly group?: string;
}

export interface FileFacts {
  readonly format: FactsFormat;
  readonly records: FactRecord[];
  /** Records without facts (unreadable files, error lines), not decided. */
  readonly skipped: number;
}

/** More records than this is not a file-facts export (a full disk of a large server is ~1M files). */
export const MAX_FACT_RECORDS = 5_000_000;

const CODES = {
  empty: 'fileinfo.facts.empty',
  badJson: 'fileinfo.facts.bad-json',
  noPath: 'fileinfo.facts.no-path',
  badHash: 'fileinfo.facts.bad-hash',
  badPublisher: 'fileinfo.facts.bad-publisher',
  noPathColumn: 'fileinfo.facts.no-path-column',
  tooMany: 'fileinfo.facts.too-many-records',
  csv: 'fileinfo.facts.bad-csv',
} as const;

const COLLECTIONS: readonly RuleCollectionType[] = ['Exe', 'Dll', 'Msi', 'Script', 'Appx'];

function at(file: string | undefined, line: number, column = 1, path?: string): TextLocation {
  return { kind: 'text', ...(file !== undefined ? { file } : {}), line, column, ...(path ? { path } : {}) };
}

/** A property by name, case-insensitive (PowerShell's JSON keeps .NET casing; people retype it). */
function prop(o: unknown, name: string): unknown {
  if (!o || typeof o !== 'object' || Array.isArray(o)) return undefined;
  const rec = o as Record<string, unknown>;
  if (name in rec) return rec[name];
  const k = Object.keys(rec).find((x) => x.toLowerCase() === name.toLowerCase());
  return k === undefined ? undefined : rec[k];
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);

/** `SHA256 0x…`, `0x…` or bare hex → hashes; '' → {}; undefined when unreadable. */
export function parseHashText(text: string | undefined): Partial<Record<FileHashType, string>> | undefined {
  const t = text?.trim();
  if (!t) return {};
  const m = /^(SHA256Flat|SHA256|SHA1)\s+(?:0x)?([0-9a-f]+)$/i.exec(t);
  if (m) {
    const type = (['SHA256', 'SHA256Flat', 'SHA1'] as const).find((x) => x.toLowerCase() === m[1]!.toLowerCase())!;
    // Typed: the digest is taken as written (a wrong length simply matches no rule); bounded against junk.
    return m[2]!.length <= 128 ? { [type]: m[2]!.toUpperCase() } : undefined;
  }
  const bare = /^(?:0x)?([0-9a-f]+)$/i.exec(t);
  if (bare && bare[1]!.length === 64) return { SHA256: bare[1]!.toUpperCase() };
  if (bare && bare[1]!.length === 40) return { SHA1: bare[1]!.toUpperCase() };
  return undefined;
}

/** The FileHash object of ConvertTo-Json (HashType enum number or name; HashDataString; or Data bytes). */
function hashFromObject(h: unknown): Partial<Record<FileHashType, string>> | undefined {
  let hex = str(prop(h, 'HashDataString'))?.trim().replace(/^0x/i, '');
  const data = prop(h, 'Data') ?? prop(h, 'HashData');
  if (!hex && Array.isArray(data) && data.length <= 64 && data.every((b) => Number.isInteger(b) && b >= 0 && b <= 255)) {
    hex = Buffer.from(data as number[]).toString('hex');
  }
  if (!hex || !/^[0-9a-f]+$/i.test(hex)) return undefined;
  // The enum's numbering is not documented; the digest length says which algorithm it is.
  const named = str(prop(h, 'HashType'));
  if (named && /^sha1$/i.test(named)) return hex.length === 40 ? { SHA1: hex.toUpperCase() } : undefined;
  if (hex.length === 64) return { SHA256: hex.toUpperCase() };
  if (hex.length === 40) return { SHA1: hex.toUpperCase() };
  return undefined;
}

/** FileVersion as ConvertTo-Json writes it: a string, `{VersionNumber}`, or `{Major, Minor, Build, Revision}`. */
function versionOf(v: unknown): string | undefined {
  if (v === null || v === undefined) return undefined;
  const s = str(v) ?? str(prop(v, 'VersionNumber'));
  if (s !== undefined) return /^\d+(\.\d+){0,3}$/.test(s.trim()) ? s.trim() : undefined;
  const parts = ['Major', 'Minor', 'Build', 'Revision'].map((k) => prop(v, k));
  if (parts.every((p) => typeof p === 'number' && Number.isInteger(p) && p >= 0)) return parts.join('.');
  return undefined;
}

function publisherFromObject(p: unknown): PublisherInfo | undefined | 'bad' {
  if (p === null || p === undefined || p === '') return undefined;
  if (typeof p === 'string') return parsePublisherText(p) ?? (p.trim() === '-' ? undefined : 'bad');
  const publisherName = str(prop(p, 'PublisherName'));
  if (!publisherName) return 'bad';
  const binaryVersion = versionOf(prop(p, 'BinaryVersion'));
  return {
    publisherName,
    productName: str(prop(p, 'ProductName')) ?? '',
    binaryName: str(prop(p, 'BinaryName')) ?? '',
    ...(binaryVersion ? { binaryVersion } : {}),
  };
}

/** One Get-AppLockerFileInformation record (JSON object or CSV row as an object of strings). */
function alfiRecord(o: unknown, loc: TextLocation, diags: Diagnostic[]): FactRecord | undefined {
  const rawPath = prop(o, 'Path');
  const path = (str(rawPath) ?? str(prop(rawPath, 'Path')))?.trim();
  if (!path) {
    diags.push({ code: CODES.noPath, severity: 'error', message: 'record has no Path', location: loc, help: 'each record needs the Path that Get-AppLockerFileInformation reports' });
    return undefined;
  }
  const rawHash = prop(o, 'Hash');
  const hashes = rawHash === null || rawHash === undefined ? {} : typeof rawHash === 'string' ? parseHashText(rawHash) : hashFromObject(rawHash);
  if (!hashes) {
    diags.push({ code: CODES.badHash, severity: 'error', message: `unreadable Hash \`${typeof rawHash === 'string' ? rawHash.slice(0, 80) : JSON.stringify(rawHash).slice(0, 80)}\``, location: loc, help: 'expected `SHA256 0x<64 hex>` or a FileHash object with HashDataString' });
    return undefined;
  }
  const publisher = publisherFromObject(prop(o, 'Publisher'));
  if (publisher === 'bad') {
    diags.push({ code: CODES.badPublisher, severity: 'error', message: 'unreadable Publisher', location: loc, help: 'expected `PUBLISHER\\PRODUCT\\BINARY,VERSION` or a FilePublisher object with PublisherName' });
    return undefined;
  }
  const appx = prop(o, 'AppX');
  const isPackagedApp = appx === true || (typeof appx === 'string' && appx.trim().toLowerCase() === 'true');
  const named = str(prop(o, 'Collection'));
  const collection = isPackagedApp ? 'Appx' : (COLLECTIONS.find((c) => c === named) ?? collectionForPath(path));
  const info: FileInformation = {
    path, hashes,
    ...(publisher ? { publisher } : {}),
    ...(collection ? { collection } : {}),
    ...(isPackagedApp ? { isPackagedApp } : {}),
  };
  const length = Number(str(prop(rawHash, 'SourceFileLength')));
  // The cmdlet's Path is already the variable form Windows logs: usable for path rules as is.
  return { info, path, windowsPath: path, displayPath: path.toUpperCase(), ...(Number.isSafeInteger(length) && length > 0 ? { size: length } : {}) };
}

/** `lockstep fileinfo --json` record: the full FileInformation in `info`. */
function fileinfoRecord(o: Record<string, unknown>): FactRecord | undefined {
  const info = o.info as FileInformation | undefined;
  if (!info || typeof info !== 'object' || typeof info.path !== 'string' || !info.hashes || typeof info.hashes !== 'object') return undefined;
  const display = typeof o.Path === 'string' ? o.Path : undefined;
  const sig = o.signature;
  return {
    info,
    path: typeof o.path === 'string' ? o.path : info.path,
    ...(display ? { displayPath: display, windowsPath: info.path } : {}),
    ...(sig === 'Valid' || sig === 'Invalid' || sig === 'NotSigned' ? { signature: sig } : {}),
    ...(Array.isArray(o.reasons) ? { reasons: o.reasons.filter((r): r is string => typeof r === 'string') } : {}),
    ...(Array.isArray(o.signatureAnomalies) ? { signatureAnomalies: o.signatureAnomalies as FactRecord['signatureAnomalies'] } : {}),
  };
}

function readJson(text: string, file: string | undefined, diags: Diagnostic[]): FileFacts | undefined {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    const m = /position (\d+)/.exec((e as Error).message);
    const pos = m ? Number(m[1]) : 0;
    const line = text.slice(0, pos).split('\n').length;
    diags.push({ code: CODES.badJson, severity: 'error', message: `not valid JSON: ${(e as Error).message.replace(/^[A-Z]/, (c) => c.toLowerCase())}`, location: at(file, line, pos - text.lastIndexOf('\n', pos - 1)) });
    return undefined;
  }
  const all = Array.isArray(data) ? data : [data];
  if (all.length > MAX_FACT_RECORDS) {
    diags.push({ code: CODES.tooMany, severity: 'error', message: `${all.length} records, over the cap of ${MAX_FACT_RECORDS}`, location: at(file, 1) });
    return undefined;
  }
  const ours = all.some((o) => o && typeof o === 'object' && ('info' in o || 'error' in o) && 'path' in o);
  const records: FactRecord[] = [];
  let skipped = 0;
  all.forEach((o, i) => {
    const loc = at(file, 1, 1, `[${i}]`);
    if (!o || typeof o !== 'object') {
      skipped++;
      return;
    }
    if (ours) {
      const r = fileinfoRecord(o as Record<string, unknown>);
      if (r) records.push(r);
      else skipped++;
      return;
    }
    const r = alfiRecord(o, loc, diags);
    if (r) records.push(r);
  });
  return { format: ours ? 'fileinfo-json' : 'alfi-json', records, skipped };
}

function readCsvFacts(text: string, file: string | undefined, diags: Diagnostic[]): FileFacts | undefined {
  let header: string[] | undefined;
  const records: FactRecord[] = [];
  for (const rec of csvRecords(text)) {
    if (rec.kind === 'error') {
      diags.push({ code: CODES.csv, severity: 'error', message: rec.message, location: at(file, rec.line, rec.column) });
      return undefined;
    }
    const cells = rec.cells.map((c) => c.replace(/\u0000/g, ''));
    if (cells.every((c) => c.trim() === '')) continue;
    if (!header) {
      if (cells[0]!.startsWith('#TYPE') || cells[0]!.startsWith('#')) continue;
      header = cells.map((h) => h.trim().toLowerCase());
      if (!header.includes('path')) {
        diags.push({ code: CODES.noPathColumn, severity: 'error', message: `no Path column (columns: ${cells.slice(0, 8).map((c) => `\`${c}\``).join(', ')})`, location: at(file, rec.line), help: 'export with `Get-AppLockerFileInformation -Directory … | Export-Csv file.csv`' });
        return undefined;
      }
      continue;
    }
    if (records.length >= MAX_FACT_RECORDS) {
      diags.push({ code: CODES.tooMany, severity: 'error', message: `more than ${MAX_FACT_RECORDS} records`, location: at(file, rec.line) });
      return undefined;
    }
    const o: Record<string, string> = {};
    header.forEach((h, i) => {
      const name = h === 'appx' ? 'AppX' : h.charAt(0).toUpperCase() + h.slice(1);
      o[name] = cells[i] ?? '';
    });
    const r = alfiRecord(o, at(file, rec.line), diags);
    if (r) records.push(r);
  }
  if (!header) {
    diags.push({ code: CODES.empty, severity: 'error', message: 'no records', location: at(file, 1) });
    return undefined;
  }
  return { format: 'alfi-csv', records, skipped: 0 };
}

/**
 * Reads file facts in any supported format (see the module header).
 * @example
 * const r = readFileFacts(bytes, { file: 'alfi.csv' });
 * if (r.ok) r.value.records.map((x) => x.info); // FileInformation for the engine / generation
 */
export function readFileFacts(bytes: Uint8Array, opts: { readonly file?: string } = {}): Result<FileFacts> {
  const { file } = opts;
  const text = decodeText(bytes).replace(/^\uFEFF/, '');
  const diags: Diagnostic[] = [];
  const head = text.trimStart();
  if (!head) return fail([{ code: CODES.empty, severity: 'error', message: 'the file is empty', location: at(file, 1) }]);
  let facts: FileFacts | undefined;
  const firstLine = head.slice(0, Math.max(0, head.indexOf('\n')) || head.length);
  if (firstLine.includes(`"${INVENTORY_FORMAT}"`)) {
    const inv = parseInventory(text, file !== undefined ? { file } : {});
    diags.push(...inv.diagnostics);
    if (inv.ok) {
      const records = inv.value.filter((e) => e.info).map((e): FactRecord => ({ ...e, info: e.info! }));
      facts = { format: 'inventory', records, skipped: inv.value.length - records.length };
    }
  } else if (head.startsWith('[') || head.startsWith('{')) {
    facts = readJson(text, file, diags);
  } else {
    facts = readCsvFacts(text, file, diags);
  }
  if (!facts || diags.some((d) => d.severity === 'error')) return fail(diags);
  return ok(facts, diags);
}
