import { describe, expect, it } from 'vitest';
import { defaultRules } from '../policy/defaults.js';
import type { Rule } from '../policy/model.js';
import { parseRuleSddl, ruleSddl } from './rule-sddl.js';

describe('ruleSddl', () => {
  it('renders the default Program Files rule as the observed event RuleSddl (§9.4)', () => {
    const pf = defaultRules('Exe').find((r) => r.id === '921cc481-6e17-4653-8f75-050b80acca20')!;
    expect(ruleSddl(pf)).toBe('D:(XA;;FX;;;S-1-1-0;(APPID://PATH Contains "%PROGRAMFILES%\\*"))');
  });
  it('renders the WhatsApp packaged-app deny as observed (§3.8)', () => {
    const r: Rule = {
      kind: 'FilePublisherRule', id: 'x', name: 'n', description: '', userOrGroupSid: 'S-1-1-0', action: 'Deny', exceptions: [],
      condition: { kind: 'FilePublisherCondition', publisherName: 'CN=24803D75-212C-471A-BC57-9EF86AB91435', productName: '5319275A.WhatsAppDesktop', binaryName: '*', binaryVersionRange: { lowSection: '*', highSection: '*' } },
    };
    expect(ruleSddl(r)).toBe('D:(XD;;FX;;;S-1-1-0;((Exists APPID://FQBN) && ((APPID://FQBN) >= ({"CN=24803D75-212C-471A-BC57-9EF86AB91435\\5319275A.WHATSAPPDESKTOP\\*",0}))))');
  });
  it('renders a version low bound as the 64-bit number and reads it back', () => {
    const r: Rule = {
      kind: 'FilePublisherRule', id: 'x', name: 'n', description: '', userOrGroupSid: 'S-1-1-0', action: 'Allow', exceptions: [],
      condition: { kind: 'FilePublisherCondition', publisherName: 'O=A', productName: 'P', binaryName: 'B.EXE', binaryVersionRange: { lowSection: '1.2.3.4', highSection: '*' } },
    };
    const s = ruleSddl(r);
    expect(s).toContain(`{"O=A\\P\\B.EXE",${(1n << 48n) + (2n << 32n) + (3n << 16n) + 4n}}`);
    expect(parseRuleSddl(s)).toEqual({ action: 'Allow', sid: 'S-1-1-0', condition: r.condition });
  });
  it('renders hash rules in the FORSHAW-P3 form and reads them back', () => {
    const r: Rule = {
      kind: 'FileHashRule', id: 'x', name: 'n', description: '', userOrGroupSid: 'S-1-5-32-545', action: 'Allow',
      condition: { kind: 'FileHashCondition', fileHashes: [{ type: 'SHA256', data: '0xAB01' }, { type: 'SHA256', data: '0xCD02' }] },
    };
    const s = ruleSddl(r);
    expect(s).toBe('D:(XA;;FX;;;S-1-5-32-545;((Exists APPID://SHA256HASH) && (APPID://SHA256HASH Any_of {#ab01, #cd02})))');
    expect(parseRuleSddl(s)?.condition).toEqual(r.condition);
  });
  it('marks exceptions (inferred shape) and gives `-` no parse', () => {
    const r: Rule = {
      kind: 'FilePathRule', id: 'x', name: 'n', description: '', userOrGroupSid: 'S-1-1-0', action: 'Allow',
      condition: { kind: 'FilePathCondition', path: '%WINDIR%\\*' }, exceptions: [{ kind: 'FilePathCondition', path: '%WINDIR%\\Temp\\*' }],
    };
    expect(ruleSddl(r)).toBe('D:(XA;;FX;;;S-1-1-0;((APPID://PATH Contains "%WINDIR%\\*") && !(APPID://PATH Contains "%WINDIR%\\TEMP\\*")))');
    expect(parseRuleSddl('-')).toBeUndefined();
  });
});
