/**
 * Where CLI output goes: results to stdout (human text or `--json`), diagnostics and progress to stderr.
 * Commands call these instead of console.* so that `--json` output stays machine-readable.
 */
import { diagnosticToJson, renderDiagnostics, type Diagnostic } from '../diag/index.js';

export function out(text: string): void {
  process.stdout.write(text.endsWith('\n') ? text : text + '\n');
}

export function err(text: string): void {
  process.stderr.write(text.endsWith('\n') ? text : text + '\n');
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
