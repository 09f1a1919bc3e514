/**
 * `npm run bench -- store`: the evidence store's figures (issue 6 "Measure").
 *
 * 1. Ingest rate, end to end (file → readers → store), from ECS JSON, into SQLite and (when
 *    LOCKSTEP_BENCH_PG_URL is set) PostgreSQL, against the parse-only rate of the same file in the same run
 *    (targets: ≥ 50 % of parse-only, ≥ 100k events/s into SQLite). EVTX: there is no EVTX writer and no
 *    corpus .evtx holds AppLocker events, so it is skipped with that reason.
 * 2. Readiness query time — window + files + dailyCounts for one group's 100 computers over the last 30
 *    days (partial edge days included) — over 1M stored events, and 10M with LOCKSTEP_BENCH_10M=1 (the
 *    bulk load of both stores takes ~5 min on a quiet machine). Rows are generated in SQL (recursive CTE / generate_series: the
 *    fast bulk path) and the rollup derived from them with one GROUP BY, so it equals what ingest builds.
 *    Baseline in the same run: the same per-file aggregate straight from raw events (no rollup).
 * Sizes: LOCKSTEP_BENCH_INGEST_EVENTS (default 100000). Not a timed test: it prints, it does not assert.
 */
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { Benchmark } from '../bench/registry.js';
import { formatEvents, readEvents } from '../events/index.js';
import type { EvidenceFilter } from '../rollout/ports.js';
import { ingestPaths } from './ingest.js';
import { openStore } from './open.js';
import { PostgresEvidenceStore } from './postgres/postgres-store.js';
import { SqliteEvidenceStore } from './sqlite/sqlite-store.js';
import { syntheticEvents } from './synthetic-events.js';
import type { EvidenceStore } from './types.js';

const COMPUTERS = 1000;
const USERS = 2000;
const FILES = 2000;
const DAYS = 45;
const GROUP = 100;
const START = Date.parse('2026-09-01T00:00:00Z') / 1000;

const rate = (n: number, ms: number): string => `${Math.round((n / ms) * 1000).toLocaleString('en-US')} events/s`;

async function freshPgSchema(base: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const schema = `bench_${process.pid}_${Date.now().toString(36)}`;
  const c = new pg.Client({ connectionString: base });
  await c.connect();
  await c.query(`CREATE SCHEMA ${schema}`);
  await c.end();
  const u = new URL(base);
  u.searchParams.set('options', `-c search_path=${schema}`);
  return {
    url: u.toString(),
    drop: async () => {
      const d = new pg.Client({ connectionString: base });
      await d.connect();
      await d.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await d.end();
    },
  };
}

/** Dictionary rows for the bulk generator (ids 1..n in both dialects). */
function dictionaryRows(): { computers: string[]; users: string[]; files: Array<[string, string, string]> } {
  const computers = Array.from({ length: COMPUTERS }, (_, i) => `WS-${String(i + 1).padStart(5, '0')}`);
  const users = Array.from({ length: USERS }, (_, i) => `S-1-5-21-1004336348-1177238915-682003330-${1001 + i}`);
  const files = Array.from({ length: FILES }, (_, i): [string, string, string] => {
    const id = i + 1;
    const script = id % 5 === 0;
    const dir = id % 3 === 0 ? '%OSDRIVE%\\USERS\\PUBLIC\\TOOLS' : `%PROGRAMFILES%\\VENDOR${id % 17}`;
    return [script ? 'Script' : 'Exe', `${dir}\\APP${id}.${script ? 'PS1' : 'EXE'}`, id.toString(16).toUpperCase().padStart(64, '0')];
  });
  return { computers, users, files };
}

/**
 * Per-row expressions shared by both dialects' generators: event i happens at START + i*step seconds on
 * computer (i*7919 mod C)+1, runs a file skewed towards low ids (popular apps), as one of its computer's
 * three users; files with id ≡ 0 (mod 3) live in a user-writable folder and are audited (would be blocked).
 */
const EXPR = {
  computer: `((i * 7919) % ${COMPUTERS}) + 1`,
  file: `(((i * 104729) % ${FILES}) * ((i * 104729) % ${FILES}) / ${FILES}) + 1`,
  user: `((((i * 7919) % ${COMPUTERS}) * 2 + (i % 3)) % ${USERS}) + 1`,
};

export async function bulkSqlite(s: SqliteEvidenceStore, total: number, print: (l: string) => void): Promise<void> {
  const db = s.connection;
  const d = dictionaryRows();
  db.transaction(() => {
    const c = db.prepare('INSERT INTO computers (id, name_lc, name) VALUES (?, ?, ?)');
    d.computers.forEach((n, i) => c.run(i + 1, n.toLowerCase(), n));
    const u = db.prepare('INSERT INTO users (id, sid) VALUES (?, ?)');
    d.users.forEach((n, i) => u.run(i + 1, n));
    const f = db.prepare("INSERT INTO file_keys (id, collection, file_path, file_hash, fqbn_text, full_file_path) VALUES (?, ?, ?, ?, '', '')");
    d.files.forEach(([col, p, h], i) => f.run(i + 1, col, p, h));
    db.prepare("INSERT INTO rule_keys (id, rule_id) VALUES (1, '{00000000-0000-0000-0000-000000000000}'), (2, '{921CC481-6E17-4653-8F75-050B80ACCA20}')").run();
    db.prepare("INSERT INTO channels (id, name) VALUES (1, 'Microsoft-Windows-AppLocker/EXE and DLL'), (2, 'Microsoft-Windows-AppLocker/MSI and Script')").run();
  })();
  const step = (DAYS * 86400) / total;
  const chunk = 1_000_000;
  for (let from = 0; from < total; from += chunk) {
    const to = Math.min(total, from + chunk) - 1;
    const t = performance.now();
    db.prepare(
      `WITH RECURSIVE n(i) AS (SELECT ${from} UNION ALL SELECT i + 1 FROM n WHERE i < ${to}),
       r AS (SELECT i, ${EXPR.computer} AS c, ${EXPR.file} AS f, ${EXPR.user} AS u FROM n)
       INSERT INTO events (dedup_key, time_created, computer_id, channel_id, user_id, file_key_id, rule_key_id, outcome, event_id,
         record_id, provider, target_process_id, target_logon_id, policy_name, rule_name, rule_sddl, package_name, source_id, source_ref)
       SELECT 'bulk' || i, strftime('%Y-%m-%dT%H:%M:%S', ${START} + CAST(i * ${step} AS INTEGER), 'unixepoch') || '.' || printf('%07d', (i * 7919) % 10000000) || 'Z',
         c, CASE WHEN f % 5 = 0 THEN 2 ELSE 1 END, u, f, CASE WHEN f % 3 = 0 THEN 1 ELSE 2 END,
         CASE WHEN f % 3 = 0 THEN 'audited' ELSE 'allowed' END, CASE WHEN f % 3 = 0 THEN 8003 ELSE 8002 END, i, 'Microsoft-Windows-AppLocker',
         1000 + i % 60000, '0x3e7', 'EXE', NULL, NULL, NULL, NULL, NULL FROM r`,
    ).run();
    print(`   sqlite bulk: ${(to + 1).toLocaleString('en-US')} / ${total.toLocaleString('en-US')} events (${((performance.now() - t) / 1000).toFixed(1)} s for this million)`);
  }
  const t = performance.now();
  db.prepare(
    `INSERT INTO evidence_daily (day, computer_id, file_key_id, user_id, outcome, rule_key_id, events, first_seen, last_seen)
     SELECT substr(time_created, 1, 10), computer_id, file_key_id, user_id, outcome, rule_key_id, count(*), min(time_created), max(time_created)
     FROM events GROUP BY 1, 2, 3, 4, 5, 6`,
  ).run();
  db.prepare(CHANNEL_DAILY_SQL).run();
  db.pragma('optimize');
  db.prepare('ANALYZE').run();
  print(`   sqlite rollup derived in ${((performance.now() - t) / 1000).toFixed(1)} s`);
}

async function bulkPostgres(s: PostgresEvidenceStore, total: number, print: (l: string) => void): Promise<void> {
  const pool = s.connection;
  const d = dictionaryRows();
  await pool.query('INSERT INTO computers (id, name_lc, name) SELECT * FROM unnest($1::int[], $2::text[], $3::text[])', [
    d.computers.map((_, i) => i + 1), d.computers.map((n) => n.toLowerCase()), d.computers,
  ]);
  await pool.query('INSERT INTO users (id, sid) SELECT * FROM unnest($1::int[], $2::text[])', [d.users.map((_, i) => i + 1), d.users]);
  await pool.query("INSERT INTO file_keys (id, collection, file_path, file_hash, fqbn_text, full_file_path) SELECT a, b, c, e, '', '' FROM unnest($1::int[], $2::text[], $3::text[], $4::text[]) AS t(a, b, c, e)", [
    d.files.map((_, i) => i + 1), d.files.map((f) => f[0]), d.files.map((f) => f[1]), d.files.map((f) => f[2]),
  ]);
  await pool.query("INSERT INTO rule_keys (id, rule_id) VALUES (1, '{00000000-0000-0000-0000-000000000000}'), (2, '{921CC481-6E17-4653-8F75-050B80ACCA20}')");
  await pool.query("INSERT INTO channels (id, name) VALUES (1, 'Microsoft-Windows-AppLocker/EXE and DLL'), (2, 'Microsoft-Windows-AppLocker/MSI and Script')");
  const step = (DAYS * 86400) / total;
  const chunk = 1_000_000;
  for (let from = 0; from < total; from += chunk) {
    const to = Math.min(total, from + chunk) - 1;
    const t = performance.now();
    await pool.query(
      `WITH r AS (SELECT i, ${EXPR.computer} AS c, ${EXPR.file} AS f, ${EXPR.user} AS u FROM generate_series(${from}::bigint, ${to}::bigint) AS i)
       INSERT INTO events (dedup_key, time_created, computer_id, channel_id, user_id, file_key_id, rule_key_id, outcome, event_id,
         record_id, provider, target_process_id, target_logon_id, policy_name)
       SELECT 'bulk' || i, to_char(to_timestamp(${START} + floor(i * ${step})) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS') || '.' || lpad(((i * 7919) % 10000000)::text, 7, '0') || 'Z',
         c, CASE WHEN f % 5 = 0 THEN 2 ELSE 1 END, u, f, CASE WHEN f % 3 = 0 THEN 1 ELSE 2 END,
         CASE WHEN f % 3 = 0 THEN 'audited' ELSE 'allowed' END, CASE WHEN f % 3 = 0 THEN 8003 ELSE 8002 END, i, 'Microsoft-Windows-AppLocker',
         1000 + i % 60000, '0x3e7', 'EXE' FROM r`,
    );
    print(`   postgres bulk: ${(to + 1).toLocaleString('en-US')} / ${total.toLocaleString('en-US')} events (${((performance.now() - t) / 1000).toFixed(1)} s for this million)`);
  }
  const t = performance.now();
  await pool.query(
    `INSERT INTO evidence_daily (day, computer_id, file_key_id, user_id, outcome, rule_key_id, events, first_seen, last_seen)
     SELECT substr(time_created, 1, 10), computer_id, file_key_id, user_id, outcome, rule_key_id, count(*), min(time_created), max(time_created)
     FROM events GROUP BY 1, 2, 3, 4, 5, 6`,
  );
  await pool.query(CHANNEL_DAILY_SQL);
  await pool.query('ANALYZE');
  print(`   postgres rollup derived in ${((performance.now() - t) / 1000).toFixed(1)} s`);
}

/** The per-day channel rollup (migration 0002) the sufficiency queries read, derived like evidence_daily. */
const CHANNEL_DAILY_SQL = `INSERT INTO channel_daily (day, computer_id, channel_id, events, with_record, min_record, max_record, first_seen, last_seen)
  SELECT substr(time_created, 1, 10), computer_id, channel_id, count(*), count(record_id), min(record_id), max(record_id), min(time_created), max(time_created)
  FROM events GROUP BY 1, 2, 3`;

/** One GPO's readiness queries: the group's 100 computers over the last 30 days (since = mid-day: edges). */
export function readinessFilter(): EvidenceFilter {
  const group = Array.from({ length: GROUP }, (_, i) => `ws-${String(i * 10 + 1).padStart(5, '0')}`); // case-insensitive on purpose
  const until = new Date((START + DAYS * 86400) * 1000 - 1).toISOString();
  const since = new Date((START + (DAYS - 30) * 86400 + 11 * 3600) * 1000).toISOString();
  return { since, until, computers: group };
}

async function timeReadiness(store: EvidenceStore, baseline: () => Promise<number>, label: string, print: (l: string) => void): Promise<void> {
  const f = readinessFilter();
  const run = async () => {
    const t = performance.now();
    // the sufficiency queries (channelActivity, logClears; issue 10 item 6) are part of every readiness report
    const [w, files, daily, activity] = await Promise.all([store.window(f), store.files(f), store.dailyCounts(f), store.channelActivity(f), store.logClears(f)]);
    return { ms: performance.now() - t, w, files, daily, activity };
  };
  await run(); // warm-up (page cache, plans)
  const runs = [await run(), await run(), await run()].sort((a, b) => a.ms - b.ms);
  const med = runs[1]!;
  const t = performance.now();
  const rows = await baseline();
  const baseMs = performance.now() - t;
  print(
    `   ${label}: readiness (window + files + dailyCounts + channelActivity + logClears, ${GROUP} computers, 30 days) median ${med.ms.toFixed(0)} ms ` +
      `[${med.w.events.toLocaleString('en-US')} events, ${med.files.length} files, ${med.daily.length} day rows, ${med.activity.days.length} channel-day rows]; ` +
      `baseline raw-event GROUP BY ${baseMs.toFixed(0)} ms (${rows} groups) → ${(baseMs / med.ms).toFixed(1)}x`,
  );
}

function rawBaselineSql(): { sql: string; params: unknown[] } {
  const f = readinessFilter();
  const ids = f.computers!.map((c) => Number(c.slice(3)));
  return {
    sql: `SELECT file_key_id, outcome, count(*) AS n, count(DISTINCT user_id) AS u, count(DISTINCT computer_id) AS c FROM events
          WHERE time_created >= '${f.since!.replace('Z', '0000Z')}' AND time_created <= '${f.until!.replace('Z', '9999Z')}'
          AND computer_id IN (${ids.join(',')}) GROUP BY file_key_id, outcome`,
    params: [],
  };
}

export async function queryBench(total: number, print: (l: string) => void, dir: string): Promise<void> {
  print(`-- readiness over ${total.toLocaleString('en-US')} stored events (${COMPUTERS} computers, ${FILES} files, ${DAYS} days)`);
  const path = join(dir, `q${total}.db`);
  const s = (await openStore(path, { create: true })) as SqliteEvidenceStore;
  try {
    await bulkSqlite(s, total, print);
    const b = rawBaselineSql();
    await timeReadiness(s, async () => s.connection.prepare(b.sql).all().length, 'sqlite', print);
  } finally {
    await s.close();
    rmSync(path, { force: true });
    rmSync(`${path}-wal`, { force: true });
    rmSync(`${path}-shm`, { force: true });
  }
  const base = process.env.LOCKSTEP_BENCH_PG_URL;
  if (!base) {
    print('   postgres: skipped (set LOCKSTEP_BENCH_PG_URL=postgres://… to measure it)');
    return;
  }
  const schema = await freshPgSchema(base);
  const p = (await openStore(schema.url)) as PostgresEvidenceStore;
  try {
    await bulkPostgres(p, total, print);
    const b = rawBaselineSql();
    await timeReadiness(p, async () => (await p.connection.query(b.sql)).rows.length, 'postgres', print);
  } finally {
    await p.close();
    await schema.drop();
  }
}

export async function ingestBench(print: (l: string) => void, dir: string): Promise<void> {
  const n = Number(process.env.LOCKSTEP_BENCH_INGEST_EVENTS ?? 100_000);
  const file = join(dir, 'fleet.ndjson');
  writeFileSync(file, formatEvents(syntheticEvents(n, { seed: 42, computers: 500, users: 800, files: 1500, days: 30, startDay: '2026-10-01' }), 'ecs-json'));
  const bytes = readFileSync(file);
  print(`-- ingest of ${n.toLocaleString('en-US')} synthetic AppLocker events from ECS JSON (${(bytes.length / 1e6).toFixed(0)} MB)`);
  let t = performance.now();
  let parsed = 0;
  for (const r of readEvents({ name: file, bytes })) if (r.kind === 'event' && r.applocker) parsed++;
  const parseMs = performance.now() - t;
  print(`   parse only (readEvents):         ${rate(parsed, parseMs)}  (baseline)`);

  const dbPath = join(dir, 'ingest.db');
  const s = await openStore(dbPath, { create: true });
  try {
    t = performance.now();
    const r = await ingestPaths(s, [file]);
    const ms = performance.now() - t;
    print(`   ingest into SQLite (end to end): ${rate(r.totals.eventsStored, ms)}  = ${((parseMs / ms) * 100).toFixed(0)} % of parse-only (targets: ≥ 50 %, ≥ 100,000 events/s)`);
    t = performance.now();
    const again = await ingestPaths(s, [file]);
    const ms2 = performance.now() - t;
    print(`   re-ingest, all duplicates:       ${rate(again.totals.duplicates, ms2)}`);
  } finally {
    await s.close();
  }
  const base = process.env.LOCKSTEP_BENCH_PG_URL;
  if (!base) print('   ingest into PostgreSQL: skipped (set LOCKSTEP_BENCH_PG_URL=postgres://… to measure it)');
  else {
    const schema = await freshPgSchema(base);
    const p = await openStore(schema.url);
    try {
      t = performance.now();
      const r = await ingestPaths(p, [file]);
      const ms = performance.now() - t;
      print(`   ingest into PostgreSQL:          ${rate(r.totals.eventsStored, ms)}  = ${((parseMs / ms) * 100).toFixed(0)} % of parse-only`);
    } finally {
      await p.close();
      await schema.drop();
    }
  }
  print('   ingest from EVTX: skipped (no EVTX writer exists and no corpus .evtx holds AppLocker events)');
}

export const storeBenchmark: Benchmark = {
  name: 'store',
  title: 'evidence store: ingest events/s vs parse-only; readiness query time over 1M (10M with LOCKSTEP_BENCH_10M=1) events',
  async run(print) {
    const dir = mkdtempSync(join(tmpdir(), 'lockstep-store-bench-'));
    try {
      await ingestBench(print, dir);
      await queryBench(1_000_000, print, dir);
      if (process.env.LOCKSTEP_BENCH_10M === '1') await queryBench(10_000_000, print, dir);
      else print('-- 10M: skipped (set LOCKSTEP_BENCH_10M=1; generating 10M rows in both stores takes ~5 min on a quiet machine, far longer under load)');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
