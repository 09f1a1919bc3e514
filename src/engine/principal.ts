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

// The well-known SIDs are one table, in the policy room so lint (below the engine) reads the same one.
import { WELL_KNOWN_SIDS } from '../policy/sids.js';

export { WELL_KNOWN_SIDS };

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

/**
 * Names Windows shows for well-known SIDs (MS Learn, "Well-known SIDs"; `whoami /groups` prints them in
 * this form). Keys are upper-case; `resolveSidName` also accepts the bare name without `BUILTIN\` or
 * `NT AUTHORITY\`. The one SID table of the product: the CLI (`--user`), the workspace (`administrators:`,
 * the principals file) and the readiness analysis all resolve names here.
 */
export const WELL_KNOWN_SID_NAMES: ReadonlyMap<string, string> = new Map([
  ['EVERYONE', 'S-1-1-0'],
  ['LOCAL', 'S-1-2-0'],
  ['CONSOLE LOGON', 'S-1-2-1'],
  ['CREATOR OWNER', 'S-1-3-0'],
  ['NT AUTHORITY\\NETWORK', 'S-1-5-2'],
  ['NT AUTHORITY\\BATCH', 'S-1-5-3'],
  ['NT AUTHORITY\\INTERACTIVE', 'S-1-5-4'],
  ['NT AUTHORITY\\SERVICE', 'S-1-5-6'],
  ['NT AUTHORITY\\ANONYMOUS LOGON', 'S-1-5-7'],
  ['NT AUTHORITY\\AUTHENTICATED USERS', 'S-1-5-11'],
  ['NT AUTHORITY\\THIS ORGANIZATION', 'S-1-5-15'],
  ['NT AUTHORITY\\SYSTEM', 'S-1-5-18'],
  ['NT AUTHORITY\\LOCAL SERVICE', 'S-1-5-19'],
  ['NT AUTHORITY\\NETWORK SERVICE', 'S-1-5-20'],
  ['NT AUTHORITY\\LOCAL ACCOUNT', 'S-1-5-113'],
  ['NT AUTHORITY\\LOCAL ACCOUNT AND MEMBER OF ADMINISTRATORS GROUP', 'S-1-5-114'],
  ['BUILTIN\\ADMINISTRATORS', 'S-1-5-32-544'],
  ['BUILTIN\\USERS', 'S-1-5-32-545'],
  ['BUILTIN\\GUESTS', 'S-1-5-32-546'],
  ['BUILTIN\\POWER USERS', 'S-1-5-32-547'],
  ['BUILTIN\\REMOTE DESKTOP USERS', 'S-1-5-32-555'],
]);

const SID_RE = /^S-1-\d+(-\d+)*$/i;

/** True for text in `S-1-…` form. */
export function isSidText(text: string): boolean {
  return SID_RE.test(text.trim());
}

/**
 * A user or group name (or a SID) → its SID. Well-known names first (`Everyone`, `BUILTIN\Administrators`,
 * `Administrators`, `NT AUTHORITY\Authenticated Users`), then `directory` (upper-case `DOMAIN\name` → SID,
 * from the workspace's principals file; a bare `name` matches when exactly one `…\name` does).
 * @example resolveSidName('BUILTIN\\Users') // 'S-1-5-32-545'
 */
export function resolveSidName(text: string, directory?: ReadonlyMap<string, string>): string | undefined {
  const t = text.trim();
  if (isSidText(t)) return normalizeSid(t);
  const u = t.toUpperCase();
  const wk = WELL_KNOWN_SID_NAMES.get(u) ?? WELL_KNOWN_SID_NAMES.get(`BUILTIN\\${u}`) ?? WELL_KNOWN_SID_NAMES.get(`NT AUTHORITY\\${u}`);
  if (wk) return wk;
  if (!directory) return undefined;
  const exact = directory.get(u);
  if (exact) return exact;
  if (u.includes('\\')) return undefined;
  const hits = [...directory].filter(([k]) => k.endsWith(`\\${u}`));
  return hits.length === 1 ? hits[0]![1] : undefined;
}

/** What the workspace knows about one user's token (the principals file: `whoami /groups` or an AD export). */
export interface KnownUser {
  readonly sid: string;
  readonly name?: string;
  /** Enabled group SIDs. */
  readonly groups: ReadonlySet<string>;
  /** Groups present for deny only (UAC-filtered Administrators in `whoami /groups`). */
  readonly denyOnly: ReadonlySet<string>;
}

/** The workspace's view of principals: users' groups, names → SIDs, and who counts as an administrator. */
export interface PrincipalDirectory {
  /** By upper-case user SID. */
  readonly users: ReadonlyMap<string, KnownUser>;
  /** Upper-case `DOMAIN\name` → SID, users and groups. */
  readonly names: ReadonlyMap<string, string>;
  /** SIDs (users or groups) whose members are administrators, besides BUILTIN\Administrators. */
  readonly administrators: ReadonlySet<string>;
}

export const EMPTY_DIRECTORY: PrincipalDirectory = { users: new Map(), names: new Map(), administrators: new Set() };

const SERVICE_ACCOUNTS = new Set<string>([WELL_KNOWN_SIDS.LocalSystem, WELL_KNOWN_SIDS.LocalService, WELL_KNOWN_SIDS.NetworkService]);

/** True when a user of this SID (with these groups) is an administrator: listed, in a listed group, in BUILTIN\Administrators, a service account or RID 500. */
export function isAdministratorUser(userSid: string, directory: PrincipalDirectory = EMPTY_DIRECTORY): boolean {
  const s = normalizeSid(userSid);
  if (SERVICE_ACCOUNTS.has(s) || /^S-1-5-21-\d+-\d+-\d+-500$/.test(s) || directory.administrators.has(s)) return true;
  const u = directory.users.get(s);
  if (!u) return false;
  for (const g of [...u.groups, ...u.denyOnly]) if (g === WELL_KNOWN_SIDS.Administrators || directory.administrators.has(g)) return true;
  return false;
}

/**
 * The token Windows builds for an interactive logon of `userSid` (§3.4): the user, Everyone, INTERACTIVE,
 * Authenticated Users, BUILTIN\Users, the groups the directory knows for the user, and BUILTIN\Administrators
 * for administrators — deny-only with the elevated linked token for Exe when the principals file says the
 * user's Administrators membership is deny-only (UAC), enabled otherwise. No user SID (an event without
 * one) gives the implicit groups only.
 * @example tokenFor('S-1-5-21-1-2-3-1104', directory)
 */
export function tokenFor(userSid: string | undefined, directory: PrincipalDirectory = EMPTY_DIRECTORY): Principal {
  if (!userSid) return principalOf([WELL_KNOWN_SIDS.Everyone, WELL_KNOWN_SIDS.Interactive, WELL_KNOWN_SIDS.AuthenticatedUsers, WELL_KNOWN_SIDS.Users]);
  const s = normalizeSid(userSid);
  const known = directory.users.get(s);
  const groups = [...(known?.groups ?? [])];
  if (!isAdministratorUser(s, directory)) return standardUser(s, groups);
  const filtered = known?.denyOnly.has(WELL_KNOWN_SIDS.Administrators) ?? false;
  return administrator(s, groups, { elevated: !filtered });
}

/** A SID of a user account rather than a group: a domain or local account RID of 500 or from 1000 (MS Learn, "Well-known SIDs"). */
function looksLikeAccount(sid: string, directory: PrincipalDirectory): boolean {
  if (directory.users.has(sid)) return true;
  if ([...directory.names.values()].includes(sid)) return false;
  const m = /^S-1-5-21-\d+-\d+-\d+-(\d+)$/.exec(sid);
  return !!m && (m[1] === '500' || Number(m[1]) >= 1000);
}

/**
 * The token for `lockstep test/explain --user A B…` (issue 10 item 2): Windows never builds a token with
 * one SID, so the first user account among the SIDs gets its real token (`tokenFor`: implicit groups, the
 * principals file's groups, Administrators for administrators) and the other SIDs are added as groups. Only
 * groups given (`--user BUILTIN\Administrators`): a member of them — the implicit groups plus those, elevated
 * when Administrators is among them.
 * @example tokenOfSids(['S-1-5-32-544']) // an elevated administrator: Everyone, Users, …, Administrators
 */
export function tokenOfSids(sids: readonly string[], directory: PrincipalDirectory = EMPTY_DIRECTORY): Principal {
  const norm = sids.map(normalizeSid);
  const user = norm.find((s) => looksLikeAccount(s, directory));
  const groups = norm.filter((s) => s !== user);
  const base = user ? tokenFor(user, directory) : tokenFor(undefined, directory);
  const admin = groups.includes(WELL_KNOWN_SIDS.Administrators) || base.sids.has(WELL_KNOWN_SIDS.Administrators) || !!base.elevatedSids;
  if (admin && base.elevatedSids && !groups.includes(WELL_KNOWN_SIDS.Administrators)) {
    return principalOf([...base.sids, ...groups], { denyOnly: base.denyOnlySids ?? [], elevated: [...base.elevatedSids, ...groups] });
  }
  return principalOf([...base.sids, ...groups, ...(admin ? [WELL_KNOWN_SIDS.Administrators] : [])]);
}
