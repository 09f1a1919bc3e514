import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../../test-support/cli.js';
import { corpusPath, corpusSkipReason, hasCorpus, policies } from '../../../test-support/corpus.js';

const tmp = mkdtempSync(join(tmpdir(), 'lockstep-policy-cli-'));

describe('lockstep policy defaults | validate | fmt | diff | merge', () => {
  it('writes default rules that validate and are already canonical', () => {
    const d = runCli(['policy', 'defaults', '--mode', 'AuditOnly', '-o', join(tmp, 'defaults.xml')]);
    expect(d.code, d.stderr).toBe(0);
    const v = runCli(['policy', 'validate', join(tmp, 'defaults.xml')]);
    expect(v.code, v.stderr).toBe(0);
    expect(v.stdout).toMatch(/ok — 0 errors, 0 warnings — Appx:AuditOnly\(1\) Dll:AuditOnly\(3\) Exe:AuditOnly\(3\) Msi:AuditOnly\(3\) Script:AuditOnly\(3\)/);
    const c = runCli(['policy', 'fmt', '--check', join(tmp, 'defaults.xml')]);
    expect(c.code, c.stderr).toBe(0);
  });

  it('rejects an unknown collection name with the expected spelling', () => {
    const r = runCli(['policy', 'defaults', '--collection', 'exe']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('unknown rule collection `exe`');
  });

  it('reports invalid policies with exit 3, located diagnostics and --json', () => {
    const bad = join(tmp, 'bad.xml');
    writeFileSync(bad, '<AppLockerPolicy Version="1">\n  <RuleCollection Type="Exe" EnforcementMode="Enforce" />\n</AppLockerPolicy>\n');
    const r = runCli(['policy', 'validate', bad]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(`${bad}:2:`);
    const j = runCli(['policy', 'validate', '--json', bad]);
    expect(j.code).toBe(3);
    const parsed = JSON.parse(j.stdout) as Array<{ valid: boolean; diagnostics: Array<{ code: string; location: { line: number } }> }>;
    expect(parsed[0]!.valid).toBe(false);
    expect(parsed[0]!.diagnostics.some((d) => d.location.line === 2)).toBe(true);
  });

  it('diffs and merges with provenance', () => {
    const a = join(tmp, 'a.xml');
    const b = join(tmp, 'b.xml');
    expect(runCli(['policy', 'defaults', '--collection', 'Exe', '--mode', 'Enabled', '-o', a]).code).toBe(0);
    expect(runCli(['policy', 'defaults', '--collection', 'Exe,Script', '--mode', 'AuditOnly', '-o', b]).code).toBe(0);
    const d = runCli(['policy', 'diff', '--exit-code', a, b]);
    expect(d.code).toBe(2);
    expect(d.stdout).toContain('~ Exe EnforcementMode: Enabled -> AuditOnly');
    expect(d.stdout).toContain('+ collection Script');
    const m = runCli(['policy', 'merge', '--json', a, b]);
    expect(m.code, m.stderr).toBe(0);
    const j = JSON.parse(m.stdout) as { modeSources: Record<string, string>; overriddenRules: Record<string, string[]> };
    expect(j.modeSources).toEqual({ Exe: b, Script: b });
    expect(Object.keys(j.overriddenRules)).toHaveLength(3);
    const x = runCli(['policy', 'merge', a, b]);
    expect(x.stdout).toMatch(/^<\?xml|^<AppLockerPolicy/);
  });

  it('fmt --write keeps a UTF-16 file UTF-16 and is idempotent', () => {
    const f = join(tmp, 'u16.xml');
    const text = '<?xml version="1.0" encoding="utf-16"?>\r\n<AppLockerPolicy Version="1"><RuleCollection Type="Exe" EnforcementMode="AuditOnly"><FilePathRule Action="Allow" Id="921cc481-6e17-4653-8f75-050b80acca20" Name="n" Description="" UserOrGroupSid="S-1-1-0"><Conditions><FilePathCondition Path="%PROGRAMFILES%\\*"/></Conditions></FilePathRule></RuleCollection></AppLockerPolicy>\r\n';
    writeFileSync(f, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
    expect(runCli(['policy', 'fmt', '--check', f]).code).toBe(2);
    expect(runCli(['policy', 'fmt', '--write', f]).code).toBe(0);
    const once = readFileSync(f);
    expect([once[0], once[1]]).toEqual([0xff, 0xfe]);
    expect(runCli(['policy', 'fmt', '--check', f]).code).toBe(0);
    expect(runCli(['policy', 'fmt', '--write', f]).code).toBe(0);
    expect(readFileSync(f).equals(once)).toBe(true);
  });
});

describe.skipIf(!hasCorpus)('lockstep policy on the corpus', () => {
  it('merges the AaronLocker fragments onto the NSA starter policy', () => {
    const r = runCli(['policy', 'merge', '--json', corpusPath(policies.nsaStarter), corpusPath(policies.aaronOldBginfo), corpusPath(policies.aaronOneDrive1803)]);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as { policy: { ruleCollections: Array<{ type: string; enforcementMode: string; rules: unknown[] }> } };
    const exe = j.policy.ruleCollections.find((c) => c.type === 'Exe')!;
    // NSA Exe has 110 rules (101 publisher + 3 path + 6 hash), Deny-OldBginfo adds 1, OneDrive 1803 adds 2.
    expect(exe.rules).toHaveLength(113);
    // The fragments are NotConfigured, so the NSA AuditOnly mode stays in force.
    expect(exe.enforcementMode).toBe('AuditOnly');
  });

  it('refuses the WDAC SiPolicy with exit 3 and says what it is', () => {
    const r = runCli(['policy', 'validate', corpusPath(policies.wdacSiPolicy)]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/WDAC/);
  });
});

if (!hasCorpus) describe.skip(corpusSkipReason, () => { it('skipped', () => {}); });
