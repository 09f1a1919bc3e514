/**
 * Suggested rules for the files Enforce would block (issue 6 item 4, issue 10 item 5), the way
 * New-AppLockerPolicy prefers them (applocker.md §8.3 "-RuleType Publisher, Hash"):
 * - a file with an FQBN gets a publisher rule: publisher + product + binary, the version floor by the
 *   workspace's `suggest.versionFloor` (§5.2 BinaryVersionRange); one rule covers every version, path and
 *   per-user copy of that binary;
 * - an FQBN without a product or binary name (packaged-app and catalog-signed files, §5.4) gets the
 *   narrowest publisher rule it allows — publisher + product + any binary, or any file of the publisher —
 *   with that breadth said in words (a hash rule would break at the next update);
 * - a hash rule only when the file is unsigned (FQBN `-`, §5.3), one per hash;
 * - a path rule only for a file with neither, and NEVER in a user-writable location (policy/user-writable.ts,
 *   the one list; §7 caveat).
 * Coverage (files, events, users, machines) is measured with the engine: each would-be-blocked file is
 * decided against a policy holding only the suggested rule (issue 10 item 8: one evaluator).
 */
import { createHash } from 'node:crypto';
import { compilePolicy, decide, everyone } from '../../engine/index.js';
import { parseFqbn } from '../../policy/fqbn.js';
import { isUserWritablePath } from '../../policy/user-writable.js';
import type { AppLockerPolicy, Rule, RuleCollection, RuleCollectionType } from '../../policy/model.js';
import type { VersionFloor } from '../workspace/model.js';
import { factsToFileInformation } from './engine-decider.js';
import { SID } from './replay.js';
import type { WouldBlockFile } from './would-block.js';

export type SuggestedRuleType = 'Publisher' | 'Hash' | 'Path';

/** How much a suggested rule allows beyond the files it was made for. */
export type SuggestedBreadth = 'binary' | 'product' | 'publisher' | 'file';

export interface SuggestedRule {
  readonly type: SuggestedRuleType;
  readonly collection: RuleCollectionType;
  readonly rule: Rule;
  readonly breadth: SuggestedBreadth;
  /** Would-be-blocked files, executions, users and machines this rule allows. */
  readonly files: number;
  readonly events: number;
  readonly users: number;
  readonly machines: number;
  /** Up to 10 of the covered file paths. */
  readonly filePaths: readonly string[];
  /** Why this rule type was chosen, and what else it allows. */
  readonly reason: string;
}

function contentGuid(text: string): string {
  const h = createHash('sha256').update(`lockstep-suggest:${text}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function fileName(p: string): string {
  return p.slice(p.lastIndexOf('\\') + 1);
}

function versionParts(v: string): number[] {
  return v.split('.').map((x) => Number.parseInt(x, 10) || 0);
}

function sortVersions(versions: readonly string[]): string[] {
  return [...versions].sort((a, b) => {
    const x = versionParts(a), y = versionParts(b);
    for (let i = 0; i < 4; i++) { const d = (x[i] ?? 0) - (y[i] ?? 0); if (d) return d; }
    return 0;
  });
}

function fourPart(v: string): string {
  const p = versionParts(v);
  return [0, 1, 2, 3].map((i) => p[i] ?? 0).join('.');
}

/** An FQBN part that is absent: empty or `-` (§5.4). */
function absent(x: string | undefined): boolean {
  return !x || x === '-';
}

interface Draft {
  type: SuggestedRuleType;
  collection: RuleCollectionType;
  breadth: SuggestedBreadth;
  rule: Rule;
  reason: string;
  versions: string[];
}

export interface SuggestOptions {
  /** Who the suggested rules allow (default Everyone, like the default rules). */
  readonly userOrGroupSid?: string;
  readonly versionFloor?: VersionFloor;
}

/**
 * The suggested rules, most executions covered first.
 * @example suggestRules(replay.wouldBlock, { versionFloor: 'lowest-seen' })
 */
export function suggestRules(files: readonly WouldBlockFile[], opts: SuggestOptions = {}): SuggestedRule[] {
  const sid = opts.userOrGroupSid ?? SID.everyone;
  const floor = opts.versionFloor ?? 'lowest-seen';
  const drafts = new Map<string, Draft>();
  const base = { description: 'Suggested by lockstep from audit evidence', userOrGroupSid: sid, action: 'Allow' as const };
  for (const f of files) {
    const pub = parseFqbn(f.fqbnText);
    if (pub) {
      const org = pub.publisherName.split(',')[0]!.replace(/^O=/i, '');
      const noProduct = absent(pub.productName), noBinary = absent(pub.binaryName);
      // AppLocker's rule wizard: a `*` product forces a `*` binary, and a `*` binary forces a `*` version (§5.2)
      const breadth: SuggestedBreadth = noProduct ? 'publisher' : noBinary ? 'product' : 'binary';
      const product = noProduct ? '*' : pub.productName;
      const binary = noProduct || noBinary ? '*' : pub.binaryName;
      const key = `P|${f.collection}|${pub.publisherName}|${product}|${binary}`.toUpperCase();
      let d = drafts.get(key);
      if (!d) {
        const name = breadth === 'binary' ? `${pub.binaryName}, in ${pub.productName}, from ${org}` : breadth === 'product' ? `every file of ${pub.productName}, from ${org}` : `every file signed by ${org}`;
        const reason = breadth === 'binary'
          ? 'signed: publisher rule (survives updates, unlike a hash)'
          : breadth === 'product'
            ? `signed, but the signature names no binary: the narrowest publisher rule allows every file of product ${pub.productName} signed by ${org}`
            : `signed, but the signature names no product (packaged-app or catalog-signed file): the narrowest publisher rule allows every file signed by ${org}`;
        d = {
          type: 'Publisher', collection: f.collection, breadth, reason, versions: [],
          rule: { ...base, kind: 'FilePublisherRule', id: contentGuid(key), name, condition: { kind: 'FilePublisherCondition', publisherName: pub.publisherName, productName: product, binaryName: binary, binaryVersionRange: { lowSection: '*', highSection: '*' } }, exceptions: [] },
        };
        drafts.set(key, d);
      }
      if (pub.binaryVersion && !absent(pub.binaryVersion)) d.versions.push(pub.binaryVersion);
    } else if (f.fileHash) {
      const key = `H|${f.collection}|${f.fileHash.toUpperCase()}`;
      if (!drafts.has(key)) {
        const name = fileName(f.fullFilePath ?? f.filePath);
        drafts.set(key, {
          type: 'Hash', collection: f.collection, breadth: 'file', versions: [],
          reason: f.userWritable ? 'unsigned in a user-writable folder: hash rule (a path rule there would let anyone run anything)' : 'unsigned: hash rule (breaks when the file changes)',
          rule: { ...base, kind: 'FileHashRule', id: contentGuid(key), name, condition: { kind: 'FileHashCondition', fileHashes: [{ type: 'SHA256', data: '0x' + f.fileHash.toUpperCase().replace(/^0X/, ''), sourceFileName: name }] } },
        });
      }
    } else if (!isUserWritablePath(f.filePath)) {
      const key = `F|${f.collection}|${f.filePath.toUpperCase()}`;
      if (!drafts.has(key)) {
        drafts.set(key, {
          type: 'Path', collection: f.collection, breadth: 'file', versions: [],
          reason: 'no signature or hash in the evidence; the folder is admin-only, so a path rule for this one file is safe',
          rule: { ...base, kind: 'FilePathRule', id: contentGuid(key), name: f.filePath, condition: { kind: 'FilePathCondition', path: f.filePath }, exceptions: [] },
        });
      }
    }
    // user-writable and neither signed nor hashed: no safe rule; the report lists the file without a suggestion
  }
  const out: SuggestedRule[] = [];
  const who = everyone();
  for (const d of drafts.values()) {
    let rule = d.rule;
    if (rule.kind === 'FilePublisherRule' && d.breadth === 'binary' && floor !== 'any' && d.versions.length) {
      const sorted = sortVersions(d.versions);
      const low = fourPart(sorted[0]!);
      const high = floor === 'exact' ? fourPart(sorted[sorted.length - 1]!) : '*';
      rule = { ...rule, condition: { ...rule.condition, binaryVersionRange: { lowSection: low, highSection: high } } };
    }
    const only: AppLockerPolicy = { version: '1', ruleCollections: [{ type: d.collection, enforcementMode: 'Enabled', rules: [rule] }] };
    const compiled = compilePolicy(only);
    let nFiles = 0, events = 0;
    const users = new Set<string>(), machines = new Set<string>();
    let userCount = 0, machineCount = 0;
    const paths: string[] = [];
    for (const f of files) {
      if (f.collection !== d.collection) continue;
      const facts = { collection: f.collection, filePath: f.filePath, ...(f.fileHash ? { fileHash: f.fileHash } : {}), ...(f.fqbnText ? { fqbnText: f.fqbnText } : {}) };
      if (decide(compiled, factsToFileInformation(facts), who).verdict !== 'Allowed') continue;
      nFiles++;
      events += f.events;
      for (const u of f.users) users.add(u);
      for (const c of f.computers) machines.add(c);
      userCount = Math.max(userCount, f.userCount);
      machineCount = Math.max(machineCount, f.computerCount);
      if (paths.length < 10) paths.push(f.filePath);
    }
    out.push({
      type: d.type, collection: d.collection, rule, breadth: d.breadth, files: nFiles, events,
      users: Math.max(users.size, userCount), machines: Math.max(machines.size, machineCount), filePaths: paths, reason: d.reason,
    });
  }
  return out.sort((a, b) => b.events - a.events || a.rule.name.localeCompare(b.rule.name));
}

/** `base` with the suggested rules added to their collections (a candidate policy to try, or to keep). */
export function withSuggestedRules(base: AppLockerPolicy, suggestions: readonly SuggestedRule[]): AppLockerPolicy {
  const colls: RuleCollection[] = base.ruleCollections.map((c) => ({ ...c }));
  for (const s of suggestions) {
    const i = colls.findIndex((c) => c.type === s.collection);
    if (i < 0) colls.push({ type: s.collection, enforcementMode: 'AuditOnly', rules: [s.rule] });
    else if (!colls[i]!.rules.some((r) => r.id.toLowerCase() === s.rule.id.toLowerCase())) colls[i] = { ...colls[i]!, rules: [...colls[i]!.rules, s.rule] };
  }
  return { ...base, ruleCollections: colls };
}
