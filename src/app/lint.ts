/**
 * Use case: lint policies (issue 16 item 5) — every finding of policy/lint for each policy, and, when an
 * evidence store is named (directly or through the workspace), how many recorded events each finding's rule
 * allowed. The CLI (`lockstep policy lint`) and later the server call this; readiness uses `lintPolicy` directly.
 */
import { engineRuleMatcher } from '../rollout/analysis/engine-decider.js';
import { hasErrors, type Diagnostic } from '../diag/index.js';
import { correlateFindings, lintPolicy, parsePolicy, type CorrelatedFinding, type FileInformation, type RuleEventCount } from '../policy/index.js';
import type { Clock, EnvLookup, EvidenceStores, WorkspaceFiles } from './ports.js';
import { refuse, succeed, usage, type UseCaseResult } from './result.js';
import { loadWorkspace, parseSince, workspaceStoreTarget } from './workspace.js';

export interface LintPorts {
  readonly stores: EvidenceStores;
  readonly clock: Clock;
  readonly env: EnvLookup;
  /** The workspace, when the evidence comes from its store. */
  readonly files?: WorkspaceFiles;
}

export interface LintRequest {
  readonly policies: readonly { readonly name: string; readonly bytes: Uint8Array }[];
  /** Correlate with this store (SQLite file or postgres:// URL); else the workspace's when `files` is given. */
  readonly store?: string;
  /** Evidence window: `30d` or a past date (default 30d). */
  readonly since?: string;
  readonly writableDirs?: readonly string[];
  readonly fileFacts?: readonly FileInformation[];
}

export interface LintedPolicy {
  readonly file: string;
  readonly valid: boolean;
  /** Parse/validation diagnostics when the policy is invalid. */
  readonly diagnostics: readonly Diagnostic[];
  readonly findings: readonly CorrelatedFinding[];
}

export interface LintOutcome {
  readonly results: readonly LintedPolicy[];
  /** The evidence correlated with (store redacted), when any. */
  readonly evidence?: { readonly target: string; readonly since: string };
}

/** A store that can count events per rule (both Lockstep stores can; an in-memory test port may not). */
type RuleCounting = { ruleCounts(filter: { since?: string }): Promise<readonly RuleEventCount[]> };

/**
 * @example
 * const r = await lintPolicies(ports, { policies: [{ name: 'gpo.xml', bytes }], store: 'evidence.db' });
 * if (r.ok) r.value.results[0].findings.filter((f) => f.severity === 'error');
 */
export async function lintPolicies(ports: LintPorts, req: LintRequest): Promise<UseCaseResult<LintOutcome>> {
  const results: LintedPolicy[] = req.policies.map((p) => {
    const r = parsePolicy(p.bytes, { file: p.name });
    if (!r.ok || hasErrors(r.diagnostics)) return { file: p.name, valid: false, diagnostics: r.diagnostics, findings: [] };
    const findings = lintPolicy(r.value.policy, {
      matches: engineRuleMatcher,
      locations: r.value.locations, file: p.name,
      ...(req.writableDirs ? { writableDirs: req.writableDirs } : {}),
      ...(req.fileFacts ? { fileFacts: req.fileFacts } : {}),
    });
    return { file: p.name, valid: true, diagnostics: [], findings };
  });
  let target = req.store;
  if (!target && ports.files) {
    const l = await loadWorkspace(ports.files);
    if (!l.ok) return refuse('invalid', l.diagnostics);
    const t = workspaceStoreTarget(l.value, ports.files, undefined, ports.env);
    if (!t.ok) return refuse('invalid', t.diagnostics);
    target = t.value;
  }
  if (!target) return succeed({ results });
  const now = ports.clock.now();
  const sinceText = req.since ?? '30d';
  const days = parseSince(sinceText, now);
  if (days === undefined) return usage('app.lint.bad-since', `\`${sinceText}\` is neither a number of days like \`30d\` nor a past date`);
  if (!(await ports.stores.exists(target))) {
    return usage('app.lint.no-store', `no evidence store at \`${ports.stores.redact(target)}\``, 'ingest events first (`lockstep ingest`), or pass the right `--store`');
  }
  const since = new Date(now.getTime() - days * 86_400_000).toISOString();
  let store;
  try {
    store = await ports.stores.open(target);
  } catch (e) {
    return refuse('unavailable', [{ code: 'app.lint.store-unavailable', severity: 'error', message: `cannot open the evidence store \`${ports.stores.redact(target)}\`: ${(e as Error).message}` }]);
  }
  try {
    const counting = store as Partial<RuleCounting>;
    if (typeof counting.ruleCounts !== 'function') return refuse('unavailable', [{ code: 'app.lint.no-rule-counts', severity: 'error', message: 'this evidence store cannot count events per rule' }]);
    const counts = await counting.ruleCounts({ since });
    const correlated = results.map((r) => ({ ...r, findings: correlateFindings(r.findings, counts) }));
    return succeed({ results: correlated, evidence: { target: ports.stores.redact(target), since } });
  } finally {
    await store.close();
  }
}
