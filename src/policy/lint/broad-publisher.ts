/**
 * Publisher rules so broad they allow any product of a vendor (issue 16 item 5). A FilePublisherRule with
 * ProductName `*` trusts everything the signer ever signed, including its own LOLBins and old vulnerable
 * versions; PublisherName `*` trusts any signed file at all (applocker.md §5.1: each field narrows the
 * rule; "the more specific, the more secure"). The default packaged-app rule ("All signed packaged apps",
 * `*`/`*`/`*`) is reported as info: it is Microsoft's documented default for Appx (§7), not an oversight.
 */
import { isAdminSid } from './match.js';
import { ruleFinding, type LintFinding, type LintRule } from './types.js';

export const BROAD_PUBLISHER_CODE = 'policy.lint.broad-publisher';

export const broadPublisherRule: LintRule = {
  code: BROAD_PUBLISHER_CODE,
  severity: 'warning',
  title: 'allow publisher rules with ProductName `*` (any product of a vendor) or PublisherName `*` (any signer)',
  check(policy, ctx) {
    const out: LintFinding[] = [];
    for (const c of policy.ruleCollections) {
      for (const r of c.rules) {
        if (r.kind !== 'FilePublisherRule' || r.action !== 'Allow' || isAdminSid(r.userOrGroupSid)) continue;
        const { publisherName, productName } = r.condition;
        if (publisherName === '*') {
          out.push(ruleFinding(ctx, BROAD_PUBLISHER_CODE, c.type === 'Appx' ? 'info' : 'warning', c.type, r,
            `allow rule \`${r.name}\` trusts any signed file (PublisherName \`*\`)`,
            c.type === 'Appx'
              ? 'this is the default packaged-app rule; replace it with rules for the publishers your users need when you can'
              : 'name the publisher, product and binary; anyone can buy a code-signing certificate'));
        } else if (productName === '*' || productName === '') {
          out.push(ruleFinding(ctx, BROAD_PUBLISHER_CODE, 'warning', c.type, r,
            `allow rule \`${r.name}\` trusts every product \`${publisherName.split(',')[0]}\` ever signed (ProductName \`*\`)`,
            'name the products you need (one rule per ProductName), so the vendor\'s other tools and old versions stay blocked'));
        }
      }
    }
    return out;
  },
};
