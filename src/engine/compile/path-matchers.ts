/**
 * Compile stage `path-matchers` (applocker.md §4.2): the expanded path patterns of one collection in
 * three indexes over the upper-case Win32 (and UNC) path:
 *   exact  — patterns without `*`, keyed by the whole path;
 *   byDir  — patterns with a literal head, keyed by the head up to its last `\` (a directory prefix of
 *            every path the pattern can match, so probing the file's own directory prefixes finds it);
 *   generic — patterns that may match any candidate form (leading `*`, unknown `%NAME%`), tested
 *            one by one; `*` alone ("any path", §4.2) is kept as a flag-free list that always matches.
 */
import type { Rule } from '../../policy/model.js';
import type { Environment } from '../environment.js';
import { compileGlob, type GlobTest } from './glob.js';
import type { CompiledRule } from './compiled-rule.js';
import { expandPathPattern } from './path-variables.js';
import type { PreparedFile } from './prepared-file.js';

export interface PathEntry {
  readonly rule: CompiledRule;
  readonly test: GlobTest;
  readonly guard?: string;
  readonly alsoUnc: boolean;
}

export interface PathMatchers {
  readonly exact: ReadonlyMap<string, readonly PathEntry[]>;
  readonly byDir: ReadonlyMap<string, readonly PathEntry[]>;
  /** Literal head without any `\` (e.g. `C:*`): probed for every path. */
  readonly rootless: readonly PathEntry[];
  readonly generic: readonly PathEntry[];
  /** Rules whose pattern is `*`: match every file. */
  readonly everything: readonly CompiledRule[];
  readonly size: number;
}

export function buildPathMatchers(rules: readonly Rule[], compiled: readonly CompiledRule[], env: Environment): PathMatchers {
  const exact = new Map<string, PathEntry[]>();
  const byDir = new Map<string, PathEntry[]>();
  const rootless: PathEntry[] = [];
  const generic: PathEntry[] = [];
  const everything: CompiledRule[] = [];
  const add = (m: Map<string, PathEntry[]>, k: string, e: PathEntry): void => {
    let list = m.get(k);
    if (!list) m.set(k, (list = []));
    list.push(e);
  };
  let size = 0;
  rules.forEach((rule, i) => {
    if (rule.kind !== 'FilePathRule') return;
    const cr = compiled[i]!;
    for (const x of expandPathPattern(rule.condition.path, env)) {
      size++;
      if (x.kind === 'generic') {
        if (/^\*+$/.test(x.pattern)) everything.push(cr);
        else generic.push({ rule: cr, test: compileGlob(x.pattern), alsoUnc: true });
        continue;
      }
      const e: PathEntry = { rule: cr, test: compileGlob(x.pattern), alsoUnc: x.alsoUnc, ...(x.guard !== undefined ? { guard: x.guard } : {}) };
      const star = x.pattern.indexOf('*');
      if (star < 0) {
        add(exact, x.pattern, e);
        continue;
      }
      const head = x.pattern.slice(0, star);
      const slash = head.lastIndexOf('\\');
      if (slash < 0) rootless.push(e);
      else add(byDir, head.slice(0, slash + 1), e);
    }
  });
  return { exact, byDir, rootless, generic, everything, size };
}

function hit(e: PathEntry, s: string): boolean {
  return (e.guard === undefined || s.startsWith(e.guard)) && e.test(s);
}

function probeOne(m: PathMatchers, s: string, dirs: readonly string[], unc: boolean, out: CompiledRule[]): void {
  const ex = m.exact.get(s);
  if (ex) for (const e of ex) if ((!unc || e.alsoUnc) && hit(e, s)) out.push(e.rule);
  for (let i = 0; i < dirs.length; i++) {
    const list = m.byDir.get(dirs[i]!);
    if (list) for (const e of list) if ((!unc || e.alsoUnc) && hit(e, s)) out.push(e.rule);
  }
  for (const e of m.rootless) if ((!unc || e.alsoUnc) && hit(e, s)) out.push(e.rule);
}

/** Pushes the path rules whose condition matches the file; returns how many generic patterns were scanned. */
export function probePathMatchers(m: PathMatchers, f: PreparedFile, out: CompiledRule[]): number {
  if (m.size === 0) return 0;
  for (const r of m.everything) out.push(r);
  probeOne(m, f.path, f.dirs, false, out);
  if (f.unc !== undefined) probeOne(m, f.unc, f.uncDirs, true, out);
  for (const e of m.generic) if (f.forms.some(e.test)) out.push(e.rule);
  return m.generic.length;
}
