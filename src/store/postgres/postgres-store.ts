/**
 * The team evidence store: PostgreSQL through `pg` (issue 6 item 2), same schema and queries as SQLite.
 * Writes are set-based: a batch is a handful of `INSERT … SELECT FROM unnest($1::text[], …)` statements
 * (one row per statement over the wire is ~14x slower, design/stack.md §1) inside ONE transaction with the
 * rollup upsert and the source's progress row. `RETURNING dedup_key` tells which events were new, so the
 * rollup counts exactly those, also when two ingests run at once. pg returns BIGINT/sums as strings: every
 * numeric read goes through Number(). Opened through open.ts `openStore('postgres://…')`.
 */
import pg from 'pg';
import { DiagnosticError, type Diagnostic } from '../../diag/index.js';
import type { AppLockerEvent } from '../../events/applocker-event.js';
import type { ChannelActivity, DailyCount, EvidenceFilter, EvidenceWindow, FileEvidence, IngestHealth, LogClear } from '../../rollout/ports.js';
import { fileKeyText, foldChannelDays, foldRollup, prepareBatch, prepareLogClears, sourceRef, type PreparedEvent, type ResolvedIds } from '../batch.js';
import { Dictionaries, type IdCache } from '../dictionary.js';
import { digestAccumulator } from '../digest.js';
import { StoreCode } from '../errors.js';
import { MIGRATIONS_TABLE_SQL, migrations, renderMigration, statements } from '../migrations/index.js';
import { BLOB_GET, BLOB_INSERT, blobRows, chainConflict, entryFromRow, HISTORY_ALL, HISTORY_INSERT, HISTORY_LAST, historyRow } from '../history-rows.js';
import { GENESIS_HASH, type HistoryEntry } from '../../rollout/promotion/history.js';
import { queryChannelActivity, queryDailyCounts, queryFiles, queryIngestHealth, queryLogClears, queryRuleCounts, queryWindow, type RuleCount, type SqlRunner } from '../query.js';
import { DIGEST_DAILY_SQL, DIGEST_EVENTS_SQL, toRecord, type SourceRow } from '../sqlite/sqlite-store.js';
import type {
  AppliedMigration, EvidenceStore, IngestSource, InsertResult, SourceProgress, SourceRecord, StoreCheck, StoreCheckFinding, StoreInfo,
} from '../types.js';

/** Arbitrary constant naming the advisory lock that serialises migrations across processes. */
const MIGRATION_LOCK = 0x10c5;

const ZERO: SourceProgress = { recordsRead: 0, eventsStored: 0, duplicates: 0, nonAppLocker: 0, errors: 0 };

/** `?` → `$1, $2…` (query.ts writes `?`; no literal in it contains one). */
function numbered(sql: string): string {
  let i = 0;
  return sql.replace(/\?/g, () => `$${++i}`);
}

/** Swallows a checked-out client's 'error' event: the query in flight rejects with the same error. */
const onClientError = (): void => undefined;

async function inTransaction<T>(pool: pg.Pool, fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
  const c = await pool.connect();
  // pg-pool listens for errors only on idle clients: a server shutdown (57P01) while this one is checked
  // out would otherwise be an unhandled 'error' event that ends the process (issue 12).
  c.on('error', onClientError);
  try {
    await c.query('BEGIN');
    const r = await fn(c);
    await c.query('COMMIT');
    return r;
  } catch (e) {
    await c.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    c.off('error', onClientError);
    c.release();
  }
}

/** The marker row naming a PostgreSQL schema as a Lockstep evidence store. */
const MARKER_TABLE = 'lockstep_store';
const MARKER_APP = 'lockstep-evidence';
const FIRST_BUILD_TABLES = ['schema_migrations', 'events', 'sources', 'evidence_daily'];

/** A PostgreSQL failure as a coded diagnostic (SQLSTATE classes 08, 53, 57; network errors). */
export function pgErrorDiagnostic(e: unknown, target?: string): Diagnostic | undefined {
  const code = String((e as { code?: unknown })?.code ?? '');
  const msg = String((e as Error)?.message ?? '').toLowerCase();
  // `at` names the store: `the evidence store `x``, or just `the evidence store` when the caller does not know it.
  const at = target ? `the evidence store \`${target}\`` : 'the evidence store';
  const resume = 'committed batches are kept: run the same command again to resume';
  if (code === '57P01' || code === '57P02' || code === '57P03' || code.startsWith('08') || ['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT'].includes(code) || /connection terminated|server closed the connection|connection error and is not queryable/.test(msg)) {
    const why = code === '57P01' ? 'the server was shut down by its administrator' : code === '57P03' ? 'the server is starting up or shutting down' : 'the connection was lost';
    return { code: StoreCode.ConnectionLost, severity: 'error', message: `lost ${at}: ${why}`, help: resume };
  }
  if (code === '53100') return { code: StoreCode.DiskFull, severity: 'error', message: `the disk of the postgresql server holding ${at} is full`, help: `free space on the server; ${resume}` };
  if (code === '25006') return { code: StoreCode.ReadOnly, severity: 'error', message: `${at} is read-only (a standby or read-only transaction)`, help: 'point --store at the primary server to write' };
  if (code === 'XX001' || code === 'XX002') return { code: StoreCode.Damaged, severity: 'error', message: `${at} is damaged (sqlstate ${code})`, help: 'ask the database administrator to check the server; then run `lockstep store check`' };
  return undefined;
}

/**
 * Marks the schema and applies every pending migration in ONE transaction under an advisory lock (DDL is
 * transactional in PostgreSQL, so a failure leaves nothing half done). A schema holding other tables and
 * no Lockstep mark is refused before anything is written (issue 12).
 */
async function migrate(pool: pg.Pool, shown: string): Promise<void> {
  const latest = migrations[migrations.length - 1]?.version ?? 0;
  await inTransaction(pool, async (c) => {
    await c.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    const t = await c.query<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY table_name",
    );
    const tables = t.rows.map((r) => r.table_name);
    if (tables.includes(MARKER_TABLE)) {
      const m = await c.query<{ application: string }>(`SELECT application FROM ${MARKER_TABLE}`);
      if (m.rows[0]?.application !== MARKER_APP) throw foreign(shown, tables);
    } else if (tables.length > 0 && !FIRST_BUILD_TABLES.every((x) => tables.includes(x))) throw foreign(shown, tables);
    await c.query(MIGRATIONS_TABLE_SQL);
    const r = await c.query<{ v: number | null }>('SELECT max(version) AS v FROM schema_migrations');
    const v = Number(r.rows[0]?.v ?? 0);
    if (v > latest) {
      throw new DiagnosticError([{
        code: StoreCode.SchemaTooNew,
        severity: 'error',
        message: `the store's schema is version ${v}, newer than this lockstep knows (${latest})`,
        help: 'upgrade lockstep; migrations are forward-only',
      }]);
    }
    for (const m of migrations) {
      if (m.version <= v) continue;
      for (const s of statements(renderMigration(m, 'postgres'))) await c.query(s);
      await c.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [m.version, m.name, new Date().toISOString()]);
    }
    await c.query(`CREATE TABLE IF NOT EXISTS ${MARKER_TABLE} (application TEXT PRIMARY KEY, schema_version INTEGER NOT NULL)`);
    await c.query(`INSERT INTO ${MARKER_TABLE} (application, schema_version) VALUES ($1, $2) ON CONFLICT (application) DO UPDATE SET schema_version = excluded.schema_version`, [MARKER_APP, latest]);
  });
}

function foreign(shown: string, tables: readonly string[]): DiagnosticError {
  const list = tables.slice(0, 5).map((x) => `\`${x}\``).join(', ') + (tables.length > 5 ? ', …' : '');
  return new DiagnosticError([{
    code: StoreCode.Foreign,
    severity: 'error',
    message: `the schema of \`${shown}\` holds another application's tables (${list}); nothing was changed`,
    help: 'give lockstep a database or schema of its own (`?options=-c search_path=lockstep` in the URL)',
  }]);
}

export class PostgresEvidenceStore implements EvidenceStore {
  readonly kind = 'postgres' as const;
  private readonly dict = new Dictionaries();
  private readonly sourceIds = new Map<string, number>();
  private readonly runner: SqlRunner;

  private constructor(private readonly pool: pg.Pool, readonly target: string) {
    this.runner = {
      dialect: 'postgres',
      all: async <T>(sql: string, params: readonly unknown[]) => (await pool.query(numbered(sql), [...params])).rows as T[],
    };
  }

  /** Connects, checks the server answers, and brings the schema up to date. */
  static async open(url: string): Promise<PostgresEvidenceStore> {
    const shown = redact(url);
    const pool = new pg.Pool({ connectionString: url, max: 4, connectionTimeoutMillis: 10_000 });
    // An idle client's network error must not crash the process; the next query reports it.
    pool.on('error', () => undefined);
    try {
      await migrate(pool, shown);
      return new PostgresEvidenceStore(pool, shown);
    } catch (e) {
      await pool.end().catch(() => undefined);
      if (e instanceof DiagnosticError) throw e;
      const known = pgErrorDiagnostic(e, shown);
      if (known && known.code !== StoreCode.ConnectionLost) throw new DiagnosticError([known]);
      const msg = ((e as Error).message ?? String(e)).toLowerCase();
      throw new DiagnosticError([{
        code: StoreCode.OpenFailed,
        severity: 'error',
        message: `cannot open the evidence store \`${shown}\`: ${msg}`,
        help: 'check that the server runs, the database exists and the URL is right (postgres://user@host:port/db)',
      }]);
    }
  }

  /** Resolves one dictionary's missing keys with one INSERT … ON CONFLICT DO NOTHING and one SELECT. */
  private async resolveDict(
    c: pg.PoolClient, cache: IdCache, keys: Map<string, readonly string[]>, table: string, cols: readonly string[], types: readonly string[],
    keyCols: number,
  ): Promise<void> {
    const missing = [...keys.entries()].filter(([k]) => cache.get(k) === undefined);
    if (missing.length === 0) return;
    const arrays = cols.map((_, i) => missing.map(([, v]) => v[i]));
    const un = cols.map((_, i) => `$${i + 1}::${types[i]}[]`).join(', ');
    await c.query(`INSERT INTO ${table} (${cols.join(', ')}) SELECT * FROM unnest(${un}) ON CONFLICT DO NOTHING`, arrays);
    const kc = cols.slice(0, keyCols);
    const kun = kc.map((_, i) => `$${i + 1}::${types[i]}[]`).join(', ');
    const on = kc.map((col, i) => `t.${col} = k.c${i}`).join(' AND ');
    const res = await c.query(
      `SELECT t.id, ${kc.map((col) => `t.${col}`).join(', ')} FROM ${table} t JOIN unnest(${kun}) AS k(${kc.map((_, i) => `c${i}`).join(', ')}) ON ${on}`,
      arrays.slice(0, keyCols),
    );
    for (const row of res.rows as Array<Record<string, string>>) {
      const vals = kc.map((col) => row[col] ?? '');
      const key = table === 'file_keys' ? vals.join('\u001f') : vals[0]!;
      cache.add(key, Number(row.id));
    }
  }

  private async sourceId(c: pg.PoolClient, source: IngestSource): Promise<number> {
    const hit = this.sourceIds.get(source.path);
    if (hit !== undefined) return hit;
    await c.query(
      "INSERT INTO sources (path, size, mtime_ms, status, records_read, events_stored, duplicates, non_applocker, errors, updated_at) " +
        "VALUES ($1, $2, $3, 'partial', 0, 0, 0, 0, 0, $4) ON CONFLICT (path) DO NOTHING",
      [source.path, Math.trunc(source.size ?? -1), Math.trunc(source.mtimeMs ?? -1), new Date().toISOString()],
    );
    const r = await c.query<{ id: string }>('SELECT id FROM sources WHERE path = $1', [source.path]);
    return Number(r.rows[0]!.id);
  }

  async beginSource(source: IngestSource): Promise<SourceProgress> {
    this.sourceIds.delete(source.path);
    return inTransaction(this.pool, async (c) => {
      const now = new Date().toISOString();
      const r = await c.query<SourceRow>('SELECT * FROM sources WHERE path = $1 FOR UPDATE', [source.path]);
      const row = r.rows[0];
      if (!row) {
        await this.sourceId(c, source);
        return ZERO;
      }
      const rec = toRecord(row);
      if (rec.status === 'partial' && rec.size === (Math.trunc(source.size ?? -1)) && rec.mtimeMs === (Math.trunc(source.mtimeMs ?? -1))) {
        const { recordsRead, eventsStored, duplicates, nonAppLocker, errors } = rec;
        return { recordsRead, eventsStored, duplicates, nonAppLocker, errors };
      }
      await c.query(
        "UPDATE sources SET size = $1, mtime_ms = $2, status = 'partial', records_read = 0, events_stored = 0, duplicates = 0, " +
          'non_applocker = 0, errors = 0, updated_at = $3 WHERE path = $4',
        [Math.trunc(source.size ?? -1), Math.trunc(source.mtimeMs ?? -1), now, source.path],
      );
      return ZERO;
    });
  }

  async insertEvents(
    events: readonly AppLockerEvent[],
    source: IngestSource,
    progress?: (batch: { inserted: number; duplicates: number; rejected: number }, stored: SourceProgress) => SourceProgress,
  ): Promise<InsertResult> {
    const batch = prepareBatch(events);
    const d = this.dict;
    try {
      const r = await inTransaction(this.pool, async (c) => {
        const sourceId = await this.sourceId(c, source);
        const computers = new Map<string, string[]>();
        const users = new Map<string, string[]>();
        const channels = new Map<string, string[]>();
        const rules = new Map<string, string[]>();
        const files = new Map<string, string[]>();
        for (const p of batch.events) {
          // First occurrence wins (display name, full path), as in the SQLite store.
          if (!computers.has(p.computerLc)) computers.set(p.computerLc, [p.computerLc, p.computer]);
          channels.set(p.channel, [p.channel]);
          if (p.userSid) users.set(p.userSid, [p.userSid]);
          if (p.ruleId) rules.set(p.ruleId, [p.ruleId]);
          const f = p.file;
          if (!files.has(p.fileKeyText)) files.set(p.fileKeyText, [f.collection, f.filePath, f.fileHash, f.fqbnText, p.fullFilePath]);
        }
        await this.resolveDict(c, d.computers, computers, 'computers', ['name_lc', 'name'], ['text', 'text'], 1);
        await this.resolveDict(c, d.channels, channels, 'channels', ['name'], ['text'], 1);
        await this.resolveDict(c, d.users, users, 'users', ['sid'], ['text'], 1);
        await this.resolveDict(c, d.rules, rules, 'rule_keys', ['rule_id'], ['text'], 1);
        await this.resolveDict(
          c, d.files, files, 'file_keys', ['collection', 'file_path', 'file_hash', 'fqbn_text', 'full_file_path'],
          ['text', 'text', 'text', 'text', 'text'], 4,
        );
        const rows: Array<{ p: PreparedEvent; ids: ResolvedIds & { channelId: number } }> = batch.events.map((p) => ({
          p,
          ids: {
            computerId: d.computers.get(p.computerLc)!,
            channelId: d.channels.get(p.channel)!,
            userId: p.userSid ? d.users.get(p.userSid)! : 0,
            ruleKeyId: p.ruleId ? d.rules.get(p.ruleId)! : 0,
            fileKeyId: d.files.get(fileKeyText(p.file))!,
          },
        }));
        let inserted: typeof rows = [];
        if (rows.length) {
          const col = <T>(f: (x: (typeof rows)[number]) => T) => rows.map(f);
          const res = await c.query<{ dedup_key: string }>(
            'INSERT INTO events (dedup_key, time_created, computer_id, channel_id, user_id, file_key_id, rule_key_id, outcome, event_id, ' +
              'record_id, provider, target_process_id, target_logon_id, policy_name, rule_name, rule_sddl, package_name, source_id, source_ref) ' +
              'SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::int[], $5::int[], $6::int[], $7::int[], $8::text[], $9::int[], ' +
              '$10::bigint[], $11::text[], $12::bigint[], $13::text[], $14::text[], $15::text[], $16::text[], $17::text[], $18::int[], $19::text[]) ' +
              'ON CONFLICT (dedup_key) DO NOTHING RETURNING dedup_key',
            [
              col((x) => x.p.key), col((x) => x.p.time), col((x) => x.ids.computerId), col((x) => x.ids.channelId), col((x) => x.ids.userId),
              col((x) => x.ids.fileKeyId), col((x) => x.ids.ruleKeyId), col((x) => x.p.event.outcome), col((x) => x.p.event.eventId),
              col((x) => x.p.event.recordId ?? null), col((x) => x.p.event.provider), col((x) => x.p.event.targetProcessId ?? null),
              col((x) => x.p.event.targetLogonId ?? null), col((x) => x.p.event.policyName ?? null), col((x) => x.p.event.ruleName ?? null),
              col((x) => x.p.event.ruleSddl ?? null), col((x) => x.p.event.packageName ?? null), col(() => sourceId),
              col((x) => sourceRef(x.p.event.source, source.path)),
            ],
          );
          const fresh = new Set(res.rows.map((x) => x.dedup_key));
          inserted = rows.filter((x) => fresh.has(x.p.key));
        }
        const deltas = foldRollup(inserted);
        if (deltas.length) {
          await c.query(
            'INSERT INTO evidence_daily (day, computer_id, file_key_id, user_id, outcome, rule_key_id, events, first_seen, last_seen) ' +
              'SELECT * FROM unnest($1::text[], $2::int[], $3::int[], $4::int[], $5::text[], $6::int[], $7::bigint[], $8::text[], $9::text[]) ' +
              'ON CONFLICT (day, computer_id, file_key_id, user_id, outcome, rule_key_id) DO UPDATE SET ' +
              'events = evidence_daily.events + EXCLUDED.events, ' +
              'first_seen = LEAST(evidence_daily.first_seen COLLATE "C", EXCLUDED.first_seen COLLATE "C"), ' +
              'last_seen = GREATEST(evidence_daily.last_seen COLLATE "C", EXCLUDED.last_seen COLLATE "C")',
            [
              deltas.map((x) => x.day), deltas.map((x) => x.computerId), deltas.map((x) => x.fileKeyId), deltas.map((x) => x.userId),
              deltas.map((x) => x.outcome), deltas.map((x) => x.ruleKeyId), deltas.map((x) => x.events), deltas.map((x) => x.firstSeen),
              deltas.map((x) => x.lastSeen),
            ],
          );
        }
        const channelDays = foldChannelDays(inserted);
        if (channelDays.length) {
          await c.query(
            'INSERT INTO channel_daily (day, computer_id, channel_id, events, with_record, min_record, max_record, first_seen, last_seen) ' +
              'SELECT * FROM unnest($1::text[], $2::int[], $3::int[], $4::bigint[], $5::bigint[], $6::bigint[], $7::bigint[], $8::text[], $9::text[]) ' +
              'ON CONFLICT (computer_id, channel_id, day) DO UPDATE SET ' +
              'events = channel_daily.events + EXCLUDED.events, with_record = channel_daily.with_record + EXCLUDED.with_record, ' +
              'min_record = LEAST(channel_daily.min_record, EXCLUDED.min_record), max_record = GREATEST(channel_daily.max_record, EXCLUDED.max_record), ' +
              'first_seen = LEAST(channel_daily.first_seen COLLATE "C", EXCLUDED.first_seen COLLATE "C"), ' +
              'last_seen = GREATEST(channel_daily.last_seen COLLATE "C", EXCLUDED.last_seen COLLATE "C")',
            [
              channelDays.map((x) => x.day), channelDays.map((x) => x.computerId), channelDays.map((x) => x.channelId), channelDays.map((x) => x.events),
              channelDays.map((x) => x.withRecord), channelDays.map((x) => x.minRecord), channelDays.map((x) => x.maxRecord),
              channelDays.map((x) => x.firstSeen), channelDays.map((x) => x.lastSeen),
            ],
          );
        }
        if (progress) {
          const duplicates = events.length - batch.rejected.length - inserted.length;
          // The row as committed, locked: two ingests of one file add to it, not overwrite it (issue 12).
          const row = await c.query<SourceRow>('SELECT * FROM sources WHERE id = $1 FOR UPDATE', [sourceId]);
          const stored = toRecord(row.rows[0]!);
          await writeProgress(c, 'partial', progress({ inserted: inserted.length, duplicates, rejected: batch.rejected.length }, {
            recordsRead: stored.recordsRead, eventsStored: stored.eventsStored, duplicates: stored.duplicates, nonAppLocker: stored.nonAppLocker, errors: stored.errors,
          }), sourceId);
        }
        return { sourceId, inserted: inserted.length };
      });
      d.commit();
      this.sourceIds.set(source.path, r.sourceId);
      return { inserted: r.inserted, duplicates: events.length - batch.rejected.length - r.inserted, rejected: batch.rejected };
    } catch (e) {
      d.rollback();
      throw e;
    }
  }

  async finishSource(source: IngestSource, progress: SourceProgress): Promise<void> {
    // Counts were added batch by batch; only the status and the furthest position are set (see sqlite-store).
    await inTransaction(this.pool, async (c) => {
      const id = await this.sourceId(c, source);
      await c.query("UPDATE sources SET status = 'done', records_read = GREATEST(records_read, $1), updated_at = $2 WHERE id = $3", [progress.recordsRead, new Date().toISOString(), id]);
    });
  }

  async sources(): Promise<SourceRecord[]> {
    const r = await this.pool.query<SourceRow>('SELECT * FROM sources ORDER BY path COLLATE "C"');
    return r.rows.map(toRecord);
  }

  private async count(sql: string): Promise<number> {
    const r = await this.pool.query<{ n: string }>(sql);
    return Number(r.rows[0]?.n ?? 0);
  }

  async counts(): Promise<{ events: number; sources: number }> {
    return { events: await this.count('SELECT count(*) AS n FROM events'), sources: await this.count('SELECT count(*) AS n FROM sources') };
  }

  async info(): Promise<StoreInfo> {
    const r = await this.pool.query<{ version: number; name: string; applied_at: string }>(
      'SELECT version, name, applied_at FROM schema_migrations ORDER BY version',
    );
    const applied: AppliedMigration[] = r.rows.map((m) => ({ version: Number(m.version), name: m.name, appliedAt: m.applied_at }));
    return {
      kind: 'postgres',
      target: this.target,
      schemaVersion: applied[applied.length - 1]?.version ?? 0,
      migrations: applied,
      events: await this.count('SELECT count(*) AS n FROM events'),
      sources: await this.count('SELECT count(*) AS n FROM sources'),
      computers: await this.count('SELECT count(*) AS n FROM computers'),
      files: await this.count('SELECT count(*) AS n FROM file_keys'),
      rollupRows: await this.count('SELECT count(*) AS n FROM evidence_daily'),
    };
  }

  async check(): Promise<StoreCheck> {
    const findings: StoreCheckFinding[] = [];
    const latest = migrations[migrations.length - 1]?.version ?? 0;
    const n = async (sql: string): Promise<number> => Number((await this.pool.query<{ n: string }>(sql)).rows[0]?.n ?? 0);
    const marker = await this.pool.query<{ application: string; schema_version: number }>(`SELECT application, schema_version FROM ${MARKER_TABLE}`).catch(() => undefined);
    const mark = marker?.rows[0];
    findings.push({ check: 'mark', ok: mark?.application === MARKER_APP, detail: mark ? `${mark.application}, schema ${mark.schema_version}` : 'no lockstep_store marker table' });
    const applied = await n('SELECT coalesce(max(version), 0) AS n FROM schema_migrations');
    findings.push({ check: 'schema', ok: applied === latest, detail: `schema version ${applied}, this lockstep's is ${latest}` });
    const invalid = await n('SELECT count(*) AS n FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace ns ON ns.oid = c.relnamespace WHERE ns.nspname = current_schema() AND NOT i.indisvalid');
    findings.push({ check: 'indexes', ok: invalid === 0, detail: invalid === 0 ? 'every index valid' : `${invalid} invalid indexes (an interrupted CREATE INDEX CONCURRENTLY?)` });
    const events = await n('SELECT count(*) AS n FROM events');
    const rolled = await n('SELECT coalesce(sum(events), 0) AS n FROM evidence_daily');
    findings.push({ check: 'rollup', ok: events === rolled, detail: `${events} events, ${rolled} counted in the daily rollup` });
    return { ok: findings.every((f) => f.ok), findings };
  }

  async digest(): Promise<string> {
    const acc = digestAccumulator();
    for (const row of (await this.pool.query(DIGEST_EVENTS_SQL)).rows) acc.add('e', row as Record<string, unknown>);
    for (const row of (await this.pool.query(DIGEST_DAILY_SQL)).rows) acc.add('d', row as Record<string, unknown>);
    return acc.done();
  }

  window(filter: EvidenceFilter): Promise<EvidenceWindow> {
    return queryWindow(this.runner, filter);
  }

  files(filter: EvidenceFilter): Promise<FileEvidence[]> {
    return queryFiles(this.runner, filter);
  }

  ruleCounts(filter: EvidenceFilter): Promise<RuleCount[]> {
    return queryRuleCounts(this.runner, filter);
  }

  dailyCounts(filter: EvidenceFilter): Promise<DailyCount[]> {
    return queryDailyCounts(this.runner, filter);
  }

  async insertLogClears(clears: readonly LogClear[]): Promise<number> {
    const rows = prepareLogClears(clears);
    if (rows.length === 0) return 0;
    const res = await this.pool.query(
      'INSERT INTO log_clears (computer_lc, computer, time_created, event_id, log, user_name, record_id) ' +
        'SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::text[], $6::text[], $7::bigint[]) ' +
        'ON CONFLICT (computer_lc, log, time_created, event_id) DO NOTHING',
      [rows.map((r) => r.computerLc), rows.map((r) => r.computer), rows.map((r) => r.time), rows.map((r) => r.eventId), rows.map((r) => r.log), rows.map((r) => r.user), rows.map((r) => r.recordId)],
    );
    return res.rowCount ?? 0;
  }

  async recordSourceErrors(path: string, errorsByCode: Readonly<Record<string, number>>, reset: boolean): Promise<void> {
    const codes = Object.keys(errorsByCode);
    await inTransaction(this.pool, async (c) => {
      if (reset) await c.query('DELETE FROM source_errors WHERE path = $1', [path]);
      if (codes.length) {
        await c.query(
          'INSERT INTO source_errors (path, code, count) SELECT $1, * FROM unnest($2::text[], $3::bigint[]) ' +
            'ON CONFLICT (path, code) DO UPDATE SET count = source_errors.count + EXCLUDED.count',
          [path, codes, codes.map((k) => errorsByCode[k])],
        );
      }
    });
  }

  ingestHealth(): Promise<IngestHealth> {
    return queryIngestHealth(this.runner);
  }

  channelActivity(filter: EvidenceFilter): Promise<ChannelActivity> {
    return queryChannelActivity(this.runner, filter);
  }

  logClears(filter: EvidenceFilter): Promise<LogClear[]> {
    return queryLogClears(this.runner, filter);
  }

  /** The pool, for the benchmark's bulk generator and tests only. */
  get connection(): pg.Pool {
    return this.pool;
  }

  // PromotionLog (rollout/promotion/history.ts; migration 0003). The seq primary key makes a concurrent
  // append fail; the prev check inside the transaction names it.
  async appendHistory(entry: HistoryEntry, blobs: readonly Uint8Array[]): Promise<void> {
    await inTransaction(this.pool, async (c) => {
      const last = (await c.query<{ seq: string; hash: string }>(HISTORY_LAST)).rows[0];
      if ((last?.hash ?? GENESIS_HASH) !== entry.prev || Number(last?.seq ?? 0) + 1 !== entry.seq) throw chainConflict(entry.prev, last?.hash);
      for (const [h, d] of blobRows(blobs)) await c.query(numbered(BLOB_INSERT), [h, d]);
      await c.query(numbered(HISTORY_INSERT), historyRow(entry));
    });
  }

  async historyEntries(): Promise<HistoryEntry[]> {
    return (await this.pool.query<{ seq: string; body: string }>(HISTORY_ALL)).rows.map((r) => entryFromRow(Number(r.seq), r.body));
  }

  async historyBlob(sha256: string): Promise<Uint8Array | undefined> {
    const r = (await this.pool.query<{ data: string }>(numbered(BLOB_GET), [sha256])).rows[0];
    return r ? new Uint8Array(Buffer.from(r.data, 'base64')) : undefined;
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

async function writeProgress(c: pg.PoolClient, status: 'partial' | 'done', p: SourceProgress, sourceId: number): Promise<void> {
  await c.query(
    'UPDATE sources SET status = $1, records_read = $2, events_stored = $3, duplicates = $4, non_applocker = $5, errors = $6, updated_at = $7 WHERE id = $8',
    [status, p.recordsRead, p.eventsStored, p.duplicates, p.nonAppLocker, p.errors, new Date().toISOString(), sourceId],
  );
}

function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url.replace(/:[^:@/]*@/, ':***@');
  }
}
