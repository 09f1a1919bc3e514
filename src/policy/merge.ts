/**
 * Merging AppLocker policies, with provenance (which input each rule and each collection's mode came from).
 * - mergeGroupPolicy: the effective policy Group Policy builds from linked GPOs (applocker.md §6.1): rules are a
 *   union per collection, a later (higher-precedence) rule with the same Id replaces the earlier one, and each
 *   collection's enforcement mode comes from the last GPO that configures it (NotConfigured never overrides).
 * - mergeSetAppLockerPolicy: `Set-AppLockerPolicy -Merge` (§6.2): the target keeps its rules and its mode; incoming
 *   rules whose Id already exists in the target are dropped; a NotConfigured target collection takes the incoming mode.
 */
import type { AppLockerPolicy, EnforcementMode, Rule, RuleCollection, RuleCollectionExtensions, RuleCollectionType } from './model.js';
import { ALL_RULE_COLLECTION_TYPES } from './model.js';

export interface PolicySource {
  /** A name a person recognises: the GPO name or the file. */
  readonly name: string;
  readonly policy: AppLockerPolicy;
}

export interface EffectivePolicy {
  readonly policy: AppLockerPolicy;
  /** Lower-case rule Id → the source whose copy of the rule is in the result. */
  readonly ruleSources: ReadonlyMap<string, string>;
  /** Collection → the source whose EnforcementMode is in force (absent: NotConfigured everywhere). */
  readonly modeSources: Partial<Record<RuleCollectionType, string>>;
  /** Rule ids that more than one source defined, with every source in order (for review). */
  readonly overriddenRules: ReadonlyMap<string, readonly string[]>;
}

interface Accumulator {
  rules: Map<string, Rule>;
  mode?: EnforcementMode;
  modeSource?: string;
  extensions?: RuleCollectionExtensions;
  seen: boolean;
}

function isConfigured(mode: EnforcementMode | undefined): mode is 'Enabled' | 'AuditOnly' {
  return mode === 'Enabled' || mode === 'AuditOnly';
}

function typeOrder(sources: readonly PolicySource[]): RuleCollectionType[] {
  const present = new Set<RuleCollectionType>();
  for (const s of sources) for (const c of s.policy.ruleCollections) present.add(c.type);
  // Windows exports collections alphabetically by Type (§11.3); keep unknown future types after the known ones.
  return ALL_RULE_COLLECTION_TYPES.filter((t) => present.has(t)).sort();
}

/**
 * The effective policy of GPOs applied lowest precedence first (local, site, domain, OU parent → child).
 * @example mergeGroupPolicy([{ name: 'Baseline', policy: a }, { name: 'Finance', policy: b }])
 */
export function mergeGroupPolicy(sources: readonly PolicySource[]): EffectivePolicy {
  const acc = new Map<RuleCollectionType, Accumulator>();
  const ruleSources = new Map<string, string>();
  const definedBy = new Map<string, string[]>();
  for (const source of sources) {
    for (const c of source.policy.ruleCollections) {
      let a = acc.get(c.type);
      if (!a) acc.set(c.type, (a = { rules: new Map(), seen: true }));
      for (const r of c.rules) {
        const key = r.id.toLowerCase();
        // INVARIANT: Map keeps first-insertion order, so a replaced rule keeps its place, as a registry subkey would.
        a.rules.set(key, r);
        ruleSources.set(key, source.name);
        definedBy.set(key, [...(definedBy.get(key) ?? []), source.name]);
      }
      // "The last write to the policy is applied"; NotConfigured does not write (§6.1, [DOC]).
      if (isConfigured(c.enforcementMode)) {
        a.mode = c.enforcementMode;
        a.modeSource = source.name;
      }
      if (c.extensions) a.extensions = c.extensions;
    }
  }
  const ruleCollections: RuleCollection[] = [];
  const modeSources: Partial<Record<RuleCollectionType, string>> = {};
  for (const type of typeOrder(sources)) {
    const a = acc.get(type)!;
    if (a.modeSource) modeSources[type] = a.modeSource;
    ruleCollections.push({
      type,
      enforcementMode: a.mode ?? 'NotConfigured',
      rules: [...a.rules.values()],
      ...(a.extensions ? { extensions: a.extensions } : {}),
    });
  }
  const overriddenRules = new Map([...definedBy].filter(([, names]) => names.length > 1));
  return { policy: { version: '1', ruleCollections }, ruleSources, modeSources, overriddenRules };
}

/**
 * `Set-AppLockerPolicy -Merge`: merges `incoming` into the policy already in the `target` GPO.
 * Which copy of a duplicate-Id rule survives is undocumented; the target's is kept (§6.2 recommendation).
 */
export function mergeSetAppLockerPolicy(target: PolicySource, incoming: PolicySource): EffectivePolicy {
  const ruleSources = new Map<string, string>();
  const modeSources: Partial<Record<RuleCollectionType, string>> = {};
  const overridden = new Map<string, string[]>();
  const ruleCollections: RuleCollection[] = [];
  for (const type of typeOrder([target, incoming])) {
    const t = target.policy.ruleCollections.find((c) => c.type === type);
    const i = incoming.policy.ruleCollections.find((c) => c.type === type);
    const rules = new Map<string, Rule>();
    for (const r of t?.rules ?? []) {
      rules.set(r.id.toLowerCase(), r);
      ruleSources.set(r.id.toLowerCase(), target.name);
    }
    for (const r of i?.rules ?? []) {
      const key = r.id.toLowerCase();
      if (rules.has(key)) {
        overridden.set(key, [target.name, incoming.name]);
        continue;
      }
      rules.set(key, r);
      ruleSources.set(key, incoming.name);
    }
    let mode: EnforcementMode = 'NotConfigured';
    if (isConfigured(t?.enforcementMode)) {
      mode = t.enforcementMode;
      modeSources[type] = target.name;
    } else if (isConfigured(i?.enforcementMode)) {
      mode = i.enforcementMode;
      modeSources[type] = incoming.name;
    }
    const extensions = t?.extensions ?? i?.extensions;
    ruleCollections.push({ type, enforcementMode: mode, rules: [...rules.values()], ...(extensions ? { extensions } : {}) });
  }
  return { policy: { version: '1', ruleCollections }, ruleSources, modeSources, overriddenRules: overridden };
}
