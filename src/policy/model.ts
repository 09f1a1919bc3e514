/**
 * The AppLocker policy model, named as Microsoft's XSD and docs name it (shared/spec/applocker.md §1, §11.1).
 * Pure data: parse.ts builds it from XML, serialize.ts writes it back, the engine evaluates it.
 */

export type RuleCollectionType = 'Exe' | 'Msi' | 'Script' | 'Dll' | 'Appx' | 'ManagedInstaller';
/** The five collections a user configures (ManagedInstaller is WDAC's, §1.9). */
export const RULE_COLLECTION_TYPES: readonly RuleCollectionType[] = ['Exe', 'Msi', 'Script', 'Dll', 'Appx'];
export const ALL_RULE_COLLECTION_TYPES: readonly RuleCollectionType[] = [...RULE_COLLECTION_TYPES, 'ManagedInstaller'];

export type EnforcementMode = 'NotConfigured' | 'AuditOnly' | 'Enabled';
export type RuleAction = 'Allow' | 'Deny';
export type FileHashType = 'SHA256' | 'SHA256Flat' | 'SHA1';
export type ServicesEnforcementMode = 'NotConfigured' | 'Enabled' | 'ServicesOnly';

/** Verbatim XML text of an element we keep but do not interpret (xs:any, PolicyExtensions). */
export type XmlFragment = string;

export interface AppLockerPolicy {
  /** `Version` attribute, kept as text ("1") for a faithful round trip. */
  readonly version: string;
  /** Document order preserved; Type is unique (XSD identity constraint). */
  readonly ruleCollections: readonly RuleCollection[];
  readonly policyExtensions?: XmlFragment;
}

export interface RuleCollection {
  readonly type: RuleCollectionType;
  /** `undefined` = attribute absent, which AppLocker treats as NotConfigured (§1.1). */
  readonly enforcementMode?: EnforcementMode;
  /** Document order preserved. */
  readonly rules: readonly Rule[];
  readonly extensions?: RuleCollectionExtensions;
}

export interface RuleCollectionExtensions {
  /** ThresholdExtensions/Services@EnforcementMode. */
  readonly servicesEnforcementMode?: ServicesEnforcementMode;
  /** RedstoneExtensions/SystemApps@Allow. */
  readonly systemAppsAllow?: 'Enabled' | 'NotEnabled';
  readonly originDataRevocation?: { readonly currentOriginDataId: number; readonly trustedOriginDataId: number };
  readonly thresholdPresent: boolean;
  readonly redstonePresent: boolean;
  /** Further extension elements (xs:any lax), kept verbatim. */
  readonly unknown: readonly XmlFragment[];
}

interface RuleBase {
  /** GUID without braces, original case kept; compare case-insensitively. */
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly userOrGroupSid: string;
  readonly action: RuleAction;
}

export interface FilePathRule extends RuleBase {
  readonly kind: 'FilePathRule';
  readonly condition: FilePathCondition;
  readonly exceptions: readonly RuleCondition[];
}

export interface FilePublisherRule extends RuleBase {
  readonly kind: 'FilePublisherRule';
  readonly condition: FilePublisherCondition;
  readonly exceptions: readonly RuleCondition[];
}

/** Hash rules have no Exceptions (XSD). */
export interface FileHashRule extends RuleBase {
  readonly kind: 'FileHashRule';
  readonly condition: FileHashCondition;
}

export type Rule = FilePathRule | FilePublisherRule | FileHashRule;

export interface FilePathCondition {
  readonly kind: 'FilePathCondition';
  readonly path: string;
}

export interface BinaryVersionRange {
  /** `*` or `a.b.c.d`. */
  readonly lowSection: string;
  readonly highSection: string;
}

export interface FilePublisherCondition {
  readonly kind: 'FilePublisherCondition';
  readonly publisherName: string;
  readonly productName: string;
  readonly binaryName: string;
  /** Absent in some CSP samples; treated as `*`–`*` (§1.1). */
  readonly binaryVersionRange?: BinaryVersionRange;
}

export interface FileHash {
  readonly type: FileHashType;
  /** `0x` + hex, as written. */
  readonly data: string;
  readonly sourceFileName?: string;
  readonly sourceFileLength?: string;
}

export interface FileHashCondition {
  readonly kind: 'FileHashCondition';
  readonly fileHashes: readonly FileHash[];
}

export type RuleCondition = FilePathCondition | FilePublisherCondition | FileHashCondition;

/** The effective mode of a collection: an absent attribute means NotConfigured. */
export function enforcementModeOf(c: RuleCollection | undefined): EnforcementMode {
  return c?.enforcementMode ?? 'NotConfigured';
}

export function findCollection(p: AppLockerPolicy, type: RuleCollectionType): RuleCollection | undefined {
  return p.ruleCollections.find((c) => c.type === type);
}

export function ruleExceptions(r: Rule): readonly RuleCondition[] {
  return r.kind === 'FileHashRule' ? [] : r.exceptions;
}

/** Every rule of the policy with its collection. */
export function* allRules(p: AppLockerPolicy): Generator<{ collection: RuleCollection; rule: Rule }> {
  for (const collection of p.ruleCollections) for (const rule of collection.rules) yield { collection, rule };
}
