/**
 * The reference evaluator: AppLocker's decision written straight from applocker.md §3–§5 (algorithm
 * §3.2, modes §3.3, principals §3.4, path matching §4.2, publisher §5.2, hash §5.3), obviously correct
 * and deliberately slow: no caching, no indexes, every rule of the collection looked at in document
 * order. It is the oracle for decide.ts (engine.conformance.ts, engine.property.test.ts) and the
 * baseline of decide.bench.ts. Production callers use compilePolicy + decide.
 */
import type { FileInformation } from '../policy/file-information.js';
import {
  enforcementModeOf, findCollection, ruleExceptions,
  type AppLockerPolicy, type FileHashCondition, type FilePathCondition, type FilePublisherCondition, type Rule, type RuleCondition,
} from '../policy/model.js';
import {
  EVENT_NO_PACKAGED_APP_RULES, describeCondition, effectOf, eventIdFor,
  type Decision, type DecidingRule, type SuppressingException,
} from './decision.js';
import { DEFAULT_ENVIRONMENT, mappedUncPath, normalizeFilePath, variableRoots, type Environment } from './environment.js';
import { collectionOf, compareBinaryVersions, normalizeHashText, packagedAppActivity, parseBinaryVersion } from './file-facts.js';
import { allowAppliesTo, denyAppliesTo, type Principal } from './principal.js';

/**
 * Decides one file for one principal under a policy, the slow and plain way.
 * @example evaluateReference(policy, { path: 'C:\\Windows\\System32\\calc.exe', hashes: {} }, standardUser())
 */
export function evaluateReference(policy: AppLockerPolicy, file: FileInformation, principal: Principal, env: Environment = DEFAULT_ENVIRONMENT): Decision {
  const type = collectionOf(file);
  // A file type no collection covers is not AppLocker's business (§2; Test-AppLockerPolicy behaviour [UNCERTAIN], §11.5).
  if (!type) return { verdict: 'AllowedByDefault', reason: 'NotGoverned', mode: 'NotConfigured', effect: 'allowed' };

  const coll = findCollection(policy, type);
  const mode = enforcementModeOf(coll);
  const rules = coll?.rules ?? [];

  if (rules.length === 0) {
    // "When the rules for the executable rule collection are enforced and the packaged apps … rule
    // collection does not contain any rules, no packaged apps … are allowed to run" (§3.2 (1), event 8027).
    // Enforced = Enabled or NotConfigured-with-rules; AuditOnly does not trigger it (§12.3 #16).
    if (type === 'Appx') {
      const exe = findCollection(policy, 'Exe');
      if (exe && exe.rules.length > 0 && enforcementModeOf(exe) !== 'AuditOnly') {
        return { verdict: 'DeniedByDefault', reason: 'NoPackagedAppRules', collection: type, mode, effect: 'blocked', eventId: EVENT_NO_PACKAGED_APP_RULES };
      }
    }
    // "If no AppLocker rules exist for a specific rule collection, all files … are allowed" (§3.2 (1)); nothing is logged.
    return { verdict: 'AllowedByDefault', reason: 'CollectionHasNoRules', collection: type, mode, effect: 'allowed' };
  }

  const forms = candidatePathForms(file, env);
  let deny: Rule | undefined;
  let allow: Rule | undefined;
  let suppressedDeny: SuppressingException | undefined;
  let suppressedAllow: SuppressingException | undefined;

  for (const rule of rules) {
    const applies = rule.action === 'Deny'
      ? denyAppliesTo(principal, type, rule.userOrGroupSid)
      : allowAppliesTo(principal, type, rule.userOrGroupSid);
    if (!applies) continue;
    if (!conditionMatches(rule.condition, file, forms)) continue;
    // A rule matches iff its condition matches and none of its exceptions does (§3.2 (4)).
    const exceptions = ruleExceptions(rule);
    const hit = exceptions.findIndex((e) => conditionMatches(e, file, forms));
    if (hit >= 0) {
      const s = suppression(rule, hit, exceptions[hit]!);
      if (rule.action === 'Deny') suppressedDeny ??= s;
      else suppressedAllow ??= s;
      continue;
    }
    // First in document order is reported (§3.6 [UNCERTAIN]).
    if (rule.action === 'Deny') deny ??= rule;
    else allow ??= rule;
  }

  const activity = packagedAppActivity(file);
  // Explicit deny beats any allow, then explicit allow, then implicit deny (§3.2 (3), (2)).
  if (deny) {
    const effect = effectOf('Denied', mode);
    return { verdict: 'Denied', reason: 'ExplicitDeny', collection: type, mode, effect, eventId: eventIdFor(type, effect, activity), rule: decidingRule(deny) };
  }
  if (allow) {
    return {
      verdict: 'Allowed', reason: 'ExplicitAllow', collection: type, mode, effect: 'allowed',
      eventId: eventIdFor(type, 'allowed', activity), rule: decidingRule(allow), ...(suppressedDeny ? { exception: suppressedDeny } : {}),
    };
  }
  const effect = effectOf('DeniedByDefault', mode);
  return {
    verdict: 'DeniedByDefault', reason: 'ImplicitDeny', collection: type, mode, effect,
    eventId: eventIdFor(type, effect, activity), ...(suppressedAllow ? { exception: suppressedAllow } : {}),
  };
}

function decidingRule(r: Rule): DecidingRule {
  return { id: r.id, name: r.name, action: r.action, kind: r.kind, userOrGroupSid: r.userOrGroupSid };
}

function suppression(r: Rule, index: number, c: RuleCondition): SuppressingException {
  return { ruleId: r.id, ruleName: r.name, action: r.action, exceptionIndex: index, conditionKind: c.kind, condition: describeCondition(c) };
}

/** Whether one condition (rule condition or exception) matches the file. */
export function conditionMatches(c: RuleCondition, file: FileInformation, forms: readonly string[]): boolean {
  switch (c.kind) {
    case 'FilePathCondition': return pathConditionMatches(c, forms);
    case 'FilePublisherCondition': return publisherConditionMatches(c, file);
    case 'FileHashCondition': return hashConditionMatches(c, file);
  }
}

/**
 * Every form of the file's path AppLocker puts in `APPID://PATH` (§4.2): the Win32 path, its UNC form
 * when on a mapped drive, and each AppLocker-variable form whose root contains the file; all upper-case.
 */
export function candidatePathForms(file: FileInformation, env: Environment): string[] {
  const p = normalizeFilePath(file.path, env);
  const forms = [p];
  const unc = file.uncPath !== undefined ? file.uncPath.replace(/\//g, '\\').toUpperCase() : mappedUncPath(p, env);
  if (unc !== undefined) forms.push(unc);
  for (const [variable, roots] of variableRoots(env)) {
    for (const root of roots) {
      if (p.startsWith(root + '\\')) forms.push(variable + p.slice(root.length));
    }
  }
  return forms;
}

/** Path condition: the upper-cased pattern against every candidate form (§4.2). */
export function pathConditionMatches(c: FilePathCondition, forms: readonly string[]): boolean {
  const pattern = c.path.toUpperCase();
  return forms.some((f) => globMatch(pattern, f));
}

/**
 * Anchored glob: `*` matches any run of characters including `\` and `:`; every other character
 * (also `?`, §12.4 #23) matches itself. Inputs are already upper-case.
 */
export function globMatch(pattern: string, s: string): boolean {
  let p = 0;
  let i = 0;
  let starP = -1;
  let starI = 0;
  while (i < s.length) {
    if (p < pattern.length && pattern[p] !== '*' && pattern[p] === s[i]) {
      p++;
      i++;
    } else if (p < pattern.length && pattern[p] === '*') {
      starP = p++;
      starI = i;
    } else if (starP >= 0) {
      p = starP + 1;
      i = ++starI;
    } else {
      return false;
    }
  }
  while (p < pattern.length && pattern[p] === '*') p++;
  return p === pattern.length;
}

/** Publisher condition (§5.2): only signed files; fields `*` or equal ignoring case; version in range. */
export function publisherConditionMatches(c: FilePublisherCondition, file: FileInformation): boolean {
  const pub = file.publisher;
  // "Publisher conditions can be made only for files that are digitally signed" (§5.2).
  if (!pub) return false;
  if (c.publisherName !== '*' && c.publisherName.toUpperCase() !== pub.publisherName.toUpperCase()) return false;
  if (c.productName !== '*' && c.productName.toUpperCase() !== pub.productName.toUpperCase()) return false;
  if (!binaryNameMatches(c.binaryName, pub.binaryName)) return false;
  const low = c.binaryVersionRange?.lowSection ?? '*';
  const high = c.binaryVersionRange?.highSection ?? '*';
  if (low === '*' && high === '*') return true;
  // A bound needs a file version; a file without one never satisfies it (§11.6 [INFERRED]).
  const v = parseBinaryVersion(pub.binaryVersion);
  if (!v) return false;
  if (low !== '*') {
    const lo = parseBinaryVersion(low);
    if (!lo || compareBinaryVersions(v, lo) < 0) return false;
  }
  if (high !== '*') {
    const hi = parseBinaryVersion(high);
    if (!hi || compareBinaryVersions(v, hi) > 0) return false;
  }
  return true;
}

/** BinaryName: `*` or `?` alone = any; with `*` inside = glob; else equality ignoring case (§5.2 [UNCERTAIN]). */
export function binaryNameMatches(rule: string, value: string): boolean {
  if (rule === '*' || rule === '?') return true;
  const r = rule.toUpperCase();
  const v = value.toUpperCase();
  return r.includes('*') ? globMatch(r, v) : r === v;
}

/** Hash condition (§5.3): any listed hash equal to the file's hash of that type. */
export function hashConditionMatches(c: FileHashCondition, file: FileInformation): boolean {
  return c.fileHashes.some((h) => {
    const mine = file.hashes[h.type];
    if (mine === undefined) return false;
    const a = normalizeHashText(mine);
    return a !== '' && a === normalizeHashText(h.data);
  });
}
