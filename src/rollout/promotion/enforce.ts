/**
 * The enforced policy (issue 11 item 2): the GPO's policy with EnforcementMode="Enabled" on the chosen
 * collections and every other collection untouched (applocker.md §1.1 EnforcementMode; §3.3 modes are per
 * collection). A chosen collection the policy does not have yet is added empty — which AppLocker treats as
 * allow-all (§3.2 rule 1) — so the caller can see it in the diff; rules come from `rules accept`.
 */
import { enforcementModeOf, findCollection, type AppLockerPolicy, type EnforcementMode, type RuleCollection, type RuleCollectionType } from '../../policy/model.js';

export type CollectionModes = Partial<Record<RuleCollectionType, EnforcementMode>>;

/** Mode of every collection the policy has (absent attribute = NotConfigured, §1.1). */
export function collectionModes(policy: AppLockerPolicy): CollectionModes {
  const out: CollectionModes = {};
  for (const c of policy.ruleCollections) out[c.type] = enforcementModeOf(c);
  return out;
}

/** `policy` with `mode` on `collections`; the others keep their mode and rules. */
export function withEnforcement(policy: AppLockerPolicy, collections: readonly RuleCollectionType[], mode: EnforcementMode = 'Enabled'): AppLockerPolicy {
  const colls: RuleCollection[] = policy.ruleCollections.map((c) => (collections.includes(c.type) ? { ...c, enforcementMode: mode } : c));
  for (const t of collections) if (!findCollection(policy, t)) colls.push({ type: t, enforcementMode: mode, rules: [] });
  return { ...policy, ruleCollections: colls };
}
