/**
 * Lock-out check before a collection is switched to Enforce rules (issue 11 item 2): enforcing a
 * collection that has rules but none that lets Windows (and, for Exe, Program Files) run makes every
 * logon fail — AppLocker's implicit deny (applocker.md §3.2 rule 4) applies to explorer.exe and userinit.exe
 * as to any other file, and the DLL collection checks every library Windows loads (§3.7).
 * Probes: well-known files a standard user's session must run, decided by the evidence-level evaluator
 * (analysis/replay.ts) as Everyone/Users/Interactive/Authenticated Users (§4.4 token). An empty collection
 * allows everything (§3.2 rule 1) and is no lock-out.
 * Same signature as the lint rule `policy/lint/lockout.ts` (another branch); the lead folds the two.
 */
import type { Diagnostic } from '../../diag/index.js';
import { findCollection, type AppLockerPolicy, type RuleCollectionType } from '../../policy/model.js';
import { evidenceDecider, principalFor, type EvidenceFacts } from '../analysis/replay.js';

/** Microsoft's Windows signing publisher as AppLocker logs it (§5.2 FQBN: publisher\product\binary\version). */
const WINDOWS_PUBLISHER = 'O=MICROSOFT CORPORATION, L=REDMOND, S=WASHINGTON, C=US';
const WINDOWS_PRODUCT = 'MICROSOFT® WINDOWS® OPERATING SYSTEM';

interface Probe {
  readonly collection: RuleCollectionType;
  readonly facts: EvidenceFacts;
  readonly what: string;
  readonly help: string;
}

function windowsFile(collection: RuleCollectionType, path: string, binary: string): EvidenceFacts {
  return { collection, filePath: path, fqbnText: `${WINDOWS_PUBLISHER}\\${WINDOWS_PRODUCT}\\${binary}\\10.0.19041.1` };
}

const PROBES: readonly Probe[] = [
  { collection: 'Exe', facts: windowsFile('Exe', '%WINDIR%\\EXPLORER.EXE', 'EXPLORER.EXE'), what: 'the Windows shell (`%WINDIR%\\EXPLORER.EXE`)', help: 'add the default rule `(Default Rule) All files located in the Windows folder` (`lockstep policy defaults`) or an equivalent allow rule for `%WINDIR%\\*`' },
  { collection: 'Exe', facts: windowsFile('Exe', '%SYSTEM32%\\USERINIT.EXE', 'USERINIT.EXE'), what: 'the logon process (`%SYSTEM32%\\USERINIT.EXE`)', help: 'add an allow rule for `%WINDIR%\\*` (AppLocker default rule)' },
  { collection: 'Exe', facts: { collection: 'Exe', filePath: '%PROGRAMFILES%\\COMMON FILES\\LOCKSTEP-PROBE.EXE' }, what: 'programs installed under `%PROGRAMFILES%`', help: 'add the default rule `(Default Rule) All files located in the Program Files folder` or an allow rule for `%PROGRAMFILES%\\*`' },
  { collection: 'Dll', facts: windowsFile('Dll', '%SYSTEM32%\\KERNEL32.DLL', 'KERNEL32.DLL'), what: 'Windows system libraries (`%SYSTEM32%\\KERNEL32.DLL`)', help: 'add the default DLL rule `(Default Rule) Microsoft Windows DLLs` (`%WINDIR%\\*`) before enforcing DLLs' },
  { collection: 'Dll', facts: { collection: 'Dll', filePath: '%PROGRAMFILES%\\COMMON FILES\\LOCKSTEP-PROBE.DLL' }, what: 'libraries under `%PROGRAMFILES%`', help: 'add the default DLL rule `(Default Rule) All DLLs located in the Program Files folder`' },
];

/**
 * Errors for each collection in `collections` whose rules would lock a standard user out once enforced.
 * @example lockoutFindings(policy, ['Exe']) // [] for a policy with the default Exe rules
 */
export function lockoutFindings(policy: AppLockerPolicy, collections: readonly RuleCollectionType[], file?: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  const decide = evidenceDecider(policy);
  const user = principalFor(undefined, false);
  for (const p of PROBES) {
    if (!collections.includes(p.collection)) continue;
    const coll = findCollection(policy, p.collection);
    if (!coll || coll.rules.length === 0) continue;
    const d = decide(p.facts, user);
    if (d.verdict === 'Allowed' || d.verdict === 'AllowedByDefault') continue;
    out.push({
      code: 'rollout.promote.lockout',
      severity: 'error',
      message: `enforcing \`${p.collection}\` would block ${p.what} for standard users: ${d.verdict === 'Denied' ? `deny rule \`${d.ruleName ?? d.ruleId}\` matches it` : 'no allow rule matches it'}`,
      help: p.help,
      location: { kind: 'text', line: 1, column: 1, path: `/AppLockerPolicy/RuleCollection[@Type="${p.collection}"]`, ...(file ? { file } : {}) },
    });
  }
  return out;
}
