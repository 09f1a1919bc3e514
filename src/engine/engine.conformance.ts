/**
 * The engine case corpus runner (design README convention 7): every YAML case under
 * testdata/cases/<topic>/*.yaml run through any evaluator by one suite, `runEngineCases(name,
 * makeEngine)`. engine.conformance.test.ts runs it for reference.ts and for decide.ts; the CLI test
 * runs a sample through `lockstep test`.
 *
 * Case file shape (data, not code):
 *   topic: …                      # what behaviour the file covers
 *   source: applocker.md §…        # where the expectations come from
 *   policy: |                      # AppLocker XML text (or policyFile: a file under cases/_policies)
 *   env: { removableRoots: [D:] }  # optional Environment overrides (§4.1)
 *   principal: standardUser        # default principal for the cases (see PRINCIPALS)
 *   cases:
 *     - name: …
 *       file: { path, publisher: 'PUB\PROD\BIN,VER', hash: 'SHA256 0x…', hashes: {SHA1: …}, uncPath, collection, packaged }
 *       principal: admin           # optional override; or { sids: [...], denyOnly: [...], elevated: [...] }
 *       policy / policyFile        # optional override
 *       want: { verdict, rule, event, reason, effect, mode, exception }   # rule/exception: rule id; `rule: none`
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { parsePolicy } from '../policy/index.js';
import type { FileInformation } from '../policy/file-information.js';
import type { AppLockerPolicy, FileHashType, RuleCollectionType } from '../policy/model.js';
import type { Decision } from './decision.js';
import { environment, type Environment } from './environment.js';
import { parsePublisherText } from './file-facts.js';
import {
  EXAMPLE_USER_SID, WELL_KNOWN_SIDS, administrator, everyone, principalOf, standardUser, type Principal,
} from './principal.js';

export const casesRoot = join(dirname(fileURLToPath(import.meta.url)), 'testdata', 'cases');

/** A group SID used by cases for "a business group" (Finance). */
export const FINANCE_SID = 'S-1-5-21-1000000000-1000000000-1000000000-5001';

/** Named principals cases may use. */
export const PRINCIPALS: Readonly<Record<string, () => Principal>> = {
  everyone,
  standardUser: () => standardUser(),
  financeUser: () => standardUser(EXAMPLE_USER_SID, [FINANCE_SID]),
  admin: () => administrator(),
  unelevatedAdmin: () => administrator(EXAMPLE_USER_SID, [], { elevated: false }),
  system: () => principalOf([WELL_KNOWN_SIDS.LocalSystem, WELL_KNOWN_SIDS.Everyone, WELL_KNOWN_SIDS.AuthenticatedUsers, WELL_KNOWN_SIDS.Administrators]),
};

export interface CaseWant {
  readonly verdict: Decision['verdict'];
  /** Rule id, or 'none' to require no deciding rule. */
  readonly rule?: string;
  readonly event?: number | 'none';
  readonly reason?: Decision['reason'];
  readonly effect?: Decision['effect'];
  readonly mode?: Decision['mode'];
  readonly collection?: RuleCollectionType | 'none';
  /** Rule id of the suppressed rule, or 'none'. */
  readonly exception?: string;
}

export interface EngineCase {
  /** `topic/file.yaml#name`. */
  readonly id: string;
  readonly policyXml: string;
  readonly env: Environment;
  readonly envOverrides: Partial<Environment>;
  readonly file: FileInformation;
  /** The raw `file:` entry (the CLI sample feeds it back as CSV). */
  readonly fileSpec: FileSpec;
  readonly principal: Principal;
  readonly principalSpec: PrincipalSpec;
  readonly want: CaseWant;
}

export interface FileSpec {
  path: string;
  publisher?: string;
  hash?: string;
  hashes?: Partial<Record<FileHashType, string>>;
  uncPath?: string;
  collection?: RuleCollectionType;
  packaged?: boolean;
}

type PrincipalSpec = string | { sids: string[]; denyOnly?: string[]; elevated?: string[] };

interface CaseFile {
  topic: string;
  source?: string;
  policy?: string;
  policyFile?: string;
  env?: Partial<Environment>;
  principal?: PrincipalSpec;
  cases: Array<{ name: string; file: FileSpec; principal?: PrincipalSpec; policy?: string; policyFile?: string; want: CaseWant }>;
}

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...walk(full));
    else if (name.endsWith('.yaml')) out.push(full);
  }
  return out;
}

/** `SHA256 0x…` (Get-AppLockerFileInformation's Hash text) → hashes. */
export function parseHashText(text: string): Partial<Record<FileHashType, string>> {
  const m = /^\s*(SHA256Flat|SHA256|SHA1)\s+(0x)?([0-9a-f]+)\s*$/i.exec(text);
  if (!m) throw new Error(`bad hash text ${text}`);
  const type = (['SHA256', 'SHA256Flat', 'SHA1'] as const).find((t) => t.toLowerCase() === m[1]!.toLowerCase())!;
  return { [type]: m[3]! };
}

export function fileFromSpec(s: FileSpec): FileInformation {
  const publisher = parsePublisherText(s.publisher);
  return {
    path: s.path,
    ...(s.uncPath ? { uncPath: s.uncPath } : {}),
    ...(publisher ? { publisher } : {}),
    hashes: { ...(s.hash ? parseHashText(s.hash) : {}), ...(s.hashes ?? {}) },
    ...(s.collection ? { collection: s.collection } : {}),
    ...(s.packaged ? { isPackagedApp: true } : {}),
  };
}

export function principalFromSpec(p: PrincipalSpec | undefined): Principal {
  if (p === undefined) return standardUser();
  if (typeof p === 'string') {
    const make = PRINCIPALS[p];
    if (!make) throw new Error(`unknown principal ${p}`);
    return make();
  }
  return principalOf(p.sids, { ...(p.denyOnly ? { denyOnly: p.denyOnly } : {}), ...(p.elevated ? { elevated: p.elevated } : {}) });
}

/** Every case of the corpus, in file order. */
export function loadEngineCases(root = casesRoot): EngineCase[] {
  const out: EngineCase[] = [];
  for (const path of walk(root)) {
    const rel = relative(root, path).replace(/\\/g, '/');
    const doc = parseYaml(readFileSync(path, 'utf8')) as CaseFile;
    const policyText = (inline?: string, file?: string): string | undefined =>
      inline ?? (file !== undefined ? readFileSync(join(root, '_policies', file), 'utf8') : undefined);
    const defaultPolicy = policyText(doc.policy, doc.policyFile);
    const envOverrides = doc.env ?? {};
    for (const c of doc.cases) {
      const xml = policyText(c.policy, c.policyFile) ?? defaultPolicy;
      if (xml === undefined) throw new Error(`${rel}#${c.name}: no policy`);
      const principalSpec = c.principal ?? doc.principal ?? 'standardUser';
      out.push({
        id: `${rel}#${c.name}`, policyXml: xml, env: environment(envOverrides), envOverrides,
        file: fileFromSpec(c.file), fileSpec: c.file,
        principal: principalFromSpec(principalSpec), principalSpec, want: c.want,
      });
    }
  }
  return out;
}

const policyCache = new Map<string, AppLockerPolicy>();

/** Parses a case's policy XML with the policy room's parser (errors fail the case). */
export function casePolicy(xml: string): AppLockerPolicy {
  let p = policyCache.get(xml);
  if (!p) {
    const r = parsePolicy(xml);
    if (!r.ok) throw new Error(`case policy does not parse: ${r.diagnostics.map((d) => d.message).join('; ')}`);
    p = r.value.policy;
    policyCache.set(xml, p);
  }
  return p;
}

/** What a case asserts, as a partial Decision-shaped object (so a failure diff shows the fields). */
export function expectedOf(w: CaseWant): Record<string, unknown> {
  return {
    verdict: w.verdict,
    ...(w.rule !== undefined ? { rule: w.rule === 'none' ? undefined : w.rule.toLowerCase() } : {}),
    ...(w.event !== undefined ? { event: w.event === 'none' ? undefined : w.event } : {}),
    ...(w.reason !== undefined ? { reason: w.reason } : {}),
    ...(w.effect !== undefined ? { effect: w.effect } : {}),
    ...(w.mode !== undefined ? { mode: w.mode } : {}),
    ...(w.collection !== undefined ? { collection: w.collection === 'none' ? undefined : w.collection } : {}),
    ...(w.exception !== undefined ? { exception: w.exception === 'none' ? undefined : w.exception.toLowerCase() } : {}),
  };
}

/** The same fields of an actual decision. */
export function actualOf(d: Decision, w: CaseWant): Record<string, unknown> {
  const all: Record<string, unknown> = {
    verdict: d.verdict, rule: d.rule?.id.toLowerCase(), event: d.eventId, reason: d.reason, effect: d.effect,
    mode: d.mode, collection: d.collection, exception: d.exception?.ruleId.toLowerCase(),
  };
  const keys = Object.keys(expectedOf(w));
  return Object.fromEntries(keys.map((k) => [k, all[k]]));
}

export interface EngineUnderTest {
  decide(file: FileInformation, principal: Principal): Decision;
}
export type MakeEngine = (policy: AppLockerPolicy, env: Environment) => EngineUnderTest;
export interface CaseSkip {
  readonly reason: string;
  readonly cases: readonly string[];
}

/**
 * Runs every case through an evaluator. A case may be skipped only with a reason.
 * Also checks implied consistency every case must have: rule present iff Allowed/Denied.
 */
export function runEngineCases(name: string, makeEngine: MakeEngine, opts: { skip?: readonly CaseSkip[] } = {}): void {
  const cases = loadEngineCases();
  const skipped = new Map<string, string>();
  for (const s of opts.skip ?? []) for (const c of s.cases) skipped.set(c, s.reason);
  describe(`engine cases: ${name}`, () => {
    it('has at least 200 cases', () => {
      expect(cases.length).toBeGreaterThanOrEqual(200);
    });
    const engines = new Map<string, EngineUnderTest>();
    for (const c of cases) {
      const reason = skipped.get(c.id);
      const test = reason ? it.skip : it;
      test(`${c.id}${reason ? ` (skipped: ${reason})` : ''}`, () => {
        const key = JSON.stringify([c.policyXml, c.envOverrides]);
        let engine = engines.get(key);
        if (!engine) engines.set(key, (engine = makeEngine(casePolicy(c.policyXml), c.env)));
        const d = engine.decide(c.file, c.principal);
        expect(actualOf(d, c.want)).toEqual(expectedOf(c.want));
        expect(d.rule !== undefined).toBe(d.verdict === 'Allowed' || d.verdict === 'Denied');
      });
    }
  });
}
