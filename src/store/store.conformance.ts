/**
 * THE store conformance suite (issue 6 "Test against": one suite, run against SQLite and PostgreSQL).
 * `runStoreConformance(makeStore, label)` is called by sqlite.test.ts (always) and postgres.test.ts (when
 * LOCKSTEP_TEST_PG_URL is set). Every expectation below is a known answer computed by hand from the
 * seven events in `fixture()`; none is read back from the store under test.
 */
import { describe, expect, it } from 'vitest';
import { IMPLICIT_RULE_ID, type AppLockerEvent } from '../events/applocker-event.js';
import { memoryEvidence } from '../rollout/analysis/memory-evidence.js';
import type { EvidenceFilter, FileEvidence } from '../rollout/ports.js';
import { migrations } from './migrations/index.js';
import { seededRandom, syntheticEvents } from './synthetic-events.js';
import type { EvidenceStore } from './types.js';

export interface StoreHandle {
  readonly store: EvidenceStore;
  /** Opens the same target again (runs migrations again: they must be no-ops). */
  reopen(): Promise<EvidenceStore>;
}

export type MakeStore = () => Promise<StoreHandle>;

const EXE = 'Microsoft-Windows-AppLocker/EXE and DLL';
const SCRIPT = 'Microsoft-Windows-AppLocker/MSI and Script';
const APP = '%OSDRIVE%\\USERS\\A\\APPDATA\\LOCAL\\APP\\APP.EXE';
const APP_HASH = '11D3940DE41D28E044CE45AB76A6D824E617D99B62C5FB44E37BE5CD7B0545F5';
const APP_FQBN = 'O=CONTOSO, C=US\\APP\\APP.EXE\\1.2.3.4';
const CMD = '%SYSTEM32%\\CMD.EXE';
const PS1 = '%OSDRIVE%\\SCRIPTS\\X.PS1';
const DEFAULT_RULE = '{921CC481-6E17-4653-8F75-050B80ACCA20}';

function ev(p: Partial<AppLockerEvent> & Pick<AppLockerEvent, 'eventId' | 'outcome' | 'computer' | 'timeCreated'>): AppLockerEvent {
  return { channel: EXE, provider: 'Microsoft-Windows-AppLocker', ...p };
}

/** Seven events over three days, three computers (one spelled in two cases), three files. */
export function fixture(): AppLockerEvent[] {
  const app = { collection: 'Exe' as const, filePath: APP, fileHash: APP_HASH, fqbnText: APP_FQBN, ruleId: IMPLICIT_RULE_ID, fullFilePath: 'C:\\Users\\a\\AppData\\Local\\App\\app.exe' };
  return [
    ev({ eventId: 8003, outcome: 'audited', computer: 'PC-01', timeCreated: '2026-11-01T08:00:00.1234567Z', recordId: 1, userSid: 'S-1-5-21-1', ...app }),
    ev({ eventId: 8003, outcome: 'audited', computer: 'PC-01', timeCreated: '2026-11-01T09:00:00Z', recordId: 2, userSid: 'S-1-5-21-2', ...app }),
    ev({ eventId: 8003, outcome: 'audited', computer: 'pc-02', timeCreated: '2026-11-02T10:00:00Z', recordId: 1, userSid: 'S-1-5-21-1', ...app }),
    ev({ eventId: 8002, outcome: 'allowed', computer: 'PC-01', timeCreated: '2026-11-02T11:00:00Z', recordId: 3, userSid: 'S-1-5-18', collection: 'Exe', filePath: CMD, ruleId: DEFAULT_RULE }),
    ev({ eventId: 8006, outcome: 'audited', computer: 'PC-03', timeCreated: '2026-11-03T23:59:59.9999999Z', recordId: 10, userSid: 'S-1-5-21-1', channel: SCRIPT, collection: 'Script', filePath: PS1, ruleId: IMPLICIT_RULE_ID }),
    ev({ eventId: 8001, outcome: 'other', computer: 'PC-03', timeCreated: '2026-11-03T00:00:00Z', recordId: 11 }),
    // No record id (a SIEM export): deduplicated by content; computer in another case.
    ev({ eventId: 8003, outcome: 'audited', computer: 'pc-01', timeCreated: '2026-11-02T12:00:00Z', userSid: 'S-1-5-21-3', ...app }),
  ];
}

const SRC = { path: '/conformance/fixture.json', size: 100, mtimeMs: 1 };

export function runStoreConformance(makeStore: MakeStore, name = 'evidence store'): void {
  describe(`evidence store conformance: ${name}`, () => {
    const withStore = async (fn: (s: EvidenceStore, h: StoreHandle) => Promise<void>): Promise<void> => {
      const h = await makeStore();
      try {
        await fn(h.store, h);
      } finally {
        await h.store.close();
      }
    };
    const loaded = (fn: (s: EvidenceStore) => Promise<void>) =>
      withStore(async (s) => {
        await s.insertEvents(fixture(), SRC);
        await fn(s);
      });

    it('runs every migration once and records it; reopening applies nothing again', () =>
      withStore(async (s, h) => {
        const info = await s.info();
        expect(info.kind).toBe(s.kind);
        expect(info.schemaVersion).toBe(migrations[migrations.length - 1]!.version);
        expect(info.migrations.map((m) => [m.version, m.name])).toEqual(migrations.map((m) => [m.version, m.name]));
        await s.insertEvents(fixture().slice(0, 2), SRC);
        const again = await h.reopen();
        try {
          const info2 = await again.info();
          expect(info2.migrations).toEqual(info.migrations);
          expect((await again.counts()).events).toBe(2);
        } finally {
          await again.close();
        }
      }));

    it('an empty store answers with empty aggregates', () =>
      withStore(async (s) => {
        expect(await s.counts()).toEqual({ events: 0, sources: 0 });
        expect(await s.window({})).toEqual({ events: 0, computers: [] });
        expect(await s.files({})).toEqual([]);
        expect(await s.dailyCounts({})).toEqual([]);
      }));

    it('inserts once and deduplicates re-inserts, in-batch repeats and overlapping batches', () =>
      withStore(async (s) => {
        const first = await s.insertEvents(fixture(), SRC);
        expect(first).toEqual({ inserted: 7, duplicates: 0, rejected: [] });
        const again = await s.insertEvents(fixture(), SRC);
        expect(again).toEqual({ inserted: 0, duplicates: 7, rejected: [] });
        const f = fixture();
        const fresh = ev({ eventId: 8004, outcome: 'blocked', computer: 'PC-09', timeCreated: '2026-11-04T00:00:01Z', recordId: 5 });
        const overlap = await s.insertEvents([f[0]!, fresh, fresh, f[6]!], { path: '/conformance/other.xml' });
        expect(overlap).toEqual({ inserted: 1, duplicates: 3, rejected: [] });
        expect(await s.counts()).toEqual({ events: 8, sources: 2 });
        // Rollups counted each event once.
        expect((await s.window({})).events).toBe(8);
      }));

    it('dedups by computer (any case) + channel + record id, whatever else differs (another export format)', () =>
      withStore(async (s) => {
        const [e1] = fixture();
        await s.insertEvents([e1!], SRC);
        const sameRecord = { ...e1!, computer: 'pc-01', timeCreated: '2026-11-01T08:00:00.123Z', source: 'other.json:1' };
        expect((await s.insertEvents([sameRecord], SRC)).inserted).toBe(0);
        const otherChannel = { ...e1!, channel: SCRIPT };
        expect((await s.insertEvents([otherChannel], SRC)).inserted).toBe(1);
      }));

    it('dedups events without a record id by content, time included, source excluded', () =>
      withStore(async (s) => {
        const e7 = fixture()[6]!;
        await s.insertEvents([e7], SRC);
        expect((await s.insertEvents([{ ...e7, source: 'elsewhere.csv:9' }], SRC)).inserted).toBe(0);
        // Same instant written with fewer digits is the same event.
        expect((await s.insertEvents([{ ...e7, timeCreated: '2026-11-02T12:00:00.0000000Z' }], SRC)).inserted).toBe(0);
        expect((await s.insertEvents([{ ...e7, timeCreated: '2026-11-02T12:00:01Z' }], SRC)).inserted).toBe(1);
      }));

    it('rejects an event with an unreadable time with a coded diagnostic and stores the rest', () =>
      withStore(async (s) => {
        const bad = { ...fixture()[0]!, recordId: 99, timeCreated: 'yesterday' };
        const r = await s.insertEvents([bad, fixture()[1]!], SRC);
        expect(r.inserted).toBe(1);
        expect(r.duplicates).toBe(0);
        expect(r.rejected.map((d) => d.code)).toEqual(['store.event.bad-time']);
        expect(r.rejected[0]!.message).toContain('`yesterday`');
      }));

    it('window: bounds, machines reporting, case-insensitive computers', () =>
      loaded(async (s) => {
        expect(await s.window({})).toEqual({
          firstSeen: '2026-11-01T08:00:00.1234567Z',
          lastSeen: '2026-11-03T23:59:59.9999999Z',
          events: 7,
          computers: ['PC-01', 'PC-03', 'pc-02'],
        });
        expect(await s.window({ computers: ['pc-01', 'PC-01'] })).toEqual({
          firstSeen: '2026-11-01T08:00:00.1234567Z',
          lastSeen: '2026-11-02T12:00:00.0000000Z',
          events: 4,
          computers: ['PC-01'],
        });
        expect(await s.window({ computers: ['PC-02', 'pc-03'] })).toMatchObject({ events: 3, computers: ['PC-03', 'pc-02'] });
        expect(await s.window({ computers: ['nobody'] })).toEqual({ events: 0, computers: [] });
        expect(await s.window({ computers: [] })).toEqual({ events: 0, computers: [] });
      }));

    it('since/until are inclusive and exact at any precision (partial edge days come from raw events)', () =>
      loaded(async (s) => {
        const w = await s.window({ since: '2026-11-01T08:30:00Z', until: '2026-11-02T10:30:00Z' });
        expect(w).toEqual({ firstSeen: '2026-11-01T09:00:00.0000000Z', lastSeen: '2026-11-02T10:00:00.0000000Z', events: 2, computers: ['PC-01', 'pc-02'] });
        expect((await s.window({ since: '2026-11-02', until: '2026-11-02' })).events).toBe(3);
        expect((await s.window({ since: '2026-11-02' })).events).toBe(5);
        expect((await s.window({ until: '2026-11-01' })).events).toBe(2);
        expect((await s.window({ since: '2026-11-03T23:59:59.9999999Z' })).events).toBe(1);
        expect((await s.window({ since: '2026-11-01T08:00:00.1234567Z', until: '2026-11-01T08:00:00.1234567Z' })).events).toBe(1);
        expect((await s.window({ since: '2026-11-01T08:00:00.1234568Z' })).events).toBe(6);
        // An offset is converted to UTC: 09:00+01:00 is 08:00Z, so e1 (08:00:00.12Z) is after it.
        expect((await s.window({ since: '2026-11-01T09:00:00+01:00', until: '2026-11-01T08:59:59Z' })).events).toBe(1);
        expect((await s.window({ since: '2026-11-03', until: '2026-11-01' })).events).toBe(0);
        await expect(s.window({ since: 'last tuesday' })).rejects.toThrow(/since/);
      }));

    it('filters by outcomes and collections', () =>
      loaded(async (s) => {
        expect((await s.window({ outcomes: ['audited'] })).events).toBe(5);
        expect((await s.window({ outcomes: ['other'] })).computers).toEqual(['PC-03']);
        expect((await s.window({ outcomes: ['blocked'] })).events).toBe(0);
        expect((await s.window({ collections: ['Script'] })).events).toBe(1);
        expect((await s.window({ collections: ['Exe'] })).events).toBe(5);
        expect((await s.window({ collections: ['Exe'], outcomes: ['allowed'], computers: ['pc-01'] })).events).toBe(1);
        expect((await s.window({ outcomes: [] })).events).toBe(0);
      }));

    it('files: one entry per collection + path + hash + FQBN × outcome, with users, machines and rules', () =>
      loaded(async (s) => {
        const files = await s.files({});
        expect(files).toEqual([
          {
            collection: 'Exe', outcome: 'audited', filePath: APP, fullFilePath: 'C:\\Users\\a\\AppData\\Local\\App\\app.exe',
            fileHash: APP_HASH, fqbnText: APP_FQBN, ruleIds: [IMPLICIT_RULE_ID], events: 4, userCount: 3, computerCount: 2,
            users: ['S-1-5-21-1', 'S-1-5-21-2', 'S-1-5-21-3'], computers: ['PC-01', 'pc-02'],
            firstSeen: '2026-11-01T08:00:00.1234567Z', lastSeen: '2026-11-02T12:00:00.0000000Z',
          },
          {
            collection: 'Exe', outcome: 'allowed', filePath: CMD, ruleIds: [DEFAULT_RULE], events: 1, userCount: 1, computerCount: 1,
            users: ['S-1-5-18'], computers: ['PC-01'], firstSeen: '2026-11-02T11:00:00.0000000Z', lastSeen: '2026-11-02T11:00:00.0000000Z',
          },
          {
            collection: 'Script', outcome: 'audited', filePath: PS1, ruleIds: [IMPLICIT_RULE_ID], events: 1, userCount: 1, computerCount: 1,
            users: ['S-1-5-21-1'], computers: ['PC-03'], firstSeen: '2026-11-03T23:59:59.9999999Z', lastSeen: '2026-11-03T23:59:59.9999999Z',
          },
        ]);
        const edge = await s.files({ since: '2026-11-01T08:30:00Z', until: '2026-11-02T10:30:00Z' });
        expect(edge.map((f) => [f.filePath, f.events, f.users, f.computers])).toEqual([[APP, 2, ['S-1-5-21-1', 'S-1-5-21-2'], ['PC-01', 'pc-02']]]);
        expect((await s.files({ computers: ['PC-03'] })).map((f) => f.filePath)).toEqual([PS1]);
        expect((await s.files({ outcomes: ['allowed'] })).map((f) => f.filePath)).toEqual([CMD]);
      }));

    it('ruleCounts: events per rule id × outcome, for lint correlation (known answer from the fixture)', () =>
      loaded(async (s) => {
        expect(await s.ruleCounts({})).toEqual([
          { ruleId: IMPLICIT_RULE_ID, outcome: 'audited', events: 5 },
          { ruleId: DEFAULT_RULE, outcome: 'allowed', events: 1 },
        ]);
        expect(await s.ruleCounts({ since: '2026-11-02T11:00:00Z', until: '2026-11-02T11:00:00Z' })).toEqual([{ ruleId: DEFAULT_RULE, outcome: 'allowed', events: 1 }]);
      }));

    it('files lists at most 50 users and machines, sorted, but counts them all', () =>
      withStore(async (s) => {
        const many: AppLockerEvent[] = [];
        for (let i = 0; i < 60; i++) {
          const n = String(i).padStart(2, '0');
          many.push(ev({ eventId: 8003, outcome: 'audited', computer: `WS-${n}`, timeCreated: `2026-11-05T10:00:${n}Z`, recordId: 1, userSid: `S-1-5-21-${n}`, collection: 'Exe', filePath: APP }));
        }
        await s.insertEvents(many, SRC);
        const [f] = await s.files({});
        expect(f).toMatchObject({ events: 60, userCount: 60, computerCount: 60 });
        expect(f!.users).toEqual(Array.from({ length: 50 }, (_, i) => `S-1-5-21-${String(i).padStart(2, '0')}`));
        expect(f!.computers).toHaveLength(50);
        expect(f!.computers[49]).toBe('WS-49');
      }));

    it('dailyCounts: per UTC day × outcome × collection, exact at edges', () =>
      loaded(async (s) => {
        expect(await s.dailyCounts({})).toEqual([
          { day: '2026-11-01', outcome: 'audited', collection: 'Exe', events: 2 },
          { day: '2026-11-02', outcome: 'allowed', collection: 'Exe', events: 1 },
          { day: '2026-11-02', outcome: 'audited', collection: 'Exe', events: 2 },
          { day: '2026-11-03', outcome: 'audited', collection: 'Script', events: 1 },
          { day: '2026-11-03', outcome: 'other', events: 1 },
        ]);
        expect(await s.dailyCounts({ since: '2026-11-01T08:30:00Z', until: '2026-11-02T11:00:00Z', computers: ['PC-01'] })).toEqual([
          { day: '2026-11-01', outcome: 'audited', collection: 'Exe', events: 1 },
          { day: '2026-11-02', outcome: 'allowed', collection: 'Exe', events: 1 },
        ]);
        expect(await s.dailyCounts({ collections: ['Script'], outcomes: ['audited'] })).toEqual([
          { day: '2026-11-03', outcome: 'audited', collection: 'Script', events: 1 },
        ]);
      }));

    it('records source progress in the batch transaction and resumes only an unchanged partial source', () =>
      withStore(async (s) => {
        expect(await s.beginSource(SRC)).toEqual({ recordsRead: 0, eventsStored: 0, duplicates: 0, nonAppLocker: 0, errors: 0 });
        const progress = { recordsRead: 9, eventsStored: 7, duplicates: 0, nonAppLocker: 2, errors: 0 };
        let seen: unknown;
        await s.insertEvents(fixture(), SRC, (batch) => {
          seen = batch;
          return progress;
        });
        expect(seen).toEqual({ inserted: 7, duplicates: 0, rejected: 0 });
        expect(await s.beginSource(SRC)).toEqual(progress);
        const [row] = await s.sources();
        expect(row).toMatchObject({ path: SRC.path, size: 100, mtimeMs: 1, status: 'partial', ...progress });
        // The file changed: start again (dedup keeps it idempotent).
        expect((await s.beginSource({ ...SRC, size: 101 })).recordsRead).toBe(0);
        await s.finishSource({ ...SRC, size: 101 }, progress);
        expect((await s.sources())[0]).toMatchObject({ status: 'done', size: 101, recordsRead: 9 });
        expect((await s.beginSource({ ...SRC, size: 101 })).recordsRead).toBe(0);
        expect((await s.counts()).sources).toBe(1);
      }));

    it('two connections inserting the same events at once store each exactly once', () =>
      withStore(async (s, h) => {
        const other = await h.reopen();
        try {
          const all = fixture();
          const [a, b] = await Promise.all([s.insertEvents(all, SRC), other.insertEvents([...all].reverse(), { path: '/conformance/b' })]);
          expect(a.inserted + b.inserted).toBe(7);
          expect((await s.window({})).events).toBe(7);
          expect((await s.files({}))[0]!.events).toBe(4);
        } finally {
          await other.close();
        }
      }));

    it('digest depends on content only, not on insertion order or batching', async () => {
      const h1 = await makeStore();
      let d1: string;
      try {
        await h1.store.insertEvents(fixture(), SRC);
        d1 = await h1.store.digest();
      } finally {
        await h1.store.close();
      }
      const h2 = await makeStore();
      try {
        const f = fixture().reverse();
        await h2.store.insertEvents(f.slice(0, 3), SRC);
        await h2.store.insertEvents(f.slice(2), SRC);
        expect(await h2.store.digest()).toBe(d1);
        await h2.store.insertEvents([ev({ eventId: 8004, outcome: 'blocked', computer: 'X', timeCreated: '2026-11-09T00:00:00Z', recordId: 1 })], SRC);
        expect(await h2.store.digest()).not.toBe(d1);
      } finally {
        await h2.store.close();
      }
    });

    it('agrees with the plain in-memory reference (rollout memoryEvidence) on 25 random filters', () =>
      withStore(async (s) => {
        // Upper-case computer names and 7-digit UTC times: the forms where the reference's plain string
        // comparisons mean the same as the store's normalised ones.
        const events = syntheticEvents(3000, { seed: 99, computers: 40, users: 60, files: 80, days: 6, startDay: '2026-11-01' });
        for (let i = 0; i < events.length; i += 700) await s.insertEvents(events.slice(i, i + 700), SRC);
        const reference = memoryEvidence(events);
        const rnd = seededRandom(7);
        const pick = <T>(xs: readonly T[]): T[] => xs.filter(() => rnd() < 0.5);
        const times = events.map((e) => e.timeCreated);
        const sortFiles = (fs: FileEvidence[]) =>
          [...fs].sort((a, b) => (a.filePath + a.outcome + (a.fileHash ?? '') < b.filePath + b.outcome + (b.fileHash ?? '') ? -1 : 1));
        const sortDaily = <T extends { day: string; outcome: string; collection?: string }>(ds: T[]) =>
          [...ds].sort((a, b) => (a.day + a.outcome + (a.collection ?? '') < b.day + b.outcome + (b.collection ?? '') ? -1 : 1));
        let partial = 0;
        for (let k = 0; k < 25; k++) {
          const a = times[Math.floor(rnd() * times.length)]!;
          const b = times[Math.floor(rnd() * times.length)]!;
          const f: EvidenceFilter = {
            ...(rnd() < 0.7 ? { since: a < b ? a : b } : {}),
            ...(rnd() < 0.7 ? { until: a < b ? b : a } : {}),
            ...(rnd() < 0.5 ? { computers: pick(Array.from({ length: 40 }, (_, i) => `ws-${String(i).padStart(5, '0')}`)) } : {}),
            ...(rnd() < 0.3 ? { outcomes: pick(['allowed', 'audited', 'blocked'] as const) } : {}),
            ...(rnd() < 0.3 ? { collections: pick(['Exe', 'Script', 'Msi'] as const) } : {}),
          };
          const w = await s.window(f);
          expect(w, JSON.stringify(f)).toEqual(await reference.window(f));
          if (w.events > 0 && w.events < events.length) partial++;
          expect(sortFiles(await s.files(f)), JSON.stringify(f)).toEqual(sortFiles(await reference.files(f)));
          expect(sortDaily(await s.dailyCounts(f)), JSON.stringify(f)).toEqual(sortDaily(await reference.dailyCounts(f)));
        }
        // Most filters must select a proper, non-empty part of the evidence, or the comparison proves little.
        expect(partial).toBeGreaterThanOrEqual(15);
      }));
  });
}
