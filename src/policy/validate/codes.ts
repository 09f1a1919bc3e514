/**
 * Diagnostic codes of the model-level validation (validate/*.ts), one line each. Stable; listed by
 * `lockstep policy validate --codes` and the docs. Spec: applocker.md §1.1 (XSD facets), §4.1 (path
 * variables), §1.9/§MSDOCS rule-collection-extensions (what belongs where), §11.2 (strict mode).
 */
export const POLICY_VALIDATE_CODES = {
  'policy.validate.invalid-version': 'AppLockerPolicy@Version is not an xs:decimal (every known file uses "1")',
  'policy.validate.invalid-collection-type': 'RuleCollection@Type is not Exe, Msi, Script, Dll, Appx or ManagedInstaller (case-sensitive)',
  'policy.validate.invalid-enforcement-mode': 'EnforcementMode is not NotConfigured, AuditOnly or Enabled (case-sensitive)',
  'policy.validate.duplicate-collection': 'two RuleCollections have the same Type (XSD UniqueRuleCollectionTypeConstraint)',
  'policy.validate.invalid-guid': 'a rule Id is not a GUID `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` without braces',
  'policy.validate.duplicate-rule-id': 'two rules share an Id anywhere in the policy (case-insensitive; XSD UniqueRuleIdConstraint)',
  'policy.validate.invalid-sid': 'UserOrGroupSid is not a SID `S-1-…` (names like `Everyone` are not accepted)',
  'policy.validate.invalid-action': 'Action is not Allow or Deny (case-sensitive)',
  'policy.validate.empty-name': 'a rule Name is empty (schema: 1..1024 characters)',
  'policy.validate.name-too-long': 'a rule Name is longer than 1024 characters',
  'policy.validate.description-too-long': 'a rule Description is longer than 1024 characters',
  'policy.validate.invalid-character': 'a value holds a character XML 1.0 cannot represent (control characters, U+FFFE/U+FFFF)',
  'policy.validate.placeholder': 'a template placeholder token (PLACEHOLDER_…) was left in the policy',
  'policy.validate.empty-path': 'a FilePathCondition Path is empty',
  'policy.validate.path-too-long': 'a FilePathCondition Path is longer than 32767 characters',
  'policy.validate.unknown-path-variable': 'a %NAME% in a Path is no AppLocker path variable (with the nearest one)',
  'policy.validate.environment-variable': 'a Path uses a Windows environment variable, which AppLocker does not expand',
  'policy.validate.path-variable-position': 'an AppLocker path variable that is not at the start of the Path is not expanded',
  'policy.validate.empty-publisher': 'a FilePublisherCondition PublisherName is empty (use `*` for any publisher)',
  'policy.validate.missing-version-range': 'a FilePublisherCondition has no BinaryVersionRange (accepted, treated as `*`–`*`)',
  'policy.validate.invalid-version-section': 'a BinaryVersionRange section is not `*` or four parts each 0..65535',
  'policy.validate.version-range-order': 'a BinaryVersionRange LowSection is above its HighSection (nothing can match)',
  'policy.validate.empty-hash-condition': 'a FileHashCondition has no FileHash (the schema needs 1..unbounded)',
  'policy.validate.invalid-hash-type': 'FileHash@Type is not SHA256, SHA256Flat or SHA1 (case-sensitive)',
  'policy.validate.invalid-hash-data': 'FileHash@Data is not `0x` + 64 hex digits (SHA256/SHA256Flat) or 40 (SHA1)',
  'policy.validate.invalid-file-length': 'FileHash@SourceFileLength is not a non-negative integer',
  'policy.validate.duplicate-hash': 'the same hash appears twice in one FileHashCondition',
  'policy.validate.hash-rule-exceptions': 'a FileHashRule has Exceptions, which the schema does not allow',
  'policy.validate.condition-mismatch': 'a rule has a condition of another rule kind (e.g. FilePathRule with a publisher condition)',
  'policy.validate.appx-condition': 'a path or hash rule/exception in the Appx collection (packaged apps take publisher rules only)',
  'policy.validate.managed-installer-type': 'a ManagedInstaller collection rule that cannot match an EXE installer',
  'policy.validate.extensions-collection': 'RuleCollectionExtensions outside the Exe and Dll collections have no effect',
  'policy.validate.extensions-incomplete': 'RuleCollectionExtensions without both ThresholdExtensions and RedstoneExtensions',
  'policy.validate.invalid-services-mode': 'Services@EnforcementMode is not NotConfigured, Enabled or ServicesOnly',
  'policy.validate.invalid-system-apps': 'SystemApps@Allow is not Enabled or NotEnabled',
  'policy.validate.invalid-number': 'an xs:unsignedInt attribute (OriginDataRevocation ids) is not a number in range',
} as const;

export type PolicyValidateCode = keyof typeof POLICY_VALIDATE_CODES;
