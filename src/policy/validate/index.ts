/**
 * Model-level validation of an AppLocker policy: every problem at once, each with file:line:column and
 * element path when the policy was parsed (PolicyLocations), and a help text. Works on generated and
 * merged policies too (then without locations). parsePolicy calls it.
 * Spec: applocker.md §1.1 (XSD facets and identity constraints), §4.1, §11.2 (strict mode).
 */
import { compareDiagnostics, type Diagnostic } from '../../diag/index.js';
import type { AppLockerPolicy } from '../model.js';
import type { PolicyLocations } from '../xml/locations.js';
import { ValidationContext } from './context.js';
import { POLICY_CHECKS } from './registry.js';

export { POLICY_VALIDATE_CODES, type PolicyValidateCode } from './codes.js';
export { POLICY_CHECKS } from './registry.js';
export type { PolicyCheck } from './context.js';
export { ValidationContext } from './context.js';
export { GUID_RE, SID_RE } from './rules.js';
export { parseFourPartVersion } from './publishers.js';
export { editDistance, nearestName, didYouMean } from './suggest.js';

/**
 * Validates a policy model and returns every diagnostic, sorted by location.
 * @example
 * const diags = validatePolicy(mergedPolicy);           // generated: no locations
 * const diags2 = validatePolicy(p.policy, p.locations, 'gpo.xml');
 */
export function validatePolicy(policy: AppLockerPolicy, locations?: PolicyLocations, file?: string): Diagnostic[] {
  const ctx = new ValidationContext(locations, file ?? locations?.file);
  for (const check of POLICY_CHECKS) check.check(policy, ctx);
  return ctx.diagnostics.sort(compareDiagnostics);
}
