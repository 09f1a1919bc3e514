/**
 * Rule attribute checks (§1.1 RuleAttributes): Id is a GUID without braces and unique across the whole
 * policy (case-insensitive, §12.1 item 4), UserOrGroupSid is a SID, Action is Allow|Deny, Name 1..1024,
 * Description ≤ 1024.
 */
import type { AppLockerPolicy, Rule } from '../model.js';
import { enumHelp } from './collections.js';
import { clip, type PolicyCheck, type ValidationContext } from './context.js';

/** XSD GuidType. */
export const GUID_RE = /^[0-9A-Fa-f]{8}-([0-9A-Fa-f]{4}-){3}[0-9A-Fa-f]{12}$/;
/** XSD SidType (minLength 7). */
export const SID_RE = /^S-1(-[0-9a-fA-F]+)+$/;

/** Well-known account names an admin may write instead of their SID. */
const SID_NAMES: Readonly<Record<string, string>> = {
  everyone: 'S-1-1-0', administrators: 'S-1-5-32-544', 'builtin\\administrators': 'S-1-5-32-544', users: 'S-1-5-32-545',
  'builtin\\users': 'S-1-5-32-545', 'authenticated users': 'S-1-5-11', system: 'S-1-5-18', 'nt authority\\system': 'S-1-5-18',
};

/** Length in characters (code points), as the XSD counts it. */
function charLength(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

export const rulesCheck: PolicyCheck = {
  name: 'rules',
  codes: ['policy.validate.invalid-guid', 'policy.validate.duplicate-rule-id', 'policy.validate.invalid-sid', 'policy.validate.invalid-action',
    'policy.validate.empty-name', 'policy.validate.name-too-long', 'policy.validate.description-too-long'],
  check(policy: AppLockerPolicy, ctx: ValidationContext): void {
    const ids = new Map<string, Rule>();
    for (const c of policy.ruleCollections) {
      for (const r of c.rules) {
        if (!GUID_RE.test(r.id)) {
          const inner = /^\{(.*)\}$/.exec(r.id)?.[1];
          ctx.report('policy.validate.invalid-guid', 'error', `rule id \`${clip(r.id)}\` is not a GUID`, r, 'Id',
            inner !== undefined && GUID_RE.test(inner) ? `write the GUID without braces: \`${inner}\`` : 'use a GUID like `921cc481-6e17-4653-8f75-050b80acca20` (New-Guid)');
        } else {
          const k = r.id.toLowerCase();
          const first = ids.get(k);
          if (first) {
            const fl = ctx.where(first);
            ctx.report('policy.validate.duplicate-rule-id', 'error', `rule id \`${r.id}\` is used twice (\`${clip(first.name, 40)}\` and \`${clip(r.name, 40)}\`)`, r, 'Id',
              'rule Ids are unique across the whole policy, in every collection; give one rule a new GUID',
              fl ? [{ code: 'policy.validate.duplicate-rule-id', severity: 'info', message: 'first used here', location: fl }] : []);
          } else ids.set(k, r);
        }
        if (!SID_RE.test(r.userOrGroupSid) || r.userOrGroupSid.length < 7) {
          const named = SID_NAMES[r.userOrGroupSid.toLowerCase()];
          const upper = r.userOrGroupSid.toUpperCase();
          ctx.report('policy.validate.invalid-sid', 'error', `\`${clip(r.userOrGroupSid)}\` is not a SID`, r, 'UserOrGroupSid',
            named ? `AppLocker takes the SID, not the name: \`${named}\`` : SID_RE.test(upper) ? `write \`${upper}\` (the schema pattern is case-sensitive)` : 'use a SID such as `S-1-1-0` (Everyone) or `S-1-5-32-544` (Administrators)');
        }
        if (r.action !== 'Allow' && r.action !== 'Deny') {
          ctx.report('policy.validate.invalid-action', 'error', `unknown action \`${clip(r.action)}\` on rule \`${clip(r.id, 40)}\``, r, 'Action', enumHelp(r.action, ['Allow', 'Deny']));
        }
        if (r.name === '') {
          ctx.report('policy.validate.empty-name', 'error', `rule \`${clip(r.id, 40)}\` has an empty name`, r, 'Name', 'the name is shown in events and reports; give it 1 to 1024 characters');
        } else if (r.name.length > 1024 && charLength(r.name) > 1024) {
          ctx.report('policy.validate.name-too-long', 'error', `rule \`${clip(r.id, 40)}\` has a name of ${charLength(r.name)} characters`, r, 'Name', 'the schema allows at most 1024');
        }
        if (r.description.length > 1024 && charLength(r.description) > 1024) {
          ctx.report('policy.validate.description-too-long', 'error', `rule \`${clip(r.id, 40)}\` has a description of ${charLength(r.description)} characters`, r, 'Description',
            'the schema allows at most 1024 (AaronLocker truncates to 1024 too)');
        }
      }
    }
  },
};
