/**
 * The workspace: the deployment plan a team keeps in git as `lockstep.yaml` (issue 6 item 1; the plan the
 * seed asks for — business groups, the GPO structure, how events are collected, and when a GPO may move
 * from Audit only to Enforce rules). Pure data; workspace/parse.ts builds it from YAML with located
 * diagnostics, analysis/ reads it. Collection and mode names are AppLocker's (applocker.md §1, §3.3).
 */
import type { TextLocation } from '../../diag/index.js';
import type { EnforcementMode, RuleCollectionType } from '../../policy/model.js';

export const WORKSPACE_FILE = 'lockstep.yaml';
export const DEFAULT_STORE = '.lockstep/evidence.db';

/** How a computer belongs to a business group; a computer matching any entry is a member. */
export interface GroupMembership {
  /** Distinguished names of OUs; a machine in the OU or any child OU is a member. */
  readonly ous: readonly string[];
  /** Computer-name patterns with `*` and `?` (case-insensitive), e.g. `FIN-*`. */
  readonly namePatterns: readonly string[];
  /** Explicit computer names. */
  readonly computers: readonly string[];
}

/** One approved application: by publisher (and optionally product/binary) or by path (§5.2, §4.2). */
export interface ApprovedApplication {
  readonly name: string;
  /** AppLocker publisher name, e.g. `O=CONTOSO LTD, L=SEATTLE, S=WASHINGTON, C=US`. */
  readonly publisher?: string;
  readonly product?: string;
  readonly binary?: string;
  /** Path with AppLocker variables and `*`, e.g. `%PROGRAMFILES%\LEDGER\*`. */
  readonly path?: string;
}

export interface BusinessGroup {
  readonly name: string;
  readonly description?: string;
  readonly membership: GroupMembership;
  readonly approved: readonly ApprovedApplication[];
  /** Who users of this group ask for access (shown beside every would-be-blocked file). */
  readonly support?: string;
}

export interface GpoLink {
  /** A business group name or an OU distinguished name. */
  readonly target: string;
  /** Group Policy link order: 1 = highest precedence (applied last, wins the enforcement mode, §6.1). */
  readonly order: number;
  /** The link is Enforced (No Override): it wins over links below it and passes block-inheritance (§6.1). */
  readonly enforced?: boolean;
}

export interface Gpo {
  readonly name: string;
  /** `{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}`. */
  readonly guid: string;
  /** The AppLocker policy XML, relative to the workspace folder. */
  readonly policy: string;
  readonly links: readonly GpoLink[];
  /** Declared enforcement per collection; when set it is the mode the GPO deploys (overrides the XML's). */
  readonly enforcement: Partial<Record<RuleCollectionType, EnforcementMode>>;
}

export interface EventCollectionPlan {
  readonly channels: readonly string[];
  /** Windows Event Forwarding subscription name. */
  readonly subscription?: string;
  readonly retentionDays: number;
}

/** When a GPO may move to Enforce rules (issue 6 item 5). */
export interface ReadinessThresholds {
  /** Days of evidence needed in the window. */
  readonly minDays: number;
  /** Share (0–1) of the group's machines that must have reported. */
  readonly minReportingShare: number;
  /** Would-be-blocked executions of approved applications allowed (0). */
  readonly maxApprovedBlocked: number;
  /** Would-be-blocked executions by administrators allowed (0). */
  readonly maxAdminBlocked: number;
  /** Would-be-blocked executions of anything allowed; undefined = no limit on other files. */
  readonly maxWouldBlock?: number;
  // Evidence sufficiency (issue 10 item 6, analysis/sufficiency.ts): past these the verdict is
  // INSUFFICIENT EVIDENCE instead of READY.
  /** A machine whose last event is more than this many days before the group's last event is silent (3). */
  readonly silentDays: number;
  /** Records missing from the channels' EventRecordID sequences tolerated (0). */
  readonly maxLostRecords: number;
  /** Log-cleared events (Security 1102, System 104) on the group's machines tolerated in the window (0). */
  readonly maxLogClears: number;
  /** Discovery has levelled off when the last `plateauDays` days (5)… */
  readonly plateauDays: number;
  /** …brought at most this many new distinct would-be-blocked files (2). */
  readonly plateauMaxNewFiles: number;
}

export const DEFAULT_THRESHOLDS: ReadinessThresholds = {
  minDays: 14,
  minReportingShare: 0.8,
  maxApprovedBlocked: 0,
  maxAdminBlocked: 0,
  maxWouldBlock: 0,
  silentDays: 3,
  maxLostRecords: 0,
  maxLogClears: 0,
  plateauDays: 5,
  plateauMaxNewFiles: 2,
};

/**
 * The version floor of a suggested publisher rule (issue 10 item 5): `lowest-seen` (default: the lowest
 * version in the evidence and up, so updates keep running), `exact` (only the versions seen), `any` (`*`).
 */
export type VersionFloor = 'lowest-seen' | 'exact' | 'any';

export interface SuggestOptions {
  readonly versionFloor: VersionFloor;
}

export const DEFAULT_SUGGEST: SuggestOptions = { versionFloor: 'lowest-seen' };

/**
 * An alert rule of `report monitor` (issue 14 item 3), workspace `monitor: alerts:`. Defaults in
 * rollout/monitor/monitor.ts (DEFAULT_ALERTS): threshold 50 blocks a day, spike 3× the 7-day mean with at
 * least 10 blocks, and any block of an approved application.
 */
export type AlertRule =
  | { readonly kind: 'threshold'; readonly name?: string; readonly blocksPerDay: number }
  | { readonly kind: 'spike'; readonly name?: string; readonly factor: number; readonly baselineDays: number; readonly minBlocks: number }
  | { readonly kind: 'approved-blocked'; readonly name?: string };

export interface MonitorSettings {
  readonly alerts: readonly AlertRule[];
}

export interface Workspace {
  readonly version: 1;
  readonly name: string;
  /** DNS domain of the computers (`contoso.example`): events log FQDNs, the inventory short names. */
  readonly domain?: string;
  /** A file path (relative to the workspace), a `postgres://` URL, or `env:NAME`. */
  readonly store: string;
  /** Machines inventory CSV (`name,ou`), relative to the workspace. */
  readonly inventory?: string;
  /** SIDs treated as administrators (besides well-known system accounts and RID 500). */
  readonly administrators: readonly string[];
  /** Principals files (`whoami /user /groups /fo csv` or an AD export), relative to the workspace. */
  readonly principals?: readonly string[];
  /** OUs with Block Inheritance set: links above them apply only when Enforced (§6.1 [INFERRED]). */
  readonly blockInheritance?: readonly string[];
  readonly suggest?: SuggestOptions;
  readonly groups: readonly BusinessGroup[];
  readonly gpos: readonly Gpo[];
  readonly collection: EventCollectionPlan;
  readonly readiness: ReadinessThresholds;
  /** After enforcement: the alert rules of `report monitor` (absent: the defaults). */
  readonly monitor?: MonitorSettings;
  /** Where each named object was declared, for diagnostics (key: `groups[0]`, `gpos[1].policy`…). */
  readonly locations: ReadonlyMap<string, TextLocation>;
}

/** One row of the machines inventory. */
export interface Machine {
  readonly name: string;
  /** Distinguished name of the machine's OU. */
  readonly ou: string;
}
