import { describe, expect, it } from 'vitest';
import { serializePolicy } from '../policy/index.js';
import { fleetInventory, fleetWorkspace, inventoryCsv, memoryEvidence, simulateEvents, simulateFleet, workspaceYaml } from '../rollout/index.js';
import { fixedClock, memoryEvidenceStores, memoryWorkspaceFiles } from './memory-ports.js';
import { readiness } from './readiness.js';
import { loadWorkspace } from './workspace.js';

function demo() {
  const fleet = simulateFleet({ seed: 3, machines: 24 });
  const ws = fleetWorkspace(fleet, '.lockstep/evidence.db');
  const files = new Map<string, string | Uint8Array>([
    ['lockstep.yaml', workspaceYaml(ws)],
    ['machines.csv', inventoryCsv(fleetInventory(fleet))],
  ]);
  for (const g of fleet.gpos) files.set(g.policy, serializePolicy(g.policyDocument));
  const events = simulateEvents(fleet, { seed: 3, days: 21, end: '2026-11-30' });
  const stores = new Map([['/ws/.lockstep/evidence.db', memoryEvidence(events)]]);
  return { fleet, files, ports: { files: memoryWorkspaceFiles(files), stores: memoryEvidenceStores(stores), clock: fixedClock('2026-11-30T00:00:00Z'), env: () => undefined } };
}

describe('readiness use case (in-memory ports)', () => {
  it('loads the workspace, opens its store and reports every GPO', async () => {
    const { fleet, ports } = demo();
    const r = await readiness(ports, { since: '21d' });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.report.gpos.map((g) => g.gpo).sort()).toEqual(fleet.gpos.map((g) => g.name).sort());
    expect(r.value.store).toBe('/ws/.lockstep/evidence.db');
  });

  it('an unknown GPO is a usage failure naming the known ones', async () => {
    const r = await readiness(demo().ports, { gpo: 'AppLocker - Nope' });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.failure).toBe('usage');
    expect(r.diagnostics[0]!.code).toBe('app.readiness.unknown-gpo');
    expect(r.diagnostics[0]!.help).toContain('AppLocker - Finance');
  });

  it('a missing policy file makes the workspace invalid, named in the diagnostic', async () => {
    const d = demo();
    d.files.delete(d.fleet.gpos[0]!.policy);
    const r = await loadWorkspace(d.ports.files);
    expect(r.ok).toBe(false);
    expect(r.diagnostics.map((x) => x.code)).toContain('rollout.workspace.policy-not-found');
    const u = await readiness(d.ports, {});
    expect(!u.ok && u.failure).toBe('invalid');
  });

  it('a missing store is unavailable, not an empty READY', async () => {
    const d = demo();
    const r = await readiness(d.ports, { store: '/elsewhere.db' });
    expect(!r.ok && r.failure).toBe('unavailable');
    expect(r.diagnostics[0]!.code).toBe('app.readiness.no-store');
  });

  it('a bad window is a usage failure', async () => {
    const r = await readiness(demo().ports, { since: 'yesterday-ish' });
    expect(!r.ok && r.failure).toBe('usage');
  });
});
