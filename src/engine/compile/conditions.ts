/**
 * Compiles one rule condition into a test over a PreparedFile (applocker.md §4.2, §5.2, §5.3). The
 * indexes use these to confirm candidates (publisher) and every rule uses them for its exceptions, so
 * no condition text is re-read per decision. Invalid bounds or hashes compile to "never matches" and
 * leave a diagnostic, as a broken rule allows nothing.
 */
import type { Diagnostic } from '../../diag/index.js';
import type { FileHashCondition, FileHashType, FilePublisherCondition, RuleCondition } from '../../policy/model.js';
import { HASH_TYPES } from '../decision.js';
import type { Environment } from '../environment.js';
import { compareBinaryVersions, normalizeHashText, parseBinaryVersion } from '../file-facts.js';
import { compileGlob } from './glob.js';
import { expandPathPattern } from './path-variables.js';
import type { PreparedFile, PreparedPublisher } from './prepared-file.js';

export type FileTest = (f: PreparedFile) => boolean;
export type PublisherTest = (p: PreparedPublisher) => boolean;

const never = (): boolean => false;

/** A path condition as a test: its expanded patterns over the forms they may match (see path-variables.ts). */
export function compilePathTest(path: string, env: Environment): FileTest {
  const tests: FileTest[] = expandPathPattern(path, env).map((e) => {
    const g = compileGlob(e.pattern);
    if (e.kind === 'generic') return (f) => f.forms.some(g);
    const guard = e.guard;
    if (e.alsoUnc) return (f) => g(f.path) || (f.unc !== undefined && g(f.unc));
    return guard !== undefined ? (f) => f.path.startsWith(guard) && g(f.path) : (f) => g(f.path);
  });
  if (tests.length === 0) return never;
  if (tests.length === 1) return tests[0]!;
  return (f) => tests.some((t) => t(f));
}

/** BinaryName `*`/`?` alone = any; with `*` a glob; else equality (§5.2). */
function compileBinaryName(rule: string): (v: string) => boolean {
  if (rule === '*' || rule === '?') return () => true;
  const r = rule.toUpperCase();
  return compileGlob(r);
}

/** The publisher fields and version bounds of a condition as a test over a prepared publisher. */
export function compilePublisherTest(c: FilePublisherCondition, where: string, diags: Diagnostic[]): PublisherTest {
  const name = c.publisherName === '*' ? undefined : c.publisherName.toUpperCase();
  const product = c.productName === '*' ? undefined : c.productName.toUpperCase();
  const binary = compileBinaryName(c.binaryName);
  const lowText = c.binaryVersionRange?.lowSection ?? '*';
  const highText = c.binaryVersionRange?.highSection ?? '*';
  const low = lowText === '*' ? undefined : parseBinaryVersion(lowText);
  const high = highText === '*' ? undefined : parseBinaryVersion(highText);
  for (const [text, v, side] of [[lowText, low, 'LowSection'], [highText, high, 'HighSection']] as const) {
    if (text !== '*' && !v) {
      diags.push({
        code: 'engine.compile.invalid-version', severity: 'error',
        message: `${side} \`${text}\` is not a version \`a.b.c.d\` (each part 0–65535), so the rule never matches (${where})`,
      });
      return never;
    }
  }
  const anyVersion = low === undefined && high === undefined;
  return (p) => {
    if (name !== undefined && p.publisherName !== name) return false;
    if (product !== undefined && p.productName !== product) return false;
    if (!binary(p.binaryName)) return false;
    if (anyVersion) return true;
    const v = p.version;
    if (!v) return false;
    if (low && compareBinaryVersions(v, low) < 0) return false;
    if (high && compareBinaryVersions(v, high) > 0) return false;
    return true;
  };
}

/** Hash condition as per-type sets of normalised digests. */
export function compileHashSets(c: FileHashCondition): Map<FileHashType, Set<string>> {
  const sets = new Map<FileHashType, Set<string>>();
  for (const h of c.fileHashes) {
    const d = normalizeHashText(h.data);
    if (d === '') continue;
    let s = sets.get(h.type);
    if (!s) sets.set(h.type, (s = new Set()));
    s.add(d);
  }
  return sets;
}

/** Any condition as a file test (used for exceptions). */
export function compileConditionTest(c: RuleCondition, env: Environment, where: string, diags: Diagnostic[]): FileTest {
  switch (c.kind) {
    case 'FilePathCondition':
      return compilePathTest(c.path, env);
    case 'FilePublisherCondition': {
      const t = compilePublisherTest(c, where, diags);
      return (f) => f.publisher !== undefined && t(f.publisher);
    }
    case 'FileHashCondition': {
      const sets = [...compileHashSets(c)].map(([type, set]) => [HASH_TYPES.indexOf(type), set] as const);
      return (f) => sets.some(([t, set]) => {
        const mine = f.hashList[t];
        return mine !== undefined && set.has(mine);
      });
    }
  }
}
