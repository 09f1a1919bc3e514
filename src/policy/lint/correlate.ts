/**
 * Lint × evidence: for each finding about a rule, how many recorded AppLocker events that rule allowed (and
 * would have blocked) — a user-writable path rule that allowed 40,000 launches from %WINDIR%\Temp is urgent;
 * one that never fired can simply be tightened. Event RuleIds are logged with braces and upper-case
 * (`{921CC481-…}`, applocker.md §10 event fields); policy ids are compared case-insensitively without braces.
 * Pure: takes the store's per-rule counts (store `ruleCounts`).
 */
import type { LintFinding } from './types.js';

export interface RuleEventCount {
  readonly ruleId: string;
  /** `allowed` (8002/8005/8020/8023), `audited` (would be blocked), `blocked`, `other`. */
  readonly outcome: string;
  readonly events: number;
}

export interface FindingEvents {
  readonly allowed: number;
  readonly audited: number;
  readonly blocked: number;
}

export type CorrelatedFinding = LintFinding & { readonly events?: FindingEvents };

const norm = (id: string): string => id.trim().replace(/^\{|\}$/g, '').toLowerCase();

/**
 * Adds `events` to every finding that names a rule (findings about a whole collection get none).
 * @example correlateFindings(lintPolicy(p), await store.ruleCounts({ since }))
 */
export function correlateFindings(findings: readonly LintFinding[], counts: readonly RuleEventCount[]): CorrelatedFinding[] {
  const by = new Map<string, { allowed: number; audited: number; blocked: number }>();
  for (const c of counts) {
    const k = norm(c.ruleId);
    const cur = by.get(k) ?? { allowed: 0, audited: 0, blocked: 0 };
    if (c.outcome === 'allowed' || c.outcome === 'audited' || c.outcome === 'blocked') cur[c.outcome] += c.events;
    by.set(k, cur);
  }
  return findings.map((f) => (f.ruleId ? { ...f, events: by.get(norm(f.ruleId)) ?? { allowed: 0, audited: 0, blocked: 0 } } : f));
}
