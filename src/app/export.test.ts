import { describe, expect, it } from 'vitest';
import { parsePolicy, serializePolicy } from '../policy/index.js';
import { fleetInventory, fleetWorkspace, inventoryCsv, memoryEvidence, simulateEvents, simulateFleet, workspaceYaml } from '../rollout/index.js';
import { acceptSuggestions } from './accept.js';
import { exportArtifacts } from './export.js';
import { importDeployed } from './import.js';
import { keysInit, PRIVATE_KEY_FILE, PUBLIC_KEY_FILE, verifyBundle } from './keys.js';
import { fixedClock, memoryEvidenceStores, memoryPromotionLogs, memoryWorkspaceFiles } from './memory-ports.js';
import { promote } from './promote.js';

const FIN = 'AppLocker - Finance';

function demo() {
  const fleet = simulateFleet({ seed: 3, machines: 24 });
  const ws = fleetWorkspace(fleet, '.lockstep/evidence.db');
  const files = new Map<string, string | Uint8Array>([
    ['lockstep.yaml', workspaceYaml(ws)],
    ['machines.csv', inventoryCsv(fleetInventory(fleet))],
    ['rings.yaml', `rings:\n  - gpo: ${FIN}\n    name: pilot\n    ou: OU=Pilot,OU=Finance,OU=Workstations,DC=contoso,DC=example\n`],
  ]);
  for (const g of fleet.gpos) files.set(g.policy, serializePolicy(g.policyDocument));
  const events = simulateEvents(fleet, { seed: 3, days: 21, end: '2026-11-30' });
  const ports = { files: memoryWorkspaceFiles(files), stores: memoryEvidenceStores(new Map([['/ws/.lockstep/evidence.db', memoryEvidence(events)]])), logs: memoryPromotionLogs(), clock: fixedClock('2026-11-30T00:00:00Z'), env: () => undefined };
  return { files, ports };
}

const text = (b: Uint8Array | undefined): string => new TextDecoder().decode(b);

describe('export use case (in-memory ports)', () => {
  it('a signed bundle verifies under the workspace key and fails under another key or with a changed byte', async () => {
    const d = demo();
    const noKey = await exportArtifacts(d.ports, { gpo: FIN, format: 'bundle', generatedBy: 'test' });
    expect(!noKey.ok && noKey.diagnostics[0]!.code).toBe('app.keys.missing');
    const allNoKey = await exportArtifacts(d.ports, { gpo: FIN, format: 'all', generatedBy: 'test' });
    expect(allNoKey.ok && [...allNoKey.value.artifacts.keys()]).not.toContain('manifest.json');
    expect(allNoKey.diagnostics.map((x) => x.code)).toContain('app.keys.missing');

    expect((await keysInit(d.ports.files)).ok).toBe(true);
    expect((await keysInit(d.ports.files)).ok).toBe(false); // never silently replaced
    const r = await exportArtifacts(d.ports, { gpo: FIN, format: 'bundle', generatedBy: 'test' });
    if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
    const pub = String(d.files.get(PUBLIC_KEY_FILE));
    const good = verifyBundle({ dir: 'b', files: r.value.artifacts, publicKey: pub });
    expect(good.ok && good.value.problems).toEqual([]);
    expect(good.ok && good.value.manifest?.policySha256).toBe(r.value.policySha256);

    const other = demo();
    await keysInit(other.ports.files);
    const otherPub = String(other.files.get(PUBLIC_KEY_FILE));
    const wrongKey = verifyBundle({ dir: 'b', files: r.value.artifacts, publicKey: otherPub });
    expect(wrongKey.ok && wrongKey.value.problems.map((p) => p.code)).toEqual(expect.arrayContaining(['rollout.bundle.bad-signature', 'rollout.bundle.other-key']));

    const edited = new Map(r.value.artifacts);
    const m = JSON.parse(text(edited.get('manifest.json'))) as { files: { path: string; sha256: string }[] };
    m.files[0]!.sha256 = '0'.repeat(64);
    edited.set('manifest.json', new TextEncoder().encode(JSON.stringify(m, null, 2) + '\n'));
    const forged = verifyBundle({ dir: 'b', files: edited, publicKey: pub });
    expect(forged.ok && forged.value.problems.map((p) => p.code)).toContain('rollout.bundle.bad-signature');
    expect(String(d.files.get(PRIVATE_KEY_FILE))).toContain('PRIVATE KEY');
  });

  it('every policy it emits re-reads; the Intune profile is the merged policy and enforces nothing that locks out', async () => {
    const d = demo();
    const r = await exportArtifacts(d.ports, { gpo: FIN, format: 'all', generatedBy: 'test' });
    if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
    const xml = parsePolicy(r.value.artifacts.get('policy.xml')!);
    expect(xml.ok).toBe(true);
    const graph = JSON.parse(text(r.value.artifacts.get('intune-graph.json'))) as { omaSettings: { value: string; omaUri: string }[] };
    const exe = graph.omaSettings.find((s) => s.omaUri.endsWith('/EXE/Policy'))!;
    expect(parsePolicy(exe.value).ok).toBe(true);
    expect(exe.value).toContain('%WINDIR%'); // the baseline's default rules are merged in
    expect(text(r.value.artifacts.get('wef-subscription.xml'))).toContain('<SubscriptionId>AppLocker-Audit-Workstations</SubscriptionId>');
    expect(text(r.value.artifacts.get('wevtutil-sizes.cmd'))).toMatch(/wevtutil sl "Microsoft-Windows-AppLocker\/EXE and DLL" \/e:true \/ms:\d+/);
  });

  it('a promoted ring exports its own policy with the GUID placeholder and a warning', async () => {
    const d = demo();
    const before = await exportArtifacts(d.ports, { gpo: FIN, ring: 'pilot', format: 'xml', generatedBy: 'test' });
    expect(!before.ok && before.diagnostics[0]!.code).toBe('app.export.ring-not-promoted');
    await acceptSuggestions(d.ports, { gpo: FIN, all: true, actor: 'a' });
    const p = await promote(d.ports, { gpo: FIN, ring: 'pilot', actor: 'a' });
    expect(p.ok && p.value.status).toBe('promoted');
    const r = await exportArtifacts(d.ports, { gpo: FIN, ring: 'pilot', format: 'powershell', generatedBy: 'test' });
    if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
    expect(text(r.value.artifacts.get('deploy.ps1'))).toContain("$GpoGuid = '00000000-0000-0000-0000-000000000000'");
    expect(r.diagnostics.map((x) => x.code)).toContain('app.export.ring-guid');
    const pol = parsePolicy(r.value.artifacts.get('policy.xml')!);
    expect(pol.ok && pol.value.policy.ruleCollections.find((c) => c.type === 'Exe')?.enforcementMode).toBe('Enabled');
  });

  it('the bundle diff is deployed → new after an import', async () => {
    const d = demo();
    await keysInit(d.ports.files);
    const deployed = '<AppLockerPolicy Version="1"><RuleCollection Type="Exe" EnforcementMode="AuditOnly" /></AppLockerPolicy>';
    const imp = await importDeployed(d.ports, { gpo: FIN, name: 'deployed.xml', bytes: new TextEncoder().encode(deployed), actor: 'a' });
    expect(imp.ok && imp.value.drift).toBe(false);
    await acceptSuggestions(d.ports, { gpo: FIN, all: true, actor: 'a' });
    const r = await exportArtifacts(d.ports, { gpo: FIN, format: 'bundle', generatedBy: 'test' });
    if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
    const diff = text(r.value.artifacts.get('diff.txt'));
    expect(diff).toContain('deployed (last import');
    expect(diff).toContain('+ Exe Allow FileHashRule `FINCALC.EXE`');
  });

  it('an unknown format is a usage error', async () => {
    const r = await exportArtifacts(demo().ports, { gpo: FIN, format: 'pdf' as never, generatedBy: 'test' });
    expect(!r.ok && r.failure).toBe('usage');
  });
});
