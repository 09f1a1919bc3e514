/**
 * Lock-out risk (issue 16 item 5): a collection enforced without a rule that lets standard users run Windows
 * itself. Enforcing Exe rules with no rule for the Windows folder blocks explorer.exe and userinit.exe at
 * logon; enforcing DLL rules with none blocks every process (MS Learn, "Understanding AppLocker default
 * rules": the default rules exist "to ensure that the files that are required for Windows to operate
 * properly are allowed"; "DLL rule collection … can affect system performance", create the default DLL
 * rules first). applocker.md §7 (default rules), §3 (implicit deny once a collection has rules).
 *
 * Also exported as `lockoutFindings(policy, collections, ctx)`: promotion (rollout/promotion/lockout.ts) refuses
 * with it to move a collection to Enforce when it would lock users out — one check, decided by the engine.
 */
import type { Severity } from '../../diag/index.js';
import { enforcementModeOf, findCollection, type AppLockerPolicy, type RuleCollectionType } from '../model.js';
import { isBroadSid, MICROSOFT_PUBLISHER, WINDOWS_PRODUCT, type Probe } from './match.js';
import { probeCollection } from './probe.js';
import { where, type LintContext, type LintFinding, type LintRule } from './types.js';

export const LOCKOUT_CODE = 'policy.lint.lockout';

const ms = (binaryName: string): Probe['publisher'] => ({ publisherName: MICROSOFT_PUBLISHER, productName: WINDOWS_PRODUCT, binaryName, version: '10.0.19041.1' });

/** Files standard users cannot do without, per collection, and what goes wrong when they are blocked. */
const ESSENTIAL: Partial<Record<RuleCollectionType, readonly { probe: Probe; what: string; severity: Severity }[]>> = {
  Exe: [
    { probe: { path: '%WINDIR%\\EXPLORER.EXE', publisher: ms('EXPLORER.EXE') }, what: 'the Windows shell (explorer.exe) will not start at logon', severity: 'error' },
    { probe: { path: '%SYSTEM32%\\USERINIT.EXE', publisher: ms('USERINIT.EXE') }, what: 'logon (userinit.exe) will fail', severity: 'error' },
    // an unsigned program under Program Files: a Microsoft publisher rule does not cover third-party applications
    { probe: { path: '%PROGRAMFILES%\\COMMON FILES\\LOCKSTEP-PROBE.EXE' }, what: 'installed applications under Program Files will not run', severity: 'warning' },
  ],
  Dll: [
    { probe: { path: '%SYSTEM32%\\KERNEL32.DLL', publisher: ms('KERNEL32.DLL') }, what: 'Windows DLLs (kernel32.dll, loaded by every process) will not load, so no process a user starts can run', severity: 'error' },
    { probe: { path: '%SYSTEM32%\\SHELL32.DLL', publisher: ms('SHELL32.DLL') }, what: 'the Windows shell DLL (shell32.dll) will not load, so the desktop cannot start', severity: 'error' },
  ],
};

/**
 * Lock-out findings for `collections` as if they were enforced (whatever their mode now), for standard users
 * (rules for Everyone, Users, Authenticated Users, Interactive or Domain Users).
 * @example lockoutFindings(policy, ['Exe', 'Dll'], { matches: engineRuleMatcher }) // [] when the default rules are present
 */
export function lockoutFindings(policy: AppLockerPolicy, collections: readonly RuleCollectionType[], ctx: LintContext, severityCap?: Severity): LintFinding[] {
  const out: LintFinding[] = [];
  for (const type of collections) {
    const c = findCollection(policy, type);
    const essentials = ESSENTIAL[type];
    // No rules in the collection: AppLocker allows everything of that type (§3 "no rules ⇒ allow all").
    if (!essentials || !c || c.rules.length === 0) continue;
    const location = c ? where(ctx, c) : undefined;
    for (const e of essentials) {
      const v = probeCollection(c, e.probe, isBroadSid, ctx.matches);
      if (v.allow && !v.deny) continue;
      const severity: Severity = severityCap === 'warning' && e.severity === 'error' ? 'warning' : e.severity;
      const because = v.deny
        ? `deny rule \`${v.deny.name}\` covers \`${e.probe.path}\` for all users`
        : `no rule allows \`${e.probe.path}\` for standard users`;
      out.push({
        code: LOCKOUT_CODE, severity,
        message: `enforcing the ${type} collection locks users out: ${because}, so ${e.what}`,
        help: type === 'Dll'
          ? 'add the default DLL rules (`lockstep policy defaults`): allow Everyone `%WINDIR%\\*` (with the user-writable exceptions) and `%PROGRAMFILES%\\*`'
          : 'add the default rules (`lockstep policy defaults`): allow Everyone `%WINDIR%\\*` (with the user-writable exceptions) and `%PROGRAMFILES%\\*`, or a publisher rule for Microsoft Windows',
        ...(location ? { location } : {}),
        ...(v.deny ? { ruleId: v.deny.id, ruleName: v.deny.name } : {}),
        collection: type,
      });
    }
  }
  return out;
}

export const lockoutRule: LintRule = {
  code: LOCKOUT_CODE,
  severity: 'error',
  title: 'an enforced (or audited) collection without a rule that lets standard users run Windows itself',
  check(policy, ctx) {
    // Enforced now: an error. Audit only: the lock-out happens at promotion, so a warning now.
    const enforced = policy.ruleCollections.filter((c) => enforcementModeOf(c) === 'Enabled').map((c) => c.type);
    const audited = policy.ruleCollections.filter((c) => enforcementModeOf(c) === 'AuditOnly').map((c) => c.type);
    return [...lockoutFindings(policy, enforced, ctx), ...lockoutFindings(policy, audited, ctx, 'warning')];
  },
};
