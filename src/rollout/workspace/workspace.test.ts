import { describe, expect, it } from 'vitest';
import { renderDiagnostics } from '../../diag/index.js';
import { simulateFleet } from '../simulate/fleet.js';
import { fleetInventory, fleetWorkspace, inventoryCsv, workspaceYaml } from '../simulate/workspace.js';
import { parseInventory, parseWorkspace } from './parse.js';

const GOOD = `version: 1
name: Contoso
store: .lockstep/evidence.db
groups:
  - name: Finance
    membership:
      ous: ["OU=Finance,DC=contoso,DC=com"]
    approved:
      - name: Ledger
        publisher: O=CONTOSO, L=SEATTLE, S=WASHINGTON, C=US
gpos:
  - name: AppLocker - Finance
    guid: "{11111111-2222-3333-4444-555555555555}"
    policy: policies/finance.xml
    links: [{ target: Finance, order: 1 }]
`;

describe('workspace parse and validate', () => {
  it('round-trips the demo workspace through YAML', () => {
    const fleet = simulateFleet({ seed: 1, machines: 12 });
    const ws = fleetWorkspace(fleet);
    const text = workspaceYaml(ws, ['SYNTHETIC demo workspace']);
    const r = parseWorkspace(text, { file: 'lockstep.yaml' });
    expect(renderDiagnostics(r.diagnostics)).toBe('');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const { locations: _a, ...got } = r.value;
    const { locations: _b, ...want } = ws;
    expect(got).toEqual(want);
    const inv = parseInventory(inventoryCsv(fleetInventory(fleet)), { file: 'machines.csv' });
    expect(inv.ok && inv.value).toEqual(fleetInventory(fleet));
  });

  it('accepts a minimal workspace with default thresholds', () => {
    const r = parseWorkspace(GOOD);
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.value.readiness).toEqual({ minDays: 14, minReportingShare: 0.8, maxApprovedBlocked: 0, maxAdminBlocked: 0, maxWouldBlock: 0, silentDays: 3, maxLostRecords: 0, maxLogClears: 0, plateauDays: 5, plateauMaxNewFiles: 2 });
  });

  it('reports every problem with file:line:col, sorted', () => {
    const bad = GOOD
      .replace('guid: "{11111111-2222-3333-4444-555555555555}"', 'guid: 1234')
      .replace('target: Finance', 'target: Finanse')
      .replace('      - name: Ledger\n        publisher: O=CONTOSO, L=SEATTLE, S=WASHINGTON, C=US', '      - name: Ledger')
      + 'readiness:\n  minReportingShare: 80\n  minDayz: 3\n';
    const r = parseWorkspace(bad, { file: 'lockstep.yaml' });
    expect(r.ok).toBe(false);
    const lines = renderDiagnostics(r.diagnostics).split('\n').filter((l) => l.startsWith('lockstep.yaml'));
    expect(lines).toEqual([
      'lockstep.yaml:9:9: error[rollout.workspace.approved-needs-publisher-or-path]: approved application `Ledger` needs a `publisher` or a `path`',
      'lockstep.yaml:12:11: error[rollout.workspace.invalid-guid]: GPO GUID `1234` is not a braced GUID',
      'lockstep.yaml:14:13: error[rollout.workspace.unknown-link-target]: link target `Finanse` is neither a business group nor an OU distinguished name',
      'lockstep.yaml:16:22: error[rollout.workspace.invalid-threshold]: `readiness.minReportingShare` is `80`; it must be from 0 to 1',
      'lockstep.yaml:17:3: warning[rollout.workspace.unknown-key]: unknown key `minDayz` in `readiness`',
    ]);
    expect(r.diagnostics.find((d) => d.code === 'rollout.workspace.unknown-key')?.help).toBe('did you mean `minDays`?');
  });

  it('reports YAML syntax errors and missing fields with their position', () => {
    const r = parseWorkspace('version: 1\nname: [oops\n', { file: 'w.yaml' });
    expect(r.ok).toBe(false);
    expect(r.diagnostics[0]!.code).toBe('rollout.workspace.yaml-syntax');
    expect(r.diagnostics[0]!.location).toMatchObject({ file: 'w.yaml' });
    const m = parseWorkspace('version: 1\ngroups:\n  - membership: {names: [A-*]}\n', { file: 'w.yaml' });
    expect(renderDiagnostics(m.diagnostics)).toContain('w.yaml:1:1: error[rollout.workspace.missing-field]: missing `name` in `workspace`');
    expect(renderDiagnostics(m.diagnostics)).toContain('w.yaml:3:5: error[rollout.workspace.missing-field]: missing `name` in `groups[0]`');
    const v = parseWorkspace('version: 2\nname: x\n');
    expect(v.diagnostics.map((d) => d.code)).toEqual(['rollout.workspace.unsupported-version']);
  });

  it('flags duplicate link orders, duplicate names and bad inventory rows', () => {
    const dup = GOOD + `  - name: AppLocker - Finance 2
    guid: "{11111111-2222-3333-4444-555555555556}"
    policy: p2.xml
    links: [{ target: Finance, order: 1 }]
  - name: AppLocker - Finance
    guid: "{11111111-2222-3333-4444-555555555557}"
    policy: p3.xml
    links: [{ target: "OU=Finance,DC=contoso,DC=com", order: 0 }]
`;
    const r = parseWorkspace(dup, { file: 'w.yaml' });
    const codes = r.diagnostics.map((d) => `${d.code}@${d.location?.kind === 'text' ? d.location.line : '?'}`);
    expect(codes).toEqual(['rollout.workspace.invalid-link-order@19', 'rollout.workspace.duplicate-name@20', 'rollout.workspace.invalid-link-order@23']);
    const inv = parseInventory('# synthetic\nname,ou\nA,"OU=X,DC=y"\n,OU=Z\nA,OU=Q\n', { file: 'm.csv' });
    expect(inv.ok && inv.value).toEqual([{ name: 'A', ou: 'OU=X,DC=y' }]);
    expect(renderDiagnostics(inv.diagnostics)).toBe('m.csv:4:1: error[rollout.inventory.bad-row]: row has no `name`: `,OU=Z`\nm.csv:5:1: warning[rollout.inventory.duplicate-machine]: machine `A` is listed again (first on line 3)');
    expect(parseInventory('host,site\n').ok).toBe(false);
  });
});
