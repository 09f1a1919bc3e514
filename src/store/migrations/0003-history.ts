/**
 * Migration 3: the promotion history (issue 11 item 4). Append-only, hash-chained entries (the chain is
 * rollout/promotion/history.ts) and the policy files and readiness snapshots they reference, content-addressed
 * by SHA-256 so a rollback restores the exact bytes. `seq` is the primary key: two processes appending at once
 * cannot both take the same place; the writer also checks `prev` inside its transaction.
 * Blobs are base64 TEXT: one portable type for SQLite and PostgreSQL (policies are kilobytes).
 */
export const migration = {
  version: 3,
  name: 'history',
  sql: `
CREATE TABLE history_entries (
  seq {{BIGINT}} PRIMARY KEY,
  hash TEXT NOT NULL UNIQUE,
  prev TEXT NOT NULL,
  action TEXT NOT NULL,
  gpo TEXT NOT NULL,
  time TEXT NOT NULL,
  body TEXT NOT NULL
);
CREATE TABLE history_blobs (
  sha256 TEXT PRIMARY KEY,
  data TEXT NOT NULL
);
`,
} as const;
