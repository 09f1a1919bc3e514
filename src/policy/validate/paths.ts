/**
 * Path condition checks (applocker.md §1.1 Path 1..32767, §4.1 path variables): only the six AppLocker
 * variables are expanded, and only at the start of the path; `%PROGRAMFILE%` gets a suggestion;
 * `%APPDATA%` and other environment variables are errors because AppLocker never expands them.
 */
import type { AppLockerPolicy } from '../model.js';
import { ENVIRONMENT_VARIABLES, PATH_VARIABLES, isPathVariable, suggestPathVariable } from '../path-variables.js';
import { clip, type PolicyCheck, type ValidationContext } from './context.js';
import { conditionSites } from './walk.js';

const VAR_RE = /%([^%\\/*?"<>|]{1,64})%/g;

export const pathsCheck: PolicyCheck = {
  name: 'paths',
  codes: ['policy.validate.empty-path', 'policy.validate.path-too-long', 'policy.validate.unknown-path-variable',
    'policy.validate.environment-variable', 'policy.validate.path-variable-position'],
  check(policy: AppLockerPolicy, ctx: ValidationContext): void {
    for (const { condition: c } of conditionSites(policy)) {
      if (c.kind !== 'FilePathCondition') continue;
      if (c.path === '') {
        ctx.report('policy.validate.empty-path', 'error', 'the path condition is empty', c, 'Path', 'write `*` for every file, or a folder such as `%PROGRAMFILES%\\*`');
        continue;
      }
      if (c.path.length > 32767) {
        ctx.report('policy.validate.path-too-long', 'error', `the path has ${c.path.length} characters`, c, 'Path', 'the schema allows at most 32767');
        continue;
      }
      for (const m of c.path.matchAll(VAR_RE)) {
        const token = m[0];
        const name = m[1]!.toUpperCase();
        if (isPathVariable(name)) {
          if (m.index !== 0) {
            ctx.report('policy.validate.path-variable-position', 'warning', `path variable \`${token}\` in \`${clip(c.path)}\` is not at the start`, c, 'Path',
              'AppLocker expands a path variable only at the start of the path; elsewhere it is literal text');
          }
          continue;
        }
        if (name in ENVIRONMENT_VARIABLES) {
          const eq = ENVIRONMENT_VARIABLES[name];
          ctx.report('policy.validate.environment-variable', 'error', `\`${token}\` is an environment variable, which AppLocker does not expand`, c, 'Path',
            eq ? `use the AppLocker path variable \`${eq}\`` : `AppLocker expands only ${PATH_VARIABLES.join(' ')}; write the folder with a wildcard instead (e.g. \`%OSDRIVE%\\Users\\*\\AppData\\*\`)`);
          continue;
        }
        const s = suggestPathVariable(name);
        ctx.report('policy.validate.unknown-path-variable', 'error', `unknown path variable \`${token}\``, c, 'Path',
          s ? `did you mean \`${s}\`?` : `AppLocker path variables are ${PATH_VARIABLES.join(' ')}`);
      }
    }
  },
};
