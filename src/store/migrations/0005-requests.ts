/**
 * Migration 5: access requests and what runs after enforcement (issue 14). `access_requests` holds each
 * request as its canonical JSON (rollout/requests/workflow.ts) with the columns lists filter on;
 * `transitions` is the compare-and-set guard (two approvers at once: one wins). `webhook_outbox` is the
 * notification outbox: a row per (event, endpoint), UNIQUE on `event_key` so re-enqueueing after a crash adds
 * nothing; `delivered_at` set once the receiver answered 2xx, so a restarted sender never sends it again.
 * `alert_state` remembers when each alert rule last fired (no storm on every report run).
 */
export const migration = {
  version: 5,
  name: 'requests',
  sql: `
CREATE TABLE access_requests (
  id TEXT PRIMARY KEY,
  state TEXT NOT NULL,
  gpo TEXT NOT NULL,
  requester TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  transitions INTEGER NOT NULL,
  body TEXT NOT NULL
);
CREATE INDEX access_requests_state ON access_requests (state, gpo);
CREATE TABLE webhook_outbox (
  id {{ID}},
  event_key TEXT NOT NULL UNIQUE,
  endpoint TEXT NOT NULL,
  kind TEXT NOT NULL,
  body TEXT NOT NULL,
  created_at TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT NOT NULL,
  delivered_at TEXT,
  last_error TEXT
);
CREATE INDEX webhook_outbox_due ON webhook_outbox (delivered_at, next_attempt_at);
CREATE TABLE alert_state (
  rule TEXT PRIMARY KEY,
  last_fired_at TEXT NOT NULL,
  body TEXT NOT NULL
)
`,
} as const;
