/**
 * Helpers the promotion use cases share: find the GPO a request names, read its policy file as it stands
 * (bytes and parse, for exact hashing and for writing back in the file's own encoding and layout), and encode
 * a changed policy in that same form (canonical layout, policy/xml/format.ts).
 */
import { hasErrors } from '../diag/index.js';
import { encodePolicy, formatOptionsOf, parsePolicy, type AppLockerPolicy, type ParsedPolicy } from '../policy/index.js';
import { selectGpos, type Gpo } from '../rollout/index.js';
import type { WorkspaceFiles } from './ports.js';
import { refuse, succeed, usage, type UseCaseResult } from './result.js';
import type { LoadedWorkspace } from './workspace.js';

export interface GpoFile {
  readonly gpo: Gpo;
  readonly bytes: Uint8Array;
  readonly parsed: ParsedPolicy;
  /** Absolute path, for diagnostics. */
  readonly file: string;
}

export function findGpo(loaded: LoadedWorkspace, sel: string | undefined, code: string): UseCaseResult<Gpo> {
  if (!sel) return usage(`${code}.gpo-required`, 'name the GPO with `--gpo NAME`', `known GPOs: ${loaded.workspace.gpos.map((g) => `\`${g.name}\``).join(', ')}`);
  const g = selectGpos(loaded.workspace, sel);
  if (g.length === 0) return usage(`${code}.unknown-gpo`, `no GPO named \`${sel}\` in the workspace`, `known GPOs: ${loaded.workspace.gpos.map((x) => `\`${x.name}\``).join(', ')}`);
  return succeed(g[0]!);
}

/** The GPO's policy file as loaded with the workspace. */
export function gpoFile(loaded: LoadedWorkspace, files: WorkspaceFiles, gpo: Gpo): UseCaseResult<GpoFile> {
  const bytes = loaded.policyBytes.get(gpo.name);
  const file = files.resolve(gpo.policy);
  if (!bytes) return refuse('invalid', [{ code: 'app.promote.policy-missing', severity: 'error', message: `the policy file of \`${gpo.name}\` could not be loaded`, location: { kind: 'text', file, line: 1, column: 1 } }]);
  const parsed = parsePolicy(bytes, { file });
  if (!parsed.ok) return refuse('invalid', parsed.diagnostics);
  return succeed({ gpo, bytes, parsed: parsed.value, file });
}

/** `policy` written in the same encoding, root, newline and declaration as `like`, re-read to prove it parses. */
export function encodeLike(policy: AppLockerPolicy, like: ParsedPolicy, file: string): UseCaseResult<Uint8Array> {
  const bytes = encodePolicy(policy, formatOptionsOf(like, like.root === 'RuleCollection' && policy.ruleCollections.length !== 1 ? { root: 'AppLockerPolicy' } : {}));
  const check = parsePolicy(bytes, { file });
  if (!check.ok || hasErrors(check.diagnostics)) return refuse('invalid', check.diagnostics);
  return succeed(bytes);
}
