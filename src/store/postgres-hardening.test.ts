/**
 * Issue 12 on PostgreSQL (runs when LOCKSTEP_TEST_PG_URL is set): a schema holding another application's
 * tables is refused and left as it was; a new store carries the `lockstep_store` marker; an administrator
 * shutdown of the connection (57P01, `pg_terminate_backend`) mid-ingest ends in a coded diagnostic, never
 * an unhandled 'error' event, and the same ingest then resumes to a clean run's content.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { formatEvents } from '../events/index.js';
import { ingestPaths } from './ingest.js';
import { openStore, storeFailureDiagnostic } from './open.js';
import { syntheticEvents } from './synthetic-events.js';

const base = process.env.LOCKSTEP_TEST_PG_URL;
if (!base) process.stderr.write('NOTE: LOCKSTEP_TEST_PG_URL is not set: PostgreSQL hardening tests skipped\n');
const dir = mkdtempSync(join(tmpdir(), 'lockstep-pg-hardening-'));
const schemas: string[] = [];

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: base });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

async function schemaUrl(name: string, extra: Record<string, string> = {}): Promise<{ url: string; schema: string }> {
  const schema = `h12_${name}_${process.pid}_${Date.now().toString(36)}`;
  await admin((c) => c.query(`CREATE SCHEMA ${schema}`));
  schemas.push(schema);
  const u = new URL(base!);
  u.searchParams.set('options', `-c search_path=${schema}`);
  for (const [k, v] of Object.entries(extra)) u.searchParams.set(k, v);
  return { url: u.toString(), schema };
}

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  if (base) await admin(async (c) => { for (const s of schemas) await c.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`); });
});

describe.skipIf(!base)('postgresql store integrity', () => {
  it('refuses a schema holding another application\'s tables and changes nothing in it', async () => {
    const { url, schema } = await schemaUrl('foreign');
    await admin((c) => c.query(`CREATE TABLE ${schema}.customers (id int primary key, name text); INSERT INTO ${schema}.customers VALUES (1, 'a')`));
    const tables = async (): Promise<string[]> => admin(async (c) => (await c.query<{ t: string }>('SELECT table_name AS t FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1', [schema])).rows.map((r) => r.t));
    const before = await tables();
    await expect(openStore(url, { create: true })).rejects.toMatchObject({ diagnostics: [{ code: 'store.open.foreign', message: expect.stringContaining('`customers`') }] });
    expect(await tables()).toEqual(before);
  });

  it('marks a new store, and `check` passes on it', async () => {
    const { url, schema } = await schemaUrl('marked');
    const s = await openStore(url, { create: true });
    try {
      expect((await s.check()).ok).toBe(true);
    } finally {
      await s.close();
    }
    const mark = await admin(async (c) => (await c.query(`SELECT application FROM ${schema}.lockstep_store`)).rows);
    expect(mark).toEqual([{ application: 'lockstep-evidence' }]);
  });

  it('an administrator shutdown (57P01) of a query in flight maps to a coded diagnostic', async () => {
    const app = `lockstep_sleeper_${process.pid}`;
    const u = new URL(base!);
    u.searchParams.set('application_name', app);
    const c = new pg.Client({ connectionString: u.toString() });
    c.on('error', () => undefined);
    await c.connect();
    const sleeping = c.query('SELECT pg_sleep(30)').then(() => undefined, (e: unknown) => e);
    await new Promise((r) => setTimeout(r, 200));
    await admin((a) => a.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [app]));
    const failure = await sleeping;
    await c.end().catch(() => undefined);
    expect((failure as { code?: string }).code).toBe('57P01');
    expect(storeFailureDiagnostic(failure, 'postgres://lockstep:secret@db/x')).toMatchObject({
      code: 'store.io.connection-lost', message: expect.stringMatching(/shut down by its administrator/), help: expect.stringContaining('resume'),
    });
    expect(JSON.stringify(storeFailureDiagnostic(failure, 'postgres://lockstep:secret@db/x'))).not.toContain('secret');
  });

  it('connections killed by the administrator mid-ingest: no crash, and the ingest (or its re-run) ends with a clean run\'s content', async () => {
    const file = join(dir, 'fleet.ndjson');
    writeFileSync(file, formatEvents(syntheticEvents(6000), 'ecs-json'));
    const clean = await openStore((await schemaUrl('clean')).url, { create: true });
    await ingestPaths(clean, [file], { batchSize: 300 });
    const want = await clean.digest();
    await clean.close();

    const app = `lockstep_victim_${process.pid}`;
    const { url } = await schemaUrl('victim', { application_name: app });
    const s = await openStore(url, { create: true });
    const kills: Array<Promise<unknown>> = [];
    const failure = await ingestPaths(s, [file], {
      batchSize: 300,
      onProgress: (p) => {
        if (kills.length < 3 && p.eventsStored >= 900 * (kills.length + 1)) {
          kills.push(admin((c) => c.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [app])));
        }
      },
    }).then(() => undefined, (e: unknown) => e);
    await Promise.all(kills);
    expect(kills.length).toBeGreaterThan(0);
    // A kill that hit a transaction ends the run with a coded diagnostic; one that hit an idle pooled
    // connection is absorbed (the pool reconnects). Either way the re-run completes the same content.
    if (failure !== undefined) expect(storeFailureDiagnostic(failure, url)?.code).toBe('store.io.connection-lost');
    await s.close().catch(() => undefined);
    const again = await openStore(url);
    try {
      await ingestPaths(again, [file], { batchSize: 300 });
      expect(await again.digest()).toBe(want);
      expect((await again.check()).ok).toBe(true);
    } finally {
      await again.close();
    }
  });
});
