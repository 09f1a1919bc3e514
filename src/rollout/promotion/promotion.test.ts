import { describe, expect, it } from 'vitest';
import { defaultPolicy, type AppLockerPolicy } from '../../policy/index.js';
import { collectionModes, withEnforcement } from './enforce.js';
import { canonicalJson, entryHash, GENESIS_HASH, historyFileName, sealEntry, verifyChain, type HistoryEntry, type UnsealedEntry } from './history.js';
import { lockoutFindings } from './lockout.js';
import { parseRings, ringFiles, ringGpoDefinition } from './rings.js';

const onlyLedger: AppLockerPolicy = {
  version: '1',
  ruleCollections: [{ type: 'Exe', enforcementMode: 'AuditOnly', rules: [{ kind: 'FilePathRule', id: '6db6c8a6-4bd6-4b8d-9d0a-9e0f2f4f1a11', name: 'ledger', description: '', userOrGroupSid: 'S-1-1-0', action: 'Allow', condition: { kind: 'FilePathCondition', path: '%PROGRAMFILES%\\LEDGER\\*' }, exceptions: [] }] }],
};

describe('lock-out check', () => {
  it('the default rules enforce safely in every collection', () => {
    expect(lockoutFindings(defaultPolicy(), ['Exe', 'Msi', 'Script', 'Dll', 'Appx'])).toEqual([]);
  });

  it('Exe rules with nothing for Windows or Program Files: the shell, userinit and Program Files are named', () => {
    const f = lockoutFindings(onlyLedger, ['Exe'], 'fin.xml');
    expect(f.map((d) => d.code)).toEqual(['rollout.promote.lockout', 'rollout.promote.lockout', 'rollout.promote.lockout']);
    expect(f[0]!.message).toContain('EXPLORER.EXE');
    expect(f[2]!.message).toContain('%PROGRAMFILES%');
    expect(f[0]!.location).toMatchObject({ file: 'fin.xml', path: '/AppLockerPolicy/RuleCollection[@Type="Exe"]' });
    // Not enforcing Exe: no finding; an empty collection allows everything (§3.2): no finding.
    expect(lockoutFindings(onlyLedger, ['Msi'])).toEqual([]);
    expect(lockoutFindings({ version: '1', ruleCollections: [{ type: 'Exe', rules: [] }] }, ['Exe'])).toEqual([]);
  });

  it('a Microsoft publisher rule counts for Windows, not for unsigned Program Files', () => {
    const ms: AppLockerPolicy = { version: '1', ruleCollections: [{ type: 'Exe', rules: [{ kind: 'FilePublisherRule', id: '11111111-2222-4333-8444-555555555555', name: 'ms', description: '', userOrGroupSid: 'S-1-1-0', action: 'Allow', condition: { kind: 'FilePublisherCondition', publisherName: 'O=MICROSOFT CORPORATION, L=REDMOND, S=WASHINGTON, C=US', productName: '*', binaryName: '*' }, exceptions: [] }] }] };
    expect(lockoutFindings(ms, ['Exe']).map((d) => d.message.includes('%PROGRAMFILES%'))).toEqual([true]);
  });

  it('a deny rule on the Windows folder is named', () => {
    const p = withEnforcement(defaultPolicy(['Exe']), ['Exe']);
    const deny: AppLockerPolicy = { ...p, ruleCollections: [{ ...p.ruleCollections[0]!, rules: [...p.ruleCollections[0]!.rules, { kind: 'FilePathRule', id: '22222222-2222-4333-8444-555555555555', name: 'no windows', description: '', userOrGroupSid: 'S-1-1-0', action: 'Deny', condition: { kind: 'FilePathCondition', path: '%WINDIR%\\*' }, exceptions: [] }] }] };
    expect(lockoutFindings(deny, ['Exe'])[0]!.message).toContain('deny rule `no windows`');
  });

  it('DLL enforcement without rules for the Windows folder is refused', () => {
    const dll: AppLockerPolicy = { version: '1', ruleCollections: [{ type: 'Dll', rules: [{ ...onlyLedger.ruleCollections[0]!.rules[0]! }] }] };
    expect(lockoutFindings(dll, ['Dll']).some((d) => d.message.includes('KERNEL32.DLL'))).toBe(true);
  });
});

describe('enforced policy', () => {
  it('sets Enabled on the chosen collections only and keeps the others as they were', () => {
    const p = defaultPolicy(['Exe', 'Msi', 'Script']);
    const e = withEnforcement(p, ['Exe', 'Dll']);
    expect(collectionModes(p)).toEqual({ Exe: 'AuditOnly', Msi: 'AuditOnly', Script: 'AuditOnly' });
    expect(collectionModes(e)).toEqual({ Exe: 'Enabled', Msi: 'AuditOnly', Script: 'AuditOnly', Dll: 'Enabled' });
    expect(e.ruleCollections[1]).toBe(p.ruleCollections[1]);
  });
});

describe('history chain', () => {
  const draft = (i: number): UnsealedEntry => ({ action: 'promote', actor: 'a', time: `t${i}`, gpo: 'G', gpoGuid: '{x}', policyFile: 'p', collections: ['Exe'], modesBefore: {}, modesAfter: { Exe: 'Enabled' }, policyBefore: 'a', policyAfter: 'b' });
  const chain = (): HistoryEntry[] => { const out: HistoryEntry[] = []; for (let i = 0; i < 4; i++) out.push(sealEntry(draft(i), out.at(-1))); return out; };

  it('canonical JSON sorts keys at every level and drops undefined', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: undefined }], c: 'é' } })).toBe('{"a":{"c":"é","d":[1,{"y":2}]},"b":1}');
  });

  it('seals 1, 2, 3… from the genesis hash; an intact chain verifies', () => {
    const c = chain();
    expect(c.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
    expect(c[0]!.prev).toBe(GENESIS_HASH);
    expect(c[2]!.prev).toBe(c[1]!.hash);
    expect(entryHash(c[3]!)).toBe(c[3]!.hash);
    expect(verifyChain(c, (e) => `#${e.seq}`)).toEqual([]);
    expect(historyFileName({ seq: 12, action: 'rollback', gpo: 'AppLocker - Finance' })).toBe('000012-rollback-applocker-finance.json');
  });

  it('edit, delete, reorder: each is named at its entry', () => {
    const edited = chain();
    edited[1] = { ...edited[1]!, actor: 'mallory' };
    expect(verifyChain(edited, (e) => `#${e.seq}`).map((d) => [d.code, d.location && 'file' in d.location ? d.location.file : ''])).toEqual([['rollout.history.entry-edited', '#2']]);
    const deleted = chain();
    deleted.splice(2, 1);
    expect(verifyChain(deleted, (e) => `#${e.seq}`).map((d) => d.code)).toEqual(['rollout.history.missing-entry', 'rollout.history.chain-broken']);
    const reordered = chain();
    [reordered[1], reordered[2]] = [reordered[2]!, reordered[1]!];
    expect(verifyChain(reordered, (e) => `#${e.seq}`).map((d) => d.code)).toContain('rollout.history.out-of-order');
    // Re-sealing an edited entry does not help: the next entry's link breaks.
    const resealed = chain();
    const fake = { ...resealed[1]!, actor: 'mallory' };
    resealed[1] = { ...fake, hash: entryHash(fake) };
    expect(verifyChain(resealed, (e) => `#${e.seq}`).map((d) => d.code)).toEqual(['rollout.history.chain-broken']);
  });
});

describe('rings', () => {
  it('parses rings.yaml and names a bad ring', () => {
    const ok = parseRings('rings:\n  - gpo: AppLocker - Finance\n    name: pilot\n    ou: OU=Pilot,DC=contoso,DC=example\n', 'rings.yaml');
    expect(ok).toEqual({ rings: [{ gpo: 'AppLocker - Finance', name: 'pilot', ou: 'OU=Pilot,DC=contoso,DC=example' }], diagnostics: [] });
    const bad = parseRings('rings:\n  - gpo: X\n    name: "pi lot"\n    ou: nowhere\n', 'rings.yaml');
    expect(bad.diagnostics.map((d) => d.code)).toEqual(['rollout.rings.invalid']);
    expect(parseRings('rings: [', 'rings.yaml').diagnostics[0]!.code).toBe('rollout.rings.yaml');
  });

  it('the pilot GPO is linked to the ring OU with the placeholder GUID', () => {
    const f = ringFiles('AppLocker - Finance', 'pilot');
    expect(f).toEqual({ policy: 'policies/rings/applocker-finance-pilot.xml', definition: 'rings/applocker-finance-pilot.gpo.json' });
    const d = ringGpoDefinition({ name: 'AppLocker - Finance', guid: '{B5FF2F5F-A7F4-5E14-A9FF-136955474CD1}' }, { gpo: 'AppLocker - Finance', name: 'pilot', ou: 'OU=Pilot,DC=c' }, f.policy);
    expect(d).toMatchObject({ name: 'AppLocker - Finance - pilot', guid: '{00000000-0000-0000-0000-000000000000}', links: [{ target: 'OU=Pilot,DC=c', order: 1 }] });
  });
});
