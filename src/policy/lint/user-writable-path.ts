/**
 * User-writable allowed paths (issue 16 item 5): an allow path rule for standard users that covers a folder
 * a standard user can write to lets anyone drop a program there and run it — the best-known AppLocker
 * bypass. The default rule `%WINDIR%\*` without exceptions is the classic case: %WINDIR%\Temp, \Tasks,
 * \tracing, System32\spool\PRINTERS … are writable (the one list: ../user-writable.ts, with its sources;
 * applocker.md §7 security caveat; NSA starter policy adds exceptions for exactly these).
 * Each finding names the writable folders the rule covers and the exceptions that would close them.
 */
import { isUserWritablePath, USER_WRITABLE_EXAMPLES, USER_WRITABLE_FOLDERS } from '../user-writable.js';
import type { RuleCollectionType } from '../model.js';
import { isAdminSid, isBroadSid } from './match.js';
import { ruleFinding, type LintFinding, type LintRule } from './types.js';

export const USER_WRITABLE_CODE = 'policy.lint.user-writable-path';

/** A file name per collection to probe a folder with (any name would do: the rule's wildcard decides). */
const PROBE_FILE: Record<RuleCollectionType, string> = {
  Exe: 'LOCKSTEP-PROBE.EXE', Dll: 'LOCKSTEP-PROBE.DLL', Script: 'LOCKSTEP-PROBE.PS1', Msi: 'LOCKSTEP-PROBE.MSI',
  Appx: 'LOCKSTEP-PROBE.APPX', ManagedInstaller: 'LOCKSTEP-PROBE.EXE',
};

/** The way an exception for a folder is written, keeping AppLocker's short variable forms. */
function exceptionFor(folder: string): string {
  return `${folder}\\*`;
}

export const userWritablePathRule: LintRule = {
  code: USER_WRITABLE_CODE,
  severity: 'error',
  title: 'an allow path rule for standard users that covers a folder they can write to',
  check(policy, ctx) {
    const out: LintFinding[] = [];
    const folders = [
      ...USER_WRITABLE_FOLDERS.map((f) => f.path),
      ...USER_WRITABLE_EXAMPLES.map((f) => f.path),
      ...(ctx.writableDirs ?? []),
    ];
    for (const c of policy.ruleCollections) {
      if (c.type === 'Appx') continue; // packaged apps have no path rules (§2.1)
      for (const r of c.rules) {
        if (r.kind !== 'FilePathRule' || r.action !== 'Allow' || isAdminSid(r.userOrGroupSid)) continue;
        const severity = isBroadSid(r.userOrGroupSid) ? 'error' : 'warning';
        const path = r.condition.path;
        if (!path.includes('*') && !path.includes('?') && !path.endsWith('\\')) {
          // One named file: the finding is that a user can replace it, if it sits where users write.
          if (isUserWritablePath(path, ctx.writableDirs)) {
            out.push(ruleFinding(ctx, USER_WRITABLE_CODE, 'warning', c.type, r,
              `allow rule \`${r.name}\` names \`${path}\`, a file in a user-writable folder: a user can replace it with any program`,
              'allow the file by publisher or hash instead, or move it to a folder only administrators can write'));
          }
          continue;
        }
        const open = folders.filter((f) => ctx.matches(r, c.type, { path: `${f}\\${PROBE_FILE[c.type]}` }));
        if (open.length === 0) continue;
        // Every folder is named: the admin needs the whole list to write the exceptions (capped for hostile input).
        const shown = open.slice(0, 40).map((f) => `\`${f}\``).join(', ') + (open.length > 40 ? ` and ${open.length - 40} more` : '');
        const inTrusted = open.filter((f) => !USER_WRITABLE_EXAMPLES.some((e) => e.path === f));
        const help = inTrusted.length === open.length
          ? `add path exceptions to the rule: ${open.slice(0, 40).map((f) => `\`${exceptionFor(f)}\``).join(', ')}${open.length > 40 ? ' …' : ''} (as the NSA starter policy does)`
          : 'narrow the path to folders only administrators can write (%WINDIR%, %PROGRAMFILES%) and add exceptions for their writable subfolders; allow anything else by publisher or hash';
        out.push(ruleFinding(ctx, USER_WRITABLE_CODE, severity, c.type, r,
          `allow rule \`${r.name}\` (\`${path}\`) lets ${isBroadSid(r.userOrGroupSid) ? 'every user' : `\`${r.userOrGroupSid}\``} run files from user-writable folders: ${shown}`,
          help));
      }
    }
    return out;
  },
};
