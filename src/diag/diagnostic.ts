/**
 * Diagnostics: errors and warnings as values with a stable code, a message a person understands and a
 * location. Every room reports through these; nothing here depends on any other room.
 * Message style (STYLE.md): lowercase, no final period, user input in backticks.
 */

export type Severity = 'error' | 'warning' | 'info';

/** A place in a text file (1-based line and column). */
export interface TextLocation {
  readonly kind: 'text';
  readonly file?: string;
  readonly line: number;
  readonly column: number;
  /** Element path such as `/AppLockerPolicy/RuleCollection[@Type="Exe"]/FilePathRule[2]`. */
  readonly path?: string;
}

/** A place in a binary file (byte offset and the named field being read). */
export interface ByteLocation {
  readonly kind: 'bytes';
  readonly file?: string;
  readonly offset: number;
  readonly field?: string;
  /** Structural context, e.g. `chunk 3, record 1042`. */
  readonly context?: string;
}

export type Location = TextLocation | ByteLocation;

export interface Diagnostic {
  /** Dotted and stable, e.g. `policy.xml.unknown-element`; listed in the room's errors.ts. */
  readonly code: string;
  readonly severity: Severity;
  readonly message: string;
  readonly location?: Location;
  /** A hint such as "did you mean `%PROGRAMFILES%`?". */
  readonly help?: string;
  readonly notes?: readonly Diagnostic[];
}

export type Result<T> =
  | { readonly ok: true; readonly value: T; readonly diagnostics: readonly Diagnostic[] }
  | { readonly ok: false; readonly diagnostics: readonly Diagnostic[] };

export function ok<T>(value: T, diagnostics: readonly Diagnostic[] = []): Result<T> {
  return { ok: true, value, diagnostics };
}

export function fail<T = never>(diagnostics: readonly Diagnostic[]): Result<T> {
  return { ok: false, diagnostics };
}

export function hasErrors(diags: readonly Diagnostic[]): boolean {
  return diags.some((d) => d.severity === 'error');
}

/** Thrown by the `…OrThrow` entry points; carries the diagnostics that made the result fail. */
export class DiagnosticError extends Error {
  readonly diagnostics: readonly Diagnostic[];
  constructor(diagnostics: readonly Diagnostic[]) {
    const first = diagnostics.find((d) => d.severity === 'error') ?? diagnostics[0];
    super(first ? `${first.code}: ${first.message}` : 'failed');
    this.name = 'DiagnosticError';
    this.diagnostics = diagnostics;
  }
}

/** Unwraps a Result or throws a DiagnosticError. */
export function unwrap<T>(r: Result<T>): T {
  if (r.ok) return r.value;
  throw new DiagnosticError(r.diagnostics);
}
