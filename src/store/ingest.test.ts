/**
 * Ingest pipeline tests: every real AppLocker event in ../shared/corpus with exact counts, idempotence
 * (same files again, the same events in another export format), folder walking, resume after an abort.
 * The kill test (a real SIGKILL) is ingest.kill.test.ts.
 */
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatEvents } from '../events/index.js';
import { corpusPath, corpusSkipReason, hasCorpus, ingestCorpus } from '../../test-support/corpus.js';
import { estimateRecords, ingestPaths } from './ingest.js';
import { openStore } from './open.js';
import { syntheticEvents } from './synthetic-events.js';

const dir = mkdtempSync(join(tmpdir(), 'lockstep-ingest-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const newStore = () => openStore(join(dir, `store-${++n}.db`), { create: true });

const APPLOCKER_TEXT_EXPORTS = [
  ingestCorpus.xml8002, ingestCorpus.xml8005, ingestCorpus.xml8020Dirty,
  ingestCorpus.ecs8003, ingestCorpus.ecs8006, ingestCorpus.ecs8020, ingestCorpus.ecs8023,
];

describe.skipIf(!hasCorpus)('ingest of every AppLocker event in the corpus', () => {
  it('stores the 7 real AppLocker events (Event XML + ECS JSON) and none from the negatives', async () => {
    const store = await newStore();
    try {
      const paths = [...APPLOCKER_TEXT_EXPORTS, ingestCorpus.clearedLogEvtx, ingestCorpus.helloForBusinessEvtx].map(corpusPath);
      const r = await ingestPaths(store, paths);
      expect(r.aborted).toBe(false);
      expect(r.diagnostics).toEqual([]);
      const by = new Map(r.files.map((f) => [f.path, f]));
      for (const rel of APPLOCKER_TEXT_EXPORTS) {
        expect(by.get(corpusPath(rel)), rel).toMatchObject({ recordsRead: 1, eventsStored: 1, duplicates: 0, nonAppLocker: 0, errors: 0, completed: true });
      }
      expect(by.get(corpusPath(ingestCorpus.xml8020Dirty))!.diagnostics.map((d) => d.code)).toContain('events.xml.recovered-ampersand');
      // 90 × 104 "log cleared" + 1 × 1102: AppLocker channel names in UserData do not make AppLocker events.
      expect(by.get(corpusPath(ingestCorpus.clearedLogEvtx))).toMatchObject({ format: 'evtx', recordsRead: 91, eventsStored: 0, nonAppLocker: 91, errors: 0 });
      // EventID 8025 from Microsoft-Windows-HelloForBusiness is not AppLocker's 8025 (MANIFEST: 5 records by libevtx).
      expect(by.get(corpusPath(ingestCorpus.helloForBusinessEvtx))).toMatchObject({ eventsStored: 0, nonAppLocker: 5 });
      expect(r.totals.eventsStored).toBe(7);
      expect(await store.counts()).toEqual({ events: 7, sources: 9 });

      const w = await store.window({});
      expect(w).toEqual({
        firstSeen: '2019-11-07T22:15:09.5660628Z', // the 8002 map's "2019-11-07 22:15:09.5660628" (no zone = UTC)
        lastSeen: '2023-08-15T14:12:32.6801945Z',
        events: 7,
        computers: ['TOPSYLL.local', 'Thunder.cloud.corp.com', 'WIN1012009LL.local', 'el33t-b00k-1', 'xxxxxxxxxxx'],
      });
      const files = await store.files({});
      expect(files.map((f) => `${f.collection}/${f.outcome}`).sort()).toEqual([
        'Appx/allowed', 'Appx/allowed', 'Appx/allowed', 'Exe/allowed', 'Exe/audited', 'Script/allowed', 'Script/audited',
      ]);
      // The would-be-blocked executable of the ECS 8003 sample, as logged.
      expect(await store.files({ outcomes: ['audited'], collections: ['Exe'] })).toEqual([
        expect.objectContaining({
          filePath: '%OSDRIVE%\\USERS\\TOPSY\\APPDATA\\LOCAL\\GITHUBDESKTOP\\APP-3.1.2\\RESOURCES\\APP\\GIT\\MINGW64\\BIN\\GIT.EXE',
          fileHash: '11D3940DE41D28E044CE45AB76A6D824E617D99B62C5FB44E37BE5CD7B0545F5',
          fqbnText: 'O=JOHANNES SCHINDELIN, S=NORDRHEIN-WESTFALEN, C=DE\\GIT\\GIT.EXE\\2.35.5.01',
          users: ['S-1-5-21-1133191089-1850170202-1535859923-200319'],
          computers: ['TOPSYLL.local'],
          events: 1,
        }),
      ]);
      expect((await store.dailyCounts({})).reduce((a, d) => a + d.events, 0)).toBe(7);

      // Idempotent: the same files again add nothing.
      const again = await ingestPaths(store, paths);
      expect(again.totals).toMatchObject({ eventsStored: 0, duplicates: 7 });
      expect(await store.counts()).toEqual({ events: 7, sources: 9 });
    } finally {
      await store.close();
    }
  });

  it('commits progress through a log without AppLocker events, so an interrupted run resumes inside it', async () => {
    const store = await newStore();
    try {
      const file = corpusPath(ingestCorpus.clearedLogEvtx);
      const ctl = new AbortController();
      const first = await ingestPaths(store, [file], { batchSize: 5, signal: ctl.signal, onProgress: (p) => p.fileRecordsRead > 0 && ctl.abort() });
      expect(first.aborted).toBe(true);
      expect((await store.sources())[0]).toMatchObject({ status: 'partial', recordsRead: 20, nonAppLocker: 20, eventsStored: 0 });
      const second = await ingestPaths(store, [file], { batchSize: 5 });
      expect(second.files[0]).toMatchObject({ completed: true, resumedRecords: 20, recordsRead: 91, nonAppLocker: 91, eventsStored: 0 });
    } finally {
      await store.close();
    }
  });

  it('an overlapping export of the same events in another format adds nothing', async () => {
    const store = await newStore();
    try {
      const paths = APPLOCKER_TEXT_EXPORTS.map(corpusPath);
      await ingestPaths(store, paths);
      const digest = await store.digest();
      // Re-export what was read as ECS JSON and Event XML (the readers' own writers), then ingest those.
      const { readEvents } = await import('../events/index.js');
      const { readFileSync } = await import('node:fs');
      const events = paths.flatMap((p) => [...readEvents({ name: p, bytes: readFileSync(p) })].flatMap((r) => (r.kind === 'event' && r.applocker ? [r.applocker] : [])));
      expect(events).toHaveLength(7);
      const sub = join(dir, `overlap-${n}`);
      mkdirSync(sub);
      writeFileSync(join(sub, 'again.ndjson'), formatEvents(events, 'ecs-json'));
      writeFileSync(join(sub, 'again.xml'), formatEvents(events, 'event-xml'));
      const r = await ingestPaths(store, [sub]);
      expect(r.totals).toMatchObject({ files: 2, recordsRead: 14, eventsStored: 0, duplicates: 14 });
      expect(await store.digest()).toBe(digest);
    } finally {
      await store.close();
    }
  });
});

describe.skipIf(hasCorpus)('ingest of the corpus (skipped)', () => {
  it.skip(corpusSkipReason, () => undefined);
});

describe('ingest pipeline', () => {
  it('walks folders: reads exports by content, skips other files, reports missing paths', async () => {
    const store = await newStore();
    try {
      const sub = join(dir, `walk-${n}`);
      mkdirSync(join(sub, 'nested'), { recursive: true });
      const events = syntheticEvents(50);
      writeFileSync(join(sub, 'a.json'), formatEvents(events.slice(0, 20), 'ecs-json'));
      writeFileSync(join(sub, 'nested', 'b.log'), formatEvents(events.slice(20), 'event-xml'));
      writeFileSync(join(sub, 'README.txt'), 'not an export\n');
      const seen: number[] = [];
      let total = 0;
      const r = await ingestPaths(store, [sub, join(dir, 'missing.evtx')], {
        batchSize: 7,
        onProgress: (p) => {
          seen.push(p.bytesEstimate);
          total = p.bytesTotal;
        },
      });
      // Progress only moves forward, moves inside files, and ends at the total size of the two exports.
      expect(seen.every((v, i) => i === 0 || v >= seen[i - 1]!)).toBe(true);
      expect(total).toBe(statSync(join(sub, 'a.json')).size + statSync(join(sub, 'nested', 'b.log')).size);
      expect(seen[seen.length - 1]).toBe(total);
      expect(seen.some((v) => v > 0 && v < total)).toBe(true);
      expect(r.files.map((f) => [f.format, f.eventsStored])).toEqual([['ecs-json', 20], ['event-xml', 30]]);
      expect(r.skippedFiles).toEqual([join(sub, 'README.txt')]);
      expect(r.diagnostics.map((d) => d.code)).toEqual(['store.ingest.unreadable']);
      expect(r.diagnostics[0]!.message).toContain('missing.evtx');
      expect((await store.window({})).events).toBe(50);
    } finally {
      await store.close();
    }
  });

  it('estimates record counts without parsing (for progress inside a file)', () => {
    const events = syntheticEvents(25);
    const enc = (t: string) => new TextEncoder().encode(t);
    expect(estimateRecords('ecs-json', enc(formatEvents(events, 'ecs-json')))).toBe(25);
    expect(estimateRecords('event-xml', enc(formatEvents(events, 'event-xml')))).toBe(25);
    expect(estimateRecords('evtx', new Uint8Array(10))).toBeUndefined();
  });

  it('reports an explicitly named non-export as an error, not silence', async () => {
    const store = await newStore();
    try {
      const p = join(dir, `notes-${n}.txt`);
      writeFileSync(p, 'hello\n');
      const r = await ingestPaths(store, [p]);
      expect(r.files[0]).toMatchObject({ format: 'unknown', eventsStored: 0, errors: 1 });
      expect(r.files[0]!.diagnostics[0]!.code).toMatch(/^events\./);
    } finally {
      await store.close();
    }
  });

  it('after an abort between batches, a re-run resumes and ends equal to a clean ingest', async () => {
    const events = syntheticEvents(1000, { seed: 3, computers: 20, users: 30, files: 40, days: 5, startDay: '2026-11-01' });
    const file = join(dir, `resume-${n}.ndjson`);
    writeFileSync(file, formatEvents(events, 'ecs-json'));
    const clean = await newStore();
    const cleanDigest = await (async () => {
      try {
        const r = await ingestPaths(clean, [file], { batchSize: 100 });
        expect(r.totals.eventsStored).toBe(1000);
        return await clean.digest();
      } finally {
        await clean.close();
      }
    })();
    const path = join(dir, `resumed-${n}.db`);
    let store = await openStore(path, { create: true });
    const ctl = new AbortController();
    let batches = 0;
    const first = await ingestPaths(store, [file], {
      batchSize: 100,
      signal: ctl.signal,
      onProgress: (p) => {
        if (p.eventsStored > 0 && ++batches === 3) ctl.abort();
      },
    });
    expect(first.aborted).toBe(true);
    expect(first.files[0]).toMatchObject({ completed: false, eventsStored: 300 });
    expect((await store.sources())[0]).toMatchObject({ status: 'partial', recordsRead: 300, eventsStored: 300 });
    await store.close();
    store = await openStore(path, { create: true });
    try {
      const second = await ingestPaths(store, [file], { batchSize: 100 });
      expect(second.files[0]).toMatchObject({ completed: true, resumedRecords: 300, recordsRead: 1000, eventsStored: 1000, duplicates: 0 });
      expect((await store.sources())[0]).toMatchObject({ status: 'done', recordsRead: 1000, eventsStored: 1000 });
      expect(await store.digest()).toBe(cleanDigest);
    } finally {
      await store.close();
    }
  });
});
