/**
 * Intune / MDM artifacts (issue 11 item 6) for the AppLocker CSP, deployment.md §1:
 * - one OMA-URI per collection with rules: `./Vendor/MSFT/AppLocker/ApplicationLaunchRestrictions/{Grouping}/
 *   {EXE|MSI|Script|DLL|StoreApps}/Policy` (§1.1 [CSP-NEW]); node names per §1.2 (`Exe`→`EXE`, `Appx`→`StoreApps`
 *   [CSP-NEW]; `Msi`→`MSI`, `Script`, `Dll`→`DLL` [DERIVED]);
 * - value: that RuleCollection's XML — the bare `<RuleCollection>` fragment with its EnforcementMode, not the
 *   `<AppLockerPolicy>` wrapper (§1.2 [CSP-NEW]); plain XML in Graph/Intune, JSON-escaped only ([INTUNE-HOLO]);
 * - ONE Grouping per GPO, a GUID derived from the GPO's GUID so re-exports Replace the same URIs (§1.3, §1.4:
 *   two Groupings intersect on a device);
 * - never the `EnforcementMode` / `NonInteractiveProcessEnforcement` leaves (undocumented effect, §1.2) nor
 *   ManagedInstaller (§1.2 [PR-4531]);
 * - a configured collection with no rules is left out: through the CSP it was observed to allow nothing
 *   (§1.4 [ALPT] *observed*), unlike Group Policy where it allows everything.
 * SyncML wraps the fragment in CDATA (§1.8; raw markup and escaped text are the *uncertain* alternatives).
 */
import { createHash } from 'node:crypto';
import type { Diagnostic } from '../../diag/index.js';
import { serializePolicy, type AppLockerPolicy, type RuleCollection, type RuleCollectionType } from '../../policy/index.js';

export const CSP_ROOT = './Vendor/MSFT/AppLocker/ApplicationLaunchRestrictions';

/** CSP node per collection (deployment.md §1.1–1.2). ManagedInstaller has none. */
export const CSP_NODE: Partial<Record<RuleCollectionType, string>> = { Exe: 'EXE', Msi: 'MSI', Script: 'Script', Dll: 'DLL', Appx: 'StoreApps' };

/** A stable GUID for the GPO's Grouping (RFC 4122 layout, version nibble 5, derived by SHA-256). */
export function groupingGuid(gpoGuid: string): string {
  const h = createHash('sha256').update(`lockstep-csp-grouping:${gpoGuid.replace(/[{}]/g, '').toLowerCase()}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((Number.parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export interface CspSetting {
  readonly collection: RuleCollectionType;
  readonly omaUri: string;
  /** The `<RuleCollection>` fragment, one line. */
  readonly value: string;
}

export function cspSettings(policy: AppLockerPolicy, gpoGuid: string): { settings: CspSetting[]; diagnostics: Diagnostic[] } {
  const grouping = groupingGuid(gpoGuid);
  const settings: CspSetting[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const c of policy.ruleCollections) {
    const node = CSP_NODE[c.type];
    const at = { kind: 'text' as const, line: 1, column: 1, path: `/AppLockerPolicy/RuleCollection[@Type="${c.type}"]` };
    if (!node) {
      diagnostics.push({ code: 'rollout.export.csp-unsupported', severity: 'warning', message: `the \`${c.type}\` collection cannot be deployed through the AppLocker CSP; left out`, location: at });
      continue;
    }
    if (c.rules.length === 0) {
      if ((c.enforcementMode ?? 'NotConfigured') !== 'NotConfigured') diagnostics.push({ code: 'rollout.export.csp-empty-collection', severity: 'warning', message: `the \`${c.type}\` collection has no rules; left out of the Intune profile (through the CSP an empty collection was observed to block everything)`, location: at });
      continue;
    }
    if (c.type === 'Msi' || c.type === 'Script') diagnostics.push({ code: 'rollout.export.csp-msi-script', severity: 'info', message: `\`${c.type}\` through the CSP: admins report missing audit events and partial enforcement (deployment.md §1.5 #2); watch the pilot's logs`, location: at });
    const only: AppLockerPolicy = { version: policy.version, ruleCollections: [c as RuleCollection] };
    settings.push({ collection: c.type, omaUri: `${CSP_ROOT}/${grouping}/${node}/Policy`, value: serializePolicy(only, { root: 'RuleCollection', style: 'compact' }) });
  }
  return { settings, diagnostics };
}

/**
 * The Microsoft Graph body for `POST /deviceManagement/deviceConfigurations` (deployment.md §1.7):
 * `@odata.type` windows10CustomConfiguration, `displayName`, `description`, `omaSettings` ([GRAPH-CREATE]);
 * each `#microsoft.graph.omaSettingString` with `displayName`, `description`, `omaUri`, `value` ([GRAPH-OMASTR]).
 */
export function graphConfiguration(gpoName: string, gpoGuid: string, settings: readonly CspSetting[], description: string): Record<string, unknown> {
  return {
    '@odata.type': '#microsoft.graph.windows10CustomConfiguration',
    displayName: `Lockstep - ${gpoName}`,
    description,
    omaSettings: settings.map((s) => ({
      '@odata.type': '#microsoft.graph.omaSettingString',
      displayName: `AppLocker ${CSP_NODE[s.collection]}`,
      description: `${gpoName} ${gpoGuid}: ${s.collection} rule collection`,
      omaUri: s.omaUri,
      value: s.value,
    })),
  };
}

function cdata(text: string): string {
  // `]]>` cannot appear inside CDATA: split it across two sections (XML 1.0 §2.7).
  return `<![CDATA[${text.replace(/]]>/g, ']]]]><![CDATA[>')}]]>`;
}

/** SyncML per deployment.md §1.8: Add the Grouping, Add each collection node, Replace each Policy leaf. */
export function syncMl(gpoGuid: string, settings: readonly CspSetting[]): string {
  const grouping = `${CSP_ROOT}/${groupingGuid(gpoGuid)}`;
  const lines: string[] = ['<SyncML xmlns="SYNCML:SYNCML1.2">', '  <SyncBody>'];
  let id = 1;
  lines.push(`    <Add><CmdID>${id++}</CmdID><Item><Target><LocURI>${grouping}</LocURI></Target></Item></Add>`);
  for (const s of settings) {
    lines.push(`    <Add><CmdID>${id++}</CmdID><Item><Target><LocURI>${grouping}/${CSP_NODE[s.collection]}</LocURI></Target></Item></Add>`);
    lines.push(`    <Replace><CmdID>${id++}</CmdID><Item>`);
    lines.push(`      <Target><LocURI>${s.omaUri}</LocURI></Target>`);
    lines.push('      <Meta><Format xmlns="syncml:metinf">chr</Format></Meta>');
    lines.push(`      <Data>${cdata(s.value)}</Data>`);
    lines.push('    </Item></Replace>');
  }
  lines.push('    <Final/>', '  </SyncBody>', '</SyncML>', '');
  return lines.join('\n');
}

export function intuneReadme(gpoName: string, gpoGuid: string, settings: readonly CspSetting[], diagnostics: readonly Diagnostic[], merged: readonly string[] = [gpoName]): string {
  return `# ${gpoName} through Intune (AppLocker CSP)

Generated by Lockstep for GPO ${gpoGuid}. The profile carries the MERGED policy of the GPOs that apply to the
same machines (${merged.join(' + ')}), because a CSP profile does not merge with anything else.

Files:
- \`intune-graph.json\`: body for \`POST https://graph.microsoft.com/v1.0/deviceManagement/deviceConfigurations\`
  (permission \`DeviceManagementConfiguration.ReadWrite.All\`); assign the profile to the group's devices afterwards.
- \`intune.syncml.xml\`: the same settings as SyncML for another MDM.

OMA-URIs (one Grouping for this GPO, stable across exports so a new export replaces the same settings):
${settings.map((s) => `- \`${s.omaUri}\` (${s.collection})`).join('\n') || '- none: no collection has rules'}

How the CSP differs from Group Policy:
- **Profiles do not merge.** Group Policy merges the rules of every GPO that applies (a union). Two CSP
  Groupings on one device, or a CSP policy next to a GPO policy, were observed to act as an intersection:
  a file must be allowed by every rule set. Deploy ONE profile per device with the merged policy; do not
  split it across profiles, and do not keep the GPO linked to the same machines.
- **Empty collections are left out.** A collection with no rules allows everything under Group Policy but
  was observed to block everything through the CSP.
- **Verification.** \`Get-AppLockerPolicy -Effective\` does not see CSP policy; read it through the MDM WMI
  bridge (\`root\\cimv2\\mdm\\dmmap\`, \`MDM_AppLocker_ApplicationLaunchRestrictions01_EXE03\`).
- **Same OMA-URI in two profiles** is a conflict: Intune applies neither.
- The enforcement mode travels inside each RuleCollection value; the CSP's own EnforcementMode leaf is not used.
${diagnostics.length ? `\nNotes for this export:\n${diagnostics.map((d) => `- ${d.message}`).join('\n')}\n` : ''}
Sources: shared/spec/deployment.md §1 (Microsoft's AppLocker CSP page, Graph reference, Intune docs,
AaronMargosis/AppLockerPolicyTool observations).
`;
}
