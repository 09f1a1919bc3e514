/**
 * `lockstep test` and `lockstep explain`, in-process through main(): a sample of the engine case corpus
 * (every case the CLI can express: default environment, plain SID principals) goes through
 * `lockstep test --file-info <csv> --json`, plus exit codes, CSV output and explain text.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { casePolicy, loadEngineCases, type EngineCase } from '../../engine/engine.conformance.js';
import { compilePolicy, decide, explain } from '../../engine/index.js';
import { hasErrors } from '../../diag/index.js';
import { parsePolicy } from '../../policy/index.js';
import { main } from '../main.js';
import { parseCsv, parseHashColumn } from './test.js';

const tmp = mkdtempSync(join(tmpdir(), 'lockstep-test-cli-'));
let stdout = '';
let stderr = '';
beforeEach(() => {
  stdout = '';
  stderr = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => ((stdout += String(s)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => ((stderr += String(s)), true));
});
afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

function csvField(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Cases the CLI can express: default environment, no UNC form, no packaged flag, a plain SID set. */
function expressible(c: EngineCase): boolean {
  const hashTypes = Object.keys(c.file.hashes);
  return Object.keys(c.envOverrides).length === 0 && !c.file.uncPath && !c.file.isPackagedApp && !c.principal.denyOnlySids &&
    !c.principal.elevatedSids && hashTypes.length <= 1 && !Object.values(c.file.hashes).includes('') &&
    !/^%/.test(c.file.path) && !c.file.path.includes('/') && !hasErrors(parsePolicy(c.policyXml).diagnostics);
}

describe('lockstep test over the engine case corpus', () => {
  const all = loadEngineCases().filter(expressible);
  const groups = new Map<string, EngineCase[]>();
  for (const c of all) {
    const key = JSON.stringify([c.policyXml, [...c.principal.sids].sort()]);
    groups.set(key, [...(groups.get(key) ?? []), c]);
  }
  it('covers a real sample of the corpus', () => {
    expect(all.length).toBeGreaterThan(120);
  });
  let n = 0;
  for (const cases of groups.values()) {
    const first = cases[0]!;
    it(`${first.id} and ${cases.length - 1} more with the same policy and principal`, async () => {
      const policyFile = join(tmp, `p${n}.xml`);
      const csv = join(tmp, `f${n++}.csv`);
      writeFileSync(policyFile, first.policyXml);
      const rows = cases.map((c) => {
        const [type, hex] = Object.entries(c.file.hashes)[0] ?? [];
        const pub = c.fileSpec.publisher ?? '';
        return [c.file.path, pub, type ? `${type} 0x${hex}` : '', c.file.collection ?? ''].map(csvField).join(',');
      });
      // Export-Csv writes a #TYPE line and quotes every field; parseCsv copes with both.
      writeFileSync(csv, ['#TYPE Microsoft.Security.ApplicationId.PolicyManagement.PolicyModel.FileInformation', 'Path,Publisher,Hash,Collection', ...rows].join('\r\n'));
      const code = await main(['test', '--policy', policyFile, '--file-info', csv, '--exact', '--user', ...first.principal.sids, '--json']);
      const out = JSON.parse(stdout) as Array<{ FilePath: string; PolicyDecision: string; MatchingRule: string; decision: { rule?: { id: string }; eventId?: number } }>;
      expect(out.length).toBe(cases.length);
      cases.forEach((c, i) => {
        const got = out[i]!;
        expect(got.FilePath).toBe(c.file.path);
        expect(got.PolicyDecision, c.id).toBe(c.want.verdict);
        if (c.want.rule !== undefined) expect(got.decision.rule?.id.toLowerCase() ?? 'none', c.id).toBe(c.want.rule.toLowerCase());
        if (typeof c.want.event === 'number') expect(got.decision.eventId, c.id).toBe(c.want.event);
      });
      const anyDenied = cases.some((c) => c.want.verdict === 'Denied' || c.want.verdict === 'DeniedByDefault');
      expect(code).toBe(anyDenied ? 2 : 0);
    });
  }
});

describe('lockstep test', () => {
  const policy = join(tmp, 'defaults.xml');
  const defaultsCase = loadEngineCases().find((c) => c.id.startsWith('default-rules/vectors.yaml#'))!;
  writeFileSync(policy, defaultsCase.policyXml);

  it('exits 0 when every path is allowed and prints the Test-AppLockerPolicy columns as CSV', async () => {
    const code = await main(['test', '--policy', policy, '--path', 'C:\\Windows\\System32\\calc.exe', 'C:\\Program Files\\A, B\\x.exe', '--csv']);
    expect(code).toBe(0);
    expect(stdout).toBe('FilePath,PolicyDecision,MatchingRule\n' +
      'C:\\Windows\\System32\\calc.exe,Allowed,(Default Rule) All files located in the Windows folder\n' +
      '"C:\\Program Files\\A, B\\x.exe",Allowed,(Default Rule) All files located in the Program Files folder\n');
    expect(parseCsv(stdout)[2]).toEqual(['C:\\Program Files\\A, B\\x.exe', 'Allowed', '(Default Rule) All files located in the Program Files folder']);
  });

  it('exits 2 when a file is denied; Everyone is the default principal, --user adds SIDs', async () => {
    expect(await main(['test', '--policy', policy, '--path', 'C:\\Users\\u\\a.exe'])).toBe(2);
    expect(stdout).toContain('DeniedByDefault (Exe, Enabled: blocked, event 8004)');
    expect(stderr).toContain('1 file: 0 allowed, 1 denied');
    stdout = '';
    expect(await main(['test', '--policy', policy, '--path', 'C:\\Users\\u\\a.exe', '--user', 'S-1-5-32-544'])).toBe(0);
    expect(stdout).toContain('Allowed by "(Default Rule) All files"');
  });

  it('--user takes names and evaluates the token Windows builds (issue 10 item 2)', async () => {
    // a deny of mshta.exe for Everyone applies to an administrator: the real token holds Everyone (§3.2, §3.4)
    const p = join(tmp, 'mshta.xml');
    writeFileSync(p, `<AppLockerPolicy Version="1"><RuleCollection Type="Exe" EnforcementMode="Enabled">
<FilePathRule Id="fd686d83-a829-4351-8ff4-27c7de5755d2" Name="admins" Description="" UserOrGroupSid="S-1-5-32-544" Action="Allow"><Conditions><FilePathCondition Path="*" /></Conditions></FilePathRule>
<FilePathRule Id="11111111-a829-4351-8ff4-27c7de5755d2" Name="no mshta" Description="" UserOrGroupSid="S-1-1-0" Action="Deny"><Conditions><FilePathCondition Path="%SYSTEM32%\\mshta.exe" /></Conditions></FilePathRule>
</RuleCollection></AppLockerPolicy>`);
    const mshta = 'C:\\Windows\\System32\\mshta.exe';
    expect(await main(['test', '--policy', p, '--path', mshta, '--user', 'BUILTIN\\Administrators'])).toBe(2);
    expect(await main(['test', '--policy', p, '--path', mshta, '--user', 'S-1-5-21-1-2-3-500'])).toBe(2);
    // Test-AppLockerPolicy semantics on request: only the SID given, so the Everyone deny does not apply
    expect(await main(['test', '--policy', p, '--path', mshta, '--user', 'Administrators', '--exact'])).toBe(0);
    expect(await main(['test', '--policy', p, '--path', 'C:\\Tools\\x.exe', '--user', 'Everyone'])).toBe(2);
    expect(await main(['test', '--policy', p, '--path', 'C:\\Tools\\x.exe', '--user', 'S-1-5-21-1-2-3-500'])).toBe(0);
  });

  it('exits 3 on an invalid policy and 1 on a bad SID or no files', async () => {
    const bad = join(tmp, 'bad.xml');
    writeFileSync(bad, '<AppLockerPolicy Version="1"><RuleCollection Type="Exe" EnforcementMode="Enforce" /></AppLockerPolicy>');
    expect(await main(['test', '--policy', bad, '--path', 'C:\\a.exe'])).toBe(3);
    expect(stderr).toContain('is not a valid AppLocker policy');
    expect(await main(['test', '--policy', policy, '--path', 'C:\\a.exe', '--user', 'CONTOSO\\nobody'])).toBe(1);
    expect(stderr).toContain('`CONTOSO\\nobody` is neither a SID nor a known user or group name');
    expect(await main(['test', '--policy', policy])).toBe(1);
  });

  it('maps %HOT% to the roots given with --hot', async () => {
    const hot = join(tmp, 'hot.xml');
    const c = loadEngineCases().find((x) => x.id.startsWith('paths/variables.yaml#'))!;
    writeFileSync(hot, c.policyXml.replace(/<FilePathRule Id="40000000-0000-0000-0000-000000000007"[^]*?<\/FilePathRule>/, ''));
    expect(await main(['test', '--policy', hot, '--path', 'E:\\tool.exe', '--hot', 'E:', '--json'])).toBe(2);
    expect((JSON.parse(stdout) as Array<{ decision: { verdict: string } }>)[0]!.decision.verdict).toBe('Denied');
    stdout = '';
    expect(await main(['test', '--policy', hot, '--path', 'E:\\tool.exe', '--json'])).toBe(2);
    expect((JSON.parse(stdout) as Array<{ decision: { verdict: string } }>)[0]!.decision.verdict).toBe('DeniedByDefault');
  });

  it('reads JSON file information', async () => {
    const j = join(tmp, 'fi.json');
    writeFileSync(j, JSON.stringify([{ Path: 'D:\\setup.msi', Publisher: 'O=CONTOSO, C=US\\APP\\{1}\\,1.0.0.0', Hash: 'SHA256 0x' + 'AB'.repeat(32) }]));
    expect(await main(['test', '--policy', policy, '--file-info', j, '--json'])).toBe(0);
    const out = JSON.parse(stdout) as Array<{ PolicyDecision: string; MatchingRule: string }>;
    expect(out[0]).toMatchObject({ PolicyDecision: 'Allowed', MatchingRule: '(Default Rule) All digitally signed Windows Installer files' });
  });

  it('parses the Hash column forms', () => {
    expect(parseHashColumn('SHA256 0xAB')).toEqual({ SHA256: 'AB' });
    expect(parseHashColumn('sha1 cd')).toEqual({ SHA1: 'cd' });
    expect(parseHashColumn('')).toEqual({});
    expect(parseHashColumn('MD5 0x00')).toBeUndefined();
  });
});

describe('lockstep explain', () => {
  const c = loadEngineCases().find((x) => x.id === 'exceptions/mixed-exceptions.yaml#the Contoso Updater 2.x is excepted from the deny and allowed by Program Files')!;
  const policy = join(tmp, 'mixed.xml');
  writeFileSync(policy, c.policyXml);

  it('prints the same text as explain() and exits by the verdict', async () => {
    const args = ['explain', '--policy', policy, '--path', c.file.path, '--publisher', c.fileSpec.publisher!, '--exact', '--user', ...c.principal.sids];
    expect(await main(args)).toBe(0);
    const d = decide(compilePolicy(casePolicy(c.policyXml)), c.file, c.principal);
    expect(stdout).toBe(explain(d, c.file.path) + '\n');
    expect(stdout).toContain('exception:  Deny rule "Deny Contoso tools except Contoso Updater"');
  });

  it('gives the decision as JSON and exits 2 when denied', async () => {
    expect(await main(['explain', '--policy', policy, '--path', 'C:\\Other\\x.exe', '--interactive', '--json'])).toBe(2);
    const j = JSON.parse(stdout) as { decision: { verdict: string; eventId: number } };
    expect(j.decision).toMatchObject({ verdict: 'DeniedByDefault', eventId: 8004 });
  });

  it('rejects unreadable publisher and hash text', async () => {
    expect(await main(['explain', '--policy', policy, '--path', 'C:\\x.exe', '--hash', 'nope'])).toBe(1);
    expect(stderr).toContain('unreadable hash `nope`');
  });
});
