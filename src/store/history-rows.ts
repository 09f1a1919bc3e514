/**
 * Shared row mapping for the promotion history tables (migration 0003), used by the SQLite and PostgreSQL
 * implementations of the PromotionLog port (rollout/promotion/history.ts). The row's `body` is the entry's
 * canonical JSON: what is hashed is what is stored, so verification needs no re-encoding.
 */
import { canonicalJson, parseHistoryEntry, sha256Hex, type HistoryEntry } from '../rollout/promotion/history.js';

export const HISTORY_INSERT = 'INSERT INTO history_entries (seq, hash, prev, action, gpo, time, body) VALUES (?, ?, ?, ?, ?, ?, ?)';
export const HISTORY_LAST = 'SELECT seq, hash FROM history_entries ORDER BY seq DESC LIMIT 1';
export const HISTORY_ALL = 'SELECT seq, body FROM history_entries ORDER BY seq';
export const BLOB_INSERT = 'INSERT INTO history_blobs (sha256, data) VALUES (?, ?) ON CONFLICT (sha256) DO NOTHING';
export const BLOB_GET = 'SELECT data FROM history_blobs WHERE sha256 = ?';

export function historyRow(e: HistoryEntry): unknown[] {
  return [e.seq, e.hash, e.prev, e.action, e.gpo, e.time, canonicalJson(e)];
}

export function blobRows(blobs: readonly Uint8Array[]): Array<[string, string]> {
  return blobs.map((b) => [sha256Hex(b), Buffer.from(b).toString('base64')]);
}

/** The stored entry; a body that no longer parses is returned as a stub that fails verification by name. */
export function entryFromRow(seq: number, body: string): HistoryEntry {
  return parseHistoryEntry(body) ?? ({ seq, action: 'accept', gpo: '?', hash: '', prev: '' } as unknown as HistoryEntry);
}

/** Thrown (a broken invariant for the caller to report) when the chain moved under the writer. */
export function chainConflict(expected: string, actual: string | undefined): Error {
  return new Error(`the history changed while recording: expected the last entry to be ${expected.slice(0, 12)}…, found ${(actual ?? 'none').slice(0, 12)}…; run the command again`);
}
