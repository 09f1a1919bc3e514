/**
 * Use case `import` (issue 11 item 7): read what is deployed — the XML of `Get-AppLockerPolicy -Domain -Ldap …
 * -Xml` (one GPO) or `-Effective -Xml` (a machine's merged policy; applocker.md §8, deployment.md §2.5) — and
 * report drift between it and the workspace's policy for the GPO as a semantic diff (policy/diff.ts). The
 * workspace's side carries its declared enforcement (what it would deploy). The deployed bytes are recorded in
 * the history, so the next bundle can diff "deployed → new".
 */
import type { Diagnostic } from '../diag/index.js';
import { diffPolicies, parsePolicy, renderPolicyDiff, type PolicyDiff } from '../policy/index.js';
import { withDeclaredEnforcement } from '../rollout/index.js';
import { sha256Hex, type HistoryEntry } from '../rollout/promotion/history.js';
import { collectionModes } from '../rollout/promotion/enforce.js';
import type { PromotionPorts } from './accept.js';
import { findGpo } from './gpo-file.js';
import { historyTarget, recordEntry } from './history.js';
import { refuse, succeed, type UseCaseResult } from './result.js';
import { loadWorkspace } from './workspace.js';

export interface ImportRequest {
  readonly gpo: string;
  readonly name: string;
  readonly bytes: Uint8Array;
  readonly actor: string;
  readonly store?: string;
  /** Record the import in the history (default true). */
  readonly record?: boolean;
}

export interface ImportOutcome {
  readonly gpo: string;
  /** Deployed → workspace. */
  readonly diff: PolicyDiff;
  readonly diffText: string;
  readonly drift: boolean;
  readonly entry?: HistoryEntry;
}

export async function importDeployed(ports: PromotionPorts, req: ImportRequest): Promise<UseCaseResult<ImportOutcome>> {
  const l = await loadWorkspace(ports.files);
  if (!l.ok) return refuse('invalid', l.diagnostics);
  const loaded = l.value;
  const g = findGpo(loaded, req.gpo, 'app.import');
  if (!g.ok) return g;
  const gpo = g.value;
  // Get-AppLockerPolicy -Xml piped to a file is UTF-16 from Windows PowerShell or UTF-8 from PowerShell 7;
  // the policy reader detects either (policy/xml/encoding.ts).
  const deployed = parsePolicy(req.bytes, { file: req.name });
  if (!deployed.ok || deployed.diagnostics.some((d) => d.severity === 'error')) return refuse('invalid', deployed.diagnostics.filter((d) => d.severity === 'error'));
  const mine = loaded.policies.get(gpo.name);
  const mineBytes = loaded.policyBytes.get(gpo.name);
  if (!mine || !mineBytes) return refuse('invalid', [{ code: 'app.import.policy-missing', severity: 'error', message: `the policy file of \`${gpo.name}\` could not be loaded` }]);
  const workspace = withDeclaredEnforcement(gpo, mine);
  const diff = diffPolicies(deployed.value.policy, workspace);
  const diags: Diagnostic[] = [];
  let entry: HistoryEntry | undefined;
  if (req.record !== false) {
    const t = historyTarget(ports, loaded, req.store);
    if (!t.ok) return t;
    const rec = await recordEntry(ports, t.value, {
      action: 'import', actor: req.actor, time: ports.clock.now().toISOString(), gpo: gpo.name, gpoGuid: gpo.guid,
      policyFile: gpo.policy, collections: deployed.value.policy.ruleCollections.map((c) => c.type),
      modesBefore: collectionModes(deployed.value.policy), modesAfter: collectionModes(workspace),
      policyBefore: sha256Hex(req.bytes), policyAfter: sha256Hex(mineBytes), source: req.name,
    }, [req.bytes, mineBytes]);
    if (!rec.ok) return rec;
    entry = rec.value;
    diags.push(...rec.diagnostics);
  }
  return succeed({ gpo: gpo.name, diff, diffText: renderPolicyDiff(diff), drift: !diff.identical, ...(entry ? { entry } : {}) }, diags);
}
