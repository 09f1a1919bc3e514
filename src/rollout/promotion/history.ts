/**
 * The promotion history (issue 11 item 4): an append-only list of what was accepted, promoted, rolled back
 * or imported — who, when, which GPO and collections, the modes and the SHA-256 of the policy file before
 * and after, the readiness snapshot it stood on, the reason — chained by hash like a ledger: each entry's
 * `hash` is SHA-256 over its canonical JSON (keys sorted, `hash` left out) and includes the previous
 * entry's hash, so editing, deleting or reordering any entry breaks the chain at a nameable place.
 * Pure: the store keeps the entries (PromotionLog port), the workspace mirrors them under `history/`.
 */
import { createHash } from 'node:crypto';
import type { Diagnostic } from '../../diag/index.js';
import type { RuleCollectionType } from '../../policy/model.js';
import type { CollectionModes } from './enforce.js';

export type HistoryAction = 'accept' | 'promote' | 'rollback' | 'import';

/** The chain's start: the `prev` of entry 1. */
export const GENESIS_HASH = '0'.repeat(64);

export interface HistoryEntry {
  /** 1, 2, 3… in append order. */
  readonly seq: number;
  readonly action: HistoryAction;
  readonly actor: string;
  /** ISO 8601, from the use case's clock. */
  readonly time: string;
  readonly gpo: string;
  readonly gpoGuid: string;
  /** The pilot ring a promotion targeted; absent for the broad GPO. */
  readonly ring?: string;
  /** Workspace-relative policy file this entry changed (the ring's own file for a ring). */
  readonly policyFile: string;
  readonly collections: readonly RuleCollectionType[];
  readonly modesBefore: CollectionModes;
  readonly modesAfter: CollectionModes;
  /** SHA-256 (hex) of the policy file bytes before and after; the bytes themselves are kept as blobs. */
  readonly policyBefore: string;
  readonly policyAfter: string;
  /** The readiness verdict it stood on and the SHA-256 of its JSON snapshot (kept as a blob). */
  readonly readiness?: { readonly verdict: string; readonly snapshot: string };
  readonly forced?: boolean;
  readonly reason?: string;
  /** Rollback: the entry whose `policyBefore` state was restored. */
  readonly restores?: number;
  /** Accept: the rule ids merged. Import: the file read. */
  readonly rules?: readonly string[];
  readonly source?: string;
  readonly prev: string;
  readonly hash: string;
}

export type UnsealedEntry = Omit<HistoryEntry, 'seq' | 'prev' | 'hash'>;

/** JSON with object keys sorted at every level and no whitespace: the bytes that are hashed. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v === undefined ? null : v)).join(',')}]`;
  const o = value as Record<string, unknown>;
  const keys = Object.keys(o).filter((k) => o[k] !== undefined).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`).join(',')}}`;
}

export function sha256Hex(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The hash an entry must carry: over everything but `hash` itself. */
export function entryHash(e: Omit<HistoryEntry, 'hash'> & { hash?: string }): string {
  const { hash: _hash, ...rest } = e;
  return sha256Hex(canonicalJson(rest));
}

/** The next entry of a chain whose last entry is `last`. */
export function sealEntry(e: UnsealedEntry, last: HistoryEntry | undefined): HistoryEntry {
  const unsealed = { ...e, seq: (last?.seq ?? 0) + 1, prev: last?.hash ?? GENESIS_HASH };
  return { ...unsealed, hash: entryHash(unsealed) };
}

/** The mirror file name of an entry under the workspace's `history/` folder. */
export function historyFileName(e: Pick<HistoryEntry, 'seq' | 'action' | 'gpo'>): string {
  const slug = e.gpo.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60) || 'gpo';
  return `${String(e.seq).padStart(6, '0')}-${e.action}-${slug}.json`;
}

/** The mirror file's bytes: pretty JSON, stable key order, final newline (reviewable in git). */
export function historyFileText(e: HistoryEntry): string {
  return JSON.stringify(JSON.parse(canonicalJson(e)), null, 2) + '\n';
}

function problem(code: string, message: string, where: string, help: string): Diagnostic {
  return { code: `rollout.history.${code}`, severity: 'error', message, help, location: { kind: 'text', file: where, line: 1, column: 1 } };
}

/**
 * Checks a chain as stored: every entry's hash, its link to the one before, and that seq runs 1, 2, 3…
 * Each break names the entry (seq and mirror file) where the chain stops holding.
 * `where` names the place the entries came from (store target or a mirror file per entry).
 */
export function verifyChain(entries: readonly HistoryEntry[], where: (e: HistoryEntry, i: number) => string): Diagnostic[] {
  const out: Diagnostic[] = [];
  let prevHash = GENESIS_HASH;
  let expectSeq = 1;
  for (const [i, e] of entries.entries()) {
    const at = where(e, i);
    if (e.seq !== expectSeq) {
      out.push(problem(e.seq > expectSeq ? 'missing-entry' : 'out-of-order', e.seq > expectSeq
        ? `entry ${expectSeq}${e.seq - expectSeq > 1 ? `–${e.seq - 1}` : ''} is missing: entry ${e.seq} follows entry ${expectSeq - 1}`
        : `entry ${e.seq} appears after entry ${expectSeq - 1}: the history was reordered`, at, 'the history is append-only: restore the entries from the store or from git'));
    }
    const h = entryHash(e);
    if (h !== e.hash) out.push(problem('entry-edited', `entry ${e.seq} (${e.action} \`${e.gpo}\`) was changed after it was recorded: its content hashes to ${h.slice(0, 12)}…, the entry says ${String(e.hash).slice(0, 12)}…`, at, 'compare it with the store (`lockstep history --json`) and with git history; an entry is never edited'));
    else if (e.prev !== prevHash) out.push(problem('chain-broken', `entry ${e.seq} does not follow the entry before it: it links to ${String(e.prev).slice(0, 12)}…, the previous entry is ${prevHash.slice(0, 12)}…`, at, 'an entry before it was edited, deleted or reordered'));
    prevHash = e.hash;
    expectSeq = e.seq + 1;
  }
  return out;
}

/** The port the store implements (SQLite and PostgreSQL, migration 0003) and tests implement in memory. */
export interface PromotionLog {
  /**
   * Appends `entry` and the blobs it references in ONE transaction; fails (rejects) when the last stored
   * entry's hash is not `entry.prev` — another process appended first — so the chain never forks.
   */
  appendHistory(entry: HistoryEntry, blobs: readonly Uint8Array[]): Promise<void>;
  /** Every entry in seq order. */
  historyEntries(): Promise<HistoryEntry[]>;
  /** A blob by its SHA-256 hex. */
  historyBlob(sha256: string): Promise<Uint8Array | undefined>;
}

/** Parses a stored or mirrored entry; undefined when it is not an entry's shape. Bounded by the caller. */
export function parseHistoryEntry(text: string): HistoryEntry | undefined {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!v || typeof v !== 'object') return undefined;
  const e = v as Record<string, unknown>;
  if (typeof e.seq !== 'number' || typeof e.hash !== 'string' || typeof e.prev !== 'string' || typeof e.action !== 'string' || typeof e.gpo !== 'string') return undefined;
  return v as HistoryEntry;
}
