/**
 * The accounts use cases (app/accounts.ts) over the real accounts tables (migration 0004) on SQLite and, when
 * LOCKSTEP_TEST_PG_URL is set, PostgreSQL: the same assertions on both dialects.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  addAccount, createToken, FAST_TEST_KDF, hashPassword, listTokens, login, LoginThrottle, revokeToken, separationOfDuties, sessionPrincipal,
  tokenPrincipal, updateAccount, verifyPassword, type AccountStore,
} from '../app/index.js';
import { openAccountStore } from './accounts-store.js';
import pg from 'pg';

const pgUrl = process.env.LOCKSTEP_TEST_PG_URL;

/** A fresh schema in the test database (as postgres.test.ts does; not imported, which would run its suite). */
async function freshSchemaUrl(base: string, prefix: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const schema = `${prefix}_${process.pid}_${Date.now().toString(36)}_${Math.floor(Math.random() * 1e6)}`;
  const q = async (sql: string) => {
    const c = new pg.Client({ connectionString: base });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };
  await q(`CREATE SCHEMA ${schema}`);
  const u = new URL(base);
  u.searchParams.set('options', `-c search_path=${schema}`);
  return { url: u.toString(), drop: () => q(`DROP SCHEMA IF EXISTS ${schema} CASCADE`) };
}
const cleanups: Array<() => Promise<void> | void> = [];
afterAll(async () => {
  for (const c of cleanups) await c();
});

function suite(kind: string, open: () => Promise<AccountStore>, skip = false): void {
  describe.skipIf(skip)(`accounts on ${kind}`, () => {
    let offset = 0;
    const clock = { now: () => new Date(Date.UTC(2026, 11, 1) + offset) };
    it('adds, logs in, throttles, expires sessions, disables', async () => {
      const accounts = await open();
      cleanups.push(() => accounts.close());
      const ports = { accounts, clock };
      expect((await addAccount(ports, { name: 'ann', role: 'analyst', password: 'short', actor: 't', kdf: FAST_TEST_KDF })).ok).toBe(false);
      const a = await addAccount(ports, { name: 'ann', role: 'analyst', password: 'a good long passphrase', actor: 't', kdf: FAST_TEST_KDF });
      expect(a.ok && a.value.role).toBe('analyst');
      expect((await addAccount(ports, { name: 'ann', role: 'admin', password: 'a good long passphrase', actor: 't', kdf: FAST_TEST_KDF })).ok).toBe(false);
      const throttle = new LoginThrottle({ maxFailures: 3, windowMs: 60_000, lockMs: 10_000 });
      const bad = await login({ ...ports, throttle }, { name: 'ann', password: 'nope', client: 'c1' });
      expect(bad.ok).toBe(false);
      const s = await login({ ...ports, throttle }, { name: 'ann', password: 'a good long passphrase', client: 'c1' });
      expect(s.ok).toBe(true);
      if (!s.ok) return;
      expect((await sessionPrincipal(ports, s.value.sessionId))?.account.name).toBe('ann');
      expect(await sessionPrincipal(ports, s.value.sessionId + 'x')).toBeUndefined();
      for (let i = 0; i < 3; i++) await login({ ...ports, throttle }, { name: 'ann', password: 'nope', client: 'c2' });
      const locked = await login({ ...ports, throttle }, { name: 'ann', password: 'a good long passphrase', client: 'c2' });
      expect(locked.ok).toBe(false);
      expect(locked.retryAfterMs).toBeGreaterThan(0);
      offset += 13 * 3_600_000;
      expect(await sessionPrincipal(ports, s.value.sessionId)).toBeUndefined();
      const s2 = await login({ ...ports, throttle }, { name: 'ann', password: 'a good long passphrase', client: 'c3' });
      expect(s2.ok).toBe(true);
      await updateAccount(ports, { name: 'ann', disabled: true, actor: 't' });
      expect(s2.ok && (await sessionPrincipal(ports, s2.value.sessionId))).toBeFalsy();
      expect((await accounts.log({ limit: 10, offset: 0 })).items.map((e) => e.action)).toContain('account.update');
    });

    it('tokens: shown once, stored hashed, scoped, revocable', async () => {
      const accounts = await open();
      cleanups.push(() => accounts.close());
      const ports = { accounts, clock };
      await addAccount(ports, { name: 'ship', role: 'analyst', password: 'a good long passphrase', actor: 't', kdf: FAST_TEST_KDF });
      const t = await createToken(ports, { account: 'ship', name: 'wlb', scopes: ['intake'], actor: 't' });
      expect(t.ok).toBe(true);
      if (!t.ok) return;
      const [id, secret] = t.value.token.split('.') as [string, string];
      const stored = await accounts.token(id);
      expect(stored!.secretHash).not.toContain(secret);
      expect(JSON.stringify(await listTokens(ports))).not.toContain(secret);
      const p = await tokenPrincipal(ports, t.value.token);
      expect(p?.via).toMatchObject({ kind: 'token', scopes: ['intake'] });
      expect(await tokenPrincipal(ports, { id, secret })).toBeDefined();
      // one character changed (never to itself: a secret ending in `A` made this test flaky)
      expect(await tokenPrincipal(ports, `${id}.${secret.slice(0, -1)}${secret.endsWith('A') ? 'B' : 'A'}`)).toBeUndefined();
      expect((await revokeToken(ports, { id, actor: 't' })).ok).toBe(true);
      expect(await tokenPrincipal(ports, t.value.token)).toBeUndefined();
      expect((await revokeToken(ports, { id, actor: 't' })).ok).toBe(false);
    });
  });
}

suite('sqlite', async () => {
  const d = mkdtempSync(join(tmpdir(), 'lockstep-accounts-'));
  cleanups.push(() => rmSync(d, { recursive: true, force: true }));
  return openAccountStore(join(d, 'a.db'));
});
suite('postgres', async () => {
  const s = await freshSchemaUrl(pgUrl!, 'acct');
  cleanups.push(s.drop);
  return openAccountStore(s.url);
}, !pgUrl);

describe('passwords and separation of duties', () => {
  it('scrypt hashes verify, differ per salt and reject a wrong password', async () => {
    const h1 = await hashPassword('correct horse battery staple', FAST_TEST_KDF);
    const h2 = await hashPassword('correct horse battery staple', FAST_TEST_KDF);
    expect(h1).not.toBe(h2);
    expect(h1).toMatch(/^scrypt\$1024\$8\$1\$/);
    expect(await verifyPassword('correct horse battery staple', h1)).toBe(true);
    expect(await verifyPassword('correct horse battery stapl', h1)).toBe(false);
    expect(await verifyPassword('x', 'scrypt$99999999$8$1$AA$AA')).toBe(false); // tampered cost is refused, not run
  });

  it('whoever prepared or requested a change cannot approve it', () => {
    expect(separationOfDuties({ preparedBy: 'ann' }, 'ANN').ok).toBe(false);
    expect(separationOfDuties({ requestedBy: 'bob' }, 'bob').ok).toBe(false);
    expect(separationOfDuties({ preparedBy: 'ann', requestedBy: 'bob' }, 'carol').ok).toBe(true);
  });
});
