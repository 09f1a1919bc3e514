/**
 * Use case `report drift` (issue 14 item 4): per GPO, the rules that will break at the next update — hash
 * rules whose file appears in the evidence with another hash, publisher rules pinned to one version while
 * newer versions appear — with the publisher rule that would survive and the events it would cover
 * (rollout/monitor/update-drift.ts). The evidence is that of the machines of every business group the GPO
 * applies to, over the window.
 */
import { evidenceComputerNames, groupMachines, selectGpos, withDeclaredEnforcement } from '../rollout/index.js';
import { gposForGroup } from '../rollout/index.js';
import { updateDrift, type UpdateDriftWarning } from '../rollout/monitor/index.js';
import type { ReadinessPorts } from './readiness.js';
import { refuse, succeed, usage, type UseCaseResult } from './result.js';
import { loadWorkspace, parseSince, workspaceStoreTarget } from './workspace.js';

export interface DriftRequest {
  readonly gpo?: string;
  readonly since?: string;
  readonly store?: string;
  readonly now?: Date;
}

export interface GpoDrift {
  readonly gpo: string;
  readonly warnings: readonly UpdateDriftWarning[];
}

export async function updateDriftReport(ports: ReadinessPorts, req: DriftRequest): Promise<UseCaseResult<GpoDrift[]>> {
  const l = await loadWorkspace(ports.files);
  if (!l.ok) return refuse('invalid', l.diagnostics);
  const loaded = l.value;
  const gpos = req.gpo ? selectGpos(loaded.workspace, req.gpo) : loaded.workspace.gpos;
  if (req.gpo && gpos.length === 0) return usage('app.drift.unknown-gpo', `no GPO named \`${req.gpo}\` in the workspace`);
  const now = req.now ?? ports.clock.now();
  const days = parseSince(req.since ?? '30d', now);
  if (days === undefined) return usage('app.drift.bad-since', `\`${req.since}\` is not a window`, 'use `30d` or an ISO date');
  const t = workspaceStoreTarget(loaded, ports.files, req.store, ports.env);
  if (!t.ok) return refuse('usage', t.diagnostics);
  let store;
  try {
    store = await ports.stores.open(t.value);
  } catch (e) {
    return refuse('unavailable', [{ code: 'app.drift.store-unavailable', severity: 'error', message: `cannot open \`${ports.stores.redact(t.value)}\`: ${e instanceof Error ? e.message : String(e)}` }]);
  }
  try {
    const out: GpoDrift[] = [];
    for (const gpo of gpos) {
      const policy = loaded.policies.get(gpo.name);
      if (!policy) continue;
      const groups = loaded.workspace.groups.filter((g) => gposForGroup(g, loaded.workspace.gpos).some((a) => a.gpo.name === gpo.name));
      const machines = [...new Set(groups.flatMap((g) => groupMachines(g, loaded.inventory)))];
      const files = await store.files({ since: new Date(now.getTime() - days * 86_400_000).toISOString(), until: now.toISOString(), computers: evidenceComputerNames(machines, loaded.workspace.domain) });
      out.push({ gpo: gpo.name, warnings: updateDrift(withDeclaredEnforcement(gpo, policy), files, gpo.name) });
    }
    return succeed(out);
  } finally {
    await store.close();
  }
}
