/**
 * Compile stage `path-matchers` (applocker.md §4.2): the expanded path patterns of one collection in
 * indexes over the upper-case Win32 (and UNC) path, so a decision tests only patterns that can match:
 *   exact    — patterns without `*`, keyed by the whole path;
 *   byDir    — `HEAD*` patterns and other globs, keyed by HEAD up to its last `\` (a directory prefix of
 *              every path the pattern can match; the file's own directory prefixes are probed);
 *   bySegment — globs and leading-`*` patterns keyed by a literal segment they contain between two
 *              `\` (`…\*\APPDATA\LOCAL\APP1\*` → `APP1`): any matching path has that interior segment.
 *              Among a pattern's possible keys the one fewest patterns share is chosen;
 *   rootless / generic — patterns with no usable key, tested for every file (kept rare);
 *   everything — `*` alone ("any path", §4.2).
 * Every index is only a filter: each hit is confirmed with the pattern's own glob test.
 */
import type { Rule } from '../../policy/model.js';
import type { Environment } from '../environment.js';
import { compileGlob, type GlobTest } from './glob.js';
import { addKey, mayHaveKey, newKeyFilter, stringKey, type PathKeys } from './path-key.js';
import type { CompiledRule } from './compiled-rule.js';
import { expandPathPattern } from './path-variables.js';
import type { PreparedFile } from './prepared-file.js';

export interface PathEntry {
  readonly rule: CompiledRule;
  readonly test: GlobTest;
  readonly guard: string | undefined;
  readonly alsoUnc: boolean;
  /** Tested against every candidate form (leading `*` or unknown `%NAME%`). */
  readonly generic: boolean;
}

/** Index maps are keyed by stringKey() of the path, directory or segment text (path-key.ts). */
export interface PathMatchers {
  readonly exact: ReadonlyMap<number, readonly PathEntry[]>;
  readonly byDir: ReadonlyMap<number, readonly PathEntry[]>;
  readonly bySegment: ReadonlyMap<number, readonly PathEntry[]>;
  /** Concrete globs without a `\` in their head or any interior segment (e.g. `C:*.EXE`). */
  readonly rootless: readonly PathEntry[];
  /** Generic patterns without an interior segment (e.g. `*.*`). */
  readonly generic: readonly PathEntry[];
  readonly everything: readonly CompiledRule[];
  /** Every key of exact, byDir and bySegment (path-key.ts filter). */
  readonly filter: Uint32Array;
  readonly size: number;
}

/** Interior segments a pattern's literal pieces pin down: tokens with `\` on both sides and no `*`. */
function boundedSegments(pattern: string): string[] {
  const out: string[] = [];
  for (const piece of pattern.split('*')) {
    const toks = piece.split('\\');
    for (let i = 1; i < toks.length - 1; i++) if (toks[i] !== '') out.push(toks[i]!);
  }
  return out;
}

type Key = { readonly kind: 'dir' | 'seg'; readonly value: string };

export function buildPathMatchers(rules: readonly Rule[], compiled: readonly CompiledRule[], env: Environment): PathMatchers {
  const exact = new Map<number, PathEntry[]>();
  const byDir = new Map<number, PathEntry[]>();
  const bySegment = new Map<number, PathEntry[]>();
  const rootless: PathEntry[] = [];
  const generic: PathEntry[] = [];
  const everything: CompiledRule[] = [];
  const filter = newKeyFilter();
  const add = (m: Map<number, PathEntry[]>, text: string, e: PathEntry): void => {
    const k = stringKey(text);
    addKey(filter, k);
    let list = m.get(k);
    if (!list) m.set(k, (list = []));
    list.push(e);
  };
  // Pass 1: every pattern with the keys it could be filed under.
  const pending: Array<{ entry: PathEntry; keys: Key[] }> = [];
  const freq = new Map<string, number>();
  let size = 0;
  rules.forEach((rule, i) => {
    if (rule.kind !== 'FilePathRule') return;
    const cr = compiled[i]!;
    for (const x of expandPathPattern(rule.condition.path, env)) {
      size++;
      if (x.kind === 'generic' && /^\*+$/.test(x.pattern)) {
        everything.push(cr);
        continue;
      }
      const entry: PathEntry = x.kind === 'generic'
        ? { rule: cr, test: compileGlob(x.pattern), guard: undefined, alsoUnc: true, generic: true }
        : { rule: cr, test: compileGlob(x.pattern), guard: x.guard, alsoUnc: x.alsoUnc, generic: false };
      const star = x.pattern.indexOf('*');
      if (x.kind === 'concrete' && star < 0) {
        add(exact, x.pattern, entry);
        continue;
      }
      const keys: Key[] = boundedSegments(x.pattern).map((value) => ({ kind: 'seg', value }));
      if (x.kind === 'concrete') {
        const head = x.pattern.slice(0, star);
        const slash = head.lastIndexOf('\\');
        if (slash >= 0) keys.unshift({ kind: 'dir', value: head.slice(0, slash + 1) });
      }
      for (const k of keys) freq.set(k.kind + k.value, (freq.get(k.kind + k.value) ?? 0) + 1);
      pending.push({ entry, keys });
    }
  });
  // Pass 2: file each pattern under its least shared key (ties: the first, i.e. the directory head).
  for (const { entry, keys } of pending) {
    let best: Key | undefined;
    let bestN = Infinity;
    for (const k of keys) {
      const n = freq.get(k.kind + k.value)!;
      if (n < bestN) {
        best = k;
        bestN = n;
      }
    }
    if (!best) (entry.generic ? generic : rootless).push(entry);
    else add(best.kind === 'dir' ? byDir : bySegment, best.value, entry);
  }
  return { exact, byDir, bySegment, rootless, generic, everything, filter, size };
}

/** Whether a concrete entry matches the Win32 path or (when allowed) the UNC form. */
function concreteHit(e: PathEntry, f: PreparedFile): boolean {
  if ((e.guard === undefined || f.path.startsWith(e.guard)) && e.test(f.path)) return true;
  return e.alsoUnc && f.unc !== undefined && e.test(f.unc);
}

function entryHit(e: PathEntry, f: PreparedFile): boolean {
  return e.generic ? f.forms.some(e.test) : concreteHit(e, f);
}

function probeKeys(m: PathMatchers, s: string, keys: PathKeys, unc: boolean, out: CompiledRule[]): void {
  const filter = m.filter;
  const ex = mayHaveKey(filter, keys.whole) ? m.exact.get(keys.whole) : undefined;
  if (ex) for (const e of ex) if ((!unc || e.alsoUnc) && (e.guard === undefined || unc || s.startsWith(e.guard)) && e.test(s)) out.push(e.rule);
  const dirKeys = keys.dirKeys;
  for (let i = 0; i < dirKeys.length; i++) {
    const k = dirKeys[i]!;
    if (!mayHaveKey(filter, k)) continue;
    const list = m.byDir.get(k);
    if (list) for (const e of list) if ((!unc || e.alsoUnc) && (e.guard === undefined || unc || s.startsWith(e.guard)) && e.test(s)) out.push(e.rule);
  }
}

/** Pushes the path rules whose condition matches the file; returns how many patterns were tested without an index. */
export function probePathMatchers(m: PathMatchers, f: PreparedFile, out: CompiledRule[]): number {
  if (m.size === 0) return 0;
  for (const r of m.everything) out.push(r);
  probeKeys(m, f.path, f.keys, false, out);
  if (f.unc !== undefined && f.uncKeys !== undefined) probeKeys(m, f.unc, f.uncKeys, true, out);
  if (m.bySegment.size > 0) {
    const segs = f.segmentKeys;
    for (let i = 0; i < segs.length; i++) {
      const k = segs[i]!;
      if (!mayHaveKey(m.filter, k)) continue;
      const list = m.bySegment.get(k);
      if (list) for (const e of list) if (entryHit(e, f)) out.push(e.rule);
    }
  }
  for (const e of m.rootless) if (concreteHit(e, f)) out.push(e.rule);
  for (const e of m.generic) if (f.forms.some(e.test)) out.push(e.rule);
  return m.rootless.length + m.generic.length;
}
