/**
 * Conditions and extensions that do not belong where they are:
 * - the Appx collection governs packaged apps, which only publisher rules can identify (applocker.md §2.1,
 *   §1.4: "For packaged apps it is the package publisher"); path and hash rules/exceptions there are errors;
 * - ManagedInstaller designates EXE installers only (§1.9): a hash/path on a non-EXE name is suspicious;
 * - RuleCollectionExtensions are "available only for the EXE and DLL rule collections" and need both
 *   ThresholdExtensions and RedstoneExtensions (MSDOCS/rule-collection-extensions.md, §1.1) → warnings;
 * - Services and SystemApps enum values.
 * Hash rules with Exceptions and mismatched condition kinds cannot reach the model; parse.ts reports them
 * with this room's codes (hash-rule-exceptions, condition-mismatch).
 */
import type { AppLockerPolicy } from '../model.js';
import { enumHelp } from './collections.js';
import { clip, type PolicyCheck, type ValidationContext } from './context.js';
import { conditionSites } from './walk.js';

export const placementCheck: PolicyCheck = {
  name: 'placement',
  codes: ['policy.validate.appx-condition', 'policy.validate.managed-installer-type', 'policy.validate.extensions-collection',
    'policy.validate.extensions-incomplete', 'policy.validate.invalid-services-mode', 'policy.validate.invalid-system-apps',
    'policy.validate.hash-rule-exceptions', 'policy.validate.condition-mismatch'],
  check(policy: AppLockerPolicy, ctx: ValidationContext): void {
    for (const { collection, rule, condition, role } of conditionSites(policy)) {
      if (collection.type === 'Appx' && condition.kind !== 'FilePublisherCondition') {
        const what = condition.kind === 'FilePathCondition' ? 'path' : 'hash';
        ctx.report('policy.validate.appx-condition', 'error',
          role === 'condition' ? `a ${what} rule (\`${clip(rule.name, 40)}\`) in the Appx collection` : `a ${what} exception in Appx rule \`${clip(rule.name, 40)}\``,
          role === 'condition' ? rule : condition, undefined,
          'packaged apps are identified by publisher only: use a <FilePublisherRule> with the package publisher and name');
      }
      if (collection.type === 'ManagedInstaller' && role === 'condition' && condition.kind === 'FilePathCondition') {
        const p = condition.path.toLowerCase();
        if (/\.[a-z0-9]{1,5}$/.test(p) && !p.endsWith('.exe') && !p.endsWith('*')) {
          ctx.report('policy.validate.managed-installer-type', 'warning', `managed installer rule path \`${clip(condition.path)}\` is not an EXE`, condition, 'Path',
            'only EXE files can be designated as managed installers (applocker.md §1.9)');
        }
      }
      if (rule.kind === 'FileHashRule' && 'exceptions' in rule && Array.isArray((rule as { exceptions?: unknown }).exceptions) && (rule as { exceptions: unknown[] }).exceptions.length > 0) {
        ctx.report('policy.validate.hash-rule-exceptions', 'error', `hash rule \`${clip(rule.name, 40)}\` has exceptions`, rule, undefined, 'hash rules cannot have Exceptions (applocker.md §1.1)');
      }
      const want = { FilePathRule: 'FilePathCondition', FilePublisherRule: 'FilePublisherCondition', FileHashRule: 'FileHashCondition' }[rule.kind];
      if (role === 'condition' && condition.kind !== want) {
        ctx.report('policy.validate.condition-mismatch', 'error', `${rule.kind} \`${clip(rule.name, 40)}\` has a ${condition.kind}`, condition, undefined, `a ${rule.kind} takes a ${want}`);
      }
    }
    for (const c of policy.ruleCollections) {
      const e = c.extensions;
      if (!e) continue;
      if (c.type !== 'Exe' && c.type !== 'Dll') {
        ctx.report('policy.validate.extensions-collection', 'warning', `<RuleCollectionExtensions> in the ${clip(c.type)} collection`, e, undefined,
          'rule collection extensions apply only to the Exe and Dll collections; here they do nothing');
      }
      if (!e.thresholdPresent || !e.redstonePresent) {
        ctx.report('policy.validate.extensions-incomplete', 'warning', `<RuleCollectionExtensions> without <${!e.thresholdPresent ? 'ThresholdExtensions' : 'RedstoneExtensions'}>`, e, undefined,
          'Microsoft: "you must include both the ThresholdExtensions and RedstoneExtensions or your policy will cause unexpected behavior"');
      }
      if (e.servicesEnforcementMode !== undefined && !['NotConfigured', 'Enabled', 'ServicesOnly'].includes(e.servicesEnforcementMode)) {
        ctx.report('policy.validate.invalid-services-mode', 'error', `unknown services enforcement mode \`${clip(e.servicesEnforcementMode)}\``, e, undefined,
          enumHelp(e.servicesEnforcementMode, ['NotConfigured', 'Enabled', 'ServicesOnly']));
      }
      if (e.systemAppsAllow !== undefined && !['Enabled', 'NotEnabled'].includes(e.systemAppsAllow)) {
        ctx.report('policy.validate.invalid-system-apps', 'error', `unknown SystemApps value \`${clip(e.systemAppsAllow)}\``, e, undefined, enumHelp(e.systemAppsAllow, ['Enabled', 'NotEnabled']));
      }
    }
  },
};
