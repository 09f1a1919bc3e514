import { describe, expect, it } from 'vitest';
import { IMPLICIT_RULE_ID } from '../../events/applocker-event.js';
import { simulateFleet } from '../simulate/fleet.js';
import { simulateEvents } from '../simulate/events.js';
import { fleetInventory, fleetWorkspace } from '../simulate/workspace.js';
import { memoryEvidence } from './memory-evidence.js';
import { analyseReadiness } from './readiness.js';
import { withSuggestedRules } from './suggest.js';

const END = '2026-11-20';
const NOW = `${END}T00:00:00.000Z`;

const cache = new Map<string, ReturnType<typeof build>>();
function setup(machines = 24, days = 21) {
  const k = `${machines}/${days}`;
  if (!cache.has(k)) cache.set(k, build(machines, days));
  return cache.get(k)!;
}

function build(machines: number, days: number) {
  const fleet = simulateFleet({ seed: 7, machines, quietShare: 0 });
  const events = simulateEvents(fleet, { seed: 7, days, end: END });
  const workspace = fleetWorkspace(fleet);
  const policies = new Map(fleet.gpos.map((g) => [g.name, g.policyDocument]));
  return { fleet, events, workspace, policies, inventory: fleetInventory(fleet), evidence: memoryEvidence(events) };
}

describe('readiness on a simulated fleet (known answers)', () => {
  it('finance: an unsigned app in AppData makes the GPO NOT READY, with its users and a hash rule', async () => {
    const s = setup();
    const fincalcUsers = new Set(s.events.filter((e) => e.filePath?.includes('FINCALC')).map((e) => e.userSid));
    expect(fincalcUsers.size).toBeGreaterThan(0);
    // the simulation logged them as audit would-blocks with the implicit rule (§3.2 D)
    expect(s.events.filter((e) => e.filePath?.includes('FINCALC')).every((e) => e.eventId === 8003 && e.ruleId === IMPLICIT_RULE_ID)).toBe(true);

    const r = await analyseReadiness({ ...s, now: NOW, gpo: 'AppLocker - Finance' });
    expect(r.gpos).toHaveLength(1);
    const g = r.gpos[0]!;
    expect(g.verdict).toBe('NOT READY');
    const fin = g.groups.find((x) => x.group === 'Finance')!;
    const fincalc = fin.wouldBlock.filter((f) => f.filePath.endsWith('\\FINCALC.EXE'));
    expect(fincalc.length).toBe(fincalcUsers.size); // one path per user profile
    expect(new Set(fincalc.flatMap((f) => f.users))).toEqual(fincalcUsers);
    expect(fincalc.every((f) => f.userWritable && !f.approvedApp)).toBe(true);
    const hashRule = fin.suggestions.find((x) => x.type === 'Hash')!;
    expect(hashRule.rule.kind).toBe('FileHashRule');
    expect(hashRule.events).toBe(fincalc.reduce((n, f) => n + f.events, 0));
    expect(fin.suggestions.some((x) => x.type === 'Path')).toBe(false);
    // Teams is approved for Finance but the Finance GPO has no rule for it: a publisher rule is suggested
    expect(g.reasons.map((x) => x.code)).toContain('rollout.readiness.approved-blocked');
    const teams = fin.suggestions.find((x) => x.type === 'Publisher')!;
    expect(teams.rule.kind === 'FilePublisherRule' && teams.rule.condition.productName).toBe('MICROSOFT TEAMS');
  });

  it('finance: with the suggested rules as a candidate policy the GPO is READY', async () => {
    const s = setup();
    const before = await analyseReadiness({ ...s, now: NOW, gpo: 'AppLocker - Finance' });
    const fin = before.gpos[0]!.groups.find((x) => x.group === 'Finance')!;
    const candidate = withSuggestedRules(s.policies.get('AppLocker - Finance')!, fin.suggestions);
    const after = await analyseReadiness({ ...s, now: NOW, gpo: 'AppLocker - Finance', candidate: { name: 'candidate.xml', policy: candidate } });
    expect(after.gpos[0]!.reasons.filter((x) => x.severity === 'error')).toEqual([]);
    expect(after.gpos[0]!.verdict).toBe('READY');
    // a candidate WITHOUT the rules replays to the same would-block set as the audit events
    const same = await analyseReadiness({ ...s, now: NOW, gpo: 'AppLocker - Finance', candidate: { name: 'same.xml', policy: s.policies.get('AppLocker - Finance')! } });
    const a = same.gpos[0]!.groups[0]!.wouldBlock.map((f) => f.filePath).sort();
    expect(a).toEqual(fin.wouldBlock.map((f) => f.filePath).sort());
  });

  it('engineering is READY; call center lacks evidence; quiet machines and a short window are reported', async () => {
    const s = setup();
    const ok = await analyseReadiness({ ...s, now: NOW, gpo: 'AppLocker - Engineering' });
    expect(ok.gpos[0]!.verdict).toBe('READY');
    // the simulated Call Center has two machines that fell silent 7 days before the end and one wrapped log
    const cc = await analyseReadiness({ ...s, now: NOW, gpo: 'AppLocker - Call Center' });
    expect(cc.gpos[0]!.verdict).toBe('INSUFFICIENT EVIDENCE');
    expect(cc.gpos[0]!.sufficiency.gaps.map((g) => g.kind).sort()).toEqual(['lost-records', 'lost-records', 'silent-machines']);
    const short = setup(20, 5);
    const r = await analyseReadiness({ ...short, now: NOW, gpo: 'AppLocker - Call Center' });
    const codes = r.gpos[0]!.groups[0]!.reasons.map((x) => x.code);
    expect(codes).toContain('rollout.readiness.too-few-days');
    expect(codes).toContain('rollout.readiness.window-shorter-than-asked');
    // half the machines quiet → below the 80 % threshold
    const fleet = simulateFleet({ seed: 7, machines: 20, quietShare: 0.5 });
    const ev = memoryEvidence(simulateEvents(fleet, { seed: 7, days: 30, end: END }));
    const q = await analyseReadiness({ workspace: fleetWorkspace(fleet), inventory: fleetInventory(fleet), policies: new Map(fleet.gpos.map((g) => [g.name, g.policyDocument])), evidence: ev, now: NOW, gpo: 'AppLocker - Call Center' });
    const grp = q.gpos[0]!.groups[0]!;
    expect(grp.quietMachines.length).toBe(fleet.machines.filter((m) => m.group === 'Call Center' && m.quiet).length);
    expect(grp.reasons.map((x) => x.code)).toContain('rollout.readiness.too-few-machines');
  });

  it('the baseline GPO sees the unsigned script of Engineering in the Script collection', async () => {
    const s = setup();
    const r = await analyseReadiness({ ...s, now: NOW, gpo: 'AppLocker Baseline - Workstations' });
    const eng = r.gpos[0]!.groups.find((g) => g.group === 'Engineering')!;
    expect(eng.gpos.map((x) => x.name)).toEqual(['AppLocker Baseline - Workstations', 'AppLocker - Engineering']);
    expect(eng.wouldBlock.some((f) => f.collection === 'Script' && f.filePath.endsWith('\\BUILD.PS1'))).toBe(true);
    // procmon is only run by the administrator and the default admin rule allows it
    expect(eng.wouldBlock.some((f) => f.filePath.includes('PROCMON'))).toBe(false);
    expect(s.events.some((e) => e.filePath?.includes('PROCMON') && e.outcome === 'allowed')).toBe(true);
  });

  it('is deterministic for a seed', () => {
    const a = simulateEvents(simulateFleet({ seed: 3, machines: 10 }), { seed: 3, days: 3, end: END });
    const b = simulateEvents(simulateFleet({ seed: 3, machines: 10 }), { seed: 3, days: 3, end: END });
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    const c = simulateEvents(simulateFleet({ seed: 4, machines: 10 }), { seed: 4, days: 3, end: END });
    expect(JSON.stringify(a)).not.toBe(JSON.stringify(c));
  });
});

describe('readiness on hand-written evidence', () => {
  it('administrators, files without hash or publisher, and no safe rule', async () => {
    const { parseWorkspace } = await import('../workspace/parse.js');
    const { defaultRulesPolicy } = await import('../simulate/fleet.js');
    const ws = parseWorkspace(`version: 1
name: t
administrators: ["S-1-5-21-9-9-9-1234"]
groups:
  - name: Ops
    membership: { computers: [OPS-1, OPS-2] }
gpos:
  - name: G
    guid: "{11111111-2222-3333-4444-555555555555}"
    policy: g.xml
    links: [Ops]
readiness: { minDays: 1, minReportingShare: 0.5 }
`);
    expect(ws.ok).toBe(true);
    if (!ws.ok) return;
    const ev = (computer: string, user: string, day: string) => ({
      eventId: 8003, outcome: 'audited' as const, collection: 'Exe' as const, channel: 'Microsoft-Windows-AppLocker/EXE and DLL',
      computer, timeCreated: `2026-11-${day}T10:00:00.0000000Z`, provider: 'Microsoft-Windows-AppLocker', userSid: user,
      ruleId: IMPLICIT_RULE_ID, filePath: '%OSDRIVE%\\TOOLS\\X.EXE',
    });
    const events = [ev('OPS-1', 'S-1-5-21-9-9-9-1234', '10'), ev('OPS-1', 'S-1-5-21-9-9-9-1234', '12'), ev('OPS-1', 'S-1-5-21-9-9-9-2000', '15')];
    const policy = defaultRulesPolicy('AuditOnly');
    const base = { workspace: ws.value, inventory: [], policies: new Map([['G', policy]]), evidence: memoryEvidence(events), now: '2026-11-20T00:00:00Z', sinceDays: 30 };
    const audit = await analyseReadiness(base);
    const g = audit.gpos[0]!.groups[0]!;
    expect(g.machines).toBe(2);
    expect(g.machinesReporting).toBe(1);
    expect(g.quietMachines).toEqual(['OPS-2']);
    expect(g.wouldBlock).toHaveLength(1);
    expect(g.wouldBlock[0]).toMatchObject({ byAdministrator: true, userWritable: true, events: 3, userCount: 2, cause: 'audited' });
    expect(g.suggestions).toEqual([]); // user-writable, unsigned, no hash: no safe rule to suggest
    expect(g.reasons.map((r) => r.code).sort()).toEqual(['rollout.readiness.admin-blocked', 'rollout.readiness.window-shorter-than-asked', 'rollout.readiness.would-block']);
    // replayed through the same policy as a candidate: the administrator is allowed by the default admin rule
    const cand = await analyseReadiness({ ...base, candidate: { name: 'c.xml', policy } });
    const c = cand.gpos[0]!.groups[0]!;
    expect(c.wouldBlock.map((f) => [f.cause, f.users, f.byAdministrator])).toEqual([['candidate-denied', ['S-1-5-21-9-9-9-2000'], false]]);
    expect(c.reasons.map((r) => r.code)).toContain('rollout.readiness.replay-incomplete');
    expect(c.reasons.map((r) => r.code)).not.toContain('rollout.readiness.admin-blocked');
  });
});
