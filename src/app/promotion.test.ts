import { describe, expect, it } from 'vitest';
import { parsePolicy, serializePolicy } from '../policy/index.js';
import { fleetInventory, fleetWorkspace, inventoryCsv, memoryEvidence, simulateEvents, simulateFleet, workspaceYaml } from '../rollout/index.js';
import { sha256Hex } from '../rollout/promotion/history.js';
import { acceptSuggestions, partitionSafe } from './accept.js';
import { history } from './history.js';
import { fixedClock, memoryEvidenceStores, memoryPromotionLogs, memoryWorkspaceFiles } from './memory-ports.js';
import { promote } from './promote.js';
import { rollback } from './rollback.js';

const FIN = 'AppLocker - Finance';

function demo() {
  const fleet = simulateFleet({ seed: 3, machines: 24 });
  const ws = fleetWorkspace(fleet, '.lockstep/evidence.db');
  const files = new Map<string, string | Uint8Array>([
    ['lockstep.yaml', workspaceYaml(ws)],
    ['machines.csv', inventoryCsv(fleetInventory(fleet))],
    ['rings.yaml', 'rings:\n  - gpo: AppLocker - Finance\n    name: pilot\n    ou: OU=Pilot,OU=Finance,OU=Workstations,DC=contoso,DC=example\n'],
  ]);
  for (const g of fleet.gpos) files.set(g.policy, serializePolicy(g.policyDocument));
  const events = simulateEvents(fleet, { seed: 3, days: 21, end: '2026-11-30' });
  const logs = memoryPromotionLogs();
  const ports = { files: memoryWorkspaceFiles(files), stores: memoryEvidenceStores(new Map([['/ws/.lockstep/evidence.db', memoryEvidence(events)]])), logs, clock: fixedClock('2026-11-30T00:00:00Z'), env: () => undefined };
  const finFile = fleet.gpos.find((g) => g.name === FIN)!.policy;
  const bytesOf = (p: string): Uint8Array => { const v = files.get(p)!; return typeof v === 'string' ? new TextEncoder().encode(v) : v; };
  return { fleet, files, ports, logs, finFile, bytesOf };
}

describe('accept → promote → rollback (in-memory ports)', () => {
  it('promote refuses a NOT READY GPO and writes nothing', async () => {
    const d = demo();
    const before = sha256Hex(d.bytesOf(d.finFile));
    const r = await promote(d.ports, { gpo: FIN, actor: 'alice' });
    expect(r.ok && r.value.status).toBe('not-ready');
    expect(sha256Hex(d.bytesOf(d.finFile))).toBe(before);
    expect(d.logs.logs.size === 0 || (await (await d.ports.logs.open('/ws/.lockstep/evidence.db')).historyEntries()).length === 0).toBe(true);
  });

  it('the whole loop: accept, READY, pilot ring, broad, rollback byte for byte, history verifies', async () => {
    const d = demo();
    const original = d.bytesOf(d.finFile);
    const dry = await acceptSuggestions(d.ports, { gpo: FIN, all: true, dryRun: true, actor: 'alice' });
    expect(dry.ok && dry.value.written).toBe(false);
    expect(d.bytesOf(d.finFile)).toEqual(original);
    const acc = await acceptSuggestions(d.ports, { gpo: FIN, all: true, actor: 'alice' });
    if (!acc.ok) throw new Error(JSON.stringify(acc.diagnostics));
    expect(acc.value.accepted.length).toBeGreaterThan(0);
    expect(acc.value.diff.added.length).toBe(acc.value.accepted.length);
    const afterAccept = d.bytesOf(d.finFile);
    expect(parsePolicy(afterAccept).ok).toBe(true);
    // Accepting again finds the same deterministic ids already present: nothing written, nothing recorded.
    const again = await acceptSuggestions(d.ports, { gpo: FIN, all: true, actor: 'alice' });
    expect(again.ok && again.value.written).toBe(false);

    const pilot = await promote(d.ports, { gpo: FIN, ring: 'pilot', actor: 'alice' });
    if (!pilot.ok) throw new Error(JSON.stringify(pilot.diagnostics));
    expect(pilot.value.status).toBe('promoted');
    expect(d.bytesOf(d.finFile)).toEqual(afterAccept); // the broad GPO is untouched by a ring
    const ringPolicy = parsePolicy(d.bytesOf(pilot.value.policyFile));
    expect(ringPolicy.ok && ringPolicy.value.policy.ruleCollections.find((c) => c.type === 'Exe')?.enforcementMode).toBe('Enabled');
    expect(JSON.parse(String(d.files.get(pilot.value.ringDefinition!))).links[0].target).toContain('OU=Pilot');

    const broad = await promote(d.ports, { gpo: FIN, actor: 'bob' });
    if (!broad.ok) throw new Error(JSON.stringify(broad.diagnostics));
    expect(broad.value.status).toBe('promoted');
    const enforced = parsePolicy(d.bytesOf(d.finFile));
    expect(enforced.ok && enforced.value.policy.ruleCollections.find((c) => c.type === 'Exe')?.enforcementMode).toBe('Enabled');
    expect(broad.value.entry!.modesBefore.Exe).toBe('AuditOnly');
    expect(broad.value.entry!.modesAfter.Exe).toBe('Enabled');

    const rb1 = await rollback(d.ports, { gpo: FIN, actor: 'carol' });
    if (!rb1.ok) throw new Error(JSON.stringify(rb1.diagnostics));
    expect(d.bytesOf(d.finFile)).toEqual(afterAccept);
    const rb2 = await rollback(d.ports, { gpo: FIN, actor: 'carol' });
    if (!rb2.ok) throw new Error(JSON.stringify(rb2.diagnostics));
    expect(d.bytesOf(d.finFile)).toEqual(original);
    const none = await rollback(d.ports, { gpo: FIN, actor: 'carol' });
    expect(!none.ok && none.diagnostics[0]!.code).toBe('app.rollback.nothing');

    const h = await history(d.ports, { verify: true });
    if (!h.ok) throw new Error(JSON.stringify(h.diagnostics));
    expect(h.value.problems).toEqual([]);
    expect(h.value.entries.map((e) => e.action)).toEqual(['accept', 'promote', 'promote', 'rollback', 'rollback']);
    expect(h.value.entries[2]!.readiness?.verdict).toBe('READY');
  });

  it('rollback after N promotions restores each earlier state exactly (--to)', async () => {
    const d = demo();
    await acceptSuggestions(d.ports, { gpo: FIN, all: true, actor: 'a' });
    const states = [d.bytesOf(d.finFile)];
    for (const c of ['Exe', 'Msi', 'Script']) {
      const p = await promote(d.ports, { gpo: FIN, collections: [c], actor: 'a', force: true, reason: 'test ladder' });
      if (!p.ok) throw new Error(JSON.stringify(p.diagnostics));
      expect(p.value.status).toBe('promoted');
      states.push(d.bytesOf(d.finFile));
    }
    const listed = await history(d.ports, { gpo: FIN });
    const promos = listed.ok ? listed.value.entries.filter((e) => e.action === 'promote') : [];
    expect(promos.length).toBe(3);
    // Walk back one at a time: each rollback lands on the state before the newest live change.
    for (let i = states.length - 2; i >= 0; i--) {
      const r = await rollback(d.ports, { gpo: FIN, actor: 'a' });
      if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
      expect(sha256Hex(d.bytesOf(d.finFile))).toBe(sha256Hex(states[i]!));
    }
    // And a jump: undo the rollbacks is not needed — re-promote, then --to the first promotion.
    await promote(d.ports, { gpo: FIN, collections: ['Exe'], actor: 'a', force: true, reason: 'again' });
    const h = await history(d.ports, { gpo: FIN });
    const firstLive = h.ok ? h.value.entries.filter((e) => e.action === 'promote').at(-1)! : undefined;
    const r = await rollback(d.ports, { gpo: FIN, to: firstLive!.seq, actor: 'a' });
    expect(r.ok).toBe(true);
    expect(sha256Hex(d.bytesOf(d.finFile))).toBe(sha256Hex(states[0]!));
  });

  it('a pilot ring rolls back on its own: the ring file goes, the broad GPO stays', async () => {
    const d = demo();
    await acceptSuggestions(d.ports, { gpo: FIN, all: true, actor: 'a' });
    const accepted = d.bytesOf(d.finFile);
    const p = await promote(d.ports, { gpo: FIN, ring: 'pilot', actor: 'a' });
    if (!p.ok) throw new Error(JSON.stringify(p.diagnostics));
    expect(d.files.has(p.value.policyFile)).toBe(true);
    const noBroad = await rollback(d.ports, { gpo: FIN, actor: 'a' }); // the broad GPO's only live change is the accept
    expect(noBroad.ok && noBroad.value.restored.action).toBe('accept');
    await acceptSuggestions(d.ports, { gpo: FIN, all: true, actor: 'a' });
    expect(d.bytesOf(d.finFile)).toEqual(accepted);
    const r = await rollback(d.ports, { gpo: FIN, ring: 'pilot', actor: 'a' });
    if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
    expect(r.value.bytes.length).toBe(0);
    expect(d.files.has(p.value.policyFile)).toBe(false);
    expect(d.files.has(p.value.ringDefinition!)).toBe(false);
    expect(d.bytesOf(d.finFile)).toEqual(accepted);
    const again = await rollback(d.ports, { gpo: FIN, ring: 'pilot', actor: 'a' });
    expect(!again.ok && again.diagnostics[0]!.code).toBe('app.rollback.nothing');
    const h = await history(d.ports, { verify: true });
    expect(h.ok && h.value.problems).toEqual([]);
  });

  it('--force needs a reason and is recorded', async () => {
    const d = demo();
    const noReason = await promote(d.ports, { gpo: FIN, actor: 'a', force: true });
    expect(!noReason.ok && noReason.diagnostics[0]!.code).toBe('app.promote.reason-required');
    const r = await promote(d.ports, { gpo: FIN, actor: 'a', force: true, reason: 'CAB-1234 approved' });
    if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
    expect(r.value.entry?.forced).toBe(true);
    expect(r.value.entry?.reason).toBe('CAB-1234 approved');
    expect(r.diagnostics.map((x) => x.code)).toContain('app.promote.forced');
  });

  it('refuses a promotion that would lock users out, with a located error', async () => {
    const d = demo();
    // Finance's own GPO carries no Windows rule; alone (no baseline linked) it would lock everyone out.
    const ws = String(d.files.get('lockstep.yaml')).replace('target: OU=Workstations,DC=contoso,DC=example', 'target: OU=Nowhere,DC=contoso,DC=example');
    expect(ws).toContain('OU=Nowhere');
    d.files.set('lockstep.yaml', ws);
    const fin = String(d.files.get(d.finFile)).replace('<RuleCollection Type="Exe" EnforcementMode="AuditOnly" />', '<RuleCollection Type="Exe" EnforcementMode="AuditOnly"><FilePathRule Id="6db6c8a6-4bd6-4b8d-9d0a-9e0f2f4f1a11" Name="ledger" Description="" UserOrGroupSid="S-1-1-0" Action="Allow"><Conditions><FilePathCondition Path="%PROGRAMFILES%\\LEDGER\\*" /></Conditions></FilePathRule></RuleCollection>');
    expect(fin).toContain('LEDGER');
    d.files.set(d.finFile, fin);
    const r = await promote(d.ports, { gpo: FIN, actor: 'a', force: true, reason: 'x' });
    expect(r.ok).toBe(false);
    expect(r.diagnostics[0]!.code).toBe('rollout.promote.lockout');
    expect(r.diagnostics[0]!.location).toMatchObject({ path: '/AppLockerPolicy/RuleCollection[@Type="Exe"]' });
  });

  it('user-writable path suggestions are never accepted; an unknown id is a usage error', async () => {
    const rule = (path: string) => ({ type: 'Path' as const, collection: 'Exe' as const, breadth: 'file' as const, files: 1, events: 1, users: 1, machines: 1, filePaths: [path], reason: 'x', rule: { kind: 'FilePathRule' as const, id: 'a', name: path, description: '', userOrGroupSid: 'S-1-1-0', action: 'Allow' as const, condition: { kind: 'FilePathCondition' as const, path }, exceptions: [] } });
    const p = partitionSafe([rule('%OSDRIVE%\\USERS\\BOB\\APPDATA\\X.EXE'), rule('%WINDIR%\\TEMP\\Y.EXE'), rule('%PROGRAMFILES%\\LEDGER\\LEDGER.EXE')], false);
    expect(p.safe.map((s) => s.rule.name)).toEqual(['%PROGRAMFILES%\\LEDGER\\LEDGER.EXE']);
    expect(p.refused.map((x) => [x.code, x.severity])).toEqual([['app.accept.user-writable', 'error'], ['app.accept.user-writable', 'error']]);
    expect(partitionSafe([rule('%WINDIR%\\TEMP\\Y.EXE')], true).refused[0]!.severity).toBe('warning');
    const d = demo();
    const r = await acceptSuggestions(d.ports, { gpo: FIN, ids: ['00000000-0000-0000-0000-000000000000'], actor: 'a' });
    expect(!r.ok && r.diagnostics[0]!.code).toBe('app.accept.unknown-suggestion');
  });
});

describe('history tamper detection', () => {
  async function recorded() {
    const d = demo();
    await acceptSuggestions(d.ports, { gpo: FIN, all: true, actor: 'a' });
    await promote(d.ports, { gpo: FIN, ring: 'pilot', actor: 'a' });
    await promote(d.ports, { gpo: FIN, actor: 'a' });
    const names = [...d.files.keys()].filter((k) => /^history\/\d{6}-/.test(k)).sort();
    expect(names.length).toBe(3);
    return { d, names };
  }
  const codes = async (d: ReturnType<typeof demo>) => {
    const h = await history(d.ports, { verify: true });
    if (!h.ok) throw new Error('history failed');
    return h.value.problems!;
  };

  it('an edited mirror entry is named', async () => {
    const { d, names } = await recorded();
    d.files.set(names[1]!, String(d.files.get(names[1]!)).replace('"actor": "a"', '"actor": "mallory"'));
    const p = await codes(d);
    expect(p.map((x) => x.code)).toContain('rollout.history.entry-edited');
    expect(p.find((x) => x.code === 'rollout.history.entry-edited')!.message).toContain('entry 2');
    expect(JSON.stringify(p)).toContain(names[1]!);
  });

  it('a deleted mirror entry is named', async () => {
    const { d, names } = await recorded();
    d.files.delete(names[1]!);
    const p = await codes(d);
    expect(p.map((x) => x.code)).toEqual(expect.arrayContaining(['rollout.history.missing-entry', 'rollout.history.mirror-missing']));
    expect(p.find((x) => x.code === 'rollout.history.missing-entry')!.message).toContain('entry 2');
  });

  it('reordered mirror entries are named', async () => {
    const { d, names } = await recorded();
    const a = d.files.get(names[0]!)!, b = d.files.get(names[1]!)!;
    d.files.set(names[0]!, b);
    d.files.set(names[1]!, a);
    const p = await codes(d);
    expect(p.map((x) => x.code)).toContain('rollout.history.out-of-order');
  });

  it('an edited, deleted or reordered store entry is named', async () => {
    const { d } = await recorded();
    const log = d.logs.logs.get('/ws/.lockstep/evidence.db')!;
    (log.entries[0] as { reason?: string }).reason = 'inserted later';
    let p = await codes(d);
    expect(p.some((x) => x.code === 'rollout.history.entry-edited' && x.message.includes('entry 1'))).toBe(true);
    delete (log.entries[0] as { reason?: string }).reason;
    log.entries.splice(1, 1);
    p = await codes(d);
    expect(p.some((x) => x.code === 'rollout.history.missing-entry' && x.message.includes('entry 2'))).toBe(true);
    // A rollback refuses to stand on a broken chain.
    const r = await rollback(d.ports, { gpo: FIN, actor: 'a' });
    expect(!r.ok && r.diagnostics.map((x) => x.code)).toContain('app.rollback.history-broken');
  });

  it('an intact history verifies', async () => {
    const { d } = await recorded();
    expect(await codes(d)).toEqual([]);
  });
});
