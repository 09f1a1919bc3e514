/**
 * `openStore(target, {create})`: a file path opens (or, asked to, creates) a SQLite store; a `postgres://` or `postgresql://`
 * URL opens a PostgreSQL one. Migrations run on open (migrations/index.ts). The workspace keeps its SQLite
 * file at `.lockstep/evidence.db`; that choice is the caller's. Issue 6 item 2.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Diagnostic } from '../diag/index.js';
import { PostgresEvidenceStore, pgErrorDiagnostic } from './postgres/postgres-store.js';
import { SqliteEvidenceStore, sqliteErrorDiagnostic, type SqliteOpenOptions } from './sqlite/sqlite-store.js';
import type { EvidenceStore } from './types.js';

/** True for a PostgreSQL connection URL. */
export function isPostgresUrl(target: string): boolean {
  return /^postgres(ql)?:\/\//i.test(target);
}

/** A target safe to print: the password of a URL is replaced by `***`. */
export function redactTarget(target: string): string {
  if (!isPostgresUrl(target)) return target;
  try {
    const u = new URL(target);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return target.replace(/:[^:@/]*@/, ':***@');
  }
}

/**
 * Opens an evidence store and brings its schema up to date.
 * @example
 * const store = await openStore('.lockstep/evidence.db');
 * const w = await store.window({ since: '2026-11-01' });
 * await store.close();
 */
export async function openStore(target: string, opts: OpenStoreOptions = {}): Promise<EvidenceStore> {
  if (isPostgresUrl(target)) return PostgresEvidenceStore.open(target);
  if (target !== ':memory:' && opts.create) mkdirSync(dirname(target), { recursive: true });
  return SqliteEvidenceStore.open(target, opts);
}

/**
 * `create`: make a missing SQLite file (ingest, `store migrate`, the demo); without it a missing file is
 * `store.open.missing` — a typo in `--store` must not silently report on a new, empty store (issue 12).
 * `readOnly`: read without writing anything (reports on a store from read-only media).
 */
export type OpenStoreOptions = SqliteOpenOptions;

/** Where the workspace keeps its SQLite evidence by default (rollout's workspace model agrees). */
export const DEFAULT_STORE_PATH = '.lockstep/evidence.db';

/** The store a command uses: `--store`, else $LOCKSTEP_STORE, else `.lockstep/evidence.db`. */
export function storeTarget(option: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return option ?? (env.LOCKSTEP_STORE || DEFAULT_STORE_PATH);
}

/**
 * A store failure met while working (disk full, damaged file, read-only media, PostgreSQL shutdown 57P01,
 * lost connection) as a coded diagnostic with what to do next; undefined for anything else.
 */
export function storeFailureDiagnostic(e: unknown, target?: string): Diagnostic | undefined {
  return sqliteErrorDiagnostic(e, target) ?? pgErrorDiagnostic(e, target === undefined ? undefined : redactTarget(target));
}
