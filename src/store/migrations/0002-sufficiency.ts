/**
 * Migration 2: what evidence sufficiency needs (issue 10 item 6), additive only.
 * - channel_daily: one row per day × computer × channel with the event count and the EventRecordID range,
 *   maintained in the same transaction as the events it counts (batch.ts `foldChannelDays`). Lost records
 *   (gaps in a channel's record ids), silent machines and silent channels come from it without scanning events.
 *   Backfilled here from the events already stored.
 * - log_clears: Security 1102 / System 104 log-cleared events (events/log-clear.ts), keyed by computer, log,
 *   time and event id so re-ingesting a file adds nothing. Computers by name (lower-case), not by id: they
 *   are few and need not be AppLocker computers.
 * - source_errors: per export file, the records a reader could not normalise or the store rejected, per
 *   diagnostic code (issue 10 item 4), so the readiness report can say what the evidence lost at ingest.
 */
export const migration = {
  version: 2,
  name: 'sufficiency',
  sql: `
CREATE TABLE channel_daily (
  day TEXT NOT NULL,
  computer_id INTEGER NOT NULL,
  channel_id INTEGER NOT NULL,
  events {{BIGINT}} NOT NULL,
  with_record {{BIGINT}} NOT NULL,
  min_record {{BIGINT}},
  max_record {{BIGINT}},
  first_seen TEXT NOT NULL,
  last_seen TEXT NOT NULL,
  PRIMARY KEY (computer_id, channel_id, day)
);
CREATE INDEX channel_daily_day ON channel_daily (day);
INSERT INTO channel_daily (day, computer_id, channel_id, events, with_record, min_record, max_record, first_seen, last_seen)
  SELECT substr(time_created, 1, 10), computer_id, channel_id, count(*), count(record_id), min(record_id), max(record_id),
    min(time_created), max(time_created)
  FROM events GROUP BY substr(time_created, 1, 10), computer_id, channel_id;
CREATE TABLE log_clears (
  id {{ID}},
  computer_lc TEXT NOT NULL,
  computer TEXT NOT NULL,
  time_created TEXT NOT NULL,
  event_id INTEGER NOT NULL,
  log TEXT NOT NULL,
  user_name TEXT,
  record_id {{BIGINT}},
  UNIQUE (computer_lc, log, time_created, event_id)
);
CREATE INDEX log_clears_time ON log_clears (time_created);
CREATE TABLE source_errors (
  path TEXT NOT NULL,
  code TEXT NOT NULL,
  count {{BIGINT}} NOT NULL,
  PRIMARY KEY (path, code)
);
`,
} as const;
