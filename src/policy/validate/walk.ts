/** Iterates the conditions of a policy with the rule and collection they belong to (for the checks). */
import type { AppLockerPolicy, Rule, RuleCollection, RuleCondition } from '../model.js';

export interface ConditionSite {
  readonly collection: RuleCollection;
  readonly rule: Rule;
  readonly condition: RuleCondition;
  /** `condition` = the rule's own condition; `exception` = one of its Exceptions. */
  readonly role: 'condition' | 'exception';
}

export function* conditionSites(policy: AppLockerPolicy): Generator<ConditionSite> {
  for (const collection of policy.ruleCollections) {
    for (const rule of collection.rules) {
      yield { collection, rule, condition: rule.condition, role: 'condition' };
      if (rule.kind !== 'FileHashRule') for (const condition of rule.exceptions ?? []) yield { collection, rule, condition, role: 'exception' };
    }
  }
}
