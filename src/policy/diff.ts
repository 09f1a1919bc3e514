/**
 * Semantic, rule-level diff of two AppLocker policies: ignores order, formatting, attribute order and Id case.
 * Rules are matched by Id first; rules left over on both sides are then matched by content, which reports a
 * rule whose Id was regenerated (as a re-import does) as `reidentified` instead of a removal plus an addition.
 */
import type { AppLockerPolicy, EnforcementMode, Rule, RuleCollectionType } from './model.js';
import { enforcementModeOf } from './model.js';

export interface RuleRef {
  readonly collection: RuleCollectionType;
  readonly rule: Rule;
}

export type RuleField = 'collection' | 'name' | 'description' | 'userOrGroupSid' | 'action' | 'kind' | 'condition' | 'exceptions';

export interface RuleChange {
  readonly id: string;
  readonly before: RuleRef;
  readonly after: RuleRef;
  readonly fields: readonly RuleField[];
}

export interface ModeChange {
  readonly collection: RuleCollectionType;
  readonly before: EnforcementMode;
  readonly after: EnforcementMode;
}

export interface PolicyDiff {
  readonly modeChanges: readonly ModeChange[];
  readonly collectionsAdded: readonly RuleCollectionType[];
  readonly collectionsRemoved: readonly RuleCollectionType[];
  readonly extensionsChanged: readonly RuleCollectionType[];
  readonly added: readonly RuleRef[];
  readonly removed: readonly RuleRef[];
  readonly changed: readonly RuleChange[];
  readonly reidentified: readonly { readonly before: RuleRef; readonly after: RuleRef }[];
  readonly identical: boolean;
}

function refs(p: AppLockerPolicy): Map<string, RuleRef> {
  const m = new Map<string, RuleRef>();
  for (const c of p.ruleCollections) for (const rule of c.rules) m.set(rule.id.toLowerCase(), { collection: c.type, rule });
  return m;
}

/** A canonical text of what a condition means: case-insensitive where AppLocker compares case-insensitively. */
function conditionKey(c: unknown): string {
  return JSON.stringify(c, (_k, v: unknown) => (typeof v === 'string' ? v.toUpperCase() : v));
}

function fieldValue(ref: RuleRef, f: RuleField): string {
  const r = ref.rule;
  switch (f) {
    case 'collection': return ref.collection;
    case 'name': return r.name;
    case 'description': return r.description;
    case 'userOrGroupSid': return r.userOrGroupSid.toUpperCase();
    case 'action': return r.action;
    case 'kind': return r.kind;
    case 'condition': return conditionKey(r.condition);
    case 'exceptions': return conditionKey(r.kind === 'FileHashRule' ? [] : r.exceptions);
  }
}

const FIELDS: readonly RuleField[] = ['collection', 'kind', 'action', 'userOrGroupSid', 'condition', 'exceptions', 'name', 'description'];

function changedFields(a: RuleRef, b: RuleRef): RuleField[] {
  return FIELDS.filter((f) => fieldValue(a, f) !== fieldValue(b, f));
}

/** What a rule does, independent of its Id, name and description (used to match re-identified rules). */
function contentKey(ref: RuleRef): string {
  return (['collection', 'kind', 'action', 'userOrGroupSid', 'condition', 'exceptions'] as const).map((f) => fieldValue(ref, f)).join('\u0001');
}

/** Compares `before` with `after`. */
export function diffPolicies(before: AppLockerPolicy, after: AppLockerPolicy): PolicyDiff {
  const a = refs(before);
  const b = refs(after);
  const changed: RuleChange[] = [];
  let removed: RuleRef[] = [];
  let added: RuleRef[] = [];
  for (const [id, ra] of a) {
    const rb = b.get(id);
    if (!rb) removed.push(ra);
    else {
      const fields = changedFields(ra, rb);
      if (fields.length) changed.push({ id: rb.rule.id, before: ra, after: rb, fields });
    }
  }
  for (const [id, rb] of b) if (!a.has(id)) added.push(rb);

  const reidentified: { before: RuleRef; after: RuleRef }[] = [];
  const addedByContent = new Map<string, RuleRef[]>();
  for (const r of added) addedByContent.set(contentKey(r), [...(addedByContent.get(contentKey(r)) ?? []), r]);
  const matched = new Set<RuleRef>();
  removed = removed.filter((r) => {
    const candidates = addedByContent.get(contentKey(r));
    const m = candidates?.shift();
    if (!m) return true;
    matched.add(m);
    reidentified.push({ before: r, after: m });
    return false;
  });
  added = added.filter((r) => !matched.has(r));

  const typesA = new Set(before.ruleCollections.map((c) => c.type));
  const typesB = new Set(after.ruleCollections.map((c) => c.type));
  const modeChanges: ModeChange[] = [];
  const extensionsChanged: RuleCollectionType[] = [];
  for (const t of [...new Set([...typesA, ...typesB])].sort()) {
    const ca = before.ruleCollections.find((c) => c.type === t);
    const cb = after.ruleCollections.find((c) => c.type === t);
    const ma = enforcementModeOf(ca);
    const mb = enforcementModeOf(cb);
    if (ma !== mb) modeChanges.push({ collection: t, before: ma, after: mb });
    if (JSON.stringify(ca?.extensions ?? null) !== JSON.stringify(cb?.extensions ?? null)) extensionsChanged.push(t);
  }
  const collectionsAdded = [...typesB].filter((t) => !typesA.has(t)).sort();
  const collectionsRemoved = [...typesA].filter((t) => !typesB.has(t)).sort();
  const byPlace = (x: RuleRef, y: RuleRef): number => x.collection.localeCompare(y.collection) || x.rule.name.localeCompare(y.rule.name);
  return {
    modeChanges,
    collectionsAdded,
    collectionsRemoved,
    extensionsChanged,
    added: added.sort(byPlace),
    removed: removed.sort(byPlace),
    changed: changed.sort((x, y) => byPlace(x.after, y.after)),
    reidentified,
    identical:
      !modeChanges.length && !added.length && !removed.length && !changed.length && !reidentified.length &&
      !collectionsAdded.length && !collectionsRemoved.length && !extensionsChanged.length,
  };
}

function describeRule(r: RuleRef): string {
  return `${r.collection} ${r.rule.action} ${r.rule.kind} \`${r.rule.name}\` {${r.rule.id}}`;
}

/** Who a rule applies to and what it does are security-relevant: show their old and new values, not just a name. */
function describeFieldChange(c: RuleChange, f: RuleField): string {
  const a = c.before.rule;
  const b = c.after.rule;
  switch (f) {
    case 'userOrGroupSid': return `UserOrGroupSid ${a.userOrGroupSid} -> ${b.userOrGroupSid}`;
    case 'action': return `Action ${a.action} -> ${b.action}`;
    case 'collection': return `moved ${c.before.collection} -> ${c.after.collection}`;
    case 'kind': return `kind ${a.kind} -> ${b.kind}`;
    case 'condition':
      if (a.condition.kind === 'FilePathCondition' && b.condition.kind === 'FilePathCondition') {
        return `Path \`${a.condition.path}\` -> \`${b.condition.path}\``;
      }
      return 'condition changed';
    case 'exceptions': return 'exceptions changed';
    case 'name': return 'name changed';
    case 'description': return 'description changed';
  }
}

/** Human rendering, one line per change, `+`/`-`/`~` like a unified diff. */
export function renderPolicyDiff(d: PolicyDiff): string {
  if (d.identical) return 'policies are equivalent (no rule, mode or extension changes)';
  const lines: string[] = [];
  for (const t of d.collectionsAdded) lines.push(`+ collection ${t}`);
  for (const t of d.collectionsRemoved) lines.push(`- collection ${t}`);
  for (const m of d.modeChanges) lines.push(`~ ${m.collection} EnforcementMode: ${m.before} -> ${m.after}`);
  for (const t of d.extensionsChanged) lines.push(`~ ${t} RuleCollectionExtensions changed`);
  for (const r of d.removed) lines.push(`- ${describeRule(r)}`);
  for (const r of d.added) lines.push(`+ ${describeRule(r)}`);
  for (const c of d.changed) lines.push(`~ ${describeRule(c.after)}: ${c.fields.map((f) => describeFieldChange(c, f)).join('; ')}`);
  for (const r of d.reidentified) lines.push(`~ ${describeRule(r.after)}: same rule, Id was {${r.before.rule.id}}`);
  const counts = `${d.added.length} added, ${d.removed.length} removed, ${d.changed.length} changed, ${d.reidentified.length} re-identified, ${d.modeChanges.length} mode changes`;
  return [...lines, counts].join('\n');
}
