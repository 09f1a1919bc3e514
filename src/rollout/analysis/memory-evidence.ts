/**
 * An EvidenceQuery (rollout/ports.ts) over events held in memory. The stores (src/store) implement the
 * same port over SQLite/PostgreSQL with rollups; this one is for simulations, tests and small inputs, and
 * serves as the plain reference the store results can be compared with. Groups files by collection,
 * outcome, path, hash and FQBN exactly as the port documents.
 */
import type { AppLockerEvent } from '../../events/applocker-event.js';
import type { DailyCount, EvidenceFilter, EvidenceQuery, EvidenceWindow, FileEvidence } from '../ports.js';

const SAMPLE_CAP = 50;

function matches(e: AppLockerEvent, f: EvidenceFilter, computers: Set<string> | undefined): boolean {
  if (f.since && e.timeCreated < f.since) return false;
  if (f.until && e.timeCreated > f.until) return false;
  if (computers && !computers.has(e.computer.toUpperCase())) return false;
  if (f.collections && (!e.collection || !f.collections.includes(e.collection))) return false;
  if (f.outcomes && !f.outcomes.includes(e.outcome)) return false;
  return true;
}

/** Builds the in-memory evidence query. Events are not copied; do not mutate them afterwards. */
export function memoryEvidence(events: readonly AppLockerEvent[]): EvidenceQuery {
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
  };
}
