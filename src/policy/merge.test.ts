import { describe, expect, it } from 'vitest';
import { mergeGroupPolicy, mergeSetAppLockerPolicy } from './merge.js';
import { defaultPolicy, defaultRules } from './defaults.js';
import type { AppLockerPolicy, EnforcementMode, FilePathRule, RuleCollectionType } from './model.js';

function rule(id: string, path: string, name = path): FilePathRule {
  return {
    kind: 'FilePathRule', id, name, description: '', userOrGroupSid: 'S-1-1-0', action: 'Allow',
    condition: { kind: 'FilePathCondition', path }, exceptions: [],
  };
}

function policy(cols: Array<[RuleCollectionType, EnforcementMode | undefined, FilePathRule[]]>): AppLockerPolicy {
  return {
    version: '1',
    ruleCollections: cols.map(([type, mode, rules]) => ({ type, ...(mode ? { enforcementMode: mode } : {}), rules })),
  };
}

describe('mergeGroupPolicy (Group Policy precedence, spec §6.1)', () => {
  it('unions rules: 12 + 50 rules give 62', () => {
    const a = policy([['Exe', 'Enabled', Array.from({ length: 12 }, (_, i) => rule(`00000000-0000-0000-0000-${String(i).padStart(12, '0')}`, `C:\\A${i}\\*`))]]);
    const b = policy([['Exe', undefined, Array.from({ length: 50 }, (_, i) => rule(`10000000-0000-0000-0000-${String(i).padStart(12, '0')}`, `C:\\B${i}\\*`))]]);
    const m = mergeGroupPolicy([{ name: 'Domain', policy: a }, { name: 'OU', policy: b }]);
    expect(m.policy.ruleCollections[0]!.rules).toHaveLength(62);
  });

  it('takes the mode of the closest GPO that configures it; NotConfigured never overrides', () => {
    const domain = policy([['Exe', 'Enabled', []], ['Script', 'Enabled', []]]);
    const ou = policy([['Exe', 'AuditOnly', []], ['Script', 'NotConfigured', []]]);
    const m = mergeGroupPolicy([{ name: 'Domain', policy: domain }, { name: 'OU', policy: ou }]);
    const mode = (t: RuleCollectionType) => m.policy.ruleCollections.find((c) => c.type === t)?.enforcementMode;
    expect(mode('Exe')).toBe('AuditOnly');
    expect(mode('Script')).toBe('Enabled');
    expect(m.modeSources).toEqual({ Exe: 'OU', Script: 'Domain' });
  });

  it('a later rule with the same Id (any case) replaces the earlier copy, in place, and says where it came from', () => {
    const id = 'ABCDEF00-0000-0000-0000-000000000001';
    const a = policy([['Exe', 'Enabled', [rule(id, 'C:\\Old\\*'), rule('00000000-0000-0000-0000-000000000002', 'C:\\Keep\\*')]]]);
    const b = policy([['Exe', undefined, [rule(id.toLowerCase(), 'C:\\New\\*')]]]);
    const m = mergeGroupPolicy([{ name: 'A', policy: a }, { name: 'B', policy: b }]);
    const rules = m.policy.ruleCollections[0]!.rules;
    expect(rules.map((r) => (r as FilePathRule).condition.path)).toEqual(['C:\\New\\*', 'C:\\Keep\\*']);
    expect(m.ruleSources.get(id.toLowerCase())).toBe('B');
    expect(m.overriddenRules.get(id.toLowerCase())).toEqual(['A', 'B']);
  });

  it('writes collections in the order Windows exports them', () => {
    const m = mergeGroupPolicy([{ name: 'x', policy: policy([['Script', 'AuditOnly', []], ['Appx', 'AuditOnly', []], ['Exe', undefined, []]]) }]);
    expect(m.policy.ruleCollections.map((c) => c.type)).toEqual(['Appx', 'Exe', 'Script']);
    expect(m.policy.ruleCollections[1]!.enforcementMode).toBe('NotConfigured');
  });

  it('is idempotent: merging a policy with itself changes nothing but provenance', () => {
    const p = defaultPolicy();
    const m = mergeGroupPolicy([{ name: 'a', policy: p }, { name: 'b', policy: p }]);
    expect(m.policy).toEqual(p);
  });
});

describe('mergeSetAppLockerPolicy (Set-AppLockerPolicy -Merge, spec §6.2)', () => {
  it('keeps the target mode and the target copy of a duplicate Id', () => {
    const target = policy([['Exe', 'AuditOnly', [rule('00000000-0000-0000-0000-000000000001', 'C:\\T\\*')]], ['Msi', undefined, []]]);
    const incoming = policy([
      ['Exe', 'Enabled', [rule('00000000-0000-0000-0000-000000000001', 'C:\\I\\*'), rule('00000000-0000-0000-0000-000000000003', 'C:\\I3\\*')]],
      ['Msi', 'Enabled', []],
    ]);
    const m = mergeSetAppLockerPolicy({ name: 'gpo', policy: target }, { name: 'new.xml', policy: incoming });
    const exe = m.policy.ruleCollections.find((c) => c.type === 'Exe')!;
    expect(exe.enforcementMode).toBe('AuditOnly');
    expect(exe.rules.map((r) => (r as FilePathRule).condition.path)).toEqual(['C:\\T\\*', 'C:\\I3\\*']);
    expect(m.policy.ruleCollections.find((c) => c.type === 'Msi')!.enforcementMode).toBe('Enabled');
    expect(m.modeSources).toEqual({ Exe: 'gpo', Msi: 'new.xml' });
  });
});

describe('default rules (spec §7)', () => {
  it('has the well-known ids', () => {
    expect(defaultRules('Exe').map((r) => r.id)).toEqual([
      '921cc481-6e17-4653-8f75-050b80acca20', 'a61c8b2c-a319-4cd0-9690-d2177cad7b51', 'fd686d83-a829-4351-8ff4-27c7de5755d2',
    ]);
    expect(defaultRules('Appx').map((r) => r.id)).toEqual(['a9e18c21-ff8f-43cf-b9fc-db40eed693ba']);
    expect(defaultRules('Msi').map((r) => r.id)).toContain('64ad46ff-0d71-4fa0-a30b-3f3d30c5433d');
    expect(defaultRules('ManagedInstaller')).toEqual([]);
  });

  it('builds any mode in export order', () => {
    const p = defaultPolicy(['Script', 'Exe'], 'Enabled');
    expect(p.ruleCollections.map((c) => [c.type, c.enforcementMode])).toEqual([['Exe', 'Enabled'], ['Script', 'Enabled']]);
  });
});
