/**
 * The issue's "done when" on the real demo (SQLite store, CLI in-process): accept → READY → promote a pilot ring →
 * promote broad → export all → verify-bundle → rollback restores the previous bytes → `history --verify` passes;
 * plus the adapters' exit codes (not ready 2, lock-out 3, tampered history 2, tampered bundle 2, drift 2).
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliInProcess as run } from '../../../test-support/cli.js';

const END = '2026-11-20';
const NOW = `${END}T00:00:00Z`;
const FIN = 'AppLocker - Finance';
let dir: string;
let ws: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lockstep-promote-'));
  ws = join(dir, 'demo');
  const r = await run(['demo', ws, '--machines', '15', '--days', '16', '--end', END, '--json']);
  expect(r.code).toBe(0);
  writeFileSync(join(ws, 'rings.yaml'), `rings:\n  - gpo: ${FIN}\n    name: pilot\n    ou: OU=Pilot,OU=Finance,OU=Workstations,DC=contoso,DC=example\n`);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const W = () => ['--workspace', ws];
const finXml = () => readFileSync(join(ws, 'policies', 'fin.xml'));

describe('promotion loop on the demo (SQLite, end to end)', () => {
  it('accept → READY → pilot ring → broad → export all → verify-bundle → rollback → history --verify', async () => {
    const original = finXml();
    const notReady = await run(['promote', ...W(), '--gpo', FIN, '--since', '16d', '--now', NOW, '--actor', 'alice']);
    expect(notReady.code).toBe(2);
    expect(finXml()).toEqual(original);

    const dry = await run(['rules', 'accept', ...W(), '--gpo', FIN, '--all', '--dry-run', '--since', '16d', '--now', NOW]);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/\+ Exe Allow FileHashRule `FINCALC\.EXE`/);
    expect(finXml()).toEqual(original);
    const acc = await run(['rules', 'accept', ...W(), '--gpo', FIN, '--all', '--since', '16d', '--now', NOW, '--actor', 'alice', '--json']);
    expect(acc.code).toBe(0);
    expect(JSON.parse(acc.stdout).written).toBe(true);
    const accepted = finXml();

    const pilot = await run(['promote', ...W(), '--gpo', FIN, '--ring', 'pilot', '--since', '16d', '--now', NOW, '--actor', 'alice', '--json']);
    expect(pilot.code, pilot.stderr).toBe(0);
    const pj = JSON.parse(pilot.stdout);
    expect(pj.status).toBe('promoted');
    expect(pj.verdict).toBe('READY');
    expect(readFileSync(join(ws, pj.ringDefinition), 'utf8')).toContain('OU=Pilot');

    const broad = await run(['promote', ...W(), '--gpo', FIN, '--since', '16d', '--now', NOW, '--actor', 'bob']);
    expect(broad.code, broad.stderr).toBe(0);
    expect(finXml().toString()).toContain('EnforcementMode="Enabled"');
    const promoted = finXml();

    expect((await run(['keys', 'init', ...W()])).code).toBe(0);
    expect(statSync(join(ws, '.lockstep', 'keys', 'bundle-signing.key.pem')).mode & 0o077).toBe(0);
    const out = join(dir, 'change');
    const ex = await run(['export', ...W(), '--gpo', FIN, '--out', out, '--since', '16d', '--now', NOW]);
    expect(ex.code, ex.stderr).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['deploy.ps1', 'diff.json', 'diff.txt', 'intune-README.md', 'intune-graph.json', 'intune.syncml.xml', 'manifest.json', 'manifest.sig', 'policy.xml', 'readiness.html', 'readiness.json', 'rollback.ps1', 'wef-subscription.xml', 'wevtutil-sizes.cmd']);
    expect(readFileSync(join(out, 'diff.txt'), 'utf8')).toContain('Exe EnforcementMode: AuditOnly -> Enabled');
    // The Intune profile carries the merged policy (baseline's Windows rules + Finance's), not Finance's alone.
    expect(readFileSync(join(out, 'intune-graph.json'), 'utf8')).toContain('%WINDIR%');
    const ok = await run(['verify-bundle', out, ...W()]);
    expect(ok.code, ok.stderr).toBe(0);
    writeFileSync(join(out, 'policy.xml'), Buffer.concat([readFileSync(join(out, 'policy.xml')), Buffer.from([0x20, 0])]));
    const bad = await run(['verify-bundle', out, ...W(), '--json']);
    expect(bad.code).toBe(2);
    expect(JSON.parse(bad.stdout).problems[0].code).toBe('rollout.bundle.file-changed');

    const rb = await run(['rollback', ...W(), '--gpo', FIN, '--actor', 'carol', '--out', join(dir, 'rb')]);
    expect(rb.code, rb.stderr).toBe(0);
    expect(finXml()).toEqual(accepted);
    expect(readdirSync(join(dir, 'rb')).sort()).toEqual(['deploy.ps1', 'policy.xml', 'rollback.ps1']);
    const rb2 = await run(['rollback', ...W(), '--gpo', FIN, '--actor', 'carol', '--out', join(dir, 'rb2')]);
    expect(rb2.code).toBe(0);
    expect(finXml()).toEqual(original);
    expect(promoted).not.toEqual(accepted);

    const h = await run(['history', ...W(), '--verify', '--json']);
    expect(h.code, h.stdout).toBe(0);
    const hj = JSON.parse(h.stdout);
    expect(hj.verified).toBe(true);
    expect(hj.entries.map((e: { action: string }) => e.action)).toEqual(['accept', 'promote', 'promote', 'rollback', 'rollback']);
    expect(hj.entries[1].ring).toBe('pilot');
    expect(hj.entries[2].actor).toBe('bob');

    // Tamper with the mirror: verify fails (exit 2) and names the file.
    const hist = join(ws, 'history');
    const f = readdirSync(hist).find((n) => n.startsWith('000003-'))!;
    writeFileSync(join(hist, f), readFileSync(join(hist, f), 'utf8').replace('"actor": "bob"', '"actor": "eve"'));
    const t = await run(['history', ...W(), '--verify']);
    expect(t.code).toBe(2);
    expect(t.stderr).toContain(f);
    expect(t.stderr).toContain('rollout.history.entry-edited');
  });

  it('import reports drift against a Get-AppLockerPolicy export (UTF-16), and none against the same policy', async () => {
    const fin = join(ws, 'policies', 'fin.xml');
    const same = await run(['import', ...W(), '--gpo', FIN, fin, '--no-record']);
    expect(same.code, same.stdout + same.stderr).toBe(0);
    expect(same.stdout).toContain('no drift');
    // What `Get-AppLockerPolicy -Domain -Xml > deployed.xml` writes from Windows PowerShell: UTF-16LE with BOM.
    const deployed = join(dir, 'deployed.xml');
    const text = '<AppLockerPolicy Version="1"><RuleCollection Type="Exe" EnforcementMode="Enabled" /></AppLockerPolicy>';
    writeFileSync(deployed, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
    const drift = await run(['import', ...W(), '--gpo', FIN, deployed, '--json', '--actor', 'dave']);
    expect(drift.code).toBe(2);
    const j = JSON.parse(drift.stdout);
    expect(j.drift).toBe(true);
    expect(j.diff.modeChanges).toEqual([{ collection: 'Exe', before: 'Enabled', after: 'AuditOnly' }]);
    expect(j.entry.action).toBe('import');
  });

  it('usage errors: unknown GPO, --force without --reason, bad --to', async () => {
    expect((await run(['promote', ...W(), '--gpo', 'Nope'])).code).toBe(1);
    const f = await run(['promote', ...W(), '--gpo', FIN, '--force']);
    expect(f.code).toBe(1);
    expect(f.stderr).toContain('app.promote.reason-required');
    expect((await run(['rollback', ...W(), '--gpo', FIN, '--to', 'x'])).code).toBe(1);
  });
});
