/**
 * What a use case returns: the diag room's `Result`, plus — on failure — which kind of failure it was, so each
 * adapter maps it to its own answer (CLI exit code 1 or 3, HTTP 400/404/422/503) without parsing codes.
 */
import type { Diagnostic } from '../diag/index.js';

/** `invalid`: the workspace, a policy or an input file is wrong; `usage`: the request names something that
 * does not exist or combines options badly; `unavailable`: the tool could not do its job (store unreachable). */
export type FailureKind = 'invalid' | 'usage' | 'unavailable';

export type UseCaseResult<T> =
  | { readonly ok: true; readonly value: T; readonly diagnostics: readonly Diagnostic[] }
  | { readonly ok: false; readonly failure: FailureKind; readonly diagnostics: readonly Diagnostic[] };

export function succeed<T>(value: T, diagnostics: readonly Diagnostic[] = []): UseCaseResult<T> {
  return { ok: true, value, diagnostics };
}

export function refuse<T = never>(failure: FailureKind, diagnostics: readonly Diagnostic[]): UseCaseResult<T> {
  return { ok: false, failure, diagnostics };
}

/** A usage problem as one diagnostic. */
export function usage<T = never>(code: string, message: string, help?: string): UseCaseResult<T> {
  return refuse('usage', [{ code, severity: 'error', message, ...(help ? { help } : {}) }]);
}

/** A diag `Result` as a use-case result, failing with `failure`. */
export function fromResult<T>(r: { readonly ok: true; readonly value: T; readonly diagnostics: readonly Diagnostic[] } | { readonly ok: false; readonly diagnostics: readonly Diagnostic[] }, failure: FailureKind): UseCaseResult<T> {
  return r.ok ? succeed(r.value, r.diagnostics) : refuse(failure, r.diagnostics);
}
