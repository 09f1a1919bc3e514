/**
 * PE headers: IMAGE_DOS_HEADER → `PE\0\0` → IMAGE_FILE_HEADER (COFF) → optional header (PE32 or PE32+) →
 * data directories. Every read goes through the bounded ByteCursor with the PECOFF field name. Used by
 * pe/index.ts (parsePe) only. Spec: PE Format (MS Learn) "MS-DOS Stub", "COFF File Header", "Optional Header",
 * "Optional Header Data Directories"; formats.md §B.1.
 */
import { ByteCursor, peekU32le } from '../../bytes/index.js';
import type { Diagnostic } from '../../diag/index.js';
import {
  COFF_HEADER_SIZE,
  E_LFANEW_OFFSET,
  IMAGE_DOS_SIGNATURE,
  IMAGE_NT_SIGNATURE,
  MAX_DATA_DIRECTORIES,
  MIN_OPTIONAL_HEADER_SIZE,
  OPTIONAL_HEADER_OFFSETS,
  OPT_CHECKSUM,
  OPT_DLL_CHARACTERISTICS,
  OPT_SIZE_OF_HEADERS,
  OPT_SUBSYSTEM,
  PE32_MAGIC,
  PE32_PLUS_MAGIC,
  DIRECTORY,
} from './raw.js';
import { PE_CODES, peDiag } from './errors.js';

/** IMAGE_FILE_HEADER. */
export interface CoffHeader {
  readonly machine: number;
  readonly numberOfSections: number;
  readonly timeDateStamp: number;
  readonly pointerToSymbolTable: number;
  readonly numberOfSymbols: number;
  readonly sizeOfOptionalHeader: number;
  readonly characteristics: number;
}

/** The optional-header fields Lockstep uses (PE32 and PE32+ normalised; 64-bit values as bigint). */
export interface OptionalHeader {
  readonly magic: number;
  readonly majorLinkerVersion: number;
  readonly minorLinkerVersion: number;
  readonly sizeOfCode: number;
  readonly addressOfEntryPoint: number;
  readonly imageBase: bigint;
  readonly sectionAlignment: number;
  readonly fileAlignment: number;
  readonly majorOperatingSystemVersion: number;
  readonly minorOperatingSystemVersion: number;
  readonly majorImageVersion: number;
  readonly minorImageVersion: number;
  readonly majorSubsystemVersion: number;
  readonly minorSubsystemVersion: number;
  readonly sizeOfImage: number;
  readonly sizeOfHeaders: number;
  readonly checkSum: number;
  readonly subsystem: number;
  readonly dllCharacteristics: number;
  readonly numberOfRvaAndSizes: number;
}

/** IMAGE_DATA_DIRECTORY; for the Certificate directory `virtualAddress` is a file offset (PECOFF). */
export interface DataDirectory {
  readonly index: number;
  readonly virtualAddress: number;
  readonly size: number;
}

/** Where the fields that the Authenticode hash skips sit in the file (formats.md §B.2). */
export interface HeaderLayout {
  readonly eLfanew: number;
  readonly coffOffset: number;
  readonly optionalHeaderOffset: number;
  readonly sectionTableOffset: number;
  readonly checkSumOffset: number;
  /** Offset of DataDirectory[4] (8 bytes), when that entry exists inside the optional header. */
  readonly certificateEntryOffset?: number;
}

export interface PeHeaders {
  readonly format: 'PE32' | 'PE32+';
  readonly coff: CoffHeader;
  readonly optional: OptionalHeader;
  /** Only the directories that exist: index < NumberOfRvaAndSizes and inside SizeOfOptionalHeader (§B.1). */
  readonly dataDirectories: readonly DataDirectory[];
  readonly layout: HeaderLayout;
}

/** Either headers, or the fatal diagnostic that says why the bytes are not a PE image. */
export type HeadersOutcome = { readonly headers: PeHeaders; readonly anomalies: Diagnostic[] } | { readonly error: Diagnostic };

/**
 * Reads the DOS, COFF and optional headers. Truncation inside them throws TruncatedError (caught by
 * parsePe); a wrong magic returns a coded error.
 */
export function readHeaders(bytes: Uint8Array, file?: string): HeadersOutcome {
  const cur = new ByteCursor(bytes, 0, bytes.length, file);
  const anomalies: Diagnostic[] = [];
  if (bytes.length < 2 || (bytes[0]! | (bytes[1]! << 8)) !== IMAGE_DOS_SIGNATURE) {
    return { error: peDiag(PE_CODES.notPe, 'error', 'no `MZ` signature: not a Windows executable', 0, 'IMAGE_DOS_HEADER.e_magic', file) };
  }
  if (bytes.length < E_LFANEW_OFFSET + 4) {
    return { error: peDiag(PE_CODES.notPe, 'error', 'MZ file too short to hold `e_lfanew`: DOS program, not PE', E_LFANEW_OFFSET, 'IMAGE_DOS_HEADER.e_lfanew', file) };
  }
  cur.seek(E_LFANEW_OFFSET, 'IMAGE_DOS_HEADER.e_lfanew');
  const eLfanew = cur.u32le('IMAGE_DOS_HEADER.e_lfanew');
  // MZ-only DOS programs and NE/LE files (MORE.EXE, _setup.dll in the corpus) have no PE signature there (§B.1).
  if (peekU32le(bytes, eLfanew) !== IMAGE_NT_SIGNATURE) {
    const sig = eLfanew + 2 <= bytes.length ? String.fromCharCode(bytes[eLfanew]!, bytes[eLfanew + 1]!) : '';
    const kind = sig === 'NE' ? 'a 16-bit NE executable' : sig === 'LE' || sig === 'LX' ? `an ${sig} executable` : 'an MZ-only DOS program';
    return {
      error: peDiag(PE_CODES.notPe, 'error', `no \`PE\\0\\0\` signature at e_lfanew ${eLfanew}: ${kind}, not a PE image`, eLfanew, 'IMAGE_NT_HEADERS.Signature', file,
        'AppLocker treats it as a non-PE file: flat SHA-256 hash, no publisher'),
    };
  }
  const coffOffset = eLfanew + 4;
  cur.seek(coffOffset, 'IMAGE_FILE_HEADER');
  const coff: CoffHeader = {
    machine: cur.u16le('IMAGE_FILE_HEADER.Machine'),
    numberOfSections: cur.u16le('IMAGE_FILE_HEADER.NumberOfSections'),
    timeDateStamp: cur.u32le('IMAGE_FILE_HEADER.TimeDateStamp'),
    pointerToSymbolTable: cur.u32le('IMAGE_FILE_HEADER.PointerToSymbolTable'),
    numberOfSymbols: cur.u32le('IMAGE_FILE_HEADER.NumberOfSymbols'),
    sizeOfOptionalHeader: cur.u16le('IMAGE_FILE_HEADER.SizeOfOptionalHeader'),
    characteristics: cur.u16le('IMAGE_FILE_HEADER.Characteristics'),
  };
  const opt = coffOffset + COFF_HEADER_SIZE;
  if (coff.sizeOfOptionalHeader < MIN_OPTIONAL_HEADER_SIZE) {
    return {
      error: peDiag(PE_CODES.optionalHeaderTooSmall, 'error',
        `SizeOfOptionalHeader ${coff.sizeOfOptionalHeader} is below ${MIN_OPTIONAL_HEADER_SIZE}: no CheckSum field, not a PE image`,
        coffOffset + 16, 'IMAGE_FILE_HEADER.SizeOfOptionalHeader', file),
    };
  }
  // The optional header is read through a sub-cursor bounded by SizeOfOptionalHeader: a field beyond it
  // does not exist even if the file continues (§B.1 "use this to find the section table").
  cur.seek(opt, 'IMAGE_OPTIONAL_HEADER');
  const oc = cur.sub(Math.min(coff.sizeOfOptionalHeader, bytes.length - opt), 'IMAGE_OPTIONAL_HEADER');
  const magic = oc.u16le('IMAGE_OPTIONAL_HEADER.Magic');
  if (magic !== PE32_MAGIC && magic !== PE32_PLUS_MAGIC) {
    return {
      error: peDiag(PE_CODES.badOptionalMagic, 'error', `optional header magic \`0x${magic.toString(16)}\` is neither PE32 (0x10b) nor PE32+ (0x20b)`, opt, 'IMAGE_OPTIONAL_HEADER.Magic', file),
    };
  }
  const format = magic === PE32_PLUS_MAGIC ? 'PE32+' : 'PE32';
  const offs = OPTIONAL_HEADER_OFFSETS[format];
  const majorLinkerVersion = oc.u8('IMAGE_OPTIONAL_HEADER.MajorLinkerVersion');
  const minorLinkerVersion = oc.u8('IMAGE_OPTIONAL_HEADER.MinorLinkerVersion');
  const sizeOfCode = oc.u32le('IMAGE_OPTIONAL_HEADER.SizeOfCode');
  oc.skip(8, 'IMAGE_OPTIONAL_HEADER.SizeOfInitializedData');
  const addressOfEntryPoint = oc.u32le('IMAGE_OPTIONAL_HEADER.AddressOfEntryPoint');
  oc.seek(opt + offs.imageBase, 'IMAGE_OPTIONAL_HEADER.ImageBase');
  const imageBase = format === 'PE32+' ? oc.u64le('IMAGE_OPTIONAL_HEADER.ImageBase') : BigInt(oc.u32le('IMAGE_OPTIONAL_HEADER.ImageBase'));
  const sectionAlignment = oc.u32le('IMAGE_OPTIONAL_HEADER.SectionAlignment');
  const fileAlignment = oc.u32le('IMAGE_OPTIONAL_HEADER.FileAlignment');
  const majorOperatingSystemVersion = oc.u16le('IMAGE_OPTIONAL_HEADER.MajorOperatingSystemVersion');
  const minorOperatingSystemVersion = oc.u16le('IMAGE_OPTIONAL_HEADER.MinorOperatingSystemVersion');
  const majorImageVersion = oc.u16le('IMAGE_OPTIONAL_HEADER.MajorImageVersion');
  const minorImageVersion = oc.u16le('IMAGE_OPTIONAL_HEADER.MinorImageVersion');
  const majorSubsystemVersion = oc.u16le('IMAGE_OPTIONAL_HEADER.MajorSubsystemVersion');
  const minorSubsystemVersion = oc.u16le('IMAGE_OPTIONAL_HEADER.MinorSubsystemVersion');
  oc.skip(4, 'IMAGE_OPTIONAL_HEADER.Win32VersionValue');
  const sizeOfImage = oc.u32le('IMAGE_OPTIONAL_HEADER.SizeOfImage');
  oc.seek(opt + OPT_SIZE_OF_HEADERS, 'IMAGE_OPTIONAL_HEADER.SizeOfHeaders');
  const sizeOfHeaders = oc.u32le('IMAGE_OPTIONAL_HEADER.SizeOfHeaders');
  oc.seek(opt + OPT_CHECKSUM, 'IMAGE_OPTIONAL_HEADER.CheckSum');
  const checkSum = oc.u32le('IMAGE_OPTIONAL_HEADER.CheckSum');
  // Subsystem and later may lie beyond a short (68-byte) optional header: absent fields read as 0.
  const optEnd = opt + coff.sizeOfOptionalHeader;
  const u16At = (rel: number): number => (opt + rel + 2 <= Math.min(optEnd, bytes.length) ? bytes[opt + rel]! | (bytes[opt + rel + 1]! << 8) : 0);
  const subsystem = u16At(OPT_SUBSYSTEM);
  const dllCharacteristics = u16At(OPT_DLL_CHARACTERISTICS);
  const rvaCountOff = opt + offs.numberOfRvaAndSizes;
  const numberOfRvaAndSizes = rvaCountOff + 4 <= Math.min(optEnd, bytes.length) ? peekU32le(bytes, rvaCountOff)! : 0;
  if (numberOfRvaAndSizes > MAX_DATA_DIRECTORIES) {
    anomalies.push(peDiag(PE_CODES.rvaCountLarge, 'warning', `NumberOfRvaAndSizes ${numberOfRvaAndSizes} exceeds the ${MAX_DATA_DIRECTORIES} directories PECOFF defines; extra entries ignored`, rvaCountOff, 'IMAGE_OPTIONAL_HEADER.NumberOfRvaAndSizes', file));
  }
  // INVARIANT: only directories with index < NumberOfRvaAndSizes that lie entirely inside
  // SizeOfOptionalHeader and inside the file exist (SIGNIFY checks both; §B.1).
  const dataDirectories: DataDirectory[] = [];
  const dirBase = opt + offs.dataDirectories;
  const wanted = Math.min(numberOfRvaAndSizes, MAX_DATA_DIRECTORIES);
  for (let i = 0; i < wanted; i++) {
    const at = dirBase + i * 8;
    if (at + 8 > optEnd || at + 8 > bytes.length) {
      anomalies.push(peDiag(PE_CODES.directoriesTruncated, 'warning', `data directory ${i} lies outside the optional header (NumberOfRvaAndSizes ${numberOfRvaAndSizes}, SizeOfOptionalHeader ${coff.sizeOfOptionalHeader})`, at, `IMAGE_DATA_DIRECTORY[${i}]`, file));
      break;
    }
    dataDirectories.push({ index: i, virtualAddress: peekU32le(bytes, at)!, size: peekU32le(bytes, at + 4)! });
  }
  const certEntry = dataDirectories.length > DIRECTORY.Certificate ? dirBase + DIRECTORY.Certificate * 8 : undefined;
  const layout: HeaderLayout = {
    eLfanew,
    coffOffset,
    optionalHeaderOffset: opt,
    sectionTableOffset: optEnd,
    checkSumOffset: opt + OPT_CHECKSUM,
    ...(certEntry !== undefined ? { certificateEntryOffset: certEntry } : {}),
  };
  return {
    headers: {
      format,
      coff,
      optional: {
        magic, majorLinkerVersion, minorLinkerVersion, sizeOfCode, addressOfEntryPoint, imageBase, sectionAlignment, fileAlignment,
        majorOperatingSystemVersion, minorOperatingSystemVersion, majorImageVersion, minorImageVersion, majorSubsystemVersion,
        minorSubsystemVersion, sizeOfImage, sizeOfHeaders, checkSum, subsystem, dllCharacteristics, numberOfRvaAndSizes,
      },
      dataDirectories,
      layout,
    },
    anomalies,
  };
}
