/**
 * Property: random policies (every rule kind, mixed exceptions, extensions, odd characters incl. & < > "
 * quotes, whitespace, non-ASCII and astral) survive serialize → encode → parse unchanged, in both encodings,
 * both styles and both newlines, and pretty output is a fixed point of parse∘serialize.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type {
  AppLockerPolicy, FileHash, FileHashRule, FilePathCondition, FilePathRule, FilePublisherCondition, FilePublisherRule, Rule,
  RuleCollection, RuleCollectionExtensions, RuleCondition,
} from '../model.js';
import { POLICY_VALIDATE_CODES, validatePolicy } from '../validate/index.js';
import { escapeAttribute } from './fragment.js';
import { parsePolicy } from './parse.js';
import { encodePolicy } from './serialize.js';

// Characters XML 1.0 can carry, biased towards the ones that need escaping or normalisation care.
const char = fc.oneof(
  fc.constantFrom('&', '<', '>', '"', "'", '\t', '\n', '\r', ' ', '%', '\\', '*', ']]>', '&amp;', 'é', '®', '名', '😀', 'ß'),
  fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
  fc.integer({ min: 0xa0, max: 0xd7ff }).map((c) => String.fromCharCode(c)),
);
const text = fc.array(char, { maxLength: 12 }).map((a) => a.join(''));
const nonEmpty = fc.array(char, { minLength: 1, maxLength: 12 }).map((a) => a.join(''));

const pathCond: fc.Arbitrary<FilePathCondition> = nonEmpty.map((path) => ({ kind: 'FilePathCondition', path }));
const pubCond: fc.Arbitrary<FilePublisherCondition> = fc.record({
  publisherName: nonEmpty, productName: text, binaryName: text,
  range: fc.option(fc.record({ lowSection: text, highSection: text }), { nil: undefined }),
}).map(({ range, ...r }) => ({ kind: 'FilePublisherCondition', ...r, ...(range ? { binaryVersionRange: range } : {}) }));
const fileHash: fc.Arbitrary<FileHash> = fc.record({
  type: fc.constantFrom('SHA256', 'SHA256Flat', 'SHA1') as fc.Arbitrary<FileHash['type']>,
  data: text,
  sourceFileName: fc.option(text, { nil: undefined }),
  sourceFileLength: fc.option(fc.nat().map(String), { nil: undefined }),
}).map(({ sourceFileName, sourceFileLength, ...h }) => ({
  ...h, ...(sourceFileName !== undefined ? { sourceFileName } : {}), ...(sourceFileLength !== undefined ? { sourceFileLength } : {}),
}));
const hashCond = fc.array(fileHash, { minLength: 1, maxLength: 3 }).map((fileHashes) => ({ kind: 'FileHashCondition' as const, fileHashes }));
const anyCond: fc.Arbitrary<RuleCondition> = fc.oneof(pathCond, pubCond, hashCond);

const base = fc.record({
  id: fc.uuid(), name: nonEmpty, description: text, userOrGroupSid: text, action: fc.constantFrom('Allow', 'Deny') as fc.Arbitrary<'Allow' | 'Deny'>,
});
const rule: fc.Arbitrary<Rule> = fc.oneof(
  fc.tuple(base, pathCond, fc.array(anyCond, { maxLength: 3 })).map(([b, condition, exceptions]): FilePathRule => ({ kind: 'FilePathRule', ...b, condition, exceptions })),
  fc.tuple(base, pubCond, fc.array(anyCond, { maxLength: 3 })).map(([b, condition, exceptions]): FilePublisherRule => ({ kind: 'FilePublisherRule', ...b, condition, exceptions })),
  fc.tuple(base, hashCond).map(([b, condition]): FileHashRule => ({ kind: 'FileHashRule', ...b, condition })),
);

/** A kept extension element in the canonical compact form the parser stores. */
const fragment = fc.tuple(fc.constantFrom('FutureExtensions', 'X', 'Y2'), text).map(([n, v]) => `<${n} Value="${escapeAttribute(v)}" />`);

const extensions: fc.Arbitrary<RuleCollectionExtensions> = fc.record({
  services: fc.option(fc.constantFrom('NotConfigured', 'Enabled', 'ServicesOnly') as fc.Arbitrary<RuleCollectionExtensions['servicesEnforcementMode']>, { nil: undefined }),
  systemApps: fc.option(fc.constantFrom('Enabled', 'NotEnabled') as fc.Arbitrary<RuleCollectionExtensions['systemAppsAllow']>, { nil: undefined }),
  origin: fc.option(fc.record({ currentOriginDataId: fc.nat(), trustedOriginDataId: fc.nat() }), { nil: undefined }),
  threshold: fc.boolean(), redstone: fc.boolean(),
  unknown: fc.array(fragment, { maxLength: 2 }),
}).map((e) => ({
  thresholdPresent: e.threshold || e.services !== undefined,
  redstonePresent: e.redstone || e.systemApps !== undefined || e.origin !== undefined,
  unknown: e.unknown,
  ...(e.services !== undefined ? { servicesEnforcementMode: e.services } : {}),
  ...(e.systemApps !== undefined ? { systemAppsAllow: e.systemApps } : {}),
  ...(e.origin !== undefined ? { originDataRevocation: e.origin } : {}),
}));

const collection = (type: RuleCollection['type']): fc.Arbitrary<RuleCollection> => fc.record({
  enforcementMode: fc.constantFrom('NotConfigured', 'AuditOnly', 'Enabled') as fc.Arbitrary<'NotConfigured' | 'AuditOnly' | 'Enabled'>,
  rules: fc.array(rule, { maxLength: 4 }),
  ext: fc.option(extensions, { nil: undefined }),
}).map(({ ext, ...c }) => ({ type, ...c, ...(ext ? { extensions: ext } : {}) }));

const policy: fc.Arbitrary<AppLockerPolicy> = fc
  .shuffledSubarray(['Exe', 'Msi', 'Script', 'Dll', 'Appx', 'ManagedInstaller'] as const)
  .chain((types) => fc.tuple(...types.map((t) => collection(t))))
  .chain((ruleCollections) => fc.option(fc.constantFrom('<PolicyExtensions><ThresholdExtensions /></PolicyExtensions>', '<PolicyExtensions><ThresholdExtensions><Plugins><Plugin Name="a &amp; b" Id="1" /></Plugins></ThresholdExtensions></PolicyExtensions>'), { nil: undefined })
    .map((policyExtensions) => ({ version: '1', ruleCollections, ...(policyExtensions !== undefined ? { policyExtensions } : {}) })));

describe('round trip (property)', () => {
  it('random policies survive encode → parse in every encoding, style and newline', () => {
    fc.assert(fc.property(
      policy, fc.constantFrom('utf-8', 'utf-16le') as fc.Arbitrary<'utf-8' | 'utf-16le'>, fc.constantFrom('pretty', 'compact') as fc.Arbitrary<'pretty' | 'compact'>,
      fc.constantFrom('crlf', 'lf') as fc.Arbitrary<'crlf' | 'lf'>, fc.boolean(),
      (p, encoding, style, newline, bom) => {
        const bytes = encodePolicy(p, { encoding, style, newline, bom });
        const r = parsePolicy(bytes, { skipValidation: true });
        if (!r.ok) throw new Error(r.diagnostics.map((d) => d.message).join('; '));
        expect(r.diagnostics.filter((d) => d.code.startsWith('policy.xml.'))).toEqual([]);
        expect(r.value.policy).toEqual(p);
        if (style === 'pretty') {
          const again = encodePolicy(r.value.policy, { encoding, style, newline: r.value.newline, bom: r.value.bom, xmlDeclaration: r.value.xmlDeclaration });
          expect(Buffer.from(again).equals(Buffer.from(bytes))).toBe(true);
        }
      },
    ), { numRuns: 300 });
  });

  it('validatePolicy never throws on random models and only emits listed codes', () => {
    fc.assert(fc.property(policy, (p) => {
      for (const d of validatePolicy(p)) expect(POLICY_VALIDATE_CODES[d.code as keyof typeof POLICY_VALIDATE_CODES], d.code).toBeTruthy();
    }), { numRuns: 200 });
  });
});
