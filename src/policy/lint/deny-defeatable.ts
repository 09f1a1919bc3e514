/**
 * Deny rules that a copy or rename defeats (issue 16 item 5). A deny path rule that names a file
 * (`%SYSTEM32%\mshta.exe`, `*\psexec.exe`) stops nothing once the user copies the file elsewhere or renames
 * it, wherever the allow rules let it run (UALB Generic-AppLockerbypasses.md: "copy the binary to a
 * whitelisted folder"); a publisher deny matches the signed OriginalFilename, which survives both
 * (applocker.md §5.1 BinaryName from the version resource). Deny path rules on whole folders
 * (`%WINDIR%\Temp\*`) are not reported: moving the file out of the folder is what they intend.
 */
import { ruleFinding, type LintFinding, type LintRule } from './types.js';

export const DENY_DEFEATABLE_CODE = 'policy.lint.deny-defeatable';

export const denyDefeatableRule: LintRule = {
  code: DENY_DEFEATABLE_CODE,
  severity: 'warning',
  title: 'deny path rules on a file name, which a copy or rename defeats',
  check(policy, ctx) {
    const out: LintFinding[] = [];
    for (const c of policy.ruleCollections) {
      for (const r of c.rules) {
        if (r.kind !== 'FilePathRule' || r.action !== 'Deny') continue;
        const path = r.condition.path.replace(/\//g, '\\');
        const last = path.slice(path.lastIndexOf('\\') + 1);
        if (last === '' || last === '*' || last === '*.*') continue;
        out.push(ruleFinding(ctx, DENY_DEFEATABLE_CODE, 'warning', c.type, r,
          `deny rule \`${r.name}\` blocks the file name \`${last}\` at \`${path}\`: a copy to another allowed folder or a rename runs it`,
          'deny by publisher (BinaryName is the signed OriginalFilename, which a rename does not change) or by hash, and keep users from writing where the allow rules trust'));
      }
    }
    return out;
  },
};
