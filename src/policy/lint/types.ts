/**
 * What a lint rule is and what it gets. A lint rule looks for the ways a *valid* policy can still be bypassed
 * or lock users out (issue 16 item 5); validation (../validate) answers "is it well-formed", lint answers
 * "is it safe". Each rule lives in its own file and is listed in registry.ts. Pure.
 */
import type { Diagnostic, Severity, TextLocation } from '../../diag/index.js';
import type { FileInformation } from '../file-information.js';
import type { AppLockerPolicy, Rule, RuleCollectionType } from '../model.js';
import type { PolicyLocations } from '../xml/locations.js';

/** A lint finding: a Diagnostic, plus the rule (and collection) it is about, for correlation with evidence. */
export interface LintFinding extends Diagnostic {
  /** Id of the policy rule the finding is about (absent for findings about a whole collection). */
  readonly ruleId?: string;
  readonly ruleName?: string;
  readonly collection?: RuleCollectionType;
}

/** A file lint asks about. `path` in variable form (any case). */
export interface Probe {
  readonly path: string;
  readonly publisher?: { readonly publisherName: string; readonly productName: string; readonly binaryName: string; readonly version?: string };
}

/**
 * Does `rule`'s condition, less its exceptions, cover the probe file (whatever the rule's SID and action)?
 * Lint asks; the one evaluator answers: the policy room sits below the engine, so the caller passes the
 * engine's answer in (`engineRuleMatcher`, rollout/analysis/engine-decider.ts) — lint has no matcher of its own.
 */
export type RuleMatcher = (rule: Rule, collection: RuleCollectionType, probe: Probe) => boolean;

export interface LintContext {
  /** Decides whether a rule covers a probe file: the engine (see RuleMatcher). */
  readonly matches: RuleMatcher;
  /** Where the policy's objects are in its XML (from parsePolicy), for file:line:col. */
  readonly locations?: PolicyLocations;
  readonly file?: string;
  /** The admin's own user-writable folders (variable form or `C:\…`), added to USER_WRITABLE_FOLDERS. */
  readonly writableDirs?: readonly string[];
  /** File facts (fileinfo/scan output) for the checks that need them (hash rules for signed files). */
  readonly fileFacts?: readonly FileInformation[];
}

export interface LintRule {
  /** Stable dotted code, `policy.lint.<what>`. */
  readonly code: string;
  /** The severity a finding gets unless the rule says otherwise (e.g. AuditOnly downgrades lock-out). */
  readonly severity: Severity;
  /** One line saying what the rule looks for (for `--help` and docs). */
  readonly title: string;
  check(policy: AppLockerPolicy, ctx: LintContext): LintFinding[];
}

/** Location of a model object, with the file filled in. */
export function where(ctx: LintContext, node: object): TextLocation | undefined {
  const l = ctx.locations?.get(node);
  if (!l) return undefined;
  return ctx.file !== undefined && l.file === undefined ? { ...l, file: ctx.file } : l;
}

/** A finding about one rule of a collection. */
export function ruleFinding(
  ctx: LintContext, code: string, severity: Severity, collection: RuleCollectionType, rule: Rule, message: string, help: string,
): LintFinding {
  const location = where(ctx, rule);
  return { code, severity, message, help, ...(location ? { location } : {}), ruleId: rule.id, ruleName: rule.name, collection };
}
