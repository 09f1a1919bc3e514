/**
 * Rules that break on update (issue 14 item 4). Hash rules are exact (applocker.md §5.3): an update changes
 * the hash and the rule stops matching. Publisher rules pinned to one exact version (BinaryVersionRange low =
 * high, §5.2) stop matching the next version. This finds both in a GPO's policy by looking at the evidence:
 * - a hash rule whose file (its SourceFileName) shows up with a different hash under the same file name, or
 *   with the same product and binary name when signed;
 * - a pinned publisher rule whose publisher + product + binary shows up with a newer version;
 * and proposes the publisher rule that would survive the update (publisher + product + binary, version ≥ the
 * lowest seen), counting the evidence events it would cover with the evidence evaluator (analysis/replay.ts).
 * Pure: the use case gives it the policy and the evidence files.
 */
import { parseFqbn } from '../../policy/fqbn.js';
import type { AppLockerPolicy, FilePublisherRule, Rule, RuleCollectionType } from '../../policy/model.js';
import { compareBinaryVersions, parseBinaryVersion } from '../../engine/index.js';
import type { FileEvidence } from '../ports.js';
import { eventsAllowed, proposeRule } from '../requests/propose.js';

export interface UpdateDriftWarning {
  readonly kind: 'hash-changed' | 'version-pinned';
  readonly collection: RuleCollectionType;
  readonly ruleId: string;
  readonly ruleName: string;
  /** What the evidence shows: the other hashes or the newer versions, with the paths. */
  readonly seen: readonly { readonly path: string; readonly hash?: string; readonly version?: string; readonly events: number }[];
  /** The publisher rule that would survive the update (absent when the files are unsigned). */
  readonly survivor?: Rule;
  readonly survivorEvents: number;
  readonly message: string;
}

const baseName = (p: string): string => p.slice(p.lastIndexOf('\\') + 1).toUpperCase();

export function updateDrift(policy: AppLockerPolicy, evidence: readonly FileEvidence[], gpo: string): UpdateDriftWarning[] {
  const out: UpdateDriftWarning[] = [];
  for (const coll of policy.ruleCollections) {
    const files = evidence.filter((f) => !f.collection || f.collection === coll.type);
    for (const rule of coll.rules) {
      if (rule.action !== 'Allow') continue;
      if (rule.kind === 'FileHashRule') {
        const hashes = new Set(rule.condition.fileHashes.map((h) => h.data.replace(/^0x/i, '').toUpperCase()));
        const names = new Set(rule.condition.fileHashes.map((h) => (h.sourceFileName ?? '').toUpperCase()).filter(Boolean));
        if (names.size === 0) continue;
        const others = files.filter((f) => f.fileHash && !hashes.has(f.fileHash.toUpperCase()) && (names.has(baseName(f.filePath)) || names.has(parseFqbn(f.fqbnText)?.binaryName.toUpperCase() ?? '')));
        if (others.length === 0) continue;
        const signed = others.map((f) => parseFqbn(f.fqbnText)).find((p) => p?.publisherName && p.productName && p.binaryName);
        const versions = others.map((f) => parseFqbn(f.fqbnText)?.binaryVersion).filter((v): v is string => !!v).sort(compareVersions);
        const survivor = signed ? survivorRule(coll.type, `${signed.publisherName}\\${signed.productName}\\${signed.binaryName}\\${versions[0] ?? ''}`, rule.userOrGroupSid, gpo) : undefined;
        out.push({
          kind: 'hash-changed', collection: coll.type, ruleId: rule.id, ruleName: rule.name,
          seen: others.map((f) => ({ path: f.filePath, ...(f.fileHash ? { hash: f.fileHash } : {}), ...(parseFqbn(f.fqbnText)?.binaryVersion ? { version: parseFqbn(f.fqbnText)!.binaryVersion! } : {}), events: f.events })),
          ...(survivor ? { survivor } : {}), survivorEvents: survivor ? eventsAllowed(survivor, coll.type, others.map((f) => ({ ...f, outcome: f.outcome === 'allowed' ? 'audited' : f.outcome }))).events : 0,
          message: `hash rule \`${rule.name}\` no longer matches \`${[...names][0]}\`: ${others.length} file${others.length === 1 ? '' : 's'} with another hash appeared (an update)${survivor ? '; a publisher rule would survive it' : '; the file is unsigned: each update needs a new hash rule'}`,
        });
      } else if (rule.kind === 'FilePublisherRule') {
        const pinned = pinnedVersion(rule);
        if (!pinned) continue;
        const c = rule.condition;
        const newer = files.filter((f) => {
          const p = parseFqbn(f.fqbnText);
          return p && p.publisherName.toUpperCase() === c.publisherName.toUpperCase() && (c.productName === '*' || p.productName.toUpperCase() === c.productName.toUpperCase())
            && (c.binaryName === '*' || p.binaryName.toUpperCase() === c.binaryName.toUpperCase()) && p.binaryVersion && compareVersions(p.binaryVersion, pinned) > 0;
        });
        if (newer.length === 0) continue;
        const survivor = survivorRule(coll.type, `${c.publisherName}\\${c.productName}\\${c.binaryName}\\${pinned}`, rule.userOrGroupSid, gpo);
        out.push({
          kind: 'version-pinned', collection: coll.type, ruleId: rule.id, ruleName: rule.name,
          seen: newer.map((f) => ({ path: f.filePath, version: parseFqbn(f.fqbnText)!.binaryVersion!, events: f.events })),
          ...(survivor ? { survivor } : {}), survivorEvents: survivor ? eventsAllowed(survivor, coll.type, newer.map((f) => ({ ...f, outcome: f.outcome === 'allowed' ? 'audited' : f.outcome }))).events : 0,
          message: `publisher rule \`${rule.name}\` is pinned to version ${pinned} while ${[...new Set(newer.map((f) => parseFqbn(f.fqbnText)!.binaryVersion))].join(', ')} appeared: the update will be blocked`,
        });
      }
    }
  }
  return out;
}

/** Orders two version texts as the engine does (four 16-bit parts); text that is not a version sorts first. */
function compareVersions(a: string, b: string): number {
  const x = parseBinaryVersion(a), y = parseBinaryVersion(b);
  if (!x || !y) return x ? 1 : y ? -1 : a.localeCompare(b);
  return compareBinaryVersions(x, y);
}

function pinnedVersion(r: FilePublisherRule): string | undefined {
  const v = r.condition.binaryVersionRange;
  if (!v || v.lowSection === '*' || v.highSection === '*') return undefined;
  return compareVersions(v.lowSection, v.highSection) === 0 ? v.lowSection : undefined;
}

function survivorRule(collection: RuleCollectionType, fqbn: string, sid: string, gpo: string): Rule | undefined {
  const p = proposeRule({ collection, path: '', fqbn }, { gpo, requestId: 'update-drift', sid });
  return p.ok && p.type === 'Publisher' ? { ...p.rule, description: `Survives updates; suggested by lockstep for GPO ${gpo}` } : undefined;
}
