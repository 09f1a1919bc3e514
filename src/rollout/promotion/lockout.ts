/**
 * Lock-out check before a collection is switched to Enforce rules (issue 11 item 2): enforcing a collection
 * that has rules but none that lets Windows (and, for Exe, Program Files) run makes every logon fail —
 * AppLocker's implicit deny (applocker.md §3.2 rule 4) applies to explorer.exe and userinit.exe as to any other
 * file, and the DLL collection checks every library Windows loads (§3.7).
 * This is the lint rule `policy/lint/lockout.ts` (one check, one place), decided by the engine
 * (`engineRuleMatcher`), with every finding made a refusal: promotion does not enforce what would lock
 * anyone out, whether the file is Windows itself or an application under Program Files.
 */
import type { Diagnostic } from '../../diag/index.js';
import { lockoutFindings as lintLockout } from '../../policy/lint/lockout.js';
import type { AppLockerPolicy, RuleCollectionType } from '../../policy/model.js';
import { engineRuleMatcher } from '../analysis/engine-decider.js';

/**
 * Errors for each collection in `collections` whose rules would lock a standard user out once enforced.
 * @example lockoutFindings(policy, ['Exe']) // [] for a policy with the default Exe rules
 */
export function lockoutFindings(policy: AppLockerPolicy, collections: readonly RuleCollectionType[], file?: string): Diagnostic[] {
  return lintLockout(policy, collections, { matches: engineRuleMatcher, ...(file ? { file } : {}) }).map((f) => ({
    code: 'rollout.promote.lockout',
    severity: 'error' as const,
    message: f.message,
    ...(f.help ? { help: f.help } : {}),
    location: { kind: 'text' as const, line: 1, column: 1, path: `/AppLockerPolicy/RuleCollection[@Type="${f.collection}"]`, ...(file ? { file } : {}) },
  }));
}
