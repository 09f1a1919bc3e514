/**
 * Serializer: canonical layout (§11.3), golden output for the hand-written full sample, byte-faithfulness
 * of pretty output in both encodings and newline styles, compact style, fragments, escaping, kept extensions.
 * Regenerate the golden with `UPDATE_GOLDEN=1 npx vitest run src/policy/xml/serialize.test.ts`.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { AppLockerPolicy, FilePathRule } from '../model.js';
import { encodePolicy, formatOptionsOf, parsePolicy, serializePolicy, type ParsedPolicy } from './index.js';

const formatDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'testdata', 'format');
const fullXml = readFileSync(join(formatDir, 'full.xml'));

function parseOk(input: Uint8Array | string): ParsedPolicy {
  const r = parsePolicy(input, { file: 'test.xml' });
  if (!r.ok) throw new Error(r.diagnostics.map((d) => `${d.code}: ${d.message}`).join('\n'));
  return r.value;
}

const pathRule = (id: string, path: string, name = 'r'): FilePathRule => ({
  kind: 'FilePathRule', id, name, description: '', userOrGroupSid: 'S-1-1-0', action: 'Allow',
  condition: { kind: 'FilePathCondition', path }, exceptions: [],
});

describe('serializePolicy', () => {
  const full = parseOk(fullXml);

  it('parses the full sample without diagnostics', () => {
    expect(parsePolicy(fullXml).diagnostics).toEqual([]);
  });

  it('writes the full sample as its golden canonical form', () => {
    const golden = join(formatDir, 'full.xml.golden');
    const text = serializePolicy(full.policy);
    if (process.env.UPDATE_GOLDEN === '1' || !existsSync(golden)) {
      if (process.env.UPDATE_GOLDEN !== '1') throw new Error(`missing ${golden}: run with UPDATE_GOLDEN=1 and review it`);
      writeFileSync(golden, text);
    }
    expect(text).toBe(readFileSync(golden, 'utf8'));
  });

  it('round-trips the full sample; an absent EnforcementMode is written as NotConfigured (§12.1 item 2)', () => {
    const again = parseOk(serializePolicy(full.policy)).policy;
    const msi = full.policy.ruleCollections.find((c) => c.type === 'Msi')!;
    expect(msi.enforcementMode).toBeUndefined();
    expect(again).toEqual({
      ...full.policy,
      ruleCollections: full.policy.ruleCollections.map((c) => (c === msi ? { ...c, enforcementMode: 'NotConfigured' } : c)),
    });
  });

  it('keeps PolicyExtensions and unknown RuleCollectionExtensions children, re-indented', () => {
    const text = serializePolicy(full.policy);
    expect(text).toContain('\n    <RuleCollectionExtensions>\n      <ThresholdExtensions>\n        <Services EnforcementMode="Enabled" />\n      </ThresholdExtensions>\n' +
      '      <RedstoneExtensions>\n        <SystemApps Allow="Enabled" />\n        <OriginDataRevocation CurrentOriginDataId="7" TrustedOriginDataId="3" />\n      </RedstoneExtensions>\n' +
      '      <FutureExtensions Mode="x">\n        <Thing>text &amp; more</Thing>\n      </FutureExtensions>\n    </RuleCollectionExtensions>\n');
    expect(text).toContain('\n  <PolicyExtensions>\n    <ThresholdExtensions>\n      <Plugins>\n        <Plugin Name="p" Id="11111111-2222-3333-4444-555555555555" />\n      </Plugins>\n    </ThresholdExtensions>\n  </PolicyExtensions>\n</AppLockerPolicy>');
  });

  it('escapes & < > " in attributes and keeps non-ASCII literal', () => {
    const text = serializePolicy(full.policy);
    expect(text).toContain('Name="Program Files &amp; &quot;tools&quot; &lt;x64&gt;"');
    expect(text).toContain('Name="Ünïcödé 名前"');
    expect(text).toContain('ProductName="CONTOSO® TOOLS"');
  });

  it('writes rules in Windows attribute order with " />" and EnforcementMode/Description always', () => {
    const p: AppLockerPolicy = { version: '1', ruleCollections: [{ type: 'Dll', rules: [pathRule('3737732c-99b7-41d4-9037-9cddfb0de0d0', '%PROGRAMFILES%\\*', 'x')] }, { type: 'Script', rules: [] }] };
    expect(serializePolicy(p)).toBe([
      '<AppLockerPolicy Version="1">',
      '  <RuleCollection Type="Dll" EnforcementMode="NotConfigured">',
      '    <FilePathRule Id="3737732c-99b7-41d4-9037-9cddfb0de0d0" Name="x" Description="" UserOrGroupSid="S-1-1-0" Action="Allow">',
      '      <Conditions>',
      '        <FilePathCondition Path="%PROGRAMFILES%\\*" />',
      '      </Conditions>',
      '    </FilePathRule>',
      '  </RuleCollection>',
      '  <RuleCollection Type="Script" EnforcementMode="NotConfigured" />',
      '</AppLockerPolicy>',
    ].join('\n'));
  });

  it('writes the compact one-line form of New-AppLockerPolicy -Xml', () => {
    const p: AppLockerPolicy = { version: '1', ruleCollections: [{ type: 'Exe', enforcementMode: 'AuditOnly', rules: [pathRule('fd686d83-a829-4351-8ff4-27c7de5755d2', '*')] }] };
    expect(serializePolicy(p, { style: 'compact' })).toBe(
      '<AppLockerPolicy Version="1"><RuleCollection Type="Exe" EnforcementMode="AuditOnly"><FilePathRule Id="fd686d83-a829-4351-8ff4-27c7de5755d2" Name="r" Description="" UserOrGroupSid="S-1-1-0" Action="Allow"><Conditions><FilePathCondition Path="*" /></Conditions></FilePathRule></RuleCollection></AppLockerPolicy>');
    expect(parseOk(serializePolicy(full.policy, { style: 'compact' })).policy).toEqual(parseOk(serializePolicy(full.policy)).policy);
  });

  it('writes a bare <RuleCollection> for a fragment and refuses one for several collections', () => {
    const p: AppLockerPolicy = { version: '1', ruleCollections: [{ type: 'Msi', enforcementMode: 'Enabled', rules: [] }] };
    expect(serializePolicy(p, { root: 'RuleCollection' })).toBe('<RuleCollection Type="Msi" EnforcementMode="Enabled" />');
    expect(() => serializePolicy(full.policy, { root: 'RuleCollection' })).toThrow(RangeError);
  });

  it('is byte-faithful: serialize(parse(bytes)) === bytes for pretty output, every encoding and newline', () => {
    for (const encoding of ['utf-8', 'utf-16le'] as const) {
      for (const bom of [true, false]) {
        for (const newline of ['crlf', 'lf'] as const) {
          for (const xmlDeclaration of [true, false]) {
            const bytes = encodePolicy(full.policy, { encoding, bom, newline, xmlDeclaration });
            const p = parseOk(bytes);
            expect([p.encoding, p.bom, p.newline, p.xmlDeclaration]).toEqual([encoding, bom, newline, xmlDeclaration]);
            const again = encodePolicy(p.policy, { encoding, bom: p.bom, newline: p.newline, xmlDeclaration: p.xmlDeclaration });
            expect(Buffer.from(again).equals(Buffer.from(bytes))).toBe(true);
          }
        }
      }
    }
  });

  it('encodes UTF-16LE with BOM and an utf-16 declaration by default, UTF-8 without either', () => {
    const p: AppLockerPolicy = { version: '1', ruleCollections: [] };
    const u16 = encodePolicy(p, { encoding: 'utf-16le' });
    expect([...u16.subarray(0, 4)]).toEqual([0xff, 0xfe, 0x3c, 0x00]);
    expect(new TextDecoder('utf-16le').decode(u16.subarray(2))).toBe('<?xml version="1.0" encoding="utf-16"?>\n<AppLockerPolicy Version="1" />');
    expect(new TextDecoder().decode(encodePolicy(p))).toBe('<AppLockerPolicy Version="1" />');
  });

  it('escapes line breaks and tabs in attribute values so they survive attribute-value normalisation', () => {
    const p: AppLockerPolicy = { version: '1', ruleCollections: [{ type: 'Exe', enforcementMode: 'Enabled', rules: [{ ...pathRule('fd686d83-a829-4351-8ff4-27c7de5755d2', '*'), description: 'a\r\nb\tc' }] }] };
    const text = serializePolicy(p);
    expect(text).toContain('Description="a&#xD;&#xA;b&#x9;c"');
    expect(parseOk(text).policy).toEqual(p);
  });

  it('formatOptionsOf keeps the file form; UTF-16BE is written back as UTF-16LE', () => {
    const le = encodePolicy(full.policy, { encoding: 'utf-16le', bom: true, newline: 'crlf' });
    const be = new Uint8Array(le.length);
    for (let i = 0; i < le.length; i += 2) { be[i] = le[i + 1]!; be[i + 1] = le[i]!; }
    const p = parseOk(be);
    expect(p.encoding).toBe('utf-16be');
    expect(formatOptionsOf(p)).toEqual({ style: 'pretty', root: 'AppLockerPolicy', newline: 'crlf', encoding: 'utf-16le', bom: true, xmlDeclaration: true });
    expect(Buffer.from(encodePolicy(p.policy, formatOptionsOf(p))).equals(Buffer.from(le))).toBe(true);
  });
});
