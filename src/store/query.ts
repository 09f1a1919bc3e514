/**
 * The EvidenceQuery aggregates (rollout/ports.ts), written once for both dialects over a tiny SQL runner.
 *
 * Every query reads one derived relation `r` (same columns as the rollup): whole days come from
 * `evidence_daily`, partial edge days from raw `events` (time.ts `planTimeRange`), so results are exact for
 * any since/until while a 30-day window over 10M events reads only rollup rows. Filters: since/until
 * (inclusive), computers (case-insensitive, via `computers.name_lc`), collections, outcomes.
 * Used by sqlite/sqlite-store.ts and postgres/postgres-store.ts.
 */
import type { AppLockerOutcome } from '../events/applocker-event.js';
import type { RuleCollectionType } from '../policy/model.js';
import type { ChannelActivity, DailyCount, EvidenceFilter, EvidenceWindow, FileEvidence, IngestHealth, LogClear } from '../rollout/ports.js';
import type { Dialect } from './migrations/index.js';
import { normalizeBound, planTimeRange, type TimePlan } from './time.js';

/** What a store gives the query layer: run a SELECT with `?` placeholders. */
export interface SqlRunner {
  readonly dialect: Dialect;
  all<T>(sql: string, params: readonly unknown[]): Promise<T[]>;
}

/** At most this many users/computers listed per file (FileEvidence contract). */
export const LIST_LIMIT = 50;

interface ResolvedFilter {
  readonly plan: TimePlan;
  readonly computerIds?: readonly number[];
  readonly outcomes?: readonly AppLockerOutcome[];
  readonly collections?: readonly RuleCollectionType[];
}

const marks = (n: number): string => Array.from({ length: n }, () => '?').join(', ');

/** Resolves names to ids; null when the filter can match nothing. */
async function resolve(run: SqlRunner, f: EvidenceFilter): Promise<ResolvedFilter | null> {
  const plan = planTimeRange(normalizeBound(f.since, 'since'), normalizeBound(f.until, 'until'));
  if (plan.empty || (plan.days === null && plan.raw.length === 0)) return null;
  if (f.outcomes?.length === 0 || f.collections?.length === 0 || f.computers?.length === 0) return null;
  let computerIds: number[] | undefined;
  if (f.computers) {
    const lc = [...new Set(f.computers.map((c) => c.toLowerCase()))];
    const rows = await run.all<{ id: number | string }>(`SELECT id FROM computers WHERE name_lc IN (${marks(lc.length)})`, lc);
    if (rows.length === 0) return null;
    computerIds = rows.map((r) => Number(r.id));
  }
  return {
    plan,
    ...(computerIds ? { computerIds } : {}),
    ...(f.outcomes ? { outcomes: [...new Set(f.outcomes)] } : {}),
    ...(f.collections ? { collections: [...new Set(f.collections)] } : {}),
  };
}

/** The shared non-time conditions, for either table (both have these columns). */
function dimensionWhere(rf: ResolvedFilter, where: string[], params: unknown[]): void {
  if (rf.computerIds) {
    where.push(`computer_id IN (${marks(rf.computerIds.length)})`);
    params.push(...rf.computerIds);
  }
  if (rf.outcomes) {
    where.push(`outcome IN (${marks(rf.outcomes.length)})`);
    params.push(...rf.outcomes);
  }
  if (rf.collections) {
    where.push(`file_key_id IN (SELECT id FROM file_keys WHERE collection IN (${marks(rf.collections.length)}))`);
    params.push(...rf.collections);
  }
}

/** `WITH r AS (…)`: rollup rows for whole days UNION ALL raw events for partial edge days. */
function relation(rf: ResolvedFilter): { sql: string; params: unknown[] } {
  const parts: string[] = [];
  const params: unknown[] = [];
  if (rf.plan.days) {
    const where: string[] = [];
    if (rf.plan.days.from !== undefined) {
      where.push('day >= ?');
      params.push(rf.plan.days.from);
    }
    if (rf.plan.days.to !== undefined) {
      where.push('day <= ?');
      params.push(rf.plan.days.to);
    }
    dimensionWhere(rf, where, params);
    parts.push(
      'SELECT day, computer_id, file_key_id, user_id, outcome, rule_key_id, events, first_seen, last_seen FROM evidence_daily' +
        (where.length ? ` WHERE ${where.join(' AND ')}` : ''),
    );
  }
  for (const range of rf.plan.raw) {
    const where = ['time_created >= ?', 'time_created <= ?'];
    params.push(range.from, range.to);
    dimensionWhere(rf, where, params);
    parts.push(
      'SELECT substr(time_created, 1, 10) AS day, computer_id, file_key_id, user_id, outcome, rule_key_id, 1 AS events, ' +
        `time_created AS first_seen, time_created AS last_seen FROM events WHERE ${where.join(' AND ')}`,
    );
  }
  return { sql: `WITH r AS (${parts.join(' UNION ALL ')}) `, params };
}

function byText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** EvidenceQuery.window. */
export async function queryWindow(run: SqlRunner, filter: EvidenceFilter): Promise<EvidenceWindow> {
  const rf = await resolve(run, filter);
  if (!rf) return { events: 0, computers: [] };
  const r = relation(rf);
  // One statement: the aggregate row, then one row per reporting computer.
  const rows = await run.all<{ kind: 'a' | 'c'; f: string | null; l: string | null; n: number | string | null; name: string | null }>(
    `${r.sql.replace('WITH r AS (', 'WITH r AS MATERIALIZED (')}SELECT 'a' AS kind, min(first_seen) AS f, max(last_seen) AS l, sum(events) AS n, NULL AS name FROM r ` +
      "UNION ALL SELECT 'c' AS kind, NULL, NULL, NULL, name FROM computers WHERE id IN (SELECT computer_id FROM r)",
    r.params,
  );
  const agg = rows.find((x) => x.kind === 'a');
  const names = rows.filter((x) => x.kind === 'c').map((x) => ({ name: x.name ?? '' }));
  const events = Number(agg?.n ?? 0);
  return {
    ...(agg?.f ? { firstSeen: agg.f } : {}),
    ...(agg?.l ? { lastSeen: agg.l } : {}),
    events,
    computers: names.map((x) => x.name).sort(byText),
  };
}

/** EvidenceQuery.dailyCounts, sorted by day, outcome, collection. */
export async function queryDailyCounts(run: SqlRunner, filter: EvidenceFilter): Promise<DailyCount[]> {
  const rf = await resolve(run, filter);
  if (!rf) return [];
  const r = relation(rf);
  const rows = await run.all<{ day: string; outcome: AppLockerOutcome; collection: string; n: number | string }>(
    `${r.sql}SELECT r.day AS day, r.outcome AS outcome, k.collection AS collection, sum(r.events) AS n ` +
      'FROM r JOIN file_keys k ON k.id = r.file_key_id GROUP BY r.day, r.outcome, k.collection',
    r.params,
  );
  return rows
    .map((x) => ({
      day: x.day,
      outcome: x.outcome,
      ...(x.collection ? { collection: x.collection as RuleCollectionType } : {}),
      events: Number(x.n),
    }))
    .sort((a, b) => byText(a.day, b.day) || byText(a.outcome, b.outcome) || byText(a.collection ?? '', b.collection ?? ''));
}

/**
 * EvidenceQuery.files: one entry per distinct file key × outcome (events without a file, e.g. 8001
 * "policy applied", are not files), most events first.
 */
export async function queryFiles(run: SqlRunner, filter: EvidenceFilter): Promise<FileEvidence[]> {
  const rf = await resolve(run, filter);
  if (!rf) return [];
  const r = relation(rf);
  const collate = run.dialect === 'postgres' ? ' COLLATE "C"' : '';
  const agg = await run.all<{
    fk: number | string; outcome: AppLockerOutcome; n: number | string; f: string; l: string; uc: number | string; cc: number | string;
    collection: string; file_path: string; file_hash: string; fqbn_text: string; full_file_path: string;
  }>(
    `${r.sql}SELECT a.fk AS fk, a.outcome AS outcome, a.n AS n, a.f AS f, a.l AS l, a.uc AS uc, a.cc AS cc, ` +
      'k.collection AS collection, k.file_path AS file_path, k.file_hash AS file_hash, k.fqbn_text AS fqbn_text, k.full_file_path AS full_file_path ' +
      'FROM (SELECT file_key_id AS fk, outcome, sum(events) AS n, min(first_seen) AS f, max(last_seen) AS l, ' +
      'count(DISTINCT NULLIF(user_id, 0)) AS uc, count(DISTINCT computer_id) AS cc FROM r GROUP BY file_key_id, outcome) a ' +
      "JOIN file_keys k ON k.id = a.fk WHERE k.file_path <> ''",
    r.params,
  );
  if (agg.length === 0) return [];
  // One statement for the three lists (users, computers, rule ids): `r` is materialised once for it.
  const dims: Array<[string, string, string, string]> = [
    ['u', 'user_id', 'users', 'sid'],
    ['c', 'computer_id', 'computers', 'name'],
    ['r', 'rule_key_id', 'rule_keys', 'rule_id'],
  ];
  const ctes = dims.map(([k, col]) => `d${k} AS (SELECT DISTINCT file_key_id, outcome, ${col} AS x FROM r WHERE ${col} <> 0)`).join(', ');
  const ranked = dims
    .map(
      ([k, , table, col]) =>
        `SELECT '${k}' AS kind, d.file_key_id AS fk, d.outcome AS outcome, t.${col} AS v, ` +
        `ROW_NUMBER() OVER (PARTITION BY d.file_key_id, d.outcome ORDER BY t.${col}${collate}) AS rn FROM d${k} d JOIN ${table} t ON t.id = d.x`,
    )
    .join(' UNION ALL ');
  // A file is matched by few rules; the 1000 cap only bounds a hostile store.
  const listRows = await run.all<{ kind: 'u' | 'c' | 'r'; fk: number | string; outcome: string; v: string }>(
    `${r.sql.replace('WITH r AS (', 'WITH r AS MATERIALIZED (')}, ${ctes} SELECT kind, fk, outcome, v FROM (${ranked}) z ` +
      `WHERE rn <= CASE WHEN kind = 'r' THEN 1000 ELSE ${LIST_LIMIT} END`,
    r.params,
  );
  const lists = { u: new Map<string, string[]>(), c: new Map<string, string[]>(), r: new Map<string, string[]>() };
  for (const row of listRows) {
    const m = lists[row.kind];
    const k = `${row.fk}|${row.outcome}`;
    const a = m.get(k);
    if (a) a.push(row.v);
    else m.set(k, [row.v]);
  }
  for (const m of Object.values(lists)) for (const a of m.values()) a.sort(byText);
  const users = lists.u;
  const computers = lists.c;
  const rules = lists.r;
  return agg
    .map((a): FileEvidence => {
      const k = `${a.fk}|${a.outcome}`;
      return {
        ...(a.collection ? { collection: a.collection as RuleCollectionType } : {}),
        outcome: a.outcome,
        filePath: a.file_path,
        ...(a.full_file_path ? { fullFilePath: a.full_file_path } : {}),
        ...(a.file_hash ? { fileHash: a.file_hash } : {}),
        ...(a.fqbn_text ? { fqbnText: a.fqbn_text } : {}),
        ruleIds: rules.get(k) ?? [],
        events: Number(a.n),
        userCount: Number(a.uc),
        computerCount: Number(a.cc),
        users: users.get(k) ?? [],
        computers: computers.get(k) ?? [],
        firstSeen: a.f,
        lastSeen: a.l,
      };
    })
    .sort(
      (x, y) =>
        y.events - x.events ||
        byText(x.collection ?? '', y.collection ?? '') ||
        byText(x.filePath, y.filePath) ||
        byText(x.fileHash ?? '', y.fileHash ?? '') ||
        byText(x.fqbnText ?? '', y.fqbnText ?? '') ||
        byText(x.outcome, y.outcome),
    );
}

/** The computer-name condition shared by the sufficiency queries (names lower-case, as stored). */
function computerNames(f: EvidenceFilter): string[] | undefined {
  return f.computers ? [...new Set(f.computers.map((c) => c.toLowerCase()))] : undefined;
}

/**
 * EvidenceQuery.channelActivity: channel_daily rows (migration 0002) for whole days from the since day to the
 * until day, and per computer × channel the last day and record id before the since day. Reads the small
 * rollup only (one row per computer × channel × day).
 */
export async function queryChannelActivity(run: SqlRunner, f: EvidenceFilter): Promise<ChannelActivity> {
  const names = computerNames(f);
  if (names && names.length === 0) return { days: [], before: [] };
  const where: string[] = [];
  const params: unknown[] = [];
  if (names) {
    where.push(`c.name_lc IN (${marks(names.length)})`);
    params.push(...names);
  }
  const fromDay = f.since?.slice(0, 10);
  const toDay = f.until?.slice(0, 10);
  const inWindow = [...where];
  const winParams = [...params];
  if (fromDay) {
    inWindow.push('d.day >= ?');
    winParams.push(fromDay);
  }
  if (toDay) {
    inWindow.push('d.day <= ?');
    winParams.push(toDay);
  }
  const from = 'FROM channel_daily d JOIN computers c ON c.id = d.computer_id JOIN channels ch ON ch.id = d.channel_id';
  const rows = await run.all<{ day: string; computer: string; channel: string; n: number | string; w: number | string; lo: number | string | null; hi: number | string | null; f: string; l: string }>(
    `SELECT d.day AS day, c.name AS computer, ch.name AS channel, d.events AS n, d.with_record AS w, d.min_record AS lo, d.max_record AS hi, ` +
      `d.first_seen AS f, d.last_seen AS l ${from}${inWindow.length ? ` WHERE ${inWindow.join(' AND ')}` : ''}`,
    winParams,
  );
  let before: ChannelActivity['before'] = [];
  if (fromDay) {
    const b = await run.all<{ computer: string; channel: string; day: string; hi: number | string | null }>(
      `SELECT c.name AS computer, ch.name AS channel, max(d.day) AS day, max(d.max_record) AS hi ${from} WHERE ${[...where, 'd.day < ?'].join(' AND ')} ` +
        'GROUP BY c.name, ch.name',
      [...params, fromDay],
    );
    before = b.map((x) => ({ computer: x.computer, channel: x.channel, lastDay: x.day, ...(x.hi !== null ? { maxRecordId: Number(x.hi) } : {}) }));
  }
  const days = rows
    .map((x) => ({
      day: x.day, computer: x.computer, channel: x.channel, events: Number(x.n), withRecordId: Number(x.w),
      ...(x.lo !== null ? { minRecordId: Number(x.lo) } : {}), ...(x.hi !== null ? { maxRecordId: Number(x.hi) } : {}),
      firstSeen: x.f, lastSeen: x.l,
    }))
    .sort((a, b) => byText(a.computer.toLowerCase(), b.computer.toLowerCase()) || byText(a.channel, b.channel) || byText(a.day, b.day));
  return { days, before };
}

/** EvidenceQuery.logClears, oldest first. */
export async function queryLogClears(run: SqlRunner, f: EvidenceFilter): Promise<LogClear[]> {
  const names = computerNames(f);
  if (names && names.length === 0) return [];
  const where: string[] = [];
  const params: unknown[] = [];
  if (names) {
    where.push(`computer_lc IN (${marks(names.length)})`);
    params.push(...names);
  }
  const since = normalizeBound(f.since, 'since');
  const until = normalizeBound(f.until, 'until');
  if (since) {
    where.push('time_created >= ?');
    params.push(since);
  }
  if (until) {
    where.push('time_created <= ?');
    params.push(until);
  }
  // Bounded: a hostile store cannot make this list unbounded.
  const rows = await run.all<{ computer: string; t: string; event_id: number | string; log: string; user_name: string | null; record_id: number | string | null }>(
    `SELECT computer, time_created AS t, event_id, log, user_name, record_id FROM log_clears${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ` +
      'ORDER BY time_created LIMIT 10000',
    params,
  );
  return rows.map((x) => ({
    computer: x.computer, timeCreated: x.t, eventId: Number(x.event_id), log: x.log,
    ...(x.user_name ? { user: x.user_name } : {}), ...(x.record_id !== null ? { recordId: Number(x.record_id) } : {}),
  }));
}

/** EvidenceQuery.ingestHealth: the sources' counters and the per-code error counts (migration 0002). */
export async function queryIngestHealth(run: SqlRunner): Promise<IngestHealth> {
  const [t] = await run.all<{ n: number | string; r: number | string | null; e: number | string | null }>(
    'SELECT count(*) AS n, sum(records_read) AS r, sum(errors) AS e FROM sources', [],
  );
  const codes = await run.all<{ code: string; n: number | string }>('SELECT code, sum(count) AS n FROM source_errors GROUP BY code ORDER BY code LIMIT 1000', []);
  return {
    sources: Number(t?.n ?? 0), recordsRead: Number(t?.r ?? 0), errors: Number(t?.e ?? 0),
    errorsByCode: Object.fromEntries(codes.map((c) => [c.code, Number(c.n)])),
  };
}

/** Events per policy rule id and outcome (rule ids as logged, e.g. `{921CC481-…}`), most events first. */
export interface RuleCount {
  readonly ruleId: string;
  readonly outcome: AppLockerOutcome;
  readonly events: number;
}

/**
 * Events per RuleId × outcome in the window: how often each rule allowed (8002/8005/8020/8023) or would have
 * blocked (8003/8006/…) something. Used by `lockstep policy lint` to say how much real use a risky rule has.
 */
export async function queryRuleCounts(run: SqlRunner, filter: EvidenceFilter): Promise<RuleCount[]> {
  const rf = await resolve(run, filter);
  if (!rf) return [];
  const r = relation(rf);
  const rows = await run.all<{ rule_id: string; outcome: AppLockerOutcome; n: number | string }>(
    `${r.sql}SELECT k.rule_id AS rule_id, r.outcome AS outcome, sum(r.events) AS n FROM r JOIN rule_keys k ON k.id = r.rule_key_id GROUP BY k.rule_id, r.outcome`,
    r.params,
  );
  return rows
    .map((x) => ({ ruleId: x.rule_id, outcome: x.outcome, events: Number(x.n) }))
    .sort((a, b) => b.events - a.events || byText(a.ruleId, b.ruleId) || byText(a.outcome, b.outcome));
}
