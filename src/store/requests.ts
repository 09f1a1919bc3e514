/**
 * The access-request log and webhook outbox (migration 0005) on SQLite and PostgreSQL: the
 * AccessRequestLog and NotificationOutbox ports of rollout/requests. One class per dialect over the evidence
 * store's connection (opened, and migrated, by `openStore`), so the two evidence-store classes stay as they
 * are. Requests are stored as JSON; updates are compare-and-set on the transition count.
 */
import type pg from 'pg';
import type { AlertStateLog } from '../rollout/monitor/index.js';
import type { AccessRequest, AccessRequestLog, NotificationOutbox, OutboxMessage, RequestState } from '../rollout/requests/index.js';
import { openStore } from './open.js';
import type { PostgresEvidenceStore } from './postgres/postgres-store.js';
import type { SqliteEvidenceStore } from './sqlite/sqlite-store.js';
import type { EvidenceStore } from './types.js';

export type RequestStore = AccessRequestLog & NotificationOutbox & AlertStateLog & { readonly target: string; close(): Promise<void> };

interface OutboxRow { id: number | string; event_key: string; endpoint: string; kind: string; body: string; attempts: number | string; next_attempt_at: string; delivered_at: string | null; last_error: string | null }

function outboxFromRow(r: OutboxRow): OutboxMessage {
  return {
    id: Number(r.id), eventKey: r.event_key, endpoint: r.endpoint, kind: r.kind, body: r.body, attempts: Number(r.attempts), nextAttemptAt: r.next_attempt_at,
    ...(r.delivered_at ? { deliveredAt: r.delivered_at } : {}), ...(r.last_error ? { lastError: r.last_error } : {}),
  };
}

function parseRequest(body: string): AccessRequest {
  return JSON.parse(body) as AccessRequest;
}

const INSERT = 'INSERT INTO access_requests (id, state, gpo, requester, created_at, updated_at, transitions, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING';
const UPDATE = 'UPDATE access_requests SET state = ?, updated_at = ?, transitions = ?, body = ? WHERE id = ? AND transitions = ?';
const GET = 'SELECT body FROM access_requests WHERE id = ?';
const ENQUEUE = 'INSERT INTO webhook_outbox (event_key, endpoint, kind, body, created_at, attempts, next_attempt_at) VALUES (?, ?, ?, ?, ?, 0, ?) ON CONFLICT (event_key) DO NOTHING';
const DUE = 'SELECT * FROM webhook_outbox WHERE delivered_at IS NULL AND next_attempt_at <= ? ORDER BY id LIMIT ?';
const DELIVERED = 'UPDATE webhook_outbox SET delivered_at = ?, attempts = attempts + 1, last_error = NULL WHERE id = ?';
const FAILED = 'UPDATE webhook_outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ? WHERE id = ?';
const ALL = 'SELECT * FROM webhook_outbox ORDER BY id';
// alert_state (issue 14 monitoring): the last firing per rule × GPO × group
const ALERT_UPSERT = 'INSERT INTO alert_state (rule, last_fired_at, body) VALUES (?, ?, ?) ON CONFLICT (rule) DO UPDATE SET last_fired_at = excluded.last_fired_at, body = excluded.body';
const ALERT_ALL = 'SELECT rule, last_fired_at, body FROM alert_state ORDER BY rule';
type AlertState = { key: string; lastFiredAt: string; body: string };

function listSql(filter: { state?: RequestState; gpo?: string }): { sql: string; args: unknown[] } {
  const where: string[] = [], args: unknown[] = [];
  if (filter.state) { where.push('state = ?'); args.push(filter.state); }
  if (filter.gpo) { where.push('lower(gpo) = lower(?)'); args.push(filter.gpo); }
  return { sql: `SELECT body FROM access_requests${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at, id`, args };
}

function row(r: AccessRequest): unknown[] {
  return [r.id, r.state, r.gpo, r.requester, r.createdAt, r.updatedAt, r.transitions.length, JSON.stringify(r)];
}

class SqliteRequests implements RequestStore {
  constructor(private readonly store: SqliteEvidenceStore) {}
  get target(): string { return this.store.target; }
  private get db() { return this.store.connection; }
  async createRequest(r: AccessRequest): Promise<boolean> { return this.db.prepare(INSERT).run(...row(r)).changes === 1; }
  async updateRequest(r: AccessRequest, expected: number): Promise<boolean> {
    return this.db.prepare(UPDATE).run(r.state, r.updatedAt, r.transitions.length, JSON.stringify(r), r.id, expected).changes === 1;
  }
  async getRequest(id: string): Promise<AccessRequest | undefined> {
    const x = this.db.prepare(GET).get(id) as { body: string } | undefined;
    return x ? parseRequest(x.body) : undefined;
  }
  async listRequests(filter: { state?: RequestState; gpo?: string } = {}): Promise<AccessRequest[]> {
    const q = listSql(filter);
    return (this.db.prepare(q.sql).all(...q.args) as { body: string }[]).map((x) => parseRequest(x.body));
  }
  async enqueue(messages: readonly { eventKey: string; endpoint: string; kind: string; body: string }[], now: string): Promise<number> {
    let n = 0;
    this.db.transaction(() => { for (const m of messages) n += this.db.prepare(ENQUEUE).run(m.eventKey, m.endpoint, m.kind, m.body, now, now).changes; }).immediate();
    return n;
  }
  async due(now: string, limit: number): Promise<OutboxMessage[]> { return (this.db.prepare(DUE).all(now, limit) as OutboxRow[]).map(outboxFromRow); }
  async markDelivered(id: number, at: string): Promise<void> { this.db.prepare(DELIVERED).run(at, id); }
  async markFailed(id: number, error: string, next: string): Promise<void> { this.db.prepare(FAILED).run(error.slice(0, 500), next, id); }
  async outbox(): Promise<OutboxMessage[]> { return (this.db.prepare(ALL).all() as OutboxRow[]).map(outboxFromRow); }
  async recordAlerts(states: readonly { key: string; firedAt: string; body: string }[]): Promise<void> {
    this.db.transaction(() => { for (const a of states) this.db.prepare(ALERT_UPSERT).run(a.key, a.firedAt, a.body); }).immediate();
  }
  async alertStates(): Promise<AlertState[]> {
    return (this.db.prepare(ALERT_ALL).all() as { rule: string; last_fired_at: string; body: string }[]).map((r) => ({ key: r.rule, lastFiredAt: r.last_fired_at, body: r.body }));
  }
  close(): Promise<void> { return this.store.close(); }
}

/** `?` placeholders as PostgreSQL's `$1, $2…`. */
function numbered(sql: string): string {
  let i = 0;
  return sql.replace(/\?/g, () => `$${++i}`);
}

class PostgresRequests implements RequestStore {
  constructor(private readonly store: PostgresEvidenceStore) {}
  get target(): string { return this.store.target; }
  private get pool(): pg.Pool { return this.store.connection; }
  async createRequest(r: AccessRequest): Promise<boolean> { return ((await this.pool.query(numbered(INSERT), row(r))).rowCount ?? 0) === 1; }
  async updateRequest(r: AccessRequest, expected: number): Promise<boolean> {
    return ((await this.pool.query(numbered(UPDATE), [r.state, r.updatedAt, r.transitions.length, JSON.stringify(r), r.id, expected])).rowCount ?? 0) === 1;
  }
  async getRequest(id: string): Promise<AccessRequest | undefined> {
    const x = (await this.pool.query<{ body: string }>(numbered(GET), [id])).rows[0];
    return x ? parseRequest(x.body) : undefined;
  }
  async listRequests(filter: { state?: RequestState; gpo?: string } = {}): Promise<AccessRequest[]> {
    const q = listSql(filter);
    return (await this.pool.query<{ body: string }>(numbered(q.sql), q.args)).rows.map((x) => parseRequest(x.body));
  }
  async enqueue(messages: readonly { eventKey: string; endpoint: string; kind: string; body: string }[], now: string): Promise<number> {
    const c = await this.pool.connect();
    try {
      await c.query('BEGIN');
      let n = 0;
      for (const m of messages) n += (await c.query(numbered(ENQUEUE), [m.eventKey, m.endpoint, m.kind, m.body, now, now])).rowCount ?? 0;
      await c.query('COMMIT');
      return n;
    } catch (e) {
      await c.query('ROLLBACK').catch(() => undefined);
      throw e;
    } finally {
      c.release();
    }
  }
  async due(now: string, limit: number): Promise<OutboxMessage[]> { return (await this.pool.query<OutboxRow>(numbered(DUE), [now, limit])).rows.map(outboxFromRow); }
  async markDelivered(id: number, at: string): Promise<void> { await this.pool.query(numbered(DELIVERED), [at, id]); }
  async markFailed(id: number, error: string, next: string): Promise<void> { await this.pool.query(numbered(FAILED), [error.slice(0, 500), next, id]); }
  async outbox(): Promise<OutboxMessage[]> { return (await this.pool.query<OutboxRow>(ALL)).rows.map(outboxFromRow); }
  async recordAlerts(states: readonly { key: string; firedAt: string; body: string }[]): Promise<void> {
    for (const a of states) await this.pool.query(numbered(ALERT_UPSERT), [a.key, a.firedAt, a.body]);
  }
  async alertStates(): Promise<AlertState[]> {
    return (await this.pool.query<{ rule: string; last_fired_at: string; body: string }>(ALERT_ALL)).rows.map((r) => ({ key: r.rule, lastFiredAt: r.last_fired_at, body: r.body }));
  }
  close(): Promise<void> { return this.store.close(); }
}

/** The request log of the evidence store at `target` (created and migrated when needed). */
export async function openRequestStore(target: string): Promise<RequestStore> {
  const s: EvidenceStore = await openStore(target, { create: true });
  return s.kind === 'sqlite' ? new SqliteRequests(s as SqliteEvidenceStore) : new PostgresRequests(s as PostgresEvidenceStore);
}

/** The AccessRequestLogs port (app/access-request.ts) for a Node process. */
export const nodeAccessRequestLogs = { open: (target: string): Promise<RequestStore> => openRequestStore(target) };
