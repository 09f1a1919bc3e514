/**
 * The artifact generators against their documented shapes (shared/spec/deployment.md; each allowed field below
 * names its source), golden files for the demo fleet's and corpus policies, every emitted policy re-read by our
 * own parser and validator, and a structural check of the PowerShell (pwsh is not installed here; when it is, the
 * scripts are also parsed by PowerShell's own parser). Regenerate goldens with
 * `UPDATE_GOLDEN=1 npx vitest run src/rollout/exports` and review the diff.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { corpusSkipReason, hasCorpus, policies as corpusPolicies, readCorpus } from '../../../test-support/corpus.js';
import { buildXmlTree, parsePolicy, validatePolicy, type AppLockerPolicy, type XmlElement } from '../../policy/index.js';
import { simulateFleet } from '../simulate/fleet.js';
import { checkBundleFiles, buildManifest } from './bundle.js';
import { cspSettings, graphConfiguration, groupingGuid, syncMl } from './intune.js';
import { policyXmlBytes } from './policy-xml.js';
import { deployScript, rollbackScript, type PowerShellTarget } from './powershell.js';
import { channelSizes, MIN_LOG_BYTES, wefSubscription, wevtutilScript } from './wef.js';

const goldenDir = join(dirname(fileURLToPath(import.meta.url)), 'testdata');
const update = process.env.UPDATE_GOLDEN === '1';

function golden(name: string, actual: string): void {
  const p = join(goldenDir, name);
  if (update) {
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, actual);
    return;
  }
  if (!existsSync(p)) throw new Error(`missing golden ${p}: run with UPDATE_GOLDEN=1 and review it`);
  expect(actual).toBe(readFileSync(p, 'utf8'));
}

const demoFleet = simulateFleet({ seed: 3, machines: 24 });
const demoGpo = demoFleet.gpos.find((g) => g.name === 'AppLocker Baseline - Workstations')!;
const target: PowerShellTarget = { gpoName: demoGpo.name, gpoGuid: demoGpo.guid, domain: 'contoso.example', policyFile: 'policy.xml', policySha256: 'ab'.repeat(32), summary: 'Exe: Enabled', generatedBy: 'lockstep test' };

/** Re-reads an emitted policy with our own parser and validator: no error may come back. */
function reread(bytes: Uint8Array | string, file: string): AppLockerPolicy {
  const r = parsePolicy(bytes, { file });
  expect(r.ok, JSON.stringify(r.diagnostics)).toBe(true);
  if (!r.ok) throw new Error('unreachable');
  expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  expect(validatePolicy(r.value.policy).filter((d) => d.severity === 'error')).toEqual([]);
  return r.value.policy;
}

function child(e: XmlElement, name: string): XmlElement | undefined {
  return e.children.find((c) => c.name === name);
}

describe('policy.xml', () => {
  it('is UTF-16LE with BOM and declaration, and re-reads to the same policy', () => {
    const b = policyXmlBytes(demoGpo.policyDocument);
    expect([b[0], b[1]]).toEqual([0xff, 0xfe]);
    expect(new TextDecoder('utf-16le').decode(b.slice(2)).startsWith('<?xml version="1.0" encoding="utf-16"?>\r\n<AppLockerPolicy')).toBe(true);
    expect(reread(b, 'policy.xml')).toEqual(reread(policyXmlBytes(reread(b, 'policy.xml')), 'again.xml'));
  });
});

describe('PowerShell', () => {
  /** Every `$name` read is a parameter, assigned before, a function parameter, or an automatic variable. */
  function undefinedVariables(script: string): string[] {
    const automatic = new Set(['_', 'true', 'false', 'null', 'PSScriptRoot', 'PSCmdlet', 'ErrorActionPreference', 'env', 'args']);
    const defined = new Set<string>();
    for (const m of script.matchAll(/\[[A-Za-z.]+\]\$(\w+)/g)) defined.add(m[1]!.toLowerCase()); // typed params
    for (const m of script.matchAll(/\$(\w+)\s*=(?!=)/g)) defined.add(m[1]!.toLowerCase());
    for (const m of script.matchAll(/foreach\s*\(\s*\$(\w+)\s+in/gi)) defined.add(m[1]!.toLowerCase());
    const missing = new Set<string>();
    for (const m of script.replace(/'[^']*'/g, "''").matchAll(/\$(\w+)/g)) {
      const v = m[1]!;
      if (!automatic.has(v) && !defined.has(v.toLowerCase())) missing.add(v);
    }
    return [...missing];
  }

  /** Braces, parentheses and brackets balance outside strings; every string and here-comment closes. */
  function balanced(script: string): boolean {
    const stack: string[] = [];
    const pairs: Record<string, string> = { ')': '(', '}': '{', ']': '[' };
    for (let i = 0; i < script.length; i++) {
      const c = script[i]!;
      if (c === '<' && script[i + 1] === '#') { const end = script.indexOf('#>', i + 2); if (end < 0) return false; i = end + 1; continue; }
      if (c === '#') { const end = script.indexOf('\n', i); i = end < 0 ? script.length : end; continue; }
      if (c === "'") { let j = i + 1; for (;;) { j = script.indexOf("'", j); if (j < 0) return false; if (script[j + 1] === "'") { j += 2; continue; } break; } i = j; continue; }
      if (c === '"') { const end = script.indexOf('"', i + 1); if (end < 0) return false; i = end; continue; }
      if ('({['.includes(c)) stack.push(c);
      else if (')}]'.includes(c)) { if (stack.pop() !== pairs[c]) return false; }
    }
    return stack.length === 0;
  }

  const deploy = deployScript(target);
  const rollback = rollbackScript(target);

  it('deploy.ps1 and rollback.ps1 match their goldens', () => {
    golden('demo-baseline.deploy.ps1', deploy);
    golden('demo-baseline.rollback.ps1', rollback);
  });

  it('are structurally sound: balanced, every variable defined', () => {
    for (const s of [deploy, rollback]) {
      expect(balanced(s)).toBe(true);
      expect(undefinedVariables(s)).toEqual([]);
    }
    // The checker itself must be able to fail.
    expect(balanced(deploy.replace('if ($diff) {', 'if ($diff) '))).toBe(false);
    expect(undefinedVariables(`${deploy}\nWrite-Host $Typo`)).toEqual(['Typo']);
  });

  it('check by GUID, back up, replace without -Merge, support -WhatIf, stop on error, read back', () => {
    expect(deploy).toContain(`Get-GPO -Guid $GpoGuid -Domain $Domain -ErrorAction Stop`);
    expect(deploy).toContain("$GpoGuid = 'D681B63F-51A0-54A5-A4F5-DCCC2A98139B'");
    expect(deploy).toContain('Get-AppLockerPolicy -Domain -Ldap $Ldap -Xml | Set-Content');
    expect(deploy).toContain('Set-AppLockerPolicy -XmlPolicy $PolicyPath -Ldap $Ldap\n');
    expect(deploy).toContain('[CmdletBinding(SupportsShouldProcess = $true)]');
    expect(deploy).toContain("$ErrorActionPreference = 'Stop'");
    expect(deploy).toContain('Assert-Applied $PolicyPath');
    expect(deploy).toContain(`'LDAP://{0}/CN={{{1}}},CN=Policies,CN=System,{2}'`);
    expect(rollback).toContain('Set-AppLockerPolicy -XmlPolicy $BackupFile -Ldap $Ldap');
    // A quote in a GPO name cannot break out of its string.
    expect(deployScript({ ...target, gpoName: "O'Brien's GPO" })).toContain("$GpoName = 'O''Brien''s GPO'");
  });

  const pwsh = spawnSync('pwsh', ['-NoProfile', '-Command', '$PSVersionTable.PSVersion.Major'], { encoding: 'utf8' });
  it.skipIf(pwsh.status !== 0)('parses with PowerShell\'s own parser (skipped: pwsh not installed)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lockstep-ps-'));
    for (const [n, s] of [['deploy.ps1', deploy], ['rollback.ps1', rollback]] as const) {
      const f = join(dir, n);
      writeFileSync(f, s);
      const r = spawnSync('pwsh', ['-NoProfile', '-Command', `$e=$null;[void][System.Management.Automation.Language.Parser]::ParseFile('${f}',[ref]$null,[ref]$e);if($e.Count){$e|%{$_.Message};exit 1}`], { encoding: 'utf8' });
      expect(r.status, r.stdout + r.stderr).toBe(0);
    }
  });
});

describe('Intune', () => {
  // Allowed properties, from the documented schema:
  // windows10CustomConfiguration create body: @odata.type, displayName, description, omaSettings (max 1000) [GRAPH-CREATE]
  // (version and the read-only id/createdDateTime/lastModifiedDateTime are server-set and not sent)
  const CONFIG_KEYS = ['@odata.type', 'displayName', 'description', 'omaSettings'];
  // omaSettingString: displayName, description, omaUri, value (String) [GRAPH-OMASTR]
  const SETTING_KEYS = ['@odata.type', 'displayName', 'description', 'omaUri', 'value'];

  function checkGraph(json: Record<string, unknown>): void {
    expect(Object.keys(json).sort()).toEqual([...CONFIG_KEYS].sort());
    expect(json['@odata.type']).toBe('#microsoft.graph.windows10CustomConfiguration');
    const settings = json.omaSettings as Record<string, unknown>[];
    expect(settings.length).toBeLessThanOrEqual(1000);
    for (const s of settings) {
      expect(Object.keys(s).sort()).toEqual([...SETTING_KEYS].sort());
      expect(s['@odata.type']).toBe('#microsoft.graph.omaSettingString');
      for (const k of SETTING_KEYS) expect(typeof s[k]).toBe('string');
      // ./Vendor/MSFT/AppLocker/ApplicationLaunchRestrictions/{Grouping}/{EXE|MSI|Script|DLL|StoreApps}/Policy [CSP-NEW]
      expect(s.omaUri).toMatch(/^\.\/Vendor\/MSFT\/AppLocker\/ApplicationLaunchRestrictions\/[0-9a-f-]{36}\/(EXE|MSI|Script|DLL|StoreApps)\/Policy$/);
      // Plain XML, one RuleCollection, the collection the node names [INTUNE-HOLO], [CSP-NEW]
      const v = String(s.value);
      expect(v.startsWith('<RuleCollection ')).toBe(true);
      const p = reread(v, String(s.omaUri));
      expect(p.ruleCollections.length).toBe(1);
      const node = String(s.omaUri).split('/').at(-2);
      expect({ EXE: 'Exe', MSI: 'Msi', Script: 'Script', DLL: 'Dll', StoreApps: 'Appx' }[node!]).toBe(p.ruleCollections[0]!.type);
    }
  }

  function checkSyncMl(text: string, count: number): void {
    const tree = buildXmlTree(text);
    expect(tree.wellFormed).toBe(true);
    const body = child(tree.root!, 'SyncBody')!;
    const replaces = body.children.filter((c) => c.name === 'Replace');
    expect(replaces.length).toBe(count);
    for (const r of replaces) {
      const item = child(r, 'Item')!;
      expect(child(child(item, 'Meta')!, 'Format')!.text).toBe('chr');
      reread(child(item, 'Data')!.text, 'syncml');
    }
    expect(child(body, 'Final')).toBeDefined();
  }

  it('the demo baseline: golden Graph JSON and SyncML, schema-checked', () => {
    const csp = cspSettings(demoGpo.policyDocument, demoGpo.guid);
    const json = graphConfiguration(demoGpo.name, demoGpo.guid, csp.settings, 'test');
    checkGraph(json);
    checkSyncMl(syncMl(demoGpo.guid, csp.settings), csp.settings.length);
    golden('demo-baseline.intune-graph.json', JSON.stringify(json, null, 2) + '\n');
    golden('demo-baseline.syncml.xml', syncMl(demoGpo.guid, csp.settings));
  });

  it('one stable Grouping per GPO; empty and ManagedInstaller collections left out with a reason', () => {
    expect(groupingGuid('{D681B63F-51A0-54A5-A4F5-DCCC2A98139B}')).toBe(groupingGuid('d681b63f-51a0-54a5-a4f5-dccc2a98139b'));
    expect(groupingGuid('{D681B63F-51A0-54A5-A4F5-DCCC2A98139B}')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const p: AppLockerPolicy = { version: '1', ruleCollections: [{ type: 'Dll', enforcementMode: 'Enabled', rules: [] }, { type: 'ManagedInstaller', enforcementMode: 'AuditOnly', rules: [] }] };
    const csp = cspSettings(p, '{D681B63F-51A0-54A5-A4F5-DCCC2A98139B}');
    expect(csp.settings).toEqual([]);
    expect(csp.diagnostics.map((d) => d.code).sort()).toEqual(['rollout.export.csp-empty-collection', 'rollout.export.csp-unsupported']);
  });

  it('CDATA survives a rule name containing ]]>', () => {
    const p = reread('<AppLockerPolicy Version="1"><RuleCollection Type="Exe" EnforcementMode="AuditOnly"><FilePathRule Id="921cc481-6e17-4653-8f75-050b80acca20" Name="a ]]&gt; b" Description="" UserOrGroupSid="S-1-1-0" Action="Allow"><Conditions><FilePathCondition Path="%PROGRAMFILES%\\*" /></Conditions></FilePathRule></RuleCollection></AppLockerPolicy>', 'x');
    const csp = cspSettings(p, '{D681B63F-51A0-54A5-A4F5-DCCC2A98139B}');
    checkSyncMl(syncMl('{D681B63F-51A0-54A5-A4F5-DCCC2A98139B}', csp.settings), 1);
  });

  describe.skipIf(!hasCorpus)('corpus policies', () => {
    if (!hasCorpus) it.skip(corpusSkipReason, () => undefined);
    for (const key of ['nsaStarter', 'wdacExecutable', 'wdacAppx', 'aaronOneDrive1803'] as const) {
      it(`${key}: policy.xml, Graph JSON and SyncML re-read and match goldens`, () => {
        const parsed = parsePolicy(readCorpus(corpusPolicies[key]), { file: key });
        if (!parsed.ok) throw new Error('corpus policy does not parse');
        const policy = parsed.value.policy;
        expect(reread(policyXmlBytes(policy), `${key}.policy.xml`)).toEqual(policy);
        const guid = '{31B2F340-016D-11D2-945F-00C04FB984F9}';
        const csp = cspSettings(policy, guid);
        const json = graphConfiguration(key, guid, csp.settings, 'corpus');
        checkGraph(json);
        expect(csp.settings.length).toBe(policy.ruleCollections.filter((c) => c.rules.length > 0 && c.type !== 'ManagedInstaller').length);
        const sm = syncMl(guid, csp.settings);
        checkSyncMl(sm, csp.settings.length);
        golden(`corpus-${key}.intune-graph.json`, JSON.stringify(json, null, 2) + '\n');
      });
    }
  });
});

describe('WEF', () => {
  // Subscription elements in the documented order [WEC-SI] (deployment.md §3.1–3.2).
  const ORDER = ['SubscriptionId', 'SubscriptionType', 'Description', 'Enabled', 'Uri', 'ConfigurationMode', 'Delivery', 'Query', 'ReadExistingEvents', 'TransportName', 'ContentFormat', 'Locale', 'LogFile', 'AllowedSourceNonDomainComputers', 'AllowedSourceDomainComputers'];
  const channels = ['Microsoft-Windows-AppLocker/EXE and DLL', 'Microsoft-Windows-AppLocker/MSI and Script'];
  const xml = wefSubscription({ subscriptionId: 'AppLocker-Audit-Workstations', channels, description: 'demo' });

  it('is the documented source-initiated subscription with a QueryList for 8000–8029', () => {
    const tree = buildXmlTree(xml);
    expect(tree.wellFormed).toBe(true);
    const root = tree.root!;
    expect(root.name).toBe('Subscription');
    expect(root.attributes.find((a) => a.name === 'xmlns')?.value).toBe('http://schemas.microsoft.com/2006/03/windows/events/subscription');
    expect(root.children.map((c) => c.name)).toEqual(ORDER);
    expect(child(root, 'SubscriptionType')!.text).toBe('SourceInitiated');
    expect(child(root, 'ConfigurationMode')!.text).toBe('Custom'); // delivery settings only honoured with Custom [WECUTIL]
    expect(child(root, 'Uri')!.text).toBe('http://schemas.microsoft.com/wbem/wsman/1/windows/EventLog');
    // The QueryList inside CDATA is itself XML: parse it too.
    const q = buildXmlTree(child(root, 'Query')!.text.trim());
    expect(q.wellFormed).toBe(true);
    const selects = q.root!.children[0]!.children;
    expect(selects.map((s) => s.attributes.find((a) => a.name === 'Path')?.value)).toEqual(channels);
    for (const s of selects) expect(s.text).toBe('*[System[(EventID >= 8000 and EventID <= 8029)]]');
    golden('demo.wef-subscription.xml', xml);
  });

  it('sizes each channel from the measured rate: at least 1 MiB, multiples of 64 KiB, grows with the rate', () => {
    const quiet = channelSizes([{ day: '2026-11-01', outcome: 'audited', collection: 'Exe', events: 100 }], 50, channels);
    expect(quiet.every((s) => s.bytes === MIN_LOG_BYTES)).toBe(true);
    const busy = channelSizes([
      { day: '2026-11-01', outcome: 'audited', collection: 'Exe', events: 200_000 },
      { day: '2026-11-02', outcome: 'allowed', collection: 'Dll', events: 500_000 },
      { day: '2026-11-02', outcome: 'audited', collection: 'Script', events: 1000 },
    ], 100, channels);
    // busiest EXE and DLL day: 5000 events per machine × 7 days × 2 KiB × 2
    expect(busy[0]!.peakPerMachineDay).toBe(5000);
    expect(busy[0]!.bytes).toBe(Math.ceil((5000 * 7 * 2048 * 2) / 65536) * 65536);
    expect(busy.every((s) => s.bytes % 65536 === 0 && s.bytes >= MIN_LOG_BYTES)).toBe(true);
    const cmd = wevtutilScript(busy);
    expect(cmd).toContain(`wevtutil sl "Microsoft-Windows-AppLocker/EXE and DLL" /e:true /ms:${busy[0]!.bytes}`);
  });
});

describe('bundle manifest', () => {
  it('lists every file with its hash; a changed, missing or added file is named', () => {
    const files = new Map<string, Uint8Array>([['policy.xml', new Uint8Array([1, 2])], ['deploy.ps1', new TextEncoder().encode('x')]]);
    const m = buildManifest({ gpo: 'g', gpoGuid: '{x}', createdAt: 't', createdBy: 'test', policySha256: 'p', keyId: 'k' }, files);
    expect(m.files.map((f) => f.path)).toEqual(['deploy.ps1', 'policy.xml']);
    expect(checkBundleFiles(m, files, 'b')).toEqual([]);
    const changed = new Map(files);
    changed.set('deploy.ps1', new TextEncoder().encode('y'));
    changed.delete('policy.xml');
    changed.set('extra.txt', new Uint8Array());
    expect(checkBundleFiles(m, changed, 'b').map((d) => d.code).sort()).toEqual(['rollout.bundle.file-changed', 'rollout.bundle.file-missing', 'rollout.bundle.file-unlisted']);
  });
});
