/**
 * The simulator's life after enforcement (issue 14 item 5): deterministic for a seed, blocks only where the
 * engine says the enforced policy does not allow the file, updates change hash and version from their day,
 * requests carry their block event, record ids continue the given numbering.
 */
import { describe, expect, it } from 'vitest';
import { engineDecider } from '../analysis/engine-decider.js';
import { effectivePolicyForGroup } from '../analysis/effective.js';
import { principalFor } from '../analysis/replay.js';
import { simulateAfterEnforcement } from './after-enforcement.js';
import { simulateFleet } from './fleet.js';
import type { AppLockerPolicy } from '../../policy/model.js';

const fleet = simulateFleet({ seed: 3, machines: 12 });
const FIN = 'AppLocker - Finance';
// Finance's GPO in Enforce rules, the others as deployed (Audit only)
const policies = new Map<string, AppLockerPolicy>(fleet.gpos.map((g) => [g.name, g.name === FIN
  ? { ...g.policyDocument, ruleCollections: g.policyDocument.ruleCollections.map((c) => ({ ...c, enforcementMode: 'Enabled' as const })) }
  : g.policyDocument]));
const opts = { seed: 3, from: '2026-11-23', days: 6, policies, groups: ['Finance'], updateApps: ['teams'] };

describe('simulateAfterEnforcement', () => {
  const life = simulateAfterEnforcement(fleet, opts);

  it('is deterministic for a seed and differs for another', () => {
    expect(simulateAfterEnforcement(fleet, opts)).toEqual(life);
    expect(simulateAfterEnforcement(fleet, { ...opts, seed: 4 }).events).not.toEqual(life.events);
  });

  it('blocks (8004) exactly what the engine does not allow under the enforced policy, only after `from`', () => {
    const plan = fleet.groups.find((g) => g.group.name === 'Finance')!;
    const decide = engineDecider(effectivePolicyForGroup(plan.group, fleet.gpos, policies).effective.policy);
    const admins = new Set(fleet.users.filter((u) => u.administrator).map((u) => u.sid));
    expect(life.events.length).toBeGreaterThan(0);
    for (const e of life.events) {
      expect(e.timeCreated >= '2026-11-23' && e.timeCreated < '2026-11-29').toBe(true);
      expect(e.computer.startsWith('FIN-')).toBe(true);
      const d = decide({ collection: e.collection!, filePath: e.filePath!, fileHash: e.fileHash!, ...(e.fqbnText ? { fqbnText: e.fqbnText } : {}) }, principalFor(e.userSid!, admins.has(e.userSid!)));
      expect(e.outcome).toBe(d.wouldBlock ? 'blocked' : 'allowed');
      if (e.outcome === 'blocked') expect(e.eventId).toBe(8004);
    }
    expect(life.expected[0]!.blocks).toBe(life.events.filter((e) => e.outcome === 'blocked').length);
  });

  it('an update changes hash and version from its day on', () => {
    const u = life.updates[0]!;
    expect(u.app).toBe('teams');
    const teams = life.events.filter((e) => e.filePath?.endsWith('TEAMS.EXE'));
    expect(teams.filter((e) => e.timeCreated < u.day).every((e) => e.fileHash === u.fromHash && e.fqbn?.binaryVersion === u.fromVersion)).toBe(true);
    expect(teams.filter((e) => e.timeCreated >= u.day).every((e) => e.fileHash === u.toHash && e.fqbn?.binaryVersion === u.toVersion)).toBe(true);
    expect(teams.some((e) => e.fileHash === u.toHash)).toBe(true);
  });

  it('requests are made from block events, once per user and file', () => {
    expect(life.requests.length).toBeGreaterThan(0);
    const keys = life.requests.map((r) => `${r.userSid}|${r.filePath}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const r of life.requests) expect([r.event.outcome, r.event.filePath, r.group]).toEqual(['blocked', r.filePath, 'Finance']);
  });

  it('record ids continue the numbering given per computer and channel', () => {
    const first = life.events[0]!;
    const base = new Map([[`${first.computer}\u001f${first.channel}`, 5000]]);
    const next = simulateAfterEnforcement(fleet, { ...opts, recordIdBase: base });
    const same = next.events.filter((e) => e.computer === first.computer && e.channel === first.channel).map((e) => e.recordId);
    expect(same[0]).toBe(5001);
    expect(same).toEqual(same.map((_, i) => 5001 + i));
  });
});
