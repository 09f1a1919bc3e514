/**
 * The fuzz targets (issue 12 item 5): every parser of untrusted bytes, each with its seeds — files of the
 * shared corpus by extension (real public samples) plus seeds generated here — and a `run` that feeds one
 * input through the parser's public entry point and checks the contract: a typed result (a value, or coded
 * diagnostics with a location), never a throw. A contract violation throws, and the harness saves the input
 * as a reproducer.
 */
import { zipSync } from 'fflate';
import type { Diagnostic } from '../diag/index.js';
import { buildChunk, buildEvtx, sampleRecords } from '../events/evtx/synthetic.testkit.js';
import { formatEvents, readEvents, type EventFormat, type EventReadResult } from '../events/index.js';
import { parsePe, readAppx, readMsi, readScriptSignature, readSignedData, authenticodeDigest, readAuthenticode } from '../fileinfo/index.js';
import { defaultPolicy } from '../policy/defaults.js';
import { parsePolicy } from '../policy/xml/index.js';
import { serializePolicy } from '../policy/xml/serialize.js';
import { fleetInventory, fleetWorkspace, inventoryCsv, parseInventory, parseWorkspace, simulateFleet, workspaceYaml } from '../rollout/index.js';
import { syntheticEvents } from '../store/synthetic-events.js';

export interface FuzzTarget {
  readonly name: string;
  readonly title: string;
  /** Binary inputs get byte mutations; text inputs token mutations (and some byte ones). */
  readonly kind: 'binary' | 'text';
  /** Corpus files used as seeds, by lower-case extension; `pick` keeps only those this parser reads. */
  readonly corpusExts: readonly string[];
  readonly pick?: (bytes: Uint8Array) => Uint8Array | undefined;
  readonly seeds: () => Uint8Array[];
  /** Runs one input; resolves with 'ok' or 'error' (refused with diagnostics); throws on a contract violation. */
  readonly run: (bytes: Uint8Array) => Promise<'ok' | 'error'>;
}

const enc = new TextEncoder();
const CODE = /^[a-z0-9]+(\.[a-z0-9-]+)+$/;

/** A contract violation: the input is saved as a reproducer. */
export class ContractViolation extends Error {
  override readonly name = 'ContractViolation';
}

function checkDiagnostic(d: Diagnostic, where: string): void {
  if (!CODE.test(d.code)) throw new ContractViolation(`${where}: diagnostic code \`${d.code}\` is not dotted`);
  if (typeof d.message !== 'string' || d.message.length === 0) throw new ContractViolation(`${where}: diagnostic \`${d.code}\` has no message`);
  if (/\n\s+at .+:\d+:\d+/.test(d.message)) throw new ContractViolation(`${where}: diagnostic \`${d.code}\` carries a stack trace`);
}

function checkResult(r: { ok: boolean; diagnostics: readonly Diagnostic[] }, where: string): 'ok' | 'error' {
  for (const d of r.diagnostics) checkDiagnostic(d, where);
  if (!r.ok && r.diagnostics.length === 0) throw new ContractViolation(`${where}: failed without a diagnostic`);
  return r.ok ? 'ok' : 'error';
}

function readerTarget(name: string, format: EventFormat, title: string, corpusExts: readonly string[], seeds: () => Uint8Array[], kind: 'text' | 'binary' = 'text'): FuzzTarget {
  return {
    name, title, kind, corpusExts, seeds,
    run: async (bytes) => {
      let errors = 0;
      for (const r of readEvents({ name: `fuzz.${name}`, bytes }, { format }) as Iterable<EventReadResult>) {
        if (r.kind === 'event') {
          if (!Number.isInteger(r.raw.eventId)) throw new ContractViolation(`${name}: event without an integer id`);
        } else {
          checkDiagnostic(r.diagnostic, name);
          if (!r.diagnostic.location) throw new ContractViolation(`${name}: diagnostic \`${r.diagnostic.code}\` has no location`);
          if (r.kind === 'error') errors++;
        }
      }
      return errors ? 'error' : 'ok';
    },
  };
}

const events = (fmt: 'ecs-json' | 'nxlog-json' | 'wazuh-json' | 'csv' | 'event-xml') => (): Uint8Array[] =>
  [5, 40].map((n, i) => enc.encode(formatEvents(syntheticEvents(n, { seed: 3 + i, computers: 5, users: 5, files: 9, days: 2, startDay: '2026-11-01' }), fmt)));

/** The bCertificate blobs (PKCS#7 SignedData) of a PE: seeds for the Authenticode target. */
function peSignatures(bytes: Uint8Array): Uint8Array | undefined {
  const pe = parsePe(bytes);
  if (!pe.ok) return undefined;
  const dir = pe.value.dataDirectories[4];
  if (!dir || dir.size < 16 || dir.virtualAddress + dir.size > bytes.length) return undefined;
  const len = new DataView(bytes.buffer, bytes.byteOffset).getUint32(dir.virtualAddress, true);
  if (len < 8 || dir.virtualAddress + len > bytes.length) return undefined;
  return bytes.slice(dir.virtualAddress + 8, dir.virtualAddress + len);
}

const manifest = (name: string, publisher: string): string =>
  `<?xml version="1.0" encoding="utf-8"?>\r\n<Package xmlns="http://schemas.microsoft.com/appx/manifest/foundation/windows10"><Identity Name="${name}" Publisher="${publisher}" Version="1.2.3.4" ProcessorArchitecture="x64"/><Properties><DisplayName>${name}</DisplayName></Properties></Package>`;

export const targets: readonly FuzzTarget[] = [
  {
    name: 'policy-xml', title: 'AppLocker policy XML (parsePolicy)', kind: 'text', corpusExts: ['.xml'],
    pick: (b) => (/AppLockerPolicy|RuleCollection/.test(new TextDecoder('utf-16le').decode(b.subarray(0, 4096)) + new TextDecoder().decode(b.subarray(0, 4096))) ? b : undefined),
    seeds: () => [enc.encode(serializePolicy(defaultPolicy())), enc.encode(serializePolicy(defaultPolicy(['Exe'], 'Enabled')))],
    run: async (b) => checkResult(parsePolicy(b, { file: 'fuzz.xml' }), 'policy-xml'),
  },
  {
    name: 'workspace-yaml', title: 'workspace lockstep.yaml and machines.csv (parseWorkspace, parseInventory)', kind: 'text', corpusExts: [],
    seeds: () => {
      const fleet = simulateFleet({ seed: 7, machines: 12 });
      return [enc.encode(workspaceYaml(fleetWorkspace(fleet))), enc.encode(inventoryCsv(fleetInventory(fleet)))];
    },
    run: async (b) => {
      const text = new TextDecoder().decode(b);
      const a = checkResult(parseWorkspace(text, { file: 'lockstep.yaml' }), 'workspace-yaml');
      const c = checkResult(parseInventory(text, { file: 'machines.csv' }), 'workspace-yaml inventory');
      return a === 'ok' || c === 'ok' ? 'ok' : 'error';
    },
  },
  readerTarget('event-xml', 'event-xml', 'Event XML (wevtutil, Event Viewer)', ['.xml'], events('event-xml')),
  readerTarget('evtx', 'evtx', 'EVTX (native parser)', ['.evtx'], () => [buildEvtx([buildChunk(sampleRecords(12))]), buildEvtx([buildChunk(sampleRecords(3)), buildChunk(sampleRecords(5, 4))])], 'binary'),
  readerTarget('ecs-json', 'ecs-json', 'Winlogbeat/ECS JSON', ['.json'], events('ecs-json')),
  readerTarget('nxlog-json', 'nxlog-json', 'NXLog JSON', [], events('nxlog-json')),
  readerTarget('wazuh-json', 'wazuh-json', 'Wazuh JSON', [], events('wazuh-json')),
  readerTarget('csv', 'csv', 'Get-WinEvent CSV', ['.csv'], events('csv')),
  {
    name: 'pe', title: 'PE headers, resources, Authenticode digest and signature (parsePe, authenticodeDigest, readAuthenticode)', kind: 'binary',
    corpusExts: ['.exe', '.dll', '.sys', '.efi'],
    seeds: () => [],
    run: async (b) => {
      const r = parsePe(b, { file: 'fuzz.exe' });
      if (checkResult(r, 'pe') === 'error' || !r.ok) return 'error';
      if (!/^[0-9A-F]{64}$/.test(authenticodeDigest(b, r.value))) throw new ContractViolation('pe: digest is not 64 hex digits');
      const info = await readAuthenticode(b, r.value);
      for (const d of info.reasons as readonly unknown[]) if (typeof d === 'object' && d) checkDiagnostic(d as Diagnostic, 'pe authenticode');
      return 'ok';
    },
  },
  {
    name: 'pkcs7', title: 'Authenticode PKCS#7 SignedData (readSignedData)', kind: 'binary', corpusExts: ['.exe', '.dll', '.sys', '.efi'],
    pick: peSignatures,
    seeds: () => [],
    run: async (b) => {
      const diags: Diagnostic[] = [];
      const sigs = await readSignedData(b, { expectedDigest: () => undefined, file: 'fuzz.p7' }, diags);
      for (const d of diags) checkDiagnostic(d, 'pkcs7');
      return sigs.length ? 'ok' : 'error';
    },
  },
  {
    name: 'msi', title: 'MSI compound file, summary and signature (readMsi)', kind: 'binary', corpusExts: ['.msi'],
    seeds: () => [],
    run: async (b) => checkResult(await readMsi(b, { file: 'fuzz.msi' }), 'msi'),
  },
  {
    name: 'msix', title: 'MSIX/AppX package: ZIP, manifest, signature (readAppx)', kind: 'binary', corpusExts: ['.msix', '.appx'],
    seeds: () => [
      zipSync({ 'AppxManifest.xml': enc.encode(manifest('Contoso.App', 'CN=Contoso, O=Contoso, C=US')) }),
      zipSync({ 'AppxManifest.xml': enc.encode(manifest('A', 'CN=A')), 'AppxBlockMap.xml': enc.encode('<BlockMap/>'), 'AppxSignature.p7x': new Uint8Array([0x50, 0x4b, 0x43, 0x58, 0x30, 0x03, 0x00, 0x00]) }),
    ],
    run: async (b) => checkResult(await readAppx(b, { file: 'fuzz.msix' }), 'msix'),
  },
  {
    name: 'scripts', title: 'signed scripts: PowerShell, VBScript, JScript, WSF signature blocks (readScriptSignature)', kind: 'text',
    corpusExts: ['.ps1', '.psm1', '.vbs', '.js', '.wsf'],
    seeds: () => [
      enc.encode('Write-Output "hello"\r\n\r\n# SIG # Begin signature block\r\n# MIIFgAYJKoZIhvcNAQcCoIIFcTCCBW0CAQExDzANBglghkgBZQMEAgEFADB5Bgor\r\n# SIG # End signature block\r\n'),
      enc.encode('WScript.Echo "x"\r\n\'\' SIG \'\' Begin signature block\r\n\'\' SIG \'\' MIIB\r\n\'\' SIG \'\' End signature block\r\n'),
    ],
    run: async (b) => {
      for (const ext of ['.ps1', '.vbs', '.js', '.wsf']) {
        const s = await readScriptSignature(b, ext, { file: `fuzz${ext}` });
        for (const d of (s as { reasons?: readonly unknown[] }).reasons ?? []) if (typeof d === 'object' && d) checkDiagnostic(d as Diagnostic, 'scripts');
      }
      return 'ok';
    },
  },
];

export function targetByName(name: string): FuzzTarget | undefined {
  return targets.find((t) => t.name === name);
}
