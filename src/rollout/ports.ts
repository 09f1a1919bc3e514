/**
 * The ports rollout needs from the evidence store, defined here (the pure side) and implemented by
 * store/ (SQLite, PostgreSQL). Queries are aggregates so a readiness report over millions of events
 * does not stream them through JavaScript.
 */
import type { AppLockerOutcome } from '../events/applocker-event.js';
import type { LogClear } from '../events/log-clear.js';

export type { LogClear };
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

/**
 * One computer × event channel × day of AppLocker evidence (issue 10 item 6): how many events, and the
 * EventRecordID range they span, so lost records (gaps in the per-channel record ids) and silent machines or
 * channels can be found from an aggregate, never by streaming events.
 */
export interface ChannelDay {
  /** YYYY-MM-DD (UTC). */
  readonly day: string;
  /** The computer as logged (short name or FQDN). */
  readonly computer: string;
  readonly channel: string;
  readonly events: number;
  /** Events of the day that carry an EventRecordID (the rest cannot be checked for gaps). */
  readonly withRecordId: number;
  readonly minRecordId?: number;
  readonly maxRecordId?: number;
  readonly firstSeen: string;
  readonly lastSeen: string;
}

/** What a computer's channel held before the asked window: the record id to continue from. */
export interface ChannelBefore {
  readonly computer: string;
  readonly channel: string;
  readonly lastDay: string;
  readonly maxRecordId?: number;
}

export interface ChannelActivity {
  /** Whole UTC days from the filter's since day to its until day; sorted by computer, channel, day. */
  readonly days: readonly ChannelDay[];
  /** Per computer × channel with evidence before the since day. */
  readonly before: readonly ChannelBefore[];
}

/** What ingest could not use, over every source in the store (issue 10 item 4). */
export interface IngestHealth {
  readonly sources: number;
  readonly recordsRead: number;
  /** Records no reader could normalise plus events the store rejected. */
  readonly errors: number;
  /** `errors` per diagnostic code (`events.xml.malformed`, `store.event.bad-time`…), for runs that completed or stopped cleanly. */
  readonly errorsByCode: Readonly<Record<string, number>>;
}

export interface EvidenceQuery {
  window(filter: EvidenceFilter): Promise<EvidenceWindow>;
  files(filter: EvidenceFilter): Promise<FileEvidence[]>;
  dailyCounts(filter: EvidenceFilter): Promise<DailyCount[]>;
  /** Per computer × channel × day, for the filter's computers and days (collections/outcomes ignored). */
  channelActivity(filter: EvidenceFilter): Promise<ChannelActivity>;
  /** Log-cleared events of the filter's computers in its time range, oldest first. */
  logClears(filter: EvidenceFilter): Promise<LogClear[]>;
  /** What ingest could not read, over the whole store. */
  ingestHealth(): Promise<IngestHealth>;
}
