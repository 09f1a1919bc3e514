/**
 * The PE reader's public facade: `parsePe(bytes)` → headers, sections, data directories, the version
 * resource and anomalies, as a Result with `fileinfo.pe.*` diagnostics. Pure over a Uint8Array. Used by
 * fileinfo/identify.ts (bytes → FileInformation), the Authenticode reader and the CLI. Spec: PE Format
 * (MS Learn); formats.md §B.1, §B.7; applocker.md §5.1.
 */
import { DEFAULT_LIMITS, TruncatedError, type ByteLimits } from '../../bytes/index.js';
import { fail, ok, type Diagnostic, type Result } from '../../diag/index.js';
import { readHeaders, type CoffHeader, type DataDirectory, type HeaderLayout, type OptionalHeader } from './headers.js';
import { readSectionTable, rvaToOffset, type SectionHeader } from './sections.js';
import { findVersionResource } from './resources.js';
import { parseVersionInfo, type VersionInfo } from './version-info.js';
import { certificateDirectory, findAnomalies } from './anomalies.js';
import { DIRECTORY, IMAGE_FILE_DLL, MACHINE_NAMES, SUBSYSTEM_NAMES } from './raw.js';
import { PE_CODES } from './errors.js';

export type { CoffHeader, DataDirectory, HeaderLayout, OptionalHeader } from './headers.js';
export type { SectionHeader } from './sections.js';
export type { VersionInfo, VersionTranslation } from './version-info.js';
export { rvaToOffset } from './sections.js';
export { parseVersionInfo } from './version-info.js';
export { PE_CODES } from './errors.js';
export { DIRECTORY } from './raw.js';

/** A parsed PE image: the facts AppLocker and the Authenticode hash need, plus anomalies. */
export interface PeImage {
  readonly format: 'PE32' | 'PE32+';
  /** IMAGE_FILE_HEADER.Machine, e.g. 0x8664. */
  readonly machine: number;
  /** `amd64`, `i386`, `arm64`… or `0x…` when unknown. */
  readonly machineName: string;
  /** IMAGE_FILE_DLL set in Characteristics. */
  readonly isDll: boolean;
  readonly subsystem: number;
  /** `windows-gui`, `windows-cui`, `native`… */
  readonly subsystemName: string;
  /** Has a CLR runtime header (DataDirectory[14]). */
  readonly isDotNet: boolean;
  readonly coff: CoffHeader;
  readonly optional: OptionalHeader;
  readonly dataDirectories: readonly DataDirectory[];
  readonly sections: readonly SectionHeader[];
  readonly layout: HeaderLayout;
  readonly fileSize: number;
  /** The attribute certificate table (file offset + size), when DataDirectory[4] is present and non-empty. */
  readonly certificateTable?: { readonly offset: number; readonly size: number };
  readonly versionInfo?: VersionInfo;
  /** Warnings/info about a file that still parses. */
  readonly anomalies: readonly Diagnostic[];
}

export interface ParsePeOptions {
  /** Name used in diagnostic locations. */
  readonly file?: string;
  readonly limits?: Partial<ByteLimits>;
}

/**
 * Parses a PE32/PE32+ image. Non-PE input (no MZ, MZ-only DOS, NE) fails with `fileinfo.pe.not-pe`;
 * structural damage fails with a coded, located error; everything else is an anomaly on the result.
 *
 * @example
 * const r = parsePe(bytes, { file: 'putty.exe' });
 * if (r.ok) console.log(r.value.versionInfo?.fileVersion); // '0.73.0.0'
 */
export function parsePe(bytes: Uint8Array, opts: ParsePeOptions = {}): Result<PeImage> {
  const file = opts.file;
  const limits: ByteLimits = { ...DEFAULT_LIMITS, ...opts.limits };
  try {
    const h = readHeaders(bytes, file);
    if ('error' in h) return fail([h.error]);
    const { headers } = h;
    const table = readSectionTable(bytes, headers.layout.sectionTableOffset, headers.coff.numberOfSections, file);
    if (table.error) return fail([table.error]);
    const sections = table.sections;
    const anomalies: Diagnostic[] = [...h.anomalies, ...findAnomalies(bytes, headers, sections, file)];

    let versionInfo: VersionInfo | undefined;
    const rsrc = headers.dataDirectories[DIRECTORY.Resource];
    if (rsrc && rsrc.virtualAddress !== 0 && rsrc.size !== 0) {
      const res = findVersionResource(bytes, sections, headers.optional.sizeOfHeaders, rsrc.virtualAddress,
        { ...(file !== undefined ? { file } : {}), maxEntries: Math.min(limits.maxItems, 100_000), maxDataBytes: Math.min(limits.maxFieldBytes, 1 << 20) }, anomalies);
      if (res) {
        versionInfo = parseVersionInfo(res.data, { ...(file !== undefined ? { file } : {}), baseOffset: res.dataOffset, maxNodes: Math.min(limits.maxItems, 10_000) }, anomalies);
      }
    }
    const cert = certificateDirectory(headers.dataDirectories);
    const clr = headers.dataDirectories[DIRECTORY.ClrRuntimeHeader];
    const image: PeImage = {
      format: headers.format,
      machine: headers.coff.machine,
      machineName: MACHINE_NAMES[headers.coff.machine] ?? `0x${headers.coff.machine.toString(16).padStart(4, '0')}`,
      isDll: (headers.coff.characteristics & IMAGE_FILE_DLL) !== 0,
      subsystem: headers.optional.subsystem,
      subsystemName: SUBSYSTEM_NAMES[headers.optional.subsystem] ?? `subsystem-${headers.optional.subsystem}`,
      isDotNet: clr !== undefined && clr.virtualAddress !== 0 && clr.size !== 0,
      coff: headers.coff,
      optional: headers.optional,
      dataDirectories: headers.dataDirectories,
      sections,
      layout: headers.layout,
      fileSize: bytes.length,
      ...(cert ? { certificateTable: { offset: cert.virtualAddress, size: cert.size } } : {}),
      ...(versionInfo ? { versionInfo } : {}),
      anomalies,
    };
    return ok(image, anomalies);
  } catch (e) {
    if (!(e instanceof TruncatedError)) throw e;
    return fail([{
      code: PE_CODES.truncated,
      severity: 'error',
      message: `file ends while reading \`${e.field}\` at offset ${e.offset}`,
      location: { kind: 'bytes', offset: e.offset, field: e.field, ...(file !== undefined ? { file } : {}) },
      notes: [e.diagnostic],
    }]);
  }
}

/** Maps an RVA to a file offset in `pe` (undefined when unmapped). */
export function peRvaToOffset(pe: PeImage, rva: number): number | undefined {
  return rvaToOffset(pe.sections, pe.optional.sizeOfHeaders, rva);
}
