/**
 * The accounts tables (migration 0004) on SQLite and PostgreSQL: the `AccountStore` port of app/accounts.ts.
 * Opened next to the evidence store on the same target (its own connection), after `openStore` has run the
 * migrations, so the evidence store's classes stay untouched. One SQL text per statement, `?` placeholders
 * numbered for PostgreSQL as query.ts does. Issue 13 item 3.
 */
import Database from 'better-sqlite3';
import pg from 'pg';
import type { AccountRecord, AccountStore, ActorLogEntry, Role, Scope, SessionRecord, TokenRecord } from '../app/accounts.js';
import { isPostgresUrl, openStore } from './open.js';

interface Sql {
  all<T>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  run(sql: string, params?: readonly unknown[]): Promise<number>;
  close(): Promise<void>;
}

function sqliteSql(file: string): Sql {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 5000');
  const cache = new Map<string, Database.Statement>();
  const st = (s: string): Database.Statement => {
    let p = cache.get(s);
    if (!p) cache.set(s, (p = db.prepare(s)));
    return p;
  };
  return {
    all: async <T>(s: string, params: readonly unknown[] = []) => st(s).all(...params) as T[],
    run: async (s, params = []) => st(s).run(...params).changes,
    close: async () => void db.close(),
  };
}

function postgresSql(url: string): Sql {
  const pool = new pg.Pool({ connectionString: url, max: 4, connectionTimeoutMillis: 10_000 });
  pool.on('error', () => undefined);
  const numbered = (s: string): string => {
    let i = 0;
    return s.replace(/\?/g, () => `$${++i}`);
  };
  return {
    all: async <T>(s: string, params: readonly unknown[] = []) => (await pool.query(numbered(s), [...params])).rows as T[],
    run: async (s, params = []) => (await pool.query(numbered(s), [...params])).rowCount ?? 0,
    close: () => pool.end(),
  };
}

interface AccountRow { id: number | string; name: string; role: string; password_hash: string; created_at: string; disabled: number | string }
interface TokenRow { id: string; name: string; account_id: number | string; scopes: string; secret_hash: string; created_at: string; revoked_at: string | null; last_used_at: string | null }

const account = (r: AccountRow): AccountRecord => ({
  id: Number(r.id), name: r.name, role: r.role as Role, passwordHash: r.password_hash, createdAt: r.created_at, disabled: Number(r.disabled) !== 0,
});
const token = (r: TokenRow): TokenRecord => ({
  id: r.id, name: r.name, accountId: Number(r.account_id), scopes: r.scopes.split(' ').filter(Boolean) as Scope[], secretHash: r.secret_hash, createdAt: r.created_at,
  ...(r.revoked_at ? { revokedAt: r.revoked_at } : {}), ...(r.last_used_at ? { lastUsedAt: r.last_used_at } : {}),
});

class SqlAccountStore implements AccountStore {
  constructor(private readonly sql: Sql) {}

  async addAccount(a: Omit<AccountRecord, 'id'>): Promise<AccountRecord | undefined> {
    const rows = await this.sql.all<AccountRow>(
      'INSERT INTO accounts (name, role, password_hash, created_at, disabled) VALUES (?, ?, ?, ?, ?) ON CONFLICT (name) DO NOTHING RETURNING *',
      [a.name, a.role, a.passwordHash, a.createdAt, a.disabled ? 1 : 0],
    );
    return rows[0] ? account(rows[0]) : undefined;
  }
  async accountByName(name: string) {
    const r = (await this.sql.all<AccountRow>('SELECT * FROM accounts WHERE name = ?', [name]))[0];
    return r ? account(r) : undefined;
  }
  async accountById(id: number) {
    const r = (await this.sql.all<AccountRow>('SELECT * FROM accounts WHERE id = ?', [id]))[0];
    return r ? account(r) : undefined;
  }
  async listAccounts() {
    return (await this.sql.all<AccountRow>('SELECT * FROM accounts ORDER BY name')).map(account);
  }
  async updateAccount(id: number, c: { role?: Role; passwordHash?: string; disabled?: boolean }) {
    if (c.role !== undefined) await this.sql.run('UPDATE accounts SET role = ? WHERE id = ?', [c.role, id]);
    if (c.passwordHash !== undefined) await this.sql.run('UPDATE accounts SET password_hash = ? WHERE id = ?', [c.passwordHash, id]);
    if (c.disabled !== undefined) await this.sql.run('UPDATE accounts SET disabled = ? WHERE id = ?', [c.disabled ? 1 : 0, id]);
  }
  async addSession(s: SessionRecord) {
    await this.sql.run('INSERT INTO sessions (id_hash, account_id, csrf, created_at, expires_at) VALUES (?, ?, ?, ?, ?)', [s.idHash, s.accountId, s.csrf, s.createdAt, s.expiresAt]);
    // Housekeeping on the (rare) login path: expired sessions go.
    await this.sql.run('DELETE FROM sessions WHERE expires_at < ?', [s.createdAt]);
  }
  async session(idHash: string) {
    const r = (await this.sql.all<{ id_hash: string; account_id: number | string; csrf: string; created_at: string; expires_at: string }>('SELECT * FROM sessions WHERE id_hash = ?', [idHash]))[0];
    return r ? { idHash: r.id_hash, accountId: Number(r.account_id), csrf: r.csrf, createdAt: r.created_at, expiresAt: r.expires_at } : undefined;
  }
  async deleteSession(idHash: string) {
    await this.sql.run('DELETE FROM sessions WHERE id_hash = ?', [idHash]);
  }
  async deleteSessionsOf(accountId: number) {
    await this.sql.run('DELETE FROM sessions WHERE account_id = ?', [accountId]);
  }
  async addToken(t: TokenRecord) {
    await this.sql.run('INSERT INTO api_tokens (id, name, account_id, scopes, secret_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)', [t.id, t.name, t.accountId, t.scopes.join(' '), t.secretHash, t.createdAt]);
  }
  async token(id: string) {
    const r = (await this.sql.all<TokenRow>('SELECT * FROM api_tokens WHERE id = ?', [id]))[0];
    return r ? token(r) : undefined;
  }
  async listTokens() {
    return (await this.sql.all<TokenRow>('SELECT * FROM api_tokens ORDER BY created_at, id')).map(token);
  }
  async revokeToken(id: string, at: string) {
    return (await this.sql.run('UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL', [at, id])) > 0;
  }
  async touchToken(id: string, at: string) {
    await this.sql.run('UPDATE api_tokens SET last_used_at = ? WHERE id = ?', [at, id]);
  }
  async appendLog(e: ActorLogEntry) {
    await this.sql.run('INSERT INTO actor_log (at, actor, action, target, detail) VALUES (?, ?, ?, ?, ?)', [e.at, e.actor, e.action, e.target, e.detail]);
  }
  async log(page: { limit: number; offset: number }) {
    const total = Number((await this.sql.all<{ n: number | string }>('SELECT count(*) AS n FROM actor_log'))[0]?.n ?? 0);
    const items = await this.sql.all<ActorLogEntry>('SELECT at, actor, action, target, detail FROM actor_log ORDER BY id DESC LIMIT ? OFFSET ?', [page.limit, page.offset]);
    return { total, items: items.map((i) => ({ at: i.at, actor: i.actor, action: i.action, target: i.target, detail: i.detail })) };
  }
  close() {
    return this.sql.close();
  }
}

/**
 * Opens the accounts tables of the store at `target` (a SQLite file or a postgres:// URL), applying any
 * pending migration first.
 * @example const accounts = await openAccountStore('lockstep-demo/.lockstep/evidence.db');
 */
export async function openAccountStore(target: string): Promise<AccountStore> {
  await (await openStore(target, { create: true })).close(); // creates the store if needed and runs the migrations, 0004 included
  return new SqlAccountStore(isPostgresUrl(target) ? postgresSql(target) : sqliteSql(target));
}
