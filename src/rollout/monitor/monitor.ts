/**
 * Monitoring after enforcement (issue 14 item 3): from the promotion date of a GPO's collections, what the
 * enforced policy actually blocked — events 8004 (EXE/DLL), 8007 (MSI/Script), 8022 (packaged app run),
 * 8025 (packaged app install), outcome `blocked` (applocker.md §9) — per day, group, collection and file;
 * files first seen after the promotion; users and machines affected; blocks of the group's approved
 * applications (critical: the policy breaks what the business declared it needs); the audit-period
 * forecast (what readiness said Enforce would block, from the audited events before the promotion)
 * against what happened; and the alert rules that fire. Pure: the use case (app/monitor.ts) queries the
 * store and passes the aggregates in.
 */
import type { RuleCollectionType } from '../../policy/model.js';
import { approvedMatcher } from '../analysis/would-block.js';
import type { DailyCount, FileEvidence } from '../ports.js';
import type { AlertRule, ApprovedApplication } from '../workspace/model.js';

export type { AlertRule };

/**
 * Defaults when the workspace names none: any block of an approved application; more than 50 blocks a day
 * in a group; a day with 3× the group's mean of the days before it (7 days, at least 10 blocks).
 */
export const DEFAULT_ALERTS: readonly AlertRule[] = [
  { kind: 'approved-blocked' },
  { kind: 'threshold', blocksPerDay: 50 },
  { kind: 'spike', factor: 3, baselineDays: 7, minBlocks: 10 },
];

export function alertRuleName(r: AlertRule): string {
  if (r.name) return r.name;
  if (r.kind === 'threshold') return `threshold-${r.blocksPerDay}`;
  if (r.kind === 'spike') return `spike-${r.factor}x-${r.baselineDays}d`;
  return 'approved-blocked';
}

/** One day's blocked files of a group (the store's `files` over that UTC day, outcome `blocked`). */
export interface BlockedDay {
  /** YYYY-MM-DD (UTC). */
  readonly day: string;
  readonly files: readonly FileEvidence[];
}

export interface MonitorGroupInput {
  readonly group: string;
  readonly support?: string;
  readonly approved: readonly ApprovedApplication[];
  /** Blocked files per UTC day from the promotion day to the end of the window, oldest first. */
  readonly days: readonly BlockedDay[];
  /** Blocks per day and collection (the store's `dailyCounts`, outcome `blocked`). */
  readonly daily: readonly DailyCount[];
  /** File keys (monitorFileKey) seen in the evidence before the promotion, any outcome. */
  readonly seenBefore: ReadonlySet<string>;
  /** What readiness forecast Enforce would block, from the audited events before the promotion. */
  readonly forecast: readonly { readonly collection: RuleCollectionType; readonly filePath: string; readonly fileHash?: string; readonly events: number }[];
  /**
   * Forecast events × this = the blocks expected over the monitored window: the monitored days over the
   * audit window's days (a 15-day audit window forecasts a third of its events for 5 days). Default 1.
   */
  readonly forecastScale?: number;
}

export interface MonitoredFile {
  readonly collection?: RuleCollectionType;
  readonly filePath: string;
  readonly fileHash?: string;
  readonly fqbnText?: string;
  readonly blocks: number;
  /** Blocks per day (YYYY-MM-DD → count), days with none left out. */
  readonly perDay: Readonly<Record<string, number>>;
  readonly users: readonly string[];
  readonly computers: readonly string[];
  readonly firstSeen: string;
  readonly lastSeen: string;
  /** Not in the evidence before the promotion. */
  readonly newSincePromotion: boolean;
  /** The approved application this file is (a critical finding). */
  readonly approvedApp?: string;
  /** Blocks readiness forecast for this file (0 when it did not expect it). */
  readonly predicted: number;
}

export interface MonitorFinding {
  readonly severity: 'critical' | 'warning' | 'info';
  readonly code: string;
  readonly message: string;
}

export interface AlertFiring {
  readonly rule: string;
  readonly kind: AlertRule['kind'];
  readonly group: string;
  /** The UTC day it concerns: the dedup key is rule × group × day. */
  readonly day: string;
  readonly message: string;
}

export interface GroupMonitor {
  readonly group: string;
  readonly support?: string;
  readonly blocks: number;
  readonly perDay: readonly { readonly day: string; readonly collection?: RuleCollectionType; readonly blocks: number }[];
  readonly files: readonly MonitoredFile[];
  readonly newFiles: number;
  readonly users: readonly string[];
  readonly computers: readonly string[];
  readonly predictedBlocks: number;
  /** Forecast files that did not occur (the forecast was pessimistic about them). */
  readonly predictedNotOccurred: readonly { readonly collection: RuleCollectionType; readonly filePath: string; readonly events: number }[];
  readonly findings: readonly MonitorFinding[];
  readonly alerts: readonly AlertFiring[];
  readonly rollbackRecommended: boolean;
}

/**
 * What fired last per alert (migration 0005's `alert_state`): keyed by rule × GPO × group, the time it last
 * fired and the last firing's body, so an admin can see what alerted without reading the outbox.
 */
export interface AlertStateLog {
  recordAlerts(states: readonly { readonly key: string; readonly firedAt: string; readonly body: string }[]): Promise<void>;
  alertStates(): Promise<{ key: string; lastFiredAt: string; body: string }[]>;
}

export function hasAlertState(x: object): x is AlertStateLog {
  return typeof (x as Partial<AlertStateLog>).recordAlerts === 'function' && typeof (x as Partial<AlertStateLog>).alertStates === 'function';
}

/** The key a file is compared on between the forecast, the pre-promotion evidence and the blocks. */
export function monitorFileKey(f: { collection?: string; filePath: string; fileHash?: string }): string {
  return `${f.collection ?? ''}|${f.filePath.toLowerCase()}|${(f.fileHash ?? '').toLowerCase()}`;
}

function baseName(p: string): string {
  return p.split(/[\\/]/).pop() ?? p;
}

/**
 * Monitors one group under one promoted GPO.
 * @example monitorGroup({ group: 'Finance', approved: [], days, daily, seenBefore: new Set(), forecast: [] }, DEFAULT_ALERTS)
 */
export function monitorGroup(input: MonitorGroupInput, rules: readonly AlertRule[] = DEFAULT_ALERTS): GroupMonitor {
  const isApproved = approvedMatcher(input.approved);
  const byKey = new Map<string, { f: FileEvidence; blocks: number; perDay: Record<string, number>; users: Set<string>; computers: Set<string>; first: string; last: string }>();
  const users = new Set<string>(), computers = new Set<string>();
  for (const d of input.days) {
    for (const f of d.files) {
      if (f.outcome !== 'blocked') continue;
      const k = monitorFileKey(f);
      let e = byKey.get(k);
      if (!e) byKey.set(k, (e = { f, blocks: 0, perDay: {}, users: new Set(), computers: new Set(), first: f.firstSeen, last: f.lastSeen }));
      e.blocks += f.events;
      e.perDay[d.day] = (e.perDay[d.day] ?? 0) + f.events;
      for (const u of f.users) {
        e.users.add(u);
        users.add(u);
      }
      for (const c of f.computers) {
        e.computers.add(c);
        computers.add(c);
      }
      if (f.firstSeen < e.first) e.first = f.firstSeen;
      if (f.lastSeen > e.last) e.last = f.lastSeen;
    }
  }
  const scale = input.forecastScale ?? 1;
  const scaled = input.forecast.map((p) => ({ ...p, events: Math.round(p.events * scale) }));
  const forecast = new Map<string, number>();
  for (const p of scaled) forecast.set(monitorFileKey(p), (forecast.get(monitorFileKey(p)) ?? 0) + p.events);
  const files: MonitoredFile[] = [...byKey.entries()].map(([k, e]) => {
    const approvedApp = e.f.collection ? isApproved({ collection: e.f.collection, filePath: e.f.filePath, ...(e.f.fileHash ? { fileHash: e.f.fileHash } : {}), ...(e.f.fqbnText ? { fqbnText: e.f.fqbnText } : {}) }) : undefined;
    return {
      ...(e.f.collection ? { collection: e.f.collection } : {}), filePath: e.f.filePath,
      ...(e.f.fileHash ? { fileHash: e.f.fileHash } : {}), ...(e.f.fqbnText ? { fqbnText: e.f.fqbnText } : {}),
      blocks: e.blocks, perDay: e.perDay, users: [...e.users].sort().slice(0, 50), computers: [...e.computers].sort().slice(0, 50),
      firstSeen: e.first, lastSeen: e.last, newSincePromotion: !input.seenBefore.has(k),
      ...(approvedApp ? { approvedApp } : {}), predicted: forecast.get(k) ?? 0,
    };
  }).sort((a, b) => b.blocks - a.blocks || a.filePath.localeCompare(b.filePath));
  const perDay = input.daily.filter((d) => d.outcome === 'blocked').map((d) => ({ day: d.day, ...(d.collection ? { collection: d.collection } : {}), blocks: d.events }))
    .sort((a, b) => a.day.localeCompare(b.day) || (a.collection ?? '').localeCompare(b.collection ?? ''));
  const blocks = files.reduce((n, f) => n + f.blocks, 0);
  const occurred = new Set(byKey.keys());
  const predictedNotOccurred = scaled.filter((p) => !occurred.has(monitorFileKey(p)) && p.events > 0).map((p) => ({ collection: p.collection, filePath: p.filePath, events: p.events }));

  const findings: MonitorFinding[] = [];
  for (const f of files) {
    if (f.approvedApp) {
      findings.push({ severity: 'critical', code: 'rollout.monitor.approved-blocked', message: `${baseName(f.filePath)} (approved application \`${f.approvedApp}\`) was blocked ${f.blocks} times for ${f.users.length} users on ${f.computers.length} machines` });
    }
    if (f.blocks > f.predicted) {
      findings.push({ severity: f.approvedApp ? 'critical' : 'warning', code: 'rollout.monitor.forecast-missed', message: `predicted ${f.predicted} blocks of ${baseName(f.filePath)}, ${f.blocks} occurred` });
    }
    if (f.newSincePromotion) findings.push({ severity: 'info', code: 'rollout.monitor.new-file', message: `${baseName(f.filePath)} was first seen after the promotion (${f.firstSeen.slice(0, 10)})` });
  }
  const rollbackRecommended = files.some((f) => f.approvedApp);
  if (rollbackRecommended) {
    findings.push({ severity: 'critical', code: 'rollout.monitor.rollback-recommended', message: `approved applications are blocked in ${input.group}: roll the GPO back to Audit only (\`lockstep rollback\`) or allow them, then promote again` });
  }

  // Alerts, per day of the window; the dedup key (rule × group × day) keeps a re-run from alerting twice.
  const totals = new Map<string, number>();
  for (const d of input.days) totals.set(d.day, d.files.filter((f) => f.outcome === 'blocked').reduce((n, f) => n + f.events, 0));
  const days = [...totals.keys()].sort();
  const alerts: AlertFiring[] = [];
  for (const r of rules) {
    const name = alertRuleName(r);
    for (const [i, day] of days.entries()) {
      const n = totals.get(day) ?? 0;
      if (r.kind === 'threshold' && n > r.blocksPerDay) {
        alerts.push({ rule: name, kind: r.kind, group: input.group, day, message: `${n} blocks in ${input.group} on ${day} (threshold ${r.blocksPerDay})` });
      } else if (r.kind === 'spike') {
        const base = days.slice(Math.max(0, i - r.baselineDays), i);
        if (base.length === 0) continue;
        const mean = base.reduce((s, d) => s + (totals.get(d) ?? 0), 0) / base.length;
        if (n >= r.minBlocks && n > r.factor * mean) {
          alerts.push({ rule: name, kind: r.kind, group: input.group, day, message: `${n} blocks in ${input.group} on ${day}: more than ${r.factor}× the mean of the ${base.length} days before (${Math.round(mean * 10) / 10})` });
        }
      } else if (r.kind === 'approved-blocked') {
        const byApp = new Map<string, { blocks: number; names: Set<string> }>();
        for (const f of files) {
          const n = f.perDay[day] ?? 0;
          if (!f.approvedApp || n === 0) continue;
          const e = byApp.get(f.approvedApp) ?? { blocks: 0, names: new Set<string>() };
          e.blocks += n;
          e.names.add(baseName(f.filePath));
          byApp.set(f.approvedApp, e);
        }
        if (byApp.size) {
          alerts.push({ rule: name, kind: r.kind, group: input.group, day, message: `approved applications blocked in ${input.group} on ${day}: ${[...byApp].sort(([a], [b]) => a.localeCompare(b)).map(([app, e]) => `${app} ${e.blocks}× (${[...e.names].sort().join(', ')})`).join('; ')}` });
        }
      }
    }
  }
  return {
    group: input.group, ...(input.support ? { support: input.support } : {}), blocks, perDay, files,
    newFiles: files.filter((f) => f.newSincePromotion).length,
    users: [...users].sort(), computers: [...computers].sort(),
    predictedBlocks: scaled.reduce((n, p) => n + p.events, 0), predictedNotOccurred,
    findings, alerts, rollbackRecommended,
  };
}
