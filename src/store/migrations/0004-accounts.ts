/**
 * Migration 4: accounts, sessions, API tokens and the actor log of the HTTP API (issue 13 item 3).
 * Numbered 4 so migrations 2 and 3 (other branches) can land before it; each version is applied once
 * whatever the order (migrations/index.ts), so a store that got 4 first still gets 2 and 3 later.
 *
 * - accounts: one row per console/API user; `password_hash` is a self-describing scrypt string (app/accounts.ts).
 * - sessions: a browser session; only a SHA-256 of the cookie value is stored, so a stolen database does not
 *   hand out live sessions. `csrf` is the synchronizer token the console echoes in `X-CSRF-Token`.
 * - api_tokens: `id` is public (it prefixes the secret); `secret_hash` is SHA-256 of the 256-bit secret
 *   (a secret that long needs no KDF); `scopes` is a space-separated list; revocation keeps the row.
 * - actor_log: every write through the API or the account commands, with who did it.
 */
export const migration = {
  version: 4,
  name: 'accounts',
  sql: `
CREATE TABLE accounts (
  id {{ID}},
  name TEXT NOT NULL UNIQUE,
  role TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  created_at TEXT NOT NULL,
  disabled INTEGER NOT NULL
);
CREATE TABLE sessions (
  id_hash TEXT PRIMARY KEY,
  account_id {{BIGINT}} NOT NULL,
  csrf TEXT NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL
);
CREATE INDEX sessions_account ON sessions (account_id);
CREATE TABLE api_tokens (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  account_id {{BIGINT}} NOT NULL,
  scopes TEXT NOT NULL,
  secret_hash TEXT NOT NULL,
  created_at TEXT NOT NULL,
  revoked_at TEXT,
  last_used_at TEXT
);
CREATE TABLE actor_log (
  id {{ID}},
  at TEXT NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  target TEXT NOT NULL,
  detail TEXT NOT NULL
);
CREATE INDEX actor_log_at ON actor_log (at);
`,
} as const;
