/**
 * Policy lint: where a valid policy can be bypassed or locks users out (issue 16 item 5). `lintPolicy` runs
 * every rule of registry.ts; the readiness report and `lockstep policy lint` call it. Pure.
 */
import { compareDiagnostics } from '../../diag/index.js';
import type { AppLockerPolicy } from '../model.js';
import { LINT_RULES } from './registry.js';
import type { LintContext, LintFinding } from './types.js';

export type { LintContext, LintFinding, LintRule, Probe, RuleMatcher } from './types.js';
export { LINT_RULES } from './registry.js';
export { correlateFindings, type CorrelatedFinding, type FindingEvents, type RuleEventCount } from './correlate.js';
export { lockoutFindings, LOCKOUT_CODE } from './lockout.js';
export { LOLBINS, LOLBIN_CODE, type Lolbin } from './lolbins.js';
export { USER_WRITABLE_CODE } from './user-writable-path.js';
export { BROAD_PUBLISHER_CODE } from './broad-publisher.js';
export { DENY_DEFEATABLE_CODE } from './deny-defeatable.js';
export { HASH_FOR_SIGNED_CODE } from './hash-for-signed.js';
export { canonicalPath, isBroadSid, isAdminSid } from './match.js';

/**
 * Every lint finding for a policy, sorted by location (then code).
 * @example
 * const p = parsePolicy(xml, { file: 'gpo.xml' });
 * if (p.ok) lintPolicy(p.value.policy, { matches: engineRuleMatcher, locations: p.value.locations, file: 'gpo.xml' });
 */
export function lintPolicy(policy: AppLockerPolicy, ctx: LintContext): LintFinding[] {
  const out: LintFinding[] = [];
  for (const rule of LINT_RULES) out.push(...rule.check(policy, ctx));
  return out.sort(compareDiagnostics);
}
