/**
 * Every record a reader could not normalise is counted per reason in the ingest summary and kept in the store
 * for the readiness report (issue 10 item 4); log-cleared events read during ingest are stored (item 6).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatEvents } from '../events/index.js';
import { logClearsEventXml } from '../rollout/index.js';
import { ingestPaths } from './ingest.js';
import { openStore } from './open.js';
import { syntheticEvents } from './synthetic-events.js';

const dir = mkdtempSync(join(tmpdir(), 'lockstep-ingest-health-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('ingest health', () => {
  it('counts unreadable records per reason, in the summary and in the store; stores log clears once', async () => {
    const events = syntheticEvents(5, { seed: 3, computers: 2, users: 2, files: 3, days: 2, startDay: '2026-11-01' });
    const lines = formatEvents(events, 'ecs-json').trim().split('\n');
    // two broken lines among five good ones
    writeFileSync(join(dir, 'a.ndjson'), [lines[0], '{"@timestamp": ', ...lines.slice(1), '{not json at all'].join('\n') + '\n');
    writeFileSync(join(dir, 'clears.events.xml'), logClearsEventXml([
      { computer: 'WS-1.CONTOSO.EXAMPLE', timeCreated: '2026-11-01T10:00:00.0000000Z', eventId: 1102, log: 'Security', user: 'CONTOSO\\admin', recordId: 9 },
    ]));
    const store = await openStore(join(dir, 'e.db'), { create: true });
    try {
      const s = await ingestPaths(store, [join(dir, 'a.ndjson'), join(dir, 'clears.events.xml')]);
      expect(s.totals.eventsStored).toBe(5);
      expect(s.totals.errors).toBe(2);
      expect(Object.values(s.totals.errorsByCode).reduce((a, b) => a + b, 0)).toBe(2);
      expect(s.totals.logClears).toBe(1);
      const h = await store.ingestHealth();
      expect(h.errors).toBe(2);
      expect(h.errorsByCode).toEqual(s.totals.errorsByCode);
      expect(await store.logClears({})).toEqual([{ computer: 'WS-1.CONTOSO.EXAMPLE', timeCreated: '2026-11-01T10:00:00.0000000Z', eventId: 1102, log: 'Security', user: 'CONTOSO\\admin', recordId: 9 }]);
      // a changed file is read again from its first record: its old counts are replaced, not added to
      writeFileSync(join(dir, 'a.ndjson'), [...lines, '{broken'].join('\n') + '\n');
      const again = await ingestPaths(store, [join(dir, 'a.ndjson'), join(dir, 'clears.events.xml')]);
      expect(again.totals.errors).toBe(1);
      expect((await store.ingestHealth()).errors).toBe(1);
      expect(Object.values((await store.ingestHealth()).errorsByCode).reduce((a, b) => a + b, 0)).toBe(1);
      expect(await store.logClears({})).toHaveLength(1);
    } finally {
      await store.close();
    }
  });
});
