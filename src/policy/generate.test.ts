/**
 * Rule generation (applocker.md §8.3) on FileInformation values built here: publisher first, hash fallback,
 * path only when asked and never for user-writable places, -Optimize grouping, stable content ids, the
 * trace; and the round trip through the XML serializer/parser and the reference engine (every source allowed).
 */
import { engineRuleMatcher } from '../rollout/analysis/engine-decider.js';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { evaluateReference, principalOf } from '../engine/index.js';
import type { FileInformation } from './file-information.js';
import { contentRuleId, generateRules, type GenerateSource } from './generate.js';
import { isUserWritablePath } from './user-writable.js';
import { lintPolicy, parsePolicy, serializePolicy } from './index.js';

const MS = 'O=MICROSOFT CORPORATION, L=REDMOND, S=WASHINGTON, C=US';
const H = (c: string): string => c.repeat(64);

const signedExe = (path: string, product: string, binary: string, version: string, hash: string): FileInformation => ({
  path, hashes: { SHA256: hash }, publisher: { publisherName: MS, productName: product, binaryName: binary, binaryVersion: version },
});
const files: GenerateSource[] = [
  { path: '/img/Program Files/Office/winword.exe', windowsPath: 'C:\\Program Files\\Office\\winword.exe', displayPath: '%PROGRAMFILES%\\OFFICE\\WINWORD.EXE', size: 10,
    info: signedExe('C:\\Program Files\\Office\\winword.exe', 'MICROSOFT OFFICE', 'WINWORD.EXE', '16.0.1.0', H('A')) },
  { path: '/img/Program Files/Office/excel.exe', windowsPath: 'C:\\Program Files\\Office\\excel.exe', displayPath: '%PROGRAMFILES%\\OFFICE\\EXCEL.EXE', size: 11,
    info: signedExe('C:\\Program Files\\Office\\excel.exe', 'MICROSOFT OFFICE', 'EXCEL.EXE', '16.0.1.0', H('B')) },
  { path: '/img/Tools/unsigned.exe', windowsPath: 'C:\\Tools\\unsigned.exe', displayPath: '%OSDRIVE%\\TOOLS\\UNSIGNED.EXE', size: 12,
    info: { path: 'C:\\Tools\\unsigned.exe', hashes: { SHA256: H('C') } } },
  { path: '/img/Program Files/App/helper.dll', windowsPath: 'C:\\Program Files\\App\\helper.dll', displayPath: '%PROGRAMFILES%\\APP\\HELPER.DLL', size: 13,
    info: { path: 'C:\\Program Files\\App\\helper.dll', hashes: { SHA256: H('D') } } },
  { path: '/img/Windows/Temp/drop.ps1', windowsPath: 'C:\\Windows\\Temp\\drop.ps1', displayPath: '%WINDIR%\\TEMP\\DROP.PS1', size: 14,
    info: { path: 'C:\\Windows\\Temp\\drop.ps1', hashes: { SHA256: H('E') }, publisher: { publisherName: MS, productName: '', binaryName: '' } } },
  { path: '/img/Users/x/app.msix', windowsPath: 'C:\\Users\\x\\app.msix', displayPath: '%OSDRIVE%\\USERS\\X\\APP.MSIX', size: 15,
    info: { path: 'C:\\Users\\x\\app.msix', hashes: { SHA256Flat: H('F') }, isPackagedApp: true, publisher: { publisherName: 'CN=Contoso, O=Contoso, C=US', productName: 'Contoso.App', binaryName: 'APPX', binaryVersion: '1.2.3.4' } } },
  { path: '/img/Users/x/bad.read', size: 0, error: { reason: 'EACCES', message: 'denied' } } as GenerateSource,
];
const allowed = (src: readonly GenerateSource[]) => src.filter((s) => !('error' in s));

describe('generateRules (§8.3)', () => {
  it('publisher first, hash fallback, one rule per distinct file without -Optimize', () => {
    const g = generateRules(files, { ruleTypes: ['Publisher', 'Hash'], userOrGroupSid: 'S-1-1-0', optimize: false });
    const kinds = g.policy.ruleCollections.map((c) => [c.type, c.rules.map((r) => r.kind)]);
    expect(kinds).toEqual([
      ['Appx', ['FilePublisherRule']],
      ['Dll', ['FileHashRule']],
      ['Exe', ['FileHashRule', 'FilePublisherRule', 'FilePublisherRule']],
      ['Script', ['FilePublisherRule']],
    ]);
    const exe = g.policy.ruleCollections.find((c) => c.type === 'Exe')!;
    const word = exe.rules.find((r) => r.name.startsWith('WINWORD.EXE'))!;
    expect(word.name).toBe(`WINWORD.EXE version 16.0.1.0 exactly in MICROSOFT OFFICE from ${MS}`);
    expect(g.trace.get(word.id)).toEqual(['/img/Program Files/Office/winword.exe']);
    const script = g.policy.ruleCollections.find((c) => c.type === 'Script')!.rules[0]!;
    // Scripts have no product/binary/version: ProductName="*" BinaryName="*" (formats.md §E.3).
    expect(script.kind === 'FilePublisherRule' && [script.condition.productName, script.condition.binaryName]).toEqual(['*', '*']);
    const appx = g.policy.ruleCollections.find((c) => c.type === 'Appx')!.rules[0]!;
    expect(appx.kind === 'FilePublisherRule' && appx.condition).toMatchObject({ publisherName: 'CN=Contoso, O=Contoso, C=US', productName: 'Contoso.App', binaryName: '*' });
    const hash = exe.rules.find((r) => r.kind === 'FileHashRule')!;
    expect(hash.kind === 'FileHashRule' && hash.condition.fileHashes).toEqual([{ type: 'SHA256', data: `0x${H('C')}`, sourceFileName: 'unsigned.exe', sourceFileLength: '12' }]);
    expect(g.policy.ruleCollections.every((c) => c.enforcementMode === 'NotConfigured')).toBe(true);
  });

  it('-Optimize: one publisher rule per product, one hash rule per collection, folders for paths', () => {
    const g = generateRules(files, { ruleTypes: ['Publisher', 'Hash'], userOrGroupSid: 'S-1-5-32-545', optimize: true });
    const exe = g.policy.ruleCollections.find((c) => c.type === 'Exe')!;
    const pubs = exe.rules.filter((r) => r.kind === 'FilePublisherRule');
    expect(pubs).toHaveLength(1);
    expect(pubs[0]!.name).toBe(`MICROSOFT OFFICE from ${MS}`);
    expect(g.trace.get(pubs[0]!.id)).toHaveLength(2);
    const paths = generateRules(files, { ruleTypes: ['Path'], userOrGroupSid: 'S-1-1-0', optimize: true });
    const pathRules = paths.policy.ruleCollections.flatMap((c) => c.rules.map((r) => r.kind === 'FilePathRule' && r.condition.path));
    expect(pathRules.sort()).toEqual(['%PROGRAMFILES%\\APP\\*', '%PROGRAMFILES%\\OFFICE\\*']);
  });

  it('path rules only when asked and never for user-writable locations', () => {
    const g = generateRules(files, { ruleTypes: ['Path'], userOrGroupSid: 'S-1-1-0', optimize: false });
    const paths = g.policy.ruleCollections.flatMap((c) => c.rules.map((r) => (r.kind === 'FilePathRule' ? r.condition.path : '')));
    expect(paths.sort()).toEqual(['%PROGRAMFILES%\\APP\\HELPER.DLL', '%PROGRAMFILES%\\OFFICE\\EXCEL.EXE', '%PROGRAMFILES%\\OFFICE\\WINWORD.EXE']);
    expect(g.diagnostics.map((d) => d.message).join('\n')).toContain('`%WINDIR%\\TEMP\\DROP.PS1` is in a user-writable location');
    expect(isUserWritablePath('%OSDRIVE%\\TOOLS\\X.EXE')).toBe(true);
    expect(isUserWritablePath('%SYSTEM32%\\SPOOL\\DRIVERS\\COLOR\\X.DLL')).toBe(true);
    expect(isUserWritablePath('%SYSTEM32%\\CMD.EXE')).toBe(false);
  });

  it('ids are content-derived: same rules for any file order, valid GUID text', () => {
    const opts = { ruleTypes: ['Publisher', 'Hash', 'Path'] as const, userOrGroupSid: 'S-1-1-0', optimize: true };
    const xml = serializePolicy(generateRules(files, { ...opts, ruleTypes: [...opts.ruleTypes] }).policy);
    fc.assert(fc.property(fc.shuffledSubarray(files, { minLength: files.length, maxLength: files.length }), (shuffled) => {
      expect(serializePolicy(generateRules(shuffled, { ...opts, ruleTypes: [...opts.ruleTypes] }).policy)).toBe(xml);
    }), { numRuns: 25 });
    expect(contentRuleId('x')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(contentRuleId('x')).not.toBe(contentRuleId('y'));
  });

  it.each([false, true])('round trip: XML validates clean and the reference engine allows every source (optimize=%s)', (optimize) => {
    const g = generateRules(files, { ruleTypes: ['Publisher', 'Hash'], userOrGroupSid: 'S-1-1-0', optimize, enforcementMode: 'Enabled' });
    const parsed = parsePolicy(serializePolicy(g.policy));
    expect(parsed.ok).toBe(true);
    expect(parsed.diagnostics.filter((d) => d.severity !== 'info')).toEqual([]);
    const everyone = principalOf(['S-1-1-0']);
    for (const s of allowed(files)) {
      const info = 'info' in s ? s.info! : (s as FileInformation);
      const d = evaluateReference(parsed.ok ? parsed.value.policy : g.policy, info, everyone);
      expect([info.path, d.verdict]).toEqual([info.path, 'Allowed']);
    }
    // And a file nobody scanned is denied by default in the collections that now have rules.
    const stranger = evaluateReference(g.policy, { path: 'C:\\Tools\\other.exe', hashes: { SHA256: H('9') } }, everyone);
    expect(stranger.verdict).toBe('DeniedByDefault');
  });
});

describe('generateRules: what a careful admin must be told', () => {
  it('never writes a path rule into the Appx collection (packaged apps have only publisher rules)', () => {
    const g = generateRules(files, { ruleTypes: ['Path'], userOrGroupSid: 'S-1-1-0', optimize: true });
    expect(g.policy.ruleCollections.find((c) => c.type === 'Appx')).toBeUndefined();
    expect(g.diagnostics.some((d) => d.code === 'policy.generate.no-rule' && d.message.includes('packaged apps have only publisher rules'))).toBe(true);
    const r = parsePolicy(serializePolicy(g.policy));
    expect(r.ok && r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  });

  it('refuses every allow rule for a file with an invalid signature, and lists it with the reason', () => {
    const spoofed: GenerateSource = {
      path: '/img/Downloads/7z.exe', signature: 'Invalid', reasons: ['explicit-ecc-parameters'],
      info: { path: 'C:\\Downloads\\7z.exe', hashes: { SHA256: H('7') } },
    };
    for (const ruleTypes of [['Publisher', 'Hash'], ['Hash'], ['Path']] as const) {
      const g = generateRules([spoofed], { ruleTypes: [...ruleTypes], userOrGroupSid: 'S-1-1-0', optimize: false });
      expect(g.policy.ruleCollections).toEqual([]);
      expect(g.refused).toEqual([{ source: '/img/Downloads/7z.exe', why: 'invalid-signature', reason: 'explicit-ecc-parameters' }]);
      expect(g.diagnostics.map((d) => d.code)).toEqual(['policy.generate.refused']);
    }
  });

  it('refuses a valid signature in a damaged certificate table (signature stuffing)', () => {
    const stuffed: GenerateSource = {
      path: '/img/App/whois.exe', signature: 'Valid', signatureAnomalies: [{ code: 'fileinfo.authenticode.signature-stuffing', message: '16 bytes after the signature' }],
      info: signedExe('C:\\App\\whois.exe', 'SYSINTERNALS WHOIS', 'WHOIS.EXE', '1.21.0.0', H('8')),
    };
    const g = generateRules([stuffed], { ruleTypes: ['Publisher', 'Hash'], userOrGroupSid: 'S-1-1-0', optimize: false });
    expect(g.policy.ruleCollections).toEqual([]);
    expect(g.refused[0]!.why).toBe('damaged-signature');
    expect(g.refused[0]!.reason).toContain('signature-stuffing');
  });

  it('prefers a publisher rule wherever the signature verifies, whatever the -RuleType order', () => {
    const g = generateRules(files.slice(0, 3), { ruleTypes: ['Hash', 'Publisher'], userOrGroupSid: 'S-1-1-0', optimize: false });
    expect(g.policy.ruleCollections[0]!.rules.map((r) => r.kind).sort()).toEqual(['FileHashRule', 'FilePublisherRule', 'FilePublisherRule']);
  });

  it('an optimised folder rule under %WINDIR% gets exceptions for the user-writable folders beneath it', () => {
    const sys: GenerateSource = { path: '/img/Windows/System32/calc.exe', windowsPath: 'C:\\Windows\\System32\\calc.exe', displayPath: '%SYSTEM32%\\CALC.EXE', size: 1,
      info: { path: 'C:\\Windows\\System32\\calc.exe', hashes: { SHA256: H('9') } } };
    const g = generateRules([sys], { ruleTypes: ['Path'], userOrGroupSid: 'S-1-1-0', optimize: true, writableDirs: ['%SYSTEM32%\\LOGFILES\\WMI'] });
    const rule = g.policy.ruleCollections[0]!.rules[0]!;
    expect(rule.kind === 'FilePathRule' && rule.condition.path).toBe('%SYSTEM32%\\*');
    const exc = rule.kind === 'FilePathRule' ? rule.exceptions.map((e) => (e.kind === 'FilePathCondition' ? e.path : '')) : [];
    for (const e of ['%SYSTEM32%\\SPOOL\\PRINTERS\\*', '%SYSTEM32%\\TASKS\\*', '%SYSTEM32%\\FXSTMP\\*', '%SYSTEM32%\\LOGFILES\\WMI\\*']) expect(exc).toContain(e);
    expect(exc).not.toContain('%WINDIR%\\TEMP\\*'); // not beneath System32
    // What the lint checks is what generation promises: no user-writable allowed path remains.
    expect(lintPolicy(g.policy, { matches: engineRuleMatcher, writableDirs: ['%SYSTEM32%\\LOGFILES\\WMI'] }).filter((f) => f.code === 'policy.lint.user-writable-path')).toEqual([]);
    // The same file without -Optimize: one exact path, no exceptions needed.
    const exact = generateRules([sys], { ruleTypes: ['Path'], userOrGroupSid: 'S-1-1-0', optimize: false }).policy.ruleCollections[0]!.rules[0]!;
    expect(exact.kind === 'FilePathRule' && exact.exceptions).toEqual([]);
    const r = parsePolicy(serializePolicy(g.policy));
    expect(r.ok && r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  });

  it('no path rule for a folder the admin lists as writable', () => {
    const f: GenerateSource = { path: '/img/Windows/ccmcache/x.exe', windowsPath: 'C:\\Windows\\ccmcache\\x.exe', displayPath: '%WINDIR%\\CCMCACHE\\X.EXE', size: 1,
      info: { path: 'C:\\Windows\\ccmcache\\x.exe', hashes: { SHA256: H('5') } } };
    expect(generateRules([f], { ruleTypes: ['Path'], userOrGroupSid: 'S-1-1-0', optimize: true }).policy.ruleCollections).toHaveLength(1);
    const g = generateRules([f], { ruleTypes: ['Path'], userOrGroupSid: 'S-1-1-0', optimize: true, writableDirs: ['%WINDIR%\\CCMCACHE'] });
    expect(g.policy.ruleCollections).toEqual([]);
    expect(g.diagnostics[0]!.message).toContain('user-writable');
  });

  it('says so when the inventory is empty', () => {
    expect(generateRules([], { ruleTypes: ['Publisher', 'Hash'], userOrGroupSid: 'S-1-1-0', optimize: false }).diagnostics.map((d) => d.code)).toEqual(['policy.generate.no-files']);
  });
});
