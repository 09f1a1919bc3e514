/**
 * Renders diagnostics for people (`file:line:col: error[code]: message`, then help and notes) or as JSON.
 * Pure: returns strings; the CLI decides where they go.
 */
import type { Diagnostic, Location } from './diagnostic.js';

export function formatLocation(l: Location | undefined, fallbackFile?: string): string {
  if (!l) return fallbackFile ?? '';
  const file = l.file ?? fallbackFile ?? '<input>';
  if (l.kind === 'text') return `${file}:${l.line}:${l.column}`;
  const parts = [`${file}@0x${l.offset.toString(16)}`];
  if (l.context) parts.push(l.context);
  if (l.field) parts.push(l.field);
  return parts.join(' ');
}

export function renderDiagnostic(d: Diagnostic, fallbackFile?: string, indent = ''): string {
  const where = formatLocation(d.location, fallbackFile);
  const lines = [`${indent}${where ? where + ': ' : ''}${d.severity}[${d.code}]: ${d.message}`];
  if (d.location?.kind === 'text' && d.location.path) lines.push(`${indent}  at ${d.location.path}`);
  if (d.help) lines.push(`${indent}  help: ${d.help}`);
  for (const n of d.notes ?? []) lines.push(renderDiagnostic(n, fallbackFile, indent + '  '));
  return lines.join('\n');
}

export function renderDiagnostics(ds: readonly Diagnostic[], fallbackFile?: string): string {
  return ds.map((d) => renderDiagnostic(d, fallbackFile)).join('\n');
}

/** A stable JSON shape (the same the HTTP API returns). */
export function diagnosticToJson(d: Diagnostic): Record<string, unknown> {
  return {
    code: d.code,
    severity: d.severity,
    message: d.message,
    ...(d.location ? { location: d.location } : {}),
    ...(d.help ? { help: d.help } : {}),
    ...(d.notes && d.notes.length ? { notes: d.notes.map(diagnosticToJson) } : {}),
  };
}
