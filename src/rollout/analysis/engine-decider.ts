/**
 * The engine (src/engine: compilePolicy + decide, applocker.md §3–§5) behind the EvidenceDecider port:
 * turns what an event says about a file (variable-form FilePath, SHA-256 FileHash, FQBN; §9.3) into the
 * FileInformation the engine decides on. Variable-form paths are expanded with the engine's default
 * environment (C:\Windows, C:\Program Files…, §4.1), which is how the logged form was made (§4.3). This is
 * the one decider of readiness replay, suggestion coverage and the simulator (issue 10 item 8).
 */
import { compilePolicy, decide, DEFAULT_ENVIRONMENT, isAllowedVerdict, principalOf, type Environment, type Principal } from '../../engine/index.js';
import type { FileInformation } from '../../policy/file-information.js';
import { parseFqbn } from '../../policy/fqbn.js';
import type { RuleMatcher } from '../../policy/lint/index.js';
import type { AppLockerPolicy, Rule, RuleCollectionType } from '../../policy/model.js';
import type { EvidenceDecider, EvidenceFacts } from './replay.js';

/** `%OSDRIVE%\USERS\X` → `C:\USERS\X` under `env` (the first root of each variable). */
export function expandLoggedPath(filePath: string, env: Environment = DEFAULT_ENVIRONMENT): string {
  const m = /^%([A-Z0-9]+)%/i.exec(filePath);
  if (!m) return filePath;
  const v = m[1]!.toUpperCase();
  const root = v === 'SYSTEM32' ? env.system32Dirs[0] : v === 'WINDIR' ? env.windir : v === 'PROGRAMFILES' ? env.programFilesDirs[0]
    : v === 'OSDRIVE' ? env.osDrive : v === 'REMOVABLE' ? env.removableRoots[0] : v === 'HOT' ? env.hotRoots[0] : undefined;
  return root === undefined ? filePath : root + filePath.slice(m[0].length);
}

export function factsToFileInformation(f: EvidenceFacts, env: Environment = DEFAULT_ENVIRONMENT): FileInformation {
  const publisher = parseFqbn(f.fqbnText);
  return {
    path: expandLoggedPath(f.filePath, env),
    ...(publisher ? { publisher } : {}),
    hashes: f.fileHash ? { SHA256: f.fileHash } : {},
    collection: f.collection,
  };
}

/**
 * An EvidenceDecider backed by the compiled engine (compiled once per policy).
 * @example const d = engineDecider(policy); d(facts, principalFor(userSid, false)).wouldBlock
 */
export function engineDecider(policy: AppLockerPolicy, env: Environment = DEFAULT_ENVIRONMENT): EvidenceDecider {
  const compiled = compilePolicy(policy, env);
  const tokens = new WeakMap<ReadonlySet<string>, Principal>();
  return (facts, who) => {
    let p: Principal;
    if (who instanceof Set) {
      const set = who as ReadonlySet<string>;
      p = tokens.get(set) ?? principalOf(set);
      tokens.set(set, p);
    } else p = who as Principal;
    const d = decide(compiled, factsToFileInformation(facts, env), p);
    return {
      verdict: d.verdict,
      ...(d.rule ? { ruleId: d.rule.id, ruleName: d.rule.name } : {}),
      collection: d.collection ?? facts.collection,
      mode: d.mode,
      wouldBlock: !isAllowedVerdict(d.verdict),
      incompleteFacts: !facts.fileHash || !parseFqbn(facts.fqbnText),
    };
  };
}

const EVERYONE = new Set(['S-1-1-0']);
const ruleDeciders = new WeakMap<Rule, Map<RuleCollectionType, EvidenceDecider>>();

/**
 * Lint's RuleMatcher (policy/lint/types.ts) answered by the engine: the rule alone, as an allow for Everyone in an
 * enforced collection, decides the probe file; Allowed means its condition covers the file and no exception of
 * it does. Lint thereby has no matcher of its own (issue 10 item 8, "one evaluator"). Compiled once per rule.
 * @example lintPolicy(policy, { matches: engineRuleMatcher })
 */
export const engineRuleMatcher: RuleMatcher = (rule, collection, probe) => {
  let byCollection = ruleDeciders.get(rule);
  if (!byCollection) {
    byCollection = new Map();
    ruleDeciders.set(rule, byCollection);
  }
  let d = byCollection.get(collection);
  if (!d) {
    const asAllow = { ...rule, action: 'Allow', userOrGroupSid: 'S-1-1-0' } as Rule;
    d = engineDecider({ version: '1', ruleCollections: [{ type: collection, enforcementMode: 'Enabled', rules: [asAllow] }] });
    byCollection.set(collection, d);
  }
  const p = probe.publisher;
  // a probe without a version is taken at 0.0.0.0: only rules with no lower version bound cover it
  const fqbnText = p ? `${p.publisherName}\\${p.productName}\\${p.binaryName}\\${p.version ?? '0.0.0.0'}` : undefined;
  return d({ collection, filePath: probe.path, ...(fqbnText ? { fqbnText } : {}) }, EVERYONE).verdict === 'Allowed';
};
