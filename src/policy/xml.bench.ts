/**
 * Benchmark (issue 2, "Measure"): parse + validate + serialize of a generated 10,000-rule policy (hash,
 * publisher and path rules with exceptions across all five collections), in MB/s, against the raw saxes
 * parse of the same text with no handlers and no tree (the XML library alone) measured in the same run.
 * Run: `npm run bench -- policy-xml`.
 */
import { SaxesParser } from 'saxes';
import type { Benchmark } from '../bench/registry.js';
import type { AppLockerPolicy, Rule, RuleCollection } from './model.js';
import { RULE_COLLECTION_TYPES } from './model.js';
import { parsePolicy } from './xml/parse.js';
import { serializePolicy } from './xml/serialize.js';
import { medianMs } from '../bench/measure.js';

const hex = (i: number, digits: number): string => '0x' + i.toString(16).toUpperCase().padStart(digits, '0');
const guid = (i: number): string => `${i.toString(16).padStart(8, '0')}-1111-4222-8333-${i.toString(16).padStart(12, '0')}`;

/** A deterministic policy of `n` rules: a third each path/publisher/hash, every fourth with exceptions. */
export function generatePolicy(n: number): AppLockerPolicy {
  const cols = new Map<string, Rule[]>(RULE_COLLECTION_TYPES.map((t) => [t, []]));
  for (let i = 0; i < n; i++) {
    const type = RULE_COLLECTION_TYPES[i % RULE_COLLECTION_TYPES.length]!;
    const base = { id: guid(i), name: `Rule ${i} for CONTOSO® & "Friends"`, description: i % 3 ? '' : `Generated rule number ${i}`, userOrGroupSid: i % 2 ? 'S-1-1-0' : 'S-1-5-21-1004336348-1177238915-682003330-512', action: i % 7 ? 'Allow' as const : 'Deny' as const };
    const exceptions = i % 4 === 0 ? [
      { kind: 'FilePathCondition' as const, path: `%PROGRAMFILES%\\Vendor${i}\\Temp\\*` },
      { kind: 'FileHashCondition' as const, fileHashes: [{ type: 'SHA256' as const, data: hex(i, 64), sourceFileName: `tool${i}.exe`, sourceFileLength: String(1000 + i) }] },
    ] : [];
    const kind = type === 'Appx' ? 1 : i % 3;
    let rule: Rule;
    if (kind === 0) rule = { kind: 'FilePathRule', ...base, condition: { kind: 'FilePathCondition', path: `%PROGRAMFILES%\\Vendor${i}\\*` }, exceptions };
    else if (kind === 1) {
      rule = { kind: 'FilePublisherRule', ...base, condition: { kind: 'FilePublisherCondition', publisherName: `O=VENDOR ${i}, L=REDMOND, S=WASHINGTON, C=US`, productName: `PRODUCT ${i}`, binaryName: `TOOL${i}.EXE`, binaryVersionRange: { lowSection: `1.0.${i % 65536}.0`, highSection: '*' } }, exceptions: type === 'Appx' ? [] : exceptions };
    } else rule = { kind: 'FileHashRule', ...base, condition: { kind: 'FileHashCondition', fileHashes: [{ type: 'SHA256', data: hex(i, 64), sourceFileName: `file${i}.dll`, sourceFileLength: String(4096 + i) }] } };
    cols.get(type)!.push(rule);
  }
  const ruleCollections: RuleCollection[] = RULE_COLLECTION_TYPES.map((t) => ({ type: t, enforcementMode: 'AuditOnly', rules: cols.get(t)! }));
  return { version: '1', ruleCollections };
}



export const policyXmlBench: Benchmark = {
  name: 'policy-xml',
  title: 'AppLocker policy XML: parse + validate + serialize of 10,000 rules vs raw saxes parse',
  async run(print) {
    const policy = generatePolicy(10_000);
    const xml = serializePolicy(policy, { style: 'pretty', newline: 'crlf' });
    const bytes = new TextEncoder().encode(xml);
    const mb = bytes.length / 1e6;
    print(`   input: ${policy.ruleCollections.reduce((n, c) => n + c.rules.length, 0)} rules, ${mb.toFixed(2)} MB UTF-8`);
    let check = 0;
    const raw = () => {
      // Baseline: the XML library alone, decoding included, no handlers and no tree.
      new SaxesParser({ position: true }).write(new TextDecoder().decode(bytes)).close();
    };
    const full = () => {
      const r = parsePolicy(bytes);
      if (!r.ok || r.diagnostics.length) throw new Error('generated policy did not parse clean');
      check += serializePolicy(r.value.policy).length;
    };
    const parseOnly = () => { parsePolicy(bytes, { skipValidation: true }); };
    const ser = () => { check += serializePolicy(policy).length; };
    raw(); full(); // warm up
    const runs = 5;
    const tRaw = medianMs(runs, raw);
    const tFull = medianMs(runs, full);
    const tParse = medianMs(runs, parseOnly);
    const tSer = medianMs(runs, ser);
    const rate = (ms: number) => `${(mb / (ms / 1000)).toFixed(1)} MB/s`;
    print(`   raw saxes parse (baseline):          ${tRaw.toFixed(1)} ms  ${rate(tRaw)}`);
    print(`   parse + validate + serialize:        ${tFull.toFixed(1)} ms  ${rate(tFull)}  (${(tFull / tRaw).toFixed(2)}x baseline)`);
    print(`     of which parse to model:           ${tParse.toFixed(1)} ms  ${rate(tParse)}  (${(tParse / tRaw).toFixed(2)}x baseline)`);
    print(`     of which serialize (pretty):       ${tSer.toFixed(1)} ms  ${rate(tSer)}`);
    print(`   median of ${runs} runs each (checksum ${check % 997})`);
  },
};
