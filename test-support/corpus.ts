/**
 * Named accessors into ../shared/corpus (real public data nobody on this team wrote; see its MANIFEST.md).
 * Tests reach the corpus only through here. When ../shared is absent (a user's fresh clone) the tests that
 * need it are skipped with a clear message, never passed silently.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
/** Project root (this file is in test-support/). */
export const projectRoot = resolve(here, '..');
export const corpusRoot = process.env.LOCKSTEP_CORPUS ?? resolve(projectRoot, '..', 'shared', 'corpus');
export const hasCorpus = existsSync(join(corpusRoot, 'MANIFEST.md'));
export const corpusSkipReason = `../shared/corpus not found at ${corpusRoot}: corpus tests skipped (they run in CI)`;

if (!hasCorpus) process.stderr.write(`NOTE: ${corpusSkipReason}\n`);

export function corpusPath(rel: string): string {
  return join(corpusRoot, rel);
}

export function readCorpus(rel: string): Buffer {
  return readFileSync(corpusPath(rel));
}

/** Every corpus file whose name ends with one of `exts` (lower-case, with dot), relative paths, sorted. */
export function corpusFiles(exts: readonly string[]): string[] {
  if (!hasCorpus) return [];
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (exts.some((e) => name.toLowerCase().endsWith(e))) out.push(full.slice(corpusRoot.length + 1));
    }
  };
  walk(corpusRoot);
  return out.sort();
}

/** AppLocker policies and their negatives (MANIFEST section a). */
export const policies = {
  /** NSA starter policy for Win10: all 5 collections AuditOnly, UTF-8 BOM, LOLBin denies with exceptions. */
  nsaStarter: 'nsacyber__AppLocker-Guidance/AppLocker Starter Policy/Windows10_AppLocker Starter Policy.xml',
  /** WDAC-Toolkit full Exe policy: publisher/path/hash rules, allow+deny, exceptions. */
  wdacExecutable: 'MicrosoftDocs__WDAC-Toolkit/AppLocker-Policy-Converter/app/test-policies/applocker policy - executable.xml',
  /** Bare <RuleCollection Type="Msi"> fragment (Intune CSP style). */
  wdacMsiFragment: 'MicrosoftDocs__WDAC-Toolkit/AppLocker-Policy-Converter/app/test-policies/applocker policy - windows installer rules.xml',
  /** Appx publisher rules, 2 deny 1 allow. */
  wdacAppx: 'MicrosoftDocs__WDAC-Toolkit/AppLocker-Policy-Converter/app/test-policies/applocker policy -packaged app rules.xml',
  /** Bare <RuleCollection Type="Script"> fragment: 1 path + 9 hash rules. */
  wdacScriptFragment: 'MicrosoftDocs__WDAC-Toolkit/AppLocker-Policy-Converter/app/test-policies/applocker policy -script rules.xml',
  /** NEGATIVE: a WDAC <SiPolicy>, not AppLocker. */
  wdacSiPolicy: 'MicrosoftDocs__WDAC-Toolkit/AppLocker-Policy-Converter/app/test-policies/WDACPolicy.xml',
  /** AaronLocker merge fragment, UTF-16LE BOM, Dll NotConfigured. */
  aaronChrome: 'microsoft__AaronLocker/AaronLocker/MergeRules-Static/Allow-GoogleChromeFlashPlayer.xml',
  /** AaronLocker merge fragment: Exe deny with LowSection="*" HighSection="4.25.0.0". */
  aaronOldBginfo: 'microsoft__AaronLocker/AaronLocker/MergeRules-Static/Deny-OldBginfo.xml',
  aaronOneDrive1607: 'microsoft__AaronLocker/AaronLocker/MergeRules-Static/OneDrive-InitialInstall-Win10v1607.xml',
  aaronOneDrive1803: 'microsoft__AaronLocker/AaronLocker/MergeRules-Static/OneDrive-InitialInstall-Win10v1803.xml',
  /** AaronLocker template with PLACEHOLDER_* tokens: must fail validation with placeholder diagnostics. */
  aaronTemplate: 'microsoft__AaronLocker/AaronLocker/Support/DefaultRulesWithPlaceholders.xml',
  /** NEGATIVE: not well-formed (free text before a WEF <QueryList>). */
  nsaWefQuery: 'nsacyber__AppLocker-Guidance/AppLocker Event Forwarding/AppLocker Event Forwarding Subscription Query Filter.xml',
  /** NEGATIVE: Event Viewer <ViewerConfig> custom views. */
  nsaMetaView: 'nsacyber__AppLocker-Guidance/Create AppLocker Meta Events/AppLocker Meta Events Custom View.xml',
  nsaCustomView: 'nsacyber__AppLocker-Guidance/Event Viewer AppLocker Custom View/AppLocker Event Viewer Custom View.xml',
} as const;
