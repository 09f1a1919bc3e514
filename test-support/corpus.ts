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

/** MSI, MSIX and script samples for file identification (MANIFEST section c; helper h5b). */
export const fileIdentity = {
  /** Unsigned minimal MSI: Property table with code page 0, ProductVersion `1.0.0`. */
  msiUnsigned: 'ebourg__jsign/jsign-core/src/test/resources/minimal.msi',
  /** The same MSI signed with signtool (SHA-1, MsiDigitalSignatureEx pre-hash, jsign test certificate). */
  msiSigned: 'ebourg__jsign/jsign-core/src/test/resources/minimal-signed-with-signtool.msi',
  /** Unsigned minimal MSIX: manifest identity only. */
  msixUnsigned: 'ebourg__jsign/jsign-core/src/test/resources/minimal.msix',
  /** The same MSIX signed with signtool (AppxSignature.p7x, jsign 2022 RSA test certificate). */
  msixSigned: 'ebourg__jsign/jsign-core/src/test/resources/minimal-signed-by-signtool.msix',
  /** Unsigned one-line PowerShell script (Script collection, flat SHA-256). */
  ps1: 'ebourg__jsign/jsign-core/src/test/resources/hello-world.ps1',
  /** Small unsigned PE32 GUI exe (Exe collection; a scan-tree and bench seed). */
  wineyes: 'ebourg__jsign/jsign-core/src/test/resources/wineyes.exe',
  /** MZ-only DOS executable: `.exe` by extension, no PE header (identify must not crash). */
  moreExe: 'ebourg__jsign/jsign-core/src/test/resources/MORE.EXE',
} as const;

/** Event exports read by src/events/readers (MANIFEST sections b1, b2). */
export const eventExports = {
  /** Real 8002 Event XML (EvtxECmd map): unbraced lower-case RuleId, dashed FileHash, time without T/Z, masked SIDs. */
  xml8002: 'EricZimmerman__evtx/_derived_examples/Microsoft-Windows-AppLocker-EXE-and-DLL_Microsoft-Windows-AppLocker_8002.example-event.xml',
  /** Real 8005 Event XML (SCRIPT allowed) with FullFilePath and `-` Fqbn. */
  xml8005: 'EricZimmerman__evtx/_derived_examples/Microsoft-Windows-AppLocker-MSI-and-Script_Microsoft-Windows-AppLocker_8005.example-event.xml',
  /** Real 8020 Event XML (packaged app): NOT well-formed (raw `&&` in RuleSddl), dirty input to recover. */
  xml8020Dirty: 'EricZimmerman__evtx/_derived_examples/Microsoft-Windows-AppLocker-PackagedApp-Execution_Microsoft-Windows-AppLocker_8020.example-event.xml',
  /** Winlogbeat JSON, 8003 EXE audit, TargetLogonId as a decimal integer, "Info\u0000" artefact. */
  ecs8003: 'elastic__integrations/packages/windows/data_stream/applocker_exe_and_dll/_dev/test/pipeline/test-events-applocker-exe-8003.json',
  /** Winlogbeat JSON, 8006 SCRIPT audit, NUL artefacts in level/opcode/message, CRLF. */
  ecs8006: 'elastic__integrations/packages/windows/data_stream/applocker_msi_and_script/_dev/test/pipeline/test-events-applocker-msi-and-script-8006.json',
  /** Winlogbeat JSON, 8020 packaged app allowed, numbers as strings. */
  ecs8020: 'elastic__integrations/packages/windows/data_stream/applocker_packaged_app_execution/_dev/test/pipeline/test-events-microsoft-windows-applocker-packaged-app-execution.json',
  /** Winlogbeat JSON, 8023 packaged app install allowed, `\u0026` escapes in RuleSddl. */
  ecs8023: 'elastic__integrations/packages/windows/data_stream/applocker_packaged_app_deployment/_dev/test/pipeline/test-events-microsoft-windows-applocker-packaged-app-deployment.json',
  /** Windows-rendered `<Events>` export of Application.evtx (366 events, UTF-8 BOM, one line, RenderingInfo). */
  windowsApplicationXml: 'NickSmet__ts-evtx/test/fixtures/Application.xml',
  /** Windows-rendered export of System.evtx (1247 events). */
  windowsSystemXml: 'NickSmet__ts-evtx/test/fixtures/System.xml',
  /** EventID 8025 from Microsoft-Windows-HelloForBusiness: must NOT be taken as AppLocker. */
  helloForBusinessEvtx: 'omerbenamram__evtx/samples/Microsoft-Windows-HelloForBusiness%4Operational.evtx',
  /** Legacy XP .evt: detect as evt-legacy, reject cleanly. */
  legacyEvt: 'log2timeline__plaso/test_data/SysEvent.Evt',
  /** The only real .evtx naming the AppLocker channels (in 104 LogFileCleared UserData), no 8000–8029 events. */
  clearedLogEvtx: 'mdecrevoisier__EVTX-to-MITRE-Attack/TA0005-Defense Evasion/T1070.001-Clear Windows event logs/ID104-1102-Event log cleared.evtx',
} as const;

/** EVTX logs for the native EVTX reader (MANIFEST section b2); src/events/evtx tests reach them through here. */
export const evtxSamples = {
  /** Clean Windows 11 Application log; Application.xml beside it is Windows' own rendering (the oracle). */
  winApplication: 'NickSmet__ts-evtx/test/fixtures/Application.evtx',
  winApplicationXml: 'NickSmet__ts-evtx/test/fixtures/Application.xml',
  /** Clean Windows 11 System log with Windows' own XML export beside it. */
  winSystem: 'NickSmet__ts-evtx/test/fixtures/System.evtx',
  winSystemXml: 'NickSmet__ts-evtx/test/fixtures/System.xml',
  /** The only real .evtx naming the AppLocker channels (EventID 104 log cleared, UserData). */
  clearedLogWithAppLockerChannels: 'mdecrevoisier__EVTX-to-MITRE-Attack/TA0005-Defense Evasion/T1070.001-Clear Windows event logs/ID104-1102-Event log cleared.evtx',
  /** Truncated at 200,000 bytes: the last chunk is partial. */
  truncatedSystem2: 'log2timeline__plaso/test_data/evtx/System2.evtx',
  /** Recovered from a VSS snapshot: dirty, broken record chain, many records in slack. */
  vssRecovered: 'omerbenamram__evtx/samples/2-vss_0-Microsoft-Windows-TerminalServices-RemoteConnectionManager%4Operational.evtx',
  /** Zeroed CRC32 fields (file flag 0x4). */
  noCrc32: 'omerbenamram__evtx/samples/Application_no_crc32.evtx',
  /** CAPI2 log with entity references inside attributes (evtxexport aborts at record 24). */
  capi2EntityRefs: 'omerbenamram__evtx/samples/E_Windows_system32_winevt_logs_Microsoft-Windows-CAPI2%4Operational.evtx',
  /** Forwarded (WEC) record with elements directly in the record, no template. */
  wecNoTemplate: 'omerbenamram__evtx/samples/MSExchange_Management_wec.evtx',
  /** Dirty 5-record log whose 6th record is half written; has a non-AppLocker EventID 8025. */
  helloForBusiness: 'omerbenamram__evtx/samples/Microsoft-Windows-HelloForBusiness%4Operational.evtx',
  /** Security log using the SizeT value type. */
  sizeT: 'omerbenamram__evtx/samples/Security_with_size_t.evtx',
  /** GroupPolicy log with Bool values other than 0/1. */
  irregularBool: 'omerbenamram__evtx/samples/sample-with-irregular-bool-values.evtx',
  /** System log with a record whose size field is 0. */
  zeroDataSize: 'omerbenamram__evtx/samples/sample-with-zero-data-size-event.evtx',
  /** Chunks with a damaged `ElfChnk` signature. */
  badChunkMagic: 'omerbenamram__evtx/samples/sample_with_a_bad_chunk_magic.evtx',
  /** Application log, 351 MsiInstaller events. */
  rogueMsi: 'sbousseaden__EVTX-ATTACK-SAMPLES/Execution/rogue_msi_url_1040_1042.evtx',
  /** Small Sysmon log. */
  sysmonMsi: 'sbousseaden__EVTX-ATTACK-SAMPLES/Execution/Exec_sysmon_meterpreter_reversetcp_msipackage.evtx',
  /** DNS Server analytical log that python-evtx fails to decode. */
  dnsMalformed: 'williballenthin__python-evtx/tests/data/dns_log_malformed.evtx',
  /** One-record Security log whose slack holds older records. */
  issue38: 'williballenthin__python-evtx/tests/data/issue_38.evtx',
  /** NEGATIVE: legacy XP `.evt` file, must be rejected with events.evtx.legacy-evt. */
  legacyEvt: 'log2timeline__plaso/test_data/SysEvent.Evt',
} as const;

/** PE images and signed scripts for the PE / Authenticode / script readers (MANIFEST section c). */
export const authenticodeSamples = {
  /** MZ-only DOS program, no PE header: must be `fileinfo.pe.not-pe`. */
  dosMore: 'ebourg__jsign/jsign-core/src/test/resources/MORE.EXE',
  /** 16-bit NE file named .dll: must be `fileinfo.pe.not-pe`. */
  neSetupDll: 'saferwall__pe/test/_setup.dll',
  /** Unsigned PE32 GUI exe. */
  wineyes: 'ebourg__jsign/jsign-core/src/test/resources/wineyes.exe',
  /** CurveBall (CVE-2020-0601) spoofed ECC signature: must NOT yield a publisher. */
  sevenZipCurveBall: 'ralphje__signify/tests/test_data/7z1900-x64_signed.exe',
  /** Apple, old MD5 Authenticode signature (webcrypto has no MD5). */
  appleSoftwareUpdate: 'ralphje__signify/tests/test_data/SoftwareUpdate.exe',
  /** Self-issued SPC with CN only: PublisherName falls back to the X.500 subject. */
  kdbazis: 'ralphje__signify/tests/test_data/kdbazis.dll',
  /** Microsoft Windows driver, SHA-1 signature. */
  pciide: 'ralphje__signify/tests/test_data/pciide.sys',
  /** Sysinternals whois, Microsoft Corporation, SHA-256 + RFC 3161 timestamp. */
  whois: 'ralphje__signify/tests/test_data/whois.exe',
  /** Defender ELAM driver. */
  wdBoot: 'saferwall__pe/test/WdBoot.sys',
  /** AMD storage driver signed by Microsoft Windows; string table 000004B0. */
  amdxata: 'saferwall__pe/test/amdxata.sys',
  /** 1 KiB crafted PE32 (headers and section overlap). */
  impbyord: 'saferwall__pe/test/impbyord.exe',
  /** kernel32.dll x64: FileVersion string differs from the fixed version. */
  kernel32: 'saferwall__pe/test/kernel32.dll',
  /** Express Vpn LLC signer with postalCode/street in the subject. */
  liblzo2: 'saferwall__pe/test/liblzo2-2.dll',
  /** .NET assembly (CLR header). */
  mscorlib: 'saferwall__pe/test/mscorlib.dll',
  /** PuTTY: SHA-1 primary + nested SHA-256, string table 080904B0. */
  putty: 'saferwall__pe/test/putty.exe',
  /** Unsigned on disk, catalog-signed on Windows. */
  shimeng: 'saferwall__pe/test/shimeng.dll',
  /** Primary SHA-1 + nested SHA-256 signatures, PE32. */
  pegoatNested32: 'trailofbits__uthenticode/test/assets/32/pegoat-authenticode-nested.exe',
  pegoatSigned32: 'trailofbits__uthenticode/test/assets/32/pegoat-authenticode.exe',
  /** Duplicated WIN_CERTIFICATE: osslsigncode says "Corrupted attribute certificate table". */
  pegoatDuplicated32: 'trailofbits__uthenticode/test/assets/32/pegoat-authenticode_duplicated.exe',
  pegoatUnsigned32: 'trailofbits__uthenticode/test/assets/32/pegoat.exe',
  pegoatNested64: 'trailofbits__uthenticode/test/assets/64/pegoat-authenticode-nested.exe',
  pegoatSigned64: 'trailofbits__uthenticode/test/assets/64/pegoat-authenticode.exe',
  /** Unsigned security catalog listing wineyes.exe by its Authenticode SHA-256 (§B.8). */
  wineyesCat: 'ebourg__jsign/jsign-core/src/test/resources/cat/wineyes.cat',
  /** signify's expected md5/sha1/sha256 and Authenticode hashes for its test files. */
  signifyFingerprints: 'ralphje__signify/tests/fingerprint_results.json',
  /** Unsigned one-line scripts (flat SHA-256 only). */
  helloPs1: 'ebourg__jsign/jsign-core/src/test/resources/hello-world.ps1',
  helloJs: 'ebourg__jsign/jsign-core/src/test/resources/hello-world.js',
  helloVbs: 'ebourg__jsign/jsign-core/src/test/resources/hello-world.vbs',
  helloWsf: 'ebourg__jsign/jsign-core/src/test/resources/hello-world.wsf',
} as const;

/** Inputs of the evidence-store ingest test (src/store/ingest.test.ts): every real AppLocker event in the corpus. */
export const ingestCorpus = {
  /** Event XML 8002 (EXE allowed by a default rule), time without T/Z: one AppLocker event. */
  xml8002: 'EricZimmerman__evtx/_derived_examples/Microsoft-Windows-AppLocker-EXE-and-DLL_Microsoft-Windows-AppLocker_8002.example-event.xml',
  /** Event XML 8005 (SCRIPT allowed): one AppLocker event. */
  xml8005: 'EricZimmerman__evtx/_derived_examples/Microsoft-Windows-AppLocker-MSI-and-Script_Microsoft-Windows-AppLocker_8005.example-event.xml',
  /** Event XML 8020 (packaged app), not well-formed (raw `&&`): recovered with a warning, one event. */
  xml8020Dirty: 'EricZimmerman__evtx/_derived_examples/Microsoft-Windows-AppLocker-PackagedApp-Execution_Microsoft-Windows-AppLocker_8020.example-event.xml',
  /** ECS JSON 8003 (EXE audit, would be blocked): one event with a record id. */
  ecs8003: 'elastic__integrations/packages/windows/data_stream/applocker_exe_and_dll/_dev/test/pipeline/test-events-applocker-exe-8003.json',
  /** ECS JSON 8006 (SCRIPT audit). */
  ecs8006: 'elastic__integrations/packages/windows/data_stream/applocker_msi_and_script/_dev/test/pipeline/test-events-applocker-msi-and-script-8006.json',
  /** ECS JSON 8020 (packaged app allowed to run). */
  ecs8020: 'elastic__integrations/packages/windows/data_stream/applocker_packaged_app_execution/_dev/test/pipeline/test-events-microsoft-windows-applocker-packaged-app-execution.json',
  /** ECS JSON 8023 (packaged app allowed to install). */
  ecs8023: 'elastic__integrations/packages/windows/data_stream/applocker_packaged_app_deployment/_dev/test/pipeline/test-events-microsoft-windows-applocker-packaged-app-deployment.json',
  /** NEGATIVE: EVTX naming the AppLocker channels only inside 104 "log cleared" events: 0 AppLocker events. */
  clearedLogEvtx: 'mdecrevoisier__EVTX-to-MITRE-Attack/TA0005-Defense Evasion/T1070.001-Clear Windows event logs/ID104-1102-Event log cleared.evtx',
  /** NEGATIVE: EventID 8025 from another provider: must not be stored as AppLocker. */
  helloForBusinessEvtx: 'omerbenamram__evtx/samples/Microsoft-Windows-HelloForBusiness%4Operational.evtx',
} as const;

/** Real AppLocker events whose rule and decision the engine must reproduce (src/engine/rule-sddl.events.test.ts). */
export const engineEvents = {
  /** 8002 EXE allowed by a path `*` rule for Everyone; Fqbn and dashed FileHash; no FullFilePath. */
  ericExe8002: 'EricZimmerman__evtx/_derived_examples/Microsoft-Windows-AppLocker-EXE-and-DLL_Microsoft-Windows-AppLocker_8002.example-event.xml',
  /** 8005 SCRIPT allowed by the default admin rule ed97d0cb (SID S-1-5-32-544): the user was an admin. */
  ericScript8005: 'EricZimmerman__evtx/_derived_examples/Microsoft-Windows-AppLocker-MSI-and-Script_Microsoft-Windows-AppLocker_8005.example-event.xml',
  /** 8020 APPX allowed by the default packaged-app rule; not well-formed XML (raw && in RuleSddl). */
  ericAppx8020: 'EricZimmerman__evtx/_derived_examples/Microsoft-Windows-AppLocker-PackagedApp-Execution_Microsoft-Windows-AppLocker_8020.example-event.xml',
  /** 8003 EXE audit would-block, implicit deny (null RuleId, RuleSddl `-`), git.exe in a profile. */
  elasticExe8003: 'elastic__integrations/packages/windows/data_stream/applocker_exe_and_dll/_dev/test/pipeline/test-events-applocker-exe-8003.json',
  /** 8006 SCRIPT audit would-block, implicit deny; Fqbn with empty product and binary. */
  elasticScript8006: 'elastic__integrations/packages/windows/data_stream/applocker_msi_and_script/_dev/test/pipeline/test-events-applocker-msi-and-script-8006.json',
  /** 8020 APPX allowed by the default rule a9e18c21 (MICROSOFT.TODOS). */
  elasticAppx8020: 'elastic__integrations/packages/windows/data_stream/applocker_packaged_app_execution/_dev/test/pipeline/test-events-microsoft-windows-applocker-packaged-app-execution.json',
  /** 8023 APPX install allowed by the default rule a9e18c21 (Microsoft.BingNews), Deployment channel. */
  elasticAppx8023: 'elastic__integrations/packages/windows/data_stream/applocker_packaged_app_deployment/_dev/test/pipeline/test-events-microsoft-windows-applocker-packaged-app-deployment.json',
} as const;
