/**
 * The evidence-replay port (issue 10 item 8): what an event says about a file (applocker.md §9.3) and the
 * decider that replays it through a policy. There is ONE evaluator — the engine (src/engine) behind
 * analysis/engine-decider.ts; this module holds only the port's types and the token helper the simulator
 * uses, which delegates to the engine's token notion (engine/principal.ts). The evidence-level evaluator
 * that used to live here (its own glob, version and SID logic, never run against the case corpus) is gone.
 */
import { administrator, standardUser, tokenFor, WELL_KNOWN_SIDS, type Principal } from '../../engine/index.js';
import type { EnforcementMode, RuleCollectionType } from '../../policy/model.js';

/** The facts about one file that the evidence carries (applocker.md §9.3). */
export interface EvidenceFacts {
  readonly collection: RuleCollectionType;
  /** Variable form as logged: `%OSDRIVE%\USERS\ALICE\APPDATA\…`. */
  readonly filePath: string;
  /** SHA-256 upper hex without `0x`, or undefined when the event had none. */
  readonly fileHash?: string;
  /** `PUB\PROD\BIN\VER` or undefined / `-` for unsigned. */
  readonly fqbnText?: string;
}

export type ReplayVerdict = 'Allowed' | 'Denied' | 'AllowedByDefault' | 'DeniedByDefault';

export interface ReplayDecision {
  readonly verdict: ReplayVerdict;
  readonly ruleId?: string;
  readonly ruleName?: string;
  readonly collection: RuleCollectionType;
  readonly mode: EnforcementMode;
  /** True when the verdict is a deny: Enforce would block it. */
  readonly wouldBlock: boolean;
  /** The evidence lacked the hash or the FQBN, so hash/publisher rules could not be tested fully. */
  readonly incompleteFacts: boolean;
}

/** Decides one file for one token: an engine Principal, or a plain set of enabled SIDs. */
export type EvidenceDecider = (facts: EvidenceFacts, principal: Principal | ReadonlySet<string>) => ReplayDecision;

/** Well-known SIDs, as the engine names them (engine/principal.ts is the one table). */
export const SID = {
  everyone: WELL_KNOWN_SIDS.Everyone,
  authenticatedUsers: WELL_KNOWN_SIDS.AuthenticatedUsers,
  interactive: WELL_KNOWN_SIDS.Interactive,
  users: WELL_KNOWN_SIDS.Users,
  administrators: WELL_KNOWN_SIDS.Administrators,
  localSystem: WELL_KNOWN_SIDS.LocalSystem,
  localService: WELL_KNOWN_SIDS.LocalService,
  networkService: WELL_KNOWN_SIDS.NetworkService,
} as const;

/**
 * The enabled SIDs of an interactive token for `userSid` (engine/principal.ts `standardUser` /
 * `administrator`, §3.4). Readiness uses `tokenFor` with the workspace's principals instead.
 */
export function principalFor(userSid: string | undefined, isAdministrator: boolean): Set<string> {
  if (!userSid) return new Set(tokenFor(undefined).sids);
  return new Set((isAdministrator ? administrator(userSid) : standardUser(userSid)).sids);
}
