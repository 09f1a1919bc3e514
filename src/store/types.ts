/**
 * The evidence store's public types: what `openStore` returns and what `ingestPaths` reports.
 * Implemented by sqlite/sqlite-store.ts and postgres/postgres-store.ts; used by the ingest pipeline
 * (ingest.ts), the CLI (`lockstep ingest`, `lockstep store`) and the readiness analysis through the
 * EvidenceQuery port it extends (rollout/ports.ts). Issue 6 item 2; applocker.md §9 for the events.
 */
import type { Diagnostic } from '../diag/index.js';
import type { AppLockerEvent } from '../events/applocker-event.js';
import type { EvidenceFilter, EvidenceQuery, LogClear } from '../rollout/ports.js';
import type { PromotionLog } from '../rollout/promotion/history.js';
import type { RuleCount } from './query.js';

/** The file (or stream) events come from; `size`/`mtimeMs` identify a version of it for resuming. */
export interface IngestSource {
  readonly path: string;
  readonly size?: number;
  readonly mtimeMs?: number;
}

/** Per-source counters, committed in the same transaction as the batch they describe. */
export interface SourceProgress {
  /**
   * Records of the source handled so far, in reader order: events (AppLocker or not) plus unreadable
   * records (the readers yield exactly one of the two per record). A resumed run skips this many.
   */
  readonly recordsRead: number;
  readonly eventsStored: number;
  readonly duplicates: number;
  readonly nonAppLocker: number;
  readonly errors: number;
}

export type SourceStatus = 'partial' | 'done';

/** A row of the `sources` table. */
export interface SourceRecord extends SourceProgress {
  readonly path: string;
  readonly size: number;
  readonly mtimeMs: number;
  readonly status: SourceStatus;
  readonly updatedAt: string;
}

export interface InsertResult {
  /** Events newly stored. */
  readonly inserted: number;
  /** Events already in the store (same dedup key, dedup.ts), or repeated within the batch. */
  readonly duplicates: number;
  /** Events rejected before storing (e.g. an unreadable TimeCreated), with why. */
  readonly rejected: readonly Diagnostic[];
}

export interface AppliedMigration {
  readonly version: number;
  readonly name: string;
  readonly appliedAt: string;
}

export interface StoreInfo {
  readonly kind: 'sqlite' | 'postgres';
  /** File path or URL with any password removed. */
  readonly target: string;
  readonly schemaVersion: number;
  readonly migrations: readonly AppliedMigration[];
  readonly events: number;
  readonly sources: number;
  readonly computers: number;
  readonly files: number;
  readonly rollupRows: number;
}

/** One finding of `lockstep store check`. */
export interface StoreCheckFinding {
  readonly check: string;
  readonly ok: boolean;
  readonly detail: string;
}

/** What `lockstep store check` found: every check with its outcome; ok when all passed. */
export interface StoreCheck {
  readonly ok: boolean;
  readonly findings: readonly StoreCheckFinding[];
}

/**
 * The evidence store: AppLocker events deduplicated by a natural key, with per-day rollups maintained at
 * insert time so the EvidenceQuery aggregates never scan raw events (except for partial edge days).
 */
export interface EvidenceStore extends EvidenceQuery, PromotionLog {
  readonly kind: 'sqlite' | 'postgres';
  /** File path or URL with any password removed. */
  readonly target: string;
  /** Events per rule id and outcome (query.ts `queryRuleCounts`); lint's correlation with the evidence. */
  ruleCounts(filter: EvidenceFilter): Promise<RuleCount[]>;
  /**
   * Registers a source before its first batch and returns what an earlier, interrupted run committed for
   * the same version of it (same path, size and mtime, status `partial`) so the caller can resume; a
   * changed or finished source starts again from zero (dedup keeps that idempotent).
   */
  beginSource(source: IngestSource): Promise<SourceProgress>;
  /**
   * Stores a batch in ONE transaction: new events, their rollups and (when given) the source's progress
   * row, so a crash leaves either all of it or none of it. INSERT … ON CONFLICT DO NOTHING on the
   * dedup key makes re-inserting harmless. `progress` is called inside the transaction with this batch's
   * outcome and returns the row to commit with it.
   */
  insertEvents(
    events: readonly AppLockerEvent[],
    source: IngestSource,
    progress?: (batch: { inserted: number; duplicates: number; rejected: number }, stored: SourceProgress) => SourceProgress,
  ): Promise<InsertResult>;
  /**
   * Stores log-cleared events (Security 1102, System 104; events/log-clear.ts) in one transaction; a clear
   * already stored (same computer, log, time and event id) is skipped. Returns how many were new.
   */
  insertLogClears(clears: readonly LogClear[]): Promise<number>;
  /**
   * Adds a run's per-code error counts to a source's; `reset` first forgets what earlier runs recorded (a
   * source read again from its first record).
   */
  recordSourceErrors(path: string, errorsByCode: Readonly<Record<string, number>>, reset: boolean): Promise<void>;
  /**
   * Marks a source finished: status `done` and the furthest `recordsRead`. The counters are the ones the
   * batches added (`insertEvents`' progress gets the stored row to add to), so two ingests of one file at
   * once both count, whichever finishes last.
   */
  finishSource(source: IngestSource, progress: SourceProgress): Promise<void>;
  sources(): Promise<SourceRecord[]>;
  counts(): Promise<{ events: number; sources: number }>;
  info(): Promise<StoreInfo>;
  /**
   * Integrity checks, reading only: the store mark and schema version, the database's own checks (SQLite
   * `integrity_check`, `foreign_key_check`), and that the daily rollup counts exactly the stored events.
   */
  check(): Promise<StoreCheck>;
  /**
   * A SHA-256 over every stored event's content (names, not internal ids; computers by lower-case name), order-independent: two
   * stores holding the same events have the same digest. Used by the kill test.
   */
  digest(): Promise<string>;
  close(): Promise<void>;
}
