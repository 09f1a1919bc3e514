/**
 * The principals file (issue 10 item 2): which groups each user's token holds, so a readiness replay
 * evaluates the token Windows builds (applocker.md §3.4), not a lone user SID. Events log only the user SID
 * (§9.3); group membership has to come from the admin. Two exports are read, auto-detected per table:
 *
 * - `whoami /user /groups /fo csv` (run as each user; outputs may be concatenated into one file): a
 *   `"User Name","SID"` table followed by a `"Group Name","Type","SID","Attributes"` table. A group whose
 *   attributes say `Group used for deny only` is deny-only (UAC-filtered Administrators).
 * - An AD export, one row per membership, with the columns `user`, `userSid`, `group`, `groupSid` (any order,
 *   case-insensitive; `group` optional), e.g. from `Get-ADUser`/`Get-ADPrincipalGroupMembership` (README).
 *
 * Pure: text in, a PrincipalDirectory (the engine room's token notion, engine/principal.ts) out.
 */
import { DiagnosticBag, ok, type Diagnostic, type Result, type TextLocation } from '../../diag/index.js';
import { isSidText, normalizeSid, resolveSidName, WELL_KNOWN_SIDS, type KnownUser, type PrincipalDirectory } from '../../engine/index.js';
import { WorkspaceCode as C } from './errors.js';
import { splitCsvLine } from './parse.js';

export const MAX_PRINCIPAL_ROWS = 2_000_000;

interface Building {
  sid: string;
  name?: string;
  groups: Set<string>;
  denyOnly: Set<string>;
}

/**
 * Reads one principals file into `into` (so several files can be combined); returns the diagnostics.
 * @example const dir = parsePrincipals(text, { file: 'principals.csv' })
 */
export function parsePrincipals(text: string, opts: { file?: string } = {}): Result<{ users: Map<string, KnownUser>; names: Map<string, string> }> {
  const bag = new DiagnosticBag();
  const at = (line: number): TextLocation => ({ kind: 'text', ...(opts.file ? { file: opts.file } : {}), line, column: 1 });
  const users = new Map<string, Building>();
  const names = new Map<string, string>();
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  type Mode = { kind: 'whoami-user' } | { kind: 'whoami-groups'; sid: number; name: number; attrs: number } | { kind: 'ad'; user: number; userSid: number; group: number; groupSid: number };
  let mode: Mode | undefined;
  let current: Building | undefined;
  let rows = 0;
  const user = (sid: string, name?: string): Building => {
    const s = normalizeSid(sid);
    let u = users.get(s);
    if (!u) users.set(s, (u = { sid: s, groups: new Set(), denyOnly: new Set() }));
    if (name && !u.name) {
      u.name = name;
      names.set(name.toUpperCase(), s);
    }
    return u;
  };
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    if (!raw.trim()) { mode = mode?.kind === 'ad' ? mode : undefined; continue; }
    if (raw.trimStart().startsWith('#')) continue;
    if (++rows > MAX_PRINCIPAL_ROWS) {
      bag.add({ code: C.principalsRow, severity: 'error', message: `more than ${MAX_PRINCIPAL_ROWS} rows; the rest are ignored`, location: at(i + 1) });
      break;
    }
    const cells = splitCsvLine(raw).map((c) => c.trim());
    const low = cells.map((c) => c.toLowerCase());
    // a header starts a table (whoami prints a header per table; an AD export has one)
    if (low[0] === 'user name' && low[1] === 'sid') { mode = { kind: 'whoami-user' }; continue; }
    if (low[0] === 'group name' && low.includes('sid')) { mode = { kind: 'whoami-groups', name: 0, sid: low.indexOf('sid'), attrs: low.indexOf('attributes') }; continue; }
    if (low.includes('usersid') && low.includes('groupsid')) {
      mode = { kind: 'ad', user: low.indexOf('user'), userSid: low.indexOf('usersid'), group: low.indexOf('group'), groupSid: low.indexOf('groupsid') };
      continue;
    }
    if (!mode) {
      bag.add({ code: C.principalsFormat, severity: 'error', message: `line is not in a known principals table: \`${raw.trim().slice(0, 80)}\``, location: at(i + 1), help: 'use the output of `whoami /user /groups /fo csv`, or a CSV with the columns `user,userSid,group,groupSid`' });
      mode = undefined;
      continue;
    }
    if (mode.kind === 'whoami-user') {
      if (!cells[1] || !isSidText(cells[1])) { bag.add({ code: C.principalsRow, severity: 'error', message: `\`${cells[1] ?? ''}\` is not a SID`, location: at(i + 1) }); continue; }
      current = user(cells[1], cells[0]);
    } else if (mode.kind === 'whoami-groups') {
      const sid = cells[mode.sid] ?? '';
      if (!isSidText(sid)) { bag.add({ code: C.principalsRow, severity: 'error', message: `group \`${cells[0] ?? ''}\` has no SID (\`${sid}\`)`, location: at(i + 1) }); continue; }
      if (!current) { bag.add({ code: C.principalsRow, severity: 'error', message: 'a group table without a user table before it', location: at(i + 1), help: 'run `whoami /user /groups /fo csv` (both switches), not `/groups` alone' }); continue; }
      const s = normalizeSid(sid);
      if (cells[0]) names.set(cells[0].toUpperCase(), s);
      // "Group used for deny only": the SID matches deny ACEs only (§3.4, UAC-filtered token)
      if (mode.attrs >= 0 && /deny only/i.test(cells[mode.attrs] ?? '')) current.denyOnly.add(s);
      else current.groups.add(s);
    } else {
      const us = cells[mode.userSid] ?? '', gs = cells[mode.groupSid] ?? '';
      if (!isSidText(us) || !isSidText(gs)) { bag.add({ code: C.principalsRow, severity: 'error', message: `row needs a user SID and a group SID: \`${raw.trim().slice(0, 80)}\``, location: at(i + 1) }); continue; }
      const u = user(us, mode.user >= 0 ? cells[mode.user] || undefined : undefined);
      const g = normalizeSid(gs);
      u.groups.add(g);
      const gname = mode.group >= 0 ? cells[mode.group] : undefined;
      if (gname) names.set(gname.toUpperCase(), g);
    }
  }
  return ok({ users: users as Map<string, KnownUser>, names }, bag.sorted());
}

/**
 * The directory the analysis uses: the principals files' users and names, and the workspace's
 * `administrators:` entries (names or SIDs) resolved. Entries that resolve to nothing are reported.
 */
export function buildDirectory(
  parsed: readonly { users: ReadonlyMap<string, KnownUser>; names: ReadonlyMap<string, string> }[],
  administrators: readonly string[],
  where?: TextLocation,
): { directory: PrincipalDirectory; diagnostics: Diagnostic[] } {
  const users = new Map<string, KnownUser>();
  const names = new Map<string, string>();
  for (const p of parsed) {
    for (const [k, v] of p.names) names.set(k, v);
    for (const [k, v] of p.users) {
      const prev = users.get(k);
      users.set(k, prev ? { ...prev, groups: new Set([...prev.groups, ...v.groups]), denyOnly: new Set([...prev.denyOnly, ...v.denyOnly]) } : v);
    }
  }
  const admins = new Set<string>([WELL_KNOWN_SIDS.Administrators]);
  const diagnostics: Diagnostic[] = [];
  for (const a of administrators) {
    const sid = resolveSidName(a, names);
    if (sid) admins.add(sid);
    else diagnostics.push({ code: C.unknownPrincipal, severity: 'error', message: `administrator \`${a}\` is neither a SID, a well-known name nor a user or group of the principals file`, ...(where ? { location: where } : {}), help: 'write a SID (`S-1-5-21-…`), a well-known name (`BUILTIN\\Administrators`) or add the principals export (`principals:`)' });
  }
  return { directory: { users, names, administrators: admins }, diagnostics };
}
