/**
 * Compile stage `publisher-index` (applocker.md §5.2): publisher rules grouped by upper-case
 * PublisherName, with the `*` (any signed file) rules apart. A signed file looks up its own publisher
 * and the `*` group, then each candidate's product, binary and version test confirms the match.
 */
import type { Diagnostic } from '../../diag/index.js';
import type { Rule } from '../../policy/model.js';
import { compilePublisherTest, type PublisherTest } from './conditions.js';
import type { CompiledRule } from './compiled-rule.js';
import type { PreparedFile } from './prepared-file.js';

export interface PublisherEntry {
  readonly rule: CompiledRule;
  readonly test: PublisherTest;
}

export interface PublisherIndex {
  readonly byName: ReadonlyMap<string, readonly PublisherEntry[]>;
  readonly anyPublisher: readonly PublisherEntry[];
  readonly size: number;
}

export function buildPublisherIndex(rules: readonly Rule[], compiled: readonly CompiledRule[], where: string, diags: Diagnostic[]): PublisherIndex {
  const byName = new Map<string, PublisherEntry[]>();
  const anyPublisher: PublisherEntry[] = [];
  let size = 0;
  rules.forEach((rule, i) => {
    if (rule.kind !== 'FilePublisherRule') return;
    const entry = { rule: compiled[i]!, test: compilePublisherTest(rule.condition, `${where} rule \`${rule.name}\``, diags) };
    size++;
    if (rule.condition.publisherName === '*') {
      anyPublisher.push(entry);
      return;
    }
    const key = rule.condition.publisherName.toUpperCase();
    let list = byName.get(key);
    if (!list) byName.set(key, (list = []));
    list.push(entry);
  });
  return { byName, anyPublisher, size };
}

/** Pushes the publisher rules whose condition matches the file (unsigned files match none, §5.2). */
export function probePublisherIndex(index: PublisherIndex, f: PreparedFile, out: CompiledRule[]): void {
  const p = f.publisher;
  if (!p || index.size === 0) return;
  const named = index.byName.get(p.publisherName);
  if (named) for (const e of named) if (e.test(p)) out.push(e.rule);
  for (const e of index.anyPublisher) if (e.test(p)) out.push(e.rule);
}
