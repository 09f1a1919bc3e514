/**
 * The principal a decision is made for: the SIDs of the evaluated access token (applocker.md §3.4,
 * §11.4). Used by both evaluators (reference.ts, decide.ts), the CLI (`--user`) and test cases.
 *
 * AppLocker compiles every rule into a conditional ACE whose trustee is the rule's UserOrGroupSid and
 * runs a standard access check (§3.4, §3.8), so the usual token semantics apply [INFERRED]:
 * allow ACEs match only enabled group SIDs (`sids`), deny ACEs also match deny-only SIDs
 * (`denyOnlySids`, e.g. Administrators in a UAC-filtered token). For the Exe collection a
 * UAC-filtered admin is checked with the linked elevated token (`elevatedSids`) [RE, §3.4].
 */
import type { RuleCollectionType } from '../policy/model.js';

/** Windows well-known SIDs used by AppLocker rules (§1.3, §3.4). */
export const WELL_KNOWN_SIDS = {
  Everyone: 'S-1-1-0',
  CreatorOwner: 'S-1-3-0',
  Interactive: 'S-1-5-4',
  AuthenticatedUsers: 'S-1-5-11',
  LocalSystem: 'S-1-5-18',
  LocalService: 'S-1-5-19',
  NetworkService: 'S-1-5-20',
  Administrators: 'S-1-5-32-544',
  Users: 'S-1-5-32-545',
} as const;

/** A made-up domain user SID for examples and tests (never a real account). */
export const EXAMPLE_USER_SID = 'S-1-5-21-1000000000-1000000000-1000000000-1001';

export interface Principal {
  /** Enabled SIDs of the token (user + groups), upper-case `S-…` form. */
  readonly sids: ReadonlySet<string>;
  /** SIDs present only for deny (UAC-filtered Administrators); deny rules match them, allow rules do not. */
  readonly denyOnlySids?: ReadonlySet<string>;
  /** The linked elevated token's enabled SIDs, used for the Exe collection only (§3.4 UAC asymmetry). */
  readonly elevatedSids?: ReadonlySet<string>;
}

/** Normalises a SID for comparison (SIDs compare case-insensitively, §11.5). */
export function normalizeSid(sid: string): string {
  return sid.trim().toUpperCase();
}

function sidSet(sids: Iterable<string>): ReadonlySet<string> {
  const out = new Set<string>();
  for (const s of sids) out.add(normalizeSid(s));
  return out;
}

/**
 * A principal with exactly these SIDs (Test-AppLockerPolicy `-User <group>` semantics: no implicit
 * groups are added, §3.4).
 * @example principalOf(['S-1-1-0'])
 */
export function principalOf(sids: Iterable<string>, opts: { denyOnly?: Iterable<string>; elevated?: Iterable<string> } = {}): Principal {
  return {
    sids: sidSet(sids),
    ...(opts.denyOnly ? { denyOnlySids: sidSet(opts.denyOnly) } : {}),
    ...(opts.elevated ? { elevatedSids: sidSet(opts.elevated) } : {}),
  };
}

/** Test-AppLockerPolicy's default when `-User` is omitted: Everyone only (§8.1). */
export function everyone(): Principal {
  return principalOf([WELL_KNOWN_SIDS.Everyone]);
}

/**
 * An interactive standard user: the user SID, its extra groups, and the implicit groups every
 * interactive logon carries (Everyone, Interactive, Authenticated Users, BUILTIN\Users; §3.4).
 * @example standardUser('S-1-5-21-1-2-3-1001', ['S-1-5-21-1-2-3-5001'])
 */
export function standardUser(userSid: string = EXAMPLE_USER_SID, groups: Iterable<string> = []): Principal {
  return principalOf([userSid, ...groups, WELL_KNOWN_SIDS.Everyone, WELL_KNOWN_SIDS.Interactive,
    WELL_KNOWN_SIDS.AuthenticatedUsers, WELL_KNOWN_SIDS.Users]);
}

/**
 * A member of BUILTIN\Administrators. Elevated (default): Administrators is enabled. Unelevated
 * (UAC-filtered): Administrators is deny-only, and the Exe collection uses the elevated linked token (§3.4).
 */
export function administrator(userSid: string = EXAMPLE_USER_SID, groups: Iterable<string> = [], opts: { elevated?: boolean } = {}): Principal {
  const base = [...standardUser(userSid, groups).sids];
  if (opts.elevated === false) {
    return principalOf(base, { denyOnly: [WELL_KNOWN_SIDS.Administrators], elevated: [...base, WELL_KNOWN_SIDS.Administrators] });
  }
  return principalOf([...base, WELL_KNOWN_SIDS.Administrators]);
}

/** The SIDs an allow rule can match for this collection (§3.4: Exe uses the elevated linked token). */
export function allowSidsFor(p: Principal, collection: RuleCollectionType): ReadonlySet<string> {
  return collection === 'Exe' && p.elevatedSids ? p.elevatedSids : p.sids;
}

/** Whether a deny rule for `sid` applies: enabled or deny-only SIDs (access-check semantics, §3.4 [INFERRED]). */
export function denyAppliesTo(p: Principal, collection: RuleCollectionType, sid: string): boolean {
  const s = normalizeSid(sid);
  return allowSidsFor(p, collection).has(s) || (p.denyOnlySids?.has(s) ?? false);
}

/** Whether an allow rule for `sid` applies: enabled SIDs only. */
export function allowAppliesTo(p: Principal, collection: RuleCollectionType, sid: string): boolean {
  return allowSidsFor(p, collection).has(normalizeSid(sid));
}
