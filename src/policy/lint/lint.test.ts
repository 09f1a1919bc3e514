/**
 * Policy lint: each rule on small policies written for the case (positive and negative), and the corpus
 * policies (NSA starter policy, WDAC-Toolkit test policies, AaronLocker files) against an expected-findings
 * table written by hand from reading each file.
 */
import { engineRuleMatcher } from '../../rollout/analysis/engine-decider.js';
import { describe, expect, it } from 'vitest';
import { corpusSkipReason, hasCorpus, policies, readCorpus } from '../../../test-support/corpus.js';
import { defaultPolicy } from '../defaults.js';
import type { AppLockerPolicy, EnforcementMode, Rule, RuleCollectionType } from '../model.js';
import { parsePolicy } from '../xml/index.js';
import { lintPolicy, lockoutFindings } from './index.js';

const pathRule = (id: string, path: string, sid = 'S-1-1-0', action: 'Allow' | 'Deny' = 'Allow', exceptions: string[] = []): Rule => ({
  kind: 'FilePathRule', id, name: `rule ${id}`, description: '', userOrGroupSid: sid, action,
  condition: { kind: 'FilePathCondition', path }, exceptions: exceptions.map((p) => ({ kind: 'FilePathCondition', path: p })),
});
const pubRule = (id: string, publisherName: string, productName: string, binaryName: string, sid = 'S-1-1-0', action: 'Allow' | 'Deny' = 'Allow'): Rule => ({
  kind: 'FilePublisherRule', id, name: `rule ${id}`, description: '', userOrGroupSid: sid, action,
  condition: { kind: 'FilePublisherCondition', publisherName, productName, binaryName, binaryVersionRange: { lowSection: '*', highSection: '*' } }, exceptions: [],
});
const policyOf = (type: RuleCollectionType, mode: EnforcementMode, rules: Rule[]): AppLockerPolicy => ({ version: '1', ruleCollections: [{ type, enforcementMode: mode, rules }] });
const codes = (p: AppLockerPolicy): string[] => lintPolicy(p, M).map((f) => `${f.code}@${f.ruleId ?? f.collection}`);
const MS = 'O=MICROSOFT CORPORATION, L=REDMOND, S=WASHINGTON, C=US';
const NSA_EXCEPTIONS = ['%SYSTEM32%\\catroot2\\*', '%SYSTEM32%\\com\\dmp\\*', '%SYSTEM32%\\FxsTmp\\*', '%SYSTEM32%\\spool\\drivers\\color\\*',
  '%SYSTEM32%\\spool\\PRINTERS\\*', '%SYSTEM32%\\spool\\SERVERS\\*', '%SYSTEM32%\\Tasks\\*', '%WINDIR%\\Debug\\*', '%WINDIR%\\PCHEALTH\\ERRORREP\\*',
  '%WINDIR%\\Registration\\*', '%WINDIR%\\SysWOW64\\com\\dmp\\*', '%WINDIR%\\SysWOW64\\FxsTmp\\*', '%WINDIR%\\SysWOW64\\Tasks\\*', '%WINDIR%\\Tasks\\*',
  '%WINDIR%\\Temp\\*', '%WINDIR%\\tracing\\*'];

/** Lint's rule matcher: the engine (lint has no evaluator of its own). */
const M = { matches: engineRuleMatcher };

describe('lock-out', () => {
  it('an enforced Exe collection with only a Program Files rule locks users out (error); the same in AuditOnly warns', () => {
    const f = lintPolicy(policyOf('Exe', 'Enabled', [pathRule('a', '%PROGRAMFILES%\\*')]), M);
    const lock = f.filter((x) => x.code === 'policy.lint.lockout');
    expect(lock.map((x) => x.severity)).toEqual(['error', 'error']);
    expect(lock[0]!.message).toContain('explorer.exe');
    const audit = lintPolicy(policyOf('Exe', 'AuditOnly', [pathRule('a', '%PROGRAMFILES%\\*')]), M).filter((x) => x.code === 'policy.lint.lockout');
    expect(audit.map((x) => x.severity)).toEqual(['warning', 'warning']);
  });
  it('the default rules, a Microsoft publisher rule, or `C:\\Windows\\*` are enough; rules for Administrators only are not', () => {
    expect(lockoutFindings(defaultPolicy(['Exe', 'Dll'], 'Enabled'), ['Exe', 'Dll'], M)).toEqual([]);
    expect(lockoutFindings(policyOf('Exe', 'Enabled', [pubRule('p', MS, '*', '*'), pathRule('f', 'C:\\Program Files\\*')]), ['Exe'], M)).toEqual([]);
    expect(lockoutFindings(policyOf('Exe', 'Enabled', [pathRule('w', 'C:\\Windows\\*'), pathRule('f', '%PROGRAMFILES%\\*')]), ['Exe'], M)).toEqual([]);
    expect(lockoutFindings(policyOf('Exe', 'Enabled', [pathRule('adm', '*', 'S-1-5-32-544')]), ['Exe'], M).length).toBe(3);
  });
  it('DLL enforcement without rules for the Windows folder is an error; an empty collection allows everything', () => {
    const f = lockoutFindings(policyOf('Dll', 'Enabled', [pathRule('pf', '%PROGRAMFILES%\\*')]), ['Dll'], M);
    expect(f).toHaveLength(2); // kernel32.dll and shell32.dll
    expect(f[0]!.severity).toBe('error');
    expect(lockoutFindings(policyOf('Dll', 'Enabled', []), ['Dll'], M)).toEqual([]);
  });
  it('a deny for Everyone on explorer.exe locks users out even with the default rules', () => {
    const p = policyOf('Exe', 'Enabled', [...defaultPolicy(['Exe'], 'Enabled').ruleCollections[0]!.rules, pubRule('d', MS, '*', 'EXPLORER.EXE', 'S-1-1-0', 'Deny')]);
    const f = lockoutFindings(p, ['Exe'], M);
    expect(f.map((x) => x.ruleId)).toEqual(['d']);
  });
});

describe('user-writable allowed paths', () => {
  it('the default rule %WINDIR%\\* names the known bypass folders', () => {
    const f = lintPolicy(defaultPolicy(['Exe'], 'AuditOnly'), M).filter((x) => x.code === 'policy.lint.user-writable-path');
    expect(f).toHaveLength(1);
    expect(f[0]!.ruleId).toBe('a61c8b2c-a319-4cd0-9690-d2177cad7b51');
    for (const folder of ['%WINDIR%\\TEMP', '%WINDIR%\\TASKS', '%WINDIR%\\TRACING', '%SYSTEM32%\\SPOOL\\PRINTERS']) expect(f[0]!.message).toContain(folder);
    expect(f[0]!.severity).toBe('error');
  });
  it('NSA-style exceptions close all but the folders they miss; the admin list adds folders', () => {
    const p = policyOf('Exe', 'AuditOnly', [pathRule('w', '%WINDIR%\\*', 'S-1-1-0', 'Allow', NSA_EXCEPTIONS)]);
    const f = lintPolicy(p, M).filter((x) => x.code === 'policy.lint.user-writable-path');
    expect(f[0]!.message).toContain('MACHINEKEYS');
    expect(f[0]!.message).not.toContain('%WINDIR%\\TEMP');
    const full = policyOf('Exe', 'AuditOnly', [pathRule('w', '%WINDIR%\\*', 'S-1-1-0', 'Allow', [...NSA_EXCEPTIONS, '%SYSTEM32%\\Microsoft\\Crypto\\RSA\\MachineKeys\\*', '%SYSTEM32%\\Tasks_Migrated\\*'])]);
    expect(lintPolicy(full, M).filter((x) => x.code === 'policy.lint.user-writable-path')).toEqual([]);
    const withAdminList = lintPolicy(full, { matches: engineRuleMatcher, writableDirs: ['%WINDIR%\\CCMCACHE'] }).filter((x) => x.code === 'policy.lint.user-writable-path');
    expect(withAdminList[0]!.message).toContain('%WINDIR%\\CCMCACHE');
  });
  it('profiles and `*` for users are reported; rules for Administrators and Program Files are not', () => {
    expect(codes(policyOf('Script', 'AuditOnly', [pathRule('u', '%OSDRIVE%\\Users\\*')]))).toContain('policy.lint.user-writable-path@u');
    expect(codes(policyOf('Msi', 'AuditOnly', [pathRule('s', '*', 'S-1-5-32-545')]))).toContain('policy.lint.user-writable-path@s');
    expect(codes(policyOf('Msi', 'AuditOnly', [pathRule('adm', '*', 'S-1-5-32-544'), pathRule('pf', '%PROGRAMFILES%\\*')]))).toEqual([]);
  });
  it('one named file in a writable folder is a warning (it can be replaced)', () => {
    const f = lintPolicy(policyOf('Exe', 'AuditOnly', [pathRule('one', '%OSDRIVE%\\Users\\Public\\tool.exe')]), M);
    expect(f.find((x) => x.ruleId === 'one')?.severity).toBe('warning');
  });
});

describe('LOLBins', () => {
  it('allowing %WINDIR%\\* to Everyone allows mshta, regsvr32, installutil, msbuild; a publisher deny closes one', () => {
    const allow = pathRule('w', '%WINDIR%\\*', 'S-1-1-0', 'Allow', NSA_EXCEPTIONS);
    const f = lintPolicy(policyOf('Exe', 'AuditOnly', [allow]), M).find((x) => x.code === 'policy.lint.lolbin-allowed')!;
    for (const b of ['mshta.exe', 'regsvr32.exe', 'installutil.exe', 'msbuild.exe']) expect(f.message).toContain(b);
    const denied = lintPolicy(policyOf('Exe', 'AuditOnly', [allow, pubRule('d', MS, 'INTERNET EXPLORER', 'MSHTA.EXE', 'S-1-1-0', 'Deny')]), M)
      .find((x) => x.code === 'policy.lint.lolbin-allowed')!;
    expect(denied.message).not.toContain('mshta.exe');
    expect(denied.message).toContain('regsvr32.exe');
  });
  it('allowed to Administrators only is not a finding', () => {
    expect(codes(policyOf('Exe', 'AuditOnly', [pathRule('adm', '*', 'S-1-5-32-544')])).filter((c) => c.includes('lolbin'))).toEqual([]);
  });
});

describe('broad publishers, defeatable denies, hash rules for signed files', () => {
  it('ProductName * is a warning; PublisherName * in Appx is info; a named product is fine', () => {
    const f = lintPolicy({ version: '1', ruleCollections: [
      { type: 'Exe', enforcementMode: 'AuditOnly', rules: [pubRule('v', 'O=CONTOSO', '*', '*'), pubRule('ok', 'O=CONTOSO', 'APP', '*'), pathRule('pf', '%PROGRAMFILES%\\*'), pathRule('win', '%WINDIR%\\*', 'S-1-1-0', 'Allow', NSA_EXCEPTIONS)] },
      { type: 'Appx', enforcementMode: 'AuditOnly', rules: [pubRule('all', '*', '*', '*')] },
    ] }, M).filter((x) => x.code === 'policy.lint.broad-publisher');
    expect(f.map((x) => [x.ruleId, x.severity])).toEqual([['v', 'warning'], ['all', 'info']]);
  });
  it('a deny path on a file name is defeatable; a deny on a folder is not', () => {
    const p = policyOf('Exe', 'AuditOnly', [pathRule('n', '*\\psexec.exe', 'S-1-1-0', 'Deny'), pathRule('d', '%WINDIR%\\Temp\\*', 'S-1-1-0', 'Deny')]);
    expect(codes(p).filter((c) => c.startsWith('policy.lint.deny-defeatable'))).toEqual(['policy.lint.deny-defeatable@n']);
  });
  it('a hash rule for a file the facts show signed suggests a publisher rule', () => {
    const sha = 'AB'.repeat(32);
    const p: AppLockerPolicy = policyOf('Exe', 'AuditOnly', [{ kind: 'FileHashRule', id: 'h', name: 'app.exe', description: '', userOrGroupSid: 'S-1-1-0', action: 'Allow', condition: { kind: 'FileHashCondition', fileHashes: [{ type: 'SHA256', data: `0x${sha}` }] } }]);
    expect(lintPolicy(p, M).filter((x) => x.code === 'policy.lint.hash-for-signed')).toEqual([]);
    const facts = [{ path: 'C:\\App\\app.exe', hashes: { SHA256: sha.toLowerCase() }, publisher: { publisherName: 'O=CONTOSO', productName: 'APP', binaryName: 'APP.EXE', binaryVersion: '1.0.0.0' } }];
    const f = lintPolicy(p, { matches: engineRuleMatcher, fileFacts: facts }).filter((x) => x.code === 'policy.lint.hash-for-signed');
    expect(f.map((x) => x.ruleId)).toEqual(['h']);
    expect(f[0]!.help).toContain('O=CONTOSO');
  });
});

/**
 * Expected findings, by hand, from reading each corpus file: `code@line` (line of the rule or collection).
 * NSA starter policy: its `%WINDIR%\*` rules (Dll l.13, Exe l.221, Script l.978) carry 16 exceptions but not
 * System32\Microsoft\Crypto\RSA\MachineKeys or System32\Tasks_Migrated (UALB lists both as writable); it
 * denies EXPLORER.EXE (Exe l.390 rule, collection l.166) and SHELL32.DLL (Dll collection l.7) for Everyone,
 * which would lock users out once enforced (AuditOnly now: warnings); its LOLBin denies cover every LOLBin
 * of our list (bash.exe by a hash deny); the Appx default rule is `*` (info).
 * WDAC-Toolkit executable: `All files` = `*` for Everyone (l.310: user-writable + LOLBins), two DOCWARE
 * publisher rules with ProductName `*` (l.80, l.178), 15 deny path rules on file names.
 * AaronLocker Chrome/Flash: two Adobe rules with empty ProductName (= any product). AaronLocker defaults
 * template: `%WINDIR%\*` without exceptions in Exe (l.24), Script (l.71), Dll (l.89), Exe LOLBins via l.24.
 */
const EXPECTED: Record<string, string[]> = {
  nsaStarter: [
    'policy.lint.lockout@7', 'policy.lint.user-writable-path@13', 'policy.lint.lockout@166', 'policy.lint.user-writable-path@221',
    'policy.lint.user-writable-path@978', 'policy.lint.broad-publisher@1061',
  ],
  wdacExecutable: [
    'policy.lint.broad-publisher@80', 'policy.lint.broad-publisher@178',
    ...[255, 260, 265, 270, 275, 280, 285, 290, 295, 300, 305].map((l) => `policy.lint.deny-defeatable@${l}`),
    'policy.lint.user-writable-path@310', 'policy.lint.lolbin-allowed@310',
    ...[319, 324, 329, 334, 339].map((l) => `policy.lint.deny-defeatable@${l}`),
  ],
  wdacMsiFragment: ['policy.lint.user-writable-path@2'],
  wdacAppx: ['policy.lint.broad-publisher@10'],
  wdacScriptFragment: ['policy.lint.user-writable-path@2'],
  aaronChrome: ['policy.lint.broad-publisher@9', 'policy.lint.broad-publisher@16'],
  aaronOldBginfo: [],
  aaronOneDrive1607: [],
  aaronOneDrive1803: [],
};

describe.skipIf(!hasCorpus)(`corpus policies, expected findings table${hasCorpus ? '' : ` (${corpusSkipReason})`}`, () => {
  for (const [key, expected] of Object.entries(EXPECTED)) {
    it(key, () => {
      const file = policies[key as keyof typeof policies];
      const r = parsePolicy(readCorpus(file), { file });
      expect(r.ok).toBe(true);
      if (!r.ok) return;
      const found = lintPolicy(r.value.policy, { matches: engineRuleMatcher, locations: r.value.locations, file });
      expect(found.map((f) => `${f.code}@${f.location?.kind === 'text' ? f.location.line : '?'}`).sort()).toEqual([...expected].sort());
      for (const f of found) {
        expect(f.location?.file).toBe(file);
        expect(f.location?.kind === 'text' && f.location.column).toBeGreaterThan(0);
        expect(f.help).toBeTruthy();
      }
    });
  }
  it('NSA: the lock-out names the explorer.exe deny rule (line 390)', () => {
    const r = parsePolicy(readCorpus(policies.nsaStarter), { file: 'nsa.xml' });
    if (!r.ok) throw new Error('nsa policy does not parse');
    const lock = lintPolicy(r.value.policy, { matches: engineRuleMatcher, locations: r.value.locations }).filter((f) => f.code === 'policy.lint.lockout' && f.collection === 'Exe');
    expect(lock[0]!.ruleId).toBe('ac3c9d26-8667-430b-9dbe-b88ea206fbde');
    expect(r.value.locations.rule(lock[0]!.ruleId!)?.line).toBe(390);
  });
});

describe('correlation with recorded events', () => {
  it('adds per-rule counts, matching `{UPPER}` event ids to policy ids, and none to collection findings', async () => {
    const { correlateFindings } = await import('./correlate.js');
    const p = policyOf('Exe', 'Enabled', [pathRule('a61c8b2c-a319-4cd0-9690-d2177cad7b51', '%WINDIR%\\*'), pathRule('pf', '*', 'S-1-5-32-544')]);
    const f = correlateFindings(lintPolicy(p, M), [
      { ruleId: '{A61C8B2C-A319-4CD0-9690-D2177CAD7B51}', outcome: 'allowed', events: 40 },
      { ruleId: '{A61C8B2C-A319-4CD0-9690-D2177CAD7B51}', outcome: 'allowed', events: 2 },
      { ruleId: '{00000000-0000-0000-0000-000000000000}', outcome: 'audited', events: 7 },
    ]);
    const writable = f.find((x) => x.code === 'policy.lint.user-writable-path')!;
    expect(writable.events).toEqual({ allowed: 42, audited: 0, blocked: 0 });
    const lock = f.filter((x) => x.code === 'policy.lint.lockout');
    expect(lock.length).toBeGreaterThan(0);
    for (const l of lock) expect(l.events).toBeUndefined();
  });
});
