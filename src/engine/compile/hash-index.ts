/**
 * Compile stage `hash-index` (applocker.md §5.3): every FileHash of every hash rule in a Map keyed by
 * the normalised digest, one Map per hash type, so a file's hashes find their rules in O(1). A rule
 * listing several hashes appears under each of them.
 */
import type { Rule } from '../../policy/model.js';
import { HASH_TYPES } from '../decision.js';
import { compileHashSets } from './conditions.js';
import type { CompiledRule } from './compiled-rule.js';
import { addKey, mayHaveKey, newKeyFilter, stringKey } from './path-key.js';
import type { PreparedFile } from './prepared-file.js';

export interface HashEntry {
  readonly digest: string;
  readonly rule: CompiledRule;
}

type KeyMap = ReadonlyMap<number, readonly HashEntry[]>;

export interface HashIndex {
  /** One Map per hash type, in HASH_TYPES order (SHA256, SHA256Flat, SHA1), keyed by stringKey(digest). */
  readonly byType: readonly [KeyMap, KeyMap, KeyMap];
  readonly filter: Uint32Array;
  readonly size: number;
}

/** Indexes the hash rules of one collection. `compiled[i]` is `rules[i]` compiled. */
export function buildHashIndex(rules: readonly Rule[], compiled: readonly CompiledRule[]): HashIndex {
  const byType: [Map<number, HashEntry[]>, Map<number, HashEntry[]>, Map<number, HashEntry[]>] = [new Map(), new Map(), new Map()];
  const filter = newKeyFilter();
  let size = 0;
  rules.forEach((rule, i) => {
    if (rule.kind !== 'FileHashRule') return;
    for (const [type, digests] of compileHashSets(rule.condition)) {
      const m = byType[HASH_TYPES.indexOf(type)]!;
      for (const digest of digests) {
        const k = stringKey(digest);
        addKey(filter, k);
        let list = m.get(k);
        if (!list) m.set(k, (list = []));
        list.push({ digest, rule: compiled[i]! });
        size++;
      }
    }
  });
  return { byType, filter, size };
}

/** Pushes the hash rules whose condition matches the file. */
export function probeHashIndex(index: HashIndex, f: PreparedFile, out: CompiledRule[]): void {
  if (index.size === 0) return;
  for (let t = 0; t < 3; t++) {
    const mine = f.hashList[t];
    if (mine === undefined) continue;
    const k = f.hashKeys[t]!;
    if (!mayHaveKey(index.filter, k)) continue;
    const list = index.byType[t]!.get(k);
    if (list) for (let i = 0; i < list.length; i++) if (list[i]!.digest === mine) out.push(list[i]!.rule);
  }
}
