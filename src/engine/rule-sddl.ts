/**
 * RuleSddl: each rule as the conditional-ACE SDDL string Windows writes in the RuleSddl field of its
 * events (applocker.md §3.8, §9.3), so a rule id seen in an event can be checked against a policy.
 *
 * Verified against real events (corpus: EricZimmerman 8002/8005/8020, elastic 8020/8023):
 *   path       D:(XA;;FX;;;S-1-1-0;(APPID://PATH Contains "*"))
 *   publisher  D:(XA;;FX;;;S-1-1-0;((Exists APPID://FQBN) && ((APPID://FQBN) >= ({"*\*\*",0}))))
 * The hash form follows FORSHAW-P3's dump (`APPID://SHA256HASH Any_of {#…}`) with the publisher
 * form's parenthesisation [INFERRED]. How exceptions and version upper bounds compile is not public
 * (§12.5 #35): they are rendered as `&& !(…)` and `&& ((APPID://FQBN) <= (…))` [INFERRED], so those
 * strings are ours, not byte-exact Windows output.
 */
import type { FileHashType, Rule, RuleCondition } from '../policy/model.js';
import { binaryVersionToUint64Text, normalizeHashText, parseBinaryVersion } from './file-facts.js';

const HASH_ATTRIBUTE: Record<FileHashType, string> = {
  SHA256: 'APPID://SHA256HASH',
  SHA1: 'APPID://SHA1HASH',
  SHA256Flat: 'APPID://SHA256FLATHASH',
};

/** Renders a rule's RuleSddl. @example ruleSddl(rule) // 'D:(XA;;FX;;;S-1-1-0;(APPID://PATH Contains "%WINDIR%\\*"))' */
export function ruleSddl(rule: Rule): string {
  const ace = rule.action === 'Deny' ? 'XD' : 'XA';
  let cond = conditionSddl(rule.condition);
  const exceptions = rule.kind === 'FileHashRule' ? [] : rule.exceptions;
  if (exceptions.length) cond = `(${cond} && ${exceptions.map((e) => `!${conditionSddl(e)}`).join(' && ')})`;
  return `D:(${ace};;FX;;;${rule.userOrGroupSid.toUpperCase()};${cond})`;
}

/** One condition as the parenthesised conditional expression. */
export function conditionSddl(c: RuleCondition): string {
  switch (c.kind) {
    case 'FilePathCondition':
      return `(APPID://PATH Contains "${c.path.toUpperCase()}")`;
    case 'FilePublisherCondition': {
      const fqbn = `${c.publisherName}\\${c.productName}\\${c.binaryName}`.toUpperCase();
      const low = c.binaryVersionRange?.lowSection ?? '*';
      const high = c.binaryVersionRange?.highSection ?? '*';
      const lowV = low === '*' ? '0' : versionText(low);
      let s = `(Exists APPID://FQBN) && ((APPID://FQBN) >= ({"${fqbn}",${lowV}}))`;
      if (high !== '*') s += ` && ((APPID://FQBN) <= ({"${fqbn}",${versionText(high)}}))`;
      return `(${s})`;
    }
    case 'FileHashCondition': {
      const byType = new Map<FileHashType, string[]>();
      for (const h of c.fileHashes) {
        const list = byType.get(h.type) ?? [];
        list.push(`#${normalizeHashText(h.data).toLowerCase()}`);
        byType.set(h.type, list);
      }
      const parts = [...byType].map(([t, l]) => `((Exists ${HASH_ATTRIBUTE[t]}) && (${HASH_ATTRIBUTE[t]} Any_of {${l.join(', ')}}))`);
      return parts.length === 1 ? parts[0]! : `(${parts.join(' || ')})`;
    }
  }
}

function versionText(v: string): string {
  const p = parseBinaryVersion(v);
  return p ? binaryVersionToUint64Text(p) : v;
}

/** What a RuleSddl says, for matching an event to a rule (the three observed shapes; §3.8). */
export interface ParsedRuleSddl {
  readonly action: 'Allow' | 'Deny';
  readonly sid: string;
  readonly condition: RuleCondition;
}

const ACE_RE = /^D:\((X[AD]);;FX;;;([^;]+);(.*)\)$/s;

/**
 * Reads a RuleSddl back into action, SID and condition; undefined for `-` (implicit decisions) or a
 * shape not seen in real events (exceptions, upper bounds).
 */
export function parseRuleSddl(sddl: string): ParsedRuleSddl | undefined {
  const m = ACE_RE.exec(sddl.trim());
  if (!m) return undefined;
  const action = m[1] === 'XD' ? 'Deny' : 'Allow';
  const sid = m[2]!;
  const body = m[3]!;
  let x = /^\(APPID:\/\/PATH Contains "([^"]*)"\)$/.exec(body);
  if (x) return { action, sid, condition: { kind: 'FilePathCondition', path: x[1]! } };
  x = /^\(\(Exists APPID:\/\/FQBN\) && \(\(APPID:\/\/FQBN\) >= \(\{"([^"]*)",(\d+)\}\)\)\)$/.exec(body);
  if (x) {
    const parts = x[1]!.split('\\');
    if (parts.length < 3) return undefined;
    const n = BigInt(x[2]!);
    const low = n === 0n ? '0.0.0.0' : [48n, 32n, 16n, 0n].map((s) => ((n >> s) & 0xffffn).toString()).join('.');
    return {
      action, sid,
      condition: {
        kind: 'FilePublisherCondition', publisherName: parts[0]!, productName: parts.slice(1, -1).join('\\'), binaryName: parts[parts.length - 1]!,
        binaryVersionRange: { lowSection: low, highSection: '*' },
      },
    };
  }
  x = /^\(\(Exists APPID:\/\/(SHA256HASH|SHA1HASH|SHA256FLATHASH)\) && \(APPID:\/\/\1 Any_of \{([^}]*)\}\)\)$/.exec(body);
  if (x) {
    const type: FileHashType = x[1] === 'SHA1HASH' ? 'SHA1' : x[1] === 'SHA256FLATHASH' ? 'SHA256Flat' : 'SHA256';
    const fileHashes = x[2]!.split(',').map((h) => ({ type, data: '0x' + h.trim().replace(/^#/, '').toUpperCase() }));
    return { action, sid, condition: { kind: 'FileHashCondition', fileHashes } };
  }
  return undefined;
}
