/**
 * Where CLI output goes: results to stdout (human text or `--json`), diagnostics and progress to stderr.
 * Commands call these instead of console.* so that `--json` output stays machine-readable.
 */
import { diagnosticToJson, renderDiagnostics, type Diagnostic } from '../diag/index.js';

/**
 * Control characters a file name or an event field can smuggle into a terminal (issue 12): C0 controls
 * but tab and line feed, a carriage return not followed by a line feed (it rewrites the line), DEL, C1
 * controls (0x80–0x9F, an 8-bit CSI among them) and the bidirectional overrides that reorder what a reader
 * sees ("Trojan Source", CVE-2021-42574). JSON output escapes them by itself.
 */
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
const HAS_UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

/** `text` with every unsafe control character shown as `\xHH` / `\uHHHH` (CRLF kept as a line end). */
export function escapeControl(text: string): string {
  if (!HAS_UNSAFE.test(text)) return text;
  return text.replace(/\r\n/g, '\n').replace(UNSAFE, (c) => {
    const n = c.charCodeAt(0);
    return n <= 0xff ? `\\x${n.toString(16).padStart(2, '0')}` : `\\u${n.toString(16).padStart(4, '0')}`;
  });
}

export function out(text: string): void {
  const t = escapeControl(text);
  process.stdout.write(t.endsWith('\n') ? t : t + '\n');
}

export function err(text: string): void {
  const t = escapeControl(text);
  process.stderr.write(t.endsWith('\n') ? t : t + '\n');
}

/**
 * One CSV cell: RFC 4180 quoting, and a leading `=`, `+`, `-`, `@`, tab or carriage return neutralised
 * with a `'` so a spreadsheet shows the text instead of running it as a formula (OWASP "CSV Injection").
 */
export function csvCell(s: string): string {
  const v = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

export function outJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

export function reportDiagnostics(ds: readonly Diagnostic[], file?: string): void {
  if (ds.length) err(renderDiagnostics(ds, file));
}

export function diagnosticsJson(ds: readonly Diagnostic[]): unknown[] {
  return ds.map(diagnosticToJson);
}
