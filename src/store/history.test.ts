/**
 * The PromotionLog port on both stores (migration 0003): entries and blobs round-trip exactly, the chain cannot
 * fork (an append must continue from the last entry), and an entry edited, deleted or reordered IN THE
 * DATABASE is found and named by the chain check. PostgreSQL runs when LOCKSTEP_TEST_PG_URL is set.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { sealEntry, sha256Hex, verifyChain, type HistoryEntry, type UnsealedEntry } from '../rollout/promotion/history.js';
import { openStore } from './open.js';
import type { EvidenceStore } from './types.js';

const dir = mkdtempSync(join(tmpdir(), 'lockstep-history-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function draft(i: number, before: Uint8Array, after: Uint8Array): UnsealedEntry {
  return {
    action: i === 0 ? 'accept' : 'promote', actor: `user${i}`, time: `2026-11-0${i + 1}T10:00:00.000Z`, gpo: 'AppLocker - Finance',
    gpoGuid: '{B5FF2F5F-A7F4-5E14-A9FF-136955474CD1}', policyFile: 'policies/fin.xml', collections: ['Exe'],
    modesBefore: { Exe: 'AuditOnly' }, modesAfter: { Exe: i === 0 ? 'AuditOnly' : 'Enabled' },
    policyBefore: sha256Hex(before), policyAfter: sha256Hex(after), reason: `step ${i} — ünïcode`,
  };
}

async function fill(s: EvidenceStore): Promise<{ entries: HistoryEntry[]; blobs: Uint8Array[] }> {
  const blobs = [0, 1, 2, 3].map((i) => new Uint8Array([0xff, 0xfe, i, 0, 0x0d, 0x0a]));
  const entries: HistoryEntry[] = [];
  for (let i = 0; i < 3; i++) {
    const e = sealEntry(draft(i, blobs[i]!, blobs[i + 1]!), entries[entries.length - 1]);
    await s.appendHistory(e, [blobs[i]!, blobs[i + 1]!]);
    entries.push(e);
  }
  return { entries, blobs };
}

type Exec = (sql: string) => Promise<void>;

function suite(name: string, open: () => Promise<{ store: EvidenceStore; reopen: () => Promise<EvidenceStore>; exec: (s: EvidenceStore) => Exec; done?: () => Promise<void> }>): void {
  describe(`history on ${name}`, () => {
    it('round-trips entries and exact blob bytes, across a reopen', async () => {
      const { store, reopen, done } = await open();
      const { entries, blobs } = await fill(store);
      await store.close();
      const again = await reopen();
      try {
        expect(await again.historyEntries()).toEqual(entries);
        for (const b of blobs) expect(await again.historyBlob(sha256Hex(b))).toEqual(b);
        expect(await again.historyBlob('0'.repeat(64))).toBeUndefined();
        expect(verifyChain(await again.historyEntries(), (e) => `#${e.seq}`)).toEqual([]);
      } finally {
        await again.close();
        await done?.();
      }
    });

    it('refuses an append that does not continue the chain', async () => {
      const { store, done } = await open();
      try {
        const { entries } = await fill(store);
        const stale = sealEntry(draft(3, new Uint8Array(), new Uint8Array([1])), entries[1]);
        await expect(store.appendHistory(stale, [])).rejects.toThrow(/history changed/);
        expect((await store.historyEntries()).length).toBe(3);
      } finally {
        await store.close();
        await done?.();
      }
    });

    it('an entry edited, deleted or reordered in the database is named', async () => {
      const { store, exec, done } = await open();
      try {
        await fill(store);
        const sql = exec(store);
        await sql("UPDATE history_entries SET body = replace(body, '\"actor\":\"user1\"', '\"actor\":\"mallory\"') WHERE seq = 2");
        let p = verifyChain(await store.historyEntries(), (e) => `#${e.seq}`);
        expect(p.map((d) => d.code)).toEqual(['rollout.history.entry-edited']);
        expect(p[0]!.message).toContain('entry 2');
        await sql("UPDATE history_entries SET body = replace(body, '\"actor\":\"mallory\"', '\"actor\":\"user1\"') WHERE seq = 2");
        await sql('DELETE FROM history_entries WHERE seq = 2');
        p = verifyChain(await store.historyEntries(), (e) => `#${e.seq}`);
        expect(p.map((d) => d.code)).toContain('rollout.history.missing-entry');
        expect(p.find((d) => d.code === 'rollout.history.missing-entry')!.message).toContain('entry 2');
        // Reordered: swap the bodies of entries 1 and 3 (their seq columns stay).
        await sql('UPDATE history_entries SET seq = 99 WHERE seq = 1');
        await sql('UPDATE history_entries SET seq = 1 WHERE seq = 3');
        await sql('UPDATE history_entries SET seq = 3 WHERE seq = 99');
        p = verifyChain(await store.historyEntries(), (e) => `#${e.seq}`);
        expect(p.map((d) => d.code)).toContain('rollout.history.out-of-order');
      } finally {
        await store.close();
        await done?.();
      }
    });
  });
}

let n = 0;
suite('SQLite', async () => {
  const path = join(dir, `h${++n}`, 'evidence.db');
  return {
    store: await openStore(path, { create: true }),
    reopen: () => openStore(path),
    exec: (s) => async (sql) => { (s as unknown as { connection: { exec(q: string): void } }).connection.exec(sql); },
  };
});

const url = process.env.LOCKSTEP_TEST_PG_URL;
if (!url) {
  process.stderr.write('NOTE: LOCKSTEP_TEST_PG_URL is not set: PostgreSQL history tests skipped (CI sets it in .ci/run)\n');
  describe('history on PostgreSQL', () => it.skip('LOCKSTEP_TEST_PG_URL is not set', () => undefined));
} else {
  suite('PostgreSQL', async () => {
    const schema = `hist_${process.pid}_${Date.now().toString(36)}_${Math.floor(Math.random() * 1e6)}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`CREATE SCHEMA ${schema}`);
    await admin.end();
    const u = new URL(url);
    u.searchParams.set('options', `-c search_path=${schema}`);
    const target = u.toString();
    return {
      store: await openStore(target),
      reopen: () => openStore(target),
      exec: () => async (sql) => {
        const c = new pg.Client({ connectionString: target });
        await c.connect();
        try { await c.query(sql); } finally { await c.end(); }
      },
      done: async () => {
        const c = new pg.Client({ connectionString: url });
        await c.connect();
        try { await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`); } finally { await c.end(); }
      },
    };
  });
}
