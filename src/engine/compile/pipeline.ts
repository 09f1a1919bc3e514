/**
 * The compile pipeline: an AppLockerPolicy → CompiledPolicy, once, as named stages in this order
 * (applocker.md §3–§5; design README convention 6):
 *   1. sid-table        — intern every UserOrGroupSid (§3.4)              sid-table.ts
 *   2. rules            — per rule: deny flag, SID index, exceptions (§3.2) compiled-rule.ts
 *   3. path-variables   — rule paths expanded to concrete patterns (§4.1)  path-variables.ts
 *   4. hash-index       — digests → rules (§5.3)                           hash-index.ts
 *   5. publisher-index  — publisher name → rules (§5.2)                    publisher-index.ts
 *   6. path-matchers    — exact / directory / generic path indexes (§4.2)  path-matchers.ts
 * Stage 3 runs inside 2 and 6 (each path pattern is expanded where it is compiled); it is listed so the
 * order reads like the spec. decide.ts then answers each file with a few Map lookups, and remembers the
 * answer per (prepared file, principal SID-set) in a bounded exact cache (decision-cache.ts); raw
 * FileInformation is prepared through a bounded content-keyed memo (prepared-file.ts).
 */
import type { Diagnostic } from '../../diag/index.js';
import {
  RULE_COLLECTION_TYPES, enforcementModeOf,
  type AppLockerPolicy, type EnforcementMode, type RuleCollectionType,
} from '../../policy/model.js';
import { DEFAULT_ENVIRONMENT, type Environment } from '../environment.js';
import { compileRules, type CompiledRule } from './compiled-rule.js';
import { DecisionCache, DEFAULT_DECISION_CACHE_SIZE } from './decision-cache.js';
import { DEFAULT_PREPARED_MEMO_SIZE, PreparedFileMemo } from './prepared-file.js';
import { buildHashIndex, type HashIndex } from './hash-index.js';
import { buildPathMatchers, type PathMatchers } from './path-matchers.js';
import { pathPatternDiagnostics } from './path-variables.js';
import { buildPublisherIndex, type PublisherIndex } from './publisher-index.js';
import { SidTable } from './sid-table.js';

export interface CompiledCollection {
  readonly type: RuleCollectionType;
  readonly mode: EnforcementMode;
  readonly rules: readonly CompiledRule[];
  readonly hashIndex: HashIndex;
  readonly publisherIndex: PublisherIndex;
  readonly pathMatchers: PathMatchers;
}

/** Counters the fast engine keeps, so tests can prove the indexed path decided (design README conv. 7). */
export interface EngineStats {
  decisions: number;
  /** Decisions made through the indexes (every decision of a non-empty collection). */
  indexedDecisions: number;
  /** Candidate rules the indexes produced (each then checked for SID and exceptions). */
  candidates: number;
  /** Generic path patterns tested without an index. */
  genericScans: number;
  /** Files prepared on the fly (a FileInformation was passed instead of a PreparedFile; memo misses only). */
  preparedOnTheFly: number;
  /** FileInformation inputs answered from the prepared-file memo (no preparation). */
  preparedMemoHits: number;
  /** Decisions answered from the decision cache (no index probe). */
  cacheHits: number;
  /** Decisions computed with the cache enabled and then stored in it. */
  cacheMisses: number;
}

/** Sizes of the per-policy runtime caches (entries; 0 disables the decision cache). */
export interface CompileOptions {
  readonly decisionCacheSize?: number;
  readonly preparedMemoSize?: number;
}

export interface CompiledPolicy {
  readonly kind: 'CompiledPolicy';
  readonly policy: AppLockerPolicy;
  readonly env: Environment;
  readonly collections: ReadonlyMap<RuleCollectionType, CompiledCollection>;
  /** Exe has rules and enforces them: packaged apps need Appx rules (§3.2 (1)). */
  readonly exeEnforcedWithRules: boolean;
  readonly sidTable: SidTable;
  readonly diagnostics: readonly Diagnostic[];
  readonly stats: EngineStats;
  /** Scratch list reused by decide (single-threaded; never escapes a call). */
  readonly scratch: CompiledRule[];
  /** Exact decisions per (prepared file id, principal SID-set id); bounded (decision-cache.ts). */
  readonly decisionCache: DecisionCache;
  /** Raw FileInformation → PreparedFile under `env`, by content; bounded. */
  readonly preparedMemo: PreparedFileMemo;
}

/** The stage names in order, for tests and `--explain-compile` style output. */
export const COMPILE_STAGES = ['sid-table', 'rules', 'path-variables', 'hash-index', 'publisher-index', 'path-matchers'] as const;

export function newStats(): EngineStats {
  return { decisions: 0, indexedDecisions: 0, candidates: 0, genericScans: 0, preparedOnTheFly: 0, preparedMemoHits: 0, cacheHits: 0, cacheMisses: 0 };
}

/**
 * Compiles a policy for the fast engine. Problems that make a rule unmatchable are returned as
 * diagnostics on the result; compilation itself never fails.
 * @example const compiled = compilePolicy(policy); decide(compiled, file, standardUser())
 */
export function compilePolicy(policy: AppLockerPolicy, env: Environment = DEFAULT_ENVIRONMENT, options: CompileOptions = {}): CompiledPolicy {
  const diags: Diagnostic[] = [];
  const sidTable = new SidTable();
  const collections = new Map<RuleCollectionType, CompiledCollection>();
  for (const coll of policy.ruleCollections) {
    // The first collection of a type wins (Type is unique by the XSD; a duplicate is a parser diagnostic).
    if (collections.has(coll.type)) continue;
    const where = `${coll.type} collection`;
    for (const r of coll.rules) {
      if (r.kind === 'FilePathRule') diags.push(...pathPatternDiagnostics(r.condition.path, `${where} rule \`${r.name}\``));
    }
    const rules = compileRules(coll.rules, env, sidTable, where, diags);
    collections.set(coll.type, {
      type: coll.type,
      mode: enforcementModeOf(coll),
      rules,
      hashIndex: buildHashIndex(coll.rules, rules),
      publisherIndex: buildPublisherIndex(coll.rules, rules, where, diags),
      pathMatchers: buildPathMatchers(coll.rules, rules, env),
    });
  }
  const exe = collections.get('Exe');
  return {
    kind: 'CompiledPolicy', policy, env, collections,
    exeEnforcedWithRules: !!exe && exe.rules.length > 0 && exe.mode !== 'AuditOnly',
    sidTable, diagnostics: diags, stats: newStats(), scratch: [],
    decisionCache: new DecisionCache(options.decisionCacheSize ?? DEFAULT_DECISION_CACHE_SIZE),
    preparedMemo: new PreparedFileMemo(env, options.preparedMemoSize ?? DEFAULT_PREPARED_MEMO_SIZE),
  };
}

/** The collection types a compiled policy has rules for. */
export function collectionsWithRules(c: CompiledPolicy): RuleCollectionType[] {
  return RULE_COLLECTION_TYPES.filter((t) => (c.collections.get(t)?.rules.length ?? 0) > 0);
}
