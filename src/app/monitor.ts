/**
 * Use case `report drift` (issue 14 item 4): per GPO, the rules that will break at the next update — hash
 * rules whose file appears in the evidence with another hash, publisher rules pinned to one version while
 * newer versions appear — with the publisher rule that would survive and the events it would cover
 * (rollout/monitor/update-drift.ts). The evidence is that of the machines of every business group the GPO
 * applies to, over the window.
 */
import type { RuleCollectionType } from '../policy/model.js';
import { analyseReadiness, simulateAfterEnforcement, simulateFleet, type AfterEnforcementLife, type SimulatedFleet, evidenceComputerNames, groupMachines, selectGpos, withDeclaredEnforcement } from '../rollout/index.js';
import { gposForGroup } from '../rollout/index.js';
import { DEFAULT_ALERTS, hasAlertState, monitorFileKey, monitorGroup, updateDrift, type AlertRule, type GroupMonitor, type UpdateDriftWarning } from '../rollout/monitor/index.js';
import type { HistoryEntry } from '../rollout/promotion/history.js';
import type { RequestPorts, WebhookEndpoint } from './access-request.js';
import type { PromotionPorts } from './accept.js';
import type { ReadinessPorts } from './readiness.js';
import { refuse, succeed, usage, type UseCaseResult } from './result.js';
import { loadWorkspace, openWorkspaceScope, workspaceStoreTarget } from './workspace.js';

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
  const sc = await openWorkspaceScope(ports, (t) => ports.stores.open(t), req, 'drift', '30d', 'ingest the exports first (`lockstep ingest`)');
  if (!sc.ok) return sc;
  const { loaded, gpos, now, days, store } = sc.value;
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

/** Use case `report monitor` (issue 14 items 3 and 2): what enforcement blocked since each promotion, with alerts. */
export interface MonitorRequest {
  readonly gpo?: string;
  /** Window end minus this (`7d` or an ISO date); the window never starts before the promotion. */
  readonly since?: string;
  readonly store?: string;
  readonly now?: Date;
  /** Alert rules; the workspace's or DEFAULT_ALERTS when absent. */
  readonly alerts?: readonly AlertRule[];
  /** Endpoints the alerts are queued for (the outbox delivers them; dedup key rule × group × day × endpoint). */
  readonly webhooks?: readonly WebhookEndpoint[];
  /** Days of audited evidence before the promotion the forecast is made from (default 30). */
  readonly forecastDays?: number;
}

export interface GpoMonitor {
  readonly gpo: string;
  /** The promotion monitored: the last `promote` of the GPO (no ring) not rolled back since. */
  readonly promotion?: { readonly seq: number; readonly time: string; readonly actor: string; readonly collections: readonly RuleCollectionType[] };
  readonly since?: string;
  readonly until: string;
  readonly groups: readonly GroupMonitor[];
}

export interface MonitorOutcome {
  readonly gpos: readonly GpoMonitor[];
  /** A critical finding exists (an approved application was blocked): the CLI exits 2. */
  readonly critical: boolean;
  /** Alerts newly queued to the outbox by this run (a re-run for the same day queues none). */
  readonly alertsQueued: number;
}

function promotionOf(entries: readonly HistoryEntry[], gpo: string): HistoryEntry | undefined {
  let last: HistoryEntry | undefined;
  for (const e of entries) {
    if (e.gpo !== gpo || e.ring) continue;
    if (e.action === 'promote') last = e;
    else if (e.action === 'rollback' && last) last = undefined;
  }
  return last;
}

function utcDays(fromIso: string, toIso: string): { day: string; since: string; until: string }[] {
  const out: { day: string; since: string; until: string }[] = [];
  const end = Date.parse(toIso);
  for (let t = Date.parse(`${fromIso.slice(0, 10)}T00:00:00.000Z`); t <= end && out.length < 400; t += 86_400_000) {
    const day = new Date(t).toISOString().slice(0, 10);
    out.push({ day, since: new Date(Math.max(t, Date.parse(fromIso))).toISOString(), until: new Date(Math.min(t + 86_400_000 - 1, end)).toISOString() });
  }
  return out;
}

export async function monitorReport(ports: RequestPorts, req: MonitorRequest): Promise<UseCaseResult<MonitorOutcome>> {
  const sc = await openWorkspaceScope(ports, (t) => ports.stores.open(t), req, 'monitor', '7d', 'ingest the exports of the enforced machines first (`lockstep ingest`)');
  if (!sc.ok) return sc;
  const { loaded, gpos, now, days, store } = sc.value;
  const t = { value: sc.value.target };
  const out: GpoMonitor[] = [];
  const until = now.toISOString();
  const windowStart = new Date(now.getTime() - days * 86_400_000).toISOString();
  try {
    let history: HistoryEntry[];
    try {
      const hl = await ports.logs.open(t.value);
      try {
        history = await hl.historyEntries();
      } finally {
        await hl.close();
      }
    } catch (e) {
      return refuse('unavailable', [{ code: 'app.monitor.history-unavailable', severity: 'error', message: `cannot read the promotion history in \`${ports.stores.redact(t.value)}\`: ${e instanceof Error ? e.message : String(e)}` }]);
    }
    for (const gpo of gpos) {
      const p = promotionOf(history, gpo.name);
      if (!p || p.time > until) {
        out.push({ gpo: gpo.name, until, groups: [] });
        continue;
      }
      const since = p.time > windowStart ? p.time : windowStart;
      const collections = p.collections.length ? p.collections : undefined;
      // the forecast: readiness as it stood at the promotion, from the audited events before it
      const forecastReport = await analyseReadiness({
        workspace: loaded.workspace, inventory: loaded.inventory, policies: loaded.policies, evidence: store, directory: loaded.directory,
        now: p.time, sinceDays: req.forecastDays ?? 30, gpo: gpo.name, ...(collections ? { collections } : {}),
      });
      const forecastGroups = new Map((forecastReport.gpos.find((g) => g.gpo === gpo.name)?.groups ?? []).map((g) => [g.group, g]));
      const groups: GroupMonitor[] = [];
      for (const group of loaded.workspace.groups.filter((g) => gposForGroup(g, loaded.workspace.gpos).some((a) => a.gpo.name === gpo.name))) {
        const computers = evidenceComputerNames(groupMachines(group, loaded.inventory), loaded.workspace.domain);
        const base = { computers, outcomes: ['blocked' as const], ...(collections ? { collections } : {}) };
        const blockedDays = [];
        for (const d of utcDays(since, until)) blockedDays.push({ day: d.day, files: await store.files({ ...base, since: d.since, until: d.until }) });
        const daily = await store.dailyCounts({ ...base, since, until });
        const before = await store.files({ computers, until: new Date(Date.parse(p.time) - 1).toISOString() });
        const fg = forecastGroups.get(group.name);
        // the forecast covers the audit window's days with evidence; the monitored window may be shorter
        const monitoredDays = Math.max(1 / 24, (Date.parse(until) - Date.parse(since)) / 86_400_000);
        const forecastScale = fg && fg.window.days > 0 ? monitoredDays / fg.window.days : 1;
        groups.push(monitorGroup({
          group: group.name, ...(group.support ? { support: group.support } : {}), approved: group.approved,
          days: blockedDays, daily, seenBefore: new Set(before.map(monitorFileKey)),
          forecastScale, forecast: (fg?.wouldBlock ?? []).map((w) => ({ collection: w.collection, filePath: w.filePath, ...(w.fileHash ? { fileHash: w.fileHash } : {}), events: w.events })),
        }, req.alerts ?? loaded.workspace.monitor?.alerts ?? DEFAULT_ALERTS));
      }
      out.push({ gpo: gpo.name, promotion: { seq: p.seq, time: p.time, actor: p.actor, collections: p.collections }, since, until, groups });
    }
  } finally {
    await store.close();
  }
  let queued = 0;
  const firings = out.flatMap((g) => g.groups.flatMap((gr) => gr.alerts.map((a) => ({ gpo: g.gpo, ...a }))));
  if (req.webhooks?.length && firings.length) {
    // queued at the clock's time (due at once), whatever window end was asked
    const firedAt = ports.clock.now().toISOString();
    let log;
    try {
      log = await ports.requests.open(t.value);
    } catch (e) {
      return refuse('unavailable', [{ code: 'app.monitor.outbox-unavailable', severity: 'error', message: `cannot open the webhook outbox in \`${ports.stores.redact(t.value)}\`: ${e instanceof Error ? e.message : String(e)}` }]);
    }
    try {
      const bodyOf = (a: (typeof firings)[number]): string => JSON.stringify({ kind: 'monitor.alert', rule: a.rule, alert: a.kind, gpo: a.gpo, group: a.group, day: a.day, message: a.message, until, firedAt });
      queued = await log.enqueue(firings.flatMap((a) => req.webhooks!.map((h) => ({
        eventKey: `monitor.alert:${a.rule}:${a.gpo}:${a.group}:${a.day}:${h.url}`, endpoint: h.url, kind: 'monitor.alert', body: bodyOf(a),
      }))), firedAt);
      // alert_state: the last firing per rule × GPO × group (only when this run queued something new)
      if (queued > 0 && hasAlertState(log)) {
        const last = new Map<string, (typeof firings)[number]>();
        for (const a of firings) {
          const k = `${a.rule}:${a.gpo}:${a.group}`;
          const prev = last.get(k);
          if (!prev || a.day > prev.day) last.set(k, a);
        }
        await log.recordAlerts([...last].map(([key, a]) => ({ key, firedAt, body: bodyOf(a) })));
      }
    } finally {
      await log.close();
    }
  }
  const critical = out.some((g) => g.groups.some((gr) => gr.findings.some((f) => f.severity === 'critical')));
  return succeed({ gpos: out, critical, alertsQueued: queued });
}

/** Use case `simulate after-enforcement` (issue 14 item 5): the demo fleet's life after its GPO's promotion. */
export interface AfterEnforcementRequest {
  /** The seed and size the demo fleet was made with (`lockstep demo --seed --machines`). */
  readonly seed: number;
  readonly machines: number;
  readonly gpo: string;
  readonly days?: number;
  /** First day simulated (`YYYY-MM-DD`); default the day after the GPO's last promotion. */
  readonly from?: string;
  readonly store?: string;
  readonly updates?: number;
  /** Update these applications (catalogue keys, e.g. `teams`) instead of a seeded pick. */
  readonly updateApps?: readonly string[];
  readonly requestShare?: number;
}

export interface AfterEnforcementOutcome {
  readonly gpo: string;
  readonly from: string;
  readonly fleet: SimulatedFleet;
  readonly life: AfterEnforcementLife;
}

export async function simulateLifeAfterEnforcement(ports: PromotionPorts, req: AfterEnforcementRequest): Promise<UseCaseResult<AfterEnforcementOutcome>> {
  const l = await loadWorkspace(ports.files);
  if (!l.ok) return refuse('invalid', l.diagnostics);
  const loaded = l.value;
  const gpo = selectGpos(loaded.workspace, req.gpo)[0];
  if (!gpo) return usage('app.simulate.unknown-gpo', `no GPO named \`${req.gpo}\` in the workspace`);
  const fleet = simulateFleet({ seed: req.seed, machines: req.machines });
  const known = new Set(fleet.machines.map((m) => m.name.toUpperCase()));
  if (loaded.inventory.length !== fleet.machines.length || loaded.inventory.some((m) => !known.has(m.name.toUpperCase()))) {
    return usage('app.simulate.not-the-demo-fleet', `the workspace's machines are not those of the synthetic fleet with seed ${req.seed} and ${req.machines} machines`, 'pass the `--seed` and `--machines` the demo was made with');
  }
  const unknownApp = req.updateApps?.find((k) => !fleet.apps.get(k)?.publisher);
  if (unknownApp !== undefined) return usage('app.simulate.unknown-app', `\`${unknownApp}\` is not a signed application of the synthetic catalogue`, `use one of ${[...fleet.apps.values()].filter((a) => a.publisher).map((a) => `\`${a.key}\``).join(', ')}`);
  const t = workspaceStoreTarget(loaded, ports.files, req.store, ports.env);
  if (!t.ok) return refuse('usage', t.diagnostics);
  let from = req.from;
  let history: HistoryEntry[] = [];
  try {
    const hl = await ports.logs.open(t.value);
    try {
      history = await hl.historyEntries();
    } finally {
      await hl.close();
    }
  } catch (e) {
    return refuse('unavailable', [{ code: 'app.simulate.history-unavailable', severity: 'error', message: `cannot read the promotion history: ${e instanceof Error ? e.message : String(e)}` }]);
  }
  const p = promotionOf(history, gpo.name);
  if (!from) {
    if (!p) return usage('app.simulate.not-promoted', `\`${gpo.name}\` has not been promoted: there is no life after enforcement to simulate`, 'promote it first (`lockstep promote`) or pass `--from DATE`');
    from = new Date(Date.parse(`${p.time.slice(0, 10)}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  }
  if (!/^\d{4}-\d{2}-\d{2}$/.test(from) || Number.isNaN(Date.parse(from))) return usage('app.simulate.bad-from', `\`${from}\` is not a date like 2026-11-21`);
  // continue each computer's channel numbering where the stored evidence left it
  const recordIdBase = new Map<string, number>();
  let store;
  try {
    store = await ports.stores.open(t.value);
  } catch (e) {
    return refuse('unavailable', [{ code: 'app.simulate.store-unavailable', severity: 'error', message: `cannot open \`${ports.stores.redact(t.value)}\`: ${e instanceof Error ? e.message : String(e)}` }]);
  }
  try {
    const fromMs = Date.parse(`${from}T00:00:00Z`);
    const act = await store.channelActivity({ since: new Date(fromMs - 30 * 86_400_000).toISOString(), until: new Date(fromMs - 1).toISOString() });
    const keep = (computer: string, channel: string, id: number | undefined): void => {
      if (id === undefined) return;
      const k = `${computer.toUpperCase()}\u001f${channel}`;
      recordIdBase.set(k, Math.max(recordIdBase.get(k) ?? 0, id));
    };
    for (const b of act.before) keep(b.computer, b.channel, b.maxRecordId);
    for (const d of act.days) keep(d.computer, d.channel, d.maxRecordId);
  } finally {
    await store.close();
  }
  const groups = loaded.workspace.groups.filter((g) => gposForGroup(g, loaded.workspace.gpos).some((a) => a.gpo.name === gpo.name)).map((g) => g.name);
  const policies = new Map([...loaded.policies].map(([name, pol]) => {
    const g = loaded.workspace.gpos.find((x) => x.name === name);
    return [name, g ? withDeclaredEnforcement(g, pol) : pol] as const;
  }));
  const life = simulateAfterEnforcement(fleet, {
    seed: req.seed, from, days: req.days ?? 7, policies, groups, recordIdBase,
    ...(req.updates !== undefined ? { updates: req.updates } : {}), ...(req.updateApps?.length ? { updateApps: req.updateApps } : {}), ...(req.requestShare !== undefined ? { requestShare: req.requestShare } : {}),
  });
  return succeed({ gpo: gpo.name, from, fleet, life });
}
