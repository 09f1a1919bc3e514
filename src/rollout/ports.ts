/**
 * The ports rollout needs from the evidence store, defined here (the pure side) and implemented by
 * store/ (SQLite, PostgreSQL). Queries are aggregates so a readiness report over millions of events
 * does not stream them through JavaScript.
 */
import type { AppLockerOutcome } from '../events/applocker-event.js';
import type { RuleCollectionType } from '../policy/model.js';

export interface EvidenceFilter {
  /** Inclusive ISO 8601 bounds on TimeCreated. */
  readonly since?: string;
  readonly until?: string;
  /** Only these computers (case-insensitive); undefined = all. */
  readonly computers?: readonly string[];
  readonly collections?: readonly RuleCollectionType[];
  readonly outcomes?: readonly AppLockerOutcome[];
}

/** One distinct file seen in the evidence, grouped by collection, path, hash and FQBN. */
export interface FileEvidence {
  readonly collection?: RuleCollectionType;
  readonly outcome: AppLockerOutcome;
  /** Variable form as logged (`%OSDRIVE%\USERS\…`). */
  readonly filePath: string;
  readonly fullFilePath?: string;
  readonly fileHash?: string;
  readonly fqbnText?: string;
  readonly ruleIds: readonly string[];
  readonly events: number;
  readonly userCount: number;
  readonly computerCount: number;
  /** At most 50 of each, sorted. */
  readonly users: readonly string[];
  readonly computers: readonly string[];
  readonly firstSeen: string;
  readonly lastSeen: string;
}

export interface EvidenceWindow {
  readonly firstSeen?: string;
  readonly lastSeen?: string;
  readonly events: number;
  /** Distinct computers that reported at least one AppLocker event in the window. */
  readonly computers: readonly string[];
}

export interface DailyCount {
  /** YYYY-MM-DD (UTC). */
  readonly day: string;
  readonly outcome: AppLockerOutcome;
  readonly collection?: RuleCollectionType;
  readonly events: number;
}

export interface EvidenceQuery {
  window(filter: EvidenceFilter): Promise<EvidenceWindow>;
  files(filter: EvidenceFilter): Promise<FileEvidence[]>;
  dailyCounts(filter: EvidenceFilter): Promise<DailyCount[]>;
}
