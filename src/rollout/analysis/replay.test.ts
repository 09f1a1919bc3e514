import { describe, expect, it } from 'vitest';
import { simulateFleet } from '../simulate/fleet.js';
import { effectivePolicyForGroup } from './effective.js';
import { engineDecider, expandLoggedPath } from './engine-decider.js';
import { evidenceDecider, pathConditionMatches, principalFor } from './replay.js';

describe('evidence replay', () => {
  it('matches AppLocker path conditions on the logged variable form (§4.2)', () => {
    expect(pathConditionMatches('%WINDIR%\\*', '%SYSTEM32%\\CMD.EXE')).toBe(true);
    expect(pathConditionMatches('%PROGRAMFILES%\\*', '%OSDRIVE%\\USERS\\A\\X.EXE')).toBe(false);
    expect(pathConditionMatches('%OSDRIVE%\\USERS\\*\\APPDATA\\*', '%OSDRIVE%\\USERS\\A\\APPDATA\\LOCAL\\X.EXE')).toBe(true);
    expect(pathConditionMatches('%programfiles%\\contoso\\', '%PROGRAMFILES%\\CONTOSO\\LEDGER\\LEDGER.EXE')).toBe(true);
    expect(expandLoggedPath('%OSDRIVE%\\USERS\\A\\X.EXE')).toBe('C:\\USERS\\A\\X.EXE');
  });

  it('agrees with the engine on every app × group × user kind of the simulated fleet', () => {
    const fleet = simulateFleet({ seed: 11, machines: 9 });
    const policies = new Map(fleet.gpos.map((g) => [g.name, g.policyDocument]));
    let compared = 0;
    for (const plan of fleet.groups) {
      const { effective } = effectivePolicyForGroup(plan.group, fleet.gpos, policies);
      const mine = evidenceDecider(effective.policy);
      const engine = engineDecider(effective.policy);
      for (const app of fleet.apps.values()) {
        for (const admin of [false, true]) {
          const facts = {
            collection: app.collection, filePath: app.path.replace('{USER}', 'SAM.X'), fileHash: app.hash,
            ...(app.publisher ? { fqbnText: [app.publisher.publisherName, app.publisher.productName, app.publisher.binaryName, app.publisher.binaryVersion].join('\\') } : {}),
          };
          const p = principalFor('S-1-5-21-1-2-3-1105', admin);
          const a = mine(facts, p), b = engine(facts, p);
          expect({ app: app.key, admin, verdict: a.verdict, rule: a.ruleId?.toLowerCase() }).toEqual({ app: app.key, admin, verdict: b.verdict, rule: b.ruleId?.toLowerCase() });
          compared++;
        }
      }
    }
    expect(compared).toBe(3 * 14 * 2);
  });
});
