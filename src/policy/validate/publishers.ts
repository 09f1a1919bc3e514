/**
 * Publisher condition checks (§1.1, §1.4): PublisherName non-empty, BinaryVersionRange present (tolerated
 * when absent, §12.1 item 3), each section `*` or four parts 0..65535 (16-bit version words), low ≤ high.
 */
import type { AppLockerPolicy, BinaryVersionRange } from '../model.js';
import { clip, type PolicyCheck, type ValidationContext } from './context.js';
import { conditionSites } from './walk.js';

/** Parses `a.b.c.d` (each 0..65535) into four numbers; `*` and anything else → undefined. */
export function parseFourPartVersion(s: string): [number, number, number, number] | undefined {
  const m = /^(\d{1,5})\.(\d{1,5})\.(\d{1,5})\.(\d{1,5})$/.exec(s);
  if (!m) return undefined;
  const parts = [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4])] as [number, number, number, number];
  return parts.every((p) => p <= 65535) ? parts : undefined;
}

function compareVersions(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < 4; i++) if (a[i]! !== b[i]!) return a[i]! - b[i]!;
  return 0;
}

function sectionHelp(s: string): string {
  const parts = s.split('.');
  if (parts.length > 0 && parts.length < 4 && parts.every((p) => /^\d+$/.test(p))) {
    return `write four parts: \`${[...parts, '0', '0', '0'].slice(0, 4).join('.')}\``;
  }
  if (/^\d+(\.\d+){3}$/.test(s)) return 'each part is a 16-bit number, at most 65535';
  if (s.includes('*')) return 'a section is either exactly `*` or a full version; no partial wildcards';
  return 'write `*` or a four-part version such as `10.0.0.0`';
}

function checkRange(r: BinaryVersionRange, ctx: ValidationContext): void {
  let ok = true;
  for (const [attr, s] of [['LowSection', r.lowSection], ['HighSection', r.highSection]] as const) {
    if (s !== '*' && !parseFourPartVersion(s)) {
      ok = false;
      ctx.report('policy.validate.invalid-version-section', 'error', `version \`${clip(s)}\` in ${attr} is not \`*\` or a four-part version`, r, attr, sectionHelp(s));
    }
  }
  if (!ok) return;
  const lo = parseFourPartVersion(r.lowSection);
  const hi = parseFourPartVersion(r.highSection);
  if (lo && hi && compareVersions(lo, hi) > 0) {
    ctx.report('policy.validate.version-range-order', 'error', `version range \`${r.lowSection}\`–\`${r.highSection}\` is empty: LowSection is above HighSection`, r, 'LowSection',
      'swap the two sections, or use `*` on one side for "and above" / "and below"');
  }
}

export const publishersCheck: PolicyCheck = {
  name: 'publishers',
  codes: ['policy.validate.empty-publisher', 'policy.validate.missing-version-range', 'policy.validate.invalid-version-section', 'policy.validate.version-range-order'],
  check(policy: AppLockerPolicy, ctx: ValidationContext): void {
    for (const { condition: c } of conditionSites(policy)) {
      if (c.kind !== 'FilePublisherCondition') continue;
      if (c.publisherName === '') {
        ctx.report('policy.validate.empty-publisher', 'error', 'the publisher condition has an empty PublisherName', c, 'PublisherName',
          'write `*` for any signed file, or the signer subject such as `O=MICROSOFT CORPORATION, L=REDMOND, S=WASHINGTON, C=US`');
      }
      if (!c.binaryVersionRange) {
        ctx.report('policy.validate.missing-version-range', 'warning', 'the publisher condition has no <BinaryVersionRange>', c, undefined,
          'the schema requires one; it is read as `*`–`*` (any version), as in Microsoft\'s CSP samples — write `<BinaryVersionRange LowSection="*" HighSection="*" />`');
      } else checkRange(c.binaryVersionRange, ctx);
    }
  },
};
