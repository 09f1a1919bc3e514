/**
 * Model-level validation: each check family on generated policies (no locations) and on parsed XML
 * (file:line:column + element path), every problem at once.
 */
import { describe, expect, it } from 'vitest';
import type { Diagnostic, TextLocation } from '../../diag/index.js';
import type { AppLockerPolicy, FileHashRule, FilePathRule, FilePublisherRule, Rule, RuleCollection } from '../model.js';
import { parsePolicy } from '../xml/parse.js';
import { POLICY_VALIDATE_CODES, POLICY_CHECKS, validatePolicy } from './index.js';

let n = 0;
const id = (): string => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`;
const path = (p: string, extra: Partial<FilePathRule> = {}): FilePathRule => ({
  kind: 'FilePathRule', id: id(), name: 'p', description: '', userOrGroupSid: 'S-1-1-0', action: 'Allow',
  condition: { kind: 'FilePathCondition', path: p }, exceptions: [], ...extra,
});
const pub = (low: string, high: string, extra: Partial<FilePublisherRule> = {}): FilePublisherRule => ({
  kind: 'FilePublisherRule', id: id(), name: 'q', description: '', userOrGroupSid: 'S-1-1-0', action: 'Deny',
  condition: { kind: 'FilePublisherCondition', publisherName: '*', productName: '*', binaryName: '*', binaryVersionRange: { lowSection: low, highSection: high } },
  exceptions: [], ...extra,
});
const hash = (type: string, data: string, extra: Partial<FileHashRule> = {}): FileHashRule => ({
  kind: 'FileHashRule', id: id(), name: 'h', description: '', userOrGroupSid: 'S-1-1-0', action: 'Allow',
  condition: { kind: 'FileHashCondition', fileHashes: [{ type: type as 'SHA256', data }] }, ...extra,
});
const policy = (...cols: [string, Rule[], Partial<RuleCollection>?][]): AppLockerPolicy => ({
  version: '1', ruleCollections: cols.map(([type, rules, extra]) => ({ type: type as 'Exe', enforcementMode: 'AuditOnly', rules, ...extra })),
});

function at(d: Diagnostic): string {
  const l = d.location as TextLocation | undefined;
  return l ? `${l.line}:${l.column}` : '';
}
function only(p: AppLockerPolicy): Diagnostic[] {
  return validatePolicy(p);
}
function codes(p: AppLockerPolicy): string[] {
  return only(p).map((d) => d.code);
}

const SHA256 = '0x' + 'AB'.repeat(32);
const SHA1 = '0x' + 'CD'.repeat(20);

describe('validatePolicy checks', () => {
  it('accepts a clean policy with every rule kind', () => {
    expect(only(policy(['Exe', [path('%PROGRAMFILES%\\*'), pub('1.0.0.0', '*'), hash('SHA256', SHA256), hash('SHA1', SHA1), hash('SHA256Flat', SHA256)]], ['Appx', [pub('0.0.0.0', '*')]]))).toEqual([]);
  });

  it('GUIDs: braces get a help without them; ids are unique across the policy, case-insensitively', () => {
    const a = path('*', { id: '{921cc481-6e17-4653-8f75-050b80acca20}' });
    const ds = only(policy(['Exe', [a, path('*', { id: 'nope' })]]));
    expect(ds.map((d) => [d.code, d.help])).toEqual([
      ['policy.validate.invalid-guid', 'write the GUID without braces: `921cc481-6e17-4653-8f75-050b80acca20`'],
      ['policy.validate.invalid-guid', 'use a GUID like `921cc481-6e17-4653-8f75-050b80acca20` (New-Guid)'],
    ]);
    const dup = only(policy(['Exe', [path('*', { id: '921cc481-6e17-4653-8f75-050b80acca20' })]], ['Dll', [path('*', { id: '921CC481-6E17-4653-8F75-050B80ACCA20' })]]));
    expect(dup.map((d) => d.code)).toEqual(['policy.validate.duplicate-rule-id']);
  });

  it('SIDs: names and lower case get a help', () => {
    const ds = only(policy(['Exe', [path('*', { userOrGroupSid: 'Everyone' }), path('*', { userOrGroupSid: 's-1-5-32-544' }), path('*', { userOrGroupSid: 'S-1' })]]));
    expect(ds.map((d) => d.help)).toEqual([
      'AppLocker takes the SID, not the name: `S-1-1-0`',
      'write `S-1-5-32-544` (the schema pattern is case-sensitive)',
      'use a SID such as `S-1-1-0` (Everyone) or `S-1-5-32-544` (Administrators)',
    ]);
  });

  it('enum values are case-sensitive: `exe` is an error with help `Exe`', () => {
    const p = policy(['exe', [path('*', { action: 'allow' as 'Allow' })], { enforcementMode: 'Audit' as 'AuditOnly' }]);
    expect(only(p).map((d) => [d.code, d.help])).toEqual([
      ['policy.validate.invalid-collection-type', 'values are case-sensitive: write `Exe`'],
      ['policy.validate.invalid-enforcement-mode', 'did you mean `AuditOnly`?'],
      ['policy.validate.invalid-action', 'values are case-sensitive: write `Allow`'],
    ]);
  });

  it('duplicate collection types and a non-decimal Version', () => {
    expect(codes({ ...policy(['Exe', []], ['Exe', []]), version: 'v1' })).toEqual(['policy.validate.invalid-version', 'policy.validate.duplicate-collection']);
  });

  it('names: empty, too long; description too long', () => {
    expect(codes(policy(['Exe', [path('*', { name: '' }), path('*', { name: 'x'.repeat(1025) }), path('*', { name: 'é'.repeat(1024), description: 'y'.repeat(1025) })]])))
      .toEqual(['policy.validate.empty-name', 'policy.validate.name-too-long', 'policy.validate.description-too-long']);
    // 1024 astral characters are 2048 UTF-16 code units but 1024 characters: allowed.
    expect(codes(policy(['Exe', [path('*', { name: '😀'.repeat(1024) })]]))).toEqual([]);
  });

  it('path variables: known ones in any case, typos with a suggestion, environment variables explained', () => {
    const ds = only(policy(['Exe', [
      path('%windir%\\*'), path('%PROGRAMFILE%\\*'), path('%APPDATA%\\*'), path('%USERPROFILE%\\Downloads\\*'),
      path('%SystemRoot%\\*'), path('C:\\x\\%WINDIR%\\*'), path('%FOO%\\*'), path(''),
    ]]));
    expect(ds.map((d) => [d.code, d.help])).toEqual([
      ['policy.validate.unknown-path-variable', 'did you mean `%PROGRAMFILES%`?'],
      ['policy.validate.environment-variable', expect.stringMatching(/^AppLocker expands only %WINDIR% %SYSTEM32% %OSDRIVE% %PROGRAMFILES% %REMOVABLE% %HOT%/)],
      ['policy.validate.environment-variable', expect.stringMatching(/^AppLocker expands only/)],
      ['policy.validate.environment-variable', 'use the AppLocker path variable `%WINDIR%`'],
      ['policy.validate.path-variable-position', expect.stringMatching(/only at the start/)],
      ['policy.validate.unknown-path-variable', 'AppLocker path variables are %WINDIR% %SYSTEM32% %OSDRIVE% %PROGRAMFILES% %REMOVABLE% %HOT%'],
      ['policy.validate.empty-path', expect.any(String)],
    ]);
    expect(ds[1]!.message).toBe('`%APPDATA%` is an environment variable, which AppLocker does not expand');
    expect(ds[0]!.message).toBe('unknown path variable `%PROGRAMFILE%`');
  });

  it('version ranges: four parts, each ≤ 65535, low ≤ high, `*`', () => {
    const ds = only(policy(['Exe', [pub('*', '*'), pub('10.0.0.0', '*'), pub('*', '9.9.9.9'), pub('1.2.3.4', '1.2.3.4'),
      pub('10.0', '*'), pub('1.2.3.70000', '*'), pub('10.*', '*'), pub('2.0.0.0', '1.9.9.9'), pub('abc', '*')]]));
    expect(ds.map((d) => [d.code, d.help])).toEqual([
      ['policy.validate.invalid-version-section', 'write four parts: `10.0.0.0`'],
      ['policy.validate.invalid-version-section', 'each part is a 16-bit number, at most 65535'],
      ['policy.validate.invalid-version-section', 'a section is either exactly `*` or a full version; no partial wildcards'],
      ['policy.validate.version-range-order', expect.stringMatching(/swap/)],
      ['policy.validate.invalid-version-section', 'write `*` or a four-part version such as `10.0.0.0`'],
    ]);
  });

  it('publisher: empty PublisherName is an error, a missing range a warning', () => {
    const r = pub('*', '*');
    const noRange: FilePublisherRule = { ...r, condition: { kind: 'FilePublisherCondition', publisherName: '', productName: '*', binaryName: '*' } };
    expect(only(policy(['Exe', [noRange]])).map((d) => [d.code, d.severity])).toEqual([
      ['policy.validate.empty-publisher', 'error'], ['policy.validate.missing-version-range', 'warning'],
    ]);
  });

  it('hashes: type (case-sensitive) and data length per type, with a hint when the length fits the other type', () => {
    const ds = only(policy(['Exe', [hash('sha256', SHA256), hash('SHA256', SHA1), hash('SHA1', SHA256), hash('SHA256', SHA256.slice(2)), hash('SHA256', '0x' + 'G'.repeat(64)), hash('MD5', SHA1)]]));
    expect(ds.map((d) => [d.code, d.help])).toEqual([
      ['policy.validate.invalid-hash-type', 'values are case-sensitive: write `SHA256`'],
      ['policy.validate.invalid-hash-data', 'this looks like a SHA1 hash: set `Type="SHA1"`'],
      ['policy.validate.invalid-hash-data', 'this looks like a SHA256 hash: set `Type="SHA256"`'],
      ['policy.validate.invalid-hash-data', expect.any(String)],
      ['policy.validate.invalid-hash-data', expect.any(String)],
      ['policy.validate.invalid-hash-type', 'use one of `SHA256`, `SHA256Flat`, `SHA1`'],
    ]);
    expect(ds[3]!.message).toMatch(/it must start with `0x`/);
    expect(ds[4]!.message).toMatch(/not hex digits/);
  });

  it('an empty hash condition', () => {
    const h = hash('SHA256', SHA256);
    expect(codes(policy(['Exe', [{ ...h, condition: { kind: 'FileHashCondition', fileHashes: [] } }]]))).toEqual(['policy.validate.empty-hash-condition']);
    const r = parsePolicy('<AppLockerPolicy Version="1"><RuleCollection Type="Exe" EnforcementMode="Enabled"><FileHashRule Id="921cc481-6e17-4653-8f75-050b80acca20" Name="n" Description="" UserOrGroupSid="S-1-1-0" Action="Deny"><Conditions><FileHashCondition /></Conditions></FileHashRule></RuleCollection></AppLockerPolicy>');
    expect(r.diagnostics.map((d) => [d.code, at(d)])).toEqual([['policy.validate.empty-hash-condition', '1:214']]);
  });

  it('conditions that do not belong: path/hash rules and exceptions in Appx, extensions outside Exe/Dll', () => {
    const appx = pub('0.0.0.0', '*', { exceptions: [{ kind: 'FilePathCondition', path: '*' }] });
    const ds = only(policy(
      ['Appx', [path('*'), hash('SHA256', SHA256), appx]],
      ['Msi', [], { extensions: { thresholdPresent: true, redstonePresent: false, unknown: [], servicesEnforcementMode: 'enabled' as 'Enabled' } }],
    ));
    expect(ds.map((d) => [d.code, d.severity])).toEqual([
      ['policy.validate.appx-condition', 'error'], ['policy.validate.appx-condition', 'error'], ['policy.validate.appx-condition', 'error'],
      ['policy.validate.extensions-collection', 'warning'], ['policy.validate.extensions-incomplete', 'warning'], ['policy.validate.invalid-services-mode', 'error'],
    ]);
  });

  it('placeholders left in any value, and characters XML cannot carry', () => {
    expect(codes(policy(['Exe', [path('PLACEHOLDER_WINDIR_WRITABLEDIRS'), path('*', { name: 'bell\u0007' })]]))).toEqual(['policy.validate.placeholder', 'policy.validate.invalid-character']);
  });

  it('every code a check may report is listed with a description', () => {
    for (const c of POLICY_CHECKS) for (const code of c.codes) expect(POLICY_VALIDATE_CODES[code]).toBeTruthy();
  });
});

describe('validatePolicy with locations (through parsePolicy)', () => {
  const xml = [
    '<AppLockerPolicy Version="1">',
    '  <RuleCollection Type="Exe" EnforcementMode="Enabled">',
    '    <FilePathRule Id="921cc481-6e17-4653-8f75-050b80acca20" Name="a" Description="" UserOrGroupSid="S-1-1-0" Action="Allow">',
    '      <Conditions><FilePathCondition Path="%PROGRAMFILE%\\*" /></Conditions>',
    '    </FilePathRule>',
    '  </RuleCollection>',
    '  <RuleCollection Type="Dll" EnforcementMode="Enabled">',
    '    <FilePublisherRule Id="921CC481-6E17-4653-8F75-050B80ACCA20" Name="b" Description="" UserOrGroupSid="S-1-1-0" Action="Allow">',
    '      <Conditions><FilePublisherCondition PublisherName="*" ProductName="*" BinaryName="*"><BinaryVersionRange LowSection="2.0.0.0" HighSection="1.0.0.0" /></FilePublisherCondition></Conditions>',
    '    </FilePublisherRule>',
    '  </RuleCollection>',
    '</AppLockerPolicy>',
  ].join('\n');

  it('reports every problem at once with file:line:column, element path and help', () => {
    const r = parsePolicy(xml, { file: 'gpo.xml' });
    expect(r.ok).toBe(true);
    const rows = r.diagnostics.map((d) => {
      const l = d.location as TextLocation;
      return `${l.file}:${l.line}:${l.column} ${d.code} ${l.path}`;
    });
    expect(rows).toEqual([
      'gpo.xml:4:38 policy.validate.unknown-path-variable /AppLockerPolicy/RuleCollection[@Type="Exe"]/FilePathRule[@Id="921cc481-6e17-4653-8f75-050b80acca20"]/Conditions/FilePathCondition/@Path',
      'gpo.xml:8:24 policy.validate.duplicate-rule-id /AppLockerPolicy/RuleCollection[@Type="Dll"]/FilePublisherRule[@Id="921CC481-6E17-4653-8F75-050B80ACCA20"]/@Id',
      'gpo.xml:9:112 policy.validate.version-range-order /AppLockerPolicy/RuleCollection[@Type="Dll"]/FilePublisherRule[@Id="921CC481-6E17-4653-8F75-050B80ACCA20"]/Conditions/FilePublisherCondition/BinaryVersionRange/@LowSection',
    ]);
    expect(r.diagnostics[1]!.notes).toMatchObject([{ message: 'first used here', location: { line: 3, column: 5 } }]);
    for (const d of r.diagnostics) expect(d.help).toBeTruthy();
  });
});
