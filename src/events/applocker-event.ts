/**
 * The normalised AppLocker event: one shape for every export format the readers accept (EVTX, Event
 * XML, ECS JSON, CSV…), with AppLocker's own field names (applocker.md §9). Every later surface —
 * the evidence store, readiness, the console — reads this type, never a raw export.
 */
import type { RuleCollectionType } from '../policy/model.js';

export const APPLOCKER_PROVIDER = 'Microsoft-Windows-AppLocker';
export const APPLOCKER_PROVIDER_GUID = '{CBDA4DBF-8D5D-4F69-9578-BE14AA540D22}';
export const APPLOCKER_CHANNELS = [
  'Microsoft-Windows-AppLocker/EXE and DLL',
  'Microsoft-Windows-AppLocker/MSI and Script',
  'Microsoft-Windows-AppLocker/Packaged app-Execution',
  'Microsoft-Windows-AppLocker/Packaged app-Deployment',
] as const;
/** RuleId of implicit decisions (no rule matched: implicit deny). */
export const IMPLICIT_RULE_ID = '{00000000-0000-0000-0000-000000000000}';

/** What the event says happened (§9.2). */
export type AppLockerOutcome =
  | 'allowed' // 8002, 8005, 8020, 8023
  | 'audited' // 8003, 8006, 8021, 8024: allowed, but would have been blocked under Enforce
  | 'blocked' // 8004, 8007, 8022, 8025, 8027
  | 'other'; // 8000, 8001, 8008, 8028+ …

/** Fully qualified binary name `PUBLISHER\PRODUCT\BINARY\VERSION` parsed into its parts (§5.4). */
export interface Fqbn {
  readonly publisherName: string;
  readonly productName: string;
  readonly binaryName: string;
  readonly binaryVersion: string;
}

export interface AppLockerEvent {
  readonly eventId: number;
  readonly outcome: AppLockerOutcome;
  /** The collection the event is about (from PolicyName or the event id). */
  readonly collection?: RuleCollectionType;
  readonly channel: string;
  readonly computer: string;
  /** ISO 8601 UTC, as precise as the source gives it. */
  readonly timeCreated: string;
  readonly recordId?: number;
  /** Provider name, kept to prove it was AppLocker. */
  readonly provider: string;
  readonly userSid?: string;
  readonly targetProcessId?: number;
  readonly targetLogonId?: string;
  readonly policyName?: string;
  /** Braced, upper-case GUID; IMPLICIT_RULE_ID for implicit deny. */
  readonly ruleId?: string;
  readonly ruleName?: string;
  readonly ruleSddl?: string;
  /** Variable form, as logged: `%OSDRIVE%\USERS\PUBLIC\X.EXE`. */
  readonly filePath?: string;
  /** Real path in original case (newer builds). */
  readonly fullFilePath?: string;
  /** SHA-256 hex, upper-case, no `0x`; undefined when not computed. */
  readonly fileHash?: string;
  /** The raw FQBN text (`-` when absent is normalised to undefined). */
  readonly fqbnText?: string;
  readonly fqbn?: Fqbn;
  /** Packaged apps (8020–8027). */
  readonly packageName?: string;
  /** Where this event came from, for provenance: `file.evtx#record 42` or `events.json:17`. */
  readonly source?: string;
}
