/**
 * The ports the use cases need (shared/design/app-layer.md). Declared here, on the inner side; the edges
 * implement them (`store/node-ports.ts` for a Node process, in-memory ones in tests). A use case gets
 * everything it touches through these: no fs, no environment, no clock of its own.
 */
import type { EvidenceQuery } from '../rollout/index.js';
import type { PromotionLog } from '../rollout/promotion/history.js';

export type { PromotionLog } from '../rollout/promotion/history.js';

/** Files of one workspace folder. Paths are as the workspace wrote them (relative to `dir`, or absolute). */
export interface WorkspaceFiles {
  /** The workspace folder, absolute. */
  readonly dir: string;
  /** The absolute path a workspace-written path names (used in diagnostics and for writes). */
  resolve(path: string): string;
  exists(path: string): Promise<boolean>;
  /** The bytes of a file; rejects with an Error whose message names the file when it cannot be read. */
  read(path: string): Promise<Uint8Array>;
  /**
   * Replaces (or creates) a file atomically: a reader sees the old bytes or the new ones, never a mix; parent
   * folders are created; `private` makes the file readable by its owner only (a key). Rejects with an Error naming the file when it cannot be written.
   */
  write(path: string, bytes: Uint8Array | string, opts?: { readonly private?: boolean }): Promise<void>;
  /** Names of the files directly in a folder (sorted); empty when the folder does not exist. */
  list(dir: string): Promise<string[]>;
}

/** An evidence store opened for one use case; closed by the use case that opened it. */
export type OpenedEvidence = EvidenceQuery & { close(): Promise<void> };

export interface EvidenceStores {
  /** Opens (creating a SQLite file when needed) the store at a target: a file path or a postgres:// URL. */
  open(target: string): Promise<OpenedEvidence>;
  /** False for a SQLite file that does not exist yet (a PostgreSQL URL always "exists"). */
  exists(target: string): Promise<boolean>;
  /** The target with any password hidden, for messages. */
  redact(target: string): string;
}

export interface Clock {
  now(): Date;
}

/** Environment variables the caller chose to expose (the workspace's `store: env:NAME`). */
export type EnvLookup = (name: string) => string | undefined;

/** The promotion history of a store, opened for one use case and closed by it. */
export type OpenedPromotionLog = PromotionLog & { close(): Promise<void> };

export interface PromotionLogs {
  /** Opens the history kept in the evidence store at `target` (created with the store's schema when needed). */
  open(target: string): Promise<OpenedPromotionLog>;
}
