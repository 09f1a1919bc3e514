/**
 * The Decision value both evaluators return and every surface renders through explain.ts
 * (applocker.md §3.2, §3.3, §8.1, §9.2, §11.5). It answers three questions separately:
 * what the rules say (`verdict`, in Test-AppLockerPolicy's vocabulary), what the collection's mode
 * does with that (`effect`), and what Windows would log (`eventId`).
 */
import type { EnforcementMode, FileHashType, RuleAction, RuleCollectionType } from '../policy/model.js';

/** Test-AppLockerPolicy's PolicyDecision values (§8.1). */
export type PolicyDecision = 'Allowed' | 'Denied' | 'AllowedByDefault' | 'DeniedByDefault';

/** Why the verdict is what it is. */
export type DecisionReason =
  /** A Deny rule matched; deny beats any allow (§3.2 (3)). */
  | 'ExplicitDeny'
  /** An Allow rule matched and no Deny rule did. */
  | 'ExplicitAllow'
  /** The collection has rules but none allowed the file: implicit deny (§3.2 (2)). */
  | 'ImplicitDeny'
  /** The file's collection has no rules, so everything in it is allowed (§3.2 (1)). */
  | 'CollectionHasNoRules'
  /** A packaged app while Exe rules are enforced and the Appx collection is empty (§3.2 (1), event 8027). */
  | 'NoPackagedAppRules'
  /** The file type belongs to no rule collection; AppLocker does not govern it (§2, §11.5 [UNCERTAIN]). */
  | 'NotGoverned';

/** What the mode does with the verdict (§3.3, §3.5). */
export type DecisionEffect = 'allowed' | 'blocked' | 'would-be-blocked';

/** The rule that decided, as events and Test-AppLockerPolicy name it (§1.3). */
export interface DecidingRule {
  readonly id: string;
  readonly name: string;
  readonly action: RuleAction;
  readonly kind: 'FilePathRule' | 'FilePublisherRule' | 'FileHashRule';
  readonly userOrGroupSid: string;
}

/** An exception that kept a rule from applying (§3.2 (4)): which rule, and which of its exceptions. */
export interface SuppressingException {
  readonly ruleId: string;
  readonly ruleName: string;
  readonly action: RuleAction;
  /** Index into the rule's Exceptions list (document order). */
  readonly exceptionIndex: number;
  readonly conditionKind: 'FilePathCondition' | 'FilePublisherCondition' | 'FileHashCondition';
  /** The exception in short text: the path, `PUB\PROD\BIN,LOW-HIGH`, or the hash type. */
  readonly condition: string;
}

export interface Decision {
  readonly verdict: PolicyDecision;
  readonly reason: DecisionReason;
  /** The collection the file was evaluated in; undefined when no collection governs it. */
  readonly collection?: RuleCollectionType;
  /** The collection's EnforcementMode (absent attribute = NotConfigured, §1.1). */
  readonly mode: EnforcementMode;
  readonly effect: DecisionEffect;
  /** The event Windows would log (§9.2); undefined when AppLocker logs nothing (no rules, not governed). */
  readonly eventId?: number;
  /** The deciding rule for Allowed/Denied (first in document order among matches, §3.6 [UNCERTAIN]). */
  readonly rule?: DecidingRule;
  /**
   * For Allowed: the first Deny rule an exception suppressed; for DeniedByDefault: the first Allow rule
   * an exception suppressed. Explains "why didn't that rule apply".
   */
  readonly exception?: SuppressingException;
}

/** Whether the verdict lets the file run under enforcement. */
export function isAllowedVerdict(v: PolicyDecision): boolean {
  return v === 'Allowed' || v === 'AllowedByDefault';
}

/**
 * The effect of a verdict under a mode (§3.3): AuditOnly never blocks but reports would-be-blocked;
 * Enabled, and NotConfigured with rules, enforce.
 */
export function effectOf(verdict: PolicyDecision, mode: EnforcementMode): DecisionEffect {
  if (isAllowedVerdict(verdict)) return 'allowed';
  return mode === 'AuditOnly' ? 'would-be-blocked' : 'blocked';
}

/** Packaged-app activity: running an installed app or installing a package (two event channels, §9.1). */
export type PackagedAppActivity = 'Execution' | 'Deployment';

/**
 * The event id Windows logs for an evaluated file (§9.2, §3.5): Exe/Dll 8002/8003/8004, Msi/Script
 * 8005/8006/8007, Appx execution 8020/8021/8022, deployment 8023/8024/8025.
 */
export function eventIdFor(collection: RuleCollectionType, effect: DecisionEffect, activity: PackagedAppActivity = 'Execution'): number {
  const k = effect === 'allowed' ? 0 : effect === 'would-be-blocked' ? 1 : 2;
  switch (collection) {
    case 'Exe': case 'Dll': case 'ManagedInstaller': return 8002 + k;
    case 'Msi': case 'Script': return 8005 + k;
    case 'Appx': return (activity === 'Deployment' ? 8023 : 8020) + k;
  }
}

/** Event 8027: no packaged apps while Exe rules are enforced and the Appx collection is empty (§9.2). */
export const EVENT_NO_PACKAGED_APP_RULES = 8027;

/** Hash types in the order the hash index and reference test them. */
export const HASH_TYPES: readonly FileHashType[] = ['SHA256', 'SHA256Flat', 'SHA1'];

/** A condition in one line: the path, `PUB\PROD\BIN,LOW-HIGH` (PowerShell's rendering, §5.4), or `TYPE 0x…`. */
export function describeCondition(c: import('../policy/model.js').RuleCondition): string {
  switch (c.kind) {
    case 'FilePathCondition':
      return c.path;
    case 'FilePublisherCondition': {
      const r = c.binaryVersionRange;
      return `${c.publisherName}\\${c.productName}\\${c.binaryName},${r?.lowSection ?? '*'}-${r?.highSection ?? '*'}`;
    }
    case 'FileHashCondition': {
      const first = c.fileHashes[0];
      if (!first) return '(no hashes)';
      const more = c.fileHashes.length > 1 ? ` (+${c.fileHashes.length - 1} more)` : '';
      return `${first.type} ${first.data}${more}`;
    }
  }
}
