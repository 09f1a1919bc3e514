/**
 * Runs the store conformance suite against PostgreSQL when LOCKSTEP_TEST_PG_URL is set (CI's .ci/run
 * starts a throw-away server and sets it; locally see shared/design/stack.md §1). Each store gets its own
 * fresh schema (selected with the `options=-c search_path=…` URL parameter) so tests never see each
 * other's rows; the schemas are dropped afterwards.
 */
import { migrations } from './migrations/index.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { formatEvents } from '../events/index.js';
import { ingestPaths } from './ingest.js';
import { openStore } from './open.js';
import { syntheticEvents } from './synthetic-events.js';
import { runStoreConformance } from './store.conformance.js';

const url = process.env.LOCKSTEP_TEST_PG_URL;
const skipReason = 'LOCKSTEP_TEST_PG_URL is not set: PostgreSQL store conformance skipped (CI sets it in .ci/run)';
if (!url) process.stderr.write(`NOTE: ${skipReason}\n`);

/** The URL of a fresh, empty schema in the test database. */
export async function freshSchemaUrl(base: string, prefix: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const schema = `${prefix}_${process.pid}_${Date.now().toString(36)}_${Math.floor(Math.random() * 1e6)}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  try {
    await admin.query(`CREATE SCHEMA ${schema}`);
  } finally {
    await admin.end();
  }
  const u = new URL(base);
  u.searchParams.set('options', `-c search_path=${schema}`);
  return {
    url: u.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: base });
      await c.connect();
      try {
        await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      } finally {
        await c.end();
      }
    },
  };
}

describe.skipIf(!url)('postgres store', () => {
  const drops: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const d of drops) await d();
  });

  runStoreConformance(async () => {
    const s = await freshSchemaUrl(url!, 'conf');
    drops.push(s.drop);
    return { store: await openStore(s.url), reopen: () => openStore(s.url) };
  }, 'postgres');

  it('reports an unreachable server as a coded diagnostic with the password redacted', async () => {
    await expect(openStore('postgres://me:secret@127.0.0.1:1/none')).rejects.toMatchObject({
      diagnostics: [{ code: 'store.open.failed', message: expect.not.stringContaining('secret') }],
    });
  });

  it('ingests a file like SQLite does: same digest, then only duplicates on a re-run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lockstep-pg-ingest-'));
    const s = await freshSchemaUrl(url!, 'ing');
    drops.push(s.drop);
    try {
      const file = join(dir, 'fleet.ndjson');
      writeFileSync(file, formatEvents(syntheticEvents(2000, { seed: 8, computers: 30, users: 40, files: 60, days: 4, startDay: '2026-11-01' }), 'ecs-json'));
      const lite = await openStore(join(dir, 'ref.db'), { create: true });
      const pgStore = await openStore(s.url);
      try {
        await ingestPaths(lite, [file], { batchSize: 300 });
        const first = await ingestPaths(pgStore, [file], { batchSize: 300 });
        expect(first.totals).toMatchObject({ eventsStored: 2000, duplicates: 0 });
        expect(await pgStore.digest()).toBe(await lite.digest());
        expect(await pgStore.files({})).toEqual(await lite.files({}));
        const again = await ingestPaths(pgStore, [file], { batchSize: 300 });
        expect(again.totals).toMatchObject({ eventsStored: 0, duplicates: 2000 });
        expect((await pgStore.sources())[0]).toMatchObject({ status: 'done', recordsRead: 2000 });
      } finally {
        await lite.close();
        await pgStore.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('two processes opening a new schema at once apply each migration once', async () => {
    const s = await freshSchemaUrl(url!, 'mig');
    drops.push(s.drop);
    const stores = await Promise.all([openStore(s.url), openStore(s.url), openStore(s.url)]);
    try {
      const info = await stores[0]!.info();
      expect(info.migrations.map((m) => m.version)).toEqual(migrations.map((m) => m.version));
    } finally {
      for (const st of stores) await st.close();
    }
  });
});

describe.skipIf(!!url)('postgres store (skipped)', () => {
  it.skip(skipReason, () => undefined);
});
