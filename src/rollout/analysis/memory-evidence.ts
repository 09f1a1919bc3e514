/**
 * An EvidenceQuery (rollout/ports.ts) over events held in memory. The stores (src/store) implement the
 * same port over SQLite/PostgreSQL with rollups; this one is for simulations, tests and small inputs, and
 * serves as the plain reference the store results can be compared with. Groups files by collection,
 * outcome, path, hash and FQBN exactly as the port documents.
 */
import type { AppLockerEvent } from '../../events/applocker-event.js';
import type { ChannelActivity, ChannelBefore, ChannelDay, DailyCount, EvidenceFilter, EvidenceQuery, EvidenceWindow, FileEvidence, IngestHealth, LogClear } from '../ports.js';

const SAMPLE_CAP = 50;

function matches(e: AppLockerEvent, f: EvidenceFilter, computers: Set<string> | undefined): boolean {
  if (f.since && e.timeCreated < f.since) return false;
  if (f.until && e.timeCreated > f.until) return false;
  if (computers && !computers.has(e.computer.toUpperCase())) return false;
  if (f.collections && (!e.collection || !f.collections.includes(e.collection))) return false;
  if (f.outcomes && !f.outcomes.includes(e.outcome)) return false;
  return true;
}

/**
 * Builds the in-memory evidence query. Events are not copied; do not mutate them afterwards. `logClears` are
 * the log-cleared events (Security 1102, System 104) the store would keep beside them.
 */
export function memoryEvidence(events: readonly AppLockerEvent[], extra: { readonly logClears?: readonly LogClear[]; readonly ingest?: IngestHealth } = {}): EvidenceQuery {
  const select = (f: EvidenceFilter): AppLockerEvent[] => {
    const computers = f.computers ? new Set(f.computers.map((c) => c.toUpperCase())) : undefined;
    return events.filter((e) => matches(e, f, computers));
  };
  return {
    async window(f): Promise<EvidenceWindow> {
      const sel = select(f);
      let first: string | undefined, last: string | undefined;
      const comps = new Set<string>();
      for (const e of sel) {
        if (!first || e.timeCreated < first) first = e.timeCreated;
        if (!last || e.timeCreated > last) last = e.timeCreated;
        comps.add(e.computer.toUpperCase());
      }
      return { ...(first ? { firstSeen: first } : {}), ...(last ? { lastSeen: last } : {}), events: sel.length, computers: [...comps].sort() };
    },
    async files(f): Promise<FileEvidence[]> {
      const groups = new Map<string, { e: AppLockerEvent; events: number; users: Set<string>; computers: Set<string>; rules: Set<string>; first: string; last: string }>();
      for (const e of select(f)) {
        const key = [e.collection ?? '', e.outcome, e.filePath ?? '', e.fileHash ?? '', e.fqbnText ?? ''].join('\u0000');
        let g = groups.get(key);
        if (!g) {
          g = { e, events: 0, users: new Set(), computers: new Set(), rules: new Set(), first: e.timeCreated, last: e.timeCreated };
          groups.set(key, g);
        }
        g.events++;
        if (e.userSid) g.users.add(e.userSid);
        g.computers.add(e.computer.toUpperCase());
        if (e.ruleId) g.rules.add(e.ruleId);
        if (e.timeCreated < g.first) g.first = e.timeCreated;
        if (e.timeCreated > g.last) g.last = e.timeCreated;
      }
      return [...groups.values()].map((g) => ({
        ...(g.e.collection ? { collection: g.e.collection } : {}),
        outcome: g.e.outcome,
        filePath: g.e.filePath ?? '',
        ...(g.e.fullFilePath ? { fullFilePath: g.e.fullFilePath } : {}),
        ...(g.e.fileHash ? { fileHash: g.e.fileHash } : {}),
        ...(g.e.fqbnText ? { fqbnText: g.e.fqbnText } : {}),
        ruleIds: [...g.rules].sort(),
        events: g.events,
        userCount: g.users.size,
        computerCount: g.computers.size,
        users: [...g.users].sort().slice(0, SAMPLE_CAP),
        computers: [...g.computers].sort().slice(0, SAMPLE_CAP),
        firstSeen: g.first,
        lastSeen: g.last,
      }));
    },
    async dailyCounts(f): Promise<DailyCount[]> {
      const m = new Map<string, DailyCount>();
      for (const e of select(f)) {
        const day = e.timeCreated.slice(0, 10);
        const key = `${day}|${e.outcome}|${e.collection ?? ''}`;
        const c = m.get(key);
        m.set(key, { day, outcome: e.outcome, ...(e.collection ? { collection: e.collection } : {}), events: (c?.events ?? 0) + 1 });
      }
      return [...m.values()].sort((a, b) => a.day.localeCompare(b.day) || a.outcome.localeCompare(b.outcome));
    },
    async channelActivity(f): Promise<ChannelActivity> {
      // Whole days, as the store's per-day rollup answers: the filter's bounds are widened to their days.
      const fromDay = f.since?.slice(0, 10);
      const toDay = f.until?.slice(0, 10);
      const computers = f.computers ? new Set(f.computers.map((c) => c.toUpperCase())) : undefined;
      const days = new Map<string, { d: Omit<ChannelDay, 'minRecordId' | 'maxRecordId'> & { minRecordId?: number; maxRecordId?: number } }>();
      const before = new Map<string, { computer: string; channel: string; lastDay: string; maxRecordId?: number }>();
      for (const e of events) {
        if (computers && !computers.has(e.computer.toUpperCase())) continue;
        const day = e.timeCreated.slice(0, 10);
        if (toDay && day > toDay) continue;
        const computer = e.computer;
        if (fromDay && day < fromDay) {
          const k = `${computer.toLowerCase()}|${e.channel}`;
          const b = before.get(k) ?? { computer, channel: e.channel, lastDay: day };
          if (day > b.lastDay) b.lastDay = day;
          if (e.recordId !== undefined && (b.maxRecordId === undefined || e.recordId > b.maxRecordId)) b.maxRecordId = e.recordId;
          before.set(k, b);
          continue;
        }
        const k = `${computer.toLowerCase()}|${e.channel}|${day}`;
        let g = days.get(k);
        if (!g) {
          g = { d: { day, computer, channel: e.channel, events: 0, withRecordId: 0, firstSeen: e.timeCreated, lastSeen: e.timeCreated } };
          days.set(k, g);
        }
        const d = g.d as { events: number; withRecordId: number; minRecordId?: number; maxRecordId?: number; firstSeen: string; lastSeen: string };
        d.events++;
        if (e.recordId !== undefined) {
          d.withRecordId++;
          if (d.minRecordId === undefined || e.recordId < d.minRecordId) d.minRecordId = e.recordId;
          if (d.maxRecordId === undefined || e.recordId > d.maxRecordId) d.maxRecordId = e.recordId;
        }
        if (e.timeCreated < d.firstSeen) d.firstSeen = e.timeCreated;
        if (e.timeCreated > d.lastSeen) d.lastSeen = e.timeCreated;
      }
      const sorted = [...days.values()].map((g) => g.d as ChannelDay)
        .sort((a, b) => a.computer.toLowerCase().localeCompare(b.computer.toLowerCase()) || a.channel.localeCompare(b.channel) || a.day.localeCompare(b.day));
      return { days: sorted, before: [...before.values()] as ChannelBefore[] };
    },
    async logClears(f): Promise<LogClear[]> {
      const computers = f.computers ? new Set(f.computers.map((c) => c.toUpperCase())) : undefined;
      return (extra.logClears ?? [])
        .filter((c) => (!f.since || c.timeCreated >= f.since) && (!f.until || c.timeCreated <= f.until) && (!computers || computers.has(c.computer.toUpperCase())))
        .sort((a, b) => a.timeCreated.localeCompare(b.timeCreated));
    },
    async ingestHealth(): Promise<IngestHealth> {
      return extra.ingest ?? { sources: 0, recordsRead: events.length, errors: 0, errorsByCode: {} };
    },
  };
}
