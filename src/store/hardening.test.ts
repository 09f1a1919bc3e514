/**
 * Issue 12 store integrity, each case from a generated input: a foreign SQLite database is refused and its
 * bytes stay identical; a typo'd path is not created; a new store is marked (application_id/user_version);
 * a half migration never stays behind; a read-only store is reported on; a damaged one is detected by
 * `check`; a full disk (SQLite max_page_count) ends with a coded diagnostic and the same ingest resumes to
 * the same content as a clean run.
 */
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatEvents } from '../events/index.js';
import { ingestPaths } from './ingest.js';
import { openStore, storeFailureDiagnostic } from './open.js';
import { APPLICATION_ID, type SqliteEvidenceStore } from './sqlite/sqlite-store.js';
import { migrations } from './migrations/index.js';
import { syntheticEvents } from './synthetic-events.js';

const dir = mkdtempSync(join(tmpdir(), 'lockstep-store-hardening-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const sha = (p: string): string => createHash('sha256').update(readFileSync(p)).digest('hex');

describe('sqlite store integrity', () => {
  it('refuses another application\'s database and leaves every byte of it as it was', async () => {
    const path = join(dir, 'crm.db');
    const db = new Database(path);
    db.exec("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO customers (name) VALUES ('a'), ('b')");
    db.close();
    const before = sha(path);
    const filesBefore = readdirSync(dir).sort();
    for (const create of [true, false]) {
      await expect(openStore(path, { create })).rejects.toMatchObject({ diagnostics: [{ code: 'store.open.foreign', message: expect.stringMatching(/`customers`.*not changed/) }] });
    }
    await expect(openStore(path, { readOnly: true })).rejects.toMatchObject({ diagnostics: [{ code: 'store.open.foreign' }] });
    expect(sha(path)).toBe(before);
    expect(readdirSync(dir).sort()).toEqual(filesBefore);
  });

  it('refuses a database with a foreign application_id even without tables', async () => {
    const path = join(dir, 'other-app.db');
    const db = new Database(path);
    db.pragma('application_id = 1234');
    db.close();
    const before = sha(path);
    await expect(openStore(path, { create: true })).rejects.toMatchObject({ diagnostics: [{ code: 'store.open.foreign' }] });
    expect(sha(path)).toBe(before);
  });

  it('does not create a store for a path that does not exist unless asked', async () => {
    const path = join(dir, 'typo', 'evidnce.db');
    await expect(openStore(path)).rejects.toMatchObject({ diagnostics: [{ code: 'store.open.missing' }] });
    expect(existsSync(join(dir, 'typo'))).toBe(false);
  });

  it('marks a new store and keeps the mark on reopen', async () => {
    const path = join(dir, 'marked.db');
    await (await openStore(path, { create: true })).close();
    const db = new Database(path, { readonly: true });
    expect(db.pragma('application_id', { simple: true })).toBe(APPLICATION_ID);
    expect(db.pragma('user_version', { simple: true })).toBe(migrations[migrations.length - 1]!.version);
    db.close();
    const s = await openStore(path);
    expect((await s.check()).ok).toBe(true);
    await s.close();
  });

  it('rolls a failed migration back whole: no half schema stays behind', async () => {
    // The first build's layout, unmarked, with an `events` table the migration cannot create over.
    const path = join(dir, 'half.db');
    const db = new Database(path);
    db.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL); CREATE TABLE events (x); CREATE TABLE sources (x); CREATE TABLE evidence_daily (x)');
    db.close();
    await expect(openStore(path)).rejects.toMatchObject({ diagnostics: [{ code: 'store.open.failed' }] });
    const after = new Database(path, { readonly: true });
    const tables = (after.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as Array<{ name: string }>).map((r) => r.name);
    expect(tables).toEqual(['events', 'evidence_daily', 'schema_migrations', 'sources']);
    expect(after.pragma('application_id', { simple: true })).toBe(0);
    after.close();
  });

  it('reports on a store opened read-only and writes nothing to it', async () => {
    const path = join(dir, 'ro.db');
    const s = await openStore(path, { create: true });
    await s.insertEvents(syntheticEvents(200), { path: 'gen', size: 1, mtimeMs: 1 });
    await s.close();
    const before = sha(path);
    const ro = await openStore(path, { readOnly: true });
    expect((await ro.window({})).events).toBe(200);
    expect((await ro.check()).ok).toBe(true);
    await expect(ro.insertEvents(syntheticEvents(1), { path: 'x' })).rejects.toThrow();
    await ro.close();
    expect(sha(path)).toBe(before);
  });

  it('detects a damaged file: `check` fails, or opening names the damage', async () => {
    const path = join(dir, 'damaged.db');
    const s = await openStore(path, { create: true });
    await s.insertEvents(syntheticEvents(3000), { path: 'gen', size: 1, mtimeMs: 1 });
    await s.close();
    const bytes = readFileSync(path);
    // Overwrite pages 4.. (past the header and the schema page) with a fixed pattern.
    for (let i = 4 * 4096; i < Math.min(bytes.length, 12 * 4096); i++) bytes[i] = (i * 7) & 0xff;
    writeFileSync(path, bytes);
    let outcome: string;
    try {
      const d = await openStore(path, { readOnly: true });
      try {
        outcome = (await d.check()).ok ? 'ok' : 'check-failed';
      } catch (e) {
        outcome = storeFailureDiagnostic(e, path)?.code ?? 'raw';
      } finally {
        await d.close();
      }
    } catch (e) {
      outcome = (e as { diagnostics?: Array<{ code: string }> }).diagnostics?.[0]?.code ?? 'raw';
    }
    expect(['check-failed', 'store.integrity.damaged']).toContain(outcome);
  });

  it('ends a disk-full ingest with a coded diagnostic; the same ingest then resumes to a clean run\'s content', async () => {
    const events = syntheticEvents(20_000);
    const file = join(dir, 'big.ndjson');
    writeFileSync(file, formatEvents(events, 'ecs-json'));
    const clean = await openStore(join(dir, 'clean-full.db'), { create: true });
    await ingestPaths(clean, [file], { batchSize: 1000 });
    const want = await clean.digest();
    await clean.close();

    const path = join(dir, 'full.db');
    const s = (await openStore(path, { create: true })) as SqliteEvidenceStore;
    // SQLite's max_page_count makes the file "full" at a size we choose: SQLITE_FULL as on a full disk.
    const pages = s.connection.pragma('page_count', { simple: true }) as number;
    s.connection.pragma(`max_page_count = ${pages + 400}`);
    const failure = await ingestPaths(s, [file], { batchSize: 1000 }).then(() => undefined, (e: unknown) => e);
    expect(storeFailureDiagnostic(failure, path)).toMatchObject({ code: 'store.io.disk-full', message: expect.stringContaining('full') });
    const kept = (await s.counts()).events;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(events.length);
    await s.close();
    const again = await openStore(path);
    const r = await ingestPaths(again, [file], { batchSize: 1000 });
    expect(r.files[0]!.resumedRecords).toBeGreaterThan(0);
    expect(await again.digest()).toBe(want);
    expect((await again.check()).ok).toBe(true);
    await again.close();
  });

  it('two ingests of one file at once both count in its sources row (no last-writer-wins)', async () => {
    const file = join(dir, 'race.ndjson');
    writeFileSync(file, formatEvents(syntheticEvents(6000), 'ecs-json'));
    const path = join(dir, 'race.db');
    const a = await openStore(path, { create: true });
    const b = await openStore(path);
    try {
      const [ra, rb] = await Promise.all([ingestPaths(a, [file], { batchSize: 500 }), ingestPaths(b, [file], { batchSize: 500 })]);
      const stored = (await a.counts()).events;
      expect(ra.totals.eventsStored + rb.totals.eventsStored).toBeGreaterThanOrEqual(stored);
      const [row] = await a.sources();
      expect(row).toMatchObject({ status: 'done', eventsStored: stored, recordsRead: 6000 });
      expect(row!.eventsStored + row!.duplicates).toBeGreaterThanOrEqual(6000);
    } finally {
      await a.close();
      await b.close();
    }
  });
});
