/**
 * Runs the store conformance suite against SQLite (always): a fresh file per store in a temp folder.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from './open.js';
import { runStoreConformance } from './store.conformance.js';

const dir = mkdtempSync(join(tmpdir(), 'lockstep-sqlite-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

runStoreConformance(async () => {
  const path = join(dir, `s${++n}`, 'evidence.db');
  return { store: await openStore(path, { create: true }), reopen: () => openStore(path) };
}, 'sqlite');

describe('sqlite store specifics', () => {
  it('refuses a file that is not a database with a coded diagnostic', async () => {
    const path = join(dir, 'not-a-db.evtx');
    writeFileSync(path, 'ElfFile\0'.repeat(600));
    await expect(openStore(path)).rejects.toMatchObject({ diagnostics: [{ code: 'store.open.not-a-database' }] });
  });

  it('uses WAL journaling', async () => {
    const path = join(dir, 'wal.db');
    const s = await openStore(path, { create: true });
    try {
      const db = (s as unknown as { connection: { pragma(p: string, o: { simple: boolean }): unknown } }).connection;
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    } finally {
      await s.close();
    }
  });
});
