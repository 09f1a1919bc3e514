/**
 * Diagnostic codes of the policy XML reader (parse.ts, tree.ts, encoding.ts), one line each.
 * Used by the CLI (`lockstep policy validate`), docs and tests; codes are stable, descriptions are for people.
 * Spec: shared/spec/applocker.md §1.1 (schema), §11.2 (parser rules).
 */
export const POLICY_XML_CODES = {
  'policy.xml.too-large': 'the input is larger than the configured cap (default 64 MiB); nothing was parsed',
  'policy.xml.token-too-large': 'one tag or text run is longer than the cap (default 256 Ki characters); nothing was parsed',
  'policy.xml.too-deep': 'elements nest deeper than the cap (default 64 levels)',
  'policy.xml.too-many-elements': 'the document has more elements than the cap (default 1,000,000)',
  'policy.xml.invalid-encoding': 'the bytes are not valid in the detected encoding (UTF-8 / UTF-16)',
  'policy.xml.unsupported-encoding': 'the XML declaration names an encoding other than UTF-8 or UTF-16',
  'policy.xml.encoding-mismatch': 'the XML declaration disagrees with the byte-order mark or the bytes',
  'policy.xml.nul-byte': 'the text contains a NUL character, which XML forbids',
  'policy.xml.malformed': 'the document is not well-formed XML',
  'policy.xml.dtd-forbidden': 'a DOCTYPE/ENTITY declaration was refused (XXE, entity expansion); nothing was expanded',
  'policy.xml.empty': 'the document has no root element',
  'policy.xml.wdac-policy': 'the root is a WDAC (App Control) <SiPolicy>, not an AppLocker policy',
  'policy.xml.not-a-policy': 'the root names another known XML kind (event query, Event Viewer view, event XML)',
  'policy.xml.wrong-root': 'the root is neither <AppLockerPolicy> nor <RuleCollection>',
  'policy.xml.namespace': 'an xmlns declaration: AppLocker policy XML has no namespace',
  'policy.xml.missing-attribute': 'a required attribute is absent',
  'policy.xml.missing-element': 'a required child element is absent (e.g. Conditions)',
  'policy.xml.duplicate-element': 'a child element that may appear once appears again',
  'policy.xml.misplaced-element': 'a known element is out of the schema order (e.g. RuleCollectionExtensions not last)',
  'policy.xml.unknown-element': 'an element the schema does not define at this place (with the nearest known name)',
  'policy.xml.unknown-attribute': 'an attribute the schema does not define on this element (with the nearest known name)',
  'policy.xml.unexpected-text': 'text content where the schema allows only elements',
} as const;

export type PolicyXmlCode = keyof typeof POLICY_XML_CODES;
