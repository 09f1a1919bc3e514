/**
 * Collection-level checks: Version, collection Type and EnforcementMode values (case-sensitive, §1.1,
 * AaronLocker "RuleCollection is case-sensitive"), and unique collection types (XSD identity constraint).
 */
import { ALL_RULE_COLLECTION_TYPES, type AppLockerPolicy, type RuleCollection } from '../model.js';
import { clip, type PolicyCheck, type ValidationContext } from './context.js';
import { didYouMean } from './suggest.js';

export const ENFORCEMENT_MODES = ['NotConfigured', 'AuditOnly', 'Enabled'] as const;

/** Help for an enum value that is right but for its case, else the nearest, else the list. */
export function enumHelp(value: string, allowed: readonly string[]): string {
  const sameCase = allowed.find((a) => a.toLowerCase() === value.toLowerCase());
  if (sameCase) return `values are case-sensitive: write \`${sameCase}\``;
  const prefix = value.length >= 3 ? allowed.find((a) => a.toLowerCase().startsWith(value.toLowerCase())) : undefined;
  if (prefix) return `did you mean \`${prefix}\`?`;
  return didYouMean(value, allowed) ?? `use one of ${allowed.map((a) => `\`${a}\``).join(', ')}`;
}

export const collectionsCheck: PolicyCheck = {
  name: 'collections',
  codes: ['policy.validate.invalid-version', 'policy.validate.invalid-collection-type', 'policy.validate.invalid-enforcement-mode', 'policy.validate.duplicate-collection'],
  check(policy: AppLockerPolicy, ctx: ValidationContext): void {
    if (!/^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(policy.version.trim())) {
      ctx.report('policy.validate.invalid-version', 'error', `policy version \`${clip(policy.version)}\` is not a decimal number`, policy, 'Version',
        'write `Version="1"` (the only version Windows emits)');
    }
    const seen = new Map<string, RuleCollection>();
    for (const c of policy.ruleCollections) {
      if (!(ALL_RULE_COLLECTION_TYPES as readonly string[]).includes(c.type)) {
        ctx.report('policy.validate.invalid-collection-type', 'error', `unknown rule collection type \`${clip(c.type)}\``, c, 'Type',
          enumHelp(c.type, ALL_RULE_COLLECTION_TYPES));
      }
      if (c.enforcementMode !== undefined && !(ENFORCEMENT_MODES as readonly string[]).includes(c.enforcementMode)) {
        ctx.report('policy.validate.invalid-enforcement-mode', 'error', `unknown enforcement mode \`${clip(c.enforcementMode)}\` in the ${c.type} collection`, c,
          'EnforcementMode', enumHelp(c.enforcementMode, ENFORCEMENT_MODES));
      }
      const first = seen.get(c.type);
      if (first) {
        const fl = ctx.where(first);
        ctx.report('policy.validate.duplicate-collection', 'error', `a second \`${clip(c.type)}\` rule collection`, c, 'Type',
          'merge the rules into one <RuleCollection> per Type (XSD UniqueRuleCollectionTypeConstraint)',
          fl ? [{ code: 'policy.validate.duplicate-collection', severity: 'info', message: 'the first one is here', location: fl }] : []);
      } else seen.set(c.type, c);
    }
  },
};
