/**
 * The inventory: one JSON line per scanned file of a reference computer, recording the business group it
 * belongs to (issue 4 item 5). `lockstep scan` appends lines, `lockstep rules generate` reads them; the
 * (path, size, mtime) key lets a re-run skip what an interrupted scan already recorded. Pure: takes and
 * returns text. Spec: applocker.md §8.2 (FileInformation fields), §8.3 (what New-AppLockerPolicy consumes).
 */
import { fail, ok, type Diagnostic, type Result } from '../diag/index.js';
import type { FileInformation } from '../policy/file-information.js';
import type { RuleCollectionType } from '../policy/model.js';
import type { FileIdentity, FileKind, SignatureStatus } from './identify.js';

/** Format marker written in every line so readers can reject foreign JSONL. */
export const INVENTORY_FORMAT = 'lockstep.inventory/1';

/** One scanned file. `error` is set (and `info` absent) when the file could not be read or identified. */
export interface InventoryEntry {
  readonly format: typeof INVENTORY_FORMAT;
  /** The business group whose reference computer this is. */
  readonly group: string;
  /** Host path the scanner read. */
  readonly path: string;
  /** Windows path (`C:\…`) when the scan had an OS root. */
  readonly windowsPath?: string;
  /** Displayed form (§4.3), e.g. `%PROGRAMFILES%\APP\A.EXE`. */
  readonly displayPath?: string;
  readonly size: number;
  /** Modification time, ms since the epoch (part of the resume key). */
  readonly mtimeMs: number;
  readonly kind?: FileKind;
  readonly collection?: RuleCollectionType;
  readonly signature?: SignatureStatus;
  readonly reasons?: readonly string[];
  /** A valid signature in a damaged certificate table (identify.ts `signatureAnomalies`). */
  readonly signatureAnomalies?: readonly { readonly code: string; readonly message: string }[];
  /** The security catalog that signs the file (scan --catroot). */
  readonly catalog?: { readonly catalog: string; readonly publisherName?: string };
  readonly info?: FileInformation;
  /** Why the file is not identified: a reason code such as `EACCES`, `too-large`, `fileinfo.pe.truncated`. */
  readonly error?: { readonly reason: string; readonly message: string };
}

/** Builds the entry for an identified file. */
export function inventoryEntry(group: string, hostPath: string, size: number, mtimeMs: number, id: FileIdentity, windowsPath?: string): InventoryEntry {
  return {
    format: INVENTORY_FORMAT,
    group,
    path: hostPath,
    ...(windowsPath !== undefined ? { windowsPath } : {}),
    displayPath: id.displayPath,
    size,
    mtimeMs,
    kind: id.kind,
    ...(id.collection ? { collection: id.collection } : {}),
    signature: id.signature,
    ...(id.reasons.length ? { reasons: id.reasons } : {}),
    ...(id.signatureAnomalies?.length ? { signatureAnomalies: id.signatureAnomalies } : {}),
    ...(id.catalog ? { catalog: id.catalog } : {}),
    info: id.info,
  };
}

/** The resume key: a file already recorded with the same path, size and mtime is not scanned again. */
export function resumeKey(e: { path: string; size: number; mtimeMs: number }): string {
  return `${e.path}\u0000${e.size}\u0000${Math.trunc(e.mtimeMs)}`;
}

/** One JSONL line (with the trailing newline). */
export function formatInventoryLine(e: InventoryEntry): string {
  return JSON.stringify(e) + '\n';
}

/**
 * Parses inventory JSONL. A torn last line (a scan killed mid-write) is dropped with a warning, not an
 * error, so a resumed scan can carry on; any other bad line is an error with its line number.
 * Later lines for the same resume key replace earlier ones (a re-scan after a change).
 */
export function parseInventory(text: string, opts: { file?: string } = {}): Result<InventoryEntry[]> {
  const diagnostics: Diagnostic[] = [];
  const byKey = new Map<string, InventoryEntry>();
  const lines = text.split('\n');
  const loc = (line: number) => ({ kind: 'text' as const, line, column: 1, ...(opts.file !== undefined ? { file: opts.file } : {}) });
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (!line) continue;
    const isLast = i === lines.length - 1 || lines.slice(i + 1).every((l) => !l.trim());
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch {
      if (isLast && !text.endsWith('\n')) {
        diagnostics.push({ code: 'fileinfo.inventory.torn-line', severity: 'warning', message: 'the last line is incomplete (an interrupted scan); ignored', location: loc(i + 1) });
        continue;
      }
      diagnostics.push({ code: 'fileinfo.inventory.bad-line', severity: 'error', message: 'line is not JSON', location: loc(i + 1) });
      continue;
    }
    const e = v as Partial<InventoryEntry> | null;
    if (!e || e.format !== INVENTORY_FORMAT || typeof e.path !== 'string' || typeof e.group !== 'string' || typeof e.size !== 'number' || typeof e.mtimeMs !== 'number') {
      diagnostics.push({ code: 'fileinfo.inventory.bad-line', severity: 'error', message: `line is not a \`${INVENTORY_FORMAT}\` record`, location: loc(i + 1) });
      continue;
    }
    byKey.set(resumeKey(e as InventoryEntry), e as InventoryEntry);
  }
  if (diagnostics.some((d) => d.severity === 'error')) return fail(diagnostics);
  return ok([...byKey.values()], diagnostics);
}
