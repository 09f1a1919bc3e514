/**
 * "Would this file run for these users?" over a whole collection, each rule decided by the engine (types.ts RuleMatcher): deny beats allow,
 * and a user is affected by a rule when the rule's SID takes the user in (applocker.md §3 evaluation order:
 * explicit deny, then explicit allow, then implicit deny). Used by the lock-out and LOLBin lint rules.
 */
import type { Rule, RuleCollection } from '../model.js';
import type { Probe, RuleMatcher } from './types.js';

export interface ProbeVerdict {
  /** The first allow rule that covers the probe for the users asked about. */
  readonly allow?: Rule;
  /** The first deny rule that covers the probe for those users (it wins over any allow). */
  readonly deny?: Rule;
}

/** Rules of `collection` covering `probe` whose SID passes `sidApplies`. */
export function probeCollection(collection: RuleCollection | undefined, probe: Probe, sidApplies: (sid: string) => boolean, matches: RuleMatcher): ProbeVerdict {
  let allow: Rule | undefined;
  let deny: Rule | undefined;
  for (const r of collection?.rules ?? []) {
    if (!sidApplies(r.userOrGroupSid)) continue;
    if (r.action === 'Deny' ? deny : allow) continue;
    if (!matches(r, collection!.type, probe)) continue;
    if (r.action === 'Deny') deny = r;
    else allow = r;
  }
  return { ...(allow ? { allow } : {}), ...(deny ? { deny } : {}) };
}
