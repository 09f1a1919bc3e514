/**
 * Hash rules for files that carry a valid signature (issue 16 item 5). A hash rule matches one build: the
 * next update of a signed file breaks it, where a publisher rule (with a version range) keeps working
 * (applocker.md §5.3: "each time the file is updated … you must update the hash"; §8.3 New-AppLockerPolicy
 * prefers Publisher and falls back to Hash only for unsigned files). Needs file facts (fileinfo/scan output);
 * without them there is nothing to check.
 */
import { ruleFinding, type LintFinding, type LintRule } from './types.js';

export const HASH_FOR_SIGNED_CODE = 'policy.lint.hash-for-signed';

export const hashForSignedRule: LintRule = {
  code: HASH_FOR_SIGNED_CODE,
  severity: 'info',
  title: 'allow hash rules for files that carry a valid signature (a publisher rule survives updates)',
  check(policy, ctx) {
    const facts = ctx.fileFacts ?? [];
    if (facts.length === 0) return [];
    const signedBySha = new Map<string, { path: string; publisherName: string; productName: string }>();
    for (const f of facts) {
      const sha = f.hashes.SHA256?.toUpperCase().replace(/^0X/, '');
      if (sha && f.publisher) signedBySha.set(sha, { path: f.path, publisherName: f.publisher.publisherName, productName: f.publisher.productName });
    }
    const out: LintFinding[] = [];
    for (const c of policy.ruleCollections) {
      for (const r of c.rules) {
        if (r.kind !== 'FileHashRule' || r.action !== 'Allow') continue;
        const signed = r.condition.fileHashes
          .map((h) => signedBySha.get(h.data.toUpperCase().replace(/^0X/, '')))
          .filter((s): s is NonNullable<typeof s> => s !== undefined);
        if (signed.length === 0) continue;
        const s = signed[0]!;
        out.push(ruleFinding(ctx, HASH_FOR_SIGNED_CODE, 'info', c.type, r,
          `hash rule \`${r.name}\` allows ${signed.length === 1 ? `\`${s.path}\`, which is` : `${signed.length} files that are`} signed by \`${s.publisherName.split(',')[0]}\`: the next update breaks it`,
          `use a publisher rule (PublisherName \`${s.publisherName}\`, ProductName \`${s.productName || '*'}\`) with a version range`));
      }
    }
    return out;
  },
};
