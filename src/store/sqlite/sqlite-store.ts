/**
 * The embedded evidence store: one SQLite file through better-sqlite3 in WAL mode (issue 6 item 2).
 * Each `insertEvents` is one `BEGIN IMMEDIATE` transaction holding the events, their rollup deltas and the
 * source's progress row, so a killed process leaves whole batches only (WAL + synchronous=NORMAL is
 * durable against a process crash; only an OS crash may lose the last commits, never corrupt).
 * Queries are the shared ones in query.ts. Opened through open.ts `openStore(path)`.
 */
import Database from 'better-sqlite3';
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { DiagnosticError, type Diagnostic } from '../../diag/index.js';
import type { AppLockerEvent } from '../../events/applocker-event.js';
import type { ChannelActivity, DailyCount, EvidenceFilter, EvidenceWindow, FileEvidence, IngestHealth, LogClear } from '../../rollout/ports.js';
import { foldChannelDays, foldRollup, prepareBatch, prepareLogClears, sourceRef, type PreparedEvent, type ResolvedIds } from '../batch.js';
import { Dictionaries } from '../dictionary.js';
import { StoreCode } from '../errors.js';
import { MIGRATIONS_TABLE_SQL, migrations, renderMigration, statements } from '../migrations/index.js';
import { queryChannelActivity, queryDailyCounts, queryFiles, queryIngestHealth, queryLogClears, queryRuleCounts, queryWindow, type RuleCount, type SqlRunner } from '../query.js';
import type {
  AppliedMigration, EvidenceStore, IngestSource, InsertResult, SourceProgress, SourceRecord, StoreCheck, StoreCheckFinding, StoreInfo,
} from '../types.js';
import { digestAccumulator } from '../digest.js';
import { BLOB_GET, BLOB_INSERT, blobRows, chainConflict, entryFromRow, HISTORY_ALL, HISTORY_INSERT, HISTORY_LAST, historyRow } from '../history-rows.js';
import { GENESIS_HASH, type HistoryEntry } from '../../rollout/promotion/history.js';

type Db = Database.Database;

const ZERO: SourceProgress = { recordsRead: 0, eventsStored: 0, duplicates: 0, nonAppLocker: 0, errors: 0 };

/**
 * Marks a SQLite file as a Lockstep evidence store: the header's `application_id` (SQLite file format §1.3,
 * offset 68; "LKST") and `user_version` = schema version. A file with another application_id, or with
 * tables but no mark and not the first build's layout, is refused without being changed (issue 12).
 */
export const APPLICATION_ID = 0x4c4b5354;

/** Tables of an unmarked store written by the first build (before the mark existed): adopted and marked. */
const FIRST_BUILD_TABLES = ['schema_migrations', 'events', 'sources', 'evidence_daily'];

function storeDiag(code: string, message: string, help: string): DiagnosticError {
  return new DiagnosticError([{ code, severity: 'error', message, help }]);
}

/**
 * Applies every pending migration and the store mark in ONE IMMEDIATE transaction: a failure leaves the
 * file as it was (no half migration). Re-checked inside the lock, so two processes opening a new file at
 * once apply each migration once.
 */
function migrate(db: Db): void {
  const latest = migrations[migrations.length - 1]?.version ?? 0;
  const apply = db.transaction(() => {
    db.exec(MIGRATIONS_TABLE_SQL);
    const row = db.prepare('SELECT max(version) AS v FROM schema_migrations').get() as { v: number | null };
    if ((row.v ?? 0) > latest) {
      throw storeDiag(StoreCode.SchemaTooNew, `the store's schema is version ${row.v}, newer than this lockstep knows (${latest})`, 'upgrade lockstep; migrations are forward-only');
    }
    for (const m of migrations) {
      const done = db.prepare('SELECT 1 FROM schema_migrations WHERE version = ?').get(m.version);
      if (done) continue;
      for (const s of statements(renderMigration(m, 'sqlite'))) db.exec(s);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(m.version, m.name, new Date().toISOString());
    }
    if (db.pragma('application_id', { simple: true }) !== APPLICATION_ID) db.pragma(`application_id = ${APPLICATION_ID}`);
    if (db.pragma('user_version', { simple: true }) !== latest) db.pragma(`user_version = ${latest}`);
  });
  apply.immediate();
}

/** What an existing file is, read through a read-only connection that writes nothing to it. */
function inspect(path: string, readOnlyMedia: boolean): { applicationId: number; tables: string[]; userVersion: number } {
  const db = openReadOnly(path, readOnlyMedia);
  try {
    const applicationId = db.pragma('application_id', { simple: true }) as number;
    const userVersion = db.pragma('user_version', { simple: true }) as number;
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as Array<{ name: string }>).map((r) => r.name);
    return { applicationId: applicationId >>> 0, tables, userVersion };
  } finally {
    db.close();
  }
}

let uriEnabled = false;
/**
 * A read-only connection. On read-only media SQLite cannot create the WAL index (`-shm`), so the file is
 * opened `immutable=1` (URI filenames; better-sqlite3 reads SQLITE_USE_URI once, before its first open).
 * A store closed cleanly has no WAL left, so immutable reads see every commit.
 */
function openReadOnly(path: string, immutable: boolean): Db {
  if (!immutable) return new Database(path, { readonly: true, fileMustExist: true });
  if (!uriEnabled) {
    process.env.SQLITE_USE_URI = '1';
    uriEnabled = true;
  }
  return new Database(`file:${encodeURI(resolve(path)).replace(/[?#]/g, encodeURIComponent)}?immutable=1`, { readonly: true, fileMustExist: true });
}

/** True when `path`'s file or folder cannot be written (read-only media, permissions). */
function cannotWrite(path: string): boolean {
  try {
    accessSync(path, constants.W_OK);
    accessSync(dirname(resolve(path)), constants.W_OK);
    return false;
  } catch {
    return true;
  }
}

/** A SQLite failure as a coded diagnostic: what happened to the store and what to do (never a stack trace). */
export function sqliteErrorDiagnostic(e: unknown, target?: string): Diagnostic | undefined {
  const code = String((e as { code?: unknown })?.code ?? '');
  if (!code.startsWith('SQLITE_')) return undefined;
  // `at` names the store: `the evidence store `x``, or just `the evidence store` when the caller does not know it.
  const at = target ? `the evidence store \`${target}\`` : 'the evidence store';
  if (code.startsWith('SQLITE_FULL')) return { code: StoreCode.DiskFull, severity: 'error', message: `the disk holding ${at} is full`, help: 'free space and run the same command again: committed batches are kept and ingest resumes after them' };
  if (code.startsWith('SQLITE_NOTADB')) return { code: StoreCode.NotADatabase, severity: 'error', message: `${at} is not a sqlite evidence store`, help: 'pass a new file name or an existing lockstep store' };
  if (code.startsWith('SQLITE_CORRUPT')) return { code: StoreCode.Damaged, severity: 'error', message: `${at} is damaged (${code.toLowerCase().replace(/_/g, '-')})`, help: 'run `lockstep store check` on it; restore it from a backup, or ingest the exports into a new store' };
  if (code.startsWith('SQLITE_READONLY')) return { code: StoreCode.ReadOnly, severity: 'error', message: `${at} is read-only`, help: 'reports can read it; ingest needs a writable copy' };
  if (code.startsWith('SQLITE_BUSY')) return { code: StoreCode.Busy, severity: 'error', message: `${at} is locked by another process`, help: 'wait for the other lockstep to finish and run the command again' };
  if (code.startsWith('SQLITE_IOERR') || code.startsWith('SQLITE_CANTOPEN')) return { code: StoreCode.Io, severity: 'error', message: `input/output error on ${at} (${code.toLowerCase().replace(/_/g, '-')})`, help: 'check the disk and run the same command again: committed batches are kept' };
  return undefined;
}

/** How to open a store: create a missing SQLite file (ingest, migrate) or not (reports, info, check). */
export interface SqliteOpenOptions {
  readonly create?: boolean;
  /** Open without writing: no migration, no WAL switch (read-only media are detected by themselves). */
  readonly readOnly?: boolean;
}

export class SqliteEvidenceStore implements EvidenceStore {
  readonly kind = 'sqlite' as const;
  private readonly dict = new Dictionaries();
  private readonly sourceIds = new Map<string, number>();
  private readonly stmts: Record<string, Database.Statement>;
  private readonly queryCache = new Map<string, Database.Statement>();
  private readonly runner: SqlRunner;

  private constructor(private readonly db: Db, readonly target: string, readOnly = false) {
    const p = (sql: string) => db.prepare(sql);
    // A read-only connection cannot prepare writes; they are never called on it (the CLI opens read-only
    // only for reports, info and check).
    this.stmts = readOnly ? {} : {
      insComputer: p('INSERT INTO computers (name_lc, name) VALUES (?, ?) ON CONFLICT (name_lc) DO NOTHING'),
      getComputer: p('SELECT id FROM computers WHERE name_lc = ?'),
      insUser: p('INSERT INTO users (sid) VALUES (?) ON CONFLICT (sid) DO NOTHING'),
      getUser: p('SELECT id FROM users WHERE sid = ?'),
      insChannel: p('INSERT INTO channels (name) VALUES (?) ON CONFLICT (name) DO NOTHING'),
      getChannel: p('SELECT id FROM channels WHERE name = ?'),
      insRule: p('INSERT INTO rule_keys (rule_id) VALUES (?) ON CONFLICT (rule_id) DO NOTHING'),
      getRule: p('SELECT id FROM rule_keys WHERE rule_id = ?'),
      insFile: p(
        'INSERT INTO file_keys (collection, file_path, file_hash, fqbn_text, full_file_path) VALUES (?, ?, ?, ?, ?) ' +
          'ON CONFLICT (collection, file_path, file_hash, fqbn_text) DO NOTHING',
      ),
      getFile: p('SELECT id FROM file_keys WHERE collection = ? AND file_path = ? AND file_hash = ? AND fqbn_text = ?'),
      insEvent: p(
        'INSERT INTO events (dedup_key, time_created, computer_id, channel_id, user_id, file_key_id, rule_key_id, outcome, ' +
          'event_id, record_id, provider, target_process_id, target_logon_id, policy_name, rule_name, rule_sddl, package_name, ' +
          'source_id, source_ref) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (dedup_key) DO NOTHING',
      ),
      upsertDaily: p(
        'INSERT INTO evidence_daily (day, computer_id, file_key_id, user_id, outcome, rule_key_id, events, first_seen, last_seen) ' +
          'VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (day, computer_id, file_key_id, user_id, outcome, rule_key_id) DO UPDATE SET ' +
          'events = events + excluded.events, first_seen = min(first_seen, excluded.first_seen), last_seen = max(last_seen, excluded.last_seen)',
      ),
      upsertChannelDay: p(
        'INSERT INTO channel_daily (day, computer_id, channel_id, events, with_record, min_record, max_record, first_seen, last_seen) ' +
          'VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (computer_id, channel_id, day) DO UPDATE SET ' +
          'events = events + excluded.events, with_record = with_record + excluded.with_record, ' +
          // SQLite's two-argument min/max return NULL when either is NULL: coalesce so a day without record ids keeps the other's
          'min_record = min(coalesce(min_record, excluded.min_record), coalesce(excluded.min_record, min_record)), ' +
          'max_record = max(coalesce(max_record, excluded.max_record), coalesce(excluded.max_record, max_record)), ' +
          'first_seen = min(first_seen, excluded.first_seen), last_seen = max(last_seen, excluded.last_seen)',
      ),
      insLogClear: p(
        'INSERT INTO log_clears (computer_lc, computer, time_created, event_id, log, user_name, record_id) VALUES (?, ?, ?, ?, ?, ?, ?) ' +
          'ON CONFLICT (computer_lc, log, time_created, event_id) DO NOTHING',
      ),
      getSource: p('SELECT * FROM sources WHERE path = ?'),
      getSourceById: p('SELECT * FROM sources WHERE id = ?'),
      finish: p("UPDATE sources SET status = 'done', records_read = max(records_read, ?), updated_at = ? WHERE id = ?"),
      insSource: p(
        "INSERT INTO sources (path, size, mtime_ms, status, records_read, events_stored, duplicates, non_applocker, errors, updated_at) " +
          "VALUES (?, ?, ?, 'partial', 0, 0, 0, 0, 0, ?) ON CONFLICT (path) DO NOTHING",
      ),
      resetSource: p(
        "UPDATE sources SET size = ?, mtime_ms = ?, status = 'partial', records_read = 0, events_stored = 0, duplicates = 0, " +
          'non_applocker = 0, errors = 0, updated_at = ? WHERE path = ?',
      ),
      progress: p(
        'UPDATE sources SET status = ?, records_read = ?, events_stored = ?, duplicates = ?, non_applocker = ?, errors = ?, updated_at = ? WHERE id = ?',
      ),
    };
    this.runner = {
      dialect: 'sqlite',
      all: async <T>(sql: string, params: readonly unknown[]) => this.query(sql).all(...params) as T[],
    };
  }

  /** True when opened without write access: reads only (reports, info, check). */
  readOnly = false;

  /**
   * Opens a SQLite evidence file and brings its schema up to date; refuses a foreign or damaged file without
   * changing a byte of it, and a missing one unless `create`.
   */
  static open(path: string, opts: SqliteOpenOptions = {}): SqliteEvidenceStore {
    let db: Db | undefined;
    const memory = path === ':memory:';
    const exists = !memory && existsSync(path);
    if (!memory && !exists && !opts.create) {
      throw storeDiag(StoreCode.Missing, `no evidence store at \`${path}\``, 'check the path; `lockstep ingest --store FILE …` or `lockstep store migrate --store FILE` creates one');
    }
    try {
      const roMedia = exists && cannotWrite(path);
      if (exists && statSync(path).size > 0) {
        const what = inspect(path, roMedia);
        const latest = migrations[migrations.length - 1]?.version ?? 0;
        const ours = what.applicationId === APPLICATION_ID ||
          (what.applicationId === 0 && FIRST_BUILD_TABLES.every((t) => what.tables.includes(t)));
        if (!ours && (what.applicationId !== 0 || what.tables.length > 0)) {
          const shown = what.tables.slice(0, 5).map((t) => `\`${t}\``).join(', ') + (what.tables.length > 5 ? ', …' : '');
          throw storeDiag(StoreCode.Foreign,
            `\`${path}\` is another application's sqlite database (application id 0x${what.applicationId.toString(16).padStart(8, '0')}${what.tables.length ? `, tables ${shown}` : ''}); it was not changed`,
            'lockstep keeps its evidence in a file of its own: pass a new file name');
        }
        if (opts.readOnly || roMedia) {
          if (what.userVersion > latest) throw storeDiag(StoreCode.SchemaTooNew, `the store's schema is version ${what.userVersion}, newer than this lockstep knows (${latest})`, 'upgrade lockstep');
          if (what.applicationId === APPLICATION_ID && what.userVersion < latest) {
            throw storeDiag(StoreCode.ReadOnly, `the evidence store \`${path}\` is read-only and its schema (version ${what.userVersion}) needs migrating to ${latest}`, 'migrate a writable copy with `lockstep store migrate --store COPY`');
          }
          db = openReadOnly(path, roMedia);
          const store = new SqliteEvidenceStore(db, path, true);
          store.readOnly = true;
          return store;
        }
      }
      db = new Database(path);
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.pragma('busy_timeout = 15000');
      db.pragma('cache_size = -65536');
      db.pragma('temp_store = MEMORY');
      // Checkpoint every ~40 MB of WAL instead of SQLite's default ~4 MB: ingest re-dirties the same index
      // pages (random dedup keys) batch after batch, and each checkpoint copies them back and fsyncs; fewer
      // checkpoints measured ~10-15 % more events/s on 100k events. Crash-safety is unchanged: the WAL is
      // replayed on open after a crash, whatever its length. journal_size_limit truncates the file afterwards.
      db.pragma('wal_autocheckpoint = 10000');
      db.pragma('journal_size_limit = 67108864');
      migrate(db);
      return new SqliteEvidenceStore(db, path);
    } catch (e) {
      db?.close();
      if (e instanceof DiagnosticError) throw e;
      const known = sqliteErrorDiagnostic(e, path);
      if (known && known.code !== StoreCode.Io && known.code !== StoreCode.NotADatabase) throw new DiagnosticError([known]);
      const msg = (e as Error).message ?? String(e);
      const notDb = /not a database|file is encrypted/i.test(msg);
      throw new DiagnosticError([{
        code: notDb ? StoreCode.NotADatabase : StoreCode.OpenFailed,
        severity: 'error',
        message: notDb ? `\`${path}\` is not a SQLite evidence store` : `cannot open the evidence store \`${path}\`: ${msg.toLowerCase()}`,
        help: notDb ? 'pass a new file name or an existing lockstep store' : 'check the path and its permissions',
      }]);
    }
  }

  private query(sql: string): Database.Statement {
    let s = this.queryCache.get(sql);
    if (!s) {
      if (this.queryCache.size > 200) this.queryCache.clear();
      s = this.db.prepare(sql);
      this.queryCache.set(sql, s);
    }
    return s;
  }

  private resolveIds(p: PreparedEvent): ResolvedIds & { channelId: number } {
    const s = this.stmts;
    const d = this.dict;
    // Cache hits first, inline: after the first batch nearly every lookup hits, and this runs per event
    // (no closures allocated per event; the database is touched only for a new dictionary value).
    let computerId = d.computers.get(p.computerLc);
    if (computerId === undefined) {
      s.insComputer!.run(p.computerLc, p.computer);
      computerId = (s.getComputer!.get(p.computerLc) as { id: number }).id;
      d.computers.add(p.computerLc, computerId);
    }
    let channelId = d.channels.get(p.channel);
    if (channelId === undefined) {
      s.insChannel!.run(p.channel);
      channelId = (s.getChannel!.get(p.channel) as { id: number }).id;
      d.channels.add(p.channel, channelId);
    }
    let userId = p.userSid === '' ? 0 : d.users.get(p.userSid);
    if (userId === undefined) {
      s.insUser!.run(p.userSid);
      userId = (s.getUser!.get(p.userSid) as { id: number }).id;
      d.users.add(p.userSid, userId);
    }
    let ruleKeyId = p.ruleId === '' ? 0 : d.rules.get(p.ruleId);
    if (ruleKeyId === undefined) {
      s.insRule!.run(p.ruleId);
      ruleKeyId = (s.getRule!.get(p.ruleId) as { id: number }).id;
      d.rules.add(p.ruleId, ruleKeyId);
    }
    let fileKeyId = d.files.get(p.fileKeyText);
    if (fileKeyId === undefined) {
      const f = p.file;
      s.insFile!.run(f.collection, f.filePath, f.fileHash, f.fqbnText, p.fullFilePath);
      fileKeyId = (s.getFile!.get(f.collection, f.filePath, f.fileHash, f.fqbnText) as { id: number }).id;
      d.files.add(p.fileKeyText, fileKeyId);
    }
    return { computerId, channelId, userId, ruleKeyId, fileKeyId };
  }

  private sourceId(source: IngestSource): number {
    const hit = this.sourceIds.get(source.path);
    if (hit !== undefined) return hit;
    this.stmts.insSource!.run(source.path, Math.trunc(source.size ?? -1), Math.trunc(source.mtimeMs ?? -1), new Date().toISOString());
    const row = this.stmts.getSource!.get(source.path) as { id: number };
    return row.id;
  }

  async beginSource(source: IngestSource): Promise<SourceProgress> {
    const tx = this.db.transaction((): SourceProgress => {
      const row = this.stmts.getSource!.get(source.path) as SourceRow | undefined;
      const now = new Date().toISOString();
      if (!row) {
        this.stmts.insSource!.run(source.path, Math.trunc(source.size ?? -1), Math.trunc(source.mtimeMs ?? -1), now);
        return ZERO;
      }
      if (row.status === 'partial' && row.size === (Math.trunc(source.size ?? -1)) && row.mtime_ms === (Math.trunc(source.mtimeMs ?? -1))) {
        return toProgress(row);
      }
      this.stmts.resetSource!.run(Math.trunc(source.size ?? -1), Math.trunc(source.mtimeMs ?? -1), now, source.path);
      return ZERO;
    });
    const progress = tx.immediate();
    this.sourceIds.delete(source.path);
    return progress;
  }

  async insertEvents(
    events: readonly AppLockerEvent[],
    source: IngestSource,
    progress?: (batch: { inserted: number; duplicates: number; rejected: number }, stored: SourceProgress) => SourceProgress,
  ): Promise<InsertResult> {
    const batch = prepareBatch(events);
    const s = this.stmts;
    const tx = this.db.transaction(() => {
      const sourceId = this.sourceId(source);
      const inserted: Array<{ p: PreparedEvent; ids: ResolvedIds & { channelId: number } }> = [];
      for (const p of batch.events) {
        const ids = this.resolveIds(p);
        const e = p.event;
        const info = s.insEvent!.run(
          p.key, p.time, ids.computerId, ids.channelId, ids.userId, ids.fileKeyId, ids.ruleKeyId, e.outcome, e.eventId,
          e.recordId ?? null, e.provider, e.targetProcessId ?? null, e.targetLogonId ?? null, e.policyName ?? null,
          e.ruleName ?? null, e.ruleSddl ?? null, e.packageName ?? null, sourceId, sourceRef(e.source, source.path),
        );
        if (info.changes > 0) inserted.push({ p, ids });
      }
      for (const d of foldRollup(inserted)) {
        s.upsertDaily!.run(d.day, d.computerId, d.fileKeyId, d.userId, d.outcome, d.ruleKeyId, d.events, d.firstSeen, d.lastSeen);
      }
      for (const d of foldChannelDays(inserted)) {
        s.upsertChannelDay!.run(d.day, d.computerId, d.channelId, d.events, d.withRecord, d.minRecord, d.maxRecord, d.firstSeen, d.lastSeen);
      }
      if (progress) {
        const duplicates = events.length - batch.rejected.length - inserted.length;
        // The row as committed, read under the write lock: two ingests of one file add to it, not overwrite it.
        const stored = toProgress(s.getSourceById!.get(sourceId) as SourceRow);
        writeProgress(s.progress!, 'partial', progress({ inserted: inserted.length, duplicates, rejected: batch.rejected.length }, stored), sourceId);
      }
      return { sourceId, inserted: inserted.length };
    });
    try {
      const r = tx.immediate();
      this.dict.commit();
      this.sourceIds.set(source.path, r.sourceId);
      return { inserted: r.inserted, duplicates: events.length - batch.rejected.length - r.inserted, rejected: batch.rejected };
    } catch (e) {
      this.dict.rollback();
      throw e;
    }
  }

  async insertLogClears(clears: readonly LogClear[]): Promise<number> {
    const rows = prepareLogClears(clears);
    const tx = this.db.transaction(() => {
      let n = 0;
      for (const c of rows) n += this.stmts.insLogClear!.run(c.computerLc, c.computer, c.time, c.eventId, c.log, c.user, c.recordId).changes;
      return n;
    });
    return tx.immediate();
  }

  async recordSourceErrors(path: string, errorsByCode: Readonly<Record<string, number>>, reset: boolean): Promise<void> {
    const tx = this.db.transaction(() => {
      if (reset) this.db.prepare('DELETE FROM source_errors WHERE path = ?').run(path);
      const up = this.db.prepare('INSERT INTO source_errors (path, code, count) VALUES (?, ?, ?) ON CONFLICT (path, code) DO UPDATE SET count = count + excluded.count');
      for (const [code, n] of Object.entries(errorsByCode)) up.run(path, code, n);
    });
    tx.immediate();
  }

  async ingestHealth(): Promise<IngestHealth> {
    return queryIngestHealth(this.runner);
  }

  async channelActivity(filter: EvidenceFilter): Promise<ChannelActivity> {
    return queryChannelActivity(this.runner, filter);
  }

  async logClears(filter: EvidenceFilter): Promise<LogClear[]> {
    return queryLogClears(this.runner, filter);
  }

  async finishSource(source: IngestSource, progress: SourceProgress): Promise<void> {
    // Counts were added batch by batch (insertEvents); only the status and the furthest position are set here,
    // so a second ingest of the same file finishing last does not overwrite the first one's counts (issue 12).
    const tx = this.db.transaction(() => this.stmts.finish!.run(progress.recordsRead, new Date().toISOString(), this.sourceId(source)));
    tx.immediate();
  }

  async sources(): Promise<SourceRecord[]> {
    const rows = this.db.prepare('SELECT * FROM sources ORDER BY path').all() as SourceRow[];
    return rows.map(toRecord);
  }

  async counts(): Promise<{ events: number; sources: number }> {
    const e = this.db.prepare('SELECT count(*) AS n FROM events').get() as { n: number };
    const s = this.db.prepare('SELECT count(*) AS n FROM sources').get() as { n: number };
    return { events: e.n, sources: s.n };
  }

  async info(): Promise<StoreInfo> {
    const applied = this.db.prepare('SELECT version, name, applied_at FROM schema_migrations ORDER BY version').all() as Array<{ version: number; name: string; applied_at: string }>;
    const n = (sql: string) => (this.db.prepare(sql).get() as { n: number }).n;
    const migrationsApplied: AppliedMigration[] = applied.map((m) => ({ version: m.version, name: m.name, appliedAt: m.applied_at }));
    return {
      kind: 'sqlite',
      target: this.target,
      schemaVersion: migrationsApplied[migrationsApplied.length - 1]?.version ?? 0,
      migrations: migrationsApplied,
      events: n('SELECT count(*) AS n FROM events'),
      sources: n('SELECT count(*) AS n FROM sources'),
      computers: n('SELECT count(*) AS n FROM computers'),
      files: n('SELECT count(*) AS n FROM file_keys'),
      rollupRows: n('SELECT count(*) AS n FROM evidence_daily'),
    };
  }

  async digest(): Promise<string> {
    const acc = digestAccumulator();
    for (const row of this.db.prepare(DIGEST_EVENTS_SQL).iterate()) acc.add('e', row as Record<string, unknown>);
    for (const row of this.db.prepare(DIGEST_DAILY_SQL).iterate()) acc.add('d', row as Record<string, unknown>);
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

  async check(): Promise<StoreCheck> {
    const findings: StoreCheckFinding[] = [];
    const latest = migrations[migrations.length - 1]?.version ?? 0;
    const appId = (this.db.pragma('application_id', { simple: true }) as number) >>> 0;
    findings.push({ check: 'mark', ok: appId === APPLICATION_ID, detail: `application_id 0x${appId.toString(16).padStart(8, '0')}${appId === APPLICATION_ID ? ' (lockstep)' : ', expected 0x4c4b5354 (run `lockstep store migrate` to mark a first-build store)'}` });
    const uv = this.db.pragma('user_version', { simple: true }) as number;
    const applied = (this.db.prepare('SELECT max(version) AS v FROM schema_migrations').get() as { v: number | null }).v ?? 0;
    findings.push({ check: 'schema', ok: applied === latest && (uv === latest || appId !== APPLICATION_ID), detail: `schema version ${applied} (user_version ${uv}), this lockstep's is ${latest}` });
    // integrity_check(N) stops after N problems: the report stays bounded on a badly damaged file.
    const integrity = (this.db.prepare('PRAGMA integrity_check(20)').all() as Array<{ integrity_check: string }>).map((r) => r.integrity_check);
    findings.push({ check: 'integrity', ok: integrity.length === 1 && integrity[0] === 'ok', detail: integrity.join('; ') });
    const fk = this.db.prepare('PRAGMA foreign_key_check').all().length;
    findings.push({ check: 'foreign-keys', ok: fk === 0, detail: fk === 0 ? 'no dangling references' : `${fk} dangling references` });
    const events = (this.db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;
    const rolled = (this.db.prepare('SELECT coalesce(sum(events), 0) AS n FROM evidence_daily').get() as { n: number }).n;
    findings.push({ check: 'rollup', ok: events === rolled, detail: `${events} events, ${rolled} counted in the daily rollup` });
    return { ok: findings.every((f) => f.ok), findings };
  }

  /** The raw connection, for the benchmark's bulk generator and tests only. */
  get connection(): Db {
    return this.db;
  }

  // PromotionLog (rollout/promotion/history.ts; migration 0003): one IMMEDIATE transaction per entry.
  async appendHistory(entry: HistoryEntry, blobs: readonly Uint8Array[]): Promise<void> {
    this.db.transaction(() => {
      const last = this.db.prepare(HISTORY_LAST).get() as { seq: number; hash: string } | undefined;
      if ((last?.hash ?? GENESIS_HASH) !== entry.prev || (last?.seq ?? 0) + 1 !== entry.seq) throw chainConflict(entry.prev, last?.hash);
      for (const [h, d] of blobRows(blobs)) this.db.prepare(BLOB_INSERT).run(h, d);
      this.db.prepare(HISTORY_INSERT).run(...historyRow(entry));
    }).immediate();
  }

  async historyEntries(): Promise<HistoryEntry[]> {
    return (this.db.prepare(HISTORY_ALL).all() as Array<{ seq: number; body: string }>).map((r) => entryFromRow(Number(r.seq), r.body));
  }

  async historyBlob(sha256: string): Promise<Uint8Array | undefined> {
    const r = this.db.prepare(BLOB_GET).get(sha256) as { data: string } | undefined;
    return r ? new Uint8Array(Buffer.from(r.data, 'base64')) : undefined;
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}

interface SourceRow {
  id: number;
  path: string;
  size: number;
  mtime_ms: number;
  status: 'partial' | 'done';
  records_read: number;
  events_stored: number;
  duplicates: number;
  non_applocker: number;
  errors: number;
  updated_at: string;
}

function toProgress(r: SourceRow): SourceProgress {
  return {
    recordsRead: Number(r.records_read),
    eventsStored: Number(r.events_stored),
    duplicates: Number(r.duplicates),
    nonAppLocker: Number(r.non_applocker),
    errors: Number(r.errors),
  };
}

/** Shared with postgres-store.ts (pg gives BIGINT as strings, hence Number()). */
export function toRecord(r: SourceRow): SourceRecord {
  return { path: r.path, size: Number(r.size), mtimeMs: Number(r.mtime_ms), status: r.status, updatedAt: r.updated_at, ...toProgress(r) };
}
export type { SourceRow };

function writeProgress(stmt: Database.Statement, status: 'partial' | 'done', p: SourceProgress, sourceId: number): void {
  stmt.run(status, p.recordsRead, p.eventsStored, p.duplicates, p.nonAppLocker, p.errors, new Date().toISOString(), sourceId);
}

/** Event content by name (not internal id), for digest(). Shared by both dialects. */
export const DIGEST_EVENTS_SQL =
  'SELECT e.dedup_key, e.time_created, c.name_lc AS computer, ch.name AS channel, u.sid, k.collection, k.file_path, k.file_hash, ' +
  'k.fqbn_text, rk.rule_id, e.outcome, e.event_id, e.record_id, e.provider, e.target_process_id, e.target_logon_id, ' +
  'e.policy_name, e.rule_name, e.rule_sddl, e.package_name FROM events e JOIN computers c ON c.id = e.computer_id ' +
  'JOIN channels ch ON ch.id = e.channel_id LEFT JOIN users u ON u.id = e.user_id JOIN file_keys k ON k.id = e.file_key_id ' +
  'LEFT JOIN rule_keys rk ON rk.id = e.rule_key_id';
export const DIGEST_DAILY_SQL =
  'SELECT d.day, c.name_lc AS computer, k.collection, k.file_path, k.file_hash, k.fqbn_text, u.sid, d.outcome, rk.rule_id, ' +
  'd.events, d.first_seen, d.last_seen FROM evidence_daily d JOIN computers c ON c.id = d.computer_id ' +
  'JOIN file_keys k ON k.id = d.file_key_id LEFT JOIN users u ON u.id = d.user_id LEFT JOIN rule_keys rk ON rk.id = d.rule_key_id';

