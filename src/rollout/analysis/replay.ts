/**
 * Replays evidence through a policy: decides what a policy would do with a file as it appears in the
 * evidence (variable-form FilePath, SHA-256 FileHash, FQBN), following applocker.md §3.2 (deny → allow →
 * implicit deny, per collection), §3.3 (modes), §4.2 (path wildcards), §5.2 (publisher fields and version
 * range) and §5.3 (hash). Used by analysis/would-block.ts for CANDIDATE policies and by simulate/ to log
 * events consistent with the policy it generated.
 *
 * Why not the engine directly: the engine decides over FileInformation with a real Windows path and a
 * principal token; the evidence only has the logged variable form, the FQBN and the hash. This module is the
 * evidence-level adapter; `EvidenceDecider` is the port so the engine (src/engine) can be plugged in by the
 * caller (see `makeDecider`).
 */
import { parseFqbn } from '../../policy/fqbn.js';
import type {
  AppLockerPolicy,
  EnforcementMode,
  Rule,
  RuleCollectionType,
  RuleCondition,
} from '../../policy/model.js';
import { enforcementModeOf, findCollection, ruleExceptions } from '../../policy/model.js';

/** The facts about one file that the evidence carries (applocker.md §9.3). */
export interface EvidenceFacts {
  readonly collection: RuleCollectionType;
  /** Variable form as logged: `%OSDRIVE%\USERS\ALICE\APPDATA\…`. */
  readonly filePath: string;
  /** SHA-256 upper hex without `0x`, or undefined when the event had none. */
  readonly fileHash?: string;
  /** `PUB\PROD\BIN\VER` or undefined / `-` for unsigned. */
  readonly fqbnText?: string;
}

export type ReplayVerdict = 'Allowed' | 'Denied' | 'AllowedByDefault' | 'DeniedByDefault';

export interface ReplayDecision {
  readonly verdict: ReplayVerdict;
  readonly ruleId?: string;
  readonly ruleName?: string;
  readonly collection: RuleCollectionType;
  readonly mode: EnforcementMode;
  /** True when the verdict is a deny and the collection has rules: Enforce would block it. */
  readonly wouldBlock: boolean;
  /** The evidence lacked the hash or the FQBN, so hash/publisher rules could not be tested fully. */
  readonly incompleteFacts: boolean;
}

/** Decides one file for one principal (a set of SIDs: user + groups). */
export type EvidenceDecider = (facts: EvidenceFacts, principalSids: ReadonlySet<string>) => ReplayDecision;

/** Well-known SIDs (MS Learn, "Well-known SIDs"). */
export const SID = {
  everyone: 'S-1-1-0',
  authenticatedUsers: 'S-1-5-11',
  interactive: 'S-1-5-4',
  users: 'S-1-5-32-545',
  administrators: 'S-1-5-32-544',
  localSystem: 'S-1-5-18',
  localService: 'S-1-5-19',
  networkService: 'S-1-5-20',
} as const;

/**
 * The SIDs a token of `userSid` is assumed to carry. Events log only the user SID (§9.3), not the groups,
 * so group membership is inferred: everyone is Everyone/Authenticated Users/Users; `isAdministrator` adds
 * BUILTIN\Administrators (the default rules allow admins everything, §7).
 */
export function principalFor(userSid: string | undefined, isAdministrator: boolean): Set<string> {
  const s = new Set<string>([SID.everyone, SID.authenticatedUsers, SID.interactive, SID.users]);
  if (userSid) s.add(userSid.toUpperCase());
  if (isAdministrator) s.add(SID.administrators);
  return s;
}

// %SYSTEM32% is inside %WINDIR%: rules written as %WINDIR%\* cover files logged as %SYSTEM32%\… (§4.1)
function canonicalPath(p: string): string {
  const u = p.trim().toUpperCase().replace(/\//g, '\\');
  return u.startsWith('%SYSTEM32%') ? '%WINDIR%\\SYSTEM32' + u.slice('%SYSTEM32%'.length) : u;
}

const pathRegexCache = new Map<string, RegExp>();

/** AppLocker path condition match (§4.2): `*` any run of characters, a trailing `\` means the folder's contents. */
export function pathConditionMatches(rulePath: string, filePath: string): boolean {
  let rp = canonicalPath(rulePath);
  if (rp.endsWith('\\')) rp += '*';
  let re = pathRegexCache.get(rp);
  if (!re) {
    const body = rp
      .split('*')
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*');
    re = new RegExp(`^${body}$`, 's');
    if (pathRegexCache.size > 10_000) pathRegexCache.clear();
    pathRegexCache.set(rp, re);
  }
  return re.test(canonicalPath(filePath));
}

/** Compares `a.b.c.d` versions numerically; missing parts are 0. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map((x) => Number.parseInt(x, 10) || 0);
  const pb = b.split('.').map((x) => Number.parseInt(x, 10) || 0);
  for (let i = 0; i < 4; i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return 0;
}

function fieldMatches(ruleValue: string, fileValue: string): boolean {
  return ruleValue === '*' || ruleValue.toUpperCase() === fileValue.toUpperCase();
}

function conditionMatches(c: RuleCondition, f: EvidenceFacts): boolean {
  switch (c.kind) {
    case 'FilePathCondition':
      return pathConditionMatches(c.path, f.filePath);
    case 'FileHashCondition': {
      if (!f.fileHash) return false;
      const h = f.fileHash.toUpperCase().replace(/^0X/, '');
      // Events log the SHA-256 (Authenticode for PE) hash; SHA256Flat/SHA1 values cannot match it (§5.3)
      return c.fileHashes.some((x) => x.type === 'SHA256' && x.data.toUpperCase().replace(/^0X/, '') === h);
    }
    case 'FilePublisherCondition': {
      const p = parseFqbn(f.fqbnText);
      if (!p) return false; // unsigned: publisher conditions never match (§5.2)
      if (!fieldMatches(c.publisherName, p.publisherName)) return false;
      if (!fieldMatches(c.productName, p.productName)) return false;
      if (!fieldMatches(c.binaryName, p.binaryName)) return false;
      const low = c.binaryVersionRange?.lowSection ?? '*';
      const high = c.binaryVersionRange?.highSection ?? '*';
      if (low === '*' && high === '*') return true;
      if (!p.binaryVersion) return false;
      if (low !== '*' && compareVersions(p.binaryVersion, low) < 0) return false;
      if (high !== '*' && compareVersions(p.binaryVersion, high) > 0) return false;
      return true;
    }
  }
}

function ruleMatches(r: Rule, f: EvidenceFacts): boolean {
  return conditionMatches(r.condition, f) && !ruleExceptions(r).some((e) => conditionMatches(e, f));
}

/**
 * The evidence-level evaluator of §3.2 over one policy. Deny first, then allow, then implicit deny; an
 * empty collection allows everything (AllowedByDefault).
 */
export function evidenceDecider(policy: AppLockerPolicy): EvidenceDecider {
  return (facts, principal) => {
    const coll = findCollection(policy, facts.collection);
    const mode = enforcementModeOf(coll);
    const incompleteFacts = !facts.fileHash || !parseFqbn(facts.fqbnText);
    const rules = coll?.rules ?? [];
    const base = { collection: facts.collection, mode, incompleteFacts };
    if (rules.length === 0) return { ...base, verdict: 'AllowedByDefault', wouldBlock: false };
    const applicable = rules.filter((r) => principal.has(r.userOrGroupSid.toUpperCase()));
    // AppLocker checks Deny rules first; a Deny can't be overridden by any Allow (§3.2 rule 3)
    const deny = applicable.find((r) => r.action === 'Deny' && ruleMatches(r, facts));
    if (deny) return { ...base, verdict: 'Denied', ruleId: deny.id, ruleName: deny.name, wouldBlock: true };
    const allow = applicable.find((r) => r.action === 'Allow' && ruleMatches(r, facts));
    if (allow) return { ...base, verdict: 'Allowed', ruleId: allow.id, ruleName: allow.name, wouldBlock: false };
    return { ...base, verdict: 'DeniedByDefault', wouldBlock: true };
  };
}
