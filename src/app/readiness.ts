/**
 * Use case: is each GPO of a workspace ready to move from Audit only to Enforce rules? Loads the workspace,
 * checks the request (GPO name, window, candidate policy), opens the evidence store, runs the pure analysis
 * (rollout/analysis/readiness.ts) and closes the store. The CLI (`report readiness`, `demo`), the server and
 * promotion all call this one function. Issue 6 items 4–6, issue 10, issue 11 item 8.
 */
import { hasErrors } from '../diag/index.js';
import { parsePolicy, type AppLockerPolicy, type RuleCollectionType } from '../policy/index.js';
import { analyseReadiness, selectGpos, type ReadinessReport } from '../rollout/index.js';
import type { Clock, EnvLookup, EvidenceStores, WorkspaceFiles } from './ports.js';
import { refuse, succeed, usage, type UseCaseResult } from './result.js';
import { loadWorkspace, parseSince, workspaceStoreTarget, type LoadedWorkspace } from './workspace.js';

export interface ReadinessPorts {
  readonly files: WorkspaceFiles;
  readonly stores: EvidenceStores;
  readonly clock: Clock;
  readonly env: EnvLookup;
}

export interface ReadinessRequest {
  /** One GPO (name or GUID); all GPOs when absent. */
  readonly gpo?: string;
  /** Evidence window: `30d` or a past date. Default `30d`. */
  readonly since?: string;
  /** End of the window; default the clock's now. */
  readonly now?: Date;
  /** Store target overriding the workspace's. */
  readonly store?: string;
  /** A candidate policy for one GPO, replayed beside its current one (deltas: newly allowed / still / newly blocked). */
  readonly candidate?: { readonly name: string; readonly bytes: Uint8Array };
  /** Only these collections of the GPO move to Enforce (promotion); default all it configures. */
  readonly collections?: readonly RuleCollectionType[];
  /** An already loaded workspace (the caller loaded it for other reasons); loaded from `files` otherwise. */
  readonly loaded?: LoadedWorkspace;
}

export interface ReadinessOutcome {
  readonly report: ReadinessReport;
  readonly loaded: LoadedWorkspace;
  /** The store target used (unredacted; redact with `stores.redact` before showing it). */
  readonly store: string;
}

/**
 * @example
 * const r = await readiness(ports, { gpo: 'AppLocker - Finance', since: '30d' });
 * if (r.ok) console.log(r.value.report.verdict);
 */
export async function readiness(ports: ReadinessPorts, req: ReadinessRequest): Promise<UseCaseResult<ReadinessOutcome>> {
  let loaded = req.loaded;
  if (!loaded) {
    const l = await loadWorkspace(ports.files);
    if (!l.ok) return refuse('invalid', l.diagnostics);
    loaded = l.value;
  }
  const now = req.now ?? ports.clock.now();
  if (Number.isNaN(now.getTime())) return usage('app.readiness.bad-now', 'the end of the window is not a date');
  const sinceText = req.since ?? '30d';
  const sinceDays = parseSince(sinceText, now);
  if (sinceDays === undefined) return usage('app.readiness.bad-since', `\`${sinceText}\` is neither a number of days like \`30d\` nor a past date`);
  // A mistyped GPO is a usage error, not a "not ready" answer a CI gate would act on.
  if (req.gpo && selectGpos(loaded.workspace, req.gpo).length === 0) {
    return usage('app.readiness.unknown-gpo', `no GPO named \`${req.gpo}\` in the workspace`, `known GPOs: ${loaded.workspace.gpos.map((g) => `\`${g.name}\``).join(', ')}`);
  }
  let candidate: { name: string; policy: AppLockerPolicy } | undefined;
  if (req.candidate) {
    if (!req.gpo && loaded.workspace.gpos.length !== 1) return usage('app.readiness.candidate-needs-gpo', 'a candidate policy replaces one GPO\'s policy: name the GPO');
    const r = parsePolicy(req.candidate.bytes, { file: req.candidate.name });
    const errors = r.diagnostics.filter((d) => d.severity === 'error');
    if (!r.ok || hasErrors(r.diagnostics)) return refuse('invalid', errors);
    candidate = { name: req.candidate.name, policy: r.value.policy };
  }
  const gpo = req.gpo ?? (candidate ? loaded.workspace.gpos[0]!.name : undefined);
  const t = workspaceStoreTarget(loaded, ports.files, req.store, ports.env);
  if (!t.ok) return refuse('usage', t.diagnostics);
  const target = t.value;
  if (!(await ports.stores.exists(target))) {
    return refuse('unavailable', [{ code: 'app.readiness.no-store', severity: 'error', message: `no evidence store at \`${ports.stores.redact(target)}\``, help: `ingest exports first: \`lockstep ingest --store ${ports.stores.redact(target)} EXPORTS…\`` }]);
  }
  let store;
  try {
    store = await ports.stores.open(target);
  } catch (e) {
    return refuse('unavailable', [{ code: 'app.store.unavailable', severity: 'error', message: `cannot open the evidence store \`${ports.stores.redact(target)}\`: ${e instanceof Error ? e.message : String(e)}` }]);
  }
  try {
    const report = await analyseReadiness({
      workspace: loaded.workspace, inventory: loaded.inventory, policies: loaded.policies, evidence: store, directory: loaded.directory,
      now: now.toISOString(), sinceDays,
      ...(gpo ? { gpo } : {}), ...(candidate ? { candidate } : {}), ...(req.collections ? { collections: req.collections } : {}),
    });
    return succeed({ report, loaded, store: target }, loaded.diagnostics);
  } finally {
    await store.close();
  }
}
