import { describe, expect, it } from 'vitest';
import { isAdministratorUser, resolveSidName, tokenFor, tokenOfSids, WELL_KNOWN_SIDS } from '../../engine/index.js';
import { buildDirectory, parsePrincipals } from './principals.js';

// `whoami /user /groups /fo csv` as Windows prints it (two tables, a blank line between; MS Learn "whoami")
const WHOAMI = `"User Name","SID"
"contoso\\carol","S-1-5-21-1-2-3-1103"

"Group Name","Type","SID","Attributes"
"Everyone","Well-known group","S-1-1-0","Mandatory group, Enabled by default, Enabled group"
"BUILTIN\\Administrators","Alias","S-1-5-32-544","Group used for deny only"
"CONTOSO\\Helpdesk","Group","S-1-5-21-1-2-3-4001","Mandatory group, Enabled by default, Enabled group"
`;

describe('principals file', () => {
  it('reads whoami /user /groups /fo csv: enabled and deny-only groups, names', () => {
    const r = parsePrincipals(WHOAMI, { file: 'p.csv' });
    expect(r.ok && r.diagnostics).toEqual([]);
    if (!r.ok) return;
    const carol = r.value.users.get('S-1-5-21-1-2-3-1103')!;
    expect([...carol.groups]).toEqual(['S-1-1-0', 'S-1-5-21-1-2-3-4001']);
    expect([...carol.denyOnly]).toEqual(['S-1-5-32-544']);
    expect(r.value.names.get('CONTOSO\\HELPDESK')).toBe('S-1-5-21-1-2-3-4001');
    const { directory } = buildDirectory([r.value], []);
    // UAC-filtered: Administrators deny-only, the Exe collection uses the elevated linked token (§3.4)
    const t = tokenFor('S-1-5-21-1-2-3-1103', directory);
    expect(t.sids.has(WELL_KNOWN_SIDS.Administrators)).toBe(false);
    expect(t.denyOnlySids?.has(WELL_KNOWN_SIDS.Administrators)).toBe(true);
    expect(t.elevatedSids?.has(WELL_KNOWN_SIDS.Administrators)).toBe(true);
    expect(t.sids.has('S-1-5-21-1-2-3-4001') && t.sids.has(WELL_KNOWN_SIDS.Users) && t.sids.has(WELL_KNOWN_SIDS.AuthenticatedUsers)).toBe(true);
  });

  it('reads an AD export and resolves administrators by group name', () => {
    const r = parsePrincipals('user,userSid,group,groupSid\nCONTOSO\\dan,S-1-5-21-1-2-3-1200,CONTOSO\\IT Admins,S-1-5-21-1-2-3-3001\n');
    if (!r.ok) throw new Error('parse');
    const { directory, diagnostics } = buildDirectory([r.value], ['IT Admins', 'S-1-5-21-9-9-9-1000', 'CONTOSO\\nobody']);
    expect(diagnostics.map((d) => d.code)).toEqual(['rollout.workspace.unknown-principal']);
    expect(isAdministratorUser('S-1-5-21-1-2-3-1200', directory)).toBe(true);
    expect(isAdministratorUser('S-1-5-21-9-9-9-1000', directory)).toBe(true);
    expect(isAdministratorUser('S-1-5-21-1-2-3-1201', directory)).toBe(false);
    expect(tokenFor('S-1-5-21-1-2-3-1200', directory).sids.has(WELL_KNOWN_SIDS.Administrators)).toBe(true);
  });

  it('reports lines it cannot read, with their line', () => {
    const r = parsePrincipals('hello,world\nuser,userSid,group,groupSid\nx,not-a-sid,g,S-1-1-0\n', { file: 'p.csv' });
    expect(r.diagnostics.map((d) => [d.code, d.location && 'line' in d.location ? d.location.line : 0])).toEqual([
      ['rollout.principals.unknown-format', 1], ['rollout.principals.bad-row', 3],
    ]);
  });
});

describe('names and tokens (engine/principal.ts)', () => {
  it('resolves well-known names with or without their authority, and SIDs', () => {
    expect(resolveSidName('Everyone')).toBe('S-1-1-0');
    expect(resolveSidName('BUILTIN\\Administrators')).toBe('S-1-5-32-544');
    expect(resolveSidName('administrators')).toBe('S-1-5-32-544');
    expect(resolveSidName('NT AUTHORITY\\Authenticated Users')).toBe('S-1-5-11');
    expect(resolveSidName('s-1-5-21-1-2-3-1001')).toBe('S-1-5-21-1-2-3-1001');
    expect(resolveSidName('CONTOSO\\alice')).toBeUndefined();
    expect(resolveSidName('alice', new Map([['CONTOSO\\ALICE', 'S-1-5-21-1-2-3-1101']]))).toBe('S-1-5-21-1-2-3-1101');
  });

  it('a user SID alone gets the interactive token; a group alone gets a member\'s token', () => {
    const u = tokenOfSids(['S-1-5-21-1-2-3-1101']);
    expect([...u.sids].sort()).toEqual(['S-1-1-0', 'S-1-5-11', 'S-1-5-21-1-2-3-1101', 'S-1-5-32-545', 'S-1-5-4']);
    const a = tokenOfSids(['S-1-5-32-544']);
    expect(a.sids.has('S-1-1-0') && a.sids.has('S-1-5-32-544')).toBe(true);
    const rid500 = tokenOfSids(['S-1-5-21-1-2-3-500']);
    expect(rid500.sids.has('S-1-5-32-544')).toBe(true);
  });
});
