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

/** A GPO applied to one machine, with where it is linked and how it ranks (lowest precedence first). */
export interface MachineGpo extends AppliedGpo {
  readonly enforced: boolean;
  /** Depth of the container the link is on (domain < parent OU < child OU; a group-name link is the machine's own level). */
  readonly depth: number;
}

/**
 * The GPOs that apply to one machine, lowest precedence first, as Group Policy processes them (§6.1,
 * MS Learn "Group Policy processing and precedence"): containers parent → child (the closer wins); on one
 * container link order descending (link order 1 is processed last and wins); links blocked by Block
 * Inheritance on the machine's OU or a parent below them are dropped unless Enforced; Enforced links come
 * after every other link, child → parent, so an Enforced link on a higher container wins over everything.
 * A link to a business group by name counts as a link on the machine's own OU (the most specific level).
 * `ou` undefined (a machine named in a group but absent from the inventory): the group's OUs stand in.
 * @example gposForMachine({ ou: 'OU=Finance,DC=contoso,DC=com', groups: ['Finance'] }, ws.gpos, [])
 */
export function gposForMachine(
  m: { readonly ou?: string; readonly groups: readonly string[]; readonly groupOus?: readonly string[] },
  gpos: readonly Gpo[],
  blockInheritance: readonly string[] = [],
): MachineGpo[] {
  const ous = m.ou ? [m.ou] : [...(m.groupOus ?? [])];
  const own = Math.max(0, ...ous.map(dnDepth));
  const groupNames = new Set(m.groups.map((g) => g.toLowerCase()));
  // the deepest OU at or above the machine that blocks inheritance: links on containers above it stop there
  const blockDepth = Math.max(0, ...blockInheritance.filter((b) => ous.some((ou) => ouWithin(ou, b))).map(dnDepth));
  const best = new Map<string, MachineGpo>();
  for (const gpo of gpos) {
    for (const link of gpo.links) {
      let depth: number | undefined;
      if (groupNames.has(link.target.toLowerCase())) depth = own + 1;
      else if (link.target.includes('=') && ous.some((ou) => ouWithin(ou, link.target))) depth = dnDepth(link.target);
      if (depth === undefined) continue;
      const enforced = link.enforced ?? false;
      if (!enforced && depth < blockDepth) continue;
      const cand: MachineGpo = { gpo, target: link.target, order: link.order, enforced, depth };
      const prev = best.get(gpo.name);
      // a GPO linked on two applying containers is processed at both; the higher-precedence link is the one that counts
      if (!prev || rank(cand, prev) > 0) best.set(gpo.name, cand);
    }
  }
  return [...best.values()].sort((a, b) => rank(a, b) || a.gpo.name.localeCompare(b.gpo.name));
}

/** Positive when `a` is processed after (has higher precedence than) `b`. */
function rank(a: MachineGpo, b: MachineGpo): number {
  if (a.enforced !== b.enforced) return a.enforced ? 1 : -1;
  if (a.enforced) return b.depth - a.depth || b.order - a.order; // enforced: the higher container wins
  return a.depth - b.depth || b.order - a.order;
}

/** Collections a GPO's policy configures: has rules, sets a mode in its XML, or the workspace declares a mode. */
export function configuredCollections(gpo: Gpo, policy: AppLockerPolicy | undefined): RuleCollectionType[] {
  const out = new Set<RuleCollectionType>();
  for (const c of policy?.ruleCollections ?? []) if (c.rules.length || (c.enforcementMode && c.enforcementMode !== 'NotConfigured')) out.add(c.type);
  for (const t of Object.keys(gpo.enforcement) as RuleCollectionType[]) out.add(t);
  return [...out];
}

/** A policy with these collections set to Enforce rules (the change a readiness verdict is about). */
export function enforcing(policy: AppLockerPolicy, collections: readonly RuleCollectionType[]): AppLockerPolicy {
  const want = new Set(collections);
  const colls = policy.ruleCollections.map((c) => (want.has(c.type) ? { ...c, enforcementMode: 'Enabled' as EnforcementMode } : c));
  for (const t of want) if (!colls.some((c) => c.type === t)) colls.push({ type: t, enforcementMode: 'Enabled', rules: [] });
  return { ...policy, ruleCollections: colls };
}

/** The merged policy of a machine's GPOs (lowest precedence first), each with its declared enforcement. */
export function mergeApplied(applied: readonly AppliedGpo[], policies: ReadonlyMap<string, AppLockerPolicy>, override?: { gpo: string; policy: AppLockerPolicy }): EffectivePolicy {
  return mergeWithProvenance(applied.filter((a) => policies.has(a.gpo.name) || override?.gpo === a.gpo.name).map((a) => ({
    name: a.gpo.name,
    policy: override?.gpo === a.gpo.name ? override.policy : withDeclaredEnforcement(a.gpo, policies.get(a.gpo.name)!),
  })));
}
