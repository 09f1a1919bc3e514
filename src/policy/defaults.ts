/**
 * AppLocker's default rules with their well-known, fixed GUIDs (applocker.md §7; XML as exported in §1.5).
 * The MMC's "Create Default Rules" makes these; the Dll set exists in the docs table and exports.
 */
import type { AppLockerPolicy, EnforcementMode, FilePathRule, FilePublisherRule, Rule, RuleCollection, RuleCollectionType } from './model.js';
import { RULE_COLLECTION_TYPES } from './model.js';

const EVERYONE = 'S-1-1-0';
const ADMINISTRATORS = 'S-1-5-32-544';

function pathRule(id: string, name: string, description: string, sid: string, path: string): FilePathRule {
  return {
    kind: 'FilePathRule', id, name, description, userOrGroupSid: sid, action: 'Allow',
    condition: { kind: 'FilePathCondition', path }, exceptions: [],
  };
}

function signedRule(id: string, name: string, description: string): FilePublisherRule {
  return {
    kind: 'FilePublisherRule', id, name, description, userOrGroupSid: EVERYONE, action: 'Allow',
    condition: {
      kind: 'FilePublisherCondition', publisherName: '*', productName: '*', binaryName: '*',
      binaryVersionRange: { lowSection: '0.0.0.0', highSection: '*' },
    },
    exceptions: [],
  };
}

const DEFAULT_RULES: Readonly<Record<Exclude<RuleCollectionType, 'ManagedInstaller'>, readonly Rule[]>> = {
  Exe: [
    pathRule('921cc481-6e17-4653-8f75-050b80acca20', '(Default Rule) All files located in the Program Files folder',
      'Allows members of the Everyone group to run applications that are located in the Program Files folder.', EVERYONE, '%PROGRAMFILES%\\*'),
    pathRule('a61c8b2c-a319-4cd0-9690-d2177cad7b51', '(Default Rule) All files located in the Windows folder',
      'Allows members of the Everyone group to run applications that are located in the Windows folder.', EVERYONE, '%WINDIR%\\*'),
    pathRule('fd686d83-a829-4351-8ff4-27c7de5755d2', '(Default Rule) All files',
      'Allows members of the local Administrators group to run all applications.', ADMINISTRATORS, '*'),
  ],
  Dll: [
    pathRule('3737732c-99b7-41d4-9037-9cddfb0de0d0', '(Default Rule) All DLLs located in the Program Files folder',
      'Allows members of the Everyone group to load DLLs that are located in the Program Files folder.', EVERYONE, '%PROGRAMFILES%\\*'),
    pathRule('bac4b0bf-6f1b-40e8-8627-8545fa89c8b6', '(Default Rule) Microsoft Windows DLLs',
      'Allows members of the Everyone group to load DLLs located in the Windows folder.', EVERYONE, '%WINDIR%\\*'),
    pathRule('fe64f59f-6fca-45e5-a731-0f6715327c38', '(Default Rule) All DLLs',
      'Allows members of the local Administrators group to load all DLLs.', ADMINISTRATORS, '*'),
  ],
  Script: [
    pathRule('06dce67b-934c-454f-a263-2515c8796a5d', '(Default Rule) All scripts located in the Program Files folder',
      'Allows members of the Everyone group to run scripts that are located in the Program Files folder.', EVERYONE, '%PROGRAMFILES%\\*'),
    pathRule('9428c672-5fc3-47f4-808a-a0011f36dd2c', '(Default Rule) All scripts located in the Windows folder',
      'Allows members of the Everyone group to run scripts that are located in the Windows folder.', EVERYONE, '%WINDIR%\\*'),
    pathRule('ed97d0cb-15ff-430f-b82c-8d7832957725', '(Default Rule) All scripts',
      'Allows members of the local Administrators group to run all scripts.', ADMINISTRATORS, '*'),
  ],
  Msi: [
    signedRule('b7af7102-efde-4369-8a89-7a6a392d1473', '(Default Rule) All digitally signed Windows Installer files',
      'Allows members of the Everyone group to run digitally signed Windows Installer files.'),
    pathRule('5b290184-345a-4453-b184-45305f6d9a54', '(Default Rule) All Windows Installer files in %systemdrive%\\Windows\\Installer',
      'Allows members of the Everyone group to run all Windows Installer files located in %systemdrive%\\Windows\\Installer.', EVERYONE, '%WINDIR%\\Installer\\*'),
    // The admin rule is `*.*` in every real export, though the docs table says `*` (§1.5 note).
    pathRule('64ad46ff-0d71-4fa0-a30b-3f3d30c5433d', '(Default Rule) All Windows Installer files',
      'Allows members of the local Administrators group to run all Windows Installer files.', ADMINISTRATORS, '*.*'),
  ],
  Appx: [
    signedRule('a9e18c21-ff8f-43cf-b9fc-db40eed693ba', '(Default Rule) All signed packaged apps',
      'Allows members of the Everyone group to run packaged apps that are signed.'),
  ],
};

/** The default rules of one collection (a fresh copy). ManagedInstaller has none. */
export function defaultRules(type: RuleCollectionType): Rule[] {
  return type === 'ManagedInstaller' ? [] : [...DEFAULT_RULES[type]];
}

/** A collection holding the default rules in the given mode. */
export function defaultRuleCollection(type: RuleCollectionType, enforcementMode: EnforcementMode): RuleCollection {
  return { type, enforcementMode, rules: defaultRules(type) };
}

/**
 * A policy of default rules for the given collections, in the order Windows exports them
 * (alphabetical by Type: Appx, Dll, Exe, Msi, Script; §11.3).
 */
export function defaultPolicy(
  types: readonly RuleCollectionType[] = RULE_COLLECTION_TYPES,
  enforcementMode: EnforcementMode = 'AuditOnly',
): AppLockerPolicy {
  const sorted = [...new Set(types)].sort();
  return { version: '1', ruleCollections: sorted.map((t) => defaultRuleCollection(t, enforcementMode)) };
}
