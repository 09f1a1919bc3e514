/**
 * Binaries that run arbitrary code ("LOLBins") allowed for non-administrators (issue 16 item 5). Each lets a
 * user run code AppLocker never sees as a file (an .hta, a scriptlet, an inline MSBuild task, a .NET
 * assembly), so allowing it to standard users undoes the policy. The list and its sources:
 * - MS Learn, "Applications that should be blocked" (App Control for Business, Microsoft recommended block
 *   rules; "Microsoft recommends that you block the following Microsoft-signed applications and PowerShell
 *   files"): addinprocess, addinprocess32, addinutil, aspnet_compiler, bash, bginfo, cdb, csi, dbghost,
 *   dbgsvc, dnx, dotnet, fsi, fsiAnyCpu, infdefaultinstall, kd, kill, lxrun, Microsoft.Workflow.Compiler,
 *   msbuild, mshta, ntkd, ntsd, rcsi, runscripthelper, texttransform, visualuiaverifynative, wfc, windbg,
 *   wmic, wscript, wsl, wslconfig, wslhost;
 * - api0cradle/UltimateAppLockerByPassList, VerifiedAppLockerBypasses.md: InstallUtil, MSBuild, Mshta,
 *   Regasm, Regsvcs, Regsvr32, cmstp, msxsl, PresentationHost, Msiexec (remote .msi), odbcconf;
 * - NSA AppLocker Starter Policy (corpus): denies the same binaries by publisher for Everyone.
 * ProductName values are the ones Windows' own files carry, as the NSA starter policy (generated from
 * Windows 11 build 22000 files) records them. Paths are where Windows puts them (in-box binaries are catalog-signed by Microsoft: the publisher probe
 * lets publisher allow rules and denies match too).
 */
import { findCollection, type AppLockerPolicy, type Rule } from '../model.js';
import { isAdminSid, isBroadSid, MICROSOFT_PUBLISHER, WINDOWS_PRODUCT, type Probe } from './match.js';
import { probeCollection } from './probe.js';
import { ruleFinding, type LintFinding, type LintRule, type LintContext } from './types.js';

export const LOLBIN_CODE = 'policy.lint.lolbin-allowed';

export interface Lolbin {
  /** OriginalFilename, as a publisher rule's BinaryName names it. */
  readonly binaryName: string;
  readonly productName: string;
  /** Where Windows (or the .NET Framework) installs it, variable form. */
  readonly paths: readonly string[];
  /** What it runs. */
  readonly runs: string;
  readonly source: 'MS block rules' | 'UALB' | 'MS block rules; UALB';
}

const NET = 'MICROSOFT® .NET FRAMEWORK';
const FW = (exe: string): string[] => [
  `%WINDIR%\\MICROSOFT.NET\\FRAMEWORK\\V4.0.30319\\${exe}`,
  `%WINDIR%\\MICROSOFT.NET\\FRAMEWORK64\\V4.0.30319\\${exe}`,
];

export const LOLBINS: readonly Lolbin[] = [
  { binaryName: 'MSHTA.EXE', productName: 'INTERNET EXPLORER', paths: ['%SYSTEM32%\\MSHTA.EXE', '%WINDIR%\\SYSWOW64\\MSHTA.EXE'], runs: 'HTML applications (.hta) with script', source: 'MS block rules; UALB' },
  { binaryName: 'REGSVR32.EXE', productName: WINDOWS_PRODUCT, paths: ['%SYSTEM32%\\REGSVR32.EXE', '%WINDIR%\\SYSWOW64\\REGSVR32.EXE'], runs: 'remote COM scriptlets (.sct, "Squiblydoo")', source: 'UALB' },
  { binaryName: 'INSTALLUTIL.EXE', productName: NET, paths: FW('INSTALLUTIL.EXE'), runs: 'any .NET assembly\'s installer class', source: 'UALB' },
  { binaryName: 'MSBUILD.EXE', productName: NET, paths: FW('MSBUILD.EXE'), runs: 'inline C# tasks in a project file', source: 'MS block rules; UALB' },
  { binaryName: 'REGASM.EXE', productName: NET, paths: FW('REGASM.EXE'), runs: 'a .NET assembly\'s registration functions', source: 'UALB' },
  { binaryName: 'REGSVCS.EXE', productName: NET, paths: FW('REGSVCS.EXE'), runs: 'a .NET assembly\'s registration functions', source: 'UALB' },
  { binaryName: 'CMSTP.EXE', productName: 'MICROSOFT(R) CONNECTION MANAGER', paths: ['%SYSTEM32%\\CMSTP.EXE'], runs: 'commands and scriptlets from an .inf file', source: 'UALB' },
  { binaryName: 'PRESENTATIONHOST.EXE', productName: WINDOWS_PRODUCT, paths: ['%SYSTEM32%\\PRESENTATIONHOST.EXE'], runs: 'XAML browser applications (.xbap)', source: 'UALB' },
  { binaryName: 'WMIC.EXE', productName: WINDOWS_PRODUCT, paths: ['%SYSTEM32%\\WBEM\\WMIC.EXE'], runs: 'XSL scripts (`wmic … /format:evil.xsl`)', source: 'MS block rules; UALB' },
  { binaryName: 'ADDINPROCESS.EXE', productName: NET, paths: FW('ADDINPROCESS.EXE'), runs: 'arbitrary .NET add-ins', source: 'MS block rules' },
  { binaryName: 'ADDINPROCESS32.EXE', productName: NET, paths: FW('ADDINPROCESS32.EXE'), runs: 'arbitrary .NET add-ins', source: 'MS block rules' },
  { binaryName: 'ADDINUTIL.EXE', productName: NET, paths: FW('ADDINUTIL.EXE'), runs: 'deserialised .NET payloads', source: 'MS block rules' },
  { binaryName: 'ASPNET_COMPILER.EXE', productName: NET, paths: FW('ASPNET_COMPILER.EXE'), runs: 'C# compiled from a web project', source: 'MS block rules' },
  { binaryName: 'MICROSOFT.WORKFLOW.COMPILER.EXE', productName: NET, paths: FW('MICROSOFT.WORKFLOW.COMPILER.EXE'), runs: 'C# compiled from a workflow file', source: 'MS block rules' },
  { binaryName: 'INFDEFAULTINSTALL.EXE', productName: WINDOWS_PRODUCT, paths: ['%SYSTEM32%\\INFDEFAULTINSTALL.EXE'], runs: 'commands from an .inf file', source: 'MS block rules' },
  { binaryName: 'WSCRIPT.EXE', productName: 'MICROSOFT ® WINDOWS SCRIPT HOST', paths: ['%SYSTEM32%\\WSCRIPT.EXE'], runs: 'VBScript/JScript (only the Script collection governs the script itself)', source: 'MS block rules' },
  { binaryName: 'WSL.EXE', productName: WINDOWS_PRODUCT, paths: ['%SYSTEM32%\\WSL.EXE'], runs: 'Linux binaries AppLocker does not see', source: 'MS block rules' },
  { binaryName: 'BASH.EXE', productName: WINDOWS_PRODUCT, paths: ['%SYSTEM32%\\BASH.EXE'], runs: 'Linux binaries AppLocker does not see', source: 'MS block rules' },
  { binaryName: 'ODBCCONF.EXE', productName: WINDOWS_PRODUCT, paths: ['%SYSTEM32%\\ODBCCONF.EXE'], runs: 'any DLL (`/a {REGSVR …}`)', source: 'UALB' },
];

/** The rule that lets non-administrators run `l`, if any: an allow for them that no deny for them beats. */
function allowedFor(policy: AppLockerPolicy, l: Lolbin, ctx: LintContext): { rule: Rule; path: string } | undefined {
  const exe = findCollection(policy, 'Exe');
  if (!exe || exe.rules.length === 0) return undefined; // no Exe rules: AppLocker is not governing executables
  for (const path of l.paths) {
    const probe: Probe = { path, publisher: { publisherName: MICROSOFT_PUBLISHER, productName: l.productName, binaryName: l.binaryName, version: '10.0.19041.1' } };
    const allow = probeCollection(exe, probe, (sid) => !isAdminSid(sid), ctx.matches).allow;
    if (!allow) continue;
    // A deny for every user, or for the same SID as the allow, closes it (deny wins, §3).
    const forThem = (sid: string): boolean => isBroadSid(sid) || sid.toUpperCase() === allow.userOrGroupSid.toUpperCase();
    const deny = probeCollection(exe, probe, forThem, ctx.matches).deny;
    // A probe has no bytes, so a hash deny cannot be matched; one whose SourceFileName is the binary's is
    // taken as the admin's deny for it (the NSA policy denies bash.exe that way).
    const hashDeny = exe.rules.some((r) => r.kind === 'FileHashRule' && r.action === 'Deny' && forThem(r.userOrGroupSid)
      && r.condition.fileHashes.some((h) => h.sourceFileName?.toUpperCase() === l.binaryName));
    if (!deny && !hashDeny) return { rule: allow, path };
  }
  return undefined;
}

export const lolbinRule: LintRule = {
  code: LOLBIN_CODE,
  severity: 'warning',
  title: 'binaries that run arbitrary code (mshta, regsvr32, installutil, msbuild …) allowed for non-administrators',
  check(policy, ctx) {
    const exe = findCollection(policy, 'Exe');
    const byRule = new Map<Rule, { names: string[]; runs: string[] }>();
    for (const l of LOLBINS) {
      const a = allowedFor(policy, l, ctx);
      if (!a) continue;
      const cur = byRule.get(a.rule) ?? { names: [], runs: [] };
      cur.names.push(l.binaryName.toLowerCase());
      cur.runs.push(l.runs);
      byRule.set(a.rule, cur);
    }
    const out: LintFinding[] = [];
    for (const [rule, v] of byRule) {
      out.push(ruleFinding(ctx, LOLBIN_CODE, 'warning', exe!.type, rule,
        `allow rule \`${rule.name}\` lets non-administrators run ${v.names.length} binar${v.names.length === 1 ? 'y' : 'ies'} that run arbitrary code: ${v.names.join(', ')}`,
        `add deny rules for Everyone by publisher (BinaryName ${v.names.slice(0, 4).map((n) => n.toUpperCase()).join(', ')}${v.names.length > 4 ? ' …' : ''}; see Microsoft's recommended block rules and the NSA starter policy), keeping an allow for administrators if they need them`));
    }
    return out;
  },
};
