/**
 * What Enforce would block, from the evidence (issue 6 item 4, issue 10 items 2, 3, 8): every file in the
 * evidence replayed through the GPO's policy as it stands (and through a candidate, when one is given) with
 * the engine, per user with the token Windows builds for that user (engine/principal.ts `tokenFor`, §3.4),
 * after the change: the GPO's collections set to Enforce rules (§3.2, §3.3). Deltas between current and
 * candidate: newly allowed, still blocked, newly blocked. Marks approved applications and administrators.
 * Used by analysis/readiness.ts.
 */
import { compilePolicy, decide, everyone, isAdministratorUser, tokenFor, type Principal, type PrincipalDirectory } from '../../engine/index.js';
import { parseFqbn } from '../../policy/fqbn.js';
import { isUserWritablePath } from '../../policy/user-writable.js';
import { RULE_COLLECTION_TYPES, type AppLockerPolicy, type RuleCollectionType } from '../../policy/model.js';
import type { FileEvidence } from '../ports.js';
import type { ApprovedApplication } from '../workspace/model.js';
import { factsToFileInformation } from './engine-decider.js';
import type { EvidenceDecider, EvidenceFacts } from './replay.js';

/** Why the file would be blocked: a Deny rule matched, or no Allow rule did (implicit deny, §3.2). */
export type WouldBlockCause = 'denied' | 'not-allowed';

export interface WouldBlockFile {
  readonly collection: RuleCollectionType;
  readonly filePath: string;
  readonly fullFilePath?: string;
  readonly fileHash?: string;
  readonly fqbnText?: string;
  readonly cause: WouldBlockCause;
  /** The rule that denies it (for `denied`). */
  readonly ruleId?: string;
  readonly ruleName?: string;
  /** Executions by the users it would block. */
  readonly events: number;
  readonly userCount: number;
  readonly computerCount: number;
  /** Users (SIDs) that would be blocked, at most 50. */
  readonly users: readonly string[];
  readonly computers: readonly string[];
  readonly firstSeen: string;
  readonly lastSeen: string;
  /** What the events said happened (the policy in force when they were logged, §9.2). */
  readonly loggedOutcomes: readonly string[];
  /** The approved application this file is, if any. */
  readonly approvedApp?: string;
  /** An administrator ran it (upper bound: the file's events include an administrator). */
  readonly byAdministrator: boolean;
  readonly userWritable: boolean;
}

/** True for administrators: the workspace's list (users or groups), BUILTIN\Administrators members, system accounts, RID 500. */
export function isAdministratorSid(sid: string, directory: PrincipalDirectory): boolean {
  return isAdministratorUser(sid, directory);
}

/**
 * Matches files to approved applications through the engine: each approved application becomes an
 * Allow rule (publisher condition or path condition, §4.2, §5.2) in every collection, and a file is that
 * application when the engine allows it by that rule.
 */
export function approvedMatcher(approved: readonly ApprovedApplication[]): (f: EvidenceFacts) => string | undefined {
  const compiled = approved.map((a, i) => {
    const id = `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
    const condition = a.publisher
      ? { kind: 'FilePublisherCondition' as const, publisherName: a.publisher, productName: a.product ?? '*', binaryName: a.binary ?? '*', binaryVersionRange: { lowSection: '*', highSection: '*' } }
      : { kind: 'FilePathCondition' as const, path: a.path ?? '' };
    const rule = condition.kind === 'FilePublisherCondition'
      ? { kind: 'FilePublisherRule' as const, id, name: a.name, description: '', userOrGroupSid: 'S-1-1-0', action: 'Allow' as const, condition, exceptions: [] }
      : { kind: 'FilePathRule' as const, id, name: a.name, description: '', userOrGroupSid: 'S-1-1-0', action: 'Allow' as const, condition, exceptions: [] };
    const policy: AppLockerPolicy = { version: '1', ruleCollections: RULE_COLLECTION_TYPES.filter((t) => t !== 'ManagedInstaller').map((type) => ({ type, enforcementMode: 'Enabled' as const, rules: [rule] })) };
    const pathAlso = a.publisher && a.path ? compilePolicy({ version: '1', ruleCollections: policy.ruleCollections.map((c) => ({ ...c, rules: [{ kind: 'FilePathRule' as const, id, name: a.name, description: '', userOrGroupSid: 'S-1-1-0', action: 'Allow' as const, condition: { kind: 'FilePathCondition' as const, path: a.path ?? '' }, exceptions: [] }] })) }) : undefined;
    return { name: a.name, compiled: compilePolicy(policy), pathAlso };
  });
  const who = everyone();
  return (f) => {
    const file = factsToFileInformation(f);
    for (const c of compiled) {
      if (decide(c.compiled, file, who).verdict !== 'Allowed') continue;
      if (c.pathAlso && decide(c.pathAlso, file, who).verdict !== 'Allowed') continue;
      return c.name;
    }
    return undefined;
  };
}

export interface ReplayOptions {
  readonly approved: readonly ApprovedApplication[];
  readonly directory: PrincipalDirectory;
  /** Only files of these collections count (the collections the change enforces). */
  readonly collections?: ReadonlySet<RuleCollectionType>;
  /** The policy in force after the change, as the workspace holds it today. */
  readonly current: EvidenceDecider;
  /** The same with the candidate in place of the GPO's policy (`--policy`). */
  readonly candidate?: EvidenceDecider;
}

export interface ReplayResult {
  /** Blocked under the policy judged (the candidate when given, else the current policy). */
  readonly wouldBlock: WouldBlockFile[];
  /** With a candidate: blocked today, allowed by the candidate. */
  readonly newlyAllowed: WouldBlockFile[];
  /** With a candidate: blocked by both. */
  readonly stillBlocked: WouldBlockFile[];
  /** With a candidate: allowed today, blocked by the candidate (whom dropping a rule would break). */
  readonly newlyBlocked: WouldBlockFile[];
  /** Distinct files replayed that lacked a hash or an FQBN (publisher/hash rules could not be tested on them). */
  readonly incompleteFacts: number;
}

class Bucket {
  readonly m = new Map<string, WouldBlockFile>();
  add(f: FileEvidence, collection: RuleCollectionType, users: readonly string[], restBlocked: number, why: { cause: WouldBlockCause; ruleId?: string; ruleName?: string }, extra: { approvedApp?: string; byAdministrator: boolean }): void {
    // the same file can appear under several logged outcomes; report it once with summed counts
    const key = [collection, f.filePath, f.fileHash ?? '', f.fqbnText ?? ''].join('\u0000');
    const prev = this.m.get(key);
    const named = users.filter((u) => u !== '');
    const userSet = new Set([...(prev?.users ?? []), ...named]);
    const compSet = new Set([...(prev?.computers ?? []), ...f.computers]);
    const share = f.userCount > 0 ? (named.length + restBlocked) / f.userCount : 1;
    this.m.set(key, {
      collection, filePath: f.filePath,
      ...(f.fullFilePath ? { fullFilePath: f.fullFilePath } : {}),
      ...(f.fileHash ? { fileHash: f.fileHash } : {}),
      ...(f.fqbnText ? { fqbnText: f.fqbnText } : {}),
      cause: prev?.cause === 'denied' ? 'denied' : why.cause,
      ...((prev?.ruleId ?? why.ruleId) ? { ruleId: prev?.ruleId ?? why.ruleId } : {}),
      ...((prev?.ruleName ?? why.ruleName) ? { ruleName: prev?.ruleName ?? why.ruleName } : {}),
      // events are not split per user in the aggregate: a file blocked for some of its users counts its
      // events in proportion (all of them when every user is blocked)
      events: (prev?.events ?? 0) + Math.max(1, Math.round(f.events * Math.min(1, share))),
      userCount: Math.max(prev?.userCount ?? 0, userSet.size + restBlocked),
      computerCount: Math.max(prev?.computerCount ?? 0, f.computerCount, compSet.size),
      users: [...userSet].sort().slice(0, 50),
      computers: [...compSet].sort().slice(0, 50),
      firstSeen: prev && prev.firstSeen < f.firstSeen ? prev.firstSeen : f.firstSeen,
      lastSeen: prev && prev.lastSeen > f.lastSeen ? prev.lastSeen : f.lastSeen,
      loggedOutcomes: [...new Set([...(prev?.loggedOutcomes ?? []), f.outcome])].sort(),
      ...(extra.approvedApp ? { approvedApp: extra.approvedApp } : {}),
      byAdministrator: (prev?.byAdministrator ?? false) || extra.byAdministrator,
      userWritable: isUserWritablePath(f.filePath),
    });
  }
  list(): WouldBlockFile[] {
    return [...this.m.values()].sort((a, b) => b.events - a.events || a.filePath.localeCompare(b.filePath));
  }
}

/**
 * Replays the distinct files of the evidence. Users beyond the 50 the store lists per file are decided
 * with the token of a user the workspace knows nothing about (the implicit groups only).
 * @example replayFiles(files, { approved: [], directory, current: engineDecider(policy) })
 */
export function replayFiles(files: readonly FileEvidence[], opts: ReplayOptions): ReplayResult {
  const tokens = new Map<string, Principal>();
  const token = (sid: string | undefined): Principal => {
    const k = sid ?? '';
    let t = tokens.get(k);
    if (!t) tokens.set(k, (t = tokenFor(sid, opts.directory)));
    return t;
  };
  const isApproved = approvedMatcher(opts.approved);
  const judged = new Bucket(), newlyAllowed = new Bucket(), stillBlocked = new Bucket(), newlyBlocked = new Bucket();
  let incomplete = 0;
  for (const f of files) {
    const collection = f.collection;
    if (!collection || f.outcome === 'other') continue;
    if (opts.collections && !opts.collections.has(collection)) continue;
    const facts: EvidenceFacts = { collection, filePath: f.filePath, ...(f.fileHash ? { fileHash: f.fileHash } : {}), ...(f.fqbnText ? { fqbnText: f.fqbnText } : {}) };
    if (!f.fileHash || !parseFqbn(f.fqbnText)) incomplete++;
    // '' stands for "the user the event did not name" (events without a SID): the implicit groups only
    const users: string[] = f.users.length ? [...f.users] : [''];
    const rest = Math.max(0, f.userCount - f.users.length);
    type Why = { cause: WouldBlockCause; ruleId?: string; ruleName?: string };
    const whyOf = (r: { verdict: string; ruleId?: string; ruleName?: string }): Why => ({ cause: r.verdict === 'Denied' ? 'denied' : 'not-allowed', ...(r.ruleId ? { ruleId: r.ruleId } : {}), ...(r.ruleName ? { ruleName: r.ruleName } : {}) });
    const run = (d: EvidenceDecider): { blocked: string[]; rest: number; why: Why | undefined } => {
      const blocked: string[] = [];
      let why: Why | undefined;
      for (const u of users) {
        const r = d(facts, token(u || undefined));
        if (!r.wouldBlock) continue;
        blocked.push(u);
        if (!why || (r.verdict === 'Denied' && why.cause !== 'denied')) why = whyOf(r);
      }
      let restBlocked = 0;
      if (rest > 0) {
        const r = d(facts, token(undefined));
        if (r.wouldBlock) {
          restBlocked = rest;
          why ??= whyOf(r);
        }
      }
      return { blocked, rest: restBlocked, why };
    };
    const extraFor = (blocked: readonly string[], restBlocked: number): { approvedApp?: string; byAdministrator: boolean } => {
      const approvedApp = isApproved(facts);
      const admins = f.users.some((u) => isAdministratorSid(u, opts.directory));
      return { ...(approvedApp ? { approvedApp } : {}), byAdministrator: blocked.some((u) => u && isAdministratorSid(u, opts.directory)) || (restBlocked > 0 && admins) };
    };
    const cur = run(opts.current);
    if (!opts.candidate) {
      if (cur.why) judged.add(f, collection, cur.blocked, cur.rest, cur.why, extraFor(cur.blocked, cur.rest));
      continue;
    }
    const cand = run(opts.candidate);
    if (cand.why) judged.add(f, collection, cand.blocked, cand.rest, cand.why, extraFor(cand.blocked, cand.rest));
    const curSet = new Set(cur.blocked), candSet = new Set(cand.blocked);
    const nowAllowed = cur.blocked.filter((u) => !candSet.has(u));
    const still = cand.blocked.filter((u) => curSet.has(u));
    const nowBlocked = cand.blocked.filter((u) => !curSet.has(u));
    const restAllowed = cur.rest > 0 && cand.rest === 0 ? cur.rest : 0;
    const restStill = Math.min(cur.rest, cand.rest);
    const restNowBlocked = cand.rest > 0 && cur.rest === 0 ? cand.rest : 0;
    if (nowAllowed.length || restAllowed) newlyAllowed.add(f, collection, nowAllowed, restAllowed, cur.why!, extraFor(nowAllowed, restAllowed));
    if (still.length || restStill) stillBlocked.add(f, collection, still, restStill, cand.why!, extraFor(still, restStill));
    if (nowBlocked.length || restNowBlocked) newlyBlocked.add(f, collection, nowBlocked, restNowBlocked, cand.why!, extraFor(nowBlocked, restNowBlocked));
  }
  return { wouldBlock: judged.list(), newlyAllowed: newlyAllowed.list(), stillBlocked: stillBlocked.list(), newlyBlocked: newlyBlocked.list(), incompleteFacts: incomplete };
}
