/**
 * Compile stage 1, `path-variables` (applocker.md §4.1, §4.2): turns each rule path pattern into the
 * concrete, upper-case patterns the path matchers index, so no variable is expanded per decision.
 *
 * Why this is exact: AppLocker matches a pattern against every form of the file's path (Win32 path,
 * UNC form, and one `%VAR%\…` form per variable root containing the file, §4.2). A pattern that starts
 * with a known variable can only match that variable's forms, i.e. `%VAR%S` matches iff, for some
 * root R, the file path starts with `R\` and its remainder matches S: the concrete pattern `R+S`
 * guarded by the prefix `R\`. A pattern starting with a literal character (drive letter, `\\server`)
 * can only match the Win32 or UNC form. Anything else (leading `*`, an unknown `%NAME%`) must be
 * tested against every form: "generic".
 */
import type { Diagnostic } from '../../diag/index.js';
import { splitPathVariable, suggestPathVariable } from '../../policy/path-variables.js';
import { variableRoots, type Environment } from '../environment.js';

export type ExpandedPattern =
  /** A concrete pattern tested against the Win32 path (and the UNC form when `alsoUnc`). */
  | { readonly kind: 'concrete'; readonly pattern: string; readonly guard?: string; readonly alsoUnc: boolean }
  /** Tested against every candidate form. */
  | { readonly kind: 'generic'; readonly pattern: string };

/**
 * Expands one FilePathCondition path.
 * @example expandPathPattern('%PROGRAMFILES%\\*', DEFAULT_ENVIRONMENT)
 *   // [{kind:'concrete', pattern:'C:\\PROGRAM FILES\\*', alsoUnc:false}, {… 'C:\\PROGRAM FILES (X86)\\*' …}]
 */
export function expandPathPattern(path: string, env: Environment): ExpandedPattern[] {
  const pattern = path.toUpperCase();
  if (pattern.startsWith('*')) return [{ kind: 'generic', pattern }];
  const { variable, rest } = splitPathVariable(pattern);
  if (variable) {
    const roots = variableRoots(env).find(([v]) => v === variable)?.[1] ?? [];
    // INVARIANT: the guard is redundant when the remainder starts with `\`, so it is dropped there.
    return roots.map((root) => ({
      kind: 'concrete' as const,
      pattern: root + rest,
      ...(rest.startsWith('\\') ? {} : { guard: root + '\\' }),
      alsoUnc: false,
    }));
  }
  if (pattern.startsWith('%')) return [{ kind: 'generic', pattern }];
  return [{ kind: 'concrete', pattern, alsoUnc: true }];
}

/** Warnings for a rule path AppLocker will treat literally (§4.1: only AppLocker variables expand; §4.2: no 8.3 names). */
export function pathPatternDiagnostics(path: string, where: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  const m = /^%([^%\\/]{1,32})%/.exec(path);
  if (m && !splitPathVariable(path).variable) {
    const s = suggestPathVariable(m[0]);
    out.push({
      code: 'engine.compile.unknown-path-variable', severity: 'warning',
      message: `\`${m[0]}\` is not an AppLocker path variable, so \`${path}\` never matches (${where})`,
      ...(s ? { help: `did you mean \`${s}\`?` } : {}),
    });
  }
  if (/~\d/.test(path)) {
    out.push({
      code: 'engine.compile.short-name', severity: 'warning',
      message: `\`${path}\` looks like an 8.3 short name, which AppLocker never matches (${where})`,
      help: 'write the full long path',
    });
  }
  return out;
}
