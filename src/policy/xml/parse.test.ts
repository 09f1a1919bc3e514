/**
 * Parser unit tests: encodings and roots (§11.2), locations, and structural problems reported all at once.
 */
import { describe, expect, it } from 'vitest';
import { DiagnosticError, type Diagnostic, type TextLocation } from '../../diag/index.js';
import type { FilePathRule } from '../model.js';
import { encodeText } from './encoding.js';
import { parsePolicy, parsePolicyOrThrow, type ParsedPolicy } from './parse.js';

const RULE = '<FilePathRule Id="921cc481-6e17-4653-8f75-050b80acca20" Name="n" Description="" UserOrGroupSid="S-1-1-0" Action="Allow"><Conditions><FilePathCondition Path="*" /></Conditions></FilePathRule>';
const POLICY = `<AppLockerPolicy Version="1">\r\n  <RuleCollection Type="Exe" EnforcementMode="Enabled">\r\n    ${RULE}\r\n  </RuleCollection>\r\n</AppLockerPolicy>`;

function parseOk(input: Uint8Array | string): ParsedPolicy {
  const r = parsePolicy(input, { file: 'p.xml' });
  if (!r.ok) throw new Error(r.diagnostics.map((d) => `${d.code}: ${d.message}`).join('\n'));
  return r.value;
}

function codes(ds: readonly Diagnostic[]): string[] {
  return ds.map((d) => d.code);
}

function at(d: Diagnostic | undefined): string {
  const l = d?.location as TextLocation | undefined;
  return l ? `${l.line}:${l.column}` : '';
}

describe('parsePolicy encodings and roots', () => {
  it.each([
    ['utf-8', false], ['utf-8', true], ['utf-16le', true], ['utf-16le', false], ['utf-16be', true],
  ] as const)('reads %s (BOM %s) and reports it', (encoding, bom) => {
    let bytes: Uint8Array;
    if (encoding === 'utf-16be') {
      const le = encodeText(POLICY, 'utf-16le', false);
      bytes = new Uint8Array(le.length + 2);
      bytes.set([0xfe, 0xff]);
      for (let i = 0; i < le.length; i += 2) { bytes[2 + i] = le[i + 1]!; bytes[3 + i] = le[i]!; }
    } else bytes = encodeText(POLICY, encoding, bom);
    const p = parseOk(bytes);
    expect([p.encoding, p.bom, p.newline, p.root]).toEqual([encoding, bom, 'crlf', 'AppLockerPolicy']);
    expect(p.policy.ruleCollections[0]!.rules[0]!.id).toBe('921cc481-6e17-4653-8f75-050b80acca20');
  });

  it('reads a string input, LF, and a BOM at the start of a string', () => {
    const p = parseOk('\uFEFF' + POLICY.replace(/\r\n/g, '\n'));
    expect([p.encoding, p.bom, p.newline]).toEqual(['utf-8', true, 'lf']);
  });

  it('reads a bare <RuleCollection> (Intune CSP fragment) as a one-collection policy', () => {
    const p = parseOk(`<RuleCollection Type="Appx" EnforcementMode="Enabled"><FilePublisherRule Id="a9e18c21-ff8f-43cf-b9fc-db40eed693ba" Name="n" Description="" UserOrGroupSid="S-1-1-0" Action="Allow"><Conditions><FilePublisherCondition PublisherName="*" ProductName="*" BinaryName="*"><BinaryVersionRange LowSection="0.0.0.0" HighSection="*" /></FilePublisherCondition></Conditions></FilePublisherRule></RuleCollection>`);
    expect(p.root).toBe('RuleCollection');
    expect(p.policy.version).toBe('1');
    expect(p.policy.ruleCollections.map((c) => c.type)).toEqual(['Appx']);
  });

  it('accepts a missing EnforcementMode and a missing BinaryVersionRange (lenient, §12.1 items 2–3)', () => {
    const r = parsePolicy('<AppLockerPolicy Version="1"><RuleCollection Type="Exe"><FilePublisherRule Id="921cc481-6e17-4653-8f75-050b80acca20" Name="n" Description="" UserOrGroupSid="S-1-1-0" Action="Allow"><Conditions><FilePublisherCondition PublisherName="*" ProductName="*" BinaryName="*" /></Conditions></FilePublisherRule></RuleCollection></AppLockerPolicy>');
    expect(r.ok).toBe(true);
    expect(codes(r.diagnostics)).toEqual(['policy.validate.missing-version-range']);
    expect(r.diagnostics[0]!.severity).toBe('warning');
    if (r.ok) expect(r.value.policy.ruleCollections[0]!.enforcementMode).toBeUndefined();
  });

  it('warns when the declaration disagrees with the bytes, refuses an unsupported encoding', () => {
    const r = parsePolicy(new TextEncoder().encode(`<?xml version="1.0" encoding="utf-16"?>${POLICY}`));
    expect(codes(r.diagnostics)).toEqual(['policy.xml.encoding-mismatch']);
    const bad = parsePolicy(`<?xml version="1.0" encoding="shift_jis"?>${POLICY}`);
    expect(bad.ok).toBe(false);
    expect(codes(bad.diagnostics)).toEqual(['policy.xml.unsupported-encoding']);
  });

  it('names the wrong root and suggests the right one', () => {
    const r = parsePolicy('<AppLockerPolicies Version="1"/>', { file: 'x.xml' });
    expect(r.ok).toBe(false);
    expect(codes(r.diagnostics)).toEqual(['policy.xml.wrong-root']);
    expect(r.diagnostics[0]!.help).toBe('did you mean `AppLockerPolicy`?');
    expect(codes(parsePolicy('<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event"/>').diagnostics)).toEqual(['policy.xml.not-a-policy']);
    expect(codes(parsePolicy('').diagnostics)).toEqual(['policy.xml.empty']);
    expect(codes(parsePolicy('   <!-- only a comment -->').diagnostics)).toEqual(['policy.xml.empty']);
  });

  it('reports malformed XML with line:column', () => {
    const r = parsePolicy('<AppLockerPolicy Version="1">\n  <RuleCollection Type="Exe">\n</AppLockerPolicy>', { file: 'm.xml' });
    expect(r.ok).toBe(false);
    expect(r.diagnostics[0]!.code).toBe('policy.xml.malformed');
    expect(r.diagnostics[0]!.message).toMatch(/^not well-formed XML: /);
    expect(at(r.diagnostics[0])).toBe('3:18');
  });
});

describe('parsePolicy locations', () => {
  const p = parseOk(POLICY);
  const rule = p.policy.ruleCollections[0]!.rules[0]! as FilePathRule;

  it('locates rules, conditions and attributes with file:line:column and element path', () => {
    expect(p.locations.get(rule)).toEqual({ kind: 'text', file: 'p.xml', line: 3, column: 5, path: '/AppLockerPolicy/RuleCollection[@Type="Exe"]/FilePathRule[@Id="921cc481-6e17-4653-8f75-050b80acca20"]' });
    expect(p.locations.rule('921CC481-6E17-4653-8F75-050B80ACCA20')).toEqual(p.locations.get(rule));
    expect(p.locations.attribute(rule, 'Action')).toMatchObject({ line: 3, column: 5 + RULE.indexOf('Action'), path: expect.stringMatching(/\/@Action$/) });
    expect(p.locations.get(rule.condition)).toMatchObject({ line: 3, column: 5 + RULE.indexOf('<FilePathCondition'), path: expect.stringMatching(/\/Conditions\/FilePathCondition$/) });
    expect(p.locations.get(p.policy.ruleCollections[0]!)).toMatchObject({ line: 2, column: 3 });
    expect(p.locations.get(p.policy)).toMatchObject({ line: 1, column: 1, path: '/AppLockerPolicy' });
  });
});

describe('parsePolicy structural problems, all at once', () => {
  const xml = [
    '<AppLockerPolicy Version="1" xmlns="urn:x">',
    '  <RuleCollection Type="Exe" EnforcementMode="Enabled" Mode="x">',
    '    <FilePathRule Id="921cc481-6e17-4653-8f75-050b80acca20" Name="n" UserOrGroupSid="S-1-1-0" Action="Allow">',
    '      <Conditions><FilePathCondition Path="*" /></Conditions>',
    '      <Exception><FilePathCondition Path="%WINDIR%\\Temp\\*" /></Exception>',
    '    </FilePathRule>',
    '    <FilePathRule Id="a61c8b2c-a319-4cd0-9690-d2177cad7b51" Name="no conditions" Description="" UserOrGroupSid="S-1-1-0" Action="Allow" />',
    '    <FileHashRule Id="fd686d83-a829-4351-8ff4-27c7de5755d2" Name="h" Description="" UserOrGroupSid="S-1-1-0" Action="Deny">',
    '      <Conditions><FileHashCondition><FileHash Type="SHA256" Data="0x54C94BF6CD397A0B3F2B2215A52AE1AA479FD9FA1E148F3617865A073723375C" /></FileHashCondition></Conditions>',
    '      <Exceptions><FilePathCondition Path="*" /></Exceptions>',
    '    </FileHashRule>',
    '    <FilePathRule Id="3737732c-99b7-41d4-9037-9cddfb0de0d0" Name="m" Description="" UserOrGroupSid="S-1-1-0" Action="Allow">',
    '      <Conditions><FilePublisherCondition PublisherName="*" ProductName="*" BinaryName="*" /></Conditions>',
    '    </FilePathRule>',
    '    <RuleCollectionExtensions><ThresholdExtensions /><RedstoneExtensions /></RuleCollectionExtensions>',
    '    <FilePathRule Id="bac4b0bf-6f1b-40e8-8627-8545fa89c8b6" Name="late" Description="" UserOrGroupSid="S-1-1-0" Action="Allow"><Conditions><FilePathCondition Path="*" /></Conditions></FilePathRule>',
    '    stray text',
    '  </RuleCollection>',
    '</AppLockerPolicy>',
  ].join('\n');
  const r = parsePolicy(xml, { file: 's.xml' });

  it('still builds a model (ok) and reports every problem sorted by location', () => {
    expect(r.ok).toBe(true);
    expect(r.diagnostics.map((d) => `${at(d)} ${d.code}`)).toEqual([
      '1:30 policy.xml.namespace',
      '2:56 policy.xml.unknown-attribute',
      '3:5 policy.xml.missing-attribute',
      '5:7 policy.xml.unknown-element',
      '7:5 policy.xml.missing-element',
      '10:7 policy.validate.hash-rule-exceptions',
      '12:5 policy.xml.missing-element',
      '13:19 policy.validate.condition-mismatch',
      '16:5 policy.xml.misplaced-element',
      '17:5 policy.xml.unexpected-text',
    ]);
  });

  it('gives helps with the nearest name', () => {
    const byCode = (c: string) => r.diagnostics.find((d) => d.code === c)!;
    expect(byCode('policy.xml.unknown-element').help).toBe('did you mean `Exceptions`?');
    expect(byCode('policy.xml.unknown-element').message).toBe('unknown element <Exception> in <FilePathRule>');
    expect(byCode('policy.xml.unknown-attribute').message).toBe('unknown attribute `Mode` on <RuleCollection>');
    expect(byCode('policy.xml.missing-attribute').message).toBe('<FilePathRule> has no `Description` attribute');
    expect(byCode('policy.validate.condition-mismatch').help).toMatch(/use a <FilePublisherRule>/);
  });

  it('leaves rules without a usable condition out of the model', () => {
    if (!r.ok) return;
    expect(r.value.policy.ruleCollections[0]!.rules.map((x) => x.name)).toEqual(['n', 'h', 'late']);
  });

  it('parsePolicyOrThrow throws a DiagnosticError carrying them', () => {
    expect(() => parsePolicyOrThrow(xml)).toThrow(DiagnosticError);
    expect(parsePolicyOrThrow(POLICY).ruleCollections).toHaveLength(1);
  });
});
