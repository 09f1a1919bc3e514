/**
 * Suggested rules for the files Enforce would block (issue 6 item 4), the way New-AppLockerPolicy
 * prefers them (applocker.md §8.3 "-RuleType Publisher, Hash": publisher first, hash as the fallback when
 * the file is unsigned), NEVER a path rule for a user-writable location (anyone could drop a file there,
 * §7 caveat). Each suggestion says how many of the would-be-blocked events it covers, measured by
 * replaying those files through a policy holding only that rule (analysis/replay.ts).
 */
import { createHash } from 'node:crypto';
import { parseFqbn } from '../../policy/fqbn.js';
import type { AppLockerPolicy, Rule, RuleCollection, RuleCollectionType } from '../../policy/model.js';
import { evidenceDecider, SID } from './replay.js';
import type { WouldBlockFile } from './would-block.js';

export type SuggestedRuleType = 'Publisher' | 'Hash' | 'Path';

export interface SuggestedRule {
  readonly type: SuggestedRuleType;
  readonly collection: RuleCollectionType;
  readonly rule: Rule;
  /** Would-be-blocked files and events this rule allows. */
  readonly files: number;
  readonly events: number;
  /** Up to 10 of the covered file paths. */
  readonly filePaths: readonly string[];
  /** Why this rule type was chosen. */
  readonly reason: string;
}

function contentGuid(text: string): string {
  const h = createHash('sha256').update(`lockstep-suggest:${text}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function fileName(p: string): string {
  return p.slice(p.lastIndexOf('\\') + 1);
}

function minVersion(versions: string[]): string {
  const parts = versions.map((v) => v.split('.').map((x) => Number.parseInt(x, 10) || 0));
  parts.sort((a, b) => { for (let i = 0; i < 4; i++) { const d = (a[i] ?? 0) - (b[i] ?? 0); if (d) return d; } return 0; });
  const m = parts[0] ?? [0, 0, 0, 0];
  return [0, 1, 2, 3].map((i) => m[i] ?? 0).join('.');
}

/**
 * One rule per publisher+product+binary (version ≥ the lowest seen, so updates keep working), one hash rule
 * per unsigned file, a path rule only for a file outside user-writable locations that has neither.
 * @example suggestRules(wouldBlockFiles(files, opts), { userOrGroupSid: 'S-1-1-0' })
 */
export function suggestRules(files: readonly WouldBlockFile[], opts: { userOrGroupSid?: string } = {}): SuggestedRule[] {
  const sid = opts.userOrGroupSid ?? SID.everyone;
  const drafts = new Map<string, { type: SuggestedRuleType; collection: RuleCollectionType; rule: Rule; reason: string }>();
  const pubVersions = new Map<string, string[]>();
  for (const f of files) {
    const pub = parseFqbn(f.fqbnText);
    if (pub && pub.publisherName && pub.productName && pub.binaryName) {
      const key = `P|${f.collection}|${pub.publisherName}|${pub.productName}|${pub.binaryName}`;
      const vs = pubVersions.get(key) ?? [];
      if (pub.binaryVersion) vs.push(pub.binaryVersion);
      pubVersions.set(key, vs);
      if (!drafts.has(key)) {
        const org = pub.publisherName.split(',')[0]!.replace(/^O=/, '');
        drafts.set(key, {
          type: 'Publisher', collection: f.collection, reason: 'signed: publisher rule (survives updates, unlike a hash)',
          rule: {
            kind: 'FilePublisherRule', id: contentGuid(key), name: `${pub.binaryName}, in ${pub.productName}, from ${org}`,
            description: 'Suggested by lockstep from audit evidence', userOrGroupSid: sid, action: 'Allow',
            condition: { kind: 'FilePublisherCondition', publisherName: pub.publisherName, productName: pub.productName, binaryName: pub.binaryName, binaryVersionRange: { lowSection: '0.0.0.0', highSection: '*' } },
            exceptions: [],
          },
        });
      }
    } else if (f.fileHash) {
      const key = `H|${f.collection}|${f.fileHash.toUpperCase()}`;
      if (!drafts.has(key)) {
        drafts.set(key, {
          type: 'Hash', collection: f.collection,
          reason: f.userWritable ? 'unsigned in a user-writable folder: hash rule (a path rule there would let anyone run anything)' : 'unsigned: hash rule',
          rule: {
            kind: 'FileHashRule', id: contentGuid(key), name: fileName(f.fullFilePath ?? f.filePath),
            description: 'Suggested by lockstep from audit evidence', userOrGroupSid: sid, action: 'Allow',
            condition: { kind: 'FileHashCondition', fileHashes: [{ type: 'SHA256', data: '0x' + f.fileHash.toUpperCase(), sourceFileName: fileName(f.fullFilePath ?? f.filePath) }] },
          },
        });
      }
    } else if (!f.userWritable) {
      const key = `F|${f.collection}|${f.filePath.toUpperCase()}`;
      if (!drafts.has(key)) {
        drafts.set(key, {
          type: 'Path', collection: f.collection, reason: 'no signature or hash in the evidence; the folder is admin-only, so a path rule for this one file is safe',
          rule: {
            kind: 'FilePathRule', id: contentGuid(key), name: f.filePath, description: 'Suggested by lockstep from audit evidence',
            userOrGroupSid: sid, action: 'Allow', condition: { kind: 'FilePathCondition', path: f.filePath }, exceptions: [],
          },
        });
      }
    }
    // user-writable and neither signed nor hashed: no safe rule; the report lists the file without a suggestion
  }
  const out: SuggestedRule[] = [];
  for (const [key, d] of drafts) {
    let rule = d.rule;
    if (rule.kind === 'FilePublisherRule') {
      const low = minVersion(pubVersions.get(key) ?? []);
      rule = { ...rule, condition: { ...rule.condition, binaryVersionRange: { lowSection: low, highSection: '*' } } };
    }
    const only: AppLockerPolicy = { version: '1', ruleCollections: [{ type: d.collection, enforcementMode: 'Enabled', rules: [rule] }] };
    const decide = evidenceDecider(only);
    const everyone = new Set<string>([rule.userOrGroupSid.toUpperCase()]);
    let files = 0, events = 0;
    const paths: string[] = [];
    for (const f of files_(d.collection)) {
      const dec = decide({ collection: f.collection, filePath: f.filePath, ...(f.fileHash ? { fileHash: f.fileHash } : {}), ...(f.fqbnText ? { fqbnText: f.fqbnText } : {}) }, everyone);
      if (dec.verdict === 'Allowed') {
        files++;
        events += f.events;
        if (paths.length < 10) paths.push(f.filePath);
      }
    }
    out.push({ type: d.type, collection: d.collection, rule, files, events, filePaths: paths, reason: d.reason });
  }
  function files_(c: RuleCollectionType): WouldBlockFile[] {
    return files.filter((f) => f.collection === c);
  }
  return out.sort((a, b) => b.events - a.events || a.rule.name.localeCompare(b.rule.name));
}

/** `base` with the suggested rules added to their collections (a candidate policy to try). */
export function withSuggestedRules(base: AppLockerPolicy, suggestions: readonly SuggestedRule[]): AppLockerPolicy {
  const colls: RuleCollection[] = base.ruleCollections.map((c) => ({ ...c }));
  for (const s of suggestions) {
    const i = colls.findIndex((c) => c.type === s.collection);
    if (i < 0) colls.push({ type: s.collection, enforcementMode: 'AuditOnly', rules: [s.rule] });
    else if (!colls[i]!.rules.some((r) => r.id.toLowerCase() === s.rule.id.toLowerCase())) colls[i] = { ...colls[i]!, rules: [...colls[i]!.rules, s.rule] };
  }
  return { ...base, ruleCollections: colls };
}
