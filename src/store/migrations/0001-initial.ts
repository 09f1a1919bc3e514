/**
 * Migration 1: the evidence schema (issue 6 item 2). ONE text for both dialects; the only differences are
 * the two type macros expanded by migrations/index.ts (`{{ID}}`, `{{BIGINT}}`).
 * A .ts module rather than a .sql file because `tsc` copies no .sql into dist/, and the shipped CLI runs
 * migrations from dist/ (the brief's "a .ts per migration … if unavoidable").
 *
 * Tables:
 * - dictionaries (computers, users, channels, rule_keys, file_keys): narrow integer ids for the big tables.
 *   Absent user / rule id = id 0, which no dictionary row has (NULL would defeat the rollup's primary key).
 * - events: one row per stored AppLocker event; `dedup_key` UNIQUE (dedup.ts).
 * - evidence_daily: the rollup, maintained in the same transaction as the events it counts (batch.ts).
 * - sources: per-file ingest progress, committed with each batch (crash-safe resume).
 */
export const migration = {
  version: 1,
  name: 'initial',
  sql: `
CREATE TABLE computers (
  id {{ID}},
  name_lc TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL
);
CREATE TABLE users (
  id {{ID}},
  sid TEXT NOT NULL UNIQUE
);
CREATE TABLE channels (
  id {{ID}},
  name TEXT NOT NULL UNIQUE
);
CREATE TABLE rule_keys (
  id {{ID}},
  rule_id TEXT NOT NULL UNIQUE
);
CREATE TABLE file_keys (
  id {{ID}},
  collection TEXT NOT NULL,
  file_path TEXT NOT NULL,
  file_hash TEXT NOT NULL,
  fqbn_text TEXT NOT NULL,
  full_file_path TEXT NOT NULL,
  UNIQUE (collection, file_path, file_hash, fqbn_text)
);
CREATE TABLE sources (
  id {{ID}},
  path TEXT NOT NULL UNIQUE,
  size {{BIGINT}} NOT NULL,
  mtime_ms {{BIGINT}} NOT NULL,
  status TEXT NOT NULL,
  records_read {{BIGINT}} NOT NULL,
  events_stored {{BIGINT}} NOT NULL,
  duplicates {{BIGINT}} NOT NULL,
  non_applocker {{BIGINT}} NOT NULL,
  errors {{BIGINT}} NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE TABLE events (
  id {{ID}},
  dedup_key TEXT NOT NULL UNIQUE,
  time_created TEXT NOT NULL,
  computer_id INTEGER NOT NULL,
  channel_id INTEGER NOT NULL,
  user_id INTEGER NOT NULL,
  file_key_id INTEGER NOT NULL,
  rule_key_id INTEGER NOT NULL,
  outcome TEXT NOT NULL,
  event_id INTEGER NOT NULL,
  record_id {{BIGINT}},
  provider TEXT NOT NULL,
  target_process_id {{BIGINT}},
  target_logon_id TEXT,
  policy_name TEXT,
  rule_name TEXT,
  rule_sddl TEXT,
  package_name TEXT,
  source_id INTEGER,
  source_ref TEXT
);
CREATE INDEX events_time ON events (time_created);
CREATE INDEX events_computer_time ON events (computer_id, time_created);
CREATE TABLE evidence_daily (
  day TEXT NOT NULL,
  computer_id INTEGER NOT NULL,
  file_key_id INTEGER NOT NULL,
  user_id INTEGER NOT NULL,
  outcome TEXT NOT NULL,
  rule_key_id INTEGER NOT NULL,
  events {{BIGINT}} NOT NULL,
  first_seen TEXT NOT NULL,
  last_seen TEXT NOT NULL,
  PRIMARY KEY (day, computer_id, file_key_id, user_id, outcome, rule_key_id)
);
CREATE INDEX evidence_daily_computer ON evidence_daily (computer_id, day);
`,
} as const;
