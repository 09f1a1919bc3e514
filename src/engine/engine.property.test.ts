/**
 * Property test (design README convention 7): for random policy × file × principal, the fast engine
 * deep-equals the reference, and the fast path really decided: the indexes were probed and returned
 * exactly the rules whose condition matches (no rule missed, none scanned needlessly).
 * Pools are small on purpose so that random files often hit random rules (applocker.md §3–§5).
 * The second property covers the runtime caches: the decision cache (tiny, so slots collide and
 * evict) and the content-keyed prepare memo, fed copies of files and principals, must answer exactly
 * as the reference, and must really have been hit.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FileInformation } from '../policy/file-information.js';
import type {
  AppLockerPolicy, EnforcementMode, FileHashType, Rule, RuleCollection, RuleCondition, RuleCollectionType,
} from '../policy/model.js';
import { compilePolicy } from './compile/pipeline.js';
import { decide, type DecideTrace } from './decide.js';
import { environment } from './environment.js';
import { candidatePathForms, conditionMatches, evaluateReference } from './reference.js';
import { principalOf } from './principal.js';

const ENV = environment({ removableRoots: ['D:'], hotRoots: ['E:'], driveMappings: { 'Z:': '\\\\FS01\\APPS' } });
const SIDS = ['S-1-1-0', 'S-1-5-11', 'S-1-5-32-544', 'S-1-5-32-545', 'S-1-5-21-1-2-3-5001', 'S-1-3-0'];
const ROOTS = ['C:\\Windows', 'C:\\Windows\\System32', 'C:\\Windows\\SysWOW64', 'C:\\Program Files', 'C:\\Program Files (x86)',
  'C:\\Users\\u', 'C:', 'D:', 'E:', 'F:', '\\\\FS01\\APPS', 'Z:', 'c:\\windows\\tasks'];
const SEGMENTS = ['App', 'TEMP', 'Tasks', 'Vendor', 'a.b', 'x'];
const NAMES = ['a.exe', 'b.dll', 'c.ps1', 'd.msi', 'e.appx', 'f.txt', 'g.EXE', 'Tasks:evil.exe'];
const VAR_PREFIXES = ['%WINDIR%', '%SYSTEM32%', '%PROGRAMFILES%', '%OSDRIVE%', '%REMOVABLE%', '%HOT%', '%windir%', '%USERPROFILE%', '%WIN'];
const PUBLISHERS = ['O=A, C=US', 'O=B, C=US', 'O=WIDE*'];
const PRODUCTS = ['P1', 'P2'];
const BINARIES = ['A.EXE', 'B.DLL', 'C.PS1'];
const VERSIONS = ['1.0.0.0', '2.5.0.0', '9.9.9.9', '10.0.0.0'];
const HASHES = ['AA', 'BB', 'CC', 'DD'].map((h) => h.repeat(32));
const HASH_TYPES: FileHashType[] = ['SHA256', 'SHA256Flat', 'SHA1'];
const COLLECTIONS: RuleCollectionType[] = ['Exe', 'Dll', 'Script', 'Msi', 'Appx'];

const segs = fc.array(fc.constantFrom(...SEGMENTS), { maxLength: 3 });

/** A rule path pattern: a variable, a literal root or a star, then segments with stars sprinkled in. */
const pathPattern = fc.tuple(
  fc.oneof(fc.constantFrom(...VAR_PREFIXES), fc.constantFrom(...ROOTS), fc.constant('*'), fc.constant('')),
  segs, fc.oneof(fc.constant('*'), fc.constant('\\*'), fc.constantFrom(...NAMES), fc.constant('*.exe'), fc.constant(':*'), fc.constant('')),
).map(([head, mid, tail]) => [head, ...mid].join('\\') + (tail.startsWith(':') || tail.startsWith('*') ? tail : '\\' + tail));

const pathCondition = pathPattern.map((path): RuleCondition => ({ kind: 'FilePathCondition', path }));
const version = fc.oneof(fc.constant('*'), fc.constantFrom(...VERSIONS), fc.constant('bad'));
const publisherCondition = fc.record({
  publisherName: fc.oneof(fc.constant('*'), fc.constantFrom(...PUBLISHERS), fc.constant('o=a, c=us')),
  productName: fc.oneof(fc.constant('*'), fc.constantFrom(...PRODUCTS)),
  binaryName: fc.oneof(fc.constant('*'), fc.constant('?'), fc.constantFrom(...BINARIES), fc.constant('A*'), fc.constant('*.DLL')),
  low: version, high: version, hasRange: fc.boolean(),
}).map((r): RuleCondition => ({
  kind: 'FilePublisherCondition', publisherName: r.publisherName, productName: r.productName, binaryName: r.binaryName,
  ...(r.hasRange ? { binaryVersionRange: { lowSection: r.low, highSection: r.high } } : {}),
}));
const hashCondition = fc.array(fc.record({ type: fc.constantFrom(...HASH_TYPES), data: fc.constantFrom(...HASHES), lower: fc.boolean() }), { minLength: 1, maxLength: 3 })
  .map((hs): RuleCondition => ({ kind: 'FileHashCondition', fileHashes: hs.map((h) => ({ type: h.type, data: '0x' + (h.lower ? h.data.toLowerCase() : h.data) })) }));
const anyCondition = fc.oneof(pathCondition, publisherCondition, hashCondition);

let ruleSeq = 0;
const rule = fc.record({
  kind: fc.constantFrom('FilePathRule', 'FilePublisherRule', 'FileHashRule'),
  path: pathCondition, pub: publisherCondition, hash: hashCondition,
  sid: fc.constantFrom(...SIDS), deny: fc.boolean(), exceptions: fc.array(anyCondition, { maxLength: 2 }),
}).map((r): Rule => {
  const base = { id: `00000000-0000-0000-0000-${(ruleSeq++).toString(16).padStart(12, '0')}`, name: `r${ruleSeq}`, description: '', userOrGroupSid: r.sid, action: r.deny ? 'Deny' as const : 'Allow' as const };
  if (r.kind === 'FileHashRule') return { ...base, kind: 'FileHashRule', condition: r.hash as Extract<RuleCondition, { kind: 'FileHashCondition' }> };
  if (r.kind === 'FilePathRule') return { ...base, kind: 'FilePathRule', condition: r.path as Extract<RuleCondition, { kind: 'FilePathCondition' }>, exceptions: r.exceptions };
  return { ...base, kind: 'FilePublisherRule', condition: r.pub as Extract<RuleCondition, { kind: 'FilePublisherCondition' }>, exceptions: r.exceptions };
});

const mode = fc.constantFrom<EnforcementMode | undefined>('Enabled', 'AuditOnly', 'NotConfigured', undefined);
const collection = fc.record({ type: fc.constantFrom(...COLLECTIONS), mode, rules: fc.array(rule, { maxLength: 12 }) })
  .map((c): RuleCollection => ({ type: c.type, ...(c.mode ? { enforcementMode: c.mode } : {}), rules: c.rules }));
const policy = fc.array(collection, { maxLength: 5 }).map((cs): AppLockerPolicy => {
  const seen = new Set<string>();
  return { version: '1', ruleCollections: cs.filter((c) => !seen.has(c.type) && !!seen.add(c.type)) };
});

const file = fc.record({
  root: fc.constantFrom(...ROOTS), mid: segs, name: fc.constantFrom(...NAMES),
  signed: fc.boolean(), pub: fc.constantFrom(...PUBLISHERS, 'O=C, C=US'), product: fc.constantFrom(...PRODUCTS), binary: fc.constantFrom(...BINARIES, 'AB.EXE'),
  version: fc.option(fc.constantFrom(...VERSIONS, '2.5.0.01'), { nil: undefined }),
  hashes: fc.dictionary(fc.constantFrom(...HASH_TYPES), fc.constantFrom(...HASHES, HASHES[0]!.toLowerCase(), '')),
  override: fc.option(fc.constantFrom(...COLLECTIONS), { nil: undefined }), packaged: fc.boolean(),
  unc: fc.option(fc.constantFrom('\\\\FS01\\APPS\\x\\a.exe', '\\\\contoso\\netlogon\\c.ps1'), { nil: undefined }),
}).map((f): FileInformation => ({
  path: [f.root, ...f.mid, f.name].join('\\'),
  ...(f.unc ? { uncPath: f.unc } : {}),
  ...(f.signed ? { publisher: { publisherName: f.pub, productName: f.product, binaryName: f.binary, ...(f.version ? { binaryVersion: f.version } : {}) } } : {}),
  hashes: f.hashes,
  ...(f.override ? { collection: f.override } : {}),
  ...(f.packaged ? { isPackagedApp: true } : {}),
}));

const principal = fc.record({
  sids: fc.subarray(SIDS), denyOnly: fc.option(fc.subarray(SIDS), { nil: undefined }), elevated: fc.option(fc.subarray(SIDS), { nil: undefined }),
}).map((p) => principalOf(p.sids, { ...(p.denyOnly ? { denyOnly: p.denyOnly } : {}), ...(p.elevated ? { elevated: p.elevated } : {}) }));

describe('fast engine equals the reference', () => {
  it('on random policies, files and principals, through the indexed path', () => {
    let indexed = 0;
    fc.assert(
      fc.property(policy, fc.array(fc.tuple(file, principal), { minLength: 1, maxLength: 8 }), (pol, inputs) => {
        const compiled = compilePolicy(pol, ENV);
        for (const [f, p] of inputs) {
          const trace: DecideTrace = {};
          const before = compiled.stats.indexedDecisions;
          const fast = decide(compiled, f, p, trace);
          const ref = evaluateReference(pol, f, p, ENV);
          expect(fast).toStrictEqual(ref);
          if (trace.path !== 'indexed') continue;
          indexed++;
          expect(compiled.stats.indexedDecisions).toBe(before + 1);
          // The indexes return exactly the rules whose condition matches (§3.2), nothing scanned past.
          const coll = pol.ruleCollections.find((c) => c.type === fast.collection)!;
          const forms = candidatePathForms(f, ENV);
          const matching = coll.rules.map((r, i) => (conditionMatches(r.condition, f, forms) ? i : -1)).filter((i) => i >= 0);
          expect([...new Set(trace.candidates)].sort((a, b) => a - b)).toEqual(matching);
        }
      }),
      { numRuns: 1500, seed: 20261125 },
    );
    // A generator that never reaches the indexes tests nothing.
    expect(indexed).toBeGreaterThan(1000);
  });
});

describe('fast engine with its decision cache and prepare memo equals the reference', () => {
  it('on repeated, copied and colliding inputs, through the cache', () => {
    let hits = 0;
    let memoHits = 0;
    let sharedPrincipal = 0;
    fc.assert(
      fc.property(policy, fc.array(fc.tuple(file, principal), { minLength: 1, maxLength: 8 }), fc.integer({ min: 0, max: 3 }), (pol, inputs, sizeLog) => {
        // 0 disables the cache; 2 and 8 entries (and a 4-entry memo) make slots collide and evict; 1024 holds all.
        const size = [0, 2, 8, 1024][sizeLog]!;
        const compiled = compilePolicy(pol, ENV, { decisionCacheSize: size, preparedMemoSize: size === 2 ? 4 : 64 });
        // Every file with every principal, so one file id meets several SID-set ids (and vice versa).
        const files = inputs.map(([f]) => f);
        const principals = inputs.map(([, p]) => p);
        const refs = files.map((f) => principals.map((p) => evaluateReference(pol, f, p, ENV)));
        for (let round = 0; round < 3; round++) {
          files.forEach((f, i) => principals.forEach((p, j) => {
            // Fresh objects of equal content: the memo keys on content, the SID-set id on applicability.
            const fi: FileInformation = round === 0 ? f : structuredClone(f);
            const pr = round === 2 ? principalOf(p.sids, { ...(p.denyOnlySids ? { denyOnly: p.denyOnlySids } : {}), ...(p.elevatedSids ? { elevated: p.elevatedSids } : {}) }) : p;
            const before = compiled.stats.cacheHits;
            const d = decide(compiled, fi, pr);
            expect(d).toStrictEqual(refs[i]![j]);
            if (compiled.stats.cacheHits > before && round === 2) sharedPrincipal++;
          }));
        }
        if (size === 0) expect(compiled.stats.cacheHits + compiled.stats.cacheMisses).toBe(0);
        hits += compiled.stats.cacheHits;
        memoHits += compiled.stats.preparedMemoHits;
      }),
      { numRuns: 600, seed: 20261126 },
    );
    // The cache and the memo were really used, including hits for a principal object never seen before.
    expect(hits).toBeGreaterThan(1000);
    expect(memoHits).toBeGreaterThan(1000);
    expect(sharedPrincipal).toBeGreaterThan(100);
  });
});
