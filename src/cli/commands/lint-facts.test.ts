/**
 * End to end, in-process: `lockstep policy lint` (exit codes, located text and JSON findings, correlation with
 * a real SQLite evidence store, --writable-dirs), `lockstep test --file-info` with the UTF-16 CSV Export-Csv
 * writes and with `lockstep fileinfo --json` output, and `rules generate --from` fileinfo JSON refusing a
 * tampered file (issue 16 items 3–5).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCliInProcess as run } from '../../../test-support/cli.js';
import { authenticodeSamples, corpusPath, corpusSkipReason, hasCorpus, policies } from '../../../test-support/corpus.js';
import type { AppLockerEvent } from '../../events/index.js';
import { defaultPolicy, serializePolicy } from '../../policy/index.js';
import { openStore } from '../../store/index.js';

const tmp = mkdtempSync(join(tmpdir(), 'lockstep-lint-'));
const WINDIR_RULE = 'a61c8b2c-a319-4cd0-9690-d2177cad7b51'; // (Default Rule) All files located in the Windows folder

describe('lockstep policy lint', () => {
  const defaults = join(tmp, 'defaults.xml');
  writeFileSync(defaults, serializePolicy(defaultPolicy(['Exe', 'Dll'], 'AuditOnly')));

  it('finds the default rules\' bypass folders, located, with the fix; errors exit 2', async () => {
    const r = await run(['policy', 'lint', defaults]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stdout).toMatch(new RegExp(`${defaults.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+: error policy\\.lint\\.user-writable-path: allow rule \`\\(Default Rule\\) All files located in the Windows folder\``));
    expect(r.stdout).toContain('%WINDIR%\\TASKS');
    expect(r.stdout).toContain('help: add path exceptions to the rule');
    expect(r.stdout).toMatch(/policy\.lint\.lolbin-allowed: .*mshta\.exe/);
  });

  it('--json, and correlation: how many recorded events the risky rule allowed', async () => {
    const db = join(tmp, 'evidence.db');
    const store = await openStore(db, { create: true });
    const ev = (i: number, ruleId: string, outcome: AppLockerEvent['outcome'], eventId: number): AppLockerEvent => ({
      channel: 'Microsoft-Windows-AppLocker/EXE and DLL', provider: 'Microsoft-Windows-AppLocker', eventId, outcome, computer: 'PC-01',
      timeCreated: new Date(Date.now() - 3_600_000 * (i + 1)).toISOString(), recordId: i + 1, userSid: 'S-1-5-21-1-2-3-1001',
      collection: 'Exe', filePath: `%WINDIR%\\TEMP\\DROP${i}.EXE`, ruleId,
    });
    await store.insertEvents([
      ev(0, `{${WINDIR_RULE.toUpperCase()}}`, 'allowed', 8002), ev(1, `{${WINDIR_RULE.toUpperCase()}}`, 'allowed', 8002), ev(2, `{${WINDIR_RULE.toUpperCase()}}`, 'allowed', 8002),
      ev(3, '{00000000-0000-0000-0000-000000000000}', 'audited', 8003),
    ], { path: 'fixture', size: 1, mtimeMs: 1 });
    await store.close();
    const r = await run(['policy', 'lint', '--store', db, '--json', defaults]);
    expect(r.code, r.stderr).toBe(2);
    const out = JSON.parse(r.stdout) as Array<{ file: string; evidence: unknown; findings: Array<{ code: string; ruleId?: string; events?: { allowed: number }; location: { line: number } }> }>;
    const f = out[0]!.findings.find((x) => x.code === 'policy.lint.user-writable-path' && x.ruleId === WINDIR_RULE)!;
    expect(f.events).toEqual({ allowed: 3, audited: 0, blocked: 0 });
    expect(f.location.line).toBeGreaterThan(0);
    const text = await run(['policy', 'lint', '--store', db, defaults]);
    expect(text.stdout).toContain('evidence: the rule allowed 3 recorded events');
  });

  it('a policy whose exceptions close every folder, plus the admin\'s own list', async () => {
    const writable = join(tmp, 'accesschk.txt');
    writeFileSync(writable, 'Accesschk v6.15 - Reports effective permissions\r\n\r\nRW C:\\Windows\\ccmcache\r\n');
    const r = await run(['policy', 'lint', '--writable-dirs', writable, '--json', defaults]);
    const out = JSON.parse(r.stdout) as Array<{ findings: Array<{ code: string; message: string }> }>;
    expect(out[0]!.findings.find((x) => x.code === 'policy.lint.user-writable-path')!.message).toContain('%WINDIR%\\CCMCACHE');
  });

  it('an invalid policy exits 3', async () => {
    const bad = join(tmp, 'bad.xml');
    writeFileSync(bad, '<AppLockerPolicy Version="1"><RuleCollection Type="Exe" EnforcementMode="Enforce"/></AppLockerPolicy>');
    expect((await run(['policy', 'lint', bad])).code).toBe(3);
  });

  it.skipIf(!hasCorpus)(`the NSA starter policy: warnings only (AuditOnly lock-out) but the writable-path errors exit 2${hasCorpus ? '' : ` (${corpusSkipReason})`}`, async () => {
    const r = await run(['policy', 'lint', corpusPath(policies.nsaStarter)]);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/warning policy\.lint\.lockout: enforcing the Exe collection locks users out: deny rule `EXPLORER\.EXE/);
  });
});

describe('file facts on the command line', () => {
  it('test --file-info takes the UTF-16LE CSV that Export-Csv -Encoding Unicode writes', async () => {
    const policy = join(tmp, 'exe.xml');
    writeFileSync(policy, serializePolicy(defaultPolicy(['Exe'], 'Enabled')));
    const csv = ['#TYPE Microsoft.Security.ApplicationId.PolicyManagement.PolicyModel.FileInformation', '"Path","Publisher","Hash","AppX"',
      `"%PROGRAMFILES%\\APP\\A.EXE","","SHA256 0x${'1'.repeat(64)}","False"`, `"%OSDRIVE%\\USERS\\X\\B.EXE","","SHA256 0x${'2'.repeat(64)}","False"`].join('\r\n');
    const file = join(tmp, 'alfi.csv');
    writeFileSync(file, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(csv, 'utf16le')]));
    const r = await run(['test', '--policy', policy, '--file-info', file, '--json']);
    expect(r.code, r.stderr).toBe(2);
    const out = JSON.parse(r.stdout) as Array<{ FilePath: string; PolicyDecision: string }>;
    expect(out.map((x) => [x.FilePath, x.PolicyDecision])).toEqual([['%PROGRAMFILES%\\APP\\A.EXE', 'Allowed'], ['%OSDRIVE%\\USERS\\X\\B.EXE', 'DeniedByDefault']]);
  });

  it.skipIf(!hasCorpus)('fileinfo --json → rules generate --from refuses the CurveBall spoof, allows whois by publisher; explain --file-info', async () => {
    const fi = await run(['fileinfo', '--json', corpusPath(authenticodeSamples.whois), corpusPath(authenticodeSamples.sevenZipCurveBall)]);
    const facts = join(tmp, 'facts.json');
    writeFileSync(facts, fi.stdout);
    const g = await run(['rules', 'generate', '--from', facts, '--json']);
    expect(g.code, g.stderr).toBe(0);
    const out = JSON.parse(g.stdout) as { rules: Array<{ kind: string }>; refused: Array<{ source: string; why: string }> };
    expect(out.rules.map((r) => r.kind)).toEqual(['FilePublisherRule']);
    expect(out.refused).toEqual([{ source: corpusPath(authenticodeSamples.sevenZipCurveBall), why: 'invalid-signature', reason: expect.stringContaining('explicit curve') }]);
    const policy = join(tmp, 'gen.xml');
    writeFileSync(policy, JSON.parse(g.stdout).policy as string);
    const e = await run(['explain', '--policy', policy, '--path', 'C:\\Tools\\whois.exe', '--file-info', facts, '--json']);
    // two records and no path match: explain says which file it cannot pick
    expect(e.code).toBe(1);
    expect(e.stderr).toContain('has no record for');
    // one record: its publisher decides — the generated publisher rule allows whois wherever it sits
    const one = join(tmp, 'whois.json');
    writeFileSync(one, JSON.stringify([(JSON.parse(fi.stdout) as unknown[])[0]]));
    const ok = await run(['explain', '--policy', policy, '--path', 'C:\\Tools\\whois.exe', '--file-info', one, '--json']);
    expect(ok.code, ok.stderr).toBe(0);
    expect((JSON.parse(ok.stdout) as { decision: { verdict: string; rule?: { kind: string } } }).decision).toMatchObject({ verdict: 'Allowed', rule: { kind: 'FilePublisherRule' } });
  });
});
