/**
 * The fast engine: decide one file for one principal over a CompiledPolicy (applocker.md §3.2–§3.5,
 * §9.2). Same answers as reference.ts (held together by engine.conformance.ts and the property test);
 * instead of scanning every rule it asks the hash, publisher and path indexes for the rules whose
 * condition matches, then checks each candidate's SID flag and exceptions. Answers are remembered per
 * (prepared file id, principal SID-set id) in the policy's bounded exact decision cache
 * (compile/decision-cache.ts); a raw FileInformation is prepared through the policy's content-keyed memo.
 */
import type { FileInformation } from '../policy/file-information.js';
import {
  EVENT_NO_PACKAGED_APP_RULES, effectOf, eventIdFor,
  type Decision, type SuppressingException,
} from './decision.js';
import type { CompiledRule } from './compile/compiled-rule.js';
import { probeHashIndex } from './compile/hash-index.js';
import { probePathMatchers } from './compile/path-matchers.js';
import type { CompiledPolicy } from './compile/pipeline.js';
import { prepareFile, type PreparedFile } from './compile/prepared-file.js';
import { probePublisherIndex } from './compile/publisher-index.js';
import { sidBits } from './compile/sid-table.js';
import type { Principal } from './principal.js';

/**
 * What the fast engine did for one decision, for tests that must prove the indexed path decided
 * (design README convention 7): `path` is 'indexed' when the indexes were probed, 'no-rules' when the
 * collection had none, 'not-governed' for a file no collection covers; `candidates` are the document
 * indexes of the rules the indexes returned (before SID and exception checks).
 */
export interface DecideTrace {
  path?: 'indexed' | 'no-rules' | 'not-governed';
  candidates?: number[];
}

/**
 * Decides a file (or a file prepared once with prepareFile) for a principal.
 * @example decide(compilePolicy(policy), { path: 'C:\\Users\\u\\a.exe', hashes: {} }, standardUser())
 */
export function decide(compiled: CompiledPolicy, input: FileInformation | PreparedFile, principal: Principal, trace?: DecideTrace): Decision {
  const stats = compiled.stats;
  stats.decisions++;
  let f: PreparedFile;
  if ('kind' in input && input.kind === 'PreparedFile' && input.env === compiled.env) f = input;
  else {
    const memo = compiled.preparedMemo;
    const missesBefore = memo.misses;
    f = memo.prepare('kind' in input && input.kind === 'PreparedFile' ? input.file : (input as FileInformation));
    if (memo.misses !== missesBefore) stats.preparedOnTheFly++;
    else stats.preparedMemoHits++;
  }
  const who = compiled.sidTable.resolve(principal);
  const cache = compiled.decisionCache;
  // A trace asks to watch the indexes work, so it always computes (design README convention 7).
  if (trace !== undefined || cache.size === 0) return decideUncached(compiled, f, who.flags, trace);
  const hit = cache.get(f.id, who.id);
  if (hit !== undefined) {
    stats.cacheHits++;
    return hit;
  }
  const d = cache.intern(decideUncached(compiled, f, who.flags, undefined));
  stats.cacheMisses++;
  cache.put(f.id, who.id, d);
  return d;
}

/** The indexed decision itself; `flags` is the principal's SID flag array for this policy (sid-table.ts). */
function decideUncached(compiled: CompiledPolicy, f: PreparedFile, flags: Uint8Array, trace: DecideTrace | undefined): Decision {
  const stats = compiled.stats;
  const type = f.collection;
  if (!type) {
    if (trace) trace.path = 'not-governed';
    return { verdict: 'AllowedByDefault', reason: 'NotGoverned', mode: 'NotConfigured', effect: 'allowed' };
  }

  const coll = compiled.collections.get(type);
  const mode = coll?.mode ?? 'NotConfigured';
  if (!coll || coll.rules.length === 0) {
    if (trace) trace.path = 'no-rules';
    // Packaged apps with Exe enforced and no Appx rules: event 8027 (§3.2 (1)).
    if (type === 'Appx' && compiled.exeEnforcedWithRules) {
      return { verdict: 'DeniedByDefault', reason: 'NoPackagedAppRules', collection: type, mode, effect: 'blocked', eventId: EVENT_NO_PACKAGED_APP_RULES };
    }
    return { verdict: 'AllowedByDefault', reason: 'CollectionHasNoRules', collection: type, mode, effect: 'allowed' };
  }

  stats.indexedDecisions++;
  const out = compiled.scratch;
  out.length = 0;
  probeHashIndex(coll.hashIndex, f, out);
  probePublisherIndex(coll.publisherIndex, f, out);
  stats.genericScans += probePathMatchers(coll.pathMatchers, f, out);
  stats.candidates += out.length;
  if (trace) {
    trace.path = 'indexed';
    trace.candidates = out.map((r) => r.index);
  }

  const bits = sidBits(type);
  let deny: CompiledRule | undefined;
  let allow: CompiledRule | undefined;
  let suppressedDeny: SuppressingException | undefined;
  let suppressedDenyAt = Infinity;
  let suppressedAllow: SuppressingException | undefined;
  let suppressedAllowAt = Infinity;
  for (let i = 0; i < out.length; i++) {
    const r = out[i]!;
    // Already have an earlier rule of this action: this one cannot be reported, skip the work.
    if (r.deny ? deny !== undefined && deny.index <= r.index : allow !== undefined && allow.index <= r.index) continue;
    if ((flags[r.sidIndex]! & (r.deny ? bits.deny : bits.allow)) === 0) continue;
    let exc: SuppressingException | undefined;
    for (const e of r.exceptions) {
      if (e.test(f)) {
        exc = e.report;
        break;
      }
    }
    if (exc) {
      if (r.deny && r.index < suppressedDenyAt) {
        suppressedDeny = exc;
        suppressedDenyAt = r.index;
      } else if (!r.deny && r.index < suppressedAllowAt) {
        suppressedAllow = exc;
        suppressedAllowAt = r.index;
      }
      continue;
    }
    if (r.deny) deny = r;
    else allow = r;
  }
  out.length = 0;

  if (deny) {
    const effect = effectOf('Denied', mode);
    return { verdict: 'Denied', reason: 'ExplicitDeny', collection: type, mode, effect, eventId: eventIdFor(type, effect, f.activity), rule: deny.decidingRule };
  }
  // Plain literals, no conditional spreads: this is the hot path and a spread allocates a temporary.
  if (allow) {
    const eventId = eventIdFor(type, 'allowed', f.activity);
    if (suppressedDeny) return { verdict: 'Allowed', reason: 'ExplicitAllow', collection: type, mode, effect: 'allowed', eventId, rule: allow.decidingRule, exception: suppressedDeny };
    return { verdict: 'Allowed', reason: 'ExplicitAllow', collection: type, mode, effect: 'allowed', eventId, rule: allow.decidingRule };
  }
  const effect = effectOf('DeniedByDefault', mode);
  const eventId = eventIdFor(type, effect, f.activity);
  if (suppressedAllow) return { verdict: 'DeniedByDefault', reason: 'ImplicitDeny', collection: type, mode, effect, eventId, exception: suppressedAllow };
  return { verdict: 'DeniedByDefault', reason: 'ImplicitDeny', collection: type, mode, effect, eventId };
}

export { prepareFile, type PreparedFile };
