/**
 * The effective AppLocker policy of a business group: the GPOs linked to the group (by name) or to an OU
 * that contains the group's OUs, merged in Group Policy precedence order with provenance (applocker.md
 * §6.1: rules are a union — a later rule with the same Id replaces the earlier; the enforcement mode of a
 * collection is the last one configured). Used by analysis/readiness.ts and simulate/events.ts.
 * The merge itself is the policy room's `mergeGroupPolicy`; this module decides which GPOs apply, in what order.
 */
import { mergeGroupPolicy, type EffectivePolicy, type PolicySource } from '../../policy/index.js';
import type { AppLockerPolicy, EnforcementMode, RuleCollectionType } from '../../policy/model.js';
import type { BusinessGroup, Gpo } from '../workspace/model.js';

export type { EffectivePolicy, PolicySource } from '../../policy/index.js';

/**
 * Merges policies, lowest precedence first, with provenance: the policy room's §6.1 merge.
 * @example mergeWithProvenance([{ name: 'Baseline', policy: a }, { name: 'Finance', policy: b }])
 */
export function mergeWithProvenance(sources: readonly PolicySource[]): EffectivePolicy {
  return mergeGroupPolicy(sources);
}

/** Number of RDN components of a DN (`OU=A,OU=B,DC=x,DC=y` → 4); deeper OUs apply later (§6.1 OU order). */
function dnDepth(dn: string): number {
  return dn.split(',').filter((p) => p.trim()).length;
}

function normDn(dn: string): string {
  return dn.split(',').map((p) => p.trim().toUpperCase()).join(',');
}

/** True when `ou` is `parent` or inside it. */
export function ouWithin(ou: string, parent: string): boolean {
  const a = normDn(ou), b = normDn(parent);
  return a === b || a.endsWith(',' + b);
}

export interface AppliedGpo {
  readonly gpo: Gpo;
  /** The link that applies it to the group. */
  readonly target: string;
  readonly order: number;
}

/**
 * The GPOs that apply to a group, lowest precedence first: by OU depth (parent before child; a link to the
 * group itself counts as at the group's own OU, the most specific), then by link order descending (link
 * order 1 is processed last and wins).
 */
export function gposForGroup(group: BusinessGroup, gpos: readonly Gpo[]): AppliedGpo[] {
  const applied: Array<AppliedGpo & { depth: number }> = [];
  const groupDepth = Math.max(0, ...group.membership.ous.map(dnDepth)) + 1;
  for (const gpo of gpos) {
    for (const link of gpo.links) {
      let depth: number | undefined;
      if (link.target.toLowerCase() === group.name.toLowerCase()) depth = groupDepth;
      else if (link.target.includes('=') && group.membership.ous.some((ou) => ouWithin(ou, link.target))) depth = dnDepth(link.target);
      if (depth === undefined) continue;
      applied.push({ gpo, target: link.target, order: link.order, depth });
      break;
    }
  }
  applied.sort((a, b) => a.depth - b.depth || b.order - a.order || a.gpo.name.localeCompare(b.gpo.name));
  return applied.map(({ gpo, target, order }) => ({ gpo, target, order }));
}

/** Applies a GPO's declared per-collection enforcement over its XML (the workspace is the plan of record). */
export function withDeclaredEnforcement(gpo: Gpo, policy: AppLockerPolicy): AppLockerPolicy {
  const decl = gpo.enforcement;
  if (Object.keys(decl).length === 0) return policy;
  const types = new Set(policy.ruleCollections.map((c) => c.type));
  const colls = policy.ruleCollections.map((c) => (decl[c.type] ? { ...c, enforcementMode: decl[c.type] } : c));
  for (const [t, m] of Object.entries(decl) as Array<[RuleCollectionType, EnforcementMode]>) {
    if (!types.has(t)) colls.push({ type: t, enforcementMode: m, rules: [] });
  }
  return { ...policy, ruleCollections: colls };
}

/** The group's effective policy from the GPOs linked to it; `policies` maps GPO name → its parsed policy. */
export function effectivePolicyForGroup(
  group: BusinessGroup,
  gpos: readonly Gpo[],
  policies: ReadonlyMap<string, AppLockerPolicy>,
): { applied: AppliedGpo[]; effective: EffectivePolicy } {
  const applied = gposForGroup(group, gpos).filter((a) => policies.has(a.gpo.name));
  const sources = applied.map((a) => ({ name: a.gpo.name, policy: withDeclaredEnforcement(a.gpo, policies.get(a.gpo.name)!) }));
  return { applied, effective: mergeWithProvenance(sources) };
}
